using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Mamori.Audit;
using Mamori.Notifications;
using Mamori.Policy;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// The online path: the public form (with a policy that accepts the web form), the acknowledgement in
/// the outbox as an .eml file, a one-time code sent to the address the vault holds, the status page,
/// and the answer released after payment. Plus the outbox's retries and the PDF's font subset.
/// </summary>
public sealed partial class RequestOnlineTests(PostgresCluster cluster)
{
    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex(@"/requests/status/([A-Za-z0-9_-]{20,})")]
    private static partial Regex StatusLink();

    [GeneratedRegex(@"コードは (\d{6}) です")]
    private static partial Regex Code();

    private static async Task PublishWebFormPolicyAsync(RequestScenario s)
    {
        var model = PolicyLoader.LoadDirectory(ExamplesDir).Policy!;
        var web = model with { RequestProcedures = model.RequestProcedures! with { Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm] } };
        await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<PolicyStore>().PublishAsync(web, new DateOnly(2026, 11, 1), null, Actor.System, Ct));
    }

    private static async Task<List<string>> DispatchAsync(RequestScenario s)
    {
        await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<OutboxDispatcher>().DispatchAsync(Ct));
        var dir = Path.Combine(s.App.Database.DataDir, "outbox");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*.eml").Select(File.ReadAllText).ToList() : [];
    }

    private static string Decode(string eml)
    {
        var message = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(eml)), TestContext.Current.CancellationToken);
        return message.Subject + "\n" + message.TextBody;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PublicForm_CodeToVaultAddress_PaidAnswerOnStatusPage(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var p = NewPerson();
        await s.InquirerAsync(p);
        var client = s.App.Client();

        var form = await client.GetAsync("/requests", Ct);
        var html = await form.Content.ReadAsStringAsync(Ct);
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("<html lang=\"ja\">");
        html.ShouldContain("住民票の写し");
        System.Text.RegularExpressions.Regex.IsMatch(html, @"<script(?![^>]*\bsrc=""/static/)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .ShouldBeFalse("only vendored scripts from /static, never inline script");
        var cookie = form.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("mamori_af", StringComparison.Ordinal)).Split(';')[0];
        var af = Antiforgery().Match(html).Groups[1].Value;
        var browser = s.App.Client(cookie: cookie);

        // Without the anti-forgery field the form is refused.
        var forged = await browser.PostAsync("/requests", new FormUrlEncodedContent(new Dictionary<string, string> { ["kind"] = "disclosure", ["name"] = p.Name, ["email"] = p.Email }), Ct);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var posted = await browser.PostAsync("/requests", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = af, ["kind"] = "disclosure", ["requesterRole"] = "self", ["name"] = p.Name, ["email"] = p.Email.ToUpperInvariant(), ["method"] = "electronic",
        }), Ct);
        var confirmation = await posted.Content.ReadAsStringAsync(Ct);
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, confirmation);
        var token = StatusLink().Match(confirmation).Groups[1].Value;
        token.ShouldNotBeEmpty();

        // The acknowledgement goes out as a file; its subject carries no personal data.
        var mails = await DispatchAsync(s);
        mails.Count.ShouldBe(1);
        var ack = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(mails[0])), Ct);
        ack.Subject!.ShouldContain("R-");
        ack.Subject!.ShouldNotContain(p.Email, Case.Insensitive);
        ack.Subject!.ShouldNotContain(p.Name);
        ack.TextBody!.ShouldContain(token);

        // A code to the address the vault holds, entered on the status page.
        var status = await browser.GetAsync($"/requests/status/{token}", Ct);
        var statusHtml = await status.Content.ReadAsStringAsync(Ct);
        status.StatusCode.ShouldBe(HttpStatusCode.OK, statusHtml);
        statusHtml.ShouldContain("確認コードを送る");
        af = Antiforgery().Match(statusHtml).Groups[1].Value;
        (await browser.PostAsync($"/requests/status/{token}/send-code", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af }), Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        mails = await DispatchAsync(s);
        var codeMail = mails.Select(Decode).Single(m => Code().IsMatch(m));
        codeMail.Split('\n')[0].ShouldNotContain(p.Email, Case.Insensitive);
        var code = Code().Match(codeMail).Groups[1].Value;
        var wrong = await browser.PostAsync($"/requests/status/{token}/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af, ["code"] = code == "000000" ? "111111" : "000000" }), Ct);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // In the page's language (it showed "The code is not correct." on the Japanese page).
        (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("確認コードが正しくないか、まだお送りしていません。メールでお送りした6桁のコードをご入力ください。 (MAMORI-5012)");
        var right = await browser.PostAsync($"/requests/status/{token}/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af, ["code"] = code }), Ct);
        right.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var view = await s.OkAsync(await client.GetAsync($"/api/requests/status/{token}", Ct));
        view.GetProperty("status").GetString().ShouldBe("awaiting-payment");
        view.GetProperty("verified").GetBoolean().ShouldBeTrue();
        var id = (await s.OkAsync(await s.Staff.GetAsync("/api/requests?list=paused", Ct)))[0].GetProperty("id").GetGuid();
        await (await client.GetAsync($"/api/requests/status/{token}/answer?format=pdf", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-5019");
        await s.PostAsync(id, "payment", new { reference = "furikomi-1" });
        await s.PostAsync(id, "execute");

        var pdf = await client.GetAsync($"/requests/status/{token}/answer?format=pdf", Ct);
        pdf.StatusCode.ShouldBe(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var bytes = await pdf.Content.ReadAsByteArrayAsync(Ct);
        bytes.Length.ShouldBeLessThan(150_000);
        (await s.OkAsync(await client.GetAsync($"/api/requests/status/{token}", Ct))).GetProperty("answers").GetArrayLength().ShouldBe(3);
        (await DispatchAsync(s)).Select(Decode).ShouldContain(m => m.Contains("回答をご用意しました"));
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    private sealed class FailingSink : IMailSink
    {
        public int Calls;

        public Task SendAsync(MimeKit.MimeMessage message, CancellationToken ct)
        {
            Calls++;
            throw new IOException("relay down");
        }
    }

    // Regression (walkthrough L7): the form offering complaints only showed 開示の方法, 訂正する項目, 正しい内容 and a fieldset of 23
    // 加工する項目. Each kind's fields now come only with a kind that takes them, marked for the stylesheet that hides the others.
    [Fact]
    public async Task PublicForm_KindsOffered_OnlyTheirFieldsMarkedWithTheirKinds()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var complaintsOnly = await s.App.Client().GetStringAsync("/requests", Ct);
        complaintsOnly.ShouldContain("""<select id="kind" name="kind" required><option value="complaint">""");
        foreach (var field in new[] { "name=\"method\"", "name=\"correctionItem\"", "name=\"correctionValue\"", "name=\"categories\"", "data-kinds" })
            complaintsOnly.ShouldNotContain(field);

        await PublishWebFormPolicyAsync(s);
        foreach (var path in new[] { "/requests", "/en/requests" })
        {
            var html = await s.App.Client().GetStringAsync(path, Ct);
            Regex.Matches(html, """<fieldset data-kinds="([^"]+)"[^>]*>(.*?)</fieldset>""", RegexOptions.Singleline)
                .Select(m => (m.Groups[1].Value, string.Join(' ', Regex.Matches(m.Groups[2].Value, """name="([a-zA-Z]+)""").Select(n => n.Groups[1].Value).Distinct())))
                .ShouldBe([("disclosure provision-records", "method"), ("correction", "correctionItem correctionValue"), ("anonymization", "categories")], path);
            // Nothing of them outside their fieldsets.
            Regex.Replace(html, "<fieldset data-kinds=.*?</fieldset>", "", RegexOptions.Singleline).ShouldNotMatch("""name="(method|correctionItem|correctionValue|categories)""", path);
        }
        // The stylesheet hides a field while the kind select names any kind the field is not for, with one rule per kind.
        var css = await s.App.Client().GetStringAsync("/static/css/mamori.css", Ct);
        foreach (var kind in RequestKinds.All.Select(RequestKinds.Id))
            css.ShouldContain($"""form:has(select[name=kind] option[value="{kind}"]:checked) [data-kinds]:not([data-kinds~="{kind}"])""");
    }

    // Regression (walkthrough L7): intake kept the disclosure method on any kind. Every kind now ignores the fields it does not take.
    [Fact]
    public async Task PublicForm_FieldsTheKindDoesNotTake_Ignored()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var p = NewPerson();
        await s.InquirerAsync(p);
        async Task<(DisclosureMethod Method, RequesterDetails Details)> SendAsync(string kind, params KeyValuePair<string, string>[] extra)
        {
            var response = await Mamori.Tests.Console.ConsoleScenario.Anonymous(s.App).PostAsync("/requests", "/requests",
                [new("kind", kind), new("name", p.Name), new("email", p.Email), new("details", "よろしくお願いします。"), new("method", "paper"),
                 new("correctionItem", "name"), new("correctionValue", "別の名前"), new("categories", "email"), .. extra]);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
            return await s.App.InTenantAsync(s.Tenant, async (sp, db) =>
            {
                var k = RequestKinds.Parse(kind)!.Value;
                var r = await db.Set<DataSubjectRequest>().SingleAsync(x => x.Kind == k, Ct);
                return (r.Method, sp.GetRequiredService<DataSubjectRequests>().Details(r));
            });
        }

        var erasure = await SendAsync("erasure");
        erasure.Method.ShouldBe(DisclosureMethod.Electronic);
        erasure.Details.Corrections.ShouldBeNull();
        erasure.Details.Categories.ShouldBeNull();
        var disclosure = await SendAsync("disclosure");
        disclosure.Method.ShouldBe(DisclosureMethod.Paper);
        disclosure.Details.Corrections.ShouldBeNull();
        var correction = await SendAsync("correction");
        correction.Method.ShouldBe(DisclosureMethod.Electronic);
        correction.Details.Corrections.ShouldBe(new Dictionary<string, string> { ["name"] = "別の名前" });
        correction.Details.Categories.ShouldBeNull();
        var anonymization = await SendAsync("anonymization");
        anonymization.Details.Categories.ShouldBe(["email"]);
        anonymization.Details.Corrections.ShouldBeNull();
    }

    // Regression (walkthrough L6): the console said 「不足: 住民票の写し、運転免許証の写し、旅券（パスポート）の写し、…」 and the status
    // page and the message listed each alternative 「…（いずれか1点）」, as though every one were needed. All three now group the
    // alternatives as the notice does: 「上記に加え、次のいずれか1点」.
    [Fact]
    public async Task MissingDocuments_ConsoleStatusPageAndMessage_AlternativesAsOneGroup()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, token, _) = await s.LetterAsync("disclosure", p);
        await s.PostAsync(id, "ask-documents");

        var console = await s.Staff.GetStringAsync($"/console/requests/{id}", Ct);
        console.ShouldContain("<p>不足: 住民票の写し（発行から1か月以内のもの）、および次のいずれか1点（運転免許証の写し、旅券（パスポート）の写し、健康保険証の写し、年金手帳の写し、在留カードの写し）</p>");
        console.ShouldContain("</li><li>上記に加え、次のいずれか1点：</li><li><form");
        (await s.Staff.GetStringAsync($"/console/requests/{id}?lang=en", Ct)).ShouldContain(
            "<p>Missing: Copy of the residence certificate (juminhyo) (issued within 1 month), and one of: Copy of driving licence / Copy of passport / Copy of health insurance card / Copy of pension book / Copy of residence card</p>");

        var status = await s.App.Client().GetStringAsync($"/requests/status/{token}", Ct);
        status.ShouldContain("<ul><li>住民票の写し（発行から1か月以内のもの）</li></ul>\n<p>上記に加え、次のいずれか1点：</p><ul><li>運転免許証の写し</li><li>旅券（パスポート）の写し</li>");
        status.ShouldNotContain("いずれか1点）");
        (await s.App.Client().GetStringAsync($"/en/requests/status/{token}", Ct)).ShouldContain(
            "<ul><li>Copy of the residence certificate (juminhyo) (issued within 1 month)</li></ul>\n<p>and one of the following:</p><ul><li>Copy of driving licence</li>");

        var message = (await DispatchAsync(s)).Select(Decode).Single(m => m.Contains("次の書類が必要です", StringComparison.Ordinal));
        message.ShouldContain("・住民票の写し（発行から1か月以内のもの）\n上記に加え、次のいずれか1点：\n・運転免許証の写し\n・旅券（パスポート）の写し\n");
        message.ShouldContain("- Copy of the residence certificate (juminhyo) (issued within 1 month)\nand one of the following:\n- Copy of driving licence\n");
        message.ShouldNotContain("いずれか1点）");
        message.ShouldNotContain("(one of these)");
    }

    // Regression (walkthrough L15): the status page's upload form offered 代理人 and 法定代理人 on a request the person filed
    // themself, and its list of documents did not follow the group chosen. One choice now names the group and the document,
    // from the requester's groups only; the server refuses a document of another group.
    [Fact]
    public async Task StatusPage_UploadForm_OnlyTheRequestersGroupsAndTheirDocuments()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        async Task<string> TokenAsync(object? extra)
        {
            var p = NewPerson();
            await s.InquirerAsync(p);
            return (await s.LetterAsync("disclosure", p, extra)).Token;
        }
        static List<string> Values(string html) => [.. Regex.Matches(html, """<option value="([^"]+)">""").Select(m => m.Groups[1].Value)];
        static List<string> Groups(string html) => [.. Regex.Matches(html, """<optgroup label="([^"]+)">""").Select(m => m.Groups[1].Value)];
        static string Select(string html) => Regex.Match(html, """<select id="document" name="document" required>.*?</select>""").Value;

        var self = await TokenAsync(null);
        var selfForm = Select(await s.App.Client().GetStringAsync($"/requests/status/{self}", Ct));
        Values(selfForm).ShouldBe(["identity/住民票の写し", "identity/運転免許証の写し", "identity/旅券（パスポート）の写し", "identity/健康保険証の写し", "identity/年金手帳の写し", "identity/在留カードの写し"]);
        Groups(selfForm).ShouldBeEmpty();
        selfForm.ShouldContain(">住民票の写し（発行から1か月以内のもの）</option>");

        var agent = await TokenAsync(new { requesterRole = "agent", agentName = "代理 次郎" });
        var agentPage = await s.App.Client().GetAsync($"/requests/status/{agent}", Ct);
        var agentHtml = await agentPage.Content.ReadAsStringAsync(Ct);
        agentHtml.ShouldNotContain("name=\"group\"");
        Groups(Select(agentHtml)).ShouldBe(["ご本人確認の書類", "代理人の書類"]);
        Values(Select(agentHtml)).Select(v => v.Split('/')[0]).Distinct().ShouldBe(["identity", "proxy"]);
        Groups(Select(await s.App.Client().GetStringAsync($"/en/requests/status/{agent}", Ct))).ShouldBe(["Documents to verify your identity", "Documents of the agent"]);

        // Sent as the page sends it: the document lands in its group.
        var browser = s.App.Client(cookie: agentPage.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("mamori_af", StringComparison.Ordinal)).Split(';')[0]);
        var af = Antiforgery().Match(agentHtml).Groups[1].Value;
        Task<HttpResponseMessage> Upload(string token, string document) => browser.PostAsync($"/requests/status/{token}/documents", new MultipartFormDataContent
        {
            { new StringContent(af), "__af" }, { new StringContent(document), "document" },
            { new ByteArrayContent([.. "%PDF-1.4\n%test\n"u8]) { Headers = { ContentType = new("application/pdf") } }, "file", "doc.pdf" },
        }, Ct);
        (await Upload(agent, "proxy/委任状（実印を押印したもの）")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<RequestDocument>().SingleAsync(Ct))).Group.ShouldBe(DocumentGroup.Proxy);
        Select(await s.App.Client().GetStringAsync($"/requests/status/{agent}", Ct)).ShouldNotContain("委任状（実印を押印したもの）");

        // Another group's document, or no choice from the list: refused in the page's language.
        foreach (var document in new[] { "proxy/委任状（実印を押印したもの）", "委任状（実印を押印したもの）" })
        {
            var refused = await Upload(self, document);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, document);
            (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("その書類は、このご請求に必要な書類にありません。一覧からお選びください。 (MAMORI-5011)");
        }
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<RequestDocument>().CountAsync(Ct))).ShouldBe(1);
    }

    // Regression: the invoice said to pay "to the account on the invoice", and no message ever named an account.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Invoice_PaymentAccountSet_MessageAndStatusPageSayWhereToPay(string provider)
    {
        const string account = "テスト銀行 本店営業部 普通預金 7654321 カ）テスト";
        var s = await RequestScenario.StartAsync(provider, cluster, configure: b => b.Configuration["Mamori:Requests:PaymentAccount"] = account);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, token, request) = await s.LetterAsync("disclosure", p);
        var reference = request.GetProperty("reference").GetString()!;
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        (await s.PostAsync(id, "verify")).GetProperty("status").GetString().ShouldBe("awaiting-payment");

        var invoice = (await DispatchAsync(s)).Select(Decode).Single(m => m.Contains("手数料は", StringComparison.Ordinal));
        invoice.ShouldContain($"お振込先：{account}");
        invoice.ShouldContain($"振込依頼人名の前に受付番号 {reference} を付けてください。");
        invoice.ShouldNotContain("お振込先は別途ご案内します。");
        var status = await s.App.Client().GetStringAsync($"/requests/status/{token}", Ct);
        status.ShouldContain($"お振込先：{account}"); // as in the message (walkthrough 7: the page had a half-width colon)

        (await s.PostAsync(id, "payment", new { reference = "bank-0001" })).GetProperty("status").GetString().ShouldBe("in-progress");
        (await s.App.Client().GetStringAsync($"/requests/status/{token}", Ct)).ShouldNotContain("お振込先");
    }

    [Fact]
    public async Task Message_DeskWithoutPhone_FooterWithoutStraySpaceAnd8bitDeclared()
    {
        // Regression (walkthrough 4, L13): a desk without a phone number gave the footer line " privacy@…", and the .eml
        // declared no transfer encoding (7bit by default) for its UTF-8 body, which strict mail parsers mis-decode.
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var model = PolicyLoader.LoadDirectory(ExamplesDir).Policy!;
        var noPhone = model with { Contact = model.Contact! with { Phone = null } };
        await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<PolicyStore>().PublishAsync(noPhone, new DateOnly(2026, 11, 1), null, Actor.System, Ct));
        await s.LetterAsync("complaint", NewPerson(), new { details = "x" });

        var eml = (await DispatchAsync(s)).ShouldHaveSingleItem();
        eml.ShouldContain("Content-Transfer-Encoding: 8bit");
        var body = Decode(eml);
        body.ShouldContain("\nサクラネット 個人情報お問合せ窓口（総務部）\nprivacy@sakuranet.example\n月曜日～金曜日");
        body.Split('\n').ShouldNotContain(l => l.StartsWith(' '));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Invoice_NoPaymentAccount_MessageSaysItFollows(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, _, _) = await s.LetterAsync("disclosure", p);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        await s.PostAsync(id, "verify");
        (await DispatchAsync(s)).Select(Decode).Single(m => m.Contains("手数料は", StringComparison.Ordinal)).ShouldContain("お振込先は別途ご案内します。");
    }

    // Regression: the status page withdrew the request in one click (a hidden confirm=yes, no script to ask).
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StatusPage_WithdrawWithoutTickingTheBox_RefusedAndRequestKept(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var (id, token, _) = await s.LetterAsync("complaint", NewPerson(), new { details = "x" });
        var page = await s.App.Client().GetAsync($"/requests/status/{token}", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("""<input type="checkbox" id="withdraw-confirm" name="confirm" value="yes" required>""");
        var browser = s.App.Client(cookie: page.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("mamori_af", StringComparison.Ordinal)).Split(';')[0]);
        var af = Antiforgery().Match(html).Groups[1].Value;

        var unticked = await browser.PostAsync($"/requests/status/{token}/withdraw", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af }), Ct);
        unticked.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refusal = await unticked.Content.ReadAsStringAsync(Ct);
        refusal.ShouldContain("取り下げる場合は、確認の欄にチェックを入れてください。");
        refusal.ShouldContain("MAMORI-1005");
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubjectRequest>().SingleAsync(r => r.Id == id, Ct))).Status.ShouldNotBe(RequestStatus.Withdrawn);

        var ticked = await browser.PostAsync($"/requests/status/{token}/withdraw", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = af, ["confirm"] = "yes" }), Ct);
        ticked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubjectRequest>().SingleAsync(r => r.Id == id, Ct))).Status.ShouldBe(RequestStatus.Withdrawn);
    }

    /// <summary>Holds every send until released, as a relay that does not answer; records the Message-IDs it was given.</summary>
    private sealed class HangingSink : IMailSink
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public System.Collections.Concurrent.ConcurrentQueue<string> Sent { get; } = new();

        public async Task SendAsync(MimeKit.MimeMessage message, CancellationToken ct)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(ct);
            Sent.Enqueue(message.MessageId ?? "");
        }
    }

    private static Task<DispatchReport> DispatchWithAsync(RequestScenario s, IMailSink sink, CancellationToken ct) => s.App.InTenantAsync(s.Tenant, (sp, db) =>
        new OutboxDispatcher(db, sp.GetRequiredService<Mamori.Data.IDatabaseProvider>(), sink, sp.GetRequiredService<Mamori.Vault.KeyRingProvider>(),
            sp.GetRequiredService<AuditLog>(), Microsoft.Extensions.Options.Options.Create(new MailSettings()), s.App.Clock).DispatchAsync(ct));

    // Regression: the dispatcher sent mail inside its claiming transaction. On SQLite that held the database's one write lock
    // for as long as the relay took, so every audited change waited (and failed after the 30-second busy timeout).
    [Fact]
    public async Task Outbox_NoSmtpHost_OwnerOnlyFilesLoggedAndAuditedAsWrittenNotSent()
    {
        // Regression: without Mamori:Mail:SmtpHost (the default) a complaint's receipt, address and text included, went to a
        // 644 file in a 755 directory, and the log ("1 messages sent") and the audit chain (NotificationSent) said it was sent.
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions());
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster, configure: b =>
        {
            b.Logging.AddFilter("Mamori.Hosting.RequestJobs", LogLevel.Information);
            b.Logging.AddProvider(new FakeLoggerProvider(collector));
        });
        await using var _ = s.App;
        await s.LetterAsync("complaint", NewPerson(), new { details = "x" });
        await s.App.App.Services.GetRequiredService<Mamori.Hosting.RequestJobs>().RunOnceAsync(Ct);

        var dir = Path.Combine(s.App.Database.DataDir, "outbox");
        var file = Directory.GetFiles(dir, "*.eml").ShouldHaveSingleItem();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(dir).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var codes = await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.NotificationSent || e.Code == AuditCode.NotificationWritten).Select(e => e.Code).ToListAsync(Ct));
        codes.ShouldBe([AuditCode.NotificationWritten]);
        var logged = collector.GetSnapshot().Select(r => r.Message).ToList();
        logged.ShouldContain(m => m.Contains(": 1 messages written to the outbox directory and NOT sent (no SMTP host)", StringComparison.Ordinal));
        logged.ShouldNotContain(m => m.Contains("messages sent", StringComparison.Ordinal));
    }

    [Fact]
    public void MailTransport_Described_SaysWhetherPeopleAreToldAndNeverThePassword()
    {
        var files = new FileMailSink("/srv/mamori/outbox");
        files.Sends.ShouldBeFalse();
        files.Describe().ShouldBe("no SMTP host (Mamori:Mail:SmtpHost): messages to people are NOT sent; they are written to /srv/mamori/outbox as .eml files (mode 600)");
        var smtp = new SmtpMailSink(new MailSettings { SmtpHost = "smtp.example.jp", SmtpUser = "mamori", SmtpPassword = "relay-secret-1", From = "privacy@example.jp" });
        ((IMailSink)smtp).Sends.ShouldBeTrue();
        smtp.Describe().ShouldBe("SMTP smtp.example.jp:587 with STARTTLS as mamori, from privacy@example.jp");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Outbox_RelayHangs_OtherWritesGoOnMeanwhile(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await s.LetterAsync("complaint", NewPerson(), new { details = "x" });
        var sink = new HangingSink();
        var dispatch = DispatchWithAsync(s, sink, Ct);
        await Task.WhenAny(sink.Entered.Task, dispatch);
        sink.Entered.Task.IsCompleted.ShouldBeTrue();

        // While the relay hangs, staff register another letter: an audited write that queues its own acknowledgement.
        await s.LetterAsync("complaint", NewPerson(), new { details = "y" });
        sink.Sent.ShouldBeEmpty();

        sink.Release.SetResult();
        (await dispatch).Sent.ShouldBe(2);
        sink.Sent.Distinct().Count().ShouldBe(2);
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.NotificationSent, Ct))).ShouldBe(2);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Outbox_ServerStopsWhileSending_MessageSentAgainOnlyAfterTheClaimEnds(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await s.LetterAsync("complaint", NewPerson(), new { details = "x" });
        var hanging = new HangingSink();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var dispatch = DispatchWithAsync(s, hanging, stop.Token);
        await Task.WhenAny(hanging.Entered.Task, dispatch);
        await stop.CancelAsync(); // the server shuts down mid-send: the claim stays, nothing is recorded
        await Should.ThrowAsync<OperationCanceledException>(() => dispatch);

        var other = new HangingSink();
        other.Release.SetResult();
        (await DispatchWithAsync(s, other, Ct)).Sent.ShouldBe(0); // still claimed by the stopped server
        s.App.Clock.Advance(TimeSpan.FromSeconds(new MailSettings().ClaimSeconds));
        (await DispatchWithAsync(s, other, Ct)).Sent.ShouldBe(1);
        (await DispatchWithAsync(s, other, Ct)).Sent.ShouldBe(0);
        other.Sent.Count.ShouldBe(1);
        var row = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<OutboxMessage>().SingleAsync(Ct));
        row.Attempts.ShouldBe(2);
        row.SentAt.ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Outbox_ThreeServersDispatchAtOnce_EachMessageSentOnce(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        for (var i = 0; i < 8; i++) await s.LetterAsync("complaint", NewPerson(), new { details = "x" });
        var sink = new HangingSink();
        var servers = Enumerable.Range(0, 3).Select(_ => DispatchWithAsync(s, sink, Ct)).ToList();
        await Task.WhenAny(sink.Entered.Task, Task.WhenAll(servers));
        sink.Release.SetResult();
        var reports = await Task.WhenAll(servers);

        reports.Sum(r => r.Sent).ShouldBe(8);
        sink.Sent.Count.ShouldBe(8);
        sink.Sent.Distinct().Count().ShouldBe(8);
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.NotificationSent, Ct))).ShouldBe(8);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Outbox_SinkFails_RetriesWithBackoffThenGivesUp(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await s.LetterAsync("complaint", NewPerson(), new { details = "x" });
        var sink = new FailingSink();
        async Task<DispatchReport> Run() => await s.App.InTenantAsync(s.Tenant, (sp, db) =>
            new OutboxDispatcher(db, sp.GetRequiredService<Mamori.Data.IDatabaseProvider>(), sink, sp.GetRequiredService<Mamori.Vault.KeyRingProvider>(),
                sp.GetRequiredService<AuditLog>(), Microsoft.Extensions.Options.Options.Create(new MailSettings { MaxAttempts = 3, BackoffSeconds = 30 }), s.App.Clock).DispatchAsync(Ct));
        (await Run()).Retried.ShouldBe(1);
        (await Run()).ShouldBe(new DispatchReport(0, 0, 0)); // not due before the backoff
        s.App.Clock.Advance(TimeSpan.FromSeconds(31));
        (await Run()).Retried.ShouldBe(1);
        s.App.Clock.Advance(TimeSpan.FromSeconds(61));
        (await Run()).Dead.ShouldBe(1);
        sink.Calls.ShouldBe(3);
        var row = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<OutboxMessage>().SingleAsync(Ct));
        row.DeadAt.ShouldNotBeNull();
        row.LastError.ShouldBe("System.IO.IOException");
        OutboxDispatcher.Backoff(30, 1).ShouldBe(TimeSpan.FromSeconds(30));
        OutboxDispatcher.Backoff(30, 20).ShouldBe(TimeSpan.FromHours(6));
    }

    [Fact]
    public void Pdf_JapanesePackage_SubsetFontSmallAndRenders()
    {
        var (font, path, problem) = DisclosurePdf.FindFont(null);
        font.ShouldNotBeNull(problem);
        var full = new FileInfo(path!).Length;
        var lines = new List<(PdfLineStyle, string)> { (PdfLineStyle.Title, "保有個人データ開示書"), (PdfLineStyle.Heading, "1. お問合せをされた方") };
        for (var i = 0; i < 200; i++) lines.Add((PdfLineStyle.Body, $"同意の履歴 {i}：2026-06-01 10:00　purpose:events　同意　WebForm　東京都千代田区桜田町一丁目2番3号"));
        var result = DisclosurePdf.Render(lines, "test", null);
        result.Produced.ShouldBeTrue(result.Problem);
        ((long)result.Bytes!.Length).ShouldBeLessThan(full / 20);
        var dir = Directory.CreateTempSubdirectory("mamori-pdf-").FullName;
        File.WriteAllBytes(Path.Combine(dir, "a.pdf"), result.Bytes);
        var info = Process.Start(new ProcessStartInfo("pdffonts", Path.Combine(dir, "a.pdf")) { RedirectStandardOutput = true })!;
        var fonts = info.StandardOutput.ReadToEnd();
        info.WaitForExit();
        fonts.ShouldContain("yes"); // embedded
    }

    [Fact]
    public void Pdf_NoUsableFont_SaysSoAndProducesNothing()
    {
        var missing = DisclosurePdf.Render([(PdfLineStyle.Body, "テスト")], "x", "/nonexistent/font.ttf");
        missing.Produced.ShouldBeFalse();
        missing.Problem.ShouldNotBeNull();
        missing.Problem.ShouldContain("HTML and JSON");
        var notTrueType = Path.GetTempFileName();
        File.WriteAllText(notTrueType, "OTTO not a font");
        DisclosurePdf.Render([(PdfLineStyle.Body, "テスト")], "x", notTrueType).Produced.ShouldBeFalse();
    }

    [Fact]
    public void Sniffer_Signatures_OnlyImagesAndPdf()
    {
        UploadSniffer.Sniff("%PDF-1.4"u8).ShouldBe("application/pdf");
        UploadSniffer.Sniff([0xFF, 0xD8, 0xFF, 0xE0]).ShouldBe("image/jpeg");
        UploadSniffer.Sniff("GIF89a.."u8).ShouldBe("image/gif");
        UploadSniffer.Sniff("RIFF\0\0\0\0WEBPVP8 "u8).ShouldBe("image/webp");
        UploadSniffer.Sniff("<svg xmlns"u8).ShouldBeNull();
        UploadSniffer.Sniff("PK\u0003\u0004"u8).ShouldBeNull();
        UploadSniffer.Sniff([]).ShouldBeNull();
    }
}
