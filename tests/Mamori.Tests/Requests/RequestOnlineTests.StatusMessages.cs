using System.Net;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

public sealed partial class RequestOnlineTests
{
    // Regression (walkthrough 7, findings 2, 4 and 9): after 確認コードを送る the status page came back with nothing that said a code
    // was sent (a new field only), and after the code nothing said it was accepted; a wrong code was reported at the top with the
    // code field unmarked; the "no data held" answer to a request was in Japanese only and laid out at desktop width on a phone.
    [Fact]
    public async Task StatusPage_CodeSentWrongThenRight_StatusMessagesFieldMarkedAndAnswerReadableInEnglish()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var p = NewPerson(); // held by nobody: answered "no data held" once the code is entered
        var created = await Mamori.Tests.Console.ConsoleScenario.Anonymous(s.App).PostAsync("/en/requests", "/en/requests",
            [new("kind", "disclosure"), new("requesterRole", "self"), new("name", p.Name), new("email", p.Email), new("method", "electronic")]);
        var token = StatusLink().Match(await created.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        var page = await s.App.Client().GetAsync($"/requests/status/{token}", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldNotContain("role=\"status\"");
        var browser = s.App.Client(cookie: page.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("mamori_af", StringComparison.Ordinal)).Split(';')[0]);
        var af = Antiforgery().Match(html).Groups[1].Value;
        FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)).Append(KeyValuePair.Create("__af", af)));

        var sent = await browser.PostAsync($"/requests/status/{token}/send-code", Form(), Ct);
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        sent.Headers.Location!.ToString().ShouldBe($"/requests/status/{token}?done=code-sent");
        (await browser.GetStringAsync(sent.Headers.Location, Ct))
            .ShouldContain("""<p class="notice" role="status">確認コードをメールでお送りしました。届いた6桁のコードを、30分以内に下の「確認コード」欄にご入力ください。</p>""");
        (await browser.GetStringAsync($"/en/requests/status/{token}?done=code-sent", Ct))
            .ShouldContain("""<p class="notice" role="status">We e-mailed you a code. Enter the 6 digits in the Code field below within 30 minutes.</p>""");
        (await browser.GetStringAsync($"/requests/status/{token}?done=anything", Ct)).ShouldNotContain("role=\"status\"");

        var code = Code().Match((await DispatchAsync(s)).Select(Decode).Single(m => Code().IsMatch(m))).Groups[1].Value;
        var wrong = await browser.PostAsync($"/requests/status/{token}/code", Form(("code", code == "000000" ? "111111" : "000000")), Ct);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refused = await wrong.Content.ReadAsStringAsync(Ct);
        refused.ShouldContain("""<p class="error" role="alert" id="form-error">確認コードが正しくないか""");
        refused.ShouldContain("""autocomplete="one-time-code" aria-invalid="true" aria-describedby="form-error" autofocus>""");
        refused.ShouldNotContain("role=\"status\"");

        var right = await browser.PostAsync($"/requests/status/{token}/code", Form(("code", code)), Ct);
        right.Headers.Location!.ToString().ShouldBe($"/requests/status/{token}?done=verified");
        (await browser.GetStringAsync(right.Headers.Location, Ct)).ShouldContain("""<p class="notice" role="status">確認コードによる本人確認が完了しました。</p>""");

        var answer = await browser.GetStringAsync($"/requests/status/{token}/answer?format=html", Ct);
        answer.ShouldContain("""<meta name="viewport" content="width=device-width, initial-scale=1">""");
        answer.ShouldContain("当社は保有しておりません。");
        answer.ShouldContain("""<ul lang="en">""");
        answer.ShouldContain("We hold no retained personal data matching the e-mail address you confirmed with the code");
    }
}
