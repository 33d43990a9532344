using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Mamori.Audit;
using Mamori.Incidents;
using Mamori.Notifications;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>The incident screens: plain forms with anti-forgery, Japanese with an English switch, dates in JST.</summary>
public sealed class IncidentConsoleTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static string JstLocal(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static DateOnly JstDay(DateTimeOffset t) => DateOnly.FromDateTime(t.ToOffset(TimeSpan.FromHours(9)).DateTime);

    [Fact]
    public async Task CreateIncident_ByForm_DetailShowsReasonsLawReferencesAndJstDueDates()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var aware = app.Clock.GetUtcNow().AddHours(-2);
        var created = await s.PostAsync("/console/incidents/new", "/console/incidents/new",
        [
            F("title", "CRM連携キーの漏えい"), F("kind", "leak"), F("cause", "unauthorized-access"), F("discoveredAt", JstLocal(aware)),
            F("personsUpperBound", "1,500"), F("categories", "email, name, sms-phone"), F("summary", "公開リポジトリにAPIキーが掲載された。"),
        ]);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var location = created.Headers.Location!.ToString();
        location.ShouldEndWith("?done=created");
        var id = Guid.Parse(Regex.Match(location, "/console/incidents/([0-9a-f-]{36})").Groups[1].Value);

        var day = JstDay(aware);
        var detail = await s.GetStringAsync($"/console/incidents/{id}");
        detail.ShouldContain("<html lang=\"ja\"");
        detail.ShouldContain("個人情報保護委員会への報告・本人への通知が必要です");
        detail.ShouldContain("施行規則7条3号");
        detail.ShouldContain("施行規則7条4号");
        detail.ShouldContain(day.AddDays(4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));  // preliminary: day 5
        detail.ShouldContain(day.AddDays(59).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); // final: day 60 (improper purpose)
        detail.ShouldContain("日本時間");
        detail.ShouldContain("<dd>電子メールアドレス、氏名、SMS認証に使用した携帯電話番号</dd>"); // by their policy names (sms-phone: a service's)

        // Timeline entry, then an edit that changes the decision (encrypted with the key safe: exempt).
        (await s.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/timeline", [F("kind", "measure"), F("text", "APIキーを失効させた。")]))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var withEntry = await s.GetStringAsync($"/console/incidents/{id}");
        withEntry.ShouldContain("APIキーを失効させた。");
        // The kind by its name; what Mamori wrote in Japanese, what people wrote in their words.
        withEntry.ShouldContain("[措置] <span class=\"pre\">APIキーを失効させた。</span>");
        withEntry.ShouldContain("[事実・判定] <span class=\"pre\">インシデントを登録しました。報告対象（(c) 不正の目的をもって行われたおそれがある行為による個人データの漏えい等、(d) 本人の数が1,000人を超える個人データの漏えい等）。");
        withEntry.ShouldNotContain("improper-purpose");
        withEntry.ShouldNotContain("Incident opened");
        // Who wrote it, by sign-in address (the recorded actor id stays in the title).
        withEntry.ShouldMatch(@"title=""User:[0-9a-f-]{36}"">privacy-officer-[0-9a-f]{32}@test\.example</span>");
        var edit = await s.GetStringAsync($"/console/incidents/{id}/edit");
        edit.ShouldContain("value=\"CRM連携キーの漏えい\"");
        (await s.PostAsync($"/console/incidents/{id}/edit", $"/console/incidents/{id}/edit",
        [
            F("title", "CRM連携キーの漏えい"), F("kind", "leak"), F("cause", "unauthorized-access"), F("discoveredAt", JstLocal(aware)),
            F("personsUpperBound", "1500"), F("categories", "email"), F("encryptedKeysSafe", "on"),
        ])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var exempt = await s.GetStringAsync($"/console/incidents/{id}?lang=en");
        exempt.ShouldContain("<html lang=\"en\"");
        exempt.ShouldContain("Not reportable");
        exempt.ShouldContain("[Facts] <span class=\"pre\">Facts changed; decision changed. Not reportable (exempt: advanced encryption with the key safe (Rules Art. 7(i))).");
        exempt.ShouldContain("[Measure] <span class=\"pre\">APIキーを失効させた。</span>");
        // The grounds set aside by name, not by code.
        exempt.ShouldContain("Grounds set aside: (c) A possible act with an improper purpose");
        exempt.ShouldNotContain("improper-purpose");
        var exemptJa = await s.GetStringAsync($"/console/incidents/{id}?lang=ja");
        exemptJa.ShouldContain("報告対象外（適用除外: 高度な暗号化が施され、鍵は漏えいしていない（施行規則7条1号括弧書き））。");
        exemptJa.ShouldContain("除外された事由: (c) 不正の目的をもって行われたおそれがある行為による個人データの漏えい等");
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.TargetId == id.ToString() && e.Code == AuditCode.IncidentFactsUpdated, TestContext.Current.CancellationToken)))
            .ShouldBe(1);

        // Bad input comes back as the form with the error, not a 500.
        var bad = await s.PostAsync("/console/incidents/new", "/console/incidents/new", [F("title", ""), F("cause", "unauthorized-access"), F("discoveredAt", JstLocal(aware))]);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("MAMORI-6000");
        // Without the anti-forgery token nothing is saved.
        (await s.PostAsync("/console/incidents/new", "/console/incidents/new", [F("title", "x"), F("cause", "loss"), F("discoveredAt", JstLocal(aware))], withToken: false))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.InTenantAsync(tenant, (_, db) => db.Incidents.CountAsync(TestContext.Current.CancellationToken))).ShouldBe(1);
    }

    [Fact]
    public async Task IncidentForm_PolicyCategories_ChosenByNameWithIdAndRefusalInJapanese()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var aware = JstLocal(app.Clock.GetUtcNow().AddHours(-1));

        // The policy's categories (company and services) by name with the id beside them, in a fieldset: nothing to type.
        var form = await s.GetStringAsync("/console/incidents/new");
        form.ShouldNotContain("カテゴリID");
        form.ShouldContain("<fieldset id=\"categories\"><legend>");
        form.ShouldContain("<input type=\"checkbox\" name=\"categories\" value=\"health-check\"> 健康診断結果 <code class=\"muted\">health-check</code>");
        form.ShouldContain("value=\"sms-phone\"> SMS認証に使用した携帯電話番号 <code class=\"muted\">sms-phone</code>"); // a service's
        (await s.GetStringAsync("/console/incidents/new?lang=en")).ShouldContain("value=\"health-check\"> Health-check results <code class=\"muted\">health-check</code>");

        // Ticked boxes post one value each.
        var created = await s.PostAsync("/console/incidents/new", "/console/incidents/new",
        [
            F("title", "健康診断結果の誤送付"), F("kind", "leak"), F("cause", "misdelivery"), F("discoveredAt", aware), F("personsKnown", "1"),
            F("categories", "name"), F("categories", "health-check"), F("specialCare", "on"),
        ]);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = Guid.Parse(Regex.Match(created.Headers.Location!.ToString(), "/console/incidents/([0-9a-f-]{36})").Groups[1].Value);
        (await s.GetStringAsync($"/console/incidents/{id}")).ShouldContain("<dd>氏名、健康診断結果</dd>");
        var edit = await s.GetStringAsync($"/console/incidents/{id}/edit");
        edit.ShouldContain("value=\"health-check\" checked> 健康診断結果");
        edit.ShouldContain("value=\"name\" checked> 氏名");
        edit.ShouldContain("value=\"email\"> 電子メールアドレス");

        // An id the policy does not declare that is already on the incident stays a choice, ticked, by id.
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            var row = await db.Incidents.SingleAsync(i => i.Id == id, TestContext.Current.CancellationToken);
            row.Categories = ["name", "legacy-card"];
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            return 0;
        });
        var stale = await s.GetStringAsync($"/console/incidents/{id}/edit");
        stale.ShouldContain("value=\"legacy-card\" checked> <code>legacy-card</code>");
        (await s.PostAsync($"/console/incidents/{id}/edit", $"/console/incidents/{id}/edit",
        [
            F("title", "健康診断結果の誤送付"), F("kind", "leak"), F("cause", "misdelivery"), F("discoveredAt", aware), F("personsKnown", "1"),
            F("categories", "name"), F("categories", "legacy-card"), F("specialCare", "on"),
        ])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await app.InTenantAsync(tenant, (_, db) => db.Incidents.Where(i => i.Id == id).Select(i => i.Categories).SingleAsync(TestContext.Current.CancellationToken)))
            .ShouldBe(["name", "legacy-card"]);

        // A refused value (typed names instead of ids) answers in Japanese with the code, and the form keeps what was entered.
        var refused = await s.PostAsync("/console/incidents/new", "/console/incidents/new",
        [
            F("title", "カード情報の漏えい"), F("kind", "leak"), F("cause", "unauthorized-access"), F("discoveredAt", aware), F("summary", "決済画面の改ざん"),
            F("categories", "氏名, クレジットカード"),
        ]);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        page.ShouldContain("<p class=\"error\" role=\"alert\">データ項目は、ポリシーのデータ項目から100件まで選んでください。 (MAMORI-6000)</p>");
        page.ShouldNotContain("categories are up to");
        page.ShouldContain("value=\"カード情報の漏えい\"");
        page.ShouldContain(">決済画面の改ざん</textarea>");
        var english = await s.PostAsync("/console/incidents/new?lang=en", "/console/incidents/new?lang=en",
            [F("title", "x"), F("cause", "loss"), F("discoveredAt", aware), F("personsKnown", "many")]);
        (await english.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Persons established is a whole number. (MAMORI-6000)");
    }

    // Regression: the form took a category id the policy in force does not declare (typed into an older form or a crafted post).
    [Fact]
    public async Task IncidentForm_CategoryNotInPolicy_RefusedInJapaneseKeptTickedByItsId()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var refused = await s.PostAsync("/console/incidents/new", "/console/incidents/new",
        [
            F("title", "カード情報の漏えい"), F("kind", "leak"), F("cause", "unauthorized-access"), F("discoveredAt", JstLocal(app.Clock.GetUtcNow().AddHours(-1))),
            F("categories", "name"), F("categories", "card-number"),
        ]);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        page.ShouldContain("<p class=\"error\" role=\"alert\">現在のポリシーにないデータ項目は選べません。ポリシーのデータ項目から選んでください。 (MAMORI-6011)</p>");
        page.ShouldContain("value=\"card-number\" checked> <code>card-number</code> <span class=\"muted\">（現在のポリシーにない項目）</span>");
        page.ShouldContain("value=\"name\" checked> 氏名");
        (await app.InTenantAsync(tenant, (_, db) => db.Incidents.CountAsync(TestContext.Current.CancellationToken))).ShouldBe(0);
    }

    // Regression (L9): the English page's Grounds table had a "Law" column in Japanese (「個人情報保護法26条1項, 施行規則7条3号」).
    [Fact]
    public async Task IncidentPage_English_GroundsCiteTheLawInEnglish()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await IncidentAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var en = await s.GetStringAsync($"/console/incidents/{id}?lang=en");
        en.ShouldContain("<tr><td>(c)</td><td>A possible act with an improper purpose, e.g. unauthorized access or theft</td><td>APPI Art. 26(1), Rules Art. 7(iii)</td></tr>");
        en.ShouldContain("<tr><td>(d)</td><td>More than 1,000 persons affected</td><td>APPI Art. 26(1), Rules Art. 7(iv)</td></tr>");
        en.ShouldNotContain("施行規則");
        var ja = await s.GetStringAsync($"/console/incidents/{id}?lang=ja");
        ja.ShouldContain("<td>個人情報保護法26条1項, 施行規則7条4号</td>");
        // The API gives both citations.
        var api = await (await app.SignedInAsync(tenant, Roles.PrivacyOfficer)).GetStringAsync($"/api/incidents/{id}", Ct);
        api.ShouldContain("\"lawReferenceEn\":\"APPI Art. 26(1), Rules Art. 7(iv)\"");
    }

    /// <summary>
    /// UX report 3, H1: the form took any text as the actor's id (the key's name, its prefix) and recorded 「影響を受けた本人 0…監査ログ検証済み」;
    /// the id it needed appeared nowhere a privacy officer looks. The tenant's keys (a revoked one too) and users are now chosen by name.
    /// </summary>
    [Fact]
    public async Task BlastRadiusForm_KeysAndUsersChosenByName_RevokedKeyIncludedUnknownRefusedInPageLanguage()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await IncidentAsync(app, tenant);
        var stolen = await app.ApiKeyAsync(tenant, Roles.Operator);
        var other = await app.ApiKeyAsync(tenant, Roles.Operator);
        var from = JstLocal(app.Clock.GetUtcNow());
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await sp.GetRequiredService<AuditLog>().AppendManyAsync(db, [.. Enumerable.Range(0, 3).Select(i =>
                new AuditEntry(AuditCode.AccessAllowed, Actor.Key(stolen.Key.Id), SubjectId: $"subj-{i}", Purpose: "support", Categories: "email"))], TestContext.Current.CancellationToken);
            await tx.CommitAsync(TestContext.Current.CancellationToken);
            await sp.GetRequiredService<ApiKeys>().RevokeAsync(await db.ApiKeys.SingleAsync(k => k.Id == stolen.Key.Id, TestContext.Current.CancellationToken),
                Actor.System, TestContext.Current.CancellationToken);
            return 0;
        });
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var to = JstLocal(app.Clock.GetUtcNow());
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        // The officer supervises access and sees the keys page now; the incident page still offers the keys itself (below).
        (await s.GetAsync("/console/apikeys")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var page = await s.GetStringAsync($"/console/incidents/{id}");
        page.ShouldContain("""<select id="actor" name="actor" required aria-describedby="actor-hint"><option value="">選んでください</option><optgroup label="APIキー">""");
        page.ShouldMatch($"""<option value="api-key:{stolen.Key.Id}">{stolen.Key.Name}（mk_{stolen.Key.Prefix}_） — 失効 \d\d\d\d-\d\d-\d\d \d\d:\d\d</option>""");
        page.ShouldContain($"""<option value="api-key:{other.Key.Id}">{other.Key.Name}（mk_{other.Key.Prefix}_）</option>""");
        page.ShouldMatch("""<optgroup label="利用者"><option value="user:[0-9a-f-]{36}">privacy-officer-[0-9a-f]{32}@test\.example</option>""");
        page.ShouldNotContain("name=\"actorId\"");

        // A key that is not the tenant's (a crafted post, or one chosen from another tab): refused in the page's language, the window kept.
        var unknown = await s.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/blast-radius", [F("actor", $"api-key:{Guid.NewGuid()}"), F("from", from), F("to", to)]);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refused = await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        refused.ShouldContain("そのAPIキーはこの事業者に登録されていません。一覧から選んでください。 (MAMORI-6012)");
        refused.ShouldContain($"""name="from" type="datetime-local" required value="{from}">""");
        (await (await s.PostAsync($"/console/incidents/{id}?lang=en", $"/console/incidents/{id}/blast-radius?lang=en",
                [F("actor", $"user:{Guid.NewGuid()}"), F("from", from), F("to", to)])).Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .ShouldContain("That user is not registered for this business; choose one from the list. (MAMORI-6012)");
        (await app.InTenantAsync(tenant, (_, db) => db.IncidentTimeline.CountAsync(t => t.IncidentId == id && t.Kind == "blast-radius", TestContext.Current.CancellationToken))).ShouldBe(0);

        // The revoked key, chosen by name: its three persons, and the page names it as staff know it.
        (await s.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/blast-radius", [F("actor", $"api-key:{stolen.Key.Id}"), F("from", from), F("to", to)]))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await s.GetStringAsync($"/console/incidents/{id}");
        after.ShouldContain($"<tr><td>APIキー {stolen.Key.Name}（mk_{stolen.Key.Prefix}_）</td><td>{from.Replace('T', ' ')} – {to.Replace('T', ' ')}</td><td class=\"num\">3</td>");
        after.ShouldContain("<dd class=\"big\">3</dd>");
        after.ShouldContain($"APIキー {stolen.Key.Name}（mk_{stolen.Key.Prefix}_） の ");
    }

    [Fact]
    public async Task FinalReportDraft_ItemsMissing_ListedByReportItemNamesNotKeys()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await IncidentAsync(app, tenant); // cause chosen (unauthorized access), no cause details, items (5)-(8) empty
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        var report = await s.GetStringAsync($"/console/incidents/{id}/report?kind=final");
        report.ShouldContain("<td class=\"pre\">外部からの不正アクセス</td>"); // item (4) states the cause chosen…
        report.ShouldContain("<li>(4) 原因の詳細 <small lang=\"en\">(4) Cause in detail</small></li>"); // …what it lacks is the detail
        report.ShouldContain("<li>(5) 二次被害又はそのおそれの有無及びその内容 <small lang=\"en\">(5) Secondary damage or its risk</small></li>");
        report.ShouldContain("<li>(8) 再発防止のための措置");
        report.ShouldNotContain("cause, secondaryDamage");
        report.ShouldNotContain("personsResponse");
        report.ShouldContain($"<a href=\"/console/incidents/{id}/edit\">事実を編集して記入する</a>");

        // The API keeps the stable keys; its HTML draft names the items like the page.
        var json = await s.GetStringAsync($"/api/incidents/{id}/report?kind=final&format=json");
        json.ShouldContain("\"missing\":[\"cause\",\"secondaryDamage\",\"personsResponse\",\"publication\",\"prevention\"]");
        (await s.GetStringAsync($"/api/incidents/{id}/report?kind=final&format=html"))
            .ShouldContain("確報に必要な未記入の事項: (4) 原因の詳細、(5) 二次被害又はそのおそれの有無及びその内容、(6) 本人への対応の実施状況、(7) 公表の実施状況、(8) 再発防止のための措置</p>");
    }

    /// <summary>UX report 3, H4: 確報を提出した recorded a final report with every item missing, and a preliminary report that was never sent.</summary>
    [Fact]
    public async Task FinalReportedForm_ItemsMissing_RefusedInPageLanguageNamingThem()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await IncidentAsync(app, tenant); // items (4)-(8) empty
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var page = $"/console/incidents/{id}";

        var refused = await s.PostAsync(page, page + "/status", [F("status", "final-reported")]);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var html = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("確報に必要な事項が未記入のため、確報の提出は記録できません。事実を編集して記入してください: (4) 原因の詳細、(5) 二次被害又はそのおそれの有無及びその内容、" +
            "(6) 本人への対応の実施状況、(7) 公表の実施状況、(8) 再発防止のための措置。 (MAMORI-6013)");
        (await (await s.PostAsync(page + "?lang=en", page + "/status?lang=en", [F("status", "final-reported")])).Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .ShouldContain("edit the facts to fill them in: (4) Cause in detail; (5) Secondary damage or its risk; (6) Response to the persons; (7) Publication; (8) Measures to prevent recurrence. (MAMORI-6013)");
        var after = await s.GetStringAsync(page);
        after.ShouldNotContain("報告済み");
        after.ShouldContain("<dd>対応中</dd>");
    }

    /// <summary>
    /// UX report 3, M4: 本人へ通知する (30 apology e-mails), 確報を提出した and 終了する took one click with no confirmation, unlike revoking a key or
    /// disabling a user. Each now says what will happen; 確報を提出した appears only when it can be recorded, and what is missing is said instead.
    /// </summary>
    [Fact]
    public async Task IncidentPage_NoticeReportAndCloseForms_ConfirmSayingWhatHappens()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await IncidentAsync(app, tenant); // reportable; items (4)-(8) empty
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            db.IncidentSubjects.AddRange(Enumerable.Range(0, 30).Select(i => new IncidentSubject { IncidentId = id, SubjectId = $"subj-{i}" }));
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var page = await s.GetStringAsync($"/console/incidents/{id}");

        page.ShouldContain($"""<form method="post" action="/console/incidents/{id}/notices" class="stack" data-confirm="未通知の本人 30 人宛ての通知をファイルに出力します（SMTP 未設定のためメールは送信されません）。よろしいですか？">"""); // the test server has no SMTP host
        page.ShouldContain($"""<form method="post" action="/console/incidents/{id}/status" class="inline" data-confirm="個人情報保護委員会に速報を提出したことを記録します。提出日時は記録した時点の日時になり、後から変更できません。よろしいですか？">""");
        page.ShouldContain("data-confirm=\"確報の提出がまだ記録されていません。このインシデントを終了します。終了すると事実を変更できなくなります（再開はできます）。よろしいですか？\"><input type=\"hidden\" name=\"__af\"");
        page.ShouldNotContain("value=\"final-reported\"");
        page.ShouldContain("確報の提出を記録するには、次の事項を記入してください: (4) 原因の詳細、(5) 二次被害又はそのおそれの有無及びその内容、(6) 本人への対応の実施状況、(7) 公表の実施状況、(8) 再発防止のための措置。");
        (await s.GetStringAsync($"/console/incidents/{id}?lang=en")).ShouldContain("data-confirm=\"Write the notice for the 30 persons not yet notified to files (no SMTP host is set, so no email is sent)?\"");

        // Every item written and the preliminary report recorded: 確報を提出した is offered, with its confirmation.
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            var incidents = sp.GetRequiredService<IncidentRegistry>();
            var i = await incidents.GetAsync(id, TestContext.Current.CancellationToken);
            await incidents.UpdateFactsAsync(id, new IncidentInput
            {
                Title = i.Title, Cause = i.Cause, DiscoveredAt = i.DiscoveredAt, PersonsKnown = i.PersonsKnown, Categories = i.Categories, Summary = i.Summary,
                CauseDetails = "鍵の管理不備", SecondaryDamage = "なし", PersonsResponse = "通知", Publication = "公表済み", Prevention = "鍵の定期変更",
            }, Actor.System, TestContext.Current.CancellationToken);
            await incidents.SetStatusAsync(id, IncidentStatus.PreliminaryReported, Actor.System, TestContext.Current.CancellationToken);
            return await db.IncidentSubjects.Where(x => x.IncidentId == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.NotifiedAt, app.Clock.GetUtcNow()), TestContext.Current.CancellationToken);
        });
        var ready = await s.GetStringAsync($"/console/incidents/{id}");
        ready.ShouldContain("""data-confirm="個人情報保護委員会に確報を提出したことを記録します。提出日時は記録した時点の日時になり、後から変更できません。よろしいですか？">""");
        ready.ShouldContain("value=\"final-reported\"");
        ready.ShouldNotContain("確報の提出を記録するには");
        // Everyone told: no button offering to notify 0 persons.
        ready.ShouldNotContain($"/console/incidents/{id}/notices");
        ready.ShouldContain("影響を受けた本人全員に通知済みです。");
    }

    [Fact]
    public async Task DueSoonThenOverdue_ListAndDashboardShowIt()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var id = await IncidentAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        (await s.GetStringAsync("/console/incidents?list=open")).ShouldContain("API key leaked");
        (await s.GetStringAsync("/console/incidents?list=overdue")).ShouldNotContain("API key leaked");
        app.Clock.Advance(TimeSpan.FromDays(3)); // day 4: past the preliminary warn day (day 3)
        s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        (await s.GetStringAsync("/console/incidents?list=due-soon")).ShouldContain("API key leaked");
        var dashboard = await s.GetStringAsync("/console");
        dashboard.ShouldContain("/console/incidents?list=due-soon");
        Regex.IsMatch(dashboard, @"報告期限間近</a></dt><dd class=""warning"">1</dd>").ShouldBeTrue();

        app.Clock.Advance(TimeSpan.FromDays(3)); // day 7: the preliminary report (day 5) is overdue
        s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        (await s.GetStringAsync("/console/incidents?list=overdue")).ShouldContain("API key leaked");
        Regex.IsMatch(await s.GetStringAsync("/console"), @"報告期限超過</a></dt><dd class=""error"">1</dd>").ShouldBeTrue();

        // Recording the preliminary report moves it out of the overdue list.
        (await s.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/status", [F("status", "preliminary-reported")])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await s.GetStringAsync("/console/incidents?list=overdue")).ShouldNotContain("API key leaked");
        (await s.GetStringAsync($"/console/incidents/{id}")).ShouldContain("速報済み");
    }

    [Fact]
    public async Task LeakedExportUpload_TracedFromAuditChainThenPersonsNotified()
    {
        var (app, tenant) = await Provision.ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var __ = app;
        var people = new[] { Vault.VaultScenario.NewPerson(), Vault.VaultScenario.NewPerson() };
        var ids = new List<Guid>();
        foreach (var p in people) ids.Add(await Vault.VaultScenario.IspCustomerAsync(app, tenant, p));
        foreach (var id0 in ids) await Provision.ProvisionScenario.GrantAsync(app, tenant, id0, "provision:carriers");
        var provided = await Provision.ProvisionScenario.ProvideAsync(app, tenant, Provision.ProvisionScenario.ToCarriers([.. ids]));
        var csv = Encoding.UTF8.GetBytes(provided.ToCsv());
        var id = await IncidentAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        var page = await s.GetStringAsync($"/console/incidents/{id}");
        page.ShouldContain("enctype=\"multipart/form-data\"");
        var token = Regex.Match(page, @"name=""__af"" value=""([^""]+)""").Groups[1].Value;
        var upload = new MultipartFormDataContent
        {
            { new StringContent(token), "__af" },
            { new ByteArrayContent(csv), "file", "carriers-export.csv" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/console/incidents/{id}/blast-radius/export") { Content = upload };
        request.Headers.Add("Cookie", s.Cookie);
        var response = await s.Client.SendAsync(request, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var detail = await s.GetStringAsync($"/console/incidents/{id}");
        // Named as the file provided to a third party on its day, not by the record's id.
        detail.ShouldContain("第三者提供の提供ファイル（");
        detail.ShouldNotContain($"provision:{provided.RecordId}");
        detail.ShouldContain("<dd class=\"big\">2</dd>");
        detail.ShouldContain(ids[0].ToString());

        var notified = await s.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/notices", []);
        notified.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        notified.Headers.Location!.ToString().ShouldContain("queued=2");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<OutboxMessage>().CountAsync(m => m.Template == IncidentNotices.Template, TestContext.Current.CancellationToken))).ShouldBe(2);
        // Regression: with no SMTP host (the default) the page said 「通知済み 2」 although the notices only went to files.
        var afterNotices = await s.GetStringAsync($"/console/incidents/{id}");
        afterNotices.ShouldContain("<dt>通知文をファイルに出力済み（SMTP 未設定のため未送信）</dt><dd>2</dd>");
        afterNotices.ShouldNotContain("<dt>通知済み</dt>");
        afterNotices.ShouldContain("本人への通知 2 名分をファイルに出力します（既に出力済み 0 名）。SMTP が設定されていないため、メールは送信されません。");

        // The documents: report and notice pages render in the frame, without inline styles.
        var report = await s.GetStringAsync($"/console/incidents/{id}/report?kind=final");
        report.ShouldContain("個人データの漏えい等の報告（確報）");
        report.ShouldContain("東京都千代田区桜田町一丁目2番3号");
        report.ShouldNotContain("style=");
        (await s.GetStringAsync($"/console/incidents/{id}/notice")).ShouldContain("【お問い合わせ先】");
        (await s.GetStringAsync($"/console/incidents/{id}/announcement")).ShouldContain("本ページにてお知らせいたします");

        // An auditor reads but cannot act.
        var auditor = await SessionAsync(app, tenant, Roles.Auditor);
        var readOnly = await auditor.GetStringAsync($"/console/incidents/{id}");
        readOnly.ShouldNotContain($"/console/incidents/{id}/notices");
        (await auditor.PostAsync($"/console/incidents/{id}", $"/console/incidents/{id}/notices", [])).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
