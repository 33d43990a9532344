using Mamori.Audit;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Found by the crash test: `mamori audit verify` against a running server read the events, then the head,
/// and reported appends made in between as a "missing event". The head is now read first.
/// </summary>
public sealed class AuditVerifyLiveTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task AppendAsync(TestApp app, Guid tenant, string target) => app.InTenantAsync(tenant, async (sp, db) =>
    {
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.Logout, Actor.System, TargetId: target), Ct);
        await tx.CommitAsync(Ct);
        return 0;
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_WhileWritersAppend_NeverReportsABreak(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++) await AppendAsync(app, tenant.Id, $"w{w}-{i}");
        }, Ct)).ToArray();
        var results = new List<AuditVerification>();
        while (!writers.All(t => t.IsCompleted))
            results.Add(await app.InTenantAsync(tenant.Id, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant.Id, tenant.Slug, Ct)));
        await Task.WhenAll(writers);

        results.Count.ShouldBeGreaterThan(0);
        results.Where(r => !r.Intact).Select(r => $"{r.BrokenAt}: {r.Problem}").ShouldBeEmpty();
        var final = await app.InTenantAsync(tenant.Id, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant.Id, tenant.Slug, Ct));
        final.Intact.ShouldBeTrue(final.Problem);
        final.Verified.ShouldBe(1 + 3 * 40);
    }

    /// <summary>Reading the head first must not hide an event inserted past it.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_EventBeyondTheHead_StillDetected(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        for (var i = 0; i < 4; i++) await AppendAsync(app, tenant.Id, $"e{i}");
        // Wind the head back one event, consistently (sequence and hash): the last event now lies beyond it.
        await app.InTenantAsync(Guid.Empty, async (_, db) => await db.Database.ExecuteSqlRawAsync(
            """UPDATE "AuditHeads" SET "LastSequence" = 4, "LastHash" = (SELECT e."Hash" FROM "AuditEvents" e WHERE e."TenantId" = "AuditHeads"."TenantId" AND e."Sequence" = 4)""", Ct));

        var result = await app.InTenantAsync(tenant.Id, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant.Id, tenant.Slug, Ct));

        result.Intact.ShouldBeFalse();
        result.BrokenAt.ShouldNotBeNull().ShouldBeGreaterThan(4);
        result.Problem.ShouldBe("events beyond the chain head");
    }
}
