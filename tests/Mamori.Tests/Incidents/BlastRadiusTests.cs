using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Incidents;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary>Blast radius from the audit chain, on every provider (issue 9 acceptance).</summary>
public sealed class BlastRadiusTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task AppendAsync(TestApp app, Guid tenantId, IReadOnlyList<AuditEntry> entries)
    {
        foreach (var batch in entries.Chunk(1000))
        {
            await app.InTenantAsync(tenantId, async (sp, db) =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(Ct);
                await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, batch, Ct);
                await tx.CommitAsync(Ct);
                return 0;
            });
        }
    }

    private static AuditEntry Read(Actor actor, string subject, string categories, AuditOutcome outcome = AuditOutcome.Success) =>
        new(outcome == AuditOutcome.Success ? AuditCode.AccessAllowed : AuditCode.AccessDenied, actor, outcome, SubjectId: subject, Purpose: "support", Categories: categories);

    private sealed record Scenario(Guid TenantId, ApiKey Key, HashSet<string> Expected, DateTimeOffset From, DateTimeOffset To)
    {
        public Guid KeyId => Key.Id;
    }

    /// <summary>
    /// 5,000 subjects read by a staff user (health data); a compromised API key reads 1,200 of them
    /// over two days (some twice), is denied 300 more, and reads one subject just before and one just
    /// after the window.
    /// </summary>
    private static async Task<Scenario> SeedAsync(TestApp app)
    {
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var user = await app.UserAsync(tenant.Id, Roles.Operator);
        var keyActor = Actor.Key(key.Key.Id);
        var subjects = Enumerable.Range(0, 5000).Select(i => $"subj-{i:D5}").ToArray();
        var random = new Random(20261123);
        var chosen = subjects.OrderBy(_ => random.Next()).ToArray();
        var read = chosen[..1200];
        var denied = chosen[1200..1500];

        var start = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await AppendAsync(app, tenant.Id, [Read(keyActor, chosen[4000], "email")]); // before the window
        app.Clock.Advance(TimeSpan.FromMinutes(50));
        var from = start.AddMinutes(30);
        await AppendAsync(app, tenant.Id, [.. read[..700].Select(s => Read(keyActor, s, "email,name"))]);
        await AppendAsync(app, tenant.Id, [.. subjects[..2500].Select(s => Read(Actor.User(user.Id), s, "health,name"))]);
        app.Clock.Advance(TimeSpan.FromHours(20));
        await AppendAsync(app, tenant.Id, [.. read[700..].Select(s => Read(keyActor, s, "email,phone")), .. read[..200].Select(s => Read(keyActor, s, "email"))]);
        await AppendAsync(app, tenant.Id, [.. denied.Select(s => Read(keyActor, s, "bank-account", AuditOutcome.Denied))]);
        await AppendAsync(app, tenant.Id, [.. subjects[2500..].Select(s => Read(Actor.User(user.Id), s, "health,name"))]);
        app.Clock.Advance(TimeSpan.FromHours(27));
        var to = start.AddDays(2);
        await AppendAsync(app, tenant.Id, [Read(keyActor, chosen[4001], "address")]); // after the window
        app.Clock.Advance(TimeSpan.FromHours(1));
        return new Scenario(tenant.Id, key.Key, [.. read], from, to);
    }

    private static async Task<Guid> OpenIncidentAsync(TestApp app, HttpClient officer)
    {
        var created = await officer.PostAsJsonAsync("/api/incidents", new
        {
            title = "CRM API key leaked",
            cause = "unauthorized-access",
            discoveredAt = app.Clock.GetUtcNow(),
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_KeyRead1200Of5000OverTwoDays_ListsExactlyThoseAndReportable(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var s = await SeedAsync(app);
        var officer = await app.SignedInAsync(s.TenantId, Roles.PrivacyOfficer);
        var id = await OpenIncidentAsync(app, officer);

        var response = await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius",
            new { actorKind = "api-key", actorId = s.KeyId.ToString(), from = s.From, to = s.To }, Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;
        json.GetProperty("subjectCount").GetInt32().ShouldBe(1200);
        json.GetProperty("eventsRead").GetInt64().ShouldBe(1400);
        json.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["email", "name", "phone"]);
        var decision = json.GetProperty("incident").GetProperty("decision");
        decision.GetProperty("reportable").GetBoolean().ShouldBeTrue();
        decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ShouldBe(["improper-purpose", "over-person-threshold"]);
        // Aware 2026-11-25 (JST) is day 1: preliminary day 5, final day 60 for an improper purpose.
        decision.GetProperty("awareDate").GetString().ShouldBe("2026-11-25");
        decision.GetProperty("preliminaryDue").GetString().ShouldBe("2026-11-29");
        decision.GetProperty("finalDue").GetString().ShouldBe("2027-01-23");
        json.GetProperty("incident").GetProperty("personsFromBlastRadius").GetInt64().ShouldBe(1200);
        json.GetProperty("incident").GetProperty("personsKnown").ValueKind.ShouldBe(JsonValueKind.Null); // staff entered none
        decision.GetProperty("personsAssessed").GetInt64().ShouldBe(1200);

        var listed = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/subjects", Ct);
        listed.GetProperty("subjectIds").EnumerateArray().Select(x => x.GetString()!).ToHashSet().SetEquals(s.Expected).ShouldBeTrue();
        listed.GetProperty("count").GetInt32().ShouldBe(1200);

        // A fresh process on the same database sees the same incident.
        var services = new ServiceCollection().AddLogging().AddMamoriCore(app.Database.Settings);
        await using var provider2 = services.BuildServiceProvider();
        await using var scope = provider2.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(s.TenantId);
        var stored = await db.Incidents.SingleAsync(i => i.Id == id, Ct);
        stored.Reportable.ShouldBeTrue();
        stored.BlastPersons.ShouldBe(1200);
        stored.FinalDue.ShouldBe(new DateOnly(2027, 1, 23));
        stored.PreliminaryDue.ShouldBe(new DateOnly(2026, 11, 29));
        (await db.IncidentSubjects.Where(x => x.IncidentId == id).Select(x => x.SubjectId).ToListAsync(Ct)).ToHashSet().SetEquals(s.Expected).ShouldBeTrue();
        var events = await db.AuditEvents.Where(e => e.TargetId == id.ToString()).Select(e => e.Code).ToListAsync(Ct);
        events.ShouldBe([AuditCode.IncidentCreated, AuditCode.IncidentBlastRadiusComputed]);
        // The timeline records it in Japanese (window in Japan time) with an English rendering.
        var entry = await db.IncidentTimeline.SingleAsync(t => t.IncidentId == id && t.Kind == "blast-radius", Ct);
        static string Jst(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture);
        // The key by its name and prefix, as staff know it.
        entry.Text.ShouldStartWith($"APIキー {s.Key.Name}（mk_{s.Key.Prefix}_） の {Jst(s.From)} から {Jst(s.To)} までの影響範囲: 本人 1200 名、データ項目 3 種、閲覧 1400 件。監査ログの連鎖を検証済み（");
        entry.Text.ShouldContain("報告対象（(c) 不正の目的をもって行われたおそれがある行為による個人データの漏えい等、(d) 本人の数が1,000人を超える個人データの漏えい等）。速報期限 2026-11-29、確報期限 2027-01-23。");
        entry.TextEn.ShouldStartWith($"Blast radius of API key {s.Key.Name} (mk_{s.Key.Prefix}_) from {Jst(s.From)} to {Jst(s.To)}: 1200 subjects, 3 categories, 1400 reads, chain verified (");
        var verification = await AuditVerify.VerifyTenantAsync(db, s.TenantId, "acme", Ct);
        verification.Intact.ShouldBeTrue(verification.Problem);
    }

    /// <summary>UX report 2, H2: a blast radius is evidence and never lowers the count staff entered (a lost USB stick's 2,000 customers).</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_StaffCounted2000KeyReadFewer_CountKeptStillReportableWithDeadlines(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster); // 2026-11-23 09:00 JST
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await AppendAsync(app, tenant.Id, [Read(Actor.Key(key.Key.Id), "subj-1", "email")]);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var created = await officer.PostAsJsonAsync("/api/incidents", new
        {
            title = "紛失2", kind = "loss", cause = "loss", discoveredAt = "2026-11-21T10:00:00+09:00", personsKnown = 2000,
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // A window in which the key read nothing.
        var none = await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius", new
        {
            actorKind = "api-key", actorId = key.Key.Id.ToString(), from = "2026-11-01T00:00:00+09:00", to = "2026-11-02T00:00:00+09:00",
        }, Ct);

        var body = await none.Content.ReadAsStringAsync(Ct);
        none.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var incident = JsonDocument.Parse(body).RootElement.GetProperty("incident");
        incident.GetProperty("personsKnown").GetInt64().ShouldBe(2000);
        incident.GetProperty("personsFromBlastRadius").GetInt64().ShouldBe(0);
        var decision = incident.GetProperty("decision");
        decision.GetProperty("reportable").GetBoolean().ShouldBeTrue();
        decision.GetProperty("personsAssessed").GetInt64().ShouldBe(2000);
        decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ShouldBe(["over-person-threshold"]);
        decision.GetProperty("preliminaryDue").GetString().ShouldBe("2026-11-25");
        decision.GetProperty("finalDue").GetString().ShouldBe("2026-12-20");
        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/timeline", Ct);
        var entry = timeline[timeline.GetArrayLength() - 1];
        entry.GetProperty("text").GetString()!.ShouldContain("本人 0 名");
        entry.GetProperty("text").GetString()!.ShouldEndWith("入力済みの確認済みの本人の数 2000 名はそのままとし、影響範囲の 0 名と比べて多い方で判定します。" +
            "報告対象（(d) 本人の数が1,000人を超える個人データの漏えい等）。速報期限 2026-11-25、確報期限 2026-12-20。");
        entry.GetProperty("textEn").GetString()!.ShouldContain("The persons entered (2000 established) stand; the larger of them and the 0 found decides. Reportable");

        // The console's form over the window in which it read one person: both counts shown, the larger decides.
        var session = await Mamori.Tests.Console.ConsoleScenario.SessionAsync(app, tenant.Id, Roles.PrivacyOfficer);
        (await session.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/blast-radius",
        [
            new("actor", $"api-key:{key.Key.Id}"), new("from", "2026-11-23T09:00"), new("to", "2026-11-23T09:20"),
        ])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await session.GetStringAsync($"/console/incidents/{id}");
        page.ShouldContain("<dt>本人の数（確認済み）</dt><dd>2,000</dd>");
        page.ShouldContain("<dt>本人の数（影響範囲の算定）</dt><dd>1 — 判定には多い方の 2,000 人を用います</dd>");
        page.ShouldContain("個人情報保護委員会への報告・本人への通知が必要です");
        page.ShouldContain("<strong>2026-11-25</strong>");
        var report = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/report?kind=final", Ct);
        var persons = report.GetProperty("items")[2].GetProperty("content").GetString()!;
        // Both computations (the empty window and the console's), each with its count, and the persons they found together.
        persons.ShouldStartWith("2,000人\n監査ログ（ハッシュチェーンにより改ざんのないことを検証済み）から特定した本人の数: 1人（次の2件の算定の合計。重複を除く）。\n・APIキー ");
        persons.ShouldEndWith("までに実際に閲覧した本人: 1人\n調査により確認した本人の数: 2,000人（多い方を本人の数とする）。");

        // Staff correct their own count; the blast radius's 1 stays beside it.
        var edited = await officer.PutAsJsonAsync($"/api/incidents/{id}", new { title = "紛失2", kind = "loss", cause = "loss", discoveredAt = "2026-11-21T10:00:00+09:00", personsKnown = 900 }, Ct);
        var after = await edited.Content.ReadFromJsonAsync<JsonElement>(Ct);
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, after.ToString());
        after.GetProperty("personsFromBlastRadius").GetInt64().ShouldBe(1);
        after.GetProperty("decision").GetProperty("reportable").GetBoolean().ShouldBeFalse();
    }

    /// <summary>
    /// UX report 3, H1: a key's name, a made-up id, another tenant's key or an unknown address was taken as the actor and recorded as
    /// 「本人 0 名…監査ログの連鎖を検証済み」. Only an actor of the tenant is accepted; a key by its prefix (what staff see) works.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_ActorNotInTenant_RefusedWithCodeAndNothingRecorded(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync("other");
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var otherKey = await app.ApiKeyAsync(other.Id, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await AppendAsync(app, tenant.Id, [.. Enumerable.Range(0, 30).Select(i => Read(Actor.Key(key.Key.Id), $"subj-{i}", "email"))]);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var id = await OpenIncidentAsync(app, officer);
        var to = app.Clock.GetUtcNow();

        foreach (var (kind, actorId) in new[]
        {
            ("api-key", key.Key.Name), ("api-key", "nonexistent-key"), ("api-key", Guid.Empty.ToString()), ("api-key", otherKey.Key.Id.ToString()),
            ("api-key", $"mk_{otherKey.Key.Prefix}_"), ("user", "admin@demo.mamori.example"), ("user", key.Key.Id.ToString()),
        })
        {
            var refused = await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius", new { actorKind = kind, actorId, from, to }, Ct);
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-6012");
            problem.GetProperty("detail").GetString()!.ShouldNotContain(actorId); // what was typed may be an address: never echoed
        }
        var untouched = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct);
        untouched.GetProperty("blastRadii").GetArrayLength().ShouldBe(0);
        untouched.GetProperty("personsFromBlastRadius").ValueKind.ShouldBe(JsonValueKind.Null);
        (await app.InTenantAsync(tenant.Id, (_, db) => db.IncidentTimeline.CountAsync(t => t.IncidentId == id && t.Kind == "blast-radius", Ct))).ShouldBe(0);
        (await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.IncidentBlastRadiusComputed, Ct))).ShouldBe(0);

        // The key by the prefix the console and 'mamori apikey list' show; the incident records its id.
        var byPrefix = await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius",
            new { actorKind = "api-key", actorId = $"mk_{key.Key.Prefix}_", from, to }, Ct);
        var body = await byPrefix.Content.ReadAsStringAsync(Ct);
        byPrefix.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;
        json.GetProperty("subjectCount").GetInt32().ShouldBe(30);
        var recorded = json.GetProperty("incident").GetProperty("blastRadii")[0];
        recorded.GetProperty("actorId").GetString().ShouldBe(key.Key.Id.ToString());
        recorded.GetProperty("actorName").GetString().ShouldBe(key.Key.Name);
        recorded.GetProperty("actorPrefix").GetString().ShouldBe($"mk_{key.Key.Prefix}_");
    }

    /// <summary>
    /// UX report 3, L5: while staff had established no count, report item (3) said 「最大1,500人（調査中、確認済み30人）」, the 30 being the blast
    /// radius's; and 「監査ログ（ハッシュチェーン検証済み、56件）」 gave the events checked since the newest checkpoint as if they were the whole log.
    /// </summary>
    [Fact]
    public async Task Report_UpperBoundAndBlastRadius_EstablishedCountIsStaffsAndNoEventCountClaimed()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await AppendAsync(app, tenant.Id, [.. Enumerable.Range(0, 30).Select(i => Read(Actor.Key(key.Key.Id), $"subj-{i}", "email"))]);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        object Facts(long? known) => new { title = "CRM", cause = "unauthorized-access", discoveredAt = from, personsKnown = known, personsUpperBound = 1500 };
        var created = await officer.PostAsJsonAsync("/api/incidents", Facts(null), Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        (await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius", new { actorKind = "api-key", actorId = key.Key.Id, from, to = app.Clock.GetUtcNow() }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        async Task<string> PersonsAsync() =>
            (await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/report?kind=final", Ct)).GetProperty("items")[2].GetProperty("content").GetString()!;

        var persons = await PersonsAsync();
        persons.ShouldStartWith("最大1,500人（調査中）\n監査ログ（ハッシュチェーンにより改ざんのないことを検証済み）から、APIキー ");
        persons.ShouldEndWith("までに実際に閲覧した本人の数: 30人。");
        persons.ShouldNotContain("確認済み30人");
        persons.ShouldNotMatch(@"検証済み、[\d,]+件");

        // Once staff establish a count, that is the one called 確認済み; the audit log's stays beside it.
        (await officer.PutAsJsonAsync($"/api/incidents/{id}", Facts(12), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        persons = await PersonsAsync();
        persons.ShouldStartWith("最大1,500人（調査中、確認済み12人）\n");
        persons.ShouldEndWith("の数: 30人。\n調査により確認した本人の数: 12人（多い方を本人の数とする）。");

        // The console and the timeline say what the figure is.
        var session = await Mamori.Tests.Console.ConsoleScenario.SessionAsync(app, tenant.Id, Roles.PrivacyOfficer);
        var page = await session.GetStringAsync($"/console/incidents/{id}");
        page.ShouldMatch(@"監査ログ検証済み（直近のチェックポイント以降の [\d,]+ 件を照合）</td>");
        page.ShouldMatch(@"監査ログの連鎖を検証済み（直近のチェックポイント以降の [\d,]+ 件を照合）。");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_TamperedChain_RefusedWithCodeAndNothingRecorded(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await AppendAsync(app, tenant.Id, [.. Enumerable.Range(0, 20).Select(i => Read(Actor.Key(key.Key.Id), $"subj-{i}", "email"))]);
        // Someone hides a read by pointing it at another subject.
        await app.InTenantAsync(Guid.Empty, async (_, db) =>
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "SubjectId" = 'subj-0' WHERE "SubjectId" = 'subj-7'""", Ct));
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var id = await OpenIncidentAsync(app, officer);

        var response = await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius",
            new { actorKind = "api-key", actorId = key.Key.Id.ToString(), from, to = app.Clock.GetUtcNow() }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-6004");
        problem.GetProperty("detail").GetString()!.ShouldContain("broken at sequence");
        var incident = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct);
        incident.GetProperty("personsFromBlastRadius").ValueKind.ShouldBe(JsonValueKind.Null);
        incident.GetProperty("blastRadii").GetArrayLength().ShouldBe(0);
        (await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/subjects", Ct)).GetProperty("count").GetInt32().ShouldBe(0);
        var refused = await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.IncidentBlastRadiusRefused, Ct));
        refused.ShouldBe(1);
        // The timeline records the refusal, the verifier's finding in Japanese too.
        var entry = await app.InTenantAsync(tenant.Id, (_, db) => db.IncidentTimeline.SingleAsync(t => t.IncidentId == id && t.Kind == "blast-radius", Ct));
        entry.Text.ShouldStartWith("影響範囲を算定しませんでした: 監査ログの連鎖が ");
        entry.Text.ShouldContain("（記録の内容がハッシュ値と一致しない（改ざん））。");
        entry.TextEn!.ShouldContain("(event content does not match its hash).");
    }

    private static async Task<(int Code, string Out, string Err)> CliAsync(TestApp app, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Mamori.Cli.MamoriCli.RunAsync(["incident", "blast-radius", .. args, "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadiusCli_KeyWindow_RecordsTheSameSubjectsAsTheApi(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var s = await SeedAsync(app);
        var officer = await app.SignedInAsync(s.TenantId, Roles.PrivacyOfficer);
        var id = await OpenIncidentAsync(app, officer);

        var (code, stdout, stderr) = await CliAsync(app, id.ToString(), "--api-key", s.KeyId.ToString(),
            "--from", s.From.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture),
            "--to", s.To.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--json");

        code.ShouldBe(0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        json.GetProperty("subjectCount").GetInt32().ShouldBe(1200);
        json.GetProperty("eventsRead").GetInt64().ShouldBe(1400);
        json.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["email", "name", "phone"]);
        json.GetProperty("reportable").GetBoolean().ShouldBeTrue();
        json.GetProperty("finalDue").GetString().ShouldBe("2027-01-23");
        var listed = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/subjects", Ct);
        listed.GetProperty("subjectIds").EnumerateArray().Select(x => x.GetString()!).ToHashSet().SetEquals(s.Expected).ShouldBeTrue();
        (await app.InTenantAsync(s.TenantId, (_, db) => db.AuditEvents.CountAsync(e => e.TargetId == id.ToString() && e.Code == AuditCode.IncidentBlastRadiusComputed, Ct)))
            .ShouldBe(1);

        var (text, textOut, textErr) = await CliAsync(app, id.ToString(), "--api-key", s.KeyId.ToString(),
            "--from", s.From.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--to", s.To.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        text.ShouldBe(0, textErr);
        textOut.ShouldContain($"1,200 persons affected, categories email, name, phone; 1,400 reads by API key {s.Key.Name} (mk_{s.Key.Prefix}_) (id {s.KeyId})");
        textOut.ShouldContain("final report due 2027-01-23");
    }

    [Fact]
    public async Task BlastRadiusCli_BadArguments_OneLineWithCodeAndNothingRecorded()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var id = (await OpenIncidentAsync(app, officer)).ToString();
        foreach (var (args, errorCode) in new (string[], string)[]
        {
            ([id], "MAMORI-6052"),                                                                              // neither actor nor export
            ([id, "--api-key", "k", "--export", "leak.csv"], "MAMORI-6052"),                                    // both
            ([id, "--api-key", "k", "--from", "2026-11-20", "--to", "2026-11-21T00:00+09:00"], "MAMORI-6005"), // no time, no offset
            ([id, "--api-key", "k", "--from", "2026-11-20T00:00", "--to", "2026-11-21T00:00+09:00"], "MAMORI-6005"),
            ([id, "--export", "/nonexistent/leak.csv"], "MAMORI-6052"),
            (["not-an-id", "--api-key", "k", "--from", "2026-11-20T00:00Z", "--to", "2026-11-21T00:00Z"], "MAMORI-1007"),
            ([Guid.NewGuid().ToString(), "--api-key", "k", "--from", "2026-11-20T00:00Z", "--to", "2026-11-21T00:00Z"], "MAMORI-1007"),
        })
        {
            var (code, stdout, stderr) = await CliAsync(app, args);
            code.ShouldBe(1, string.Join(' ', args));
            stdout.ShouldBeEmpty();
            stderr.Trim().Split('\n').Length.ShouldBe(1, stderr);
            stderr.ShouldContain(errorCode, customMessage: string.Join(' ', args));
        }
        (await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct)).GetProperty("blastRadii").GetArrayLength().ShouldBe(0);
    }

    /// <summary>UX report 3, H1: 'mamori incident blast-radius --api-key crm-sync' said "0 persons affected … audit chain verified" and exited 0.</summary>
    [Fact]
    public async Task BlastRadiusCli_KeyByNameOrPrefix_NameRefusedPrefixComputes()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await AppendAsync(app, tenant.Id, [.. Enumerable.Range(0, 3).Select(i => Read(Actor.Key(key.Key.Id), $"subj-{i}", "email"))]);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var id = (await OpenIncidentAsync(app, officer)).ToString();
        string[] window = ["--from", from.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--to", app.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture)];

        var (code, stdout, stderr) = await CliAsync(app, [id, "--api-key", key.Key.Name, .. window]);
        code.ShouldBe(1, stdout);
        stdout.ShouldBeEmpty();
        stderr.ShouldContain("MAMORI-6012");
        stderr.ShouldContain("prefix (mk_xxxx_");
        (await CliAsync(app, [id, "--user", "nobody@example.jp", .. window])).Err.ShouldContain("MAMORI-6012");
        (await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct)).GetProperty("blastRadii").GetArrayLength().ShouldBe(0);

        var (ok, text, err) = await CliAsync(app, [id, "--api-key", $"mk_{key.Key.Prefix}_", .. window]);
        ok.ShouldBe(0, err);
        text.ShouldContain($"3 persons affected, categories email; 3 reads by API key {key.Key.Name} (mk_{key.Key.Prefix}_) (id {key.Key.Id}); audit chain verified");
    }

    /// <summary>UX report 3, L6: a blast radius computed with the CLI appeared in the timeline as done by 「システム」.</summary>
    [Fact]
    public async Task BlastRadiusCli_ActorOrNot_TimelineNamesWhoRanIt()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await AppendAsync(app, tenant.Id, [Read(Actor.Key(key.Key.Id), "subj-1", "email")]);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var responder = await app.UserAsync(tenant.Id, Roles.PrivacyOfficer);
        var officer = await app.SignedInAsync(responder);
        var id = await OpenIncidentAsync(app, officer);
        string[] query = [id.ToString(), "--api-key", key.Key.Id.ToString(), "--from", from.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            "--to", app.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture)];

        (await CliAsync(app, [.. query, "--actor", responder.Email])).Code.ShouldBe(0);
        (await CliAsync(app, query)).Code.ShouldBe(0);

        var account = Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } sudo ? sudo : Environment.UserName;
        var actors = await app.InTenantAsync(tenant.Id, (_, db) => db.IncidentTimeline.Where(t => t.IncidentId == id && t.Kind == "blast-radius")
            .OrderBy(t => t.Time).ThenBy(t => t.Id).Select(t => t.Actor).ToListAsync(Ct));
        actors.ShouldBe([$"User:{responder.Id}", $"Cli:{account}"]);
        var page = await officer.GetStringAsync($"/console/incidents/{id}", Ct);
        page.ShouldContain(responder.Email);
        page.ShouldContain($"CLI: {account}");
    }

    [Fact]
    public async Task BlastRadiusQuery_Sqlite_UsesTenantActorTimeIndex()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var plan = await app.InTenantAsync(tenant.Id, async (_, db) =>
        {
            var query = new BlastRadiusQuery(ActorKindCode.ApiKey, Guid.NewGuid().ToString(), app.Clock.GetUtcNow().AddDays(-7), app.Clock.GetUtcNow());
            var sql = BlastRadius.Events(db, query).Select(e => new { e.SubjectId, e.Categories }).ToQueryString();
            var conn = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(Ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
            var details = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct)) details.Add(reader.GetString(3));
            return string.Join(" | ", details);
        });
        plan.ShouldContain("IX_AuditEvents_TenantId_ActorId_Time");
        plan.ShouldNotContain("SCAN");
    }

    /// <summary>
    /// Regression: computations started together for one incident each took the next number and the affected persons as they were
    /// before the others committed, so all but one failed on the unique (incident, number) index or the persons' key: a 500.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BlastRadius_SeveralAtOnceForOneIncident_EveryOneRecordedInTurn(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var keys = new[] { await app.ApiKeyAsync(tenant.Id, Roles.Operator), await app.ApiKeyAsync(tenant.Id, Roles.Operator) };
        var from = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        // Each key reads 3 persons of its own and one both read.
        await AppendAsync(app, tenant.Id, [.. keys.SelectMany((k, n) => new[] { "shared", $"k{n}-a", $"k{n}-b", $"k{n}-c" }.Select(s => Read(Actor.Key(k.Key.Id), s, "email")))]);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var to = app.Clock.GetUtcNow();
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer);
        var id = await OpenIncidentAsync(app, officer);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var r = await officer.PostAsJsonAsync($"/api/incidents/{id}/blast-radius",
                new { actorKind = "api-key", actorId = keys[i % 2].Key.Id.ToString(), from, to }, Ct);
            return $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync(Ct)}";
        }));

        responses.Where(r => !r.StartsWith("200 ", StringComparison.Ordinal)).ShouldBeEmpty();
        var incident = await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}", Ct);
        var computations = incident.GetProperty("blastRadii").EnumerateArray().ToList();
        computations.Count.ShouldBe(8);
        computations.Sum(c => c.GetProperty("newPersons").GetInt64()).ShouldBe(7); // each person is new to exactly one computation
        incident.GetProperty("personsFromBlastRadius").GetInt64().ShouldBe(7);
        (await officer.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/subjects", Ct)).GetProperty("count").GetInt32().ShouldBe(7);
    }
}
