using Mamori.Consent;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>
/// The cookie and external-transmission banner on the company's own site (another origin) and Mamori's public
/// pages: nothing non-essential loads before consent, the choice is kept and recorded, GPC is honoured.
/// </summary>
public sealed class ConsentBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    private static async Task WaitForBannerOrGpcAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => window.mamoriConsent !== undefined");

    private static async Task<string[]> CookieNamesAsync(IBrowserContext context, Uri site) =>
        [.. (await context.CookiesAsync([site.ToString()])).Select(c => c.Name)];

    [Fact]
    public async Task Banner_KnownVisitorAcceptsAll_TagLoadsOnlyAfterAndLedgerRecords()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var subject = await IspCustomerAsync(app, tenant, "佐藤 花子", "hanako@example.jp", "090-5555-6666");
        var token = app.App.Services.GetRequiredService<SubjectLinks>().Issue(tenant, subject);
        token.ShouldNotContain(subject.ToString("N"));
        await using var site = await CompanySite.StartAsync(app.BaseAddress, token);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.BaseAddress.ToString());
        await WaitForBannerOrGpcAsync(page);

        var banner = page.Locator("section.mamori-banner");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        (await banner.InnerTextAsync()).ShouldContain("Cookie と外部送信について");
        await page.Locator("section.mamori-banner summary").ClickAsync();
        (await banner.InnerTextAsync()).ShouldContain("Example Analytics株式会社");
        site.HitsOf("analytics").ShouldBe(0);
        site.HitsOf("ads").ShouldBe(0);
        await page.WaitForFunctionAsync("() => (window.__tags || []).includes('session')");
        site.HitsOf("session").ShouldBe(1);
        (await CookieNamesAsync(context, site.BaseAddress)).ShouldBe(["ex_session"], ignoreOrder: true);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("consent-banner.png") });
        // Regression: the banner's link to the settings page dropped the personal link, so a choice made there was not recorded.
        (await banner.Locator("a", new() { HasText = "送信先の一覧（外部送信の詳細）" }).GetAttributeAsync("href"))
            .ShouldBe(new Uri(app.BaseAddress, "/privacy/cookies?t=" + token).ToString());

        var recorded = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text == "recorded:true" });
        await page.EvaluateAsync("document.addEventListener('mamori:recorded', e => console.log('recorded:' + e.detail.ok))");
        await page.ClickAsync("section.mamori-banner [data-mamori-action=accept-all]");
        await recorded;
        await page.WaitForFunctionAsync("() => (window.__tags || []).includes('analytics') && window.__tags.includes('ads')");
        site.HitsOf("analytics").ShouldBe(1);
        site.HitsOf("undeclared").ShouldBe(0);
        (await banner.CountAsync()).ShouldBe(0);
        var cookies = await context.CookiesAsync([site.BaseAddress.ToString()]);
        cookies.Single(c => c.Name == "mamori_consent").Value.ShouldBe("m1.1.advertising-analytics");

        var ledger = await app.InTenantAsync(tenant, (_, db) => db.Set<ConsentRecord>().AsNoTracking()
            .Where(c => c.SubjectId == subject && c.Scope.StartsWith("cookies:")).OrderBy(c => c.Scope).ToListAsync(Ct));
        ledger.Select(c => (c.Scope, c.Granted, c.Method, c.EvidenceRef)).ShouldBe([
            ("cookies:advertising", true, ConsentMethod.WebForm, "cookie-banner"), ("cookies:analytics", true, ConsentMethod.WebForm, "cookie-banner")]);

        // A later visit keeps the choice: no banner, the tags load at once.
        var again = await context.NewPageAsync();
        await again.GotoAsync(site.BaseAddress.ToString());
        await again.WaitForFunctionAsync("() => (window.__tags || []).includes('analytics')");
        (await again.Locator("section.mamori-banner").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Gpc_HeaderAndNavigator_NonEssentialStaysOffWithoutBanner()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await using var site = await CompanySite.StartAsync(app.BaseAddress);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Sec-GPC"] = "1" },
        });
        await context.AddInitScriptAsync("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });");
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.BaseAddress.ToString());
        await WaitForBannerOrGpcAsync(page);
        (await page.EvaluateAsync<bool>("window.mamoriConsent.gpc")).ShouldBeTrue();
        await page.WaitForFunctionAsync("() => (window.__tags || []).includes('session')");
        (await page.Locator("section.mamori-banner").CountAsync()).ShouldBe(0);
        site.HitsOf("analytics").ShouldBe(0);
        site.HitsOf("ads").ShouldBe(0);
        (await context.CookiesAsync([site.BaseAddress.ToString()])).Single(c => c.Name == "mamori_consent").Value.ShouldBe("m1.1.none");

        // Mamori's own preferences page says so and offers nothing to switch on.
        var prefs = await context.NewPageAsync();
        await prefs.GotoAsync(new Uri(app.BaseAddress, "/privacy/cookies").ToString());
        (await prefs.Locator("main").InnerTextAsync()).ShouldContain("Global Privacy Control");
        (await prefs.Locator("input[name=granted]:not([disabled])").CountAsync()).ShouldBe(0);
        await prefs.ClickAsync("button[value=accept-all]");
        await prefs.ShouldBeAtAsync(@"/privacy/cookies\?done=saved$");
        (await context.CookiesAsync([app.BaseAddress.ToString()])).Single(c => c.Name == "mamori_consent").Value.ShouldBe("m1.1.none");
    }

    [Fact]
    public async Task Banner_KeyboardOnly_EssentialOnlyChosenAndNothingLoads()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await using var site = await CompanySite.StartAsync(app.BaseAddress);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.BaseAddress.ToString());
        await WaitForBannerOrGpcAsync(page);
        await Assertions.Expect(page.Locator("section.mamori-banner")).ToBeVisibleAsync();

        // The banner comes first in the tab order: details, accept all, essential only.
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.tagName")).ShouldBe("SUMMARY");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("mamori-cat-analytics");
        await page.Keyboard.PressAsync("Space");
        (await page.Locator("#mamori-cat-analytics").IsCheckedAsync()).ShouldBeTrue();
        await page.Keyboard.PressAsync("Space");
        while (await page.EvaluateAsync<string?>("document.activeElement.getAttribute('data-mamori-action')") != "reject-all")
            await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle")).ShouldBe("solid");
        await page.Keyboard.PressAsync("Enter");

        (await page.Locator("section.mamori-banner").CountAsync()).ShouldBe(0);
        (await context.CookiesAsync([site.BaseAddress.ToString()])).Single(c => c.Name == "mamori_consent").Value.ShouldBe("m1.1.none");
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => (window.__tags || []).includes('session')");
        site.HitsOf("analytics").ShouldBe(0);
        site.HitsOf("ads").ShouldBe(0);
    }

    [Fact]
    public async Task Banner_ReopenedAfterAcceptingAll_WithdrawalStopsTheTagOnThisSite()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var site = await CompanySite.StartAsync(app.BaseAddress);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.BaseAddress.ToString());
        await WaitForBannerOrGpcAsync(page);
        await page.ClickAsync("section.mamori-banner [data-mamori-action=accept-all]");
        await page.WaitForFunctionAsync("() => (window.__tags || []).includes('analytics')");
        (await page.Locator("section.mamori-banner").CountAsync()).ShouldBe(0);

        // The site's 「Cookie設定」 link brings the banner back, showing what was chosen.
        await page.ClickAsync("footer [data-mamori-open]");
        await Assertions.Expect(page.Locator("section.mamori-banner")).ToBeVisibleAsync();
        (await page.Locator("#mamori-cat-analytics").IsCheckedAsync()).ShouldBeTrue();
        (await page.EvaluateAsync<string>("document.activeElement.className")).ShouldBe("mamori-banner");
        var loaded = site.HitsOf("analytics");

        // Withdrawing starts the page again, since a tag that ran cannot be unloaded; from then on it stays off.
        await page.EvaluateAsync("window.__before = true");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("section.mamori-banner [data-mamori-action=reject-all]"), site.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => !window.__before && window.mamoriConsent !== undefined && (window.__tags || []).includes('session')");
        (await page.EvaluateAsync<bool>("(window.__tags || []).includes('analytics')")).ShouldBeFalse();
        (await page.Locator("section.mamori-banner").CountAsync()).ShouldBe(0);
        (await context.CookiesAsync([site.BaseAddress.ToString()])).Single(c => c.Name == "mamori_consent").Value.ShouldBe("m1.1.none");
        site.HitsOf("analytics").ShouldBe(loaded);

        // mamoriConsent.open() does the same for a site that builds its own link; agreeing again needs no reload.
        await page.EvaluateAsync("window.mamoriConsent.open()");
        (await page.Locator("#mamori-cat-analytics").IsCheckedAsync()).ShouldBeFalse();
        await page.CheckAsync("#mamori-cat-analytics");
        await page.ClickAsync("section.mamori-banner [data-mamori-action=save]");
        await page.WaitForFunctionAsync("() => (window.__tags || []).includes('analytics')");
        site.HitsOf("ads").ShouldBe(1);
        (await context.CookiesAsync([site.BaseAddress.ToString()])).Single(c => c.Name == "mamori_consent").Value.ShouldBe("m1.1.analytics");
    }

    [Fact]
    public async Task Notice_Japanese_RendersWithBannerAndPreferencesLink()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy").ToString());
        await WaitForBannerOrGpcAsync(page);
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("ja");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("株式会社サクラネット");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("notice-ja.png") });
        (await context.CookiesAsync([app.BaseAddress.ToString()])).Select(c => c.Name).ShouldNotContain("mamori_consent");

        await page.ClickAsync("section.mamori-banner [data-mamori-action=reject-all]");
        await page.ClickAsync("footer a[href='/privacy/cookies']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Cookie・外部送信の設定");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("必須のみ");
    }
}
