using System.Net;
using System.Text.RegularExpressions;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// Regressions from a review: pages shown in answer to a form (search results, a refused action, a refused upload) linked
/// their language switch to the form's address, which takes no GET (405, an empty body in the console); and a browser's form
/// post over the rate limit got raw English problem JSON instead of a page.
/// </summary>
public sealed partial class PageAddressTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [GeneratedRegex(@"<a class=""lang"" href=""([^""]*)""")]
    private static partial Regex LanguageSwitch();

    private static string SwitchOf(string html) => LanguageSwitch().Match(html).Groups[1].Value;

    [Fact]
    public async Task ConsoleFormAnswers_LanguageSwitch_OpensTheFormsPage()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var search = await s.PostAsync("/console/subjects", "/console/subjects/find", [F("purpose", "verification"), F("by", "id"), F("value", subject.ToString())]);
        var html = await search.Content.ReadAsStringAsync(Ct);
        search.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        SwitchOf(html).ShouldBe("/console/subjects?lang=en");
        (await s.GetAsync(SwitchOf(html))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var incident = await IncidentAsync(app, tenant);
        var refused = await s.PostAsync($"/console/incidents/{incident}", $"/console/incidents/{incident}/status", [F("status", "bogus")]);
        var refusedHtml = await refused.Content.ReadAsStringAsync(Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, refusedHtml);
        SwitchOf(refusedHtml).ShouldBe($"/console/incidents/{incident}?lang=en");
        (await s.GetAsync(SwitchOf(refusedHtml))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("", "/en")]
    [InlineData("/en", "")]
    public async Task PublicFormAnswers_LanguageSwitch_OpensTheFormsPageInTheOtherLanguage(string prefix, string other)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant); // the request stays open, with its forms
        var (_, token) = await RequestAsync(app, tenant);
        var status = $"{prefix}/requests/status/{token}";
        // A withdrawal without its box ticked: the status page comes back with the refusal.
        var refused = await Anonymous(app).PostAsync(status, status + "/withdraw", [F("unused", "x")]);
        var html = await refused.Content.ReadAsStringAsync(Ct);
        ((int)refused.StatusCode).ShouldBeInRange(400, 499, html);
        SwitchOf(html).ShouldBe($"{other}/requests/status/{token}");

        var form = await Anonymous(app).PostAsync(prefix + "/requests", prefix + "/requests", [F("kind", "disclosure")]);
        var formHtml = await form.Content.ReadAsStringAsync(Ct);
        ((int)form.StatusCode).ShouldBeInRange(400, 499, formHtml);
        SwitchOf(formHtml).ShouldBe($"{other}/requests");
    }

    [Fact]
    public async Task FormAddressOpenedAsLink_ConsoleAndPublic_HtmlPageWithTheWayToTheForm()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var console = await s.GetAsync("/console/subjects/find?lang=en");
        var consoleHtml = await console.Content.ReadAsStringAsync(Ct);
        console.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        console.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        consoleHtml.ShouldContain("This address is where a form is sent; it cannot be opened directly. (MAMORI-1010)");
        consoleHtml.ShouldContain("""<a href="/console/subjects">Open the form&#39;s page</a>""");
        (await s.GetStringAsync("/console/subjects/find")).ShouldContain("このアドレスはフォームの送信先のため、直接は開けません。 (MAMORI-1010)");

        var (_, token) = await RequestAsync(app, tenant);
        var page = await app.Client().GetAsync($"/en/requests/status/{token}/documents", Ct);
        var pageHtml = await page.Content.ReadAsStringAsync(Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        pageHtml.ShouldContain("This address is where a form is sent.");
        pageHtml.ShouldContain($"""<a href="/en/requests/status/{token}">Open the form&#39;s page</a>""");
        SwitchOf(pageHtml).ShouldBe($"/requests/status/{token}");
        page.Headers.CacheControl!.NoStore.ShouldBeTrue("the status link is private");
    }

    /// <summary>Every form a page posts (a non-GET endpoint outside the API) has a page to go back to, so the switch never leads to a 405.</summary>
    [Fact]
    public async Task EveryPageForm_HasAGetPageAtItsAddressOrAParent()
    {
        var (app, _, _) = await StartAsync(cluster);
        await using var __ = app;
        var forms = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(m => m != "GET" && m != "HEAD") == true
                        && e.RoutePattern.RawText is { } raw && !raw.StartsWith("/api", StringComparison.Ordinal) && raw != "/logout")
            .Select(e => RouteParameter().Replace(e.RoutePattern.RawText!, m => m.Groups[2].Value.Contains("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x"))
            .Distinct().ToList();
        forms.Count.ShouldBeGreaterThan(40);
        await using var scope = app.App.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = "POST";
        foreach (var path in forms)
        {
            var page = Mamori.Web.PageAddresses.Nearest(http, path);
            page.ShouldNotBeNull(path);
            page.Value.Path.ShouldNotBe("/console", path); // each form's own page, not only the dashboard
        }
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    // Regression (review): over the public forms' shared limit, a browser (JavaScript off) showed raw JSON and the person lost
    // the way back. A page request (Accept: text/html, not the API) gets a page in its language with the code and what to do.
    [Fact]
    public async Task PublicForms_OverRateLimitFromABrowser_PageInItsLanguageApiKeepsProblem()
    {
        var (app, tenant, _) = await StartAsync(cluster, configure: b => b.Configuration["Mamori:RateLimits:PublicForm"] = "2");
        await using var __ = app;
        var (_, token) = await RequestAsync(app, tenant);
        var client = app.Client();
        async Task<HttpResponseMessage> BrowserPostAsync(string path, HttpContent body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
            return await client.SendAsync(request, Ct);
        }
        static FormUrlEncodedContent Form() => new([F("kind", "email"), F("value", "taro@example.jp")]);
        for (var i = 0; i < 2; i++) ((int)(await BrowserPostAsync("/optout", Form())).StatusCode).ShouldNotBe(429);

        var upload = new MultipartFormDataContent { { new StringContent("identity/x"), "document" } };
        foreach (var (path, body, lang, message, other) in new (string, HttpContent, string, string, string)[]
        {
            ("/optout", Form(), "ja", "ブラウザの「戻る」でフォームに戻り、1分ほどおいてから、もう一度送信してください。", "/en/optout"),
            ("/en/requests", Form(), "en", "Go back to the form with your browser&#39;s Back button and send it again in a minute.", "/requests"),
            ($"/requests/status/{token}/documents", upload, "ja", "1分ほどおいてから", $"/en/requests/status/{token}"),
        })
        {
            var response = await BrowserPostAsync(path, body);
            var html = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
            response.Headers.RetryAfter.ShouldNotBeNull(path);
            html.ShouldContain($"<html lang=\"{lang}\">", customMessage: path);
            html.ShouldContain(message, customMessage: path);
            html.ShouldContain("(MAMORI-1009)", customMessage: path);
            html.ShouldNotContain("taro@example.jp", customMessage: path);
            html.ShouldNotContain("ダッシュボード", customMessage: path);
            SwitchOf(html).ShouldBe(other, path);
        }

        // The API, and a caller that does not ask for HTML, keep the problem.
        var api = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/optout/stop")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { email = "x@example.jp" }),
            Headers = { Accept = { new("text/html") } },
        }, Ct);
        await api.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1009");
        await (await client.PostAsync("/optout", Form(), Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-1009");
    }
}
