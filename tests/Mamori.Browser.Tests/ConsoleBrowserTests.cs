using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>The staff console in real Chromium: sign-in, dashboard, subject search with masking, keyboard use.</summary>
public sealed class ConsoleBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    [Fact]
    public async Task Login_PrivacyOfficer_DashboardShowsPolicyChainKeysAndVerifies()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        for (var i = 0; i < 3; i++) await IspCustomerAsync(app, tenant, $"山田 太郎{i}", $"taro{i}@example.jp", $"090-1234-56{i:D2}");
        await SmsUserAsync(app, tenant, "080-2222-3333");
        var reference = await LetterRequestAsync(app, tenant, "山田 太郎0", "taro0@example.jp");
        await LetterRequestAsync(app, tenant, "山田 太郎1", "taro1@example.jp");
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer, Roles.Admin);
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, app, officer);

        (await page.Locator("h1").InnerTextAsync()).ShouldBe("ダッシュボード");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("ja");
        var policy = await page.Locator("section[aria-labelledby=policy-h]").InnerTextAsync();
        policy.ShouldContain("第1版");
        policy.ShouldContain("2026-04-01");
        var subjects = await page.Locator("section[aria-labelledby=subjects-h]").InnerTextAsync();
        subjects.ShouldContain("4");
        var keys = await page.Locator("section[aria-labelledby=keys-h]").InnerTextAsync();
        keys.ShouldContain("現行");
        var requests = await page.Locator("section[aria-labelledby=requests-h]").InnerTextAsync();
        requests.ShouldContain("2 件 対応中");
        requests.ShouldContain(reference);

        await page.ClickAsync("form[action='/console/audit/verify'] button");
        await page.ShouldBeAtAsync(@"/console\?done=verified$");
        (await page.Locator("section[aria-labelledby=audit-h]").InnerTextAsync()).ShouldContain("改ざんなし");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-dashboard.png"), FullPage = true });

        await page.ClickAsync("a[hreflang=en]");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Dashboard");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
    }

    [Fact]
    public async Task DepartmentManager_FromMenu_SeesDepartmentAssignsRequestAndStartsReview()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        for (var i = 0; i < 2; i++) await IspCustomerAsync(app, tenant, $"山田 太郎{i}", $"taro{i}@example.jp", $"090-1234-56{i:D2}");
        var reference = await LetterRequestAsync(app, tenant, "山田 太郎0", "taro0@example.jp");
        var manager = await app.UserAsync(tenant, Roles.Operator);
        await app.InTenantAsync(tenant, async (sp, _) =>
        {
            var org = sp.GetRequiredService<Governance.Organisation.Organisation>();
            await org.AssignAsync(manager.Id, "isp", "課長", Audit.Actor.System, Ct);
            await org.SaveDepartmentAsync("isp", new Governance.Organisation.DepartmentChange(ManagerUserId: manager.Id), Audit.Actor.System, Ct);
            await org.SetResponsibilityAsync(Governance.Organisation.ResponsibilityKind.Category, "inquiry", "isp", null, Audit.Actor.System, Ct);
            return 0;
        });
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, app, manager);

        // An operator has no organisation page: the department is in the menu.
        await page.ClickAsync("nav a[href='/console/governance/departments']");
        await page.ClickAsync("a[href='/console/governance/departments/isp']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("部門: ISP事業部");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("この部門が担当する対応中の請求はありません");

        // The request is routed to the department on its page.
        await page.GotoAsync(new Uri(app.BaseAddress, "/console/requests").ToString());
        await page.ClickAsync($"a:text-is('{reference}')");
        await page.SelectOptionAsync("#department", "isp");
        await page.ClickAsync("form:has(#department) button[type=submit]");
        await page.ShouldBeAtAsync(@"\?done=department$");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("担当部門を保存しました。");

        await page.GotoAsync(new Uri(app.BaseAddress, "/console/governance/departments/isp").ToString());
        var main = await page.Locator("main").InnerTextAsync();
        main.ShouldContain(reference);
        main.ShouldContain(manager.Email);
        main.ShouldNotContain("taro0@example.jp");
        (await page.Locator("table[aria-labelledby=retention-h] tbody th").InnerTextAsync()).ShouldContain("お問合せ内容");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-department.png"), FullPage = true });

        await page.ClickAsync("button:text-is('棚卸しを開始')");
        await page.ShouldBeAtAsync("/console/governance/access-reviews/[0-9a-f-]{36}$");
    }

    [Fact]
    public async Task SubjectSearch_OperatorByPhone_ValueMaskedAndViewAudited()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var id = await SmsUserAsync(app, tenant, "080-2222-3333");
        var operatorUser = await app.UserAsync(tenant, Roles.Operator);
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, app, operatorUser);

        await page.ClickAsync("nav a[href='/console/subjects']");
        await page.SelectOptionAsync("#purpose", "verification");
        await page.CheckAsync("input[name=by][value=phone]");
        await page.FillAsync("#value", "08022223333");
        await page.ClickAsync("form[action='/console/subjects/find'] button[type=submit]");

        page.Url.ShouldNotContain("2222");
        var card = page.Locator("article.subject");
        (await card.CountAsync()).ShouldBe(1);
        var text = await card.InnerTextAsync();
        text.ShouldContain(id.ToString());
        text.ShouldContain("080-****-3333");
        text.ShouldNotContain("080-2222-3333");
        text.ShouldContain("2026-11-01 認証成功");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-subject-search.png"), FullPage = true });

        var views = await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.AuditEvents.Count(e =>
            e.Code == Audit.AuditCode.AccessAllowed && e.SubjectId == id.ToString() && e.Purpose == "verification" && e.ActorId == operatorUser.Id.ToString())));
        views.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Login_KeyboardOnly_ReachesDashboardWithVisibleFocus()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/login").ToString());

        // The skip link comes first, then the form; the email field has autofocus.
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("email");
        await page.Keyboard.TypeAsync(officer.Email);
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("password");
        (await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle")).ShouldBe("solid");
        await page.Keyboard.TypeAsync(TestApp.Password);
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.tagName + ':' + document.activeElement.type")).ShouldBe("BUTTON:submit");
        await page.Keyboard.PressAsync("Enter");
        await page.ShouldBeAtAsync("/console$");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("ダッシュボード");

        // From the top of the page, the first Tab reaches the skip link, which moves focus to the content.
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.className")).ShouldBe("skip");
        (await page.Locator("a.skip").IsVisibleAsync()).ShouldBeTrue();
    }
}
