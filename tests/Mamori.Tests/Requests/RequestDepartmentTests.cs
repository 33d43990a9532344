using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// The department that handles a request (担当部門): named by staff, audited, kept when the request closes, filtered in the queue,
/// and listed, while open, on the department's page for its manager.
/// </summary>
public sealed class RequestDepartmentTests(PostgresCluster cluster)
{
    private static Task<HttpResponseMessage> Assign(RequestScenario s, Guid id, string? department) =>
        s.Staff.PutAsJsonAsync($"/api/requests/{id}/department", new { departmentId = department }, Ct);

    private static Task<List<string?>> AssignedEventsAsync(RequestScenario s, Guid id) => s.App.InTenantAsync(s.Tenant, (_, db) =>
        db.AuditEvents.AsNoTracking().Where(e => e.Code == AuditCode.RequestAssigned && e.TargetId == id.ToString()).OrderBy(e => e.Sequence)
            .Select(e => e.ReasonCode).ToListAsync(Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_Department_AuditedFilteredAndOnItsPageWhileOpen(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var person = NewPerson();
        await s.InquirerAsync(person);
        var (a, _, _) = await s.LetterAsync("disclosure", person);
        var (b, _, _) = await s.LetterAsync("disclosure", person);
        var (c, _, created) = await s.LetterAsync("disclosure", person);
        created.GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);

        (await s.OkAsync(await Assign(s, a, "isp"))).GetProperty("department").GetString().ShouldBe("isp");
        (await s.OkAsync(await Assign(s, a, "isp"))).GetProperty("department").GetString().ShouldBe("isp"); // again: nothing recorded
        await s.OkAsync(await Assign(s, b, "hr"));
        await (await Assign(s, c, "nowhere")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-9000");
        (await s.GetAsync(c)).GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);
        (await AssignedEventsAsync(s, a)).ShouldBe(["isp"]);

        // The queue of one department.
        var isp = await s.Staff.GetAsync("/api/requests?department=isp", Ct);
        (await s.OkAsync(isp)).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ShouldBe([a]);
        isp.Headers.GetValues("X-Total-Count").Single().ShouldBe("1");
        (await s.OkAsync(await s.Staff.GetAsync("/api/requests", Ct))).GetArrayLength().ShouldBe(3);
        await (await s.Staff.GetAsync($"/api/requests?department={new string('x', 65)}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5022");

        // The ISP department's manager sees it on the department's page: reference and deadline, nothing of the requester.
        var managerUser = await s.App.UserAsync(s.Tenant, Roles.Operator);
        (await s.Staff.PutAsJsonAsync("/api/governance/departments/isp", new { managerUserId = managerUser.Id }, Ct)).EnsureSuccessStatusCode();
        var manager = await s.App.SignedInAsync(managerUser);
        var page = await manager.GetFromJsonAsync<JsonElement>("/api/governance/departments/isp", Ct);
        var listed = page.GetProperty("openRequests").EnumerateArray().Single();
        listed.GetProperty("id").GetGuid().ShouldBe(a);
        listed.GetProperty("reference").GetString().ShouldBe((await s.GetAsync(a)).GetProperty("reference").GetString());
        listed.GetProperty("overdue").GetBoolean().ShouldBeFalse();
        page.GetRawText().ShouldNotContain(person.Email);
        page.GetRawText().ShouldNotContain(person.Name);

        // Closed: off the department's open list, but who handled it stays on the request.
        await s.PostAsync(a, "withdraw");
        (await manager.GetFromJsonAsync<JsonElement>("/api/governance/departments/isp", Ct)).GetProperty("openRequests").GetArrayLength().ShouldBe(0);
        (await s.GetAsync(a)).GetProperty("department").GetString().ShouldBe("isp");
        // Cleared: audited as none.
        (await s.OkAsync(await Assign(s, a, null))).GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);
        (await AssignedEventsAsync(s, a)).ShouldBe(["isp", "none"]);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task AssignForm_RequestPage_SavesShowsInQueueAndRefusesUnknownInJapanese()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var person = NewPerson();
        await s.InquirerAsync(person);
        var (id, _, _) = await s.LetterAsync("disclosure", person);
        var officer = await Console.ConsoleScenario.SessionAsync(s.App, s.Tenant, Roles.PrivacyOfficer);
        var detail = $"/console/requests/{id}";
        static KeyValuePair<string, string> F(string k, string v) => new(k, v);

        (await officer.GetStringAsync(detail)).ShouldContain("""<dt>担当部門</dt><dd><span class="muted">未指定</span>""");
        var saved = await officer.PostAsync(detail, detail + "/action", [F("action", "department"), F("department", "isp")]);
        saved.Headers.Location!.ToString().ShouldBe(detail + "?done=department");
        var html = await officer.GetStringAsync(detail + "?done=department");
        html.ShouldContain("担当部門を保存しました。");
        html.ShouldContain("""<dt>担当部門</dt><dd>ISP事業部 <code class="muted">isp</code>""");
        html.ShouldContain("""<option value="isp" selected>ISP事業部 (isp)</option>""");
        (await officer.GetStringAsync("/console/requests")).ShouldContain("""<td>ISP事業部 <code class="muted">isp</code></td></tr>""");
        // One department's queue, from its page.
        var reference = (await s.GetAsync(id)).GetProperty("reference").GetString()!;
        (await officer.GetStringAsync("/console/governance/departments/isp")).ShouldContain("""<a href="/console/requests?list=all&amp;department=isp">この部門が担当した請求をすべて見る</a>""");
        var ispQueue = await officer.GetStringAsync("/console/requests?list=all&department=isp");
        ispQueue.ShouldContain(reference);
        ispQueue.ShouldContain("""<a href="/console/requests?list=open&amp;department=isp">""");
        (await officer.GetStringAsync("/console/requests?list=all&department=hr")).ShouldNotContain(reference);

        var refused = await officer.PostAsync(detail, detail + "/action", [F("action", "department"), F("department", "nowhere")]);
        refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("その部門はありません。");
        (await s.GetAsync(id)).GetProperty("department").GetString().ShouldBe("isp");
    }
}
