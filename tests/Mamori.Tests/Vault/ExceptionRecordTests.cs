using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// S-20: a use outside the declared purposes is allowed only under a legal exception with a written justification, and that
/// justification is the evidence the use was lawful. It is kept (<c>ExceptionRecords</c>) before the answer, named by its access
/// event, and read back by auditors. Regression: the justification was checked for being there and then dropped.
/// </summary>
public sealed class ExceptionRecordTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Read_UnderLegalException_JustificationKeptNamedByItsEventAndListedForAuditors(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var p = NewPerson();
        var employee = await EmployeeAsync(app, tenant, p);
        var operatorUser = await app.UserAsync(tenant, Roles.Operator);
        var operatorClient = await app.SignedInAsync(operatorUser);

        // Within the purposes: nothing to justify, nothing kept.
        (await operatorClient.PostAsJsonAsync($"/api/subjects/{employee}/read", new { purpose = "employment", fields = new[] { "name" } }, Ct)).EnsureSuccessStatusCode();
        // Outside them without a justification: refused, nothing kept.
        await (await operatorClient.PostAsJsonAsync($"/api/subjects/{employee}/read",
                new { purpose = "inquiries", fields = new[] { "name" }, exception = "life-body-property", justification = " " }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010");
        await (await operatorClient.PostAsJsonAsync($"/api/subjects/{employee}/read",
                new { purpose = "inquiries", fields = new[] { "name" }, exception = "life-body-property", justification = new string('x', 2001) }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ExceptionRecord>().CountAsync(Ct))).ShouldBe(0);

        var read = await operatorClient.PostAsJsonAsync($"/api/subjects/{employee}/read",
            new { purpose = "inquiries", fields = new[] { "name" }, exception = "life-body-property", justification = "  震災時の安否確認（本人と連絡が取れないため）  " }, Ct);
        (await read.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reason").GetString().ShouldBe("allowed-legal-exception");
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var decided = await operatorClient.PostAsJsonAsync("/api/decisions",
            new { subjectId = employee, purpose = "inquiries", exception = "law", justification = "税務調査への対応" }, Ct);
        (await decided.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reason").GetString().ShouldBe("allowed-legal-exception");

        var records = await app.InTenantAsync(tenant, (_, db) => db.Set<ExceptionRecord>().AsNoTracking().OrderBy(r => r.At).ToListAsync(Ct));
        records.Select(r => (r.SubjectId, r.Basis, r.Justification)).ShouldBe([
            (employee, "life-body-property", "震災時の安否確認（本人と連絡が取れないため）"), (employee, "law", "税務調査への対応")]);
        records.ShouldAllBe(r => r.Actor == "User:" + operatorUser.Id);
        // Each access event names its record; the chain itself holds no staff text.
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking()
            .Where(e => e.Code == AuditCode.AccessAllowed && e.ReasonCode == "allowed-legal-exception").OrderBy(e => e.Sequence).Select(e => e.TargetId).ToListAsync(Ct));
        events.ShouldBe(records.Select(r => (string?)r.Id.ToString()).ToList());

        var auditor = await app.SignedInAsync(tenant, Roles.Auditor);
        var listed = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/exceptions?subject={employee}", Ct);
        listed.GetArrayLength().ShouldBe(2);
        var newest = listed[0];
        (newest.GetProperty("basis").GetString(), newest.GetProperty("basisName").GetString(), newest.GetProperty("justification").GetString())
            .ShouldBe(("law", "法令に基づく場合", "税務調査への対応"));
        (await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/exceptions?subject={Guid.NewGuid()}", Ct)).GetArrayLength().ShouldBe(0);
        await (await auditor.GetAsync("/api/audit/exceptions?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        (await operatorClient.GetAsync("/api/audit/exceptions", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        // The console's audit log shows it beside the event.
        var page = await (await Console.ConsoleScenario.SessionAsync(app, tenant, Roles.Auditor)).GetStringAsync("/console/audit");
        page.ShouldContain("""<br><span class="justification">法令に基づく場合：税務調査への対応</span>""");
        page.ShouldContain("震災時の安否確認（本人と連絡が取れないため）");
        (await app.InTenantAsync(tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, tenant, "acme", Ct))).Intact.ShouldBeTrue();
    }
}
