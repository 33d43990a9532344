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

    private static async Task AnswersForAsync(RequestScenario s, string kind, string item, string department) =>
        (await s.Staff.PutAsJsonAsync("/api/governance/responsibilities", new { kind, itemId = item, departmentId = department }, Ct)).EnsureSuccessStatusCode();

    private static Task<List<(ActorKind Kind, string? Department, string? Categories)>> AssignedByAsync(RequestScenario s, Guid id) => s.App.InTenantAsync(s.Tenant,
        async (_, db) => (await db.AuditEvents.AsNoTracking().Where(e => e.Code == AuditCode.RequestAssigned && e.TargetId == id.ToString()).OrderBy(e => e.Sequence)
            .Select(e => new { e.ActorKind, e.ReasonCode, e.Categories }).ToListAsync(Ct)).Select(e => (e.ActorKind, e.ReasonCode, e.Categories)).ToList());

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_ServiceOneDepartmentAnswersFor_RoutedBySystemOtherwiseLeftForTheOffice(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var person = NewPerson();
        await s.InquirerAsync(person);
        await AnswersForAsync(s, "purpose", "service-provision", "isp");

        var (routed, _, created) = await s.LetterAsync("disclosure", person, new { service = "isp" });
        created.GetProperty("department").GetString().ShouldBe("isp");
        created.GetProperty("departmentRoute").GetString().ShouldBe("service");
        (await AssignedByAsync(s, routed)).ShouldBe([(ActorKind.System, "isp", null)]);
        // No service, and nothing named that anyone answers for: the office routes it.
        var (companyWide, _, plain) = await s.LetterAsync("disclosure", person);
        plain.GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);
        (await AssignedByAsync(s, companyWide)).ShouldBeEmpty();

        // Two departments answer for the service's purposes: in doubt, nobody is named.
        await AnswersForAsync(s, "purpose", "support", "hr");
        var (split, _, doubtful) = await s.LetterAsync("disclosure", person, new { service = "isp" });
        doubtful.GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);
        doubtful.GetProperty("departmentRoute").GetString().ShouldBe("staff");

        // What the office still has to route.
        var unassigned = await s.Staff.GetAsync("/api/requests?list=all&unassigned=true", Ct);
        (await s.OkAsync(unassigned)).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Order().ShouldBe(new[] { companyWide, split }.Order());
        unassigned.Headers.GetValues("X-Total-Count").Single().ShouldBe("2");
        await (await s.Staff.GetAsync("/api/requests?department=isp&unassigned=true", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5022");

        // Staff moving a routed request: their choice, recorded as theirs.
        var moved = await s.OkAsync(await Assign(s, routed, "hr"));
        moved.GetProperty("departmentRoute").GetString().ShouldBe("staff");
        (await AssignedByAsync(s, routed)).Select(e => (e.Kind, e.Department)).ShouldBe([(ActorKind.System, "isp"), (ActorKind.User, "hr")]);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_CorrectionOfItemsOneDepartmentAnswersFor_RoutedByCategories(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var person = NewPerson();
        await s.InquirerAsync(person);
        await AnswersForAsync(s, "category", "address", "hr");

        var (id, _, created) = await s.LetterAsync("correction", person, new { corrections = new Dictionary<string, string> { ["address"] = "東京都港区1-1-1" } });
        created.GetProperty("department").GetString().ShouldBe("hr");
        created.GetProperty("departmentRoute").GetString().ShouldBe("categories");
        (await AssignedByAsync(s, id)).ShouldBe([(ActorKind.System, "hr", "address")]);

        // An item the policy does not declare routes nowhere; nor do items of two departments.
        var (_, _, unknown) = await s.LetterAsync("correction", person, new { corrections = new Dictionary<string, string> { ["favourite-colour"] = "青" } });
        unknown.GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);
        await AnswersForAsync(s, "category", "phone", "isp");
        var (_, _, two) = await s.LetterAsync("correction", person,
            new { corrections = new Dictionary<string, string> { ["address"] = "東京都港区1-1-1", ["phone"] = "03-1234-5678" } });
        two.GetProperty("department").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Queue_RoutedRequestAndUnassignedFilter_ConsoleSaysWhyAndListsWhatIsLeft()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var person = NewPerson();
        await s.InquirerAsync(person);
        await AnswersForAsync(s, "purpose", "service-provision", "isp");
        var (routed, _, _) = await s.LetterAsync("disclosure", person, new { service = "isp" });
        var (left, _, _) = await s.LetterAsync("disclosure", person);
        var officer = await Console.ConsoleScenario.SessionAsync(s.App, s.Tenant, Roles.PrivacyOfficer);

        (await officer.GetStringAsync($"/console/requests/{routed}")).ShouldContain("（受付時に自動指定：このサービスの利用目的・項目を担当する部門）");
        (await officer.GetStringAsync($"/console/requests/{left}")).ShouldNotContain("自動指定");
        var queue = await officer.GetStringAsync("/console/requests");
        queue.ShouldContain("""<a href="/console/requests?list=open&amp;unassigned=true">担当部門が未指定の請求だけを表示</a>""");
        var unassigned = await officer.GetStringAsync("/console/requests?list=open&unassigned=true");
        unassigned.ShouldContain("担当部門が未指定の請求");
        unassigned.ShouldContain((await s.GetAsync(left)).GetProperty("reference").GetString()!);
        unassigned.ShouldNotContain((await s.GetAsync(routed)).GetProperty("reference").GetString()!);
        unassigned.ShouldContain("""<a href="/console/requests?list=due-soon&amp;unassigned=true">""");
        // The dashboard counts what is left to route.
        (await officer.GetStringAsync("/console")).ShouldContain("""<a href="/console/requests?list=open&amp;unassigned=true">担当部門が未指定: 1</a>""");
    }
}
