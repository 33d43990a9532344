using System.CommandLine;
using Mamori.Audit;
using Mamori.Vault;

namespace Mamori.Cli;

/// <summary><c>mamori import FILE.csv --type T --purpose P</c>: bring existing customers into the vault.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "CSV with a header row of data-category ids (name,email,phone,…)" };
        var type = new Option<string>("--type") { Description = "Subject type id from the policy", Required = true };
        var purpose = new Option<string[]>("--purpose") { Description = "Purpose id(s) shown at acquisition", Required = true, AllowMultipleArgumentsPerToken = true };
        var acquisition = new Option<string>("--acquisition") { Description = "Acquisition method id (default: the policy's first)" };
        var service = new Option<string?>("--service") { Description = "Service id whose policy applies" };
        var json = CliSupport.Json();
        var cmd = new Command("import", "Import subjects from a CSV file: streaming, resumable, bad rows reported by line") { file, type, purpose, acquisition, service, json };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var current = await sp.GetRequiredService<Policy.PolicyStore>().RequireCurrentAsync(ct);
            var scope = Access.PolicyScopes.For(current.Model, r.GetValue(service));
            var method = r.GetValue(acquisition) ?? scope.AcquisitionMethods.FirstOrDefault()?.Id ?? "import";
            var err = r.InvocationConfiguration.Error;
            var terminal = !Console.IsErrorRedirected && !r.GetValue(json);
            var result = await sp.GetRequiredService<SubjectImport>().RunAsync(r.GetValue(file)!,
                new ImportOptions(r.GetValue(type)!, r.GetValue(purpose)!.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList(), method, r.GetValue(service)),
                Actor.System,
                terminal ? (done, total) => err.Write($"\r{Bar(done, total)}") : null, ct);
            if (terminal) await err.WriteLineAsync();
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { result.Imported, result.Rejected, result.ResumedAfterLine, rejectedRows = result.RejectedRows });
            else
            {
                var o = r.InvocationConfiguration.Output;
                if (result.ResumedAfterLine > 0) o.WriteLine($"Resumed after line {result.ResumedAfterLine}.");
                o.WriteLine($"Imported {result.Imported} subjects; rejected {result.Rejected} rows.");
                foreach (var row in result.RejectedRows.Take(1000)) o.WriteLine($"  line {row.Line}: {row.Reason} ({row.Code})");
            }
            return result.Rejected > 0 ? 3 : 0;
        }));
        return cmd;
    }

    private static string Bar(long done, long total)
    {
        var fraction = total == 0 ? 1 : (double)done / total;
        var filled = (int)(fraction * 30);
        return $"[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction:P0}";
    }
}
