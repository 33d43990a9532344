using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>Console forms end to end over HTTP: what they change, what they audit, what they refuse.</summary>
public sealed class ConsoleFlowTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public async Task PostForm_WithoutAntiforgeryToken_Refused()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/users", "/console/users",
            [F("email", "new@test.example"), F("roles", Roles.Operator), F("password", "Another long passphrase 42")], withToken: false);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html"); // a browser's form gets a page
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("(MAMORI-1012)");
        (await app.InTenantAsync(tenant, (_, db) => db.Users.CountAsync(u => u.Email == "new@test.example", Ct))).ShouldBe(0);
    }

    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task Users_CreateThenDisable_SavedAndAudited(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var created = await s.PostAsync("/console/users", "/console/users",
            [F("email", "new@test.example"), F("roles", Roles.Operator), F("roles", Roles.Auditor), F("password", "Another long passphrase 42")]);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var user = await app.InTenantAsync(tenant, (_, db) => db.Users.AsNoTracking().SingleAsync(u => u.Email == "new@test.example", Ct));
        user.Roles.ShouldBe([Roles.Operator, Roles.Auditor], ignoreOrder: true);

        var disabled = await s.PostAsync("/console/users", $"/console/users/{user.Id}/disable", []);
        disabled.Headers.Location!.ToString().ShouldBe("/console/users?done=disabled");
        var codes = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.TargetId == user.Id.ToString()).Select(e => e.Code).ToListAsync(Ct));
        codes.ShouldBe([AuditCode.UserCreated, AuditCode.UserDisabled]);
        (await s.GetStringAsync("/console/users")).ShouldContain("無効");
    }

    [Fact]
    public async Task ApiKeys_Create_SecretShownOnceThenOnlyPrefix()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/apikeys", "/console/apikeys", [F("name", "crm-sync"), F("role", Roles.Operator), F("expiresDays", "30")]);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var secret = System.Text.RegularExpressions.Regex.Match(html, @"value=""(mk_[^""]+)""").Groups[1].Value;
        secret.ShouldStartWith("mk_");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();

        var list = await s.GetStringAsync("/console/apikeys");
        list.ShouldContain("crm-sync");
        list.ShouldNotContain(secret);
        var key = await app.InTenantAsync(tenant, (_, db) => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "crm-sync", Ct));
        (await app.Client(apiKey: secret).GetAsync("/api/auth/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await s.PostAsync("/console/apikeys", $"/console/apikeys/{key.Id}/revoke", [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await app.Client(apiKey: secret).GetAsync("/api/auth/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    // Regression: an unreadable expiry ("abc") created a key that never expired, without a word.
    [Theory]
    [InlineData("abc", "MAMORI-1006")]
    [InlineData("-5", "MAMORI-1006")]
    [InlineData("0", "MAMORI-1006")]
    [InlineData("99999", "MAMORI-1006")]
    public async Task ApiKeys_UnreadableOrOutOfRangeExpiry_RefusedNoKeyCreated(string expiresDays, string code)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/apikeys", "/console/apikeys", [F("name", "crm-sync"), F("role", Roles.Operator), F("expiresDays", expiresDays)]);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(code);
        (await app.InTenantAsync(tenant, (_, db) => db.ApiKeys.CountAsync(k => k.Name == "crm-sync", Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task ApiKeysAndUsers_Roles_ByNameWithIdBeside()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        // Only a privacy officer grants the officer's role (separation of duties), so this admin is one too.
        var s = await SessionAsync(app, tenant, Roles.Admin, Roles.PrivacyOfficer);
        (await s.PostAsync("/console/apikeys", "/console/apikeys", [F("name", "dpo-export"), F("role", Roles.PrivacyOfficer)])).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The key list names a built-in role (id beside it).
        var keys = await s.GetStringAsync("/console/apikeys");
        keys.ShouldContain("<td>個人情報保護管理者 <code class=\"muted\">privacy-officer</code></td>");
        keys.ShouldNotContain("<td>privacy-officer</td>");
        keys.ShouldContain("<option value=\"privacy-officer\">個人情報保護管理者 (privacy-officer)</option>");
        // A key takes a built-in role only, so the form offers no role it would refuse.
        keys.ShouldNotContain("<option value=\"sms-manager\">");
        (await s.PostAsync("/console/apikeys", "/console/apikeys", [F("name", "sms-desk"), F("role", "sms-manager")])).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // The policy's roles go beside the built-in one, for a system that must read what only that role may see.
        keys.ShouldContain("name=\"policyRoles\" value=\"sms-manager\"");
        (await s.PostAsync("/console/apikeys", "/console/apikeys", [F("name", "sms-desk"), F("role", Roles.Operator), F("policyRoles", "sms-manager")])).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await s.GetStringAsync("/console/apikeys")).ShouldContain("<code class=\"muted\">operator</code> + SMS認証の管理責任者</td>");
        (await s.GetStringAsync("/console/apikeys?lang=en")).ShouldContain("<td>Privacy officer <code class=\"muted\">privacy-officer</code></td>");

        // The roles to choose: the five built-in ones by name first, then the policy's by the names its `roles` section gives.
        var users = await s.GetStringAsync("/console/users");
        users.ShouldContain("value=\"admin\"> 管理者 (admin)</label>");
        users.ShouldContain("value=\"payroll-officer\"> 給与・社会保険事務担当（個人番号事務取扱担当者） (payroll-officer)</label>");
        var boxes = System.Text.RegularExpressions.Regex.Matches(users, "name=\"roles\" value=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        boxes.Take(5).ShouldBe([Roles.Admin, Roles.PrivacyOfficer, Roles.Operator, Roles.Auditor, Roles.ExternalAuditor]);
        boxes.Skip(5).ShouldBe(boxes.Skip(5).Order(StringComparer.Ordinal).ToList());
        boxes.ShouldContain("sms-manager");
    }

    // Regression (UX review 4, L5): the search offered 個人番号 (and 電話番号) to a company whose policy holds neither.
    [Fact]
    public async Task SubjectSearch_PolicyWithoutMyNumberOrPhone_OffersOnlyHeldIdentifiers()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var demo = await s.GetStringAsync("/console/subjects");
        demo.ShouldContain("name=\"by\" value=\"mynumber\"");
        demo.ShouldContain("name=\"by\" value=\"phone\"");

        var minimal = Mamori.Policy.PolicyLoader.LoadDirectory(Mamori.Tests.Policy.PolicyFixtureTests.FixtureDir("valid-minimal")).Policy!;
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Policy.PolicyStore>().PublishAsync(minimal, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var html = await s.GetStringAsync("/console/subjects");
        html.ShouldContain("name=\"by\" value=\"email\" checked");
        html.ShouldNotContain("value=\"mynumber\"");
        html.ShouldNotContain("value=\"phone\"");
        html.ShouldContain("name=\"by\" value=\"id\"");
    }

    [Fact]
    public async Task SubjectCard_Service_ShownByItsPolicyNameWithIdBeside()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var ja = await (await s.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "verification"), F("by", "id"), F("value", subject.ToString())]))
            .Content.ReadAsStringAsync(Ct);
        ja.ShouldContain("サービス: サクラSMS認証 <code class=\"muted\">sms-verify</code>");
        ja.ShouldNotContain("サービス: sms-verify");
        var en = await (await s.PostAsync("/console/subjects?lang=en", "/console/subjects/find?lang=en", [F("purpose", "verification"), F("by", "id"), F("value", subject.ToString())]))
            .Content.ReadAsStringAsync(Ct);
        en.ShouldContain("Service: Sakura SMS Verification <code class=\"muted\">sms-verify</code>");
    }

    [Fact]
    public async Task PolicyVersions_Publisher_SystemInJapaneseAndUserByEmail()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var publisher = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await app.InTenantAsync(tenant, async (sp, _) =>
        {
            var model = Mamori.Policy.PolicyLoader.LoadDirectory(Path.Combine(Backbone.ServerTests.RepoRoot(), "policy", "examples")).Policy!;
            return await sp.GetRequiredService<Mamori.Policy.PolicyStore>().PublishAsync(model with { ExternalTags = [] }, new DateOnly(2026, 5, 1), null, Actor.User(publisher.Id), Ct);
        });
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var ja = await s.GetStringAsync("/console/policy");
        ja.ShouldContain("<td>システム</td>");
        ja.ShouldNotContain("<td>System</td>");
        ja.ShouldContain($"<td>{publisher.Email}</td>");
        ja.ShouldNotContain($"User:{publisher.Id}");
        (await s.GetStringAsync("/console/policy?lang=en")).ShouldContain("<td>System</td>");
    }

    [Fact]
    public async Task Account_PasswordChange_WrongCurrentRefusedRightOneWorks()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var client = await app.SignedInAsync(user);
        var s = new FormSession(app, client.DefaultRequestHeaders.GetValues("Cookie").Single());
        var wrong = await s.PostAsync("/console/account", "/console/account/password",
            [F("currentPassword", "not it at all"), F("newPassword", "A brand new passphrase 7"), F("confirmPassword", "A brand new passphrase 7")]);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("現在のパスワードが違います");

        var ok = await s.PostAsync("/console/account", "/console/account/password",
            [F("currentPassword", TestApp.Password), F("newPassword", "A brand new passphrase 7"), F("confirmPassword", "A brand new passphrase 7")]);
        ok.Headers.Location!.ToString().ShouldBe("/console/account?done=password");
        (await app.LoginAsync(user.Email, "A brand new passphrase 7")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Account_RevokeOtherSession_ItEnds()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var other = await app.SignedInAsync(user);
        var s = new FormSession(app, (await app.SignedInAsync(user)).DefaultRequestHeaders.GetValues("Cookie").Single());
        var otherId = await app.InTenantAsync(tenant, (_, db) => db.Sessions.OrderBy(x => x.CreatedAt).Select(x => x.Id).FirstAsync(Ct));
        (await s.PostAsync("/console/account", $"/console/account/sessions/{otherId}/revoke", [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var sessions = await app.InTenantAsync(tenant, (_, db) => db.Sessions.Where(x => x.RevokedAt == null).CountAsync(Ct));
        sessions.ShouldBe(1);
        (await other.GetAsync("/console", Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task SubjectSearch_ByEmailPosted_ValueNeverInUrlAndEachViewAudited()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var response = await s.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "verification"), F("by", "phone"), F("value", "+81 80-2222-3333")]);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        html.ShouldContain(subject.ToString());
        html.ShouldContain("080-****-3333");
        html.ShouldContain("SMS認証の利用者 <code class=\"muted\">sms-user</code>"); // the type by its policy name, id beside it
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.SubjectId == subject.ToString() && e.Code == AuditCode.AccessAllowed)
            .Select(e => e.Purpose).ToListAsync(Ct));
        events.ShouldNotBeEmpty();
        events.ShouldAllBe(p => p == "verification");

        var denied = await s.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "payroll-tax"), F("by", "id"), F("value", subject.ToString())]);
        (await denied.Content.ReadAsStringAsync(Ct)).ShouldContain("MAMORI-3010");
        var undeclared = await s.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "verificaton"), F("by", "phone"), F("value", "+81 80-2222-3333")]);
        var undeclaredPage = await undeclared.Content.ReadAsStringAsync(Ct);
        undeclaredPage.ShouldContain("その利用目的はポリシーにありません。");
        undeclaredPage.ShouldContain("MAMORI-3010");
    }

    /// <summary>
    /// Regression (H3): a customer erased on request, whose name, email and phone the Corporation Tax Act keeps, came up in the
    /// search under 保守・サポート like anyone else, and the dashboard said 「消去済み: 0」. The search finds them only for what the
    /// law allows, the card says they were erased and what is kept until when under which law, and the dashboard counts them.
    /// </summary>
    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task SubjectSearch_ErasedWithLegalHold_HiddenFromOrdinaryPurposesAndMarked(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var p = new Vault.VaultScenario.Person("試験 消去", "erased.customer@example.jp", "090-3333-4444", "東京都千代田区1-2-3", "");
        var id = await Vault.VaultScenario.IspCustomerAsync(app, tenant, p);
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Vault.Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        var s = await SessionAsync(app, tenant, Roles.Operator);
        async Task<string> FindAsync(string purpose, string by, string value, string lang = "") => await (await s.PostAsync("/console/subjects" + lang,
            "/console/subjects/find" + lang, [F("purpose", purpose), F("by", by), F("value", value)])).Content.ReadAsStringAsync(Ct);

        var support = await FindAsync("support", "email", p.Email);
        support.ShouldContain("この利用目的で閲覧できる一致はありません。");
        support.ShouldNotContain(id.ToString());

        const string Mark = "消去請求済み（法定保存のみ）";
        const string Kept = "法令により保存を続ける項目（保存期間の満了後に消去します）：電子メールアドレス、氏名、電話番号：";
        var byId = await FindAsync("support", "id", id.ToString());
        byId.ShouldContain(Mark);
        byId.ShouldContain(Kept);
        // The hold counts from the end of the contract, not recorded yet: kept until it is (M1).
        byId.ShouldContain("契約終了日が記録されるまで保存（保存期間はその日から数えます）（法人税法（帳簿書類の保存））");
        byId.ShouldContain("消去請求済み（法定保存のみ）です。");
        byId.ShouldContain("MAMORI-3010");
        byId.ShouldNotContain(p.Phone);
        byId.ShouldNotContain("Cookie 設定用リンクを発行");

        var request = await FindAsync(Mamori.Access.DecisionRules.RequestHandling, "email", p.Email);
        request.ShouldContain(id.ToString());
        request.ShouldContain(Mark);
        request.ShouldContain(Kept);
        request.ShouldContain(p.Phone);

        var en = await FindAsync("support", "id", id.ToString(), "?lang=en");
        en.ShouldContain("Erased on request (statutory retention only)");
        en.ShouldContain("Kept as the law requires (erased when the period ends): Email address, Name, Phone number: kept until ");
        en.ShouldContain("kept until the end of the contract is recorded (the retention period counts from that day) (Corporation Tax Act (keeping books))");

        var admin = await SessionAsync(app, tenant, Roles.Admin);
        (await admin.GetStringAsync("/console")).ShouldContain("消去済みの本人（請求・保存期間満了による、累計）: 1人（うち法定保存のみ残る: 1人）");
        (await admin.GetStringAsync("/console?lang=en")).ShouldContain("Persons erased (on request or at the end of retention, all time): 1 (1 with data kept only under a statutory hold)");
    }

    [Fact]
    public async Task AuditLog_FilterByCodeAndSubject_OnlyMatchingRows()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Auditor);
        var html = await s.GetStringAsync($"/console/audit?code=SubjectCreated&subject={subject}");
        // The code by name in Japanese, with the number and the enum name (what the filter and the API take) beside it.
        html.ShouldContain("""<td><code>3000</code> 本人データの登録<br><code class="muted">SubjectCreated</code></td>""");
        html.ShouldContain("""<option value="SubjectCreated" selected>3000 本人データの登録</option>""");
        html.ShouldNotContain("PolicyPublished</td>");
        var rows = System.Text.RegularExpressions.Regex.Count(html, "<tr id=\"e\\d+\"><td class=\"num\">");
        rows.ShouldBe(1);
        html.ShouldContain(">成功</td>"); // the outcome by name
        var en = await s.GetStringAsync($"/console/audit?code=SubjectCreated&subject={subject}&lang=en");
        en.ShouldContain(">Success</td>");
        en.ShouldContain("<code>3000</code> Person&#39;s data stored<br>");
        var none = await s.GetStringAsync("/console/audit?from=2030-01-01");
        none.ShouldContain("該当するイベントはありません");
    }

    // Regression: staff could tick a person's uploaded identity document as held, verify identity and answer, without any
    // way to open the file from the console.
    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task RequestPage_UploadedDocument_LinkOpensItForHandlersAndIsAudited(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var (request, token) = await RequestAsync(app, tenant);
        byte[] pdf = [.. "%PDF-1.4\n%test document\n"u8];
        var upload = new MultipartFormDataContent
        {
            { new StringContent("identity"), "group" },
            { new StringContent("運転免許証の写し"), "name" },
            { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", "licence.pdf" },
        };
        var uploaded = await app.Client().PostAsync($"/api/requests/status/{token}/documents", upload, Ct);
        uploaded.IsSuccessStatusCode.ShouldBeTrue(await uploaded.Content.ReadAsStringAsync(Ct));

        var handler = await SessionAsync(app, tenant, Roles.Operator);
        var page = await handler.GetStringAsync($"/console/requests/{request}");
        var link = Regex.Match(page, $$"""<a href="(/console/requests/{{request}}/documents/[0-9a-f-]{36})" target="_blank" rel="noopener">運転免許証の写し</a>""");
        link.Success.ShouldBeTrue(page);
        var opened = await handler.GetAsync(link.Groups[1].Value);
        opened.StatusCode.ShouldBe(HttpStatusCode.OK);
        opened.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        (await opened.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(pdf);
        opened.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox");
        opened.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment"); // a PDF is downloaded: built-in viewers do not run sandboxed
        opened.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.RequestDocumentOpened).ToListAsync(Ct));
        events.Count.ShouldBe(1);
        events[0].TargetId.ShouldBe(request.ToString());
        events[0].ActorKind.ShouldBe(ActorKind.User);

        // An auditor reads the request but does not handle it: no link, and the file is refused.
        var auditor = await SessionAsync(app, tenant, Roles.Auditor);
        (await auditor.GetStringAsync($"/console/requests/{request}")).ShouldNotContain("/documents/");
        (await auditor.GetAsync(link.Groups[1].Value)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    // Regression: request actions redirected back without a word, and the history showed reason codes ("(staff)").
    [Fact]
    public async Task RequestPage_ActionDone_StatusMessageAndHistoryReasonByName()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var (request, _) = await RequestAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var started = await s.PostAsync($"/console/requests/{request}", $"/console/requests/{request}/action", [F("action", "start")]);
        started.Headers.Location!.ToString().ShouldBe($"/console/requests/{request}?done=start");
        var page = await s.GetStringAsync(started.Headers.Location.ToString());
        page.ShouldContain("""<p class="notice" role="status">確認を開始しました。</p>""");
        page.ShouldContain("""<span class="muted">(職員が確認を開始)</span>""");
        page.ShouldNotContain("(staff)");
        page.ShouldContain("""<dd id="fee-status">なし（または本人確認後に確定）</dd>"""); // a disclosure's fee is set once identity is verified
        (await s.GetStringAsync($"/console/requests/{request}?done=<b>x</b>")).ShouldNotContain("class=\"notice\"");
        (await s.GetStringAsync($"/console/requests/{request}?lang=en")).ShouldContain("(checking started by staff)");
    }

    // Regression (L9): the English request page listed documents by their Japanese names (「住民票の写し (Identity, checked by staff…)」,
    // 「Missing: 運転免許証の写し、…」) although the policy names them in English.
    [Fact]
    public async Task RequestPage_English_DocumentsByThePolicysEnglishNames()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var (request, _) = await RequestAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var page = $"/console/requests/{request}";
        (await s.PostAsync(page, page + "/action", [F("action", "checked"), F("group", "Identity"), F("document", "住民票の写し"), F("confirm", "yes"), F("issuedOn", "2026-11-20")]))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var en = await s.GetStringAsync(page + "?lang=en");
        en.ShouldContain("<li>Copy of the residence certificate (juminhyo) (Identity, checked by staff, 2026-11-20)</li>");
        en.ShouldContain("<p>Missing: one of: Copy of driving licence / Copy of passport / Copy of health insurance card / Copy of pension book / Copy of residence card</p>");
        en.ShouldContain("""<span aria-hidden="true">☑</span> Copy of the residence certificate (juminhyo) <span class="muted">""");
        en.ShouldNotContain("住民票の写し (");
        en.ShouldNotContain("運転免許証の写し、");
        // The form still posts the recorded (Japanese) name; the label is English.
        en.ShouldContain("""name="document" value="運転免許証の写し">""");
        var ja = await s.GetStringAsync(page + "?lang=ja");
        ja.ShouldContain("<li>住民票の写し (本人確認, 職員が確認, 2026-11-20)</li>");
        ja.ShouldContain("<p>不足: 次のいずれか1点（運転免許証の写し、旅券（パスポート）の写し、");
    }

    // Regression: governance pages showed ids where names exist: the organisation page's department columns (「isp」), a finding's
    // entrustee (「payment-agent」) and audit (「01a24d50」), an entrustee plan's entrustee; the audit log showed 「Anonymous」.
    [Fact]
    public async Task GovernanceAndAuditPages_IdsWithNames_ShownByName()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var staff = await app.UserAsync(tenant, Roles.Operator);
        var (_, run, finding) = await GovernanceAuditAsync(app, tenant);
        var (entrusteeFinding, entrusteePlan) = await app.InTenantAsync(tenant, async (sp, _) =>
        {
            var organisation = sp.GetRequiredService<Mamori.Governance.Organisation.Organisation>();
            await organisation.AssignAsync(staff.Id, "isp", null, Actor.System, Ct);
            await organisation.SetResponsibilityAsync(Mamori.Governance.Organisation.ResponsibilityKind.Category, "email", "isp", null, Actor.System, Ct);
            var audits = sp.GetRequiredService<Mamori.Governance.InternalAudits.InternalAuditing>();
            var f = await audits.RaiseFindingAsync(new Mamori.Governance.InternalAudits.FindingInput("再委託先の一覧が古い",
                Mamori.Governance.InternalAudits.FindingSeverity.Minor, "購買部", audits.Today.AddDays(30), RecipientId: "payment-agent"), Actor.System, Ct);
            var p = await audits.CreatePlanAsync(new Mamori.Governance.InternalAudits.AuditPlanInput("決済代行の監査", "委託業務", "監査室", audits.Today,
                Mamori.Governance.InternalAudits.AuditFrequency.Annual, Mamori.Governance.InternalAudits.AuditPlanKind.Entrustee, "payment-agent"), Actor.System, Ct);
            return (f.Id, p.Id);
        });
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        var org = await s.GetStringAsync("/console/governance/organisation");
        org.ShouldContain($"""<tr><td>{staff.Email}</td><td>担当者</td><td>ISP事業部 <code class="muted">isp</code></td>""");
        org.ShouldContain("""<td>ISP事業部 <code class="muted">isp</code></td><td>—</td></tr>"""); // the responsibility for email
        org.ShouldContain(""">ISP事業部 (isp)</option>""");
        org.ShouldNotContain("<td>isp</td>");

        var entrustee = await s.GetStringAsync($"/console/governance/findings/{entrusteeFinding}");
        entrustee.ShouldContain("""<a href="/console/governance/entrustees/payment-agent">さくら決済サービス株式会社（決済代行） (payment-agent)</a>""");
        var ofRun = await s.GetStringAsync($"/console/governance/findings/{finding}");
        ofRun.ShouldContain($"""<a href="/console/governance/audits/runs/{run}">年次内部監査</a>""");
        (await s.GetStringAsync($"/console/governance/audits/plans/{entrusteePlan}")).ShouldContain("委託先監査: さくら決済サービス株式会社（決済代行） (payment-agent)");

        (await Anonymous(app).PostAsync("/login", "/login", [F("email", "nobody@test.example"), F("password", "Wrong passphrase 1234")])).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var auditor = await SessionAsync(app, tenant, Roles.Auditor);
        (await auditor.GetStringAsync("/console/audit?code=LoginFailed")).ShouldContain("""<td>匿名（本人・外部）<br><code class="muted">Anonymous</code></td>""");
        (await auditor.GetStringAsync("/console/audit?code=LoginFailed&lang=en")).ShouldContain("""<td>Anonymous (person or visitor)<br><code class="muted">Anonymous</code></td>""");
    }

    // Regression: a refused request's outcome showed the reason's code (「お断り harm-to-person」).
    [Fact]
    public async Task RequestPage_Refused_OutcomeCitesTheArticle()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var (request, _) = await RequestAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.Operator);
        (await s.PostAsync($"/console/requests/{request}", $"/console/requests/{request}/action", [F("action", "refuse"), F("reason", "harm-to-person")]))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await s.GetStringAsync($"/console/requests/{request}");
        page.ShouldContain("<dd>お断り（法33条2項1号）</dd>");
        page.ShouldNotContain("harm-to-person</dd>");
        (await s.GetStringAsync($"/console/requests/{request}?lang=en")).ShouldContain("<dd>refused (Art.33(2)(i))</dd>");
    }

    // Regression: the page said only 「操作できませんでした (MAMORI-9001). docs/errors.md を参照してください。」
    [Fact]
    public async Task AccessReviewStart_NotTheDepartmentsReviewer_ReasonInJapanese()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var refused = await s.PostAsync("/console/governance/access-reviews", "/console/governance/access-reviews", [F("departmentId", "isp")]);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var page = await refused.Content.ReadAsStringAsync(Ct);
        page.ShouldContain("この部門の棚卸しを開始・記録できるのは、部門の個人情報管理者と管理責任者だけです。担当は「組織」のページで指名します。 (MAMORI-9001)");
        page.ShouldNotContain("docs/errors.md");
    }

    // Regression (auditor walkthrough): every viewer got 「棚卸しを開始」 for every department, and the click was refused with MAMORI-9001.
    [Fact]
    public async Task AccessReviewsPage_NotTheDepartmentsReviewer_NoStartButton()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var manager = await app.UserAsync(tenant, Roles.Operator);
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Governance.Organisation.Organisation>()
            .SaveDepartmentAsync("isp", new Mamori.Governance.Organisation.DepartmentChange(ManagerUserId: manager.Id), Actor.System, Ct));
        const string StartIsp = "<input type=\"hidden\" name=\"departmentId\" value=\"isp\">";

        var auditor = await (await SessionAsync(app, tenant, Roles.Auditor)).GetStringAsync("/console/governance/access-reviews");
        auditor.ShouldNotContain("name=\"departmentId\"");
        auditor.ShouldContain("部門の管理者または管理責任者が開始します");
        var mine = await new FormSession(app, (await app.SignedInAsync(manager)).DefaultRequestHeaders.GetValues("Cookie").Single())
            .GetStringAsync("/console/governance/access-reviews");
        mine.ShouldContain(StartIsp);
        mine.ShouldNotContain("<input type=\"hidden\" name=\"departmentId\" value=\"hr\">");
    }

    // Regression: an answered request without a fee still said 「なし（または本人確認後に確定）」.
    [Fact]
    public async Task RequestPage_AnsweredWithoutFee_FeeSaysNone()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var (request, _) = await RequestAsync(app, tenant); // names nobody we hold: answered "no data" at once
        var page = await (await SessionAsync(app, tenant, Roles.Operator)).GetStringAsync($"/console/requests/{request}");
        page.ShouldContain("""<dd id="fee-status">なし</dd>""");
    }

    // Regression (walkthrough L7): the execute form of a disclosure or erasure request offered 訂正する項目 / 正しい内容, and the
    // requester's details listed corrections and items to process for every kind.
    [Fact]
    public async Task RequestPage_InProgress_OnlyTheFieldsOfItsKind()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        foreach (var kind in new[] { "disclosure", "erasure", "correction", "complaint" })
        {
            var id = await InProgressAsync(app, tenant, kind);
            var page = await s.GetStringAsync($"/console/requests/{id}");
            var execute = Regex.Match(page, """<form [^>]*><input[^>]*><input type="hidden" name="action" value="execute">.*?</form>""", RegexOptions.Singleline).Value;
            execute.ShouldNotBeEmpty(kind);
            Regex.Matches(execute, """name="([a-zA-Z]+)""").Select(m => m.Groups[1].Value).Where(n => n is not ("__af" or "action")).ShouldBe(
                kind == "correction" ? ["correctionItem", "correctionValue", "note"] : ["note"], kind);
            execute.Contains("required></textarea>", StringComparison.Ordinal).ShouldBe(kind == "complaint", kind);
            page.Contains("<dt>訂正の申出</dt>", StringComparison.Ordinal).ShouldBe(kind == "correction", kind);
            page.Contains("<dt>加工の対象</dt>", StringComparison.Ordinal).ShouldBeFalse(kind);
            page.Contains("<dt>開示の方法</dt><dd>書面</dd>", StringComparison.Ordinal).ShouldBe(kind == "disclosure", kind);
        }
    }

    /// <summary>A letter of <paramref name="kind"/> from the held requester, asking for a paper answer, verified and (fee waived) in progress.</summary>
    private static Task<Guid> InProgressAsync(TestApp app, Guid tenant, string kind) => app.InTenantAsync(tenant, async (sp, _) =>
    {
        var requests = sp.GetRequiredService<Mamori.Requests.DataSubjectRequests>();
        var id = (await requests.SubmitAsync(new Mamori.Requests.RequestIntake
        {
            Kind = kind, Channel = Mamori.Policy.RequestChannel.CertifiedMail, Method = Mamori.Requests.DisclosureMethod.Paper,
            Name = "試験 花子", Email = "hanako@example.jp", Address = "東京都千代田区1-2-3", Details = "お願いします。",
            Corrections = new Dictionary<string, string> { ["address"] = "東京都港区1-1" },
        }, Actor.System, Ct)).Request.Id;
        if (kind == "complaint") return (await requests.StartVerificationAsync(id, Actor.System, Ct)).Id;
        var today = Mamori.Requests.RequestClock.Day(app.Clock.GetUtcNow());
        await requests.RecordCheckedAsync(id, Mamori.Requests.DocumentGroup.Identity, "住民票の写し", today.AddDays(-5), Actor.System, Ct);
        await requests.RecordCheckedAsync(id, Mamori.Requests.DocumentGroup.Identity, "運転免許証の写し", null, Actor.System, Ct);
        var verified = await requests.VerifyIdentityAsync(id, Actor.System, Ct);
        if (verified.Status == Mamori.Requests.RequestStatus.AwaitingPayment) verified = await requests.WaiveFeeAsync(id, "テスト", Actor.System, Ct);
        verified.Status.ShouldBe(Mamori.Requests.RequestStatus.InProgress, kind);
        return id;
    });

    [Fact]
    public async Task RequestPage_ClosingActions_AskForConfirmation()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var (request, _) = await RequestAsync(app, tenant);
        var page = await (await SessionAsync(app, tenant, Roles.Operator)).GetStringAsync($"/console/requests/{request}");
        string? ConfirmOf(string action) => Regex.Match(page, $"""<form method="post" action="/console/requests/{request}/action" class="stack"(?: data-confirm="([^"]*)")?>[^\n]*?name="action" value="{action}">""") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : null) : throw new ShouldAssertException($"no {action} form");
        ConfirmOf("no-data").ShouldBe("保有個人データなしと本人に回答し、請求を終了します。よろしいですか？");
        ConfirmOf("refuse").ShouldBe("お断りの回答を本人に送り、請求を終了します。よろしいですか？");
        ConfirmOf("withdraw").ShouldBe("取下げを記録し、請求を終了します。よろしいですか？");
        ConfirmOf("start").ShouldBeNull(); // a step that only moves the request on does not ask
        // A disclosure can be refused only on the grounds its articles allow, cited in Japanese.
        var reasons = Regex.Matches(page, """<option value="([a-z-]+)">法\d""").Select(m => m.Groups[1].Value).ToList();
        reasons.ShouldBe(["harm-to-person", "business-impediment", "violates-law", "identity-not-verified", "fee-not-paid", "unjustified"]);
        // The short citation staff read in the console (it was derived by replacing 「個人情報保護法」 in the answer's 「個人情報保護法第33条第2項第1号」).
        page.ShouldContain("""<option value="harm-to-person">法33条2項1号 開示することにより""");
    }

    // Regression: a console link to a missing object showed problem JSON in the browser, and an unknown console path an empty page.
    [Fact]
    public async Task ConsolePage_MissingObjectOrPath_HtmlPageWithCodeApiStaysJson()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        foreach (var (path, code) in new[]
        {
            ($"/console/requests/{Guid.Empty}", "MAMORI-5004"),
            ($"/console/incidents/{Guid.Empty}", "MAMORI-1007"),
            ("/console/no-such-page", "MAMORI-1007"),
            ("/console/audit?before=abc", "MAMORI-1003"),
        })
        {
            var response = await s.GetAsync(path);
            ((int)response.StatusCode).ShouldBeInRange(400, 404, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
            var html = await response.Content.ReadAsStringAsync(Ct);
            html.ShouldContain($"({code})", customMessage: path);
            html.ShouldContain("""<a href="/console">ダッシュボードへ戻る</a>""");
        }
        var api = await app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.PrivacyOfficer)).Secret).GetAsync($"/api/requests/{Guid.Empty}", Ct);
        await api.ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-5004");
    }

    [Fact]
    public async Task AuditLog_PurposeAndCategories_ShownByPolicyNamesWithRecordedIds()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var operatorSession = await SessionAsync(app, tenant, Roles.Operator);
        (await operatorSession.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "verification"), F("by", "id"), F("value", subject.ToString())]))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var recorded = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.SubjectId == subject.ToString() && e.Code == AuditCode.AccessAllowed)
            .Select(e => e.Categories).FirstAsync(Ct));
        recorded.ShouldNotBeNull().Split(',').ShouldContain("~sms-phone"); // an operator sees the SMS number masked (S-61)
        var s = await SessionAsync(app, tenant, Roles.Auditor);

        var html = await s.GetStringAsync($"/console/audit?code=AccessAllowed&subject={subject}");
        html.ShouldContain("""<td>本人認証サービスの提供及びそれに付随する本人確認・認証<br><code class="muted">verification</code></td>""");
        html.ShouldMatch($"""<td>[^<]*SMS認証に使用した携帯電話番号（マスク表示）[^<]*<br><code class="muted">{recorded}</code></td>""");
        html.ShouldNotContain("<td>verification</td>");
        var en = await s.GetStringAsync($"/console/audit?code=AccessAllowed&subject={subject}&lang=en");
        en.ShouldContain("""<td>Providing the verification service and the identity checks it needs<br><code class="muted">verification</code></td>""");
        en.ShouldContain("Mobile number used for SMS verification (masked)");
    }

    // Regression (review): reloading the page that showed a new API key's secret posted the form again (same anti-forgery token)
    // and made a second live key. The form carries a single-use id: its second post names the key the first made, without a secret.
    [Fact]
    public async Task ApiKeyForm_SameFormPostedTwice_OneKeyAndNoSecondSecret()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var page = await s.GetStringAsync("/console/apikeys");
        var token = Regex.Match(page, @"name=""__af"" value=""([^""]+)""").Groups[1].Value;
        var submission = Regex.Match(page, @"name=""submission"" value=""([^""]+)""").Groups[1].Value;
        submission.ShouldNotBeEmpty("the form carries a single-use id");
        async Task<(HttpResponseMessage Response, string Html)> PostAsync(string id)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/console/apikeys")
            {
                Content = new FormUrlEncodedContent([F("name", "crm-sync"), F("role", Roles.Operator), F("expiresDays", ""), F("__af", token), F("submission", id)]),
            };
            request.Headers.Add("Cookie", s.Cookie);
            var response = await s.Client.SendAsync(request, Ct);
            return (response, await response.Content.ReadAsStringAsync(Ct));
        }
        Task<int> KeysAsync() => app.InTenantAsync(tenant, (_, db) => db.ApiKeys.CountAsync(k => k.Name == "crm-sync", Ct));

        var (first, firstHtml) = await PostAsync(submission);
        first.StatusCode.ShouldBe(HttpStatusCode.OK, firstHtml);
        var secret = Regex.Match(firstHtml, @"class=""secret-value"" type=""text"" readonly value=""(mk_[^""]+)""").Groups[1].Value;
        secret.ShouldNotBeEmpty();

        var (reload, reloadHtml) = await PostAsync(submission);
        reload.StatusCode.ShouldBe(HttpStatusCode.OK, reloadHtml);
        reload.Headers.Location.ShouldBeNull();
        (await KeysAsync()).ShouldBe(1);
        reloadHtml.ShouldNotContain("secret-value");
        reloadHtml.ShouldNotContain(secret);
        reloadHtml.ShouldContain("このフォームはすでに送信され、API キー「crm-sync」");
        reloadHtml.ShouldContain("二重の送信のため、もう1つは発行していません。");
        Regex.Match(reloadHtml, @"name=""submission"" value=""([^""]+)""").Groups[1].Value.ShouldNotBe(submission, "the page's new form is a new submission");
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.ApiKeyCreated, Ct))).ShouldBe(1);

        // A new form (a new id) makes a new key: the check is per submission, not per name.
        var (again, againHtml) = await PostAsync(Guid.NewGuid().ToString("N"));
        again.StatusCode.ShouldBe(HttpStatusCode.OK, againHtml);
        againHtml.ShouldContain("secret-value");
        (await KeysAsync()).ShouldBe(2);
    }

    // Regression (review): the built-in purposes, which no policy declares, showed as a bare id on the audit page
    // (request-handling, incident-notice) and with an empty 利用目的 column in its CSV, while the subject search names them.
    [Fact]
    public async Task AuditLog_BuiltInPurpose_NamedAsTheSubjectPageNamesIt()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var operatorSession = await SessionAsync(app, tenant, Roles.Operator);
        (await operatorSession.GetStringAsync("/console/subjects")).ShouldContain("""<option value="request-handling">開示等の請求への対応 (request-handling)</option>""");
        (await operatorSession.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "request-handling"), F("by", "id"), F("value", subject.ToString())]))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var s = await SessionAsync(app, tenant, Roles.Auditor);

        var html = await s.GetStringAsync($"/console/audit?code=AccessAllowed&subject={subject}");
        html.ShouldContain("""<td>開示等の請求への対応<br><code class="muted">request-handling</code></td>""");
        (await s.GetStringAsync($"/console/audit?code=AccessAllowed&subject={subject}&lang=en"))
            .ShouldContain("""<td>Handling the person&#39;s requests<br><code class="muted">request-handling</code></td>""");
        var csv = await (await s.GetAsync($"/console/audit/export?subject={subject}&code=AccessAllowed")).Content.ReadAsStringAsync(Ct);
        csv.ShouldContain($",{subject},開示等の請求への対応,request-handling,");
    }

    /// <summary>
    /// Regression (auditor walkthrough): the log could only be paged on screen, 50 events at a time. The export holds what the
    /// filters select, says itself for which company, period and filters, when and by whom it was made, names its columns in
    /// Japanese, and is recorded after the last event it holds.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AuditLogExport_BySubjectAndPeriod_SelfExplanatoryCsvRecordedAfterItsEvents(string provider)
    {
        var (app, tenant, subject) = await StartAsync(cluster, provider);
        await using var __ = app;
        var operatorSession = await SessionAsync(app, tenant, Roles.Operator);
        (await operatorSession.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "verification"), F("by", "id"), F("value", subject.ToString())]))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var read = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.SingleAsync(e => e.SubjectId == subject.ToString() && e.Code == AuditCode.AccessAllowed, Ct));
        var operatorId = Guid.Parse(read.ActorId.ShouldNotBeNull());
        var operatorEmail = await app.InTenantAsync(tenant, (_, db) => db.Users.Where(u => u.Id == operatorId).Select(u => u.Email).SingleAsync(Ct));
        var s = await SessionAsync(app, tenant, Roles.Auditor);
        (await s.GetStringAsync($"/console/audit?subject={subject}")).ShouldContain($"href=\"/console/audit/export?subject={subject}\"");

        var response = await s.GetAsync($"/console/audit/export?subject={subject}&code=AccessAllowed&from=2020-01-01&to=2099-12-31");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF }, "a byte-order mark, so spreadsheets read the Japanese");
        var lines = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n");
        lines[0].ShouldStartWith("監査ログ,");
        lines[1].ShouldBe("対象期間（日本時間）,2020-01-01〜2099-12-31");
        lines[2].ShouldBe($"絞り込み,本人 ID: {subject}、コード: 3100 アクセス許可");
        lines[3].ShouldMatch(@"^出力日時（日本時間）,\d{4}-\d{2}-\d{2} \d{2}:\d{2}$");
        lines[4].ShouldStartWith("出力者,");
        lines[4].Length.ShouldBeGreaterThan("出力者,".Length);
        lines[5].ShouldBe("件数,1");
        lines[8].ShouldBe("連番,日時（日本時間）,コード,名称,実行者,実行者 ID,本人 ID,利用目的,利用目的 ID,項目,項目 ID,結果,理由,対象,ハッシュ");
        lines[9].ShouldStartWith($"{read.Sequence},");
        lines[9].ShouldContain($",3100,アクセス許可,{operatorEmail},User:{read.ActorId},{subject},本人認証サービスの提供及びそれに付随する本人確認・認証,verification,");
        lines[9].ShouldEndWith("," + Convert.ToHexStringLower(read.Hash));
        lines[10].ShouldBe("");

        var exported = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.SingleAsync(e => e.Code == AuditCode.AuditLogExported, Ct));
        (exported.SubjectId, exported.ReasonCode, exported.Categories).ShouldBe((subject.ToString(), "subject code from to", "1"));
        exported.ActorId.ShouldNotBe(read.ActorId);

        var all = await (await s.GetAsync("/console/audit/export?lang=en")).Content.ReadAsStringAsync(Ct);
        all.ShouldContain("\r\nPeriod (JST),All time\r\nFilters,None\r\n");
        all.ShouldContain("\r\nSequence,Time (JST),Code,Name,Actor,Actor id,Subject id,Purpose,Purpose id,Categories,Category ids,Outcome,Reason,Target,Hash\r\n");
        all.ShouldContain($"\r\n{exported.Sequence},", customMessage: "the first export is in the second");
        var second = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.AuditLogExported).MaxAsync(e => e.Sequence, Ct));
        all.ShouldNotContain($"\r\n{second},", customMessage: "an export never holds its own record");

        (await operatorSession.GetAsync("/console/audit/export")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    // Regression: the JST bounds of the calendar's first and last days fall outside DateTimeOffset (fuzzing found both as 500s).
    [Fact]
    public async Task AuditLog_DatesAtTheEdgesOfTheCalendar_IgnoredLikeUnreadableDates()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Auditor);
        var all = await s.GetStringAsync("/console/audit");
        var edges = await s.GetStringAsync("/console/audit?from=0001-01-01&to=9999-12-31");
        System.Text.RegularExpressions.Regex.Count(edges, "<tr id=\"e\\d+\"><td class=\"num\">").ShouldBe(System.Text.RegularExpressions.Regex.Count(all, "<tr id=\"e\\d+\"><td class=\"num\">"));
        edges.ShouldContain("""<input id="from" name="from" type="date" value="">""");
    }

    /// <summary>Regression: a check through the API was never recorded, so the dashboard's last verification did not count it.</summary>
    [Fact]
    public async Task ApiVerify_PostRecordsTheCheckGetOnlyReads()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var key = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Auditor)).Secret);
        Task<int> Recorded() => app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.AuditChainVerified, Ct));
        var before = await Recorded();

        var read = await key.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/audit/verify", Ct);
        read.GetProperty("intact").GetBoolean().ShouldBeTrue();
        (await Recorded()).ShouldBe(before);

        var posted = await key.PostAsync("/api/audit/verify", null, Ct);
        posted.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var result = await posted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        result.GetProperty("intact").GetBoolean().ShouldBeTrue();
        (await Recorded()).ShouldBe(before + 1);
        var last = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.OrderByDescending(e => e.Sequence).FirstAsync(Ct));
        (last.Code, last.ActorKind, last.TargetId).ShouldBe((AuditCode.AuditChainVerified, ActorKind.ApiKey, result.GetProperty("verified").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Dashboard_VerifyNow_RecordsVerificationInChain()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Auditor);
        var response = await s.PostAsync("/console", "/console/audit/verify", []);
        response.Headers.Location!.ToString().ShouldBe("/console?done=verified");
        var last = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.OrderByDescending(e => e.Sequence).FirstAsync(Ct));
        last.Code.ShouldBe(AuditCode.AuditChainVerified);
        (await s.GetStringAsync("/console")).ShouldContain("改ざんなし");

        // The audit log names the auditor by sign-in address and keeps the recorded actor id beside it.
        var log = await s.GetStringAsync("/console/audit?code=AuditChainVerified");
        log.ShouldMatch(@"<td>auditor-[0-9a-f]{32}@test\.example<br><code class=""muted"">User:" + last.ActorId + "</code></td>");
        // The filter takes the address the log shows, as well as the id.
        var email = await app.InTenantAsync(tenant, (_, db) => db.Users.Where(u => u.Id == Guid.Parse(last.ActorId!)).Select(u => u.Email).SingleAsync(Ct));
        var byEmail = await s.GetStringAsync($"/console/audit?code=AuditChainVerified&actor={Uri.EscapeDataString(email.ToUpperInvariant())}");
        System.Text.RegularExpressions.Regex.Count(byEmail, "<tr id=\"e\\d+\"><td class=\"num\">").ShouldBe(1);
        (await s.GetStringAsync("/console/audit?code=AuditChainVerified&actor=nobody%40test.example")).ShouldContain("該当するイベントはありません");
    }

    // Regression (walkthrough 3, M6): a broken chain was reported as 「不整合あり」 with no word of where; only the API named
    // the event, so an auditor in the console could not tell what to investigate.
    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task Dashboard_VerifyNowOnTamperedEvent_NamesAndMarksTheEvent(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Auditor);
        var target = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.SubjectCreated).MinAsync(e => e.Sequence, Ct));
        await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Sequence == target)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.ReasonCode, "tampered"), Ct));

        var response = await s.PostAsync("/console", "/console/audit/verify", []);
        response.Headers.Location!.ToString().ShouldBe("/console?done=broken");
        var dashboard = await s.GetStringAsync("/console");
        dashboard.ShouldContain($"#{target} 以降を検証できません（記録の内容がハッシュ値と一致しない（改ざん））。");
        dashboard.ShouldContain($"""<a href="/console/audit?before={target + 1}#e{target}">#{target} を見る</a>""");
        (await s.GetStringAsync("/console?lang=en")).ShouldContain($"the chain cannot be verified from #{target} on (event content does not match its hash).");
        var log = await s.GetStringAsync($"/console/audit?before={target + 1}");
        log.ShouldContain($"""<tr id="e{target}"><td class="num">{target}<br><strong class="error">検証できません</strong></td>""");
        System.Text.RegularExpressions.Regex.Count(log, "検証できません").ShouldBe(1);
    }

    [Fact]
    public async Task Dashboard_RequestKindsAndSubjectTypes_ShownByTheirPolicyNames()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        await RequestAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        var ja = await s.GetStringAsync("/console");
        ja.ShouldContain("<td>SMS認証の利用者 <code class=\"muted\">sms-user</code></td>");
        ja.ShouldNotContain("<td>sms-user</td>");
        var panel = System.Text.RegularExpressions.Regex.Match(ja, "aria-labelledby=\"requests-h\">.*?</section>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        panel.ShouldContain("</a></td><td>保有個人データの開示</td></tr>", customMessage: panel);
        ja.ShouldNotContain("<td>Disclosure</td>");

        var en = await s.GetStringAsync("/console?lang=en");
        en.ShouldContain("<td>Users of SMS verification <code class=\"muted\">sms-user</code></td>");
        en.ShouldContain("</a></td><td>Disclosure of retained personal data</td></tr>");
        // The signed-in user's roles by name, not by id.
        ja.ShouldContain("</strong> (個人情報保護管理者)</p>");
        en.ShouldContain("</strong> (Privacy officer)</p>");
    }

    [Fact]
    public async Task PolicyPublish_UploadCheckThenPublish_NewVersionWithDiff()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var dir = Path.Combine(Backbone.ServerTests.RepoRoot(), "policy", "examples");
        var company = (await File.ReadAllTextAsync(Path.Combine(dir, "company.yaml"), Ct))
            .Replace("category: analytics\n    optOutUrl: https://analytics.example/optout", "category: analytics\n    optOutUrl: https://analytics.example/stop", StringComparison.Ordinal);
        company.ShouldContain("analytics.example/stop");

        async Task<HttpResponseMessage> Upload(string action, string companyYaml)
        {
            var page = await s.GetStringAsync("/console/policy");
            var token = System.Text.RegularExpressions.Regex.Match(page, @"name=""__af"" value=""([^""]+)""").Groups[1].Value;
            var form = new MultipartFormDataContent
            {
                { new StringContent(token), "__af" }, { new StringContent(action), "action" },
                { new StringContent("2026-12-01"), "effective" }, { new StringContent("2026-11-23"), "announced" },
                { new StringContent(companyYaml), "files", "company.yaml" },
            };
            foreach (var f in new[] { "mynumber.yaml" }.Concat(Directory.GetFiles(Path.Combine(dir, "services")).Select(x => Path.Combine("services", Path.GetFileName(x)))))
                form.Add(new StringContent(await File.ReadAllTextAsync(Path.Combine(dir, f), Ct)), "files", Path.GetFileName(f));
            var request = new HttpRequestMessage(HttpMethod.Post, "/console/policy/publish") { Content = form };
            request.Headers.Add("Cookie", s.Cookie);
            return await s.Client.SendAsync(request, Ct);
        }

        var broken = await Upload("check", company.Replace("externalTags:", "externalTagz:", StringComparison.Ordinal));
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var brokenHtml = await broken.Content.ReadAsStringAsync(Ct);
        brokenHtml.ShouldContain("company.yaml:");
        // Regression (walkthrough 4, M4): the Japanese page listed English diagnostics only; the meaning now comes first in Japanese.
        brokenHtml.ShouldContain("<strong>知らない項目名です（綴りと置き場所を確認してください）</strong><br><code>company.yaml:");

        var check = await Upload("check", company);
        check.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checkHtml = await check.Content.ReadAsStringAsync(Ct);
        checkHtml.ShouldContain("externalTags.analytics.optOutUrl");
        // The dates typed before the check are still there for the publish (a check reset them to today).
        checkHtml.ShouldContain("""<input id="effective" name="effective" type="date" value="2026-12-01">""");
        checkHtml.ShouldContain("""<input id="announced" name="announced" type="date" value="2026-11-23">""");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Policy.PolicyVersion>().CountAsync(Ct))).ShouldBe(1);

        var publish = await Upload("publish", company);
        publish.Headers.Location!.ToString().ShouldBe("/console/policy?done=published");
        var versions = await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Policy.PolicyVersion>().OrderBy(v => v.Number).ToListAsync(Ct));
        versions.Count.ShouldBe(2);
        versions[1].EffectiveFrom.ShouldBe(new DateOnly(2026, 12, 1));
        (await s.GetStringAsync("/console/policy?from=1&to=2")).ShouldContain("https://analytics.example/stop");
    }

    /// <summary>UX report 3, L8: the console's check did not notice a Japanese text changed without its English.</summary>
    [Fact]
    public async Task PolicyCheck_JapaneseChangedWithoutEnglish_WarnedWithFileLineColumn()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var dir = Path.Combine(Backbone.ServerTests.RepoRoot(), "policy", "examples");
        var page = await s.GetStringAsync("/console/policy?lang=en");
        var form = new MultipartFormDataContent
        {
            { new StringContent(System.Text.RegularExpressions.Regex.Match(page, @"name=""__af"" value=""([^""]+)""").Groups[1].Value), "__af" },
            { new StringContent("check"), "action" },
        };
        foreach (var f in new[] { "company.yaml", "mynumber.yaml" }.Concat(Directory.GetFiles(Path.Combine(dir, "services")).Select(x => Path.Combine("services", Path.GetFileName(x)))))
        {
            var text = await File.ReadAllTextAsync(Path.Combine(dir, f), Ct);
            if (f == "company.yaml") text = text.Replace("ja: 月曜日～金曜日 9:00～18:00", "ja: 月曜日～金曜日 9:00～17:30", StringComparison.Ordinal);
            form.Add(new StringContent(text), "files", Path.GetFileName(f));
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/console/policy/publish?lang=en") { Content = form };
        request.Headers.Add("Cookie", s.Cookie);

        var response = await s.Client.SendAsync(request, Ct);

        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("<li class=\"warning\"><strong>Warning: Japanese text changed, its English did not</strong><br><code>company.yaml:19:15: MAMORI-2060 warning: The Japanese of &#39;contact.hours&#39; changed since version 1, its English did not");
    }
}
