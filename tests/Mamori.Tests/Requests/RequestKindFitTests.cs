using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mamori.Access;
using Mamori.Notifications;
using Mamori.Policy;
using Mamori.Requests;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Shouldly;
using Site = Mamori.Tests.Console.ConsoleScenario;
using static Mamori.Tests.Vault.VaultScenario;
using Person = Mamori.Tests.Vault.VaultScenario.Person;

namespace Mamori.Tests.Requests;

/// <summary>
/// Regressions from a review against <c>mamori serve --demo</c>: what a request's page, answer and messages say must fit its kind
/// and state. A staff correction dropped the person's other items; a refusal as unjustified went out without its reasons; a
/// complaint's page offered a fee waiver, an identity refusal and an Art.39 date; receipts told a complaint and an answered
/// request about documents, fees and a deadline; a future issue date was called too old; brackets opened full-width closed
/// half-width.
/// </summary>
public sealed class RequestKindFitTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    /// <summary>A letter of <paramref name="kind"/> from an ISP customer (address declared, phone held), verified and in progress.</summary>
    private static async Task<(RequestScenario S, Guid Request, Guid Subject)> InProgressAsync(string provider, PostgresCluster cluster, string kind, object? extra = null)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        var p = NewPerson();
        var subject = await IspCustomerAsync(s.App, s.Tenant, p);
        var (id, _, _) = await s.LetterAsync(kind, p, extra);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        (await s.PostAsync(id, "verify")).GetProperty("status").GetString().ShouldBe("in-progress");
        return (s, id, subject);
    }

    private static async Task<List<string>> MessagesAsync(TestApp app, Guid tenant)
    {
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<OutboxDispatcher>().DispatchAsync(Ct));
        var dir = Path.Combine(app.Database.DataDir, "outbox");
        return [.. (Directory.Exists(dir) ? Directory.GetFiles(dir, "*.eml") : []).Select(f =>
        {
            var m = MimeKit.MimeMessage.Load(new MemoryStream(File.ReadAllBytes(f)), Ct);
            return m.Subject + "\n" + m.TextBody;
        })];
    }

    // Review finding 1: 訂正する項目 = phone replaced the whole request, so the address the person asked to correct was silently
    // left as it was, and the answer said 「訂正：phone」.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Correction_StaffCorrectsOneItem_OtherItemsCorrectedAsAskedAnswerByName(string provider)
    {
        const string address = "東京都港区芝公園4-2-8";
        var (s, id, subject) = await InProgressAsync(provider, cluster, "correction",
            new { corrections = new Dictionary<string, string> { ["address"] = address, ["phone"] = "abc", ["favourite-colour"] = "青" } });
        await using var _ = s.App;

        // The person's phone number is not one: nothing changes until staff give the correct content.
        var refused = await s.Staff.PostAsJsonAsync($"/api/requests/{id}/execute", new { }, Ct);
        await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5022");
        // Staff's item without content is refused too, before anything changes.
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/execute", new { corrections = new Dictionary<string, string> { ["phone"] = " " } }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5022");

        var answered = await s.PostAsync(id, "execute", new { corrections = new Dictionary<string, string> { ["phone"] = "090-1111-2222" } });
        answered.GetProperty("outcome").GetString().ShouldBe("executed");
        var read = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(
            new DecisionRequest(subject, "service-provision", ["address", "phone"], [Roles.Operator]), Mamori.Audit.Actor.System, Ct));
        read.Values["address"].ShouldBe(address);
        read.Values["phone"].ShouldBe("090-1111-2222");

        // Art.34(3): what was corrected, with its content, by the policy's names; what was not, and why; what staff changed.
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        var items = json.GetProperty("items").EnumerateArray().Select(i => i.GetString()!).ToList();
        items.ShouldContain($"訂正：住所「{address}」、電話番号「090-1111-2222」");
        items.ShouldContain("次の項目は、当社がご本人について保有する個人データ（保有個人データ）の項目ではないため、訂正していません：favourite-colour");
        items.ShouldContain("次の項目は、調査の結果、ご請求とは異なる内容に訂正しました（内容は上記のとおりです）：電話番号");
        items.ShouldNotContain(i => i.Contains("phone") || i.Contains("address"));
        var itemsEn = json.GetProperty("itemsEn").EnumerateArray().Select(i => i.GetString()!).ToList();
        itemsEn.ShouldContain($"Corrected: Address to \"{address}\"; Phone number to \"090-1111-2222\"");
        itemsEn.ShouldContain("After investigation, these items were corrected to content other than you asked (shown above): Phone number");
        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        html.ShouldContain("訂正：住所「");
        html.ShouldNotContain("訂正：phone");
    }

    // The console's execute form: the item is chosen among those asked, by name, and replaces only that item's content.
    [Fact]
    public async Task Correction_ConsoleOverride_OnlyThatItemReplacedPersonsItemsByName()
    {
        var (s, id, subject) = await InProgressAsync(Providers.Sqlite, cluster, "correction",
            new { corrections = new Dictionary<string, string> { ["address"] = "東京都港区芝公園4-2-8", ["phone"] = "abc" } });
        await using var _ = s.App;
        var console = await Site.SessionAsync(s.App, s.Tenant, Roles.PrivacyOfficer);
        var page = await console.GetStringAsync($"/console/requests/{id}");
        page.ShouldContain("<dd>住所 → 東京都港区芝公園4-2-8; 電話番号 → abc</dd>");
        page.ShouldContain("""<option value="address">住所</option><option value="phone">電話番号</option>""");

        var done = await console.PostAsync($"/console/requests/{id}", $"/console/requests/{id}/action",
            [F("action", "execute"), F("correctionItem", "phone"), F("correctionValue", "090-1111-2222"), F("note", "")]);
        done.StatusCode.ShouldBe(HttpStatusCode.Redirect, await done.Content.ReadAsStringAsync(Ct));
        var read = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(
            new DecisionRequest(subject, "service-provision", ["address", "phone"], [Roles.Operator]), Mamori.Audit.Actor.System, Ct));
        read.Values["address"].ShouldBe("東京都港区芝公園4-2-8");
        read.Values["phone"].ShouldBe("090-1111-2222");
    }

    // Review finding 2: 「…（理由の詳細は下記のとおりです）。」 followed by nothing.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refuse_UnjustifiedWithoutNote_RefusedRequestStaysOpen(string provider)
    {
        var (s, id, _) = await InProgressAsync(provider, cluster, "erasure");
        await using var _ = s.App;
        foreach (var note in new string?[] { null, "", "  \n " })
            await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/refuse", new { reason = "unjustified", note }, Ct))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5022");
        (await s.GetAsync(id)).GetProperty("status").GetString().ShouldBe("in-progress");
        var reasons = await s.OkAsync(await s.Staff.GetAsync("/api/requests/refusal-reasons", Ct));
        reasons.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "unjustified").GetProperty("noteRequired").GetBoolean().ShouldBeTrue();
        reasons.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "no-grounds").GetProperty("noteRequired").GetBoolean().ShouldBeFalse();

        // The console says why, in Japanese, and keeps the reason chosen.
        var console = await Site.SessionAsync(s.App, s.Tenant, Roles.PrivacyOfficer);
        var refusedPage = await console.PostAsync($"/console/requests/{id}", $"/console/requests/{id}/action", [F("action", "refuse"), F("reason", "unjustified"), F("note", "")]);
        var html = await refusedPage.Content.ReadAsStringAsync(Ct);
        refusedPage.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("「ご請求に理由がない」（法36条）としてお断りする場合は、その理由を補足に記入してください（本人への回答に記載されます）。 (MAMORI-5022)");
        html.ShouldContain("""<option value="unjustified" selected>""");

        var refused = await s.PostAsync(id, "refuse", new { reason = "unjustified", note = "ご本人の契約は継続中であり、消去の要件に該当しません。" });
        refused.GetProperty("status").GetString().ShouldBe("refused");
        Encoding.UTF8.GetString(await s.AnswerAsync(id, "html")).ShouldContain("<p>ご本人の契約は継続中であり、消去の要件に該当しません。</p>");
        // The message says where the details are (the note stays in the answer behind the status link).
        (await MessagesAsync(s.App, s.Tenant)).ShouldContain(m => m.Contains("（理由の詳細は下記のとおりです）。\n理由の詳細は回答書に記載しています。"));
    }

    /// <summary>A complaint from the web form (the demo takes complaints by any channel), started by staff.</summary>
    private static Task<Guid> ComplaintAsync(TestApp app, Guid tenant, bool start = false) => app.InTenantAsync(tenant, async (sp, _) =>
    {
        var requests = sp.GetRequiredService<DataSubjectRequests>();
        var id = (await requests.SubmitAsync(new RequestIntake
        {
            Kind = "complaint", Channel = RequestChannel.WebForm, Name = "試験 花子", Email = "hanako@example.jp", Details = "電話がつながりません。",
        }, Mamori.Audit.Actor.System, Ct)).Request.Id;
        if (start) await requests.StartVerificationAsync(id, Mamori.Audit.Actor.System, Ct);
        return id;
    });

    // Review finding 3: a complaint's page showed the Art.39 date, offered a fee waiver and the Art.37 refusal although 本人確認 不要.
    [Fact]
    public async Task Complaint_Page_NoArt39DateNoWaiverNoIdentityRefusal()
    {
        var (app, tenant, _) = await Site.StartAsync(cluster);
        await using var __ = app;
        await Site.RequesterHeldAsync(app, tenant);
        var complaint = await ComplaintAsync(app, tenant);
        var s = await Site.SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var page = await s.GetStringAsync($"/console/requests/{complaint}");
        page.ShouldContain("<dd>不要</dd>");
        page.ShouldNotContain("訴え提起が可能となる日");
        page.ShouldNotContain("""value="waive">""");
        page.ShouldContain("""<dd id="fee-status">なし</dd>""");
        Regex.Matches(page, """<option value="([a-z-]+)"[^>]*>法\d""").Select(m => m.Groups[1].Value).ShouldBe(["unjustified"]);

        // A disclosure still has all three.
        var (disclosure, _) = await Site.RequestAsync(app, tenant);
        var other = await s.GetStringAsync($"/console/requests/{disclosure}");
        other.ShouldContain("<dt>訴え提起が可能となる日（法39条）</dt>");
        other.ShouldContain("""value="waive">""");
        other.ShouldContain("""<option value="identity-not-verified">""");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Complaint_Api_NoArt39DateAndWhatDoesNotApplyIsRefused(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var id = await ComplaintAsync(s.App, s.Tenant);
        var view = await s.GetAsync(id);
        view.GetProperty("suitPossibleFrom").ValueKind.ShouldBe(JsonValueKind.Null);
        view.GetProperty("dueOn").ValueKind.ShouldBe(JsonValueKind.String); // the company's own answer period still runs

        async Task RefusedAsync(string action, object body, HttpStatusCode status, string code) =>
            await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/{action}", body, Ct)).ShouldBeProblemAsync(status, code);
        await RefusedAsync("waive", new { reason = "お客さま対応" }, HttpStatusCode.Conflict, "MAMORI-5006");
        await RefusedAsync("refuse", new { reason = "identity-not-verified" }, HttpStatusCode.BadRequest, "MAMORI-5017");
        await RefusedAsync("ask-documents", new { }, HttpStatusCode.Conflict, "MAMORI-5006");
        await RefusedAsync("documents/checked", new { group = "identity", name = "運転免許証の写し" }, HttpStatusCode.Conflict, "MAMORI-5006");
        await RefusedAsync("no-data", new { }, HttpStatusCode.Conflict, "MAMORI-5006");
        var after = await s.GetAsync(id);
        after.GetProperty("status").GetString().ShouldBe("received");
        after.GetProperty("feeWaived").GetBoolean().ShouldBeFalse();
        after.GetProperty("documents").GetArrayLength().ShouldBe(0);

        // A correction carries no fee either (Art.38); a disclosure keeps its Art.39 date.
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (correction, _, created) = await s.LetterAsync("correction", p, new { corrections = new Dictionary<string, string> { ["inquiry"] = "訂正後" } });
        created.GetProperty("suitPossibleFrom").GetString().ShouldBe(RequestScenario.Today(s.App).AddDays(15).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{correction}/waive", new { reason = "x" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-5006");
        var (purpose, _, notification) = await s.LetterAsync("purpose-notification", p);
        notification.GetProperty("suitPossibleFrom").ValueKind.ShouldBe(JsonValueKind.Null); // Art.32(2) is not among Art.39's requests
        (await s.PostAsync(purpose, "waive", new { reason = "社内規程による免除" })).GetProperty("feeWaived").GetBoolean().ShouldBeTrue();
    }

    // Review finding 4: a complaint's receipt and that of a letter answered "no data held" at once spoke of documents, fees
    // and a due date.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Receipt_SaysOnlyWhatAppliesToTheKindAndState(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var held = NewPerson();
        await s.InquirerAsync(held);
        var complaint = await ComplaintAsync(s.App, s.Tenant);
        var (_, _, answered) = await s.LetterAsync("disclosure", NewPerson()); // nobody we hold: answered at once
        answered.GetProperty("status").GetString().ShouldBe("answered");
        var (_, _, open) = await s.LetterAsync("disclosure", held);
        var (_, _, corr) = await s.LetterAsync("correction", held, new { corrections = new Dictionary<string, string> { ["inquiry"] = "訂正後" } });
        var messages = await MessagesAsync(s.App, s.Tenant);
        string Receipt(string reference) => messages.Single(m => m.Contains("ご請求を受け付けました（" + reference, StringComparison.Ordinal));
        var forComplaint = Receipt((await s.GetAsync(complaint)).GetProperty("reference").GetString()!);
        forComplaint.ShouldContain("回答期限の目安：");
        forComplaint.ShouldContain("状況の確認はこちらの非公開リンクから行えます");
        forComplaint.ShouldNotContain("書類");
        forComplaint.ShouldNotContain("手数料");
        forComplaint.ShouldNotContain("documents");
        forComplaint.ShouldNotContain("payment");

        var forAnswered = Receipt(answered.GetProperty("reference").GetString()!);
        forAnswered.ShouldContain("このご請求には回答済みです");
        forAnswered.ShouldNotContain("回答期限");
        forAnswered.ShouldNotContain("書類");
        forAnswered.ShouldNotContain("手数料");
        forAnswered.ShouldNotContain("We aim to answer by");
        forAnswered.ShouldContain("/requests/status/");

        // A disclosure the policy charges for pauses for both; a correction (no fee, Art.38) only for documents.
        Receipt(open.GetProperty("reference").GetString()!).ShouldContain("（ご本人確認書類の提出待ち・手数料のお支払い待ちの間は期限の計算が止まります）");
        var forCorrection = Receipt(corr.GetProperty("reference").GetString()!);
        forCorrection.ShouldContain("（ご本人確認書類の提出待ちの間は期限の計算が止まります）");
        forCorrection.ShouldContain("状況の確認・書類の提出はこちら");
        forCorrection.ShouldNotContain("手数料");
        forCorrection.ShouldContain("(the clock pauses while we wait for your documents).");
    }

    // Review finding 5: 住民票の写し issued 2027-05-01 (a typo) was answered as too old: 「…発行から1か月以内のものに限ります」.
    [Fact]
    public async Task Checklist_FutureIssueDate_SaysTheDateIsInTheFuture()
    {
        var (app, tenant, _) = await Site.StartAsync(cluster);
        await using var __ = app;
        await Site.RequesterHeldAsync(app, tenant);
        var (id, _) = await Site.RequestAsync(app, tenant);
        var today = RequestClock.Day(app.Clock.GetUtcNow());
        var future = today.AddMonths(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var s = await Site.SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var response = await s.PostAsync($"/console/requests/{id}", $"/console/requests/{id}/action",
            [F("action", "checked"), F("group", "Identity"), F("document", "住民票の写し"), F("issuedOn", future), F("confirm", "yes")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        var day = Mamori.Policy.Rendering.NoticePhrases.Date(today.AddMonths(5), NoticeLanguage.Ja);
        html.ShouldContain($"発行日（{day}）が未来の日付になっています。書類に記載された発行日を確認して入力し直してください。 (MAMORI-5022)");
        html.ShouldNotContain("発行から1か月以内のものに限ります");
        html.ShouldContain($"""value="{future}">"""); // the date typed comes back to be corrected

        // A date in the past that is too old keeps its own message.
        var old = await s.PostAsync($"/console/requests/{id}", $"/console/requests/{id}/action",
            [F("action", "checked"), F("group", "Identity"), F("document", "住民票の写し"), F("issuedOn", today.AddMonths(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), F("confirm", "yes")]);
        (await old.Content.ReadAsStringAsync(Ct)).ShouldContain("発行から1か月以内のものに限ります。 (MAMORI-5008)");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DocumentsChecked_FutureIssueDate_Refused5022(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, _, _) = await s.LetterAsync("disclosure", p);
        var problem = await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/documents/checked",
            new { group = "identity", name = "住民票の写し", issuedOn = RequestScenario.Today(s.App).AddDays(1) }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5022");
        problem.GetProperty("detail").GetString()!.ShouldContain("in the future");
        (await s.GetAsync(id)).GetProperty("documents").GetArrayLength().ShouldBe(0);
        // Today itself is a valid issue date.
        await s.PostAsync(id, "documents/checked", new { group = "identity", name = "住民票の写し", issuedOn = RequestScenario.Today(s.App) });
    }

    // Review finding 6: 「回答期限 停止中（再開時 2026-12-22)」 and 「期限の状態（本日 2026-12-08)」.
    [Fact]
    public async Task ConsolePages_BracketsOpenAndCloseInTheSameWidth()
    {
        var (app, tenant, _) = await Site.StartAsync(cluster);
        await using var __ = app;
        await Site.RequesterHeldAsync(app, tenant);
        var (id, _) = await Site.RequestAsync(app, tenant);
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<DataSubjectRequests>().AskForDocumentsAsync(id, Mamori.Audit.Actor.System, Ct));
        var incident = await Site.IncidentAsync(app, tenant);
        var s = await Site.SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var received = RequestClock.Day(app.Clock.GetUtcNow());
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var today = Day(received);
        var request = await s.GetStringAsync($"/console/requests/{id}");
        request.ShouldContain($"停止中（再開時 {Day(received.AddDays(14))}）"); // paused today: resumed today, due as if never paused
        var incidentPage = await s.GetStringAsync($"/console/incidents/{incident}");
        incidentPage.ShouldContain($"期限の状態（本日 {today}）");
        foreach (var page in new[] { request, incidentPage })
        {
            Regex.Matches(page, @"（[^（）()<>]*\)").Select(m => m.Value).ShouldBeEmpty();
            Regex.Matches(page, @"\([^（）()<>]*）").Select(m => m.Value).ShouldBeEmpty();
        }
    }
}
