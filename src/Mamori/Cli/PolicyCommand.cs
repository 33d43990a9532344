using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori policy check|render</c>: validate a policy directory and render the public notice.
/// Diagnostics read <c>file:line:column: MAMORI-nnnn message</c>; <c>check</c> exits 1 when there is
/// any error (warnings do not fail), and with a database compares with the newest published version.
/// <c>publish</c> (database-backed) lives in PolicyPublishCommand.
/// </summary>
public static class PolicyCommand
{
    public static Command Create()
    {
        var policy = new Command("policy", "Check, render and publish the privacy policy (policy/*.yaml).");
        policy.Subcommands.Add(CreateCheck());
        policy.Subcommands.Add(CreateRender());
        policy.Subcommands.Add(PolicyPublishCommand.Create());
        return policy;
    }

    private static Argument<string> DirArgument() => new("dir")
    {
        Description = "Policy directory: company.yaml, optional mynumber.yaml, services/*.yaml",
    };

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private static Command CreateCheck()
    {
        var dir = DirArgument();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var cmd = new Command("check",
            "Validate a policy directory; exit 1 if there is any error. With a database (--db, --data-dir or an existing default one), also warn where a Japanese text changed since the newest published version but its English did not.")
        {
            dir, json,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            PublishedPolicy? published = null;
            if (HasDatabase(r))
            {
                var code = await CliSupport.RunAsync(r, ct, async sp =>
                {
                    published = await PublishedAsync(r, sp, ct);
                    return 0;
                });
                if (code != 0) return code;
            }
            var result = PolicyLoader.LoadDirectory(r.GetValue(dir)!, published);
            var errors = result.Diagnostics.Count(d => d.IsError);
            var warnings = result.Diagnostics.Count - errors;
            if (r.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    ok = errors == 0,
                    errors,
                    warnings,
                    contentHash = result.Policy is null ? null : PolicyCanonical.ContentHash(result.Policy),
                    comparedWithVersion = published?.Version.Number,
                    services = result.Policy?.Services.Select(s => s.Id),
                    diagnostics = result.Diagnostics.Select(d => new
                    {
                        file = d.File,
                        line = d.Line,
                        column = d.Column,
                        code = d.Code,
                        severity = d.IsError ? "error" : "warning",
                        message = d.Message,
                        text = d.ToString(),
                    }),
                }, Json));
            }
            else
            {
                foreach (var d in result.Diagnostics) output.WriteLine(d.ToString());
                output.WriteLine((errors == 0
                    ? $"policy ok: {result.Policy!.Services.Count} services, {warnings} warning(s), content hash {PolicyCanonical.ContentHash(result.Policy)}"
                    : $"policy has {errors} error(s) and {warnings} warning(s)")
                    + (published is null ? "" : $"; compared with published version {published.Version.Number}"));
            }
            return errors == 0 ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>
    /// A database to compare with: one named on the command line (which must then be usable), else the configured or
    /// default one when it is there. A check in a repository without a database stays a check of the files.
    /// </summary>
    private static bool HasDatabase(ParseResult r)
    {
        if (r.GetValue(CliSupport.Db) is not null || r.GetValue(CliSupport.DataDir) is not null) return true;
        try
        {
            var settings = Hosting.MamoriSettings.Resolve(null, null);
            return settings.Database.Provider != "sqlite" || File.Exists(Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString));
        }
        catch (Errors.MamoriException)
        {
            return true; // a misconfigured database: said in one line by CliSupport.RunAsync
        }
    }

    /// <summary>The newest version of the tenant --tenant names (or the only one); null without a tenant or a version.</summary>
    private static async Task<PublishedPolicy?> PublishedAsync(ParseResult r, IServiceProvider sp, CancellationToken ct)
    {
        if (r.GetValue(CliSupport.Tenant) is null && !await sp.GetRequiredService<Data.MamoriDbContext>().Tenants.AnyAsync(ct)) return null;
        await CliSupport.UseTenantAsync(r, sp, ct);
        return await sp.GetRequiredService<PolicyStore>().LatestAsync(ct);
    }

    /// <summary>Like AcceptOnlyFromAmong, but with a one-line error message.</summary>
    private static void OneOf(Option<string> option, params string[] allowed) =>
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!allowed.Contains(value, StringComparer.Ordinal))
                result.AddError($"{option.Name} must be {string.Join(" or ", allowed)}, not '{value}'.");
        });

    private static Command CreateRender()
    {
        var dir = DirArgument();
        var lang = new Option<string>("--lang") { Description = "Language of the notice: ja or en", DefaultValueFactory = _ => "ja" };
        OneOf(lang, "ja", "en");
        var format = new Option<string>("--format") { Description = "Output format: html or md", DefaultValueFactory = _ => "html" };
        OneOf(format, "html", "md");
        var service = new Option<string?>("--service") { Description = "Render only this service's notice (its id)" };
        var outputFile = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var cmd = new Command("render", "Render the public privacy notice from a policy directory.") { dir, lang, format, service, outputFile };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var error = r.InvocationConfiguration.Error;
            var result = PolicyLoader.LoadDirectory(r.GetValue(dir)!);
            if (result.Policy is null)
            {
                foreach (var d in result.Diagnostics.Where(d => d.IsError)) error.WriteLine(d.ToString());
                error.WriteLine($"mamori: the policy has errors; nothing rendered (see 'mamori policy check') ({PolicyCodes.CliPolicyInvalid})");
                return 1;
            }
            var language = r.GetValue(lang) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
            var fmt = r.GetValue(format) == "md" ? NoticeFormat.Markdown : NoticeFormat.Html;
            var serviceId = r.GetValue(service);
            if (serviceId is not null && result.Policy.FindService(serviceId) is null)
            {
                error.WriteLine($"mamori: no service '{serviceId}' in the policy (have: {string.Join(", ", result.Policy.Services.Select(s => s.Id))}) ({PolicyCodes.CliPolicyInvalid})");
                return 1;
            }
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), PolicyStore.Jst).DateTime);
            var text = serviceId is null
                ? PolicyRenderer.Render(result.Policy, language, fmt, today: today)
                : PolicyRenderer.RenderService(result.Policy, serviceId, language, fmt, today: today);
            var file = r.GetValue(outputFile);
            if (file is null)
            {
                await r.InvocationConfiguration.Output.WriteAsync(text.AsMemory(), ct);
                return 0;
            }
            try
            {
                await File.WriteAllTextAsync(file, text, ct);
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"mamori: cannot write the output file: {ex.GetType().Name} ({PolicyCodes.CliOutputFailed})");
                return 1;
            }
        });
        return cmd;
    }
}
