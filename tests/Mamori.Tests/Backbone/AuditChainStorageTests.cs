using Mamori.Audit;
using Mamori.Cli;
using Mamori.Data;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>Storage contract: the audit chain on every provider.</summary>
public sealed class AuditChainStorageTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> SeedEventsAsync(TestApp app, int count)
    {
        var tenant = await app.CreateTenantAsync("acme");
        await app.InTenantAsync(tenant.Id, async (sp, db) =>
        {
            var audit = sp.GetRequiredService<AuditLog>();
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            var entries = Enumerable.Range(0, count - 1)
                .Select(i => new AuditEntry(AuditCode.LoginFailed, Actor.Anonymous, AuditOutcome.Denied, TargetId: $"t{i}", ReasonCode: "wrong-password"))
                .ToList();
            await audit.AppendManyAsync(db, entries, Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        return tenant.Id;
    }

    private static async Task<(int Code, string Out, string Err)> VerifyCliAsync(TestApp app)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(["audit", "verify", "--db", app.Database.CliValue], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static Task ExecAsync(TestApp app, string sql) =>
        app.InTenantAsync(Guid.Empty, async (_, db) => await db.Database.ExecuteSqlRawAsync(sql, Ct));

    // Events are written by a multi-row INSERT (PostgreSQL) or a prepared per-row statement (SQLite), not by
    // SaveChanges: each must be stored exactly as EF stores and queries it, and more than one chunk is written.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AppendMany_EventsOfEveryShape_ReadBackByEfQueriesExactly(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync("acme");
        app.Clock.Advance(TimeSpan.FromTicks(1_234_567)); // a time with sub-microsecond ticks, which every provider cuts the same way
        var now = app.Clock.GetUtcNow();
        var subject = Guid.NewGuid().ToString();
        var written = await app.InTenantAsync(tenant.Id, async (sp, db) =>
        {
            var renamed = await db.Tenants.SingleAsync(t => t.Id == tenant.Id, Ct);
            renamed.Name = "Acme renamed"; // a pending change of the caller: saved with the events
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            var entries = Enumerable.Range(0, 1200).Select(i => i % 3 == 0
                ? new AuditEntry(AuditCode.AccessAllowed, Actor.Key(Guid.NewGuid()), AuditOutcome.Success, subject, $"target-{i}", "support", "allowed", "name,email")
                : new AuditEntry(AuditCode.AccessDenied, Actor.Anonymous, AuditOutcome.Denied)).ToList();
            var events = await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, entries, Ct);
            await tx.CommitAsync(Ct);
            return events;
        });

        var first = written[0].Sequence; // after the tenant's own creation event
        var read = await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.AsNoTracking().Where(e => e.Sequence >= first).OrderBy(e => e.Sequence).ToListAsync(Ct));
        read.Count.ShouldBe(1200);
        for (var i = 0; i < read.Count; i++)
        {
            var (w, r) = (written[i], read[i]);
            (r.TenantId, r.Sequence, r.Time, r.Code, r.ActorKind, r.ActorId, r.SubjectId, r.TargetId, r.Purpose, r.Categories, r.Outcome, r.ReasonCode)
                .ShouldBe((w.TenantId, w.Sequence, w.Time, w.Code, w.ActorKind, w.ActorId, w.SubjectId, w.TargetId, w.Purpose, w.Categories, w.Outcome, w.ReasonCode));
            r.Hash.ShouldBe(w.Hash);
            r.PreviousHash.ShouldBe(w.PreviousHash);
        }
        read[0].Time.ShouldBe(new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero));
        // EF's own parameters (tenant filter, Guid and time formats) find the rows.
        var bySubject = await app.InTenantAsync(tenant.Id, (_, db) =>
            db.AuditEvents.AsNoTracking().CountAsync(e => e.SubjectId == subject && e.Time >= read[0].Time && e.Code == AuditCode.AccessAllowed, Ct));
        bySubject.ShouldBe(400);
        (await app.InTenantAsync(tenant.Id, (_, db) => db.Tenants.AsNoTracking().Where(t => t.Id == tenant.Id).Select(t => t.Name).SingleAsync(Ct))).ShouldBe("Acme renamed");
        var (code, stdout, _) = await VerifyCliAsync(app);
        code.ShouldBe(0);
        stdout.ShouldContain("intact, 1201 events"); // 1,200 plus the tenant's creation
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_IntactChain_ExitsZeroWithCount(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        await SeedEventsAsync(app, 10);
        var (code, stdout, _) = await VerifyCliAsync(app);
        code.ShouldBe(0);
        stdout.ShouldContain("intact, 10 events");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_EditedRow_ExitsOneNamingSequence(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        await SeedEventsAsync(app, 10);
        await ExecAsync(app, """UPDATE "AuditEvents" SET "ReasonCode" = 'edited' WHERE "Sequence" = 4""");
        var (code, _, stderr) = await VerifyCliAsync(app);
        code.ShouldBe(1);
        stderr.ShouldContain("broken at sequence 4");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_DeletedRow_ExitsOneNamingSequence(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        await SeedEventsAsync(app, 10);
        await ExecAsync(app, """DELETE FROM "AuditEvents" WHERE "Sequence" = 6""");
        var (code, _, stderr) = await VerifyCliAsync(app);
        code.ShouldBe(1);
        stderr.ShouldContain("broken at sequence 6");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_DeletedLastRow_ExitsOneNamingSequence(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        await SeedEventsAsync(app, 10);
        await ExecAsync(app, """DELETE FROM "AuditEvents" WHERE "Sequence" = 10""");
        var (code, _, stderr) = await VerifyCliAsync(app);
        code.ShouldBe(1);
        stderr.ShouldContain("broken at sequence 10");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_ReorderedRows_ExitsOneNamingFirstSwapped(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        await SeedEventsAsync(app, 10);
        await ExecAsync(app, """UPDATE "AuditEvents" SET "Sequence" = -1 WHERE "Sequence" = 3""");
        await ExecAsync(app, """UPDATE "AuditEvents" SET "Sequence" = 3 WHERE "Sequence" = 7""");
        await ExecAsync(app, """UPDATE "AuditEvents" SET "Sequence" = 7 WHERE "Sequence" = -1""");
        var (code, _, stderr) = await VerifyCliAsync(app);
        code.ShouldBe(1);
        stderr.ShouldContain("broken at sequence 3");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Append_ConcurrentWriters_NoGapsAndChainIntact(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await app.InTenantAsync(tenant.Id, async (sp, db) =>
                {
                    await using var tx = await db.Database.BeginTransactionAsync(Ct);
                    await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.Logout, Actor.System, TargetId: $"w{w}-{i}"), Ct);
                    await tx.CommitAsync(Ct);
                    return 0;
                });
            }
        }, Ct)));
        var result = await app.InTenantAsync(tenant.Id, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant.Id, tenant.Slug, Ct));
        result.Intact.ShouldBeTrue(result.Problem);
        result.Verified.ShouldBe(1 + 6 * 15);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Append_RolledBack_LeavesNoEventAndNoGap(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        await app.InTenantAsync(tenant.Id, async (sp, db) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.Logout, Actor.System), Ct);
            await tx.RollbackAsync(Ct);
            return 0;
        });
        await app.InTenantAsync(tenant.Id, async (sp, db) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.Logout, Actor.System), Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        var result = await app.InTenantAsync(tenant.Id, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant.Id, tenant.Slug, Ct));
        result.Intact.ShouldBeTrue(result.Problem);
        result.Verified.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Append_OutsideTransaction_Refused(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var e = await Should.ThrowAsync<Errors.MamoriException>(() => app.InTenantAsync(tenant.Id, (sp, db) =>
            sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.Logout, Actor.System), Ct)));
        e.Code.ShouldBe(Errors.ErrorCode.AuditOutsideTransaction);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Query_SecondTenant_SeesNothingOfFirst(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var first = await app.CreateTenantAsync("first");
        var second = await app.CreateTenantAsync("second");
        await app.UserAsync(first.Id, Roles.Admin);
        await app.ApiKeyAsync(first.Id, Roles.Operator);
        var seen = await app.InTenantAsync(second.Id, async (_, db) => new
        {
            Users = await db.Users.CountAsync(Ct),
            Keys = await db.ApiKeys.CountAsync(Ct),
            Events = await db.AuditEvents.Where(e => e.TenantId == first.Id).CountAsync(Ct),
            AllEvents = await db.AuditEvents.CountAsync(Ct),
        });
        seen.Users.ShouldBe(0);
        seen.Keys.ShouldBe(0);
        seen.Events.ShouldBe(0);
        seen.AllEvents.ShouldBe(1); // only the second tenant's own creation event
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Save_RowOfAnotherTenant_Refused(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var first = await app.CreateTenantAsync("first");
        var second = await app.CreateTenantAsync("second");
        await Should.ThrowAsync<InvalidOperationException>(() => app.InTenantAsync(second.Id, async (_, db) =>
        {
            db.Users.Add(new StaffUser { TenantId = first.Id, Email = "x@example.com", PasswordHash = "x" });
            return await db.SaveChangesAsync(Ct);
        }));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Model_MigrationsMatchModel_NoPendingChanges(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        await app.InTenantAsync(Guid.Empty, (_, db) =>
        {
            db.Database.HasPendingModelChanges().ShouldBeFalse("run scripts/add-migration.sh");
            return Task.FromResult(0);
        });
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_RunTwice_IsIdempotent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var stdout = new StringWriter();
        var code = await MamoriCli.RunAsync(["migrate", "--db", app.Database.CliValue], stdout, new StringWriter());
        code.ShouldBe(0);
        stdout.ToString().ShouldContain("up to date");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Checkpoint_IncrementalVerify_DetectsEditsAfterItAndFullVerifyDetectsEditsBefore(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await SeedEventsAsync(app, 10);
        var clock = app.Clock;
        var (first, checkpoint) = await app.InTenantAsync(tenant, (_, db) => AuditVerify.CheckpointAsync(db, tenant, "acme", clock, Ct));
        first.Intact.ShouldBeTrue();
        checkpoint!.Sequence.ShouldBe(10);
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, [new AuditEntry(AuditCode.Logout, Actor.System), new AuditEntry(AuditCode.Logout, Actor.System)], Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        var incremental = await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct, fromCheckpoint: true));
        incremental.Intact.ShouldBeTrue(incremental.Problem);
        incremental.Verified.ShouldBe(2);

        await ExecAsync(app, """UPDATE "AuditEvents" SET "ReasonCode" = 'edited' WHERE "Sequence" = 11""");
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct, fromCheckpoint: true))).BrokenAt.ShouldBe(11);
        await ExecAsync(app, """UPDATE "AuditEvents" SET "ReasonCode" = NULL WHERE "Sequence" = 11""");

        await ExecAsync(app, """UPDATE "AuditEvents" SET "ReasonCode" = 'edited' WHERE "Sequence" = 3""");
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).BrokenAt.ShouldBe(3);
        await ExecAsync(app, """UPDATE "AuditEvents" SET "Hash" = "PreviousHash" WHERE "Sequence" = 10""");
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct, fromCheckpoint: true))).Problem.ShouldBe("event does not match its checkpoint");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Checkpoint_TwoServersAtOnce_BothSucceedWithOneCheckpoint(string provider)
    {
        // Regression: two servers starting together on one PostgreSQL database both found no checkpoint at the head and
        // both inserted one; the second failed with 23505 on PK_AuditCheckpoints and skipped that run of its vault job.
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await SeedEventsAsync(app, 3);
        const int rounds = 15;
        for (var round = 0; round < rounds; round++)
        {
            await app.InTenantAsync(tenant, async (sp, db) =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(Ct);
                await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.Logout, Actor.System), Ct);
                await tx.CommitAsync(Ct);
                return 0;
            });
            using var start = new Barrier(2);
            var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => app.InTenantAsync(tenant, (_, db) =>
            {
                start.SignalAndWait(Ct);
                return AuditVerify.CheckpointAsync(db, tenant, "acme", app.Clock, Ct);
            }))));
            both.ShouldAllBe(x => x.Result.Intact && x.Checkpoint != null);
            both[0].Checkpoint!.Sequence.ShouldBe(3 + round + 1);
            both[1].Checkpoint!.Sequence.ShouldBe(both[0].Checkpoint!.Sequence);
        }
        (await app.InTenantAsync(tenant, (_, db) => db.Set<AuditCheckpoint>().CountAsync(Ct))).ShouldBe(rounds);
    }
}
