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
        html.ShouldContain(message);
        html.ShouldContain("""value="12-ab">""");
        html.ShouldContain("""value="phone" checked>""");
        html.ShouldNotContain("""value="email" checked>""");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }
}
