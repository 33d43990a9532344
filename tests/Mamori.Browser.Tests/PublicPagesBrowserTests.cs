using System.Text.RegularExpressions;
using Mamori.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>
/// Walkthrough leftovers on the public pages: the banner's h2 came before the page's h1, the cookie settings page ordered and
/// weighted its buttons otherwise than the banner, /favicon.ico answered 404 in the console of every page, required fields were
/// not marked, and the opt-out form is checked by keyboard.
/// </summary>
public sealed class PublicPagesBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    [Fact]
    public async Task Banner_NoticePage_PageHeadingFirstBannerStillANamedRegionNoFailedRequests()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var failed = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Url}"); };
        page.RequestFailed += (_, r) => failed.Add($"failed {r.Url}");
        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy").ToString());
        await page.WaitForFunctionAsync("() => window.mamoriConsent !== undefined");
        await Assertions.Expect(page.Locator("section.mamori-banner")).ToBeVisibleAsync();

        (await page.EvaluateAsync<string>("() => document.querySelector('h1, h2, h3, h4, h5, h6').tagName")).ShouldBe("H1");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Cookie と外部送信について" })).ToBeVisibleAsync();
        (await page.Locator("section.mamori-banner").EvaluateAsync<bool>("b => b === document.body.firstElementChild")).ShouldBeTrue("still first in the tab order");

        // The icon the page links, and the one a browser asks for on its own.
        (await page.Locator("link[rel=icon]").GetAttributeAsync("href")).ShouldBe("/static/favicon.svg");
        var ico = await page.APIRequest.GetAsync(new Uri(app.BaseAddress, "/favicon.ico").ToString());
        ico.Status.ShouldBe(200);
        ico.Headers["content-type"].ShouldStartWith("image/svg+xml");
        failed.ShouldBeEmpty(string.Join("\n", failed));
    }

    [Fact]
    public async Task CookieSettings_Buttons_BannerOrderAcceptAndRejectAlike()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy").ToString());
        await page.WaitForFunctionAsync("() => window.mamoriConsent !== undefined");
        var banner = await page.Locator("section.mamori-banner .mamori-buttons button").AllInnerTextsAsync();
        var bannerLook = await LooksAsync(page.Locator("section.mamori-banner .mamori-buttons button"));

        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy/cookies").ToString());
        var settings = await page.Locator("form[data-mamori-preferences] .buttons button").AllInnerTextsAsync();
        var settingsLook = await LooksAsync(page.Locator("form[data-mamori-preferences] .buttons button"));

        banner.ShouldBe(["すべて許可", "必須のみ", "選択を保存"]);
        settings.ShouldBe(banner);
        bannerLook[1].ShouldBe(bannerLook[0], "refusing looks like accepting in the banner");
        settingsLook[1].ShouldBe(settingsLook[0], "refusing looks like accepting on the settings page");
    }

    private static async Task<string[]> LooksAsync(ILocator buttons) =>
        [.. await buttons.EvaluateAllAsync<string[]>("bs => bs.map(b => { const s = getComputedStyle(b); return s.backgroundColor + ' ' + s.color + ' ' + s.fontSize; })")];

    [Fact]
    public async Task OptOut_KeyboardOnly_EnterSubmitsWithVisibleFocusAndRequiredMarked()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/optout").ToString());
        await Assertions.Expect(page.Locator("#value")).ToHaveAccessibleNameAsync(new Regex("メールアドレス又は電話番号 必須"));
        (await page.Locator("#value").EvaluateAsync<bool>("e => e.required")).ShouldBeTrue();

        var visited = new List<string>();
        await RequestBrowserTests.TabToAsync(page, "#value", visited); // every stop on the way shows its focus ring
        await page.Keyboard.TypeAsync("nobody@example.jp");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("h1:text-is('お申出を受け付けました')");
    }

    [Fact]
    public async Task RequestForm_RequiredFields_MarkedInTheirNames()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/requests").ToString());
        await Assertions.Expect(page.Locator("#kind")).ToHaveAccessibleNameAsync(new Regex("ご請求の種類 必須"));
        (await page.Locator("#kind").EvaluateAsync<bool>("e => e.required")).ShouldBeTrue();
        // The demo takes complaints only on the form: their text is required, the name is not.
        await Assertions.Expect(page.Locator("#details")).ToHaveAccessibleNameAsync(new Regex("必須"));
        (await page.Locator("#details").EvaluateAsync<bool>("e => e.required")).ShouldBeTrue();
        await Assertions.Expect(page.Locator("#name")).ToHaveAccessibleNameAsync(new Regex("（任意）"));
        (await page.Locator("form[action='/requests'] #required-note").InnerTextAsync()).ShouldContain("メールアドレス又はご住所は、どちらか一方が必須です");

        await page.GotoAsync(new Uri(app.BaseAddress, "/en/requests").ToString());
        await Assertions.Expect(page.Locator("#kind")).ToHaveAccessibleNameAsync(new Regex("Kind of request required"));
    }
}
