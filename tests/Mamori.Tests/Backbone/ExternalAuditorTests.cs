using System.Net;
using System.Net.Http.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Backbone;

/// <summary>
/// The external auditor (外部監査人, an audit firm or a certification body's assessor) reads what the internal auditor reads and
/// changes nothing. The matrix (DeclaredAccessMatrixTests) says yes or no per endpoint; these are the pages as that person sees them.
/// </summary>
public sealed class ExternalAuditorTests(PostgresCluster cluster)
{
    [Fact]
    public void ExternalAuditor_Permissions_ReadOnlySubsetOfAuditorsWithoutVault()
    {
        var reads = Enum.GetValues<Permission>().Where(p => RolePermissions.Grants([Roles.ExternalAuditor], p)).ToList();
        // Everything it may do, the internal auditor may too; nothing that acts, and nothing of the vault.
        reads.Where(p => !RolePermissions.Grants([Roles.Auditor], p)).ShouldBeEmpty();
        reads.ShouldNotContain(Permission.ManageInternalAudits);
        reads.ShouldNotContain(Permission.ReviewAccess);
        reads.ShouldNotContain(Permission.Decide);
        reads.ShouldNotContain(Permission.UseDatasets);
        reads.ShouldNotContain(Permission.ReadSubjects);
        reads.ShouldContain(Permission.ReadAudit);
        reads.ShouldContain(Permission.VerifyAudit);
        reads.ShouldContain(Permission.ReadInternalAudits);
        reads.ShouldContain(Permission.ReadAccessReviews);
        reads.ShouldContain(Permission.ReadGovernance);
    }

    [Fact]
    public async Task Console_ExternalAuditor_SeesRecordsWithoutForms()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.ExternalAuditor);
        var dashboard = await s.GetStringAsync("/console");
        dashboard.ShouldContain("(外部監査人)");
        dashboard.ShouldContain("href=\"/console/audit\"");
        dashboard.ShouldContain("href=\"/console/governance/audits\"");
        dashboard.ShouldNotContain("href=\"/console/subjects\"");

        // Internal audits: the plans, not the form that makes one.
        var audits = await s.GetStringAsync("/console/governance/audits");
        audits.ShouldContain("<h1");
        audits.ShouldNotContain("action=\"/console/governance/audits/plans\"");
        var reviews = await s.GetStringAsync("/console/governance/access-reviews");
        reviews.ShouldNotContain("action=\"/console/governance/access-reviews\"");

        // And the API refuses what the pages do not offer.
        var client = await app.SignedInAsync(tenant, Roles.ExternalAuditor);
        await (await client.PostAsJsonAsync("/api/governance/audits/plans", new { title = "外部監査" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        await (await client.PostAsJsonAsync("/api/governance/access-reviews", new { departmentId = "isp" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        (await client.GetAsync("/api/governance/access-reviews", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
