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
        return new Command("incident", "Incidents (漏えい等): reportability and PPC deadlines") { assess, BlastRadius() };
    }

    /// <summary>
    /// <c>mamori incident blast-radius ID</c>: the same computation as the console and the API (audit chain verified first,
    /// result recorded on the incident, its timeline and the audit chain), for a responder at a terminal, e.g. with the
    /// leaked file in hand.
    /// </summary>
    private static Command BlastRadius()
    {
        var incidentId = new Argument<string>("incident") { Description = "The incident's id (console or GET /api/incidents)" };
        var apiKey = new Option<string?>("--api-key") { Description = "A compromised API key, by its prefix (mk_xxxx_, as 'mamori apikey list' prints it) or id: what it read in the window" };
        var user = new Option<string?>("--user") { Description = "A compromised staff account, by sign-in address or user id: what it read in the window" };
        var from = new Option<string?>("--from") { Description = "Start of the window, ISO 8601 with offset (2026-11-20T00:00+09:00)" };
        var to = new Option<string?>("--to") { Description = "End of the window, ISO 8601 with offset" };
        var export = new Option<FileInfo?>("--export") { Description = "A leaked file that Mamori produced (provision CSV, disclosure answer): who and what it held" };
        var sha = new Option<string?>("--sha256") { Description = "The leaked file's SHA-256 (64 hex digits), when only the digest is known" };
        var exportKind = new Option<string?>("--export-kind") { Description = "provision or disclosure, with --export-id: the export by its record or request id" };
        var exportId = new Option<string?>("--export-id") { Description = "The provision record id or request id of the export" };
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var command = new Command("blast-radius", "Record who was affected: what a compromised key or account read (audit chain), or what a leaked export held")
        {
            incidentId, apiKey, user, from, to, export, sha, exportKind, exportId, json, actor,
        };
        command.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            if (!Guid.TryParse(r.GetValue(incidentId), out var id))
                throw new MamoriException(ErrorCode.NotFound, "The incident id is not an id; copy it from the console or GET /api/incidents.", 404);
            var byActor = r.GetValue(apiKey) is not null || r.GetValue(user) is not null;
            var byExport = r.GetValue(export) is not null || r.GetValue(sha) is not null || r.GetValue(exportKind) is not null || r.GetValue(exportId) is not null;
            if (byActor == byExport)
                throw new MamoriException(ErrorCode.IncidentInvalidExport,
                    "Name either a compromised actor (--api-key or --user, with --from and --to) or a leaked export (--export, --sha256, or --export-kind with --export-id).");
            await CliSupport.UseTenantAsync(r, sp, ct);
            var responder = await CliSupport.ActorAsync(r, actor, sp, ct);
            var incidents = sp.GetRequiredService<IncidentRegistry>();
            var o = r.InvocationConfiguration.Output;
            if (byActor)
            {
                if (r.GetValue(apiKey) is not null && r.GetValue(user) is not null)
                    throw new MamoriException(ErrorCode.IncidentInvalidActor, "Name one actor: --api-key or --user.");
                var query = new BlastRadiusQuery(r.GetValue(apiKey) is not null ? ActorKindCode.ApiKey : ActorKindCode.User,
                    (r.GetValue(apiKey) ?? r.GetValue(user))!, Instant(r.GetValue(from), "--from"), Instant(r.GetValue(to), "--to"));
                var (incident, result, computation) = await incidents.ComputeBlastRadiusAsync(id, query, responder, ct);
                var d = incidents.View(incident).Decision;
                if (r.GetValue(json))
                    CliSupport.WriteJson(r, new
                    {
                        incident = incident.Id, actorId = computation.ActorId, subjectCount = result.Subjects.Count, affectedInAll = incident.BlastPersons, categories = result.Categories, eventsRead = result.EventsRead,
                        verifiedEvents = result.VerifiedEvents, reportable = d.Reportable, preliminaryDue = d.Deadlines?.PreliminaryDue, finalDue = d.Deadlines?.FinalDue,
                    });
                else
                {
                    await o.WriteLineAsync($"{incident.Title} ({incident.Id}): {result.Subjects.Count:N0} persons affected, categories {Join(result.Categories)}; " +
                                           $"{result.EventsRead:N0} reads by {computation.Source.En} (id {computation.ActorId}); audit chain verified ({IncidentTexts.Checked(result.VerifiedEvents).En}).");
                    await WriteUnionAsync(o, incident);
                    await WriteDecisionAsync(o, d);
                }
            }
            else
            {
                var file = r.GetValue(export);
                if (file is { Exists: false }) throw new MamoriException(ErrorCode.IncidentInvalidExport, $"{file.Name}: no such file.");
                var query = file is not null ? ExportQuery.ForFile(await File.ReadAllBytesAsync(file.FullName, ct))
                    : new ExportQuery(r.GetValue(sha), r.GetValue(exportKind), r.GetValue(exportId));
                var (incident, c) = await incidents.ComputeExportBlastRadiusAsync(id, query, responder, ct);
                var d = incidents.View(incident).Decision;
                if (r.GetValue(json))
                    CliSupport.WriteJson(r, new
                    {
                        incident = incident.Id, exportKind = c.ExportKind, exportId = c.ExportId, formats = c.Formats, subjectCount = c.Subjects.Count, affectedInAll = incident.BlastPersons, categories = c.Categories,
                        firstSequence = c.FirstSequence, lastSequence = c.LastSequence, verifiedEvents = c.VerifiedEvents, reportable = d.Reportable,
                        preliminaryDue = d.Deadlines?.PreliminaryDue, finalDue = d.Deadlines?.FinalDue,
                    });
                else
                {
                    await o.WriteLineAsync($"{incident.Title} ({incident.Id}): the {c.ExportKind} export {c.ExportId} ({string.Join("/", c.Formats)}) held " +
                                           $"{c.Subjects.Count:N0} persons, categories {Join(c.Categories)}; audit chain verified ({IncidentTexts.Checked(c.VerifiedEvents).En}).");
                    await WriteUnionAsync(o, incident);
                    await WriteDecisionAsync(o, d);
                }
            }
            return 0;
        }));
        return command;
    }

    private static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);

    private static DateTimeOffset Instant(string? value, string option) =>
        // The offset is required: a bare local time would be read in the machine's zone, which is often UTC on servers.
        value is not null && System.Text.RegularExpressions.Regex.IsMatch(value, @"T.*(Z|[+-]\d{2}:?\d{2})$")
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new MamoriException(ErrorCode.IncidentInvalidWindow, $"{option} must be a time with its offset, e.g. 2026-11-20T00:00+09:00.");

    /// <summary>After an incident's second computation: the persons affected by all of them together (the union).</summary>
    private static async Task WriteUnionAsync(TextWriter o, Incident incident)
    {
        if (incident.BlastRadii.Count > 1)
            await o.WriteLineAsync($"  {incident.BlastRadii[^1].NewPersons:N0} of them new: {incident.BlastPersons:N0} persons affected by the incident's {incident.BlastRadii.Count} computations in all.");
    }

    private static async Task WriteDecisionAsync(TextWriter o, Reportability d) =>
        await o.WriteLineAsync(d.Reportable
            ? $"  Reportable: preliminary report due {d.Deadlines!.PreliminaryDue:yyyy-MM-dd}, final report due {d.Deadlines.FinalDue:yyyy-MM-dd}; notify the persons affected."
            : "  Not reportable on these facts.");

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
            // By name, as the console and the report word it (the codes are the flags' and the JSON's business).
            await o.WriteLineAsync(result.Exemption is { } ex
                ? $"Not reportable: exempt: {ex.Name().En}." + (result.SetAside.Count == 0 ? ""
                    : $" Grounds set aside: {string.Join("; ", result.SetAside.Select(IncidentTriage.Describe).Select(x => $"{x.Letter} {x.NameEn} ({x.LawReferenceEn})"))}.")
                : "Not reportable: none of the grounds of APPI Rules Art. 7 applies.");
            return;
        }
        await o.WriteLineAsync($"Reportable{(result.Suspected ? " (suspected)" : "")}. Notify the persons affected.");
        foreach (var x in result.ReasonInfos) await o.WriteLineAsync($"  {x.Letter} {x.Code}: {x.NameEn} ({x.LawReferenceEn})");
        var d = result.Deadlines!;
        await o.WriteLineAsync($"  Preliminary report (速報): warn {d.PreliminaryWarn:yyyy-MM-dd}, due {d.PreliminaryDue:yyyy-MM-dd}");
        await o.WriteLineAsync($"  Final report (確報, {d.FinalPeriodDays} days): due {d.FinalDue:yyyy-MM-dd}{(d.FinalRolled ? $" (rolled from {d.FinalDueUnrolled:yyyy-MM-dd})" : "")}");
    }
}
