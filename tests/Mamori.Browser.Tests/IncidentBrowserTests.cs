using System.Globalization;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>The incident screens in real Chromium: record an incident, read the decision and due dates (JST), add to the timeline, switch to English.</summary>
public sealed class IncidentBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    [Fact]
    public async Task Incident_RecordedByForm_DecisionDueDatesTimelineAndDashboard()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, app, officer);
        var aware = DateOnly.FromDateTime(app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(9)).DateTime);

        await page.ClickAsync("nav a[href='/console/incidents']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("インシデント（漏えい等）");
        await page.ClickAsync("a[href='/console/incidents/new']");
        await page.FillAsync("#title", "健康診断結果の誤送付");
        await page.SelectOptionAsync("#cause", "misdelivery");
        await page.FillAsync("#personsKnown", "1");
        await page.CheckAsync("#categories input[value=name]");
        await page.CheckAsync("#categories input[value=health-check]");
        await page.CheckAsync("#specialCare");
        await page.FillAsync("#summary", "従業員1名の健康診断結果を別の従業員に誤って送付した。");
        await page.ClickAsync("form[action='/console/incidents/new'] button[type=submit]");
        await page.ShouldBeAtAsync(@"/console/incidents/[0-9a-f-]{36}\?done=created$");

        var decision = await page.Locator("section[aria-labelledby=decision-h]").InnerTextAsync();
        decision.ShouldContain("個人情報保護委員会への報告・本人への通知が必要です");
        decision.ShouldContain("施行規則7条1号");
        decision.ShouldContain(aware.AddDays(4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));  // preliminary, day 5
        decision.ShouldContain(aware.AddDays(29).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); // final, day 30 (W-03)

        await page.FillAsync("#tl-text", "送付先に連絡し、書類の返送を依頼した。");
        await page.SelectOptionAsync("#tl-kind", "contact");
        await page.ClickAsync("form[action$='/timeline'] button[type=submit]");
        await page.ShouldBeAtAsync(@"\?done=timeline$");
        (await page.Locator("section[aria-labelledby=tl-h]").InnerTextAsync()).ShouldContain("書類の返送を依頼した");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-incident.png"), FullPage = true });

        await page.ClickAsync("a[href*='/report?kind=preliminary']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("個人データの漏えい等の報告（速報）");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("代表取締役社長 桜井 花子");
        await page.GoBackAsync();

        await page.ClickAsync("a[hreflang=en]");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        (await page.Locator("#decision-h").InnerTextAsync()).ShouldBe("Reportability (APPI Art.26)");

        await page.ClickAsync("nav a[href='/console']");
        var panel = await page.Locator("section[aria-labelledby=incidents-h]").InnerTextAsync();
        panel.ShouldContain("1 open");
        panel.ShouldContain(aware.AddDays(4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
