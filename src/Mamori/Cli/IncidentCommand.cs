using System.CommandLine;
using System.Globalization;
using Mamori.Errors;
using Mamori.Hosting;
using Mamori.Incidents;
using Microsoft.Extensions.Configuration;

namespace Mamori.Cli;

/// <summary><c>mamori incident assess</c>: the reportability decision and PPC due dates, without a database.</summary>
public static class IncidentCommand
{
    public static Command Create()
    {
        var discovered = new Option<string>("--discovered") { Description = "The day the business became aware (JST), YYYY-MM-DD: day 1", Required = true };
        var persons = new Option<long>("--persons") { Description = "Persons affected, or the upper bound while unknown", Required = true };
        var cause = new Option<string>("--cause") { Description = "unauthorized-access, insider-theft, misdelivery, loss or other", Required = true };
        var specialCare = new Option<bool>("--special-care") { Description = "Special-care personal information (要配慮個人情報) is involved" };
        var propertyDamage = new Option<bool>("--property-damage-risk") { Description = "Misuse may cause property damage (card numbers, banking credentials)" };
        var suspected = new Option<bool>("--suspected") { Description = "Only suspected (おそれ); the same rules apply" };
        var encrypted = new Option<bool>("--encrypted-keys-safe") { Description = "The data was protected by advanced encryption and the key is not compromised" };
        var myNumber = new Option<bool>("--my-number") { Description = "My Number data (特定個人情報) is involved: reportable above 100 persons" };
        var roll = new Option<bool>("--roll-forward-closed-days") { Description = "Move the final due date off weekends, holidays and 29 Dec-3 Jan (default: setting rollForwardClosedDays)" };
        var json = CliSupport.Json();
        var assess = new Command("assess", "Decide whether an incident is reportable (APPI Art. 26) and compute the PPC report due dates")
        {
            discovered, persons, cause, specialCare, propertyDamage, suspected, encrypted, myNumber, roll, json,
        };
        assess.SetAction(async (r, ct) =>
        {
            var err = r.InvocationConfiguration.Error;
            try
            {
                if (!DateOnly.TryParseExact(r.GetValue(discovered), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var aware))
                    throw new MamoriException(ErrorCode.IncidentInvalidDate, "--discovered must be a date YYYY-MM-DD.");
                var n = r.GetValue(persons);
                if (n < 0) throw new MamoriException(ErrorCode.IncidentInvalidFacts, "--persons must not be negative.");
                var settings = LoadSettings();
                if (r.GetValue(roll)) settings.RollForwardClosedDays = true;
                var facts = new IncidentFacts
                {
                    AwareDate = aware,
                    Cause = IncidentTriage.ParseCause(r.GetValue(cause)),
                    PersonsUpperBound = n,
                    SpecialCare = r.GetValue(specialCare),
                    PropertyDamageRisk = r.GetValue(propertyDamage),
                    Suspected = r.GetValue(suspected),
                    EncryptedKeysSafe = r.GetValue(encrypted),
                    MyNumber = r.GetValue(myNumber),
                };
                var result = IncidentTriage.Assess(facts, settings);
                if (r.GetValue(json))
                {
                    CliSupport.WriteJson(r, new
                    {
                        reportable = result.Reportable,
                        reasons = result.Reasons.Select(x => x.Code()).ToArray(),
                        preliminaryDue = result.Deadlines?.PreliminaryDue,
                        finalDue = result.Deadlines?.FinalDue,
                        notifyPersons = result.NotifyPersons,
                    });
                }
                else
                {
                    await WriteTextAsync(r.InvocationConfiguration.Output, result);
                }
                return 0;
            }
            catch (MamoriException e)
            {
                await err.WriteLineAsync($"mamori: {e.Message} ({ErrorCodes.Format(e.Code)})");
                return 2;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
        });
        return new Command("incident", "Incidents (漏えい等): reportability and PPC deadlines") { assess };
    }

    /// <summary>The figures from <c>Mamori:Incidents</c> in appsettings.json or <c>MAMORI__Incidents__*</c>, else the appi.md defaults.</summary>
    private static IncidentSettings LoadSettings()
    {
        var settings = new IncidentSettings();
        MamoriSettings.LoadConfiguration().GetSection(IncidentSettings.Section).Bind(settings);
        return settings.Validate();
    }

    private static async Task WriteTextAsync(TextWriter o, Reportability result)
    {
        if (!result.Reportable)
        {
            await o.WriteLineAsync(result.Exemption is { } ex
                ? $"Not reportable: exempt ({ex.Code()}); grounds set aside: {string.Join(", ", result.SetAside.Select(x => x.Code()))}."
                : "Not reportable: none of the grounds of APPI Rules Art. 7 applies.");
            return;
        }
        await o.WriteLineAsync($"Reportable{(result.Suspected ? " (suspected)" : "")}. Notify the persons affected.");
        foreach (var x in result.ReasonInfos) await o.WriteLineAsync($"  {x.Letter} {x.Code}: {x.NameEn}");
        var d = result.Deadlines!;
        await o.WriteLineAsync($"  Preliminary report (速報): warn {d.PreliminaryWarn:yyyy-MM-dd}, due {d.PreliminaryDue:yyyy-MM-dd}");
        await o.WriteLineAsync($"  Final report (確報, {d.FinalPeriodDays} days): due {d.FinalDue:yyyy-MM-dd}{(d.FinalRolled ? $" (rolled from {d.FinalDueUnrolled:yyyy-MM-dd})" : "")}");
    }
}
