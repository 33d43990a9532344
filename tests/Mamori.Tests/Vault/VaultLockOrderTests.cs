using Mamori.Audit;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// Lock order on PostgreSQL (SQLite has one writer at a time): every audited change locks the tenant's chain head before
/// the rows it writes. Regression: the re-wrap job claimed subject rows (FOR UPDATE SKIP LOCKED) and locked the head only
/// at its audit append, so a correction holding the head and then writing a claimed row deadlocked with it.
/// </summary>
public sealed class VaultLockOrderTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rewrap_WhileAnotherTransactionHoldsTheHead_ClaimsNoRowUntilItIsFree()
    {
        var (app, tenant) = await StartAsync(Providers.Postgres, cluster);
        await using var _ = app;
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await IspCustomerAsync(app, tenant, NewPerson()));
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        keys.Save(keys.Current.WithNewKey(app.Clock));
        var connectionString = await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.Database.GetConnectionString()!));

        // A correction in progress: it holds the head (its append reserved it) and has yet to write the person's row.
        await using var correction = new NpgsqlConnection(connectionString);
        await correction.OpenAsync(Ct);
        await using var tx = await correction.BeginTransactionAsync(Ct);
        await Execute(correction, """UPDATE "AuditHeads" SET "LastSequence" = "LastSequence" WHERE "TenantId" = $1""", tenant);

        var rewrap = Task.Run(() => app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().RewrapAsync(Actor.System, Ct)), Ct);
        await using (var watcher = new NpgsqlConnection(connectionString))
        {
            await watcher.OpenAsync(Ct);
            await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
            for (var i = 0; i < 300 && (long)(await waiting.ExecuteScalarAsync(Ct))! == 0; i++) await Task.Delay(50, Ct);
            ((long)(await waiting.ExecuteScalarAsync(Ct))!).ShouldBe(1, "the re-wrap job should be waiting for a lock by now");
        }

        // The correction writes the row; the job must not hold it. Before the fix this waited for the job, which waited
        // for the head: PostgreSQL broke the deadlock by failing one of the two.
        await Execute(correction, "SET LOCAL lock_timeout = '10s'", null);
        await Execute(correction, """UPDATE "DataSubjects" SET "UpdatedAt" = "UpdatedAt" WHERE "Id" = $1""", ids[0]);
        await tx.CommitAsync(Ct);

        (await rewrap).ShouldBe(3);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, Guid? parameter)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        if (parameter is { } p) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        await cmd.ExecuteNonQueryAsync(Ct);
    }
}
