using Mamori.Audit;
using Mamori.Consent;
using Mamori.Policy;
using Mamori.Provision;
using Mamori.Requests;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using static Mamori.Browser.Tests.Scenario;

namespace Mamori.Browser.Tests;

/// <summary>
/// Requests (開示等の請求) in real Chromium: staff handle a letter end to end in the console; a visitor sends the
/// Japanese form and reads the status page; the form is sent by keyboard alone with visible focus. And the
/// consent and provision screens with their CSV export.
/// </summary>
public sealed class RequestBrowserTests(BrowserFixture browser, PostgresCluster cluster)
{
    private static string Status(RequestStatus s) => RequestKinds.StatusName(s).Ja;

    private static ILocator Action(IPage page, string action) => page.Locator($"form:has(input[name=action][value='{action}']) button[type=submit]");

    /// <summary>Clicks a control that posts a form and waits for the page it leads to (POST, redirect, GET).</summary>
    private static async Task SubmitAsync(IPage page, ILocator button)
    {
        await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.ResourceType == "document" && r.Status is < 300 or >= 400);
        // The document that answered has loaded (not WaitForLoadStateAsync: see Scenario.ShouldBeAtAsync).
        await page.WaitForFunctionAsync("() => document.readyState === 'complete'");
    }

    private static async Task<string> DetailAsync(IPage page) => await page.Locator("main dl").First.InnerTextAsync();

    [Fact]
    public async Task Console_PrivacyOfficer_HandlesDisclosureLetterToTheAnswer()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await IspCustomerAsync(app, tenant, "山田 太郎", "taro@example.jp", "090-1234-5678");
        var reference = await LetterRequestAsync(app, tenant, "山田 太郎", "taro@example.jp");
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, app, officer);

        // The queue, then the request.
        await page.ClickAsync("nav a[href='/console/requests']");
        await page.ClickAsync($"a:text-is('{reference}')");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe($"{reference} — 保有個人データの開示");
        (await DetailAsync(page)).ShouldContain(Status(RequestStatus.Received));

        await SubmitAsync(page, Action(page, "start"));
        (await DetailAsync(page)).ShouldContain(Status(RequestStatus.Verifying));

        // The checklist: the residence certificate (issued within a month) and one of the photo IDs.
        var checklist = page.Locator("section[aria-labelledby=checklist-h]");
        (await checklist.InnerTextAsync()).ShouldContain("住民票の写し");
        var juminhyo = checklist.Locator("form.check-item:has(input[name=document][value='住民票の写し'])");
        // The box must be ticked: without it the browser does not send the form.
        await juminhyo.Locator("button").ClickAsync();
        (await DetailAsync(page)).ShouldContain(Status(RequestStatus.Verifying));
        (await checklist.Locator("li.done").CountAsync()).ShouldBe(0);
        await juminhyo.Locator("input[type=checkbox]").CheckAsync();
        var issued = RequestClock.Day(app.Clock.GetUtcNow()).AddDays(-5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await juminhyo.Locator("input[type=date]").FillAsync(issued);
        await SubmitAsync(page, juminhyo.Locator("button"));
        (await checklist.Locator("li.done").InnerTextAsync()).ShouldContain("住民票の写し");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-request.png"), FullPage = true });

        var licence = checklist.Locator("form.check-item:has(input[name=document][value='運転免許証の写し'])");
        await licence.Locator("input[type=checkbox]").CheckAsync();
        await SubmitAsync(page, licence.Locator("button"));
        (await checklist.InnerTextAsync()).ShouldContain("必要な書類はそろっています");

        // Verified: the disclosure fee is invoiced and the clock pauses until payment.
        await SubmitAsync(page, Action(page, "verify"));
        (await DetailAsync(page)).ShouldContain(Status(RequestStatus.AwaitingPayment));
        (await page.Locator("#fee-status").InnerTextAsync()).ShouldBe("1,100 円 — 入金待ち（期限停止中）");
        (await checklist.InnerTextAsync()).ShouldContain("本人確認済み");

        await page.FillAsync("#reference", "振込 0001");
        await SubmitAsync(page, Action(page, "payment"));
        (await DetailAsync(page)).ShouldContain(Status(RequestStatus.InProgress));
        (await page.Locator("#fee-status").InnerTextAsync()).ShouldStartWith("1,100 円 — 入金確認済み");

        // Answering asks first; the answer goes only once staff accept.
        string? asked = null;
        EventHandler<IDialog> Accept = (_, dialog) =>
        {
            asked = dialog.Message;
            _ = dialog.AcceptAsync(); // the click waits for the navigation the accepted dialog lets through
        };
        page.Dialog += Accept;
        await SubmitAsync(page, Action(page, "execute"));
        page.Dialog -= Accept;
        asked.ShouldBe("実行して本人に回答します。送った回答は取り消せません。よろしいですか？");
        (await DetailAsync(page)).ShouldContain(Status(RequestStatus.Answered));
        (await page.Locator("main").InnerTextAsync()).ShouldNotContain("操作");

        // The answer, previewed inside the console.
        await page.ClickAsync("a:text-is('回答をプレビューする')");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe($"回答のプレビュー {reference}");
        var answer = await page.Locator("article.answer-preview").InnerTextAsync();
        answer.ShouldContain("保有個人データ開示書");
        answer.ShouldContain(reference);
        answer.ShouldContain("山田 太郎");
        var downloads = await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.AuditEvents.Count(e =>
            e.Code == AuditCode.RequestAnswerDownloaded && e.ActorId == officer.Id.ToString())));
        downloads.ShouldBe(1);
    }

    /// <summary>The demo policy with the web form among the request channels (the demo takes letters only).</summary>
    private static Task PublishWebFormPolicyAsync(TestApp app, Guid tenant) => app.InTenantAsync(tenant, async (sp, _) =>
    {
        var model = PolicyLoader.LoadDirectory(Path.Combine(RepoRoot(), "policy", "examples")).Policy!;
        var web = model with { RequestProcedures = model.RequestProcedures! with { Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm] } };
        return await sp.GetRequiredService<PolicyStore>().PublishAsync(web, RequestClock.Day(app.Clock.GetUtcNow()), null, Actor.System, Ct);
    });

    [Fact]
    public async Task PublicForm_VisitorInJapanese_SubmitsThenReadsStatus()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await PublishWebFormPolicyAsync(app, tenant);
        await IspCustomerAsync(app, tenant, "佐藤 花子", "hanako@example.jp", "090-2222-3333");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, "/requests").ToString());
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("ja");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("開示等のご請求");
        await page.SelectOptionAsync("#kind", "disclosure");
        await page.FillAsync("#name", "佐藤 花子");
        await page.FillAsync("#email", "hanako@example.jp");
        await page.FillAsync("#details", "登録されている情報の開示をお願いします。");
        await SubmitAsync(page, page.Locator("form[action='/requests'] button[type=submit]"));

        (await page.Locator("h1").InnerTextAsync()).ShouldBe("ご請求を受け付けました");
        var reference = await page.Locator("main strong").InnerTextAsync();
        reference.ShouldNotBeNullOrWhiteSpace();
        await page.ClickAsync("a:text-is('ご請求の状況を確認する')");
        await page.ShouldBeAtAsync("/requests/status/[^/]+$");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("ご請求の状況");
        var status = await page.Locator("main dl").InnerTextAsync();
        status.ShouldContain(reference);
        status.ShouldContain("保有個人データの開示");
        status.ShouldContain(Status(RequestStatus.Received));
        (await page.Locator("main").InnerTextAsync()).ShouldContain("回答期限の目安");

        // The Japanese arrived intact and sealed with the request.
        var details = await app.InTenantAsync(tenant, async (sp, db) =>
        {
            var requests = sp.GetRequiredService<DataSubjectRequests>();
            var r = db.Set<DataSubjectRequest>().Single(x => x.Reference == reference);
            return await Task.FromResult(requests.Details(r));
        });
        details.Name.ShouldBe("佐藤 花子");
        details.Details.ShouldBe("登録されている情報の開示をお願いします。");
    }

    // Regression (walkthrough L7): the form showed the disclosure method, the correction and 23 items to process whatever kind was
    // chosen. Each kind's fields now show only while that kind is chosen: by the stylesheet alone, the page has no script.
    [Fact]
    public async Task PublicForm_KindChosen_OnlyItsFieldsShown()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await PublishWebFormPolicyAsync(app, tenant);
        await IspCustomerAsync(app, tenant, "伊藤 三郎", "saburo@example.jp", "090-4444-5555");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/requests").ToString());
        (await page.Locator("script").CountAsync()).ShouldBe(0);

        var fields = new[] { "input[name=method][value=paper]", "#correctionItem", "#correctionValue", "input[name=categories][value=email]" };
        foreach (var (kind, shown) in new (string, string[])[]
        {
            ("purpose-notification", []), ("disclosure", ["input[name=method][value=paper]"]), ("provision-records", ["input[name=method][value=paper]"]),
            ("correction", ["#correctionItem", "#correctionValue"]), ("erasure", []), ("anonymization", ["input[name=categories][value=email]"]), ("complaint", []),
        })
        {
            await page.SelectOptionAsync("#kind", kind);
            foreach (var field in fields) (await page.Locator(field).IsVisibleAsync()).ShouldBe(shown.Contains(field), $"{kind}: {field}");
        }

        // A correction sent by the browser's own form submission: the hidden fields of other kinds change nothing.
        await page.SelectOptionAsync("#kind", "correction");
        await page.FillAsync("#name", "伊藤 三郎");
        await page.FillAsync("#email", "saburo@example.jp");
        await page.SelectOptionAsync("#correctionItem", "phone");
        await page.FillAsync("#correctionValue", "090-9999-0000");
        await SubmitAsync(page, page.Locator("form[action='/requests'] button[type=submit]"));
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("ご請求を受け付けました");
        var details = await app.InTenantAsync(tenant, async (sp, db) =>
            sp.GetRequiredService<DataSubjectRequests>().Details(await Task.FromResult(db.Set<DataSubjectRequest>().Single(r => r.Kind == RequestKind.Correction))));
        details.Corrections.ShouldBe(new Dictionary<string, string> { ["phone"] = "090-9999-0000" });
        details.Categories.ShouldBeNull();
    }

    // Regression (review against the demo): the console's entry form had no field for a correction's item and content, nor for the
    // items to anonymise, so every such letter was refused (MAMORI-5022); and a reload of its answer entered the letter again. The
    // form now has the public form's fields, shown per kind by the stylesheet alone, and works with scripts off; a reload shows the
    // request it entered.
    [Fact]
    public async Task Console_CorrectionLetterWithoutScript_OnlyItsFieldsShownAndAReloadEntersNothing()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        await using var context = await browser.NewContextAsync(new() { JavaScriptEnabled = false });
        var page = await SignInAsync(context, app, officer);
        await page.GotoAsync(new Uri(app.BaseAddress, "/console/requests/new").ToString());

        var fields = new[] { "#method", "#correctionItem", "#correctionValue", "input[name=categories][value=email]" };
        foreach (var (kind, shown) in new (string, string[])[]
        {
            ("disclosure", ["#method"]), ("correction", ["#correctionItem", "#correctionValue"]), ("erasure", []),
            ("anonymization", ["input[name=categories][value=email]"]), ("complaint", []),
        })
        {
            await page.SelectOptionAsync("#kind", kind);
            foreach (var field in fields) (await page.Locator(field).IsVisibleAsync()).ShouldBe(shown.Contains(field), $"{kind}: {field}");
        }

        await page.SelectOptionAsync("#kind", "correction");
        await page.SelectOptionAsync("#service", "isp");
        await page.SelectOptionAsync("#channel", "CertifiedMail");
        await page.FillAsync("#name", "高橋 五郎");
        await page.FillAsync("#address", "東京都港区1-1-1");
        await page.SelectOptionAsync("#correctionItem", "address");
        await page.FillAsync("#correctionValue", "東京都港区2-2-2");
        await SubmitAsync(page, page.Locator("form[action='/console/requests/new'] button[type=submit]"));
        var entered = await page.Locator("h1").InnerTextAsync();
        entered.ShouldStartWith("受付しました: R-");
        var link = await page.Locator("main code").InnerTextAsync();

        // The browser's reload posts the form again: the same request and link, and a note that nothing new was entered.
        await page.ReloadAsync();
        (await page.Locator("h1").InnerTextAsync()).ShouldBe(entered);
        (await page.Locator("main code").InnerTextAsync()).ShouldBe(link);
        (await page.Locator("main [role=status]").InnerTextAsync()).ShouldContain("新しい請求は登録していません");
        var requests = await app.InTenantAsync(tenant, (sp, db) => Task.FromResult(db.Set<DataSubjectRequest>().ToList()
            .Select(r => (r.ServiceId, sp.GetRequiredService<DataSubjectRequests>().Details(r).Corrections)).ToList()));
        var (service, corrections) = requests.ShouldHaveSingleItem();
        service.ShouldBe("isp");
        corrections.ShouldBe(new Dictionary<string, string> { ["address"] = "東京都港区2-2-2" });
    }

    // Regression (walkthrough L15): the upload form on the status page offered 代理人 and 法定代理人 to anyone, with one list of
    // documents whatever group was chosen. An agent now chooses from the documents of the person's and the agent's groups only.
    [Fact]
    public async Task StatusPage_AgentUploads_DocumentChosenWithinItsGroup()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await IspCustomerAsync(app, tenant, "中村 四郎", "shiro@example.jp", "090-6666-7777");
        var token = await app.InTenantAsync(tenant, async (sp, _) => (await sp.GetRequiredService<DataSubjectRequests>().SubmitAsync(new RequestIntake
        {
            Kind = "disclosure", Channel = RequestChannel.CertifiedMail, RequesterRole = RequesterRole.Agent, AgentName = "中村 一子",
            Name = "中村 四郎", Email = "shiro@example.jp", Address = "東京都千代田区1-2-3",
        }, Actor.System, Ct)).StatusToken);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"/requests/status/{token}").ToString());

        (await page.Locator("#document optgroup").EvaluateAllAsync<string[]>("gs => gs.map(g => g.label)")).ShouldBe(["ご本人確認の書類", "代理人の書類"]);
        (await page.Locator("#document optgroup[label='代理人の書類'] option").AllInnerTextsAsync())
            .ShouldBe(["委任状（実印を押印したもの）", "委任状に押印した印鑑の印鑑登録証明書（発行から3か月以内のもの）", "代理人の運転免許証・旅券等の写し"]);
        await page.SelectOptionAsync("#document", new SelectOptionValue { Label = "委任状（実印を押印したもの）" });
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "proxy.pdf", MimeType = "application/pdf", Buffer = [.. "%PDF-1.4\n%test\n"u8] });
        await SubmitAsync(page, page.Locator("form[action$='/documents'] button[type=submit]"));

        await page.ShouldBeAtAsync("/requests/status/[^/]+$");
        (await page.Locator("#document optgroup[label='代理人の書類'] option").AllInnerTextsAsync()).ShouldNotContain("委任状（実印を押印したもの）");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("代理人の運転免許証・旅券等の写し");
        var held = await app.InTenantAsync(tenant, (_, db) => Task.FromResult(db.Set<RequestDocument>().Single()));
        (held.Group, held.Name).ShouldBe((DocumentGroup.Proxy, "委任状（実印を押印したもの）"));
    }

    /// <summary>Presses Tab until <paramref name="selector"/> has focus, checking that every element reached shows a visible focus ring.</summary>
    internal static async Task TabToAsync(IPage page, string selector, List<string> visited)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var (tag, outline, width) = (await page.EvaluateAsync<string>("document.activeElement.tagName"),
                await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle"),
                await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineWidth"));
            var id = await page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.name || document.activeElement.textContent.trim().slice(0, 20)");
            visited.Add($"{tag}#{id}");
            outline.ShouldBe("solid", $"focus must be visible on {tag}#{id}");
            width.ShouldBe("3px", $"focus ring width on {tag}#{id}");
            if (await page.EvaluateAsync<bool>($"document.activeElement.matches({System.Text.Json.JsonSerializer.Serialize(selector)})")) return;
        }
        throw new ShouldAssertException($"Tab never reached {selector}; visited {string.Join(", ", visited)}");
    }

    [Fact]
    public async Task PublicForm_KeyboardOnly_SubmittedWithVisibleFocus()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        await PublishWebFormPolicyAsync(app, tenant);
        await IspCustomerAsync(app, tenant, "鈴木 一郎", "ichiro@example.jp", "090-3333-4444");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/requests").ToString());
        var visited = new List<string>();

        // The first stop is the skip link, shown when focused.
        await TabToAsync(page, "a.skip", visited);
        (await page.Locator("a.skip").IsVisibleAsync()).ShouldBeTrue();
        await TabToAsync(page, "#kind", visited);
        // The arrow keys choose a kind without opening the list: on to anonymisation, whose items to process then show.
        while (await page.InputValueAsync("#kind") != "anonymization") await page.Keyboard.PressAsync("ArrowDown");
        await TabToAsync(page, "#name", visited);
        await page.Keyboard.TypeAsync("鈴木 一郎");
        await TabToAsync(page, "#email", visited);
        await page.Keyboard.TypeAsync("ichiro@example.jp");
        // A checkbox ticked with Space.
        await TabToAsync(page, "input[name=categories][value=email]", visited);
        await page.Keyboard.PressAsync("Space");
        (await page.Locator("input[name=categories][value=email]").IsCheckedAsync()).ShouldBeTrue();
        await page.Keyboard.PressAsync("Space");
        (await page.Locator("input[name=categories][value=email]").IsCheckedAsync()).ShouldBeFalse();
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "#details", visited);
        await page.Keyboard.TypeAsync("メールアドレスを伏せてください。");
        await TabToAsync(page, "form[action='/requests'] button[type=submit]", visited);
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForSelectorAsync("h1:text-is('ご請求を受け付けました')");
        var reference = await page.Locator("main strong").InnerTextAsync();
        // On to the status page by keyboard as well.
        await TabToAsync(page, "main a[href*='/requests/status/']", visited);
        await page.Keyboard.PressAsync("Enter");
        await page.ShouldBeAtAsync("/requests/status/[^/]+$");
        var status = await page.Locator("main dl").InnerTextAsync();
        status.ShouldContain(reference);
        status.ShouldContain("匿名化等の加工");
        visited.Count.ShouldBeGreaterThan(8);
    }

    [Fact]
    public async Task Console_Auditor_RecipientRecordsAndCsvExport()
    {
        var (app, tenant) = await StartAsync(cluster);
        await using var _ = app;
        var person = await IspCustomerAsync(app, tenant, "高橋 次郎", "jiro@example.jp", "090-5555-6666");
        await app.InTenantAsync(tenant, async (sp, _) =>
        {
            await sp.GetRequiredService<Consents>().RecordAsync(person, new RecordConsentRequest(["provision:carriers"], true, ConsentMethod.Paper), Actor.System, Ct);
            return await sp.GetRequiredService<Provisions>().ProvideAsync(new ProvisionRequest("carriers", ProvisionBasisKind.Consent, ["name", "phone"], [person]),
                [Roles.PrivacyOfficer], Actor.System, Ct);
        });
        var auditor = await app.UserAsync(tenant, Roles.Auditor);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true });
        var page = await SignInAsync(context, app, auditor);

        await page.ClickAsync("nav a[href='/console/provisions']");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("第三者提供の記録");
        await page.ClickAsync("a[href='/console/provisions/recipients/carriers']");
        (await page.Locator("h1").InnerTextAsync()).ShouldContain("不払者情報交換に参加する電気通信事業者");
        var records = await page.Locator("section[aria-labelledby=rr-h]").InnerTextAsync();
        records.ShouldContain("本人の同意");
        records.ShouldContain("氏名");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("console-provisions.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("section[aria-labelledby=rr-h] form button[type=submit]"));
        download.SuggestedFilename.ShouldStartWith("provision-records-recipient-");
        var path = await download.PathAsync();
        var lines = (await File.ReadAllTextAsync(path, Ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("第三者提供・受領の記録（個人情報保護法第29条・第30条）,");
        lines[2].ShouldBe("絞り込み,提供先・提供元: carriers");
        lines[6].ShouldStartWith("記録ID (record_id),提供・受領 (direction),根拠 (basis),");
        lines.Length.ShouldBe(8);
        lines[7].ShouldContain($",name phone,1,{person},");

        // The person's page, reached by id, in Japanese and then English.
        await page.ClickAsync("nav a[href='/console/consents']");
        await page.FillAsync("#subject", person.ToString());
        await SubmitAsync(page, page.Locator("form[action='/console/consents'] button[type=submit]"));
        await page.ShouldBeAtAsync($"/console/consents/subjects/{person}$");
        (await page.Locator("section[aria-labelledby=now-h]").InnerTextAsync()).ShouldContain("第三者提供: 不払者情報交換に参加する電気通信事業者");
        await page.ClickAsync("a[hreflang=en]");
        (await page.Locator("section[aria-labelledby=now-h]").InnerTextAsync()).ShouldContain("Provision to: Telecommunications carriers");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
    }
}
