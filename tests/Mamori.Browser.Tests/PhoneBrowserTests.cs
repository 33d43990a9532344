using Mamori.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>The public pages on a phone (390×844, Japanese), walked with the keyboard as a screen-reader user would.</summary>
public sealed class PhoneBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    private Task<IBrowserContext> PhoneAsync() => browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
    });

    // Regression (walkthrough 7, findings 5 and 6): the banner covers the bottom 366 px of a phone's screen, and tabbing on into
    // the notice put 17 of the next 25 links entirely under it. Then a choice closed the banner in silence, although the
    // configuration carries 「選択を保存しました。」 for it.
    [Fact]
    public async Task Banner_PhoneKeyboard_FocusNeverUnderTheBannerAndChoiceAnnounced()
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await PhoneAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/privacy").ToString());
        await page.WaitForFunctionAsync("() => window.mamoriConsent !== undefined");
        await Assertions.Expect(page.Locator("section.mamori-banner")).ToBeVisibleAsync();

        // Entirely under the banner is what fails (WCAG 2.4.11); a tall element, such as a table's scrolling frame, may run beneath it.
        var outside = 0;
        for (var i = 0; i < 30; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var state = await page.EvaluateAsync<string>("""
                () => {
                  const e = document.activeElement, b = document.querySelector('section.mamori-banner');
                  if (b.contains(e)) return 'banner';
                  const r = e.getBoundingClientRect(), br = b.getBoundingClientRect();
                  return r.top >= br.top ? 'under:' + (e.textContent || '').trim().slice(0, 20) : 'clear';
                }
                """);
            state.ShouldNotStartWith("under:");
            if (state == "clear") outside++;
        }
        outside.ShouldBeGreaterThan(15);

        await page.Locator("section.mamori-banner [data-mamori-action=reject-all]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        (await page.Locator("section.mamori-banner").CountAsync()).ShouldBe(0);
        var status = page.Locator("[data-mamori-status]");
        (await status.GetAttributeAsync("role")).ShouldBe("status");
        (await status.InnerTextAsync()).ShouldBe("選択を保存しました。");
        (await page.EvaluateAsync<string>("document.documentElement.style.scrollPaddingBottom")).ShouldBe("");
    }

    // Regression (review): on a 360 px phone the notice was 403 px wide and its contact block (窓口, 電話, 住所, お問合せフォーム) cut off:
    // the form's address cannot wrap, and the narrow screen's one-column rule (1fr) grew with it past the screen.
    [Theory]
    [InlineData("/privacy")]
    [InlineData("/en/privacy")]
    [InlineData("/privacy/services/isp")]
    public async Task Notice_NarrowPhone360_NoSidewaysScrollAndContactAddressInside(string path)
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        width.ShouldBeLessThanOrEqualTo(360, "the page does not scroll sideways");
        // Every description in the notice (the contact block among them) ends inside the screen.
        var outside = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('dd')].filter(d => d.getBoundingClientRect().right > window.innerWidth)
              .map(d => d.textContent.trim().slice(0, 40))
            """);
        outside.ShouldBeEmpty();
        (await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('dd a')].some(a => a.href.includes('/privacy/contact'))"))
            .ShouldBeTrue("the contact form's address is in the contact block");
    }

    // Regression (walkthrough 7, finding 7): Japanese wraps at any character, so the notice's and the cookie settings page's tables of
    // five or six columns were squeezed into a phone's width, 「対応完了日から3年」 one character a line and the opt-out link 15 px wide.
    [Theory]
    [InlineData("/privacy")]
    [InlineData("/privacy/cookies")]
    public async Task WideTables_Phone_KeepReadableWidthAndScrollInTheirFrame(string path)
    {
        var (app, _) = await StartAsync(cluster);
        await using var __ = app;
        await using var context = await PhoneAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());

        var tables = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('table')].filter(t => t.rows[0] && t.rows[0].cells.length >= 4).map(t => {
              const frame = t.parentElement;
              return `${Math.round(t.getBoundingClientRect().width)} ${getComputedStyle(frame).overflowX} ${frame.scrollWidth > frame.clientWidth}`;
            })
            """);
        tables.ShouldNotBeEmpty();
        foreach (var t in tables)
        {
            var (width, overflow, scrolls) = t.Split(' ') is [var w, var o, var s] ? (int.Parse(w, System.Globalization.CultureInfo.InvariantCulture), o, s) : default;
            width.ShouldBeGreaterThanOrEqualTo(576, t);
            overflow.ShouldBe("auto", t);
            scrolls.ShouldBe("true", t);
        }
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the page itself does not scroll sideways");
    }
}
