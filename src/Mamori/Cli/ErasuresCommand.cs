using System.CommandLine;
using Mamori.Vault;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori erasures reapply</c>: after a PostgreSQL <c>pg_restore</c> (or any restore done by hand),
/// shreds again every subject whose data key the erasure ledger lists as destroyed. <c>mamori restore</c>
/// and <c>mamori serve</c> do this themselves.
/// </summary>
public static class ErasuresCommand
{
    public static Command Create()
    {
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var reapply = new Command("reapply", "Shred again subjects erased after the backup this database was restored from (reads the erasure ledger beside the keys), in every tenant or --tenant's") { json, actor };
        reapply.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var report = await ReapplyAsync(sp, await CliSupport.TenantsAsync(r, sp, actor, ct), ct);
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { ledgerLinesAdded = report.LedgerLinesAdded, subjectsReshredded = report.SubjectsReshredded });
            else r.InvocationConfiguration.Output.WriteLine($"Erasure ledger: {report.LedgerLinesAdded} lines added from certificates; {report.SubjectsReshredded} restored subjects shredded again.");
            return 0;
        }));
        return new Command("erasures", "The erasure ledger kept beside the key ring (makes restored pre-erasure backups unreadable)") { reapply };
    }

    /// <summary>Runs <see cref="VaultMaintenance.ReapplyErasuresAsync"/> for each of <paramref name="tenants"/>, recorded as done by its actor.</summary>
    public static async Task<ReapplyReport> ReapplyAsync(IServiceProvider sp, IEnumerable<(Guid Id, string Slug, Audit.Actor Actor)> tenants, CancellationToken ct)
    {
        int added = 0, reshredded = 0;
        foreach (var (tenant, _, actor) in tenants)
        {
            await using var scope = sp.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Tenant.Set(tenant);
            var report = await scope.ServiceProvider.GetRequiredService<VaultMaintenance>().ReapplyErasuresAsync(actor, ct);
            added += report.LedgerLinesAdded;
            reshredded += report.SubjectsReshredded;
        }
        return new ReapplyReport(added, reshredded);
    }
}
