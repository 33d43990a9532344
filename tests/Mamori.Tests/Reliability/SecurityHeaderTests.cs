using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Issue 13, part 8: security headers on every page (console and public, from the endpoint table), over HTTP and
/// over real HTTPS (HSTS, Secure cookies); every cookie HttpOnly and SameSite; a rate limit on every anonymous
/// form or API that writes, answering 429 with a problem, a code and Retry-After.
/// </summary>
public sealed partial class SecurityHeaderTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The one cookie scripts may read: the visitor's cookie-category choice (no secret), read by /static/consent.js.</summary>
    private const string ScriptReadableCookie = "mamori_consent";

    private static List<(string Path, bool Anonymous)> Pages(TestApp app, Guid subject, Guid request, string token) =>
        app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true && e.RoutePattern.RawText is { } raw
                        && !raw.StartsWith("/api", StringComparison.Ordinal) && !raw.StartsWith("/openapi", StringComparison.Ordinal))
            .Select(e => (RouteParameter().Replace(e.RoutePattern.RawText!, m => m.Groups[1].Value switch
            {
                "token" => token,
                "id" when e.RoutePattern.RawText!.Contains("/services/", StringComparison.Ordinal) => "isp",
                "id" when e.RoutePattern.RawText!.Contains("/subjects/", StringComparison.Ordinal) => subject.ToString(),
                "id" => request.ToString(),
                _ => Guid.NewGuid().ToString(),
            }), e.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            .Distinct()
            .ToList();

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>What every response must carry, whatever its status; null when all is well.</summary>
    private static IEnumerable<string> HeaderProblems(string name, HttpResponseMessage r, bool https)
    {
        var csp = r.Headers.TryGetValues("Content-Security-Policy", out var c) ? c.Single() : null;
        if (csp is null) { yield return $"{name}: no Content-Security-Policy"; yield break; }
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        var script = directives.GetValueOrDefault("script-src") ?? directives.GetValueOrDefault("default-src") ?? "";
        if (script.Length == 0 || script.Contains("'unsafe-inline'", StringComparison.Ordinal) || script.Contains("'unsafe-eval'", StringComparison.Ordinal) || script.Contains('*'))
            yield return $"{name}: script-src allows inline/eval/any ({script})";
        if (directives.GetValueOrDefault("frame-ancestors") != "frame-ancestors 'none'") yield return $"{name}: frame-ancestors is not 'none'";
        if (directives.GetValueOrDefault("object-src") != "object-src 'none'") yield return $"{name}: object-src is not 'none'";
        if (!r.Headers.TryGetValues("X-Content-Type-Options", out var n) || n.Single() != "nosniff") yield return $"{name}: no X-Content-Type-Options: nosniff";
        if (!r.Headers.TryGetValues("X-Frame-Options", out var f) || f.Single() != "DENY") yield return $"{name}: no X-Frame-Options: DENY";
        if (!r.Headers.TryGetValues("Referrer-Policy", out var rp) || rp.Single() is not ("strict-origin-when-cross-origin" or "no-referrer" or "same-origin"))
            yield return $"{name}: Referrer-Policy missing or leaky";
        var hsts = r.Headers.TryGetValues("Strict-Transport-Security", out var h) ? h.Single() : null;
        if (https && (hsts is null || !MaxAge().IsMatch(hsts) || long.Parse(MaxAge().Match(hsts).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < 31_536_000))
            yield return $"{name}: HTTPS without HSTS of a year or more ({hsts})";
        if (!https && hsts is not null) yield return $"{name}: HSTS over plain HTTP (RFC 6797 §7.2 says ignore; never send)";
        if (r.Headers.Contains("Server") || r.Headers.Contains("X-Powered-By")) yield return $"{name}: server banner";
    }

    [GeneratedRegex(@"max-age=(\d+)")]
    private static partial Regex MaxAge();

    private static IEnumerable<string> CookieProblems(string name, HttpResponseMessage r, bool https)
    {
        if (!r.Headers.TryGetValues("Set-Cookie", out var cookies)) yield break;
        foreach (var cookie in cookies)
        {
            var cookieName = cookie.Split('=')[0];
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            if (!attributes.Contains("httponly") && cookieName != ScriptReadableCookie) yield return $"{name}: cookie {cookieName} is not HttpOnly";
            if (!attributes.Any(a => a is "samesite=lax" or "samesite=strict")) yield return $"{name}: cookie {cookieName} has no SameSite=Lax/Strict";
            if (https && !attributes.Contains("secure")) yield return $"{name}: cookie {cookieName} is not Secure over HTTPS";
            if (https && cookieName.Contains("session", StringComparison.Ordinal) && !cookieName.StartsWith("__Host-", StringComparison.Ordinal))
                yield return $"{name}: session cookie {cookieName} lacks the __Host- prefix over HTTPS";
        }
    }

    private static async Task<(TestApp App, Guid Tenant, Guid Subject, Guid Request, string Token)> StartAsync(PostgresCluster cluster, bool https)
    {
        var (app, tenant, subject) = await Console.ConsoleScenario.StartAsync(cluster, configure: https ? UseHttps : null);
        var (request, token) = await Console.ConsoleScenario.RequestAsync(app, tenant);
        return (app, tenant, subject, request, token);
    }

    private static void UseHttps(Microsoft.AspNetCore.Builder.WebApplicationBuilder b)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = TimeProvider.System.GetUtcNow();
        using var selfSigned = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var cert = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pfx), null);
        b.WebHost.UseUrls("https://127.0.0.1:0");
        b.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = cert));
    }

    private static HttpClient Client(TestApp app, string? cookie = null)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // the test's own self-signed certificate
        }) { BaseAddress = app.BaseAddress };
        if (cookie is not null) client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryPage_SecurityHeadersAndCookieFlags(bool https)
    {
        var (app, tenant, subject, request, token) = await StartAsync(cluster, https);
        await using var _ = app;
        app.BaseAddress.Scheme.ShouldBe(https ? "https" : "http");
        var user = await app.UserAsync(tenant, [.. Roles.BuiltIn]);
        var anonymous = Client(app);
        // Signing in through the real endpoint, so the session cookie it sets is checked too.
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = TestApp.Password }, Ct);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var problems = CookieProblems("POST /api/auth/login", login, https).ToList();
        var session = login.Headers.GetValues("Set-Cookie").Select(v => v.Split(';')[0]).Single(v => v.Contains("mamori_session=", StringComparison.Ordinal));
        var staff = Client(app, session);

        var pages = Pages(app, subject, request, token);
        pages.Count.ShouldBeGreaterThan(30);
        foreach (var (path, isPublic) in pages)
        {
            var response = await (isPublic ? anonymous : staff).GetAsync(path, Ct);
            ((int)response.StatusCode).ShouldBeLessThan(500, path);
            problems.AddRange(HeaderProblems("GET " + path, response, https));
            problems.AddRange(CookieProblems("GET " + path, response, https));
        }
        // Responses that set the other cookies, and answers that are not pages: an API problem, a 404, a language switch.
        foreach (var (name, response) in new[]
        {
            ("GET /privacy?lang=en", await anonymous.GetAsync("/privacy?lang=en", Ct)),
            ("GET /api/no-such", await anonymous.GetAsync("/api/no-such", Ct)),
            ("GET /no-such-page", await anonymous.GetAsync("/no-such-page", Ct)),
            ("GET /api/audit (401)", await anonymous.GetAsync("/api/audit", Ct)),
            ("POST /api/public/consent/choice", await anonymous.PostAsJsonAsync("/api/public/consent/choice", new { token = "mst1.x", granted = Array.Empty<string>(), refused = Array.Empty<string>() }, Ct)),
        })
        {
            problems.AddRange(HeaderProblems(name, response, https));
            problems.AddRange(CookieProblems(name, response, https));
        }
        problems.ShouldBeEmpty();
    }

    /// <summary>
    /// Regression (walkthrough): the status page /requests/status/{token} answered with strict-origin-when-cross-origin, so its
    /// footer links sent the token URL as Referer. Every route whose URL carries a personal secret — a status token, a consent
    /// receipt id, a personal cookie link — answers no-referrer, for every method, with a valid or a forged secret.
    /// </summary>
    [Fact]
    public async Task PrivateLinkRoutes_EveryMethodValidOrForged_NoReferrer()
    {
        var (app, tenant, subject, _, token) = await StartAsync(cluster, https: false);
        await using var _ = app;
        var client = Client(app);
        var routes = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.Contains("{token}", StringComparison.Ordinal) || raw.Contains("/consent/receipts/", StringComparison.Ordinal)))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Route: e.RoutePattern.RawText!)))
            .ToList();
        // Both languages of the status page and its actions, the status API, the receipt pages.
        routes.Count(r => r.Route.StartsWith("/requests/status/", StringComparison.Ordinal)).ShouldBe(6);
        routes.Count(r => r.Route.StartsWith("/en/requests/status/", StringComparison.Ordinal)).ShouldBe(6);
        routes.ShouldContain(r => r.Route.StartsWith("/api/requests/status/", StringComparison.Ordinal));
        routes.Count(r => r.Route.Contains("/consent/receipts/", StringComparison.Ordinal)).ShouldBe(2);

        var leaks = new List<string>();
        async Task CheckAsync(string method, string path)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            // The API takes JSON (a form body there matches no endpoint and answers 415 without any page); pages take forms.
            if (method != "GET") request.Content = path.StartsWith("/api/", StringComparison.Ordinal) ? JsonContent.Create(new { }) : new FormUrlEncodedContent([]);
            var response = await client.SendAsync(request, Ct);
            ((int)response.StatusCode).ShouldBeLessThan(500, $"{method} {path}");
            var policy = response.Headers.TryGetValues("Referrer-Policy", out var v) ? v.Single() : "(none)";
            if (policy != "no-referrer") leaks.Add($"{method} {path} ({(int)response.StatusCode}): {policy}");
        }
        foreach (var (method, route) in routes)
            foreach (var secret in new[] { token, "forged" + token[6..] })
                await CheckAsync(method, RouteParameter().Replace(route, m => m.Groups[1].Value == "token" ? secret : Guid.NewGuid().ToString()));
        var link = app.App.Services.GetRequiredService<Mamori.Consent.SubjectLinks>().Issue(tenant, subject);
        await CheckAsync("GET", "/privacy/cookies?t=" + Uri.EscapeDataString(link));
        await CheckAsync("GET", "/en/privacy/cookies?t=" + Uri.EscapeDataString(link));
        leaks.ShouldBeEmpty();

        // Pages without a secret keep the default.
        (await client.GetAsync("/privacy/cookies", Ct)).Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
    }

    [Fact]
    public async Task ConsentChoiceCookie_SetByForm_SameSiteAndSecureOnHttps()
    {
        var (app, _, _, _, _) = await StartAsync(cluster, https: true);
        await using var __ = app;
        var client = Client(app);
        var page = await client.GetAsync("/privacy/cookies", Ct);
        var af = page.Headers.GetValues("Set-Cookie").Select(v => v.Split(';')[0]).Single(v => v.StartsWith("mamori_af=", StringComparison.Ordinal));
        var token = Regex.Match(await page.Content.ReadAsStringAsync(Ct), @"name=""__af"" value=""([^""]+)""").Groups[1].Value;
        var post = new HttpRequestMessage(HttpMethod.Post, "/privacy/cookies")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = WebUtility.HtmlDecode(token), ["action"] = "reject-all" }),
        };
        post.Headers.Add("Cookie", af);
        var response = await client.SendAsync(post, Ct);
        ((int)response.StatusCode).ShouldBeLessThan(400, await response.Content.ReadAsStringAsync(Ct));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith(ScriptReadableCookie + "=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.ShouldContain("secure");
        cookie.ShouldContain("samesite=lax");
        CookieProblems("POST /privacy/cookies", response, https: true).ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryAnonymousWrite_HasRateLimitPolicy()
    {
        var (app, _, _, _, _) = await StartAsync(cluster, https: false);
        await using var _ = app;
        var writes = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null
                        && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE") == true)
            .Select(e => (Route: e.RoutePattern.RawText!, Policy: e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName))
            .ToList();
        writes.Count.ShouldBeGreaterThan(15);
        writes.Where(w => w.Policy is null && !w.Route.EndsWith("/logout", StringComparison.Ordinal)).Select(w => w.Route).ShouldBeEmpty();
    }

    [Fact]
    public async Task PublicFormsAndLogin_OverLimit_429ProblemWithCodeAndRetryAfter()
    {
        var (app, tenant, _) = await Console.ConsoleScenario.StartAsync(cluster, configure: b =>
        {
            b.Configuration["Mamori:RateLimits:Login"] = "2";
            b.Configuration["Mamori:RateLimits:Public"] = "2";
            b.Configuration["Mamori:RateLimits:PublicForm"] = "2";
        });
        await using var _ = app;
        var (_, token) = await Console.ConsoleScenario.RequestAsync(app, tenant);
        var client = app.Client();
        HttpContent Json(object o) => JsonContent.Create(o);
        HttpContent Form(params string[] kv) => new FormUrlEncodedContent(kv.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1])));

        // Each policy's window is shared by every endpoint that names it: two requests use it up, then every one answers 429.
        var groups = new (string Policy, (string Path, Func<HttpContent> Body)[] Endpoints)[]
        {
            ("login", [("/api/auth/login", () => Json(new { email = "x@example.jp", password = "wrong password" })), ("/login", () => Form("email", "x@example.jp", "password", "x"))]),
            ("public-form", [
                ("/optout", () => Form("kind", "email", "value", "x@example.jp")), ("/api/optout/stop", () => Json(new { email = "x@example.jp" })),
                ("/requests", () => Form("kind", "disclosure")), ("/en/requests", () => Form("kind", "disclosure")),
                ($"/requests/status/{token}/code", () => Form("code", "000000")), ($"/requests/status/{token}/send-code", () => Form()),
                ($"/api/requests/status/{token}/code", () => Json(new { code = "000000" })), ($"/api/requests/status/{token}/send-code", () => Json(new { })),
                ($"/api/requests/status/{token}/withdraw", () => Json(new { })),
            ]),
            ("public", [("/privacy/cookies", () => Form("action", "reject-all")), ("/api/public/consent/choice", () => Json(new { token = "mst1.x", granted = Array.Empty<string>(), refused = Array.Empty<string>() }))]),
        };
        foreach (var (policy, endpoints) in groups)
        {
            for (var i = 0; i < 2; i++)
                ((int)(await client.PostAsync(endpoints[0].Path, endpoints[0].Body(), Ct)).StatusCode).ShouldNotBe(429, $"{policy}: request {i + 1} of 2");
            foreach (var (path, body) in endpoints)
            {
                var response = await client.PostAsync(path, body(), Ct);
                await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1009");
                response.Headers.RetryAfter.ShouldNotBeNull(path);
            }
        }
    }
}
