using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Governance.AccessReviews;
using Mamori.Governance.Organisation;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Governance;

/// <summary>Organisation, access reviews from the audit chain, leavers (S-62), training and role suspension (S-63).</summary>
public sealed class GovernancePeopleTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero); // 09:00 JST, the TestApp clock's start

    private static async Task Put(HttpClient c, string url, object body)
    {
        var r = await c.PutAsJsonAsync(url, body, Ct);
        r.IsSuccessStatusCode.ShouldBeTrue(await r.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<JsonElement> Post(HttpClient c, string url, object body)
    {
        var r = await c.PostAsJsonAsync(url, body, Ct);
        r.IsSuccessStatusCode.ShouldBeTrue(await r.Content.ReadAsStringAsync(Ct));
        return await r.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<JsonElement> Schedule(HttpClient c, string department)
    {
        var all = await c.GetFromJsonAsync<JsonElement>("/api/governance/access-reviews", Ct);
        return all.GetProperty("schedule").EnumerateArray().Single(s => s.GetProperty("departmentId").GetString() == department);
    }

    [Fact]
    public async Task AccessReviewSchedule_FakeClock_DueOnDateOverdueAfterGrace()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await Put(await app.SignedInAsync(officerUser), "/api/governance/departments/isp", new { reviewEveryMonths = 6, reviewGraceDays = 14, nextReviewOn = "2026-12-01" });

        async Task<string> StateOn(DateTimeOffset utc)
        {
            app.Clock.SetUtcNow(utc);
            return (await Schedule(await app.SignedInAsync(officerUser), "isp")).GetProperty("state").GetString()!;
        }

        // JST dates: 2026-11-30 23:59 JST is still the day before; 2026-12-01 00:00 JST is 2026-11-30 15:00 UTC.
        (await StateOn(new DateTimeOffset(2026, 11, 30, 14, 59, 0, TimeSpan.Zero))).ShouldBe("upcoming");
        (await StateOn(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero))).ShouldBe("due");
        (await StateOn(new DateTimeOffset(2026, 12, 15, 14, 59, 0, TimeSpan.Zero))).ShouldBe("due"); // 12-15 JST = 12-01 + 14
        (await StateOn(new DateTimeOffset(2026, 12, 15, 15, 0, 0, TimeSpan.Zero))).ShouldBe("overdue"); // 12-16 JST
    }

    [Fact]
    public void GovernanceDue_Boundaries_MatchRule()
    {
        var d = new DateOnly(2027, 3, 31);
        GovernanceDue.StateOf(d, 10, d.AddDays(-1)).ShouldBe(DueState.Upcoming);
        GovernanceDue.StateOf(d, 10, d).ShouldBe(DueState.Due);
        GovernanceDue.StateOf(d, 10, d.AddDays(10)).ShouldBe(DueState.Due);
        GovernanceDue.StateOf(d, 10, d.AddDays(11)).ShouldBe(DueState.Overdue);
        GovernanceDue.NextAfter(d, 6, new DateOnly(2027, 4, 20)).ShouldBe(new DateOnly(2027, 9, 30));
        GovernanceDue.NextAfter(d, 6, new DateOnly(2027, 10, 5)).ShouldBe(new DateOnly(2028, 3, 31));
        AccessReviews.UnmaskedOf("name,~phone,email").ShouldBe(["name", "email"]);
        AccessReviews.UnmaskedOf("~phone").ShouldBeEmpty();
        AccessReviews.UnmaskedOf(null).ShouldBeEmpty();
    }

    [Fact]
    public async Task Training_FakeClock_DueAtStartOverdueAfterGraceThenDueAgainAfterFrequency()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        var op = await app.UserAsync(tenant, Roles.Operator);
        await Put(officer, "/api/governance/training/courses/privacy-basics", new { titleJa = "個人情報保護の基礎", everyMonths = 12, graceDays = 30, roles = new[] { Roles.Operator } });

        async Task<JsonElement> StatusOn(DateTimeOffset utc)
        {
            app.Clock.SetUtcNow(utc);
            officer = await app.SignedInAsync(officerUser);
            var all = await officer.GetFromJsonAsync<JsonElement>("/api/governance/training/status", Ct);
            return all.EnumerateArray().Single(s => s.GetProperty("userId").GetGuid() == op.Id);
        }

        var s = await StatusOn(T0);
        s.GetProperty("state").GetString().ShouldBe("due");
        s.GetProperty("dueOn").GetString().ShouldBe("2026-11-23");
        (await StatusOn(new DateTimeOffset(2026, 12, 23, 14, 59, 0, TimeSpan.Zero))).GetProperty("state").GetString().ShouldBe("due"); // 12-23 JST = +30
        (await StatusOn(new DateTimeOffset(2026, 12, 23, 15, 0, 0, TimeSpan.Zero))).GetProperty("state").GetString().ShouldBe("overdue"); // 12-24 JST
        var overdue = await officer.GetFromJsonAsync<JsonElement>("/api/governance/training/status?list=overdue", Ct);
        overdue.EnumerateArray().Select(x => x.GetProperty("userId").GetGuid()).ShouldContain(op.Id);

        await Post(officer, "/api/governance/training/completions", new { course = "privacy-basics", userId = op.Id, completedOn = "2026-12-24" });
        s = await StatusOn(new DateTimeOffset(2026, 12, 24, 3, 0, 0, TimeSpan.Zero));
        s.GetProperty("state").GetString().ShouldBe("upcoming");
        s.GetProperty("dueOn").GetString().ShouldBe("2027-12-24");
        (await StatusOn(new DateTimeOffset(2027, 12, 23, 15, 0, 0, TimeSpan.Zero))).GetProperty("state").GetString().ShouldBe("due");
        (await StatusOn(new DateTimeOffset(2028, 1, 23, 15, 0, 0, TimeSpan.Zero))).GetProperty("state").GetString().ShouldBe("overdue"); // 2028-01-24 JST
    }

    // Regression: a completion dated 1999-01-01 was accepted, years before the course was registered. And one dated before the
    // person's account, after the course's, was refused: a company starting with Mamori could not record its staff's earlier training.
    /// <summary>Regression: a recorded completion answered with a Location no endpoint served (404).</summary>
    [Fact]
    public async Task TrainingCompletion_Recorded_LocationReadsItBack()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var staff = await app.UserAsync(tenant, Roles.Operator);
        await Put(officer, "/api/governance/training/courses/privacy-basics", new { titleJa = "個人情報保護の基礎", everyMonths = 12, graceDays = 30 });
        var recorded = await officer.PostAsJsonAsync("/api/governance/training/completions", new { course = "privacy-basics", userId = staff.Id, completedOn = "2026-11-23" }, Ct);
        recorded.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await recorded.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var row = await officer.GetFromJsonAsync<JsonElement>(recorded.Headers.Location!.ToString(), Ct);
        row.GetProperty("id").GetGuid().ShouldBe(id);
        row.GetProperty("courseCode").GetString().ShouldBe("privacy-basics");
        row.GetProperty("email").GetString().ShouldBe(staff.Email);
        row.GetProperty("completedOn").GetString().ShouldBe("2026-11-23");
        await (await officer.GetAsync($"/api/governance/training/completions/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-1007");
        await (await (await app.SignedInAsync(tenant, Roles.Operator)).GetAsync(recorded.Headers.Location, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
    }

    [Fact]
    public async Task TrainingCompletion_BeforeCourseRegistered_RefusedBeforeAccountOnlyRecorded()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var early = await app.UserAsync(tenant, Roles.Operator); // 2026-11-23 JST
        app.Clock.SetUtcNow(T0.AddDays(2));
        var officer = await app.SignedInAsync(officerUser);
        await Put(officer, "/api/governance/training/courses/privacy-basics", new { titleJa = "個人情報保護の基礎", everyMonths = 12, graceDays = 30 }); // 2026-11-25
        app.Clock.SetUtcNow(T0.AddDays(8));
        officer = await app.SignedInAsync(officerUser);
        var late = await app.UserAsync(tenant, Roles.Operator); // 2026-12-01

        async Task<HttpResponseMessage> Record(Guid user, string on) =>
            await officer.PostAsJsonAsync("/api/governance/training/completions", new { course = "privacy-basics", userId = user, completedOn = on }, Ct);
        await (await Record(early.Id, "1999-01-01")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9010");
        await (await Record(early.Id, "2026-11-24")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9010");
        (await Record(early.Id, "2026-11-25")).StatusCode.ShouldBe(HttpStatusCode.Created);
        await (await Record(late.Id, "2026-11-24")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9010");
        (await Record(late.Id, "2026-11-30")).StatusCode.ShouldBe(HttpStatusCode.Created); // before the account (2026-12-01), after the course
        await (await Record(late.Id, "2026-12-02")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9008"); // the future

        var console = await Console.ConsoleScenario.SessionAsync(app, tenant, Roles.PrivacyOfficer);
        const string page = "/console/governance/training";
        KeyValuePair<string, string>[] Form(Guid user, string on) => [new("course", "privacy-basics"), new("userId", user.ToString()), new("completedOn", on)];
        var refused = await console.PostAsync(page, page + "/completion", Form(early.Id, "1999-01-01"));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("受講日は、講座を登録した日（2026-11-25）以降の日付にしてください。 (MAMORI-9010)");
        (await (await console.PostAsync(page, page + "/completion", Form(late.Id, "2026-11-24"))).Content.ReadAsStringAsync(Ct))
            .ShouldContain("受講日は、講座を登録した日（2026-11-25）以降の日付にしてください。 (MAMORI-9010)");
        (await console.PostAsync(page, page + "/completion", Form(late.Id, "2026-11-29"))).StatusCode.ShouldNotBe(HttpStatusCode.BadRequest);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Governance.Training.TrainingCompletion>().CountAsync(Ct))).ShouldBe(3);
    }

    /// <summary>
    /// An auditor could read each person's latest standing, not the completions themselves: no list by period, department or person,
    /// and no file to take away. Read by the auditors and the officer (and the admin, who records them); not by an operator.
    /// </summary>
    [Fact]
    public async Task TrainingCompletions_FiltersPagingAndCsv_ReadByAuditorsNotOperator()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var op = await app.UserAsync(tenant, Roles.Operator);
        var auditorUser = await app.UserAsync(tenant, Roles.Auditor);
        var officer = await app.SignedInAsync(officerUser);
        await Put(officer, "/api/governance/training/courses/privacy-basics", new { titleJa = "個人情報保護の基礎", titleEn = "Privacy basics", everyMonths = 12, graceDays = 30 });
        await Put(officer, $"/api/governance/staff/{op.Id}", new { departmentId = "isp" });
        app.Clock.SetUtcNow(T0.AddDays(40)); // 2027-01-02 JST
        officer = await app.SignedInAsync(officerUser);
        foreach (var (user, on) in new[] { (op.Id, "2026-11-30"), (op.Id, "2026-12-20"), (auditorUser.Id, "2026-12-01") })
            await Post(officer, "/api/governance/training/completions", new { course = "privacy-basics", userId = user, completedOn = on });

        var external = await app.SignedInAsync(tenant, Roles.ExternalAuditor);
        async Task<(JsonElement Items, HttpResponseMessage Response)> List(HttpClient c, string query)
        {
            var r = await c.GetAsync("/api/governance/training/completions" + query, Ct);
            r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync(Ct));
            return (await r.Content.ReadFromJsonAsync<JsonElement>(Ct), r);
        }
        static string[] Days(JsonElement items) => [.. items.EnumerateArray().Select(i => i.GetProperty("completedOn").GetString()!)];

        var (all, response) = await List(external, "");
        Days(all).ShouldBe(["2026-12-20", "2026-12-01", "2026-11-30"]);
        response.Headers.GetValues("X-Total-Count").Single().ShouldBe("3");
        var first = all[0];
        first.GetProperty("courseCode").GetString().ShouldBe("privacy-basics");
        first.GetProperty("courseTitleJa").GetString().ShouldBe("個人情報保護の基礎");
        first.GetProperty("email").GetString().ShouldBe(op.Email);
        first.GetProperty("departmentId").GetString().ShouldBe("isp");
        Days((await List(external, "?from=2026-12-01&to=2026-12-20")).Items).ShouldBe(["2026-12-20", "2026-12-01"]);
        Days((await List(external, "?department=isp")).Items).ShouldBe(["2026-12-20", "2026-11-30"]);
        Days((await List(external, $"?person={auditorUser.Id}")).Items).ShouldBe(["2026-12-01"]);
        var (page, paged) = await List(external, "?department=isp&limit=1");
        Days(page).ShouldBe(["2026-12-20"]);
        paged.Headers.GetValues("Link").Single().ShouldBe("</api/governance/training/completions?department=isp&offset=1&limit=1>; rel=\"next\"");
        Days((await List(external, "?department=isp&offset=1&limit=1")).Items).ShouldBe(["2026-11-30"]);

        await (await external.GetAsync("/api/governance/training/completions?from=2026-12-20&to=2026-12-01", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9008");
        await (await external.GetAsync("/api/governance/training/completions?limit=501", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        (await external.GetAsync("/api/governance/training/completions?from=2026-13-01", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Who reads them.
        foreach (var role in new[] { Roles.Auditor, Roles.PrivacyOfficer, Roles.Admin })
            (await List(await app.SignedInAsync(tenant, role), "")).Items.GetArrayLength().ShouldBe(3, role);
        var operatorClient = await app.SignedInAsync(op);
        await (await operatorClient.GetAsync("/api/governance/training/completions", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        await (await operatorClient.GetAsync("/api/governance/training/completions.csv", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");

        // The CSV, for Excel: a byte order mark, the heading block, Japanese column names first, times in JST; the export is audited.
        var csv = await external.GetAsync("/api/governance/training/completions.csv?department=isp", Ct);
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync(Ct);
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        lines[0].ShouldStartWith("教育・研修の受講記録,");
        lines.ShouldContain("絞り込み,部門: isp");
        lines.ShouldContain("件数,2");
        var header = Array.FindIndex(lines, l => l.StartsWith("受講記録ID (completion_id),受講日 (completed_on),", StringComparison.Ordinal));
        header.ShouldBeGreaterThan(0);
        lines[header + 1].ShouldContain(",2026-11-30,privacy-basics,個人情報保護の基礎,Privacy basics,");
        lines[header + 1].ShouldContain(",isp,2027-01-02T09:00:00+09:00,");
        lines[header + 2].ShouldContain(",2026-12-20,");
        var exported = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.TrainingCompletionsExported).ToListAsync(Ct));
        exported.Single().Categories.ShouldBe("2");
        exported.Single().TargetId.ShouldBe("isp");

        // The console's training page lists them with the same filter and links the CSV; a filter it cannot read is said beside it.
        var console = await Console.ConsoleScenario.SessionAsync(app, tenant, Roles.ExternalAuditor);
        var html = await console.GetStringAsync("/console/governance/training?department=isp");
        html.ShouldContain("<h2 id=\"completions-h\">受講記録</h2>");
        html.ShouldContain("href=\"/api/governance/training/completions.csv?department=isp\"");
        html.ShouldContain("2件中 1〜2件目");
        html.ShouldNotContain("action=\"/console/governance/training/completion\"");
        var refused = await console.GetAsync("/console/governance/training?from=2026-12-20&to=2026-12-01");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("受講日の範囲は、開始日を終了日以前にしてください。");
    }

    [Fact]
    public async Task TrainingSuspension_SettingOn_RoleGrantsNothingWhileOverdueAndReturnsOnCompletion()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        var op = await app.UserAsync(tenant, Roles.Operator);
        await Put(officer, "/api/governance/training/courses/handling", new { titleJa = "取扱い研修", everyMonths = 12, graceDays = 0, roles = new[] { Roles.Operator } });
        (await (await app.SignedInAsync(op)).GetAsync("/api/requests", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Overdue from the next JST day; with the setting off nothing is suspended.
        app.Clock.SetUtcNow(T0.AddDays(1));
        officer = await app.SignedInAsync(officerUser);
        var opClient = await app.SignedInAsync(op);
        (await opClient.GetAsync("/api/requests", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Put(officer, "/api/governance/settings", new { suspendRolesWhileTrainingOverdue = true });
        await (await opClient.GetAsync("/api/requests", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        // The account itself still works (Self), showing no role.
        (await opClient.GetAsync("/api/auth/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Another role of someone else is not touched.
        (await officer.GetAsync("/api/requests", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Post(officer, "/api/governance/training/completions", new { course = "handling", userId = op.Id, completedOn = "2026-11-24" });
        (await opClient.GetAsync("/api/requests", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>
    /// The acceptance test: a department's review lists exactly the unmask events of its staff (and their keys)
    /// in the period, as read straight from the chain; masked reads, other departments and events outside the
    /// period are not in it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AccessReview_Department_ListsExactlyItsStaffsUnmaskEventsInPeriod(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        var a = await app.UserAsync(tenant, Roles.Operator);
        var b = await app.UserAsync(tenant, Roles.Operator);
        var other = await app.UserAsync(tenant, Roles.Operator);
        var manager = await app.UserAsync(tenant, Roles.Operator);
        var aKey = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ApiKeys>().CreateAsync("a-batch", Roles.Operator, [], null, a.Id, Actor.System, Ct));
        foreach (var u in new[] { a, b, manager }) await Put(officer, $"/api/governance/staff/{u.Id}", new { departmentId = "isp" });
        await Put(officer, $"/api/governance/staff/{other.Id}", new { departmentId = "hr" });
        await Put(officer, "/api/governance/departments/isp", new { managerUserId = manager.Id, reviewEveryMonths = 6 });

        var aClient = await app.SignedInAsync(a);
        var bClient = await app.SignedInAsync(b);
        var otherClient = await app.SignedInAsync(other);
        var keyClient = app.Client(apiKey: aKey.Secret);
        var customer = await IspCustomerAsync(app, tenant, NewPerson());
        var sms = await SmsUserAsync(app, tenant, NewPerson());

        async Task Read(HttpClient c, string query) => (await c.GetAsync($"/api/subjects/{query}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Before the period (7 months before the review): not listed.
        await Read(aClient, $"{customer}?purpose=support");
        app.Clock.SetUtcNow(T0.AddMonths(7));
        aClient = await app.SignedInAsync(a);
        bClient = await app.SignedInAsync(b);
        otherClient = await app.SignedInAsync(other);
        // In the period.
        await Read(aClient, $"{customer}?purpose=support");
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Read(aClient, $"{customer}?purpose=support&fields=name");
        await Read(bClient, $"{customer}?purpose=support&fields=email");
        await Read(bClient, $"{sms}?purpose=verification&fields=sms-phone"); // masked only: not an unmask
        await Read(keyClient, $"{customer}?purpose=service-provision&fields=name");
        await Read(otherClient, $"{customer}?purpose=support"); // another department
        await (await aClient.GetAsync($"/api/subjects/{sms}?purpose=verification&fields=sms-phone&unmasked=true", Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-3010"); // denied: not an unmask
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var managerClient = await app.SignedInAsync(manager);
        var started = await Post(managerClient, "/api/governance/access-reviews", new { departmentId = "isp" });
        var reviewId = started.GetProperty("review").GetProperty("id").GetGuid();
        var from = started.GetProperty("review").GetProperty("periodFrom").GetDateTimeOffset();
        var to = started.GetProperty("review").GetProperty("periodTo").GetDateTimeOffset();
        // After the review was taken: not in it.
        await Read(aClient, $"{customer}?purpose=support");

        // Straight from the chain: every access-allowed event in the period by a, b, manager or a's key, with an unmasked category.
        var staffActors = new HashSet<string> { a.Id.ToString(), b.Id.ToString(), manager.Id.ToString(), aKey.Key.Id.ToString() };
        var expected = await app.InTenantAsync(tenant, async (_, db) =>
            (await db.AuditEvents.AsNoTracking().Where(e => e.Code == AuditCode.AccessAllowed).OrderBy(e => e.Sequence).ToListAsync(Ct))
            .Where(e => e.Time >= from && e.Time < to && staffActors.Contains(e.ActorId!)
                        && e.Categories!.Split(',').Any(c => !c.StartsWith('~')))
            .Select(e => e.Sequence).ToList());
        expected.Count.ShouldBe(4); // a twice, b once (email), a's key once

        var events = await managerClient.GetFromJsonAsync<JsonElement>($"/api/governance/access-reviews/{reviewId}/events", Ct);
        events.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList().ShouldBe(expected);

        var lines = started.GetProperty("lines").EnumerateArray().ToList();
        JsonElement LineOf(Guid user, string kind) => lines.Single(l => l.GetProperty("userId").GetGuid() == user && l.GetProperty("kind").GetString() == kind);
        var aRole = LineOf(a.Id, "role");
        aRole.GetProperty("unmaskEvents").GetInt32().ShouldBe(2);
        aRole.GetProperty("unmaskedCategories").EnumerateArray().Select(x => x.GetString()).ShouldBe(["email", "inquiry", "name", "phone"], ignoreOrder: true);
        var aKeyLine = LineOf(a.Id, "api-key");
        aKeyLine.GetProperty("item").GetString().ShouldBe(aKey.Key.Id.ToString());
        aKeyLine.GetProperty("unmaskEvents").GetInt32().ShouldBe(1);
        aKeyLine.GetProperty("unmaskedCategories").EnumerateArray().Select(x => x.GetString()).ShouldBe(["name"]);
        var bRole = LineOf(b.Id, "role");
        bRole.GetProperty("unmaskEvents").GetInt32().ShouldBe(1);
        bRole.GetProperty("unmaskedCategories").EnumerateArray().Select(x => x.GetString()).ShouldBe(["email"]);
        lines.ShouldNotContain(l => l.GetProperty("userId").GetGuid() == other.Id);
        LineOf(manager.Id, "role").GetProperty("unmaskEvents").GetInt32().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DisableUser_SessionsAndKeysRevokedAtOnce_NextReviewProvesIt(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var admin = await app.SignedInAsync(tenant, Roles.Admin);
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var leaver = await app.UserAsync(tenant, Roles.Admin);
        var manager = await app.UserAsync(tenant, Roles.Operator);
        var leaverClient = await app.SignedInAsync(leaver);
        // A key the leaver owns, and one they created for an integration (no owner: the chain names them as creator).
        var owned = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ApiKeys>().CreateAsync("owned", Roles.Operator, [], null, leaver.Id, Actor.System, Ct));
        var created = await Post(leaverClient, "/api/apikeys", new { name = "integration", role = Roles.Auditor });
        var createdSecret = created.GetProperty("secret").GetString()!;
        foreach (var u in new[] { leaver, manager }) await Put(officer, $"/api/governance/staff/{u.Id}", new { departmentId = "hr" });
        await Put(officer, "/api/governance/departments/hr", new { managerUserId = manager.Id });
        (await app.Client(apiKey: owned.Secret).GetAsync("/api/requests", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.PostAsync($"/api/users/{leaver.Id}/disable", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // At once: the session and both keys stop working.
        await (await leaverClient.GetAsync("/api/auth/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1103");
        await (await app.Client(apiKey: owned.Secret).GetAsync("/api/requests", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1106");
        await (await app.Client(apiKey: createdSecret).GetAsync("/api/audit", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1106");
        var live = await app.InTenantAsync(tenant, async (_, db) =>
            (await db.Sessions.CountAsync(s => s.UserId == leaver.Id && s.RevokedAt == null, Ct), await db.ApiKeys.CountAsync(k => k.RevokedAt == null, Ct)));
        live.ShouldBe((0, 0));

        // The next review shows the leaver with proof of no live session or key, and no key lines.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var review = await Post(await app.SignedInAsync(manager), "/api/governance/access-reviews", new { departmentId = "hr" });
        var lines = review.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("userId").GetGuid() == leaver.Id).ToList();
        lines.Count.ShouldBe(1);
        lines[0].GetProperty("kind").GetString().ShouldBe("leaver");
        lines[0].GetProperty("liveSessions").GetInt32().ShouldBe(0);
        lines[0].GetProperty("liveKeys").GetInt32().ShouldBe(0);
        lines[0].GetProperty("flags").GetArrayLength().ShouldBe(0);
        lines[0].GetProperty("disabledAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task AccessReview_RevokeLines_RemovesRoleAndKeyAtOnceAuditedAndCompletes()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var staff = await app.UserAsync(tenant, Roles.Operator, Roles.Auditor);
        var manager = await app.UserAsync(tenant, Roles.Operator);
        var outsider = await app.UserAsync(tenant, Roles.Operator);
        var key = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ApiKeys>().CreateAsync("old-key", Roles.Operator, [], null, staff.Id, Actor.System, Ct));
        foreach (var u in new[] { staff, manager }) await Put(officer, $"/api/governance/staff/{u.Id}", new { departmentId = "sms" });
        await Put(officer, "/api/governance/departments/sms", new { managerUserId = manager.Id });
        await Put(officer, "/api/governance/settings", new { keyMaxAgeDays = 30, unusedAccessDays = 20 });
        app.Clock.Advance(TimeSpan.FromDays(40));
        var staffClient = await app.SignedInAsync(staff);
        var managerClient = await app.SignedInAsync(manager);

        await (await (await app.SignedInAsync(outsider)).PostAsJsonAsync("/api/governance/access-reviews", new { departmentId = "sms" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-9001");
        var review = await Post(managerClient, "/api/governance/access-reviews", new { departmentId = "sms" });
        await (await managerClient.PostAsJsonAsync("/api/governance/access-reviews", new { departmentId = "sms" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9002");
        var id = review.GetProperty("review").GetProperty("id").GetGuid();
        var lines = review.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("userId").GetGuid() == staff.Id).ToList();
        var auditorLine = lines.Single(l => l.GetProperty("item").GetString() == Roles.Auditor);
        var keyLine = lines.Single(l => l.GetProperty("kind").GetString() == "api-key");
        keyLine.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ShouldBe(["unused", "key-old"], ignoreOrder: true);

        await (await managerClient.PostAsync($"/api/governance/access-reviews/{id}/complete", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9003");
        (await staffClient.GetAsync("/api/audit", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK); // auditor grants ReadAudit
        await Post(managerClient, $"/api/governance/access-reviews/{id}/lines/{auditorLine.GetProperty("id").GetGuid()}", new { decision = "revoked" });
        await Post(managerClient, $"/api/governance/access-reviews/{id}/lines/{keyLine.GetProperty("id").GetGuid()}", new { decision = "revoked" });
        await (await staffClient.GetAsync("/api/audit", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        await (await app.Client(apiKey: key.Secret).GetAsync("/api/requests", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1106");
        await (await managerClient.PostAsJsonAsync($"/api/governance/access-reviews/{id}/lines/{keyLine.GetProperty("id").GetGuid()}", new { decision = "confirmed" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9004");

        var pending = review.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("decision").GetString() == "pending"
            && l.GetProperty("id").GetGuid() != auditorLine.GetProperty("id").GetGuid() && l.GetProperty("id").GetGuid() != keyLine.GetProperty("id").GetGuid()).ToList();
        foreach (var l in pending.Where(l => l.GetProperty("userId").GetGuid() != manager.Id))
            await Post(managerClient, $"/api/governance/access-reviews/{id}/lines/{l.GetProperty("id").GetGuid()}", new { decision = "confirmed" });
        // Regression (walkthrough 3, M5): the manager confirmed their own access. The representative does that.
        var own = pending.Single(l => l.GetProperty("userId").GetGuid() == manager.Id).GetProperty("id").GetGuid();
        await (await managerClient.PostAsJsonAsync($"/api/governance/access-reviews/{id}/lines/{own}", new { decision = "confirmed" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-9009");
        var representative = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await Put(await app.SignedInAsync(tenant, Roles.PrivacyOfficer), "/api/governance/organisation/representative", new { userId = representative.Id });
        await Post(await app.SignedInAsync(representative), $"/api/governance/access-reviews/{id}/lines/{own}", new { decision = "confirmed" });
        var done = await Post(managerClient, $"/api/governance/access-reviews/{id}/complete", new { });
        done.GetProperty("status").GetString().ShouldBe("completed");
        (await Schedule(managerClient, "sms")).GetProperty("nextReviewOn").GetString().ShouldBe("2027-05-23"); // scheduled 2026-11-23 + 6 months

        var codes = await app.InTenantAsync(tenant, async (_, db) => await db.AuditEvents.AsNoTracking().Select(e => new { e.Code, e.ReasonCode, e.TargetId }).ToListAsync(Ct));
        codes.ShouldContain(e => e.Code == AuditCode.UserRolesChanged && e.TargetId == staff.Id.ToString() && e.ReasonCode == Roles.Operator);
        codes.ShouldContain(e => e.Code == AuditCode.ApiKeyRevoked && e.TargetId == key.Key.Id.ToString() && e.ReasonCode == "access-review");
        codes.Count(e => e.Code == AuditCode.AccessReviewLineRevoked).ShouldBe(2);
        codes.ShouldContain(e => e.Code == AuditCode.AccessReviewCompleted);
    }

    // Review finding (outside security): PUT of a department with {} answered 200 and recorded OrganisationChanged.
    [Fact]
    public async Task DepartmentPut_NothingChanged_NotAudited()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        Task<int> ChangesAsync() => app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.OrganisationChanged && e.TargetId == "hr", Ct));
        await Put(officer, "/api/governance/departments/hr", new { reviewEveryMonths = 6 });
        (await ChangesAsync()).ShouldBe(1);
        await Put(officer, "/api/governance/departments/hr", new { });
        await Put(officer, "/api/governance/departments/hr", new { reviewEveryMonths = 6 });
        (await ChangesAsync()).ShouldBe(1);
        await Put(officer, "/api/governance/departments/hr", new { reviewEveryMonths = 7 });
        (await ChangesAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Organisation_FromPolicyAndUsers_ResponsibilitiesValidatedAgainstPolicy()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        await Put(officer, "/api/governance/organisation/representative", new { userId = officerUser.Id });
        await Put(officer, "/api/governance/responsibilities", new { kind = "category", itemId = "my-number", departmentId = "hr", userId = officerUser.Id });
        await (await officer.PutAsJsonAsync("/api/governance/responsibilities", new { kind = "purpose", itemId = "no-such-purpose", departmentId = "hr" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9007");
        await (await officer.PutAsJsonAsync("/api/governance/departments/nowhere", new { reviewEveryMonths = 3 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-9000");
        await (await officer.PutAsJsonAsync("/api/governance/departments/isp", new { reviewEveryMonths = 0 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9008");

        var org = await officer.GetFromJsonAsync<JsonElement>("/api/governance/organisation", Ct);
        org.GetProperty("representativeUserId").GetGuid().ShouldBe(officerUser.Id);
        org.GetProperty("representativeTitleJa").GetString()!.ShouldContain("個人情報保護管理者");
        org.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ShouldBe(["hr", "isp", "registry", "sms"]);
        var myNumber = org.GetProperty("responsibilities").EnumerateArray().Single(r => r.GetProperty("itemId").GetString() == "my-number");
        myNumber.GetProperty("departmentId").GetString().ShouldBe("hr");
        org.GetProperty("staff").EnumerateArray().ShouldContain(s => s.GetProperty("userId").GetGuid() == officerUser.Id);

        var summary = await officer.GetFromJsonAsync<JsonElement>("/api/governance/people-summary?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", Ct);
        summary.GetProperty("departments").GetInt32().ShouldBe(4);
        summary.GetProperty("representativeNamed").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task GovernancePages_Render_ForOfficerAndDashboardTile()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        await Put(officer, "/api/governance/organisation/representative", new { userId = officerUser.Id });
        await Put(officer, $"/api/governance/staff/{officerUser.Id}", new { departmentId = "isp" });
        var review = await Post(officer, "/api/governance/access-reviews", new { departmentId = "isp" });
        foreach (var (path, title) in new[] { ("/console/governance/organisation", "個人情報保護の組織"), ("/console/governance/access-reviews", "<h1"),
                     ("/console/governance/training", "<h1"), ($"/console/governance/access-reviews/{review.GetProperty("review").GetProperty("id").GetGuid()}", "<h1") })
        {
            var r = await officer.GetAsync(path, Ct);
            r.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            // Regression: three of these pages answered 200 with an empty body (the handler's IResult was dropped).
            r.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
            (await r.Content.ReadAsStringAsync(Ct)).ShouldContain(title, customMessage: path);
        }
        // In English, the policy's English names: titles, categories and purposes.
        var english = await officer.GetStringAsync("/console/governance/organisation?lang=en", Ct);
        english.ShouldContain("<td>Division Head</td>");
        english.ShouldContain("<code>name</code> Name</td>");
        english.ShouldNotContain("事業部長");
        (await officer.GetStringAsync("/console/governance/organisation", Ct)).ShouldContain("<code>name</code> 氏名</td>");
        var dashboard = await officer.GetStringAsync("/console", Ct);
        dashboard.ShouldContain("棚卸し・教育");
        (await (await app.SignedInAsync(tenant, Roles.Operator)).GetAsync("/console/governance/organisation", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ConsoleForms_OrganiseThenReviewByManager_RevokesAndCompletes()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officer = await Console.ConsoleScenario.SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var staff = await app.UserAsync(tenant, Roles.Operator, Roles.Auditor);
        var manager = await app.UserAsync(tenant, Roles.Operator);
        const string org = "/console/governance/organisation";
        static KeyValuePair<string, string> F(string k, string v) => new(k, v);
        foreach (var u in new[] { staff, manager })
            (await officer.PostAsync(org, org + "/staff", [F("userId", u.Id.ToString()), F("departmentId", "registry")])).Headers.Location!.ToString()
                .ShouldBe(org + "?done=saved");
        (await officer.PostAsync(org, org + "/department", [F("id", "registry"), F("managerUserId", manager.Id.ToString()), F("everyMonths", "3")]))
            .Headers.Location!.ToString().ShouldBe(org + "?done=saved");
        // A refusal comes back on the page, in Japanese, with what was typed.
        var refused = await officer.PostAsync(org, org + "/department", [F("id", "registry"), F("everyMonths", "99")]);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refusedHtml = await refused.Content.ReadAsStringAsync(Ct);
        refusedHtml.ShouldContain("棚卸しの周期は1〜60か月で入力してください。 (MAMORI-9008)");
        refusedHtml.ShouldContain("""name="everyMonths" type="number" min="1" max="60" value="99">""");

        var cookie = (await app.SignedInAsync(manager)).DefaultRequestHeaders.GetValues("Cookie").Single();
        var m = new Console.ConsoleScenario.FormSession(app, cookie);
        const string list = "/console/governance/access-reviews";
        var started = await m.PostAsync(list, list, [F("departmentId", "registry")]);
        var reviewPage = started.Headers.Location!.ToString();
        reviewPage.ShouldStartWith(list + "/");
        var html = await m.GetStringAsync(reviewPage);
        var lines = await app.InTenantAsync(tenant, (_, db) => db.Set<AccessReviewLine>().AsNoTracking().ToListAsync(Ct));
        lines.Count.ShouldBe(3); // staff: operator, auditor; manager: operator
        foreach (var l in lines) html.ShouldContain($"/lines/{l.Id}");
        // Flags by name (they showed as 「unused」).
        html.ShouldContain("期間中の使用なし");
        html.ShouldNotContain(">unused");
        foreach (var l in lines.Where(l => l.UserId != manager.Id))
            (await m.PostAsync(reviewPage, $"{reviewPage}/lines/{l.Id}", [F("decision", l.Item == Roles.Auditor ? "revoked" : "confirmed")]))
                .Headers.Location!.ToString().ShouldBe(reviewPage + "?done=saved");
        // The manager's own line offers no 承認 to them (walkthrough 3, M5), and a forged post is refused on the page.
        var own = lines.Single(l => l.UserId == manager.Id);
        html.ShouldContain("ご自身の権限は管理責任者が承認します");
        html.ShouldNotContain($"""action="{reviewPage}/lines/{own.Id}" class="inline"><input type="hidden" name="__af" value=""");
        html.ShouldContain($"""action="{reviewPage}/lines/{own.Id}" class="inline" data-confirm="""); // revoking one's own access stays possible
        var refusedOwn = await m.PostAsync(reviewPage, $"{reviewPage}/lines/{own.Id}", [F("decision", "confirmed")]);
        refusedOwn.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refusedOwn.Content.ReadAsStringAsync(Ct)).ShouldContain("ご自身の権限は承認できません。");
        var representative = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        (await officer.PostAsync(org, org + "/representative", [F("userId", representative.Id.ToString())])).Headers.Location!.ToString().ShouldBe(org + "?done=saved");
        var rep = new Console.ConsoleScenario.FormSession(app, (await app.SignedInAsync(representative)).DefaultRequestHeaders.GetValues("Cookie").Single());
        (await rep.PostAsync(reviewPage, $"{reviewPage}/lines/{own.Id}", [F("decision", "confirmed")])).Headers.Location!.ToString().ShouldBe(reviewPage + "?done=saved");
        (await m.PostAsync(reviewPage, reviewPage + "/complete", [])).Headers.Location!.ToString().ShouldBe(reviewPage + "?done=saved");
        (await app.InTenantAsync(tenant, (_, db) => db.Users.AsNoTracking().SingleAsync(u => u.Id == staff.Id, Ct))).Roles.ShouldBe([Roles.Operator]);
        (await m.GetStringAsync(list)).ShouldContain("2027-02-23"); // next review: 2026-11-23 + 3 months
    }

    [Fact]
    public async Task GovernancePages_PolicyIdsInFormsAndHeadings_ShownByNameWithIdBeside()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var officerUser = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(officerUser);
        await Put(officer, "/api/governance/organisation/representative", new { userId = officerUser.Id });
        await Put(officer, $"/api/governance/staff/{officerUser.Id}", new { departmentId = "isp" });
        await app.UserAsync(tenant, Roles.Operator);
        await Put(officer, "/api/governance/training/courses/privacy-basics", new { titleJa = "個人情報保護の基礎", titleEn = "Privacy basics", everyMonths = 12, graceDays = 30, roles = new[] { Roles.Operator } });
        var review = await Post(officer, "/api/governance/access-reviews", new { departmentId = "isp" });
        var reviewPage = $"/console/governance/access-reviews/{review.GetProperty("review").GetProperty("id").GetGuid()}";

        // Organisation: the responsibility form names categories and purposes as the table beside it does.
        var org = await officer.GetStringAsync("/console/governance/organisation", Ct);
        org.ShouldContain(">項目: クレジットカード情報（お支払に必要な場合） (payment-card)</option>");
        org.ShouldContain(">目的: Webサイトの運営・不正アクセスの防止 (site-operation)</option>");
        org.ShouldNotContain(">項目: payment-card</option>");
        (await officer.GetStringAsync("/console/governance/organisation?lang=en", Ct)).ShouldContain(">category: Credit card data (when paying) (payment-card)</option>");

        // Access review: the department by name, its id beside; a role line by the role's name.
        var ja = await officer.GetStringAsync(reviewPage, Ct);
        ja.ShouldContain("<h1>アクセス権の棚卸し: ISP事業部</h1>");
        ja.ShouldContain("<dd>ISP事業部 <code class=\"muted\">isp</code></dd>");
        ja.ShouldContain("役割: 個人情報保護管理者 <code class=\"muted\">privacy-officer</code>");
        (await officer.GetStringAsync(reviewPage + "?lang=en", Ct)).ShouldContain("<h1>Access review: ISP Division</h1>");
        (await officer.GetStringAsync("/console/governance/access-reviews", Ct)).ShouldContain(">ISP事業部</a> <code class=\"muted\">isp</code></td>");

        // Training: the course by its title (code beside); the roles to choose, built-in ones first, each by name with its id.
        var training = await officer.GetStringAsync("/console/governance/training", Ct);
        training.ShouldContain("<td>個人情報保護の基礎 <code class=\"muted\">privacy-basics</code></td>");
        training.ShouldNotContain("<td><code>privacy-basics</code></td><td>—</td>");
        training.ShouldContain("<option value=\"privacy-basics\">個人情報保護の基礎 (privacy-basics)</option>");
        training.ShouldContain("name=\"roles\" value=\"admin\"> 管理者 (admin)</label>");
        training.ShouldContain("name=\"roles\" value=\"auditor\"> 監査担当 (auditor)</label>");
        // The policy's own roles by the names its `roles` section gives them (they were bare ids: 「billing」).
        training.ShouldContain("name=\"roles\" value=\"billing\"> 料金・決済担当 (billing)</label>");
        training.IndexOf("value=\"auditor\"", StringComparison.Ordinal).ShouldBeLessThan(training.IndexOf("value=\"billing\"", StringComparison.Ordinal));
        var en = await officer.GetStringAsync("/console/governance/training?lang=en", Ct);
        en.ShouldContain("<td>Privacy basics <code class=\"muted\">privacy-basics</code></td>");
        en.ShouldContain("name=\"roles\" value=\"admin\"> Administrator (admin)</label>");
        en.ShouldContain("name=\"roles\" value=\"sms-manager\"> SMS verification manager (sms-manager)</label>");
    }
}
