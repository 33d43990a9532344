using System.Net;
using System.Net.Http.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Security review F2: behind a TLS-terminating proxy the session cookie lost Secure/__Host-, HSTS was never sent and every
/// visitor shared the proxy's rate limit. X-Forwarded-* headers now count, from configured proxies only (tests connect from
/// 127.0.0.1).
/// </summary>
public sealed class ReverseProxyTests(PostgresCluster cluster)
{
    private static HttpRequestMessage Forwarded(HttpMethod method, string path, string client, HttpContent? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }

    private static Task<(TestApp App, Guid Tenant, Guid Subject)> StartBehindAsync(PostgresCluster cluster, string setting, string value) =>
        StartAsync(cluster, configure: b =>
        {
            b.Configuration[$"Mamori:ForwardedHeaders:{setting}"] = value;
            b.Configuration["Mamori:RateLimits:Login"] = "2";
        });

    private static async Task<HttpResponseMessage> SignInAsync(TestApp app, StaffUser user, string client) =>
        await app.Client().SendAsync(Forwarded(HttpMethod.Post, "/api/auth/login", client, JsonContent.Create(new { email = user.Email, password = TestApp.Password })), Ct);

    [Theory]
    [InlineData("KnownProxies", "127.0.0.1")]
    [InlineData("KnownNetworks", "127.0.0.0/8")]
    public async Task ForwardedHttps_FromConfiguredProxy_SecureHostCookieAndHsts(string setting, string value)
    {
        var (app, tenant, _) = await StartBehindAsync(cluster, setting, value);
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var response = await SignInAsync(app, user, "203.0.113.7");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.Contains("session", StringComparison.Ordinal));
        cookie.ShouldStartWith("__Host-");
        cookie.ShouldContain("secure", Case.Insensitive);
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldStartWith("max-age=");
    }

    [Fact]
    public async Task ForwardedHttps_FromUnconfiguredAddress_Ignored()
    {
        var (app, tenant, _) = await StartBehindAsync(cluster, "KnownProxies", "10.9.9.9");
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        var response = await SignInAsync(app, user, "203.0.113.7");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.Contains("session", StringComparison.Ordinal));
        cookie.ShouldStartWith("mamori_session=");
        cookie.ShouldNotContain("secure", Case.Insensitive);
        response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
        // And the forwarded address does not escape the limit: the third sign-in from 127.0.0.1 is refused whatever it claims.
        (await SignInAsync(app, user, "203.0.113.8")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await SignInAsync(app, user, "203.0.113.9")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1009");
    }

    [Fact]
    public async Task RateLimit_BehindConfiguredProxy_CountsPerForwardedClient()
    {
        var (app, tenant, _) = await StartBehindAsync(cluster, "KnownProxies", "127.0.0.1");
        await using var __ = app;
        var user = await app.UserAsync(tenant, Roles.Operator);
        for (var i = 0; i < 2; i++) (await SignInAsync(app, user, "203.0.113.7")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await SignInAsync(app, user, "203.0.113.7")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1009");
        (await SignInAsync(app, user, "198.51.100.4")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Serve_ForwardedHeadersNotAnAddress_RefusesToStart()
    {
        var e = await Should.ThrowAsync<Mamori.Errors.MamoriException>(() => TestApp.StartAsync(Providers.Sqlite, cluster,
            b => b.Configuration["Mamori:ForwardedHeaders:KnownNetworks"] = "10.0.0.0/8, proxy.internal"));
        e.Code.ShouldBe(Mamori.Errors.ErrorCode.ForwardedHeadersInvalid);
    }
}
