using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mamori.Audit;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Incidents;

/// <summary>
/// The data categories decide reportability as the law does (UX report 2, H1): a category the policy marks special-care is
/// ground (a) whatever the count, My Number the My Number Act's grounds, payment-card data ground (b); the decision names the
/// category. The demo policy is in force: health-check (special-care), my-number, payment-card. Today is 2026-11-23 (JST).
/// </summary>
public sealed class IncidentCategoryGroundsTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> SendAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        var response = await request;
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static Dictionary<string, object> Body(string cause, long persons, params string[] categories) => new()
    {
        ["title"] = "誤送付", ["kind"] = "leak", ["cause"] = cause, ["discoveredAt"] = "2026-11-20T10:00:00+09:00", ["personsKnown"] = persons, ["categories"] = categories,
    };

    private static string[] Reasons(JsonElement incident) =>
        [.. incident.GetProperty("decision").GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

    private static string[] Via(JsonElement incident, int reason) =>
        [.. incident.GetProperty("decision").GetProperty("reasons")[reason].GetProperty("categories").EnumerateArray().Select(c => c.GetString()!)];

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_SpecialCareCategoryWithoutFlag_ReportableWithDeadlinesNamingTheCategory(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);

        var created = await SendAsync(officer.PostAsJsonAsync("/api/incidents", Body("misdelivery", 3, "name", "health-check"), Ct), HttpStatusCode.Created);

        var id = created.GetProperty("id").GetGuid();
        var incident = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct); // as stored
        Reasons(incident).ShouldBe(["special-care"]);
        Via(incident, 0).ShouldBe(["health-check"]);
        incident.GetProperty("specialCare").GetBoolean().ShouldBeFalse(); // staff's own flag stays as they set it
        var d = incident.GetProperty("decision");
        d.GetProperty("reportable").GetBoolean().ShouldBeTrue();
        d.GetProperty("notifyPersons").GetBoolean().ShouldBeTrue();
        d.GetProperty("preliminaryDue").GetString().ShouldBe("2026-11-24");
        d.GetProperty("finalDue").GetString().ShouldBe("2026-12-19");
        d.GetProperty("deadlineState").GetString().ShouldBe("due-soon");
        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/timeline", Ct);
        timeline[0].GetProperty("text").GetString().ShouldBe(
            "インシデントを登録しました。報告対象（(a) 要配慮個人情報が含まれる個人データの漏えい等（そのおそれを含む）: データ項目「健康診断結果」）。速報期限 2026-11-24、確報期限 2026-12-19。");
        timeline[0].GetProperty("textEn").GetString().ShouldBe("Incident opened. Reportable ((a) Personal data including special-care personal information " +
            "(APPI Art. 26(1), Rules Art. 7(i)): category 'Health-check results'); preliminary report due 2026-11-24, final report due 2026-12-19.");
        var report = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/report?kind=preliminary", Ct);
        report.GetProperty("items")[1].GetProperty("content").GetString()!.ShouldContain("要配慮個人情報を含む");

        var card = await SendAsync(officer.PostAsJsonAsync("/api/incidents", Body("loss", 3, "name", "payment-card"), Ct), HttpStatusCode.Created);
        Reasons(card).ShouldBe(["property-damage-risk"]);
        Via(card, 0).ShouldBe(["payment-card"]);
        card.GetProperty("decision").GetProperty("finalDue").GetString().ShouldBe("2026-12-19");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Update_MyNumberCategory_ReportableAbove100PersonsOrExposedAndStaffFlagsKept(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var body = Body("misdelivery", 3, "name", "my-number");
        var created = await SendAsync(officer.PostAsJsonAsync("/api/incidents", body, Ct), HttpStatusCode.Created);
        created.GetProperty("decision").GetProperty("reportable").GetBoolean().ShouldBeFalse(); // My Number: 100 persons is the line
        var id = created.GetProperty("id").GetGuid();

        body["personsKnown"] = 101;
        var over = await SendAsync(officer.PutAsJsonAsync($"/api/incidents/{id}", body, Ct), HttpStatusCode.OK);
        Reasons(over).ShouldBe(["my-number-over-person-threshold"]);
        Via(over, 0).ShouldBe(["my-number"]);
        over.GetProperty("decision").GetProperty("preliminaryDue").GetString().ShouldBe("2026-11-24");

        body["personsKnown"] = 3;
        body["publiclyExposed"] = true;
        Reasons(await SendAsync(officer.PutAsJsonAsync($"/api/incidents/{id}", body, Ct), HttpStatusCode.OK)).ShouldBe(["my-number-publicly-exposed"]);

        // Without the category, staff's own special-care flag still decides, and no category is named for it.
        var flagged = Body("misdelivery", 3, "name");
        flagged["specialCare"] = true;
        var byStaff = await SendAsync(officer.PutAsJsonAsync($"/api/incidents/{id}", flagged, Ct), HttpStatusCode.OK);
        Reasons(byStaff).ShouldBe(["special-care"]);
        Via(byStaff, 0).ShouldBeEmpty();
        Reasons(await SendAsync(officer.PutAsJsonAsync($"/api/incidents/{id}", Body("misdelivery", 3, "name"), Ct), HttpStatusCode.OK)).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_KeyReadHealthCheck_SpecialCareFromTheCategoriesItAdded(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var key = await app.ApiKeyAsync(tenant, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, [.. new[] { "subj-1", "subj-2" }.Select(s =>
                new AuditEntry(AuditCode.AccessAllowed, Actor.Key(key.Key.Id), SubjectId: s, Purpose: "health", Categories: "name,health-check"))], Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var created = await SendAsync(officer.PostAsJsonAsync("/api/incidents", new { title = "鍵の紛失", cause = "misdelivery", discoveredAt = app.Clock.GetUtcNow() }, Ct),
            HttpStatusCode.Created);
        created.GetProperty("decision").GetProperty("reportable").GetBoolean().ShouldBeFalse();
        var id = created.GetProperty("id").GetGuid();
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var blast = await SendAsync(officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius",
            new { actorKind = "api-key", actorId = key.Key.Id.ToString(), from, to = app.Clock.GetUtcNow() }, Ct), HttpStatusCode.OK);

        var incident = blast.GetProperty("incident");
        incident.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["health-check", "name"]);
        Reasons(incident).ShouldBe(["special-care"]);
        Via(incident, 0).ShouldBe(["health-check"]);
        incident.GetProperty("decision").GetProperty("preliminaryDue").GetString().ShouldBe("2026-11-27");
        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/timeline", Ct);
        timeline[timeline.GetArrayLength() - 1].GetProperty("text").GetString()!.ShouldEndWith("報告対象（(a) 要配慮個人情報が含まれる個人データの漏えい等（そのおそれを含む）: データ項目「健康診断結果」）。速報期限 2026-11-27、確報期限 2026-12-22。");
    }

    [Fact]
    public async Task Console_HealthCheckTickedWithoutSpecialCareBox_DetailReportableAndSaysWhy()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var created = await s.PostAsync("/console/incidents/new", "/console/incidents/new",
        [
            new("title", "健康診断結果の誤送付"), new("kind", "leak"), new("cause", "misdelivery"), new("discoveredAt", "2026-11-20T10:00"), new("personsKnown", "3"),
            new("categories", "name"), new("categories", "health-check"),
        ]);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync(Ct));
        var id = Guid.Parse(Regex.Match(created.Headers.Location!.ToString(), "/console/incidents/([0-9a-f-]{36})").Groups[1].Value);

        var detail = await s.GetStringAsync($"/console/incidents/{id}");
        detail.ShouldContain("個人情報保護委員会への報告・本人への通知が必要です");
        detail.ShouldNotContain("報告義務はありません");
        detail.ShouldContain("<td>(a)</td><td>要配慮個人情報が含まれる個人データの漏えい等（そのおそれを含む）（データ項目: 健康診断結果）</td>");
        detail.ShouldContain("<dd>要配慮（データ項目: 健康診断結果）</dd>");
        detail.ShouldContain("<strong>2026-11-24</strong>");
        detail.ShouldContain("<strong>2026-12-19</strong>");
        detail.ShouldContain("/console/incidents/" + id + "/report?kind=preliminary");
        var english = await s.GetStringAsync($"/console/incidents/{id}?lang=en");
        english.ShouldContain("Personal data including special-care personal information (categories: Health-check results)</td>");
        // The form says that such categories count by themselves.
        (await s.GetStringAsync($"/console/incidents/{id}/edit")).ShouldContain("選ぶだけで判定に入ります");
    }

    [Fact]
    public void IncidentCategories_IdNoLongerDeclared_KeepsWhatWasRecorded()
    {
        var v1 = new PolicyModel
        {
            Company = new Company(),
            DataCategories = [new DataCategory { Id = "health", Name = new("健康情報"), SpecialCare = true }, new DataCategory { Id = "name", Name = new("氏名") }],
            Services = [new ServicePolicy { Id = "clinic", Name = new("診療"), DataCategories = [new DataCategory { Id = "name", Name = new("氏名"), PaymentCard = true }] }],
        };
        var incident = new Incident { Title = "x", Categories = ["health", "name"] };
        IncidentCategories.Of(v1).Apply(incident);
        incident.SpecialCareCategories.ShouldBe(["health"]);
        incident.PaymentCardCategories.ShouldBe(["name"]); // a service's declaration flags the id too

        // v2 drops 'health' and unflags 'name': the dropped id keeps its recorded flag, a declared one follows the policy.
        var v2 = v1 with { DataCategories = [new DataCategory { Id = "name", Name = new("氏名") }], Services = [] };
        IncidentCategories.Of(v2).Apply(incident);
        incident.SpecialCareCategories.ShouldBe(["health"]);
        incident.PaymentCardCategories.ShouldBeEmpty();
        IncidentCategories.Of(null).Name("health").ShouldBe(("health", "health"));
    }
}
