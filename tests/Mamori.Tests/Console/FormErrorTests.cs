using System.Net;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// Regressions from a user walkthrough: forms that were refused came back without the e-mail typed into them. The sign-in,
/// user and opt-out forms now keep what was typed (never a password), in the body of the POST's answer only, with the message
/// in the page's language and its code.
/// </summary>
public sealed class FormErrorTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public async Task Login_WrongPassword_EmailKeptPasswordNot()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var response = await Anonymous(app).PostAsync("/login", "/login", [F("email", user.Email), F("password", "Wrong passphrase 1234")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, html);
        response.Headers.Location.ShouldBeNull();
        html.ShouldContain("メールアドレスまたはパスワードが違います。 (MAMORI-1101)");
        html.ShouldContain($"""value="{user.Email}">""");
        html.ShouldNotContain("Wrong passphrase 1234");
        html.ShouldContain("""type="password" autocomplete="current-password" required autofocus>""");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Users_WeakPassword_EmailAndRolesKeptPasswordNot()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/users", "/console/users",
            [F("email", "new-staff@test.example"), F("roles", Roles.Operator), F("roles", Roles.Auditor), F("password", "short1")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("初期パスワードが弱すぎます（12文字以上、種類の異なる文字）。 (MAMORI-1108)");
        html.ShouldContain("""value="new-staff@test.example">""");
        html.ShouldContain($"""value="{Roles.Operator}" checked>""");
        html.ShouldContain($"""value="{Roles.Auditor}" checked>""");
        html.ShouldNotContain($"""value="{Roles.Admin}" checked>""");
        html.ShouldNotContain("short1");
    }

    [Fact]
    public async Task Users_InvalidEmail_SaysTheAddressIsNotValid()
    {
        // Regression (walkthrough 4, L9): the page said only 「ユーザーを作成できませんでした。」 where the CLI names the address.
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/users", "/console/users",
            [F("email", "bad"), F("roles", Roles.Operator), F("password", "correct horse battery staple 9")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("メールアドレスの形式が正しくありません。 (MAMORI-1006)");
    }

    [Theory]
    [InlineData("", "メールアドレス又は電話番号の形式を確認してください。 (MAMORI-3003)")]
    [InlineData("/en", "Check the format of the e-mail address or phone number. (MAMORI-3003)")]
    public async Task OptOut_InvalidContact_ContactKeptWithCode(string prefix, string message)
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await Anonymous(app).PostAsync(prefix + "/optout", prefix + "/optout", [F("kind", "phone"), F("value", "12-ab")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain($"""<p class="error" role="alert" id="form-error">{message}</p>""");
        // Regression (walkthrough 7, finding 3): the field was not marked and the focus stayed on the page.
        html.ShouldContain("""value="12-ab" aria-invalid="true" aria-describedby="form-error" autofocus>""");
        html.ShouldContain("""value="phone" checked>""");
        html.ShouldNotContain("""value="email" checked>""");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    // Regression: a customer whose form had expired (the page left open overnight) or whose browser refuses cookies posted a
    // public form without a valid anti-forgery token and got problem JSON.
    [Theory]
    [InlineData("/privacy/cookies", "フォームの有効期限が切れたか", "lang=\"ja\"")]
    [InlineData("/en/optout", "The form has expired", "lang=\"en\"")]
    [InlineData("/requests", "フォームの有効期限が切れたか", "lang=\"ja\"")]
    public async Task PublicForm_NoAntiforgeryToken_PageInItsLanguageWithWayBack(string path, string message, string lang)
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await app.Client().PostAsync(path, new FormUrlEncodedContent([F("kind", "email"), F("value", "taro@example.jp")]), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        html.ShouldContain(message);
        html.ShouldContain("(MAMORI-1012)");
        html.ShouldContain(lang);
        html.ShouldContain($"""href="{path}">""");
        html.ShouldNotContain("taro@example.jp");
        html.ShouldNotContain("ダッシュボード"); // the customer's frame, not the console's
    }

    [Fact]
    public async Task ConsoleForm_NoAntiforgeryToken_ConsolePageBackToReferer()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var client = await app.SignedInAsync(tenant, Roles.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/users") { Content = new FormUrlEncodedContent([F("email", "x@test.example")]) };
        request.Headers.Referrer = new Uri(client.BaseAddress!, "/console/users?lang=en");
        var response = await client.SendAsync(request, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("フォームの有効期限が切れたか");
        html.ShouldContain("""href="/console/users?lang=en">""");
        html.ShouldContain("""aria-label="メインメニュー">""");
    }

    // Regression: every refusal that escaped a form's handler read 「送信された内容を読み取れませんでした」, also when the form was
    // read and refused for what it said (an account removed meanwhile, a field missing).
    [Theory]
    [InlineData("", "その利用者はいません。 (MAMORI-1111)", "受け付けられませんでした")]
    [InlineData("?lang=en", "There is no such user. (MAMORI-1111)", "The form was not accepted")]
    public async Task ConsoleForm_RefusedByTheDomain_SaysWhyInThePageLanguage(string lang, string message, string title)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var response = await s.PostAsync("/console/users", $"/console/users/{Guid.NewGuid()}/enable{lang}", []);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound, html);
        html.ShouldContain(message);
        html.ShouldContain($"<h1>{title}</h1>");
        html.ShouldNotContain("読み取れませんでした");
        html.ShouldNotContain("could not be read");
    }

    [Theory]
    [InlineData("", "入力内容を確認してください。 (MAMORI-1005)")]
    [InlineData("/en", "The parameter &#39;code&#39; is required. (MAMORI-1005)")]
    public async Task PublicForm_FieldMissing_SaysCheckTheInputNotUnreadable(string prefix, string message)
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await Anonymous(app).PostAsync(prefix + "/requests", prefix + "/requests/status/not-a-token/code", [F("unused", "x")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain(message);
        html.ShouldNotContain("読み取れませんでした");
    }

    [Fact]
    public async Task ConsoleForm_UnreadableBody_StillSaysItCouldNotBeRead()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        // ASP.NET's form reader refuses %00 in a urlencoded value.
        var response = await s.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "support"), F("by", "email"), F("value", "a\0b@example.jp")]);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("<h1>送信できませんでした</h1>");
        html.ShouldContain("送信された内容を読み取れませんでした。入力内容は送信されていません。");
        html.ShouldContain("(MAMORI-1001)");
    }

    [Fact]
    public async Task ApiJson_NoAntiforgeryNeeded_StillProblemDetails()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await app.Client().PostAsync("/api/public/consent/choice", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Ct);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
