using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary>/api/incidents: decisions recomputed on change, JST days, dashboard filters, documents, bad input.</summary>
public sealed class IncidentApiTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/incidents", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static string[] Reasons(JsonElement incident) =>
        [.. incident.GetProperty("decision").GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

    [Fact]
    public async Task Create_DiscoveredJustAfterJstMidnight_AwareDayIsJstDay()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        // 2026-03-31T15:30Z is 2026-04-01 00:30 in Tokyo: W-01's aware day.
        var incident = await CreateAsync(officer, new { title = "W-01", cause = "unauthorized-access", discoveredAt = "2026-03-31T15:30:00Z", personsUpperBound = 1200, categories = new[] { "email" } });
        var d = incident.GetProperty("decision");
        d.GetProperty("awareDate").GetString().ShouldBe("2026-04-01");
        d.GetProperty("preliminaryWarn").GetString().ShouldBe("2026-04-03");
        d.GetProperty("preliminaryDue").GetString().ShouldBe("2026-04-05");
        d.GetProperty("finalDue").GetString().ShouldBe("2026-05-30");
        d.GetProperty("finalPeriodDays").GetInt32().ShouldBe(60);
        incident.GetProperty("discoveredAtJst").GetString().ShouldBe("2026-04-01T00:30:00+09:00");
        Reasons(incident).ShouldBe(["improper-purpose", "over-person-threshold"]);
    }

    [Fact]
    public async Task Update_PersonsFrom1000To1001_BecomesReportableAndAudited()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var body = new Dictionary<string, object> { ["title"] = "W-02 mail", ["cause"] = "misdelivery", ["discoveredAt"] = "2026-06-10T09:00:00+09:00", ["personsKnown"] = 1000 };
        var created = await CreateAsync(officer, body);
        created.GetProperty("decision").GetProperty("reportable").GetBoolean().ShouldBeFalse();
        created.GetProperty("decision").GetProperty("finalDue").ValueKind.ShouldBe(JsonValueKind.Null);
        var id = created.GetProperty("id").GetGuid();

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        body["personsKnown"] = 1001;
        var updated = await officer.PutAsJsonAsync($"/api/incidents/{id}", body, Ct);
        var json = await updated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        Reasons(json).ShouldBe(["over-person-threshold"]);
        json.GetProperty("decision").GetProperty("preliminaryDue").GetString().ShouldBe("2026-06-14");
        json.GetProperty("decision").GetProperty("finalDue").GetString().ShouldBe("2026-07-09");

        var codes = await app.InTenantAsync(tenant.Id, (_, db) =>
            db.AuditEvents.Where(e => e.TargetId == id.ToString()).OrderBy(e => e.Sequence).Select(e => new { e.Code, e.ReasonCode }).ToListAsync(Ct));
        codes.Select(c => (c.Code, c.ReasonCode)).ShouldBe([(AuditCode.IncidentCreated, "not-reportable"), (AuditCode.IncidentFactsUpdated, "reportable")]);
        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/timeline", Ct);
        timeline.GetArrayLength().ShouldBe(2);
        // What Mamori writes is Japanese (the record's language) with an English rendering.
        timeline[0].GetProperty("text").GetString().ShouldBe("インシデントを登録しました。報告対象外。");
        timeline[0].GetProperty("textEn").GetString().ShouldBe("Incident opened. Not reportable.");
        timeline[1].GetProperty("text").GetString().ShouldBe(
            "事実を更新しました。判定が変わりました。報告対象（(d) 本人の数が1,000人を超える個人データの漏えい等）。速報期限 2026-06-14、確報期限 2026-07-09。");
        timeline[1].GetProperty("textEn").GetString().ShouldBe(
            "Facts changed; decision changed. Reportable ((d) More than 1,000 persons affected (APPI Art. 26(1), Rules Art. 7(iv))); preliminary report due 2026-06-14, final report due 2026-07-09.");
    }

    [Fact]
    public async Task List_DueFilters_SoonAndOverdueFromJstToday()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster); // today: 2026-11-23 09:00 JST
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var soon = await CreateAsync(officer, new { title = "soon", cause = "loss", discoveredAt = "2026-11-21T10:00:00+09:00", specialCare = true, personsKnown = 1 });
        var overdue = await CreateAsync(officer, new { title = "overdue", cause = "loss", discoveredAt = "2026-11-10T10:00:00+09:00", specialCare = true, personsKnown = 1 });
        await CreateAsync(officer, new { title = "fine", cause = "loss", discoveredAt = "2026-11-10T10:00:00+09:00", personsKnown = 1 });
        var auditor = await app.SignedInAsync(tenant.Id, Roles.Auditor);

        async Task<string[]> TitlesAsync(string query) =>
            [.. (await auditor.GetFromJsonAsync<JsonElement>("/api/incidents" + query, Ct)).EnumerateArray().Select(i => i.GetProperty("title").GetString()!)];

        (await TitlesAsync("?due=soon")).ShouldBe(["soon"]);
        (await TitlesAsync("?due=overdue")).ShouldBe(["overdue"]);
        (await TitlesAsync("")).Length.ShouldBe(3);
        soon.GetProperty("decision").GetProperty("deadlineState").GetString().ShouldBe("due-soon");

        var sent = await officer.PostAsJsonAsync($"/api/incidents/{overdue.GetProperty("id").GetGuid()}/status", new { status = "preliminary-reported" }, Ct);
        sent.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await TitlesAsync("?due=overdue")).ShouldBeEmpty();
        app.Clock.Advance(TimeSpan.FromDays(17)); // 2026-12-10: the final report (due 12-09) is late
        auditor = await app.SignedInAsync(tenant.Id, Roles.Auditor);
        (await TitlesAsync("?due=overdue")).ShouldBe(["soon", "overdue"]);
    }

    [Fact]
    public async Task Report_FinalJsonAndHtml_EveryRulesItemInJapanese()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var incident = await CreateAsync(officer, new
        {
            title = "card data", cause = "unauthorized-access", discoveredAt = "2026-11-20T10:00:00+09:00", propertyDamageRisk = true,
            personsKnown = 40, categories = new[] { "card-number", "name" }, summary = "決済画面の改ざんにより入力情報が外部に送信された。",
            causeDetails = "CMSの脆弱性", contactPoint = "お客様窓口 0120-000-000（平日9時〜17時）",
        });
        var id = incident.GetProperty("id").GetGuid();
        var report = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/report?kind=final&format=json", Ct);
        report.GetProperty("kind").GetString().ShouldBe("final");
        report.GetProperty("titleJa").GetString().ShouldBe("個人データの漏えい等の報告（確報）");
        var items = report.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("number").GetInt32()).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        items.Select(i => i.GetProperty("titleJa").GetString()).ShouldBe([
            "概要", "漏えい等が発生し、又は発生したおそれがある個人データの項目", "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
            "原因", "二次被害又はそのおそれの有無及びその内容", "本人への対応の実施状況", "公表の実施状況", "再発防止のための措置", "その他参考となる事項"]);
        items[2].GetProperty("content").GetString().ShouldBe("40人");
        items[1].GetProperty("content").GetString()!.ShouldContain("card-number");
        report.GetProperty("missing").EnumerateArray().Select(m => m.GetString()).ShouldBe(["secondaryDamage", "personsResponse", "publication", "prevention"]);

        var html = await officer.GetAsync($"/api/incidents/{id}/report?kind=preliminary&format=html", Ct);
        html.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var page = await html.Content.ReadAsStringAsync(Ct);
        page.ShouldContain("<html lang=\"ja\">");
        page.ShouldContain("個人データの漏えい等の報告（速報）");
        for (var n = 1; n <= 9; n++) page.ShouldContain($"({n}) ");
        page.ShouldContain("施行規則7条2号");

        var notice = await officer.GetStringAsync($"/api/incidents/{id}/notice?format=text", Ct);
        foreach (var heading in new[] { "【概要】", "【漏えい等が発生し、又は発生したおそれがある個人データの項目】", "【原因】", "【二次被害又はそのおそれの有無及びその内容】", "【その他参考となる事項】", "0120-000-000" })
            notice.ShouldContain(heading);
        var announcement = await officer.GetStringAsync($"/api/incidents/{id}/announcement", Ct);
        announcement.ShouldContain("お問い合わせ窓口");
        announcement.ShouldContain("lang=\"en\"");
    }

    [Fact]
    public async Task Report_HtmlEscapesStaffText()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var incident = await CreateAsync(officer, new { title = "x", cause = "insider-theft", discoveredAt = "2026-11-20T10:00:00+09:00", summary = "<script>alert(1)</script>" });
        var page = await officer.GetStringAsync($"/api/incidents/{incident.GetProperty("id").GetGuid()}/report?format=html", Ct);
        page.ShouldNotContain("<script>");
        page.ShouldContain("&lt;script&gt;");
    }

    /// <summary>
    /// UX report 3, H4: 'final-reported' was recorded for an incident with every final-report item missing, and it stamped
    /// preliminaryReportedAt with the same instant although no preliminary report was ever recorded.
    /// </summary>
    [Fact]
    public async Task FinalReported_ItemsMissingOrNoPreliminary_RefusedAndNoDateInvented()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var facts = new Dictionary<string, object> { ["title"] = "W-05", ["cause"] = "other", ["discoveredAt"] = "2026-11-20T10:00:00+09:00", ["specialCare"] = true };
        var id = (await CreateAsync(officer, facts)).GetProperty("id").GetGuid();
        Task<HttpResponseMessage> FinalAsync() => officer.PostAsJsonAsync($"/api/incidents/{id}/status", new { status = "final-reported" }, Ct);

        var incomplete = await (await FinalAsync()).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-6013");
        incomplete.GetProperty("detail").GetString()!.ShouldStartWith("The final report lacks (1) Summary; (2) Data items involved; (3) Number of persons (established); (4) Cause in detail; " +
            "(5) Secondary damage or its risk; (6) Response to the persons; (7) Publication; (8) Measures to prevent recurrence:");
        async Task NothingRecordedAsync()
        {
            var incident = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct);
            incident.GetProperty("status").GetString().ShouldBe("open");
            incident.GetProperty("preliminaryReportedAt").ValueKind.ShouldBe(JsonValueKind.Null);
            incident.GetProperty("finalReportedAt").ValueKind.ShouldBe(JsonValueKind.Null);
            (await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.IncidentStatusChanged, Ct))).ShouldBe(0);
        }
        await NothingRecordedAsync();

        // Every item written: still no preliminary report on record, and none is made up.
        foreach (var (field, value) in new (string, object)[] { ("summary", "健康診断結果の誤送付"), ("categories", new[] { "health-check" }), ("personsKnown", 3),
                     ("causeDetails", "宛先の取り違え"), ("secondaryDamage", "なし"), ("personsResponse", "通知済み"), ("publication", "公表しない"), ("prevention", "二重確認") })
            facts[field] = value;
        (await officer.PutAsJsonAsync($"/api/incidents/{id}", facts, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await FinalAsync()).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-6014");
        await NothingRecordedAsync();

        // Recorded in order, each with its own instant.
        (await officer.PostAsJsonAsync($"/api/incidents/{id}/status", new { status = "preliminary-reported" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var preliminary = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var final = await FinalAsync();
        final.StatusCode.ShouldBe(HttpStatusCode.OK, await final.Content.ReadAsStringAsync(Ct));
        var reported = await final.Content.ReadFromJsonAsync<JsonElement>(Ct);
        reported.GetProperty("status").GetString().ShouldBe("final-reported");
        reported.GetProperty("preliminaryReportedAt").GetDateTimeOffset().ShouldBe(preliminary);
        reported.GetProperty("finalReportedAt").GetDateTimeOffset().ShouldBe(app.Clock.GetUtcNow());
    }

    public static TheoryData<string, string, string, int, string> BadCases => new()
    {
        { "POST", "", """{"title":"x","cause":"aliens","discoveredAt":"2026-11-20T10:00:00Z"}""", 400, "MAMORI-1003" },
        { "POST", "", """{"title":"x","cause":"loss"}""", 400, "MAMORI-1005" },
        { "POST", "", """{"title":"x","cause":"loss","discoveredAt":"2027-11-20T10:00:00Z"}""", 400, "MAMORI-6002" },
        { "POST", "", """{"title":"x","cause":"loss","discoveredAt":"2026-11-20T10:00:00Z","personsKnown":-1}""", 400, "MAMORI-6000" },
        { "POST", "", """{"title":"x","cause":"loss","discoveredAt":"2026-11-20T10:00:00Z","personsKnown":10,"personsUpperBound":5}""", 400, "MAMORI-6000" },
        { "POST", "", """{"title":"x","cause":"loss","discoveredAt":"2026-11-20T10:00:00Z","categories":["bad id!"]}""", 400, "MAMORI-6000" },
        { "POST", "", """{"title":"","cause":"loss","discoveredAt":"2026-11-20T10:00:00Z"}""", 400, "MAMORI-6000" },
        { "POST", "/blast-radius", """{"actorKind":"api-key","actorId":"k","from":"2026-11-20T00:00:00Z","to":"2026-11-19T00:00:00Z"}""", 400, "MAMORI-6005" },
        { "POST", "/blast-radius", """{"actorKind":"api-key","actorId":"","from":"2026-11-18T00:00:00Z","to":"2026-11-19T00:00:00Z"}""", 400, "MAMORI-6006" },
        { "POST", "/blast-radius", """{"actorKind":"robot","actorId":"k","from":"2026-11-18T00:00:00Z","to":"2026-11-19T00:00:00Z"}""", 400, "MAMORI-1003" },
        { "POST", "/status", """{"status":"final-reported"}""", 409, "MAMORI-6007" },
        { "POST", "/timeline", """{"kind":"Bad Kind","text":"x"}""", 400, "MAMORI-1006" },
        { "GET", "/report?kind=weekly", "", 400, "MAMORI-6008" },
        { "GET", "/report?format=docx", "", 400, "MAMORI-6008" },
        { "GET", "/report", "", 409, "MAMORI-6007" },
        { "GET", "/notice", "", 409, "MAMORI-6007" },
        { "GET", "/notice?format=docx", "", 409, "MAMORI-6007" },
        { "POST", "/notices", "", 409, "MAMORI-6007" },
        { "POST", "/blast-radius/export", "{}", 400, "MAMORI-6052" },
        { "POST", "/blast-radius/export", """{"sha256":"abc"}""", 400, "MAMORI-6052" },
        { "POST", "/blast-radius/export", $$"""{"sha256":"{{new string('0', 64)}}"}""", 404, "MAMORI-6051" },
        { "POST", "/blast-radius/export", """{"exportKind":"provision","exportId":"nope"}""", 404, "MAMORI-6051" },
    };

    [Theory, MemberData(nameof(BadCases))]
    public async Task Request_BadInput_ProblemWithCode(string method, string suffix, string body, int status, string code)
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var notReportable = await CreateAsync(officer, new { title = "small", cause = "misdelivery", discoveredAt = "2026-11-20T10:00:00Z", personsKnown = 2 });
        var path = suffix.Length == 0 && method == "POST" ? "/api/incidents" : $"/api/incidents/{notReportable.GetProperty("id").GetGuid()}{suffix}";
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        await (await officer.SendAsync(request, Ct)).ShouldBeProblemAsync((HttpStatusCode)status, code);
    }

    [Fact]
    public async Task Get_OtherTenantsIncident_NotFound()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var first = await app.CreateTenantAsync("first");
        var second = await app.CreateTenantAsync("second");
        var incident = await CreateAsync(await app.SignedInAsync(first.Id, Roles.PrivacyOfficer),
            new { title = "x", cause = "loss", discoveredAt = "2026-11-20T10:00:00Z" });
        var other = await app.SignedInAsync(second.Id, Roles.PrivacyOfficer);
        await (await other.GetAsync($"/api/incidents/{incident.GetProperty("id").GetGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-1007");
        (await other.GetFromJsonAsync<JsonElement>("/api/incidents", Ct)).GetArrayLength().ShouldBe(0);
    }

    // Regression: an incident took any id-shaped category ("card-number") although the policy in force declares none such.
    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task CreateAndUpdate_CategoryNotInPolicy_RefusedExistingOneKept(string provider)
    {
        var (app, tenant, _) = await Console.ConsoleScenario.StartAsync(cluster, provider); // the example policy is in force
        await using var __ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var body = new { title = "決済画面の改ざん", cause = "unauthorized-access", discoveredAt = "2026-11-20T10:00:00Z", categories = new[] { "name", "card-number" } };
        var refused = await (await officer.PostAsJsonAsync("/api/incidents", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-6011");
        refused.GetProperty("detail").GetString()!.ShouldContain("'card-number'");
        (await app.InTenantAsync(tenant, (_, db) => db.Incidents.CountAsync(Ct))).ShouldBe(0);

        var created = await CreateAsync(officer, body with { categories = new[] { "name", "payment-card", "sms-phone" } }); // a service's category too
        var id = created.GetProperty("id").GetGuid();
        await (await officer.PutAsJsonAsync($"/api/incidents/{id}", body with { categories = new[] { "name", "card-number" } }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-6011");

        // A category the policy no longer declares, already on the incident, may stay.
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            var row = await db.Incidents.SingleAsync(i => i.Id == id, Ct);
            row.Categories = ["name", "legacy-card"];
            return await db.SaveChangesAsync(Ct);
        });
        (await officer.PutAsJsonAsync($"/api/incidents/{id}", body with { categories = new[] { "legacy-card", "email" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.InTenantAsync(tenant, (_, db) => db.Incidents.Where(i => i.Id == id).Select(i => i.Categories).SingleAsync(Ct))).ShouldBe(["legacy-card", "email"]);
    }
}
