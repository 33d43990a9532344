using System.Net;
using Mamori.Provision;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;

namespace Mamori.Tests.Governance;

/// <summary>
/// The migration that gave a supervision record the audit that wrote it (AuditRunId): a record an entrustee audit wrote before,
/// with the audit as a path in Actions, names its audit and loses the path; a record written by hand keeps its actions.
/// </summary>
public sealed class SupervisionAuditRunMigrationTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Before = "IncidentBlastRadii";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_AuditPathInActions_BecomesTheRecordsAuditRunId(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster);
        var plan = await s.CreatePlanAsync("2026-11-23", kind: "entrustee", recipientId: "payment-agent");
        var run = (await s.PostAsync($"/api/governance/audits/plans/{plan.GetProperty("id").GetGuid()}/runs", new { }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await s.AnswerAllAsync(run, asSuggested: false);
        await s.PostAsync($"/api/governance/audits/runs/{run}/complete", new { summary = "概ね適合" });
        await s.PostAsync("/api/recipients/payment-agent/supervision", new { heldOn = "2026-11-23", kind = "report-review", findings = "報告書を受領", actions = "次回は実地で確認" },
            HttpStatusCode.Created);

        // Back to the schema before, with the audit's record as that version wrote it.
        await s.App.InTenantAsync(Guid.Empty, async (_, db) =>
        {
            await db.GetService<IMigrator>().MigrateAsync(Before, cancellationToken: Ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "SupervisionRecords" SET "Actions" = {$"/governance/audits/runs/{run}"} WHERE "Findings" = '概ね適合'""", Ct);
            await db.Database.MigrateAsync(Ct);
            return 0;
        });

        var records = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<SupervisionRecord>().AsNoTracking().ToDictionaryAsync(r => r.Findings, Ct));
        records["概ね適合"].AuditRunId.ShouldBe(run);
        records["概ね適合"].Actions.ShouldBeNull();
        records["報告書を受領"].AuditRunId.ShouldBeNull();
        records["報告書を受領"].Actions.ShouldBe("次回は実地で確認");
    }
}
