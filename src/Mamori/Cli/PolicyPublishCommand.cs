using System.CommandLine;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Policy;

namespace Mamori.Cli;

/// <summary><c>mamori policy publish DIR --effective DATE [--announce DATE]</c>: a new immutable version.</summary>
public static class PolicyPublishCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "The policy directory (company.yaml, services/*.yaml, mynumber.yaml)" };
        var effective = new Option<DateOnly>("--effective") { Description = "Date the version takes effect (YYYY-MM-DD, JST)", Required = true };
        var announce = new Option<DateOnly?>("--announce") { Description = "Date the change was announced (YYYY-MM-DD)" };
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var cmd = new Command("publish", "Validate the policy and store it as a new immutable version") { dir, effective, announce, json, actor };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var publisher = await CliSupport.ActorAsync(r, actor, sp, ct);
            var version = await PublishDirectoryAsync(sp, r.GetValue(dir)!, r.GetValue(effective), r.GetValue(announce), publisher, ct);
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { version.Number, version.ContentHash, version.EffectiveFrom, version.AnnouncedOn });
            else r.InvocationConfiguration.Output.WriteLine($"Published version {version.Number} (effective {version.EffectiveFrom:yyyy-MM-dd}, {version.ContentHash[..12]}).");
            return 0;
        }));
        return cmd;
    }

    /// <summary>Loads, validates and publishes; any validation error refuses the publication.</summary>
    public static async Task<PolicyVersion> PublishDirectoryAsync(IServiceProvider sp, string dir, DateOnly effective, DateOnly? announce, Actor actor, CancellationToken ct)
    {
        var result = PolicyLoader.LoadDirectory(dir);
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        if (result.Policy is null || errors.Count > 0)
        {
            var first = errors.FirstOrDefault();
            // Checking a directory that does not exist tells nothing more: the advice is only for a policy with errors in it.
            var advice = first?.Code == PolicyCodes.DirectoryNotFound ? "" : $"; 'mamori policy check {dir}' lists them all";
            throw new MamoriException(ErrorCode.PolicyInvalid,
                $"The policy has {errors.Count} error(s), the first: {first?.ToString().TrimEnd('.') ?? "unreadable"}{advice}.");
        }
        return await sp.GetRequiredService<PolicyStore>().PublishAsync(result.Policy, effective, announce, actor, ct);
    }
}
