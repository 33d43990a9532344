using Mamori.Anonymization;
using Mamori.Audit;
using Mamori.Datasets;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>The dataset pages in real Chromium: from the menu to a pseudonymized dataset, and its key deleted only once the box is ticked.</summary>
public sealed class DatasetBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    [Fact]
    public async Task Datasets_PrivacyOfficer_SeesWhatIsPublishedAndDeletesAKey()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var id = await app.InTenantAsync(tenant, async (sp, _) =>
        {
            var datasets = sp.GetRequiredService<ProcessedDatasets>();
            await datasets.RegisterAnonymizedAsync(new AnonymizedRegistration("年代別傾向", ["age", "disease"], "k-anonymity (k = 5)", 40, 5, null, "暗号化したファイルの送付",
                new Dictionary<string, Mamori.Policy.LocalizedText> { ["age"] = new("年齢（5歳刻み）"), ["disease"] = new("病名") }),
                Actor.System, Ct);
            return (await datasets.PseudonymizeAsync(new PseudonymizeRequest("購買分析", ["marketing"],
                new Dictionary<string, PseudonymColumnSpec> { ["customer_id"] = new(PseudonymColumnKind.Identifier, "customer") },
                new Table(["customer_id", "plan"], [["C-001", "fiber"], ["C-002", "mobile"]])), Actor.System, Ct)).Dataset.Id;
        });
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, app, officer);

        await page.ClickAsync("nav a[href='/console/datasets']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("仮名加工情報・匿名加工情報");
        var table = await page.Locator("table").InnerTextAsync();
        table.ShouldContain("項目: 年齢（5歳刻み）、病名");
        table.ShouldContain("第三者提供の方法: 暗号化したファイルの送付");
        table.ShouldContain("あり（鍵リング）");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-datasets.png"), FullPage = true });

        await page.ClickAsync($"a[href='/console/datasets/{id}']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("購買分析");
        // Unticked, the browser keeps the form (the box is required); nothing is deleted.
        await page.ClickAsync("form[action$='/key/delete'] button[type=submit]");
        (await page.EvaluateAsync<bool>("() => document.querySelector('#key-delete-confirm').validity.valueMissing")).ShouldBeTrue();
        page.Url.ShouldEndWith($"/console/datasets/{id}");
        await page.CheckAsync("#key-delete-confirm");
        await page.ClickAsync("form[action$='/key/delete'] button[type=submit]");
        await page.ShouldBeAtAsync(@"\?done=key-deleted#key$");
        (await page.Locator("p[role=status]").InnerTextAsync()).ShouldStartWith("鍵を削除しました。");
        (await page.Locator("section[aria-labelledby=key]").InnerTextAsync()).ShouldContain("削除済み");
        (await page.Locator("form[action$='/key/delete']").CountAsync()).ShouldBe(0);

        await page.ClickAsync("a[hreflang=en]");
        (await page.Locator("#key").InnerTextAsync()).ShouldBe("Pseudonymization key");
    }
}
