using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Governance;

/// <summary>
/// A department's own page for its personal-information manager (S-08, S-62, S-63, S-50): its staff, training due or overdue, its
/// access review, what it answers for and the retention ahead for its categories. Who may open which department.
/// </summary>
public sealed class DepartmentOverviewTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero); // the TestApp clock's start

    private static async Task Put(HttpClient c, string url, object body)
    {
        var r = await c.PutAsJsonAsync(url, body, Ct);
        r.IsSuccessStatusCode.ShouldBeTrue(await r.Content.ReadAsStringAsync(Ct));
    }

    private sealed record Org(StaffUser Officer, StaffUser Manager, StaffUser Member, StaffUser Other);

    /// <summary>ISP: a manager and a member; HR: another operator. The ISP department answers for 氏名, お問合せ内容 and the support purpose.</summary>
    private static async Task<Org> OrganiseAsync(TestApp app, Guid tenant)
    {
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        var manager = await app.UserAsync(tenant, Roles.Operator);
        var member = await app.UserAsync(tenant, Roles.Operator);
        var other = await app.UserAsync(tenant, Roles.Operator);
        foreach (var u in new[] { manager, member }) await Put(officer, $"/api/governance/staff/{u.Id}", new { departmentId = "isp", title = "課長" });
        await Put(officer, $"/api/governance/staff/{other.Id}", new { departmentId = "hr" });
        await Put(officer, "/api/governance/departments/isp", new { managerUserId = manager.Id });
        foreach (var category in new[] { "inquiry", "name" })
            await Put(officer, "/api/governance/responsibilities", new { kind = "category", itemId = category, departmentId = "isp" });
        await Put(officer, "/api/governance/responsibilities", new { kind = "purpose", itemId = "support", departmentId = "isp", userId = member.Id });
        return new Org(officerUser, manager, member, other);
    }

    private static JsonElement Row(JsonElement overview, string list, string key, string value) =>
        overview.GetProperty(list).EnumerateArray().Single(e => e.GetProperty(key).GetString() == value);

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DepartmentOverview_Manager_SeesItsStaffTrainingReviewAndRetentionCounts(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var org = await OrganiseAsync(app, tenant);
        await Put(await app.SignedInAsync(org.Officer), "/api/governance/training/courses/privacy-basics", new { titleJa = "個人情報保護の基礎研修", everyMonths = 12, graceDays = 30 });
        // Three ISP customers now. Their お問合せ内容 is kept for the support purpose only, one year from acquisition; 氏名 is also
        // kept for service provision, 7 years from the end of the contract (not recorded yet) with a legal hold from the same day.
        for (var i = 0; i < 3; i++) await IspCustomerAsync(app, tenant, NewPerson());

        // Eleven months and twenty days later: the three inquiries end within 30 days; a fourth customer's ends a year on.
        app.Clock.SetUtcNow(T0.AddYears(1).AddDays(-10));
        await IspCustomerAsync(app, tenant, NewPerson());
        var officer = await app.SignedInAsync(org.Officer);
        (await officer.PostAsJsonAsync("/api/governance/training/completions", new { course = "privacy-basics", userId = org.Member.Id, completedOn = Today(app) }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var manager = await app.SignedInAsync(org.Manager);
        var overview = await manager.GetFromJsonAsync<JsonElement>("/api/governance/departments/isp", Ct);
        overview.GetProperty("department").GetProperty("id").GetString().ShouldBe("isp");
        overview.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()).ShouldBe([org.Manager.Id, org.Member.Id], ignoreOrder: true);
        Row(overview, "members", "email", org.Manager.Email).GetProperty("trainingOverdue").GetInt32().ShouldBe(1); // never taken, due since the course began
        Row(overview, "members", "email", org.Member.Email).GetProperty("trainingOverdue").GetInt32().ShouldBe(0);
        overview.GetProperty("trainingAttention").EnumerateArray().Select(t => t.GetProperty("userId").GetGuid()).ShouldBe([org.Manager.Id]);
        overview.GetProperty("review").GetProperty("departmentId").GetString().ShouldBe("isp");
        overview.GetProperty("responsibilities").EnumerateArray().Select(r => r.GetProperty("itemId").GetString()).ShouldBe(["inquiry", "name", "support"], ignoreOrder: true);

        overview.GetProperty("retentionHorizonDays").GetInt32().ShouldBe(30);
        var inquiry = Row(overview, "retention", "category", "inquiry");
        (inquiry.GetProperty("persons").GetInt32(), inquiry.GetProperty("endingWithin").GetInt32(), inquiry.GetProperty("pastEnd").GetInt32(),
            inquiry.GetProperty("awaitingEvent").GetInt32(), inquiry.GetProperty("held").GetInt32()).ShouldBe((4, 3, 0, 0, 0));
        var name = Row(overview, "retention", "category", "name");
        (name.GetProperty("persons").GetInt32(), name.GetProperty("endingWithin").GetInt32(), name.GetProperty("awaitingEvent").GetInt32(), name.GetProperty("held").GetInt32())
            .ShouldBe((4, 0, 4, 4));
        // The purpose is not a category: no retention row for it.
        overview.GetProperty("retention").GetArrayLength().ShouldBe(2);
        // Counts only: no person's data and no subject id on the page's data.
        overview.GetRawText().ShouldNotContain("@example");
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DepartmentOverview_NotItsManager_RefusedWithMamori9011(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var org = await OrganiseAsync(app, tenant);

        // The manager sees their own department only, in the list and by id.
        var manager = await app.SignedInAsync(org.Manager);
        (await manager.GetFromJsonAsync<JsonElement>("/api/governance/departments", Ct)).EnumerateArray().Select(d => d.GetProperty("id").GetString()).ShouldBe(["isp"]);
        await (await manager.GetAsync("/api/governance/departments/hr", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-9011");
        // A member who manages nothing: an empty list, and no department.
        var member = await app.SignedInAsync(org.Member);
        (await member.GetFromJsonAsync<JsonElement>("/api/governance/departments", Ct)).GetArrayLength().ShouldBe(0);
        await (await member.GetAsync("/api/governance/departments/isp", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-9011");
        // Whoever reads the organisation (the officer, an auditor) sees every department the policy declares.
        var officer = await app.SignedInAsync(org.Officer);
        (await officer.GetFromJsonAsync<JsonElement>("/api/governance/departments", Ct)).EnumerateArray().Select(d => d.GetProperty("id").GetString())
            .ShouldBe(["hr", "isp", "registry", "sms"]);
        (await (await app.SignedInAsync(tenant, Roles.Auditor)).GetAsync("/api/governance/departments/hr", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The management representative too, whatever their role.
        await Put(officer, "/api/governance/organisation/representative", new { userId = org.Other.Id });
        (await (await app.SignedInAsync(org.Other)).GetAsync("/api/governance/departments/isp", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // An unknown department is 404 before any question of who asks.
        await (await member.GetAsync("/api/governance/departments/nowhere", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-9000");
        // A manager replaced loses the page at once.
        await Put(officer, "/api/governance/departments/isp", new { managerUserId = org.Member.Id });
        await (await manager.GetAsync("/api/governance/departments/isp", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-9011");
        (await member.GetAsync("/api/governance/departments/isp", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DepartmentPages_Manager_ReachesTheirDepartmentFromNavAndDashboard()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var org = await OrganiseAsync(app, tenant);
        await IspCustomerAsync(app, tenant, NewPerson());
        var manager = await app.SignedInAsync(org.Manager);

        var dashboard = await manager.GetStringAsync("/console", Ct);
        dashboard.ShouldContain("""あなたの部門: <a href="/console/governance/departments/isp">ISP事業部</a>""");
        dashboard.ShouldContain("""<a href="/console/governance/departments">部門</a>""");
        var list = await manager.GetStringAsync("/console/governance/departments", Ct);
        list.ShouldContain("""<a href="/console/governance/departments/isp">ISP事業部</a>""");
        list.ShouldNotContain("/console/governance/departments/hr");

        var page = await manager.GetStringAsync("/console/governance/departments/isp", Ct);
        page.ShouldContain("<h1>部門: ISP事業部</h1>");
        page.ShouldContain(org.Member.Email);
        page.ShouldContain("""<button type="submit" class="secondary">棚卸しを開始</button>"""); // the manager starts the review from here
        page.ShouldContain("""<th scope="row">お問合せ内容 <code class="muted">inquiry</code></th><td class="num">1</td>""");
        page.ShouldContain("30日以内に満了");
        (await manager.GetStringAsync("/console/governance/departments/isp?lang=en", Ct)).ShouldContain("<h1>Department: ISP Division</h1>");

        var refused = await manager.GetAsync("/console/governance/departments/hr", Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("この部門のページを開けるのは、部門の個人情報管理者、管理責任者、組織を閲覧できる役割の人だけです。");
        var member = await app.SignedInAsync(org.Member);
        (await member.GetStringAsync("/console/governance/departments", Ct)).ShouldContain("あなたが個人情報管理者を務める部門はありません。");
        (await member.GetStringAsync("/console", Ct)).ShouldNotContain("あなたの部門");

        // Whoever reads the organisation reaches departments through it: one menu entry, not two.
        var officer = await app.SignedInAsync(org.Officer);
        var officerHome = await officer.GetStringAsync("/console", Ct);
        officerHome.ShouldContain("""<a href="/console/governance/organisation">組織・教育</a>""");
        officerHome.ShouldNotContain("""<a href="/console/governance/departments">部門</a>""");
        (await officer.GetStringAsync("/console/governance/departments", Ct)).ShouldContain("/console/governance/departments/hr");
    }
}
