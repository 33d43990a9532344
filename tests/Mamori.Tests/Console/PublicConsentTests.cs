using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Tests.Infrastructure;
using Mamori.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>The cookie banner's config, the choice endpoint with personal links, the no-JavaScript preferences page, and security headers.</summary>
public sealed class PublicConsentTests(PostgresCluster cluster)
{
    private static string Token(TestApp app, Guid tenant, Guid subject) => app.App.Services.GetRequiredService<SubjectLinks>().Issue(tenant, subject);

    private static Task<List<ConsentRecord>> LedgerAsync(TestApp app, Guid tenant, Guid subject) => app.InTenantAsync(tenant, (_, db) =>
        db.Set<ConsentRecord>().AsNoTracking().Where(c => c.SubjectId == subject).OrderBy(c => c.At).ThenBy(c => c.Scope).ToListAsync(Ct));

    [Fact]
    public async Task Config_FromPolicy_CategoriesTagsCorsAndGpc()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/public/consent/config?lang=en");
        request.Headers.Add("Sec-GPC", "1");
        var response = await app.Client().SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("*");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        json.GetProperty("gpc").GetBoolean().ShouldBeTrue();
        json.GetProperty("policyVersion").GetInt32().ShouldBe(1);
        json.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldBe(["essential", "analytics", "advertising"]);
        var ads = json.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "ads");
        ads.GetProperty("category").GetString().ShouldBe("advertising");
        ads.GetProperty("recipient").GetString().ShouldBe("Example Ads LLC");
    }

    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task Choice_ValidLink_LedgerEntriesPerCategoryAndAuditWithoutSubjectIdInToken(string provider)
    {
        var (app, tenant, subject) = await StartAsync(cluster, provider);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        token.ShouldNotContain(subject.ToString());
        token.ShouldNotContain(subject.ToString("N"));
        var response = await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "analytics" }, refused = new[] { "advertising" } }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ledger = await LedgerAsync(app, tenant, subject);
        ledger.Select(c => (c.Scope, c.Granted, c.Method, c.EvidenceRef, c.PolicyVersion)).ShouldBe([
            ("cookies:advertising", false, ConsentMethod.WebForm, "cookie-banner", 1), ("cookies:analytics", true, ConsentMethod.WebForm, "cookie-banner", 1)]);
        var audit = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.SingleAsync(e => e.Code == AuditCode.CookieChoiceRecorded, Ct));
        audit.SubjectId.ShouldBe(subject.ToString());
        audit.ActorKind.ShouldBe(ActorKind.DataSubject);

        // GPC wins over what the page sent.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var gpc = new HttpRequestMessage(HttpMethod.Post, "/api/public/consent/choice") { Content = JsonContent.Create(new { token, granted = new[] { "analytics", "advertising" }, refused = Array.Empty<string>() }) };
        gpc.Headers.Add("Sec-GPC", "1");
        (await app.Client().SendAsync(gpc, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await LedgerAsync(app, tenant, subject)).TakeLast(2).ShouldAllBe(c => !c.Granted && c.EvidenceRef == "gpc");
    }

    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task Choice_WithdrawnAtTheSameInstantAsGranted_WithdrawalHolds(string provider)
    {
        var (app, tenant, subject) = await StartAsync(cluster, provider);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        foreach (var (granted, refused) in new[] { (new[] { "analytics" }, Array.Empty<string>()), ([], ["analytics"]) })
            (await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted, refused }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The clock did not move: only the entries' order in the ledger says which choice came last.
        (await LedgerAsync(app, tenant, subject)).Select(c => (c.Granted, c.Seq)).ShouldBe([(true, 1), (false, 2)], ignoreOrder: true);
        (await app.InTenantAsync(tenant, (_, db) => new ConsentLedger(db).HoldsAsync(subject, "cookies:analytics", app.Clock.GetUtcNow(), Ct))).ShouldBeFalse();
    }

    [Fact]
    public async Task Choice_ForgedExpiredOrForeignLink_Refused1400AndNothingStored()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var other = await app.CreateTenantAsync("other");
        var good = Token(app, tenant, subject);
        var raw = good.ToCharArray();
        raw[20] = raw[20] == 'A' ? 'B' : 'A';
        var cases = new[] { new string(raw), "mst1.AAAA", subject.ToString(), Token(app, other.Id, subject) };
        foreach (var token in cases)
        {
            var response = await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "analytics" }, refused = Array.Empty<string>() }, Ct);
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1400");
        }
        app.Clock.Advance(SubjectLinks.DefaultLifetime + TimeSpan.FromMinutes(1));
        var expired = await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token = good, granted = new[] { "analytics" }, refused = Array.Empty<string>() }, Ct);
        await expired.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1400");
        (await LedgerAsync(app, tenant, subject)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Choice_UnknownOrContradictoryCategory_Refused()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var unknown = await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "tracking" }, refused = Array.Empty<string>() }, Ct);
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1401");
        var undeclared = await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "functional" }, refused = Array.Empty<string>() }, Ct);
        await undeclared.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1401");
        var both = await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "analytics" }, refused = new[] { "analytics" } }, Ct);
        await both.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1402");
        (await LedgerAsync(app, tenant, subject)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Choice_Preflight_AllowsAnyOriginPost()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/public/consent/choice");
        request.Headers.Add("Origin", "https://www.example.jp");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        var response = await app.Client().SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("*");
        response.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldBe("Content-Type");
    }

    [Fact]
    public async Task PublicNoticePages_BeforeAnyChoice_SetNoCookieAtAll()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        foreach (var path in new[] { "/privacy", "/en/privacy", "/privacy/history", "/privacy/services/isp", "/privacy?lang=en", "/api/public/consent/config" })
        {
            var response = await app.Client().GetAsync(path, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            response.Headers.Contains("Set-Cookie").ShouldBeFalse(path);
        }
    }

    [Fact]
    public async Task PreferencesPage_NoChoiceYet_NoConsentCookieAndNothingChecked()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await app.Client().GetAsync("/privacy/cookies", Ct);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(v => v.Split('=')[0]).ToList() : [];
        cookies.ShouldBe(["mamori_af"]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("Example Analytics株式会社");
        html.ShouldNotContain("name=\"granted\" value=\"analytics\" checked");
    }

    [Fact]
    public async Task PreferencesPage_PostWithLinkAcceptAll_CookieAndLedger()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var s = Anonymous(app);
        var response = await s.PostAsync($"/privacy/cookies?t={token}", "/privacy/cookies", [new("action", "accept-all"), new("t", token)]);
        response.Headers.Location!.ToString().ShouldBe($"/privacy/cookies?t={token}&done=recorded");
        response.Headers.GetValues("Set-Cookie").ShouldContain(v => v.StartsWith("mamori_consent=m1.1.advertising-analytics;", StringComparison.Ordinal));
        (await LedgerAsync(app, tenant, subject)).Select(c => (c.Scope, c.Granted, c.EvidenceRef)).ShouldBe([
            ("cookies:advertising", true, "cookie-page"), ("cookies:analytics", true, "cookie-page")]);
    }

    /// <summary>The non-essential category ids of the page's checkboxes and the names in its 外部送信 table, in page order.</summary>
    private static (string[] Categories, string[] Tags) PageChoices(string html) => (
        [.. System.Text.RegularExpressions.Regex.Matches(html, @"name=""granted"" value=""([a-z]+)""").Select(m => m.Groups[1].Value)],
        [.. System.Text.RegularExpressions.Regex.Matches(html, @"<th scope=""row"">([^<]+)</th>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))]);

    [Theory]
    [InlineData("ja", null)]
    [InlineData("ja", "isp")]
    [InlineData("en", "isp")]
    public async Task PreferencesPage_BannersPreferencesUrl_SameCategoriesAndTagsAsBanner(string lang, string? service)
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var config = JsonDocument.Parse(await app.Client().GetStringAsync($"/api/public/consent/config?lang={lang}{(service is null ? "" : "&service=" + service)}", Ct)).RootElement;
        var url = new Uri(config.GetProperty("preferencesUrl").GetString()!);
        url.PathAndQuery.ShouldBe((lang == "en" ? "/en" : "") + "/privacy/cookies" + (service is null ? "" : "?service=" + service));
        var (categories, tags) = PageChoices(await Anonymous(app).GetStringAsync(url.PathAndQuery));
        categories.ShouldBe(config.GetProperty("categories").EnumerateArray().Where(c => !c.GetProperty("essential").GetBoolean()).Select(c => c.GetProperty("id").GetString()!), ignoreOrder: true);
        tags.ShouldBe(config.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()!), ignoreOrder: true);
        if (service == "isp") tags.ShouldContain(lang == "en" ? "Web beacons and personalised URLs (mail)" : "Webビーコン・個別URL（メール）");
    }

    [Fact]
    public async Task PreferencesPage_UnknownService_NotFoundPage()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await app.Client().GetAsync("/privacy/cookies?service=nosuch", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("サービスはありません");
    }

    [Fact]
    public async Task PreferencesPage_ServicePagePostAcceptAll_CookieHoldsServiceCategoriesAndRedirectKeepsService()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await Anonymous(app).PostAsync("/privacy/cookies?service=isp", "/privacy/cookies", [new("action", "accept-all"), new("service", "isp")]);
        response.Headers.Location!.ToString().ShouldBe("/privacy/cookies?service=isp&done=saved");
        response.Headers.GetValues("Set-Cookie").ShouldContain(v => v.StartsWith("mamori_consent=m1.1.advertising-analytics-functional;", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Providers.Sqlite)]
    [InlineData(Providers.Postgres)]
    public async Task PreferencesPage_PersonalLinkOfIspCustomer_ServiceCategoriesShownAndAcceptAllRecordsFunctional(string provider)
    {
        var (app, tenant, _) = await StartAsync(cluster, provider);
        await using var __ = app;
        var customer = await Vault.VaultScenario.IspCustomerAsync(app, tenant, Vault.VaultScenario.NewPerson());
        var token = Token(app, tenant, customer);
        var s = Anonymous(app);
        var (categories, tags) = PageChoices(await s.GetStringAsync($"/privacy/cookies?t={token}"));
        categories.ShouldBe(["functional", "analytics", "advertising"]);
        tags.ShouldContain("Webビーコン・個別URL（メール）");
        await s.PostAsync($"/privacy/cookies?t={token}", "/privacy/cookies", [new("action", "accept-all"), new("t", token)]);
        (await LedgerAsync(app, tenant, customer)).Select(c => (c.Scope, c.Granted)).ShouldBe([
            ("cookies:advertising", true), ("cookies:analytics", true), ("cookies:functional", true)]);
    }

    private static string HiddenToken(string html) => System.Text.RegularExpressions.Regex.Match(html, @"name=""t"" value=""([^""]+)""").Groups[1].Value;

    private static string LanguageLink(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, @"class=""lang"" href=""([^""]+)""").Groups[1].Value);

    [Fact]
    public async Task PreferencesPage_PersonalLinkAfterSaving_TokenStaysSoTheNextChoiceIsRecordedToo()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var s = Anonymous(app);
        var saved = await s.PostAsync($"/privacy/cookies?t={token}", "/privacy/cookies", [new("action", "accept-all"), new("t", token)]);
        var location = saved.Headers.Location!.ToString();
        location.ShouldBe($"/privacy/cookies?t={token}&done=recorded");
        saved.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        var page = await s.GetAsync(location);
        page.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("選択を保存し、同意の記録に登録しました。");

        // 必須のみ on the page the redirect led to withdraws in the ledger, not only in the browser.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await s.PostAsync(location, "/privacy/cookies", [new("action", "reject-all"), new("t", HiddenToken(html))]);
        again.Headers.Location!.ToString().ShouldBe($"/privacy/cookies?t={token}&done=recorded");
        foreach (var scope in new[] { "cookies:analytics", "cookies:advertising" })
            (await app.InTenantAsync(tenant, (_, db) => new ConsentLedger(db).HoldsAsync(subject, scope, app.Clock.GetUtcNow(), Ct))).ShouldBeFalse(scope);
    }

    [Fact]
    public async Task PreferencesPage_PersonalLinkExpiredBeforeSaving_SavedInBrowserAndSaysTheLinkIsInvalid()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var s = Anonymous(app);
        await s.GetAsync($"/privacy/cookies?t={token}");
        app.Clock.Advance(SubjectLinks.DefaultLifetime + TimeSpan.FromMinutes(1));
        var saved = await s.PostAsync($"/privacy/cookies?t={token}", "/privacy/cookies", [new("action", "accept-all"), new("t", token)]);
        var html = await s.GetStringAsync(saved.Headers.Location!.ToString());
        html.ShouldContain("選択をこのブラウザに保存しました。");
        html.ShouldContain("個人リンクが無効か期限切れです。");
        html.ShouldNotContain("name=\"t\"");
        (await LedgerAsync(app, tenant, subject)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/privacy/cookies", "このサイト（{0}）での現在の選択: アクセス解析", "この画面での選択は、このサイト（{0}）にだけ適用されます。")]
    [InlineData("/en/privacy/cookies", "Current choice on this site ({0}): Analytics", "A choice made on this page applies to this site ({0}) only.")]
    public async Task PreferencesPage_Anonymous_SaysWhichSiteItsChoiceIsFor(string path, string current, string scope)
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "mamori_consent=m1.1.analytics");
        var html = await (await app.Client().SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);

        // The company's sites keep their own choice, which this page can neither see nor change.
        html.ShouldContain(string.Format(System.Globalization.CultureInfo.InvariantCulture, current, app.BaseAddress.Authority));
        html.ShouldContain(string.Format(System.Globalization.CultureInfo.InvariantCulture, scope, app.BaseAddress.Authority));
        html.ShouldContain("「Cookie設定」");
    }

    [Fact]
    public async Task PreferencesPage_PersonalLinkInAnotherBrowser_ShowsWhatTheLedgerHolds()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var s = Anonymous(app);
        (await s.GetStringAsync($"/privacy/cookies?t={token}")).ShouldContain("同意の記録には、まだ選択がありません。");
        (await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "analytics" }, refused = new[] { "advertising" } }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        // This browser chose essential only for itself; the personal page shows the person's record, which saving changes.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/privacy/cookies?t={token}");
        request.Headers.Add("Cookie", "mamori_consent=m1.1.none");
        var html = await (await app.Client().SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldNotContain("まだ選択されていません");
        html.ShouldContain("現在の選択（同意の記録）: アクセス解析");
        html.ShouldContain("name=\"granted\" value=\"analytics\" checked");
        html.ShouldNotContain("name=\"granted\" value=\"advertising\" checked");
    }

    [Fact]
    public async Task PreferencesPage_LanguageSwitch_KeepsThePersonalLinkAndTheService()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var s = Anonymous(app);
        LanguageLink(await s.GetStringAsync($"/privacy/cookies?t={token}&done=recorded")).ShouldBe($"/en/privacy/cookies?t={token}");
        LanguageLink(await s.GetStringAsync($"/en/privacy/cookies?t={token}")).ShouldBe($"/privacy/cookies?t={token}");
        LanguageLink(await s.GetStringAsync("/privacy/cookies?service=isp")).ShouldBe("/en/privacy/cookies?service=isp");
        LanguageLink(await s.GetStringAsync("/en/privacy/cookies")).ShouldBe("/privacy/cookies");
    }

    private static string FooterCookieLink(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, @"<footer class=""site""><a href=""([^""]+)""").Groups[1].Value);

    /// <summary>Regression: the footer's link to the cookie settings dropped the personal link and the service, so following it lost whose settings they were.</summary>
    [Fact]
    public async Task FooterCookieLink_PersonalLinkOrServicePage_KeepsThem()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        var s = Anonymous(app);
        FooterCookieLink(await s.GetStringAsync($"/privacy/cookies?t={token}&done=recorded")).ShouldBe($"/privacy/cookies?t={token}");
        FooterCookieLink(await s.GetStringAsync($"/en/privacy/cookies?t={token}")).ShouldBe($"/en/privacy/cookies?t={token}");
        FooterCookieLink(await s.GetStringAsync("/privacy/cookies?service=isp")).ShouldBe("/privacy/cookies?service=isp");
        var servicePage = await s.GetStringAsync("/en/privacy/services/isp");
        FooterCookieLink(servicePage).ShouldBe("/en/privacy/cookies?service=isp");
        servicePage.ShouldContain("data-mamori-config=\"/api/public/consent/config?lang=en&amp;service=isp\"");
        FooterCookieLink(await s.GetStringAsync("/privacy")).ShouldBe("/privacy/cookies");
    }

    [Fact]
    public async Task PreferencesPage_PostWithGpcHeader_EverythingOff()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = Anonymous(app);
        var response = await s.PostAsync("/privacy/cookies", "/privacy/cookies", [new("action", "accept-all")], configure: r => r.Headers.Add("Sec-GPC", "1"));
        response.Headers.GetValues("Set-Cookie").ShouldContain(v => v.StartsWith("mamori_consent=m1.1.none;", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/privacy/cookies", "必須以外はすべて無効です。", "現在の選択: 必須のみ（GPC）", "での現在の選択")]
    [InlineData("/en/privacy/cookies", "everything but essential is off.", "Current choice: essential only (GPC)", "Current choice on this site")]
    public async Task PreferencesPage_GpcAndAnEarlierChoiceInThisBrowser_GpcPrevailsInWhatThePageSays(string path, string notice, string says, string saidBefore)
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Sec-GPC", "1");
        request.Headers.Add("Cookie", "mamori_consent=m1.1.analytics");
        var html = await (await app.Client().SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain(notice);
        html.ShouldContain(says);
        html.ShouldNotContain(saidBefore);
        System.Text.RegularExpressions.Regex.IsMatch(html, @"name=""granted"" value=""[a-z]+"" checked").ShouldBeFalse();
    }

    [Fact]
    public async Task PreferencesPage_GpcOnAPersonalLinkWithGrantsInTheLedger_SaysEssentialOnlyAndThatSavingRecordsIt()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var token = Token(app, tenant, subject);
        (await app.Client().PostAsJsonAsync("/api/public/consent/choice", new { token, granted = new[] { "analytics" }, refused = new[] { "advertising" } }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var s = Anonymous(app);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/privacy/cookies?t={token}");
        request.Headers.Add("Sec-GPC", "1");
        var html = await (await app.Client().SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain("現在の選択: 必須のみ（GPC）");
        html.ShouldContain("同意の記録では「アクセス解析」を許可したままです。いずれかのボタンで保存すると、記録も必須のみになります。");
        html.ShouldNotContain("現在の選択（同意の記録）");

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.PostAsync($"/privacy/cookies?t={token}", "/privacy/cookies", [new("action", "save"), new("t", token)], configure: r => r.Headers.Add("Sec-GPC", "1"));
        (await LedgerAsync(app, tenant, subject)).TakeLast(2).ShouldAllBe(c => !c.Granted && c.EvidenceRef == "gpc");
    }

    [Fact]
    public void SecurityHeaders_Https_AddsHstsAndPolicies()
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "https";
        SecurityHeaders.Apply(http);
        http.Response.Headers.StrictTransportSecurity.ToString().ShouldStartWith("max-age=");
        http.Response.Headers.ContentSecurityPolicy.ToString().ShouldContain("frame-ancestors 'none'");
        http.Response.Headers["Permissions-Policy"].ToString().ShouldContain("camera=()");
        var plain = new DefaultHttpContext();
        SecurityHeaders.Apply(plain);
        plain.Response.Headers.ContainsKey("Strict-Transport-Security").ShouldBeFalse();
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool SubjectLink_AnyAlteredCharacter_Rejected(FsCheck.PositiveInt position, char replacement)
    {
        var ring = Mamori.Vault.KeyRing.Generate(TimeProvider.System);
        var path = Path.Combine(Path.GetTempPath(), $"mamori-keys-{Guid.NewGuid():N}.json");
        var links = new SubjectLinks(new Mamori.Vault.KeyRingProvider(new Mamori.Vault.KeyRingOptions(path, ring.Serialize())), TimeProvider.System);
        var tenant = Guid.NewGuid();
        var token = links.Issue(tenant, Guid.NewGuid());
        var i = SubjectLinks.Prefix.Length + position.Get % (token.Length - SubjectLinks.Prefix.Length);
        if (token[i] == replacement) return true;
        var altered = token[..i] + replacement + token[(i + 1)..];
        return links.TryOpen(token, tenant) is not null && links.TryOpen(altered, tenant) is null;
    }
}
