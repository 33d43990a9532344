using Mamori.Data;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Hosting;

/// <summary>
/// Runs the retention and key work in every server: key re-wrapping after a rotation, the vault's
/// retention sweep and the sweep of provision and receipt records past their retention (L-15, L-16), for each tenant, every <c>Mamori:Jobs:IntervalSeconds</c> (default 300).
/// Several servers may run it at once: each batch locks the tenant's audit head, then claims rows with SKIP LOCKED.
/// </summary>
public sealed partial class VaultJobs(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<VaultJobs> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Mamori:Jobs:IntervalSeconds", 300));
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                JobFailed(logger, CodeOf(e));
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            tenants = await db.Tenants.Select(t => t.Id).ToListAsync(ct);
            await DatabaseStatistics.OptimizeAsync(db, scope.ServiceProvider.GetRequiredService<IDatabaseProvider>(), ct);
        }
        foreach (var tenant in tenants)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(tenant);
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            var slug = await db.Tenants.Where(t => t.Id == tenant).Select(t => t.Slug).FirstAsync(ct);
            // Keeps checkpoints fresh, so the blast radius and later checks verify only recent events.
            var (chain, _) = await Audit.AuditVerify.CheckpointAsync(db, tenant, slug, clock, ct);
            if (!chain.Intact) ChainBroken(logger, tenant, chain.BrokenAt ?? 0);
            var maintenance = scope.ServiceProvider.GetRequiredService<VaultMaintenance>();
            // Each job on its own: a re-wrap that fails (a key missing from this server's ring) must not stop the retention sweep.
            await RunJobAsync(ErasuresJob, tenant, db, async () =>
            {
                var reapplied = await maintenance.ReapplyErasuresAsync(Audit.Actor.System, ct);
                if (reapplied.SubjectsReshredded > 0) ErasuresReapplied(logger, tenant, reapplied.SubjectsReshredded);
            }, ct);
            await RunJobAsync(RewrapJob, tenant, db, async () =>
            {
                if (await maintenance.RewrapAsync(Audit.Actor.System, ct) is > 0 and var rewrapped) Rewrapped(logger, tenant, rewrapped);
            }, ct);
            await RunJobAsync(RetentionJob, tenant, db, async () =>
            {
                var swept = await maintenance.SweepRetentionAsync(dryRun: false, Audit.Actor.System, ct);
                if (swept.FieldsDestroyed > 0) RetentionSwept(logger, tenant, swept.FieldsDestroyed, swept.SubjectsErased);
            }, ct);
            await RunJobAsync(RecordsJob, tenant, db, async () =>
            {
                var records = await scope.ServiceProvider.GetRequiredService<Provision.ProvisionRecords>().SweepAsync(dryRun: false, Audit.Actor.System, ct);
                if (records.Swept > 0) RecordsSwept(logger, tenant, records.Swept);
            }, ct);
        }
    }

    /// <summary>The job names in the failure log, stable for alerting.</summary>
    public const string ErasuresJob = "erasure-reapply", RewrapJob = "rewrap", RetentionJob = "retention-sweep", RecordsJob = "provision-records-sweep";

    /// <summary>
    /// Runs one job of one tenant; a failure is logged with the job's name and a stable code (the MAMORI-nnnn of a
    /// <see cref="Errors.MamoriException"/>, else the exception's type), never its message, which may quote stored values.
    /// </summary>
    internal async Task RunJobAsync(string job, Guid tenant, MamoriDbContext db, Func<Task> run, CancellationToken ct)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The jobs share the scope's context: what the failed one had changed but not committed must not be saved by the next.
            db.ChangeTracker.Clear();
            VaultJobFailed(logger, job, tenant, CodeOf(e));
        }
    }

    private static string CodeOf(Exception e) => e is Errors.MamoriException m ? Errors.ErrorCodes.Format(m.Code) : e.GetType().Name;

    [LoggerMessage(Level = LogLevel.Information, Message = "Vault jobs for tenant {Tenant}: {Rewrapped} data keys re-wrapped with the primary key")]
    private static partial void Rewrapped(ILogger logger, Guid tenant, int rewrapped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vault jobs for tenant {Tenant}: {Fields} fields destroyed by retention, {Erased} subjects fully erased")]
    private static partial void RetentionSwept(ILogger logger, Guid tenant, int fields, int erased);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Vault job {Job} failed for tenant {Tenant}: {Code}")]
    private static partial void VaultJobFailed(ILogger logger, string job, Guid tenant, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Tenant}: {Count} provision and receipt records deleted at the end of their retention")]
    private static partial void RecordsSwept(ILogger logger, Guid tenant, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Tenant}: {Count} subjects came back from a backup taken before their erasure and were shredded again")]
    private static partial void ErasuresReapplied(ILogger logger, Guid tenant, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The audit chain of tenant {Tenant} is broken at sequence {Sequence}; run 'mamori audit verify'")]
    private static partial void ChainBroken(ILogger logger, Guid tenant, long sequence);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Vault jobs stopped before their end (tenants, statistics or audit checkpoint): {Code}")]
    private static partial void JobFailed(ILogger logger, string code);
}
