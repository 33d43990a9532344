using System.Net;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// Security review F1/F3: the page a sign-in returns to must be a path on this host, also after a browser strips tabs and
/// newlines from it and reads backslashes as slashes; a value the server cannot even put in a header never costs a 500.
/// </summary>
public sealed class SignInRedirectTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("/console\r\nSet-Cookie: x=1")]
    [InlineData("/console\u0085")]
    public async Task LoginPost_ReturnUrlLeavingTheHostOrNotAHeader_RedirectsToConsole(string returnUrl)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var response = await Anonymous(app).PostAsync("/login", "/login",
            [F("email", user.Email), F("password", TestApp.Password), F("returnUrl", returnUrl)]);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Ct));
        response.Headers.Location!.OriginalString.ShouldBe("/console");
    }

    [Fact]
    public async Task LoginGet_TabSeparatedReturnUrl_FormCarriesConsole()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var html = await Anonymous(app).GetStringAsync("/login?returnUrl=/%09/evil.example");
        html.ShouldContain("""name="returnUrl" value="/console">""");
    }

    [Fact]
    public async Task LoginPost_LocalReturnUrl_RedirectsThere()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var response = await Anonymous(app).PostAsync("/login", "/login",
            [F("email", user.Email), F("password", TestApp.Password), F("returnUrl", "/console/requests?state=open")]);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/console/requests?state=open");
    }
}
