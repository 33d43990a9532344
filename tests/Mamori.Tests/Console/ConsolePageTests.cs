using System.Net;
using System.Text.RegularExpressions;
using Mamori.Auth;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// Generated from the endpoint table: every HTML page (console and public) is crawled and checked for the
/// rules CSP and accessibility rely on; every console page is closed to anonymous visitors and to roles
/// without its permission.
/// </summary>
public sealed partial class ConsolePageTests(PostgresCluster cluster)
{
    private sealed record PageRoute(string Path, Permission? Permission, bool Anonymous);

    /// <summary>GET routes that render HTML: not the API, OpenAPI, health checks or static files.</summary>
    /// <summary>Real ids for route parameters: the subject, a request and its status token; anything else stays a random id (404 page).</summary>
    private sealed record Ids(Guid Subject, Guid Request, string StatusToken, Guid OpenRequest, Guid Document, Guid Incident, Guid AccessReview, Guid AuditPlan, Guid AuditRun, Guid Finding, Guid Record, Guid Dataset);

    private static async Task<Ids> IdsAsync(TestApp app, Guid tenant, Guid subject)
    {
        // A letter naming nobody we hold is answered at once ("no data"): its answer files exist.
        var (request, token) = await RequestAsync(app, tenant);
        // A second letter names a person we hold, so it stays open and takes an uploaded identity document.
        await RequesterHeldAsync(app, tenant);
        var (open, _) = await RequestAsync(app, tenant);
        var document = await app.InTenantAsync(tenant, async (sp, _) =>
        {
            var requests = sp.GetRequiredService<Mamori.Requests.DataSubjectRequests>();
            return (await requests.AddDocumentAsync(await requests.GetAsync(open, Ct), Mamori.Requests.DocumentGroup.Identity, "運転免許証の写し", null,
                [.. "%PDF-1.4\n"u8], Mamori.Audit.Actor.System, Ct)).Id;
        });
        var incident = await IncidentAsync(app, tenant);
        var (plan, run, finding) = await GovernanceAuditAsync(app, tenant);
        return new Ids(subject, request, token, open, document, incident, await AccessReviewAsync(app, tenant), plan, run, finding, await ReceiptRecordAsync(app, tenant, subject),
            await PseudonymizedDatasetAsync(app, tenant));
    }

    /// <summary>An access review of the policy's "isp" department, started by the management representative.</summary>
    private static async Task<Guid> AccessReviewAsync(TestApp app, Guid tenant)
    {
        var representative = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        return await app.InTenantAsync(tenant, async (sp, _) =>
        {
            await sp.GetRequiredService<Mamori.Governance.Organisation.Organisation>().SetRepresentativeAsync(representative.Id, Mamori.Audit.Actor.System, Ct);
            var principal = new StaffPrincipal(tenant, Mamori.Audit.Actor.User(representative.Id), representative.Roles, representative.Id, null, representative.Email);
            return (await sp.GetRequiredService<Mamori.Governance.AccessReviews.AccessReviews>().StartAsync("isp", principal, Ct)).Review.Id;
        });
    }

    private static List<PageRoute> PageRoutes(TestApp app, Ids ids) =>
        app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => (Raw: e.RoutePattern.RawText!, e))
            .Where(x => !x.Raw.StartsWith("/api", StringComparison.Ordinal) && !x.Raw.StartsWith("/openapi", StringComparison.Ordinal)
                        && !x.Raw.StartsWith("/static", StringComparison.Ordinal) && x.Raw is not ("/healthz" or "/readyz" or "/"))
            .Select(x => new PageRoute(Concrete(x.Raw, ids), x.e.Metadata.GetMetadata<RequiresPermission>()?.Permission,
                x.e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null))
            .ToList();

    private static string Concrete(string pattern, Ids ids) =>
        RouteParameter().Replace(pattern, m => (m.Groups[1].Value, pattern) switch
        {
            ("id", var p) when p.Contains("/services/", StringComparison.Ordinal) => "isp",
            ("id", var p) when p.Contains("/requests/", StringComparison.Ordinal) && p.Contains("/documents/", StringComparison.Ordinal) => ids.OpenRequest.ToString(),
            ("id", var p) when p.Contains("/requests/", StringComparison.Ordinal) => ids.Request.ToString(),
            ("token", var p) when p.Contains("/requests/", StringComparison.Ordinal) => ids.StatusToken,
            ("documentId", _) => ids.Document.ToString(),
            ("id", var p) when p.Contains("/subjects/", StringComparison.Ordinal) => ids.Subject.ToString(),
            ("id", var p) when p.Contains("/incidents/", StringComparison.Ordinal) => ids.Incident.ToString(),
            ("id", var p) when p.Contains("/governance/audits/plans/", StringComparison.Ordinal) => ids.AuditPlan.ToString(),
            ("id", var p) when p.Contains("/governance/audits/runs/", StringComparison.Ordinal) => ids.AuditRun.ToString(),
            ("id", var p) when p.Contains("/governance/findings/", StringComparison.Ordinal) => ids.Finding.ToString(),
            ("id", var p) when p.Contains("/governance/entrustees/", StringComparison.Ordinal) => "payment-agent",
            ("id", var p) when p.Contains("/governance/departments/", StringComparison.Ordinal) => "isp",
            ("id", var p) when p.Contains("/access-reviews/", StringComparison.Ordinal) => ids.AccessReview.ToString(),
            ("id", var p) when p.Contains("/provisions/records/", StringComparison.Ordinal) => ids.Record.ToString(),
            ("id", var p) when p.Contains("/datasets/", StringComparison.Ordinal) => ids.Dataset.ToString(),
            ("recipient", _) => "carriers",
            _ => Guid.NewGuid().ToString(),
        });

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"<script\b(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[a-z][^>]*\s(style|on[a-z]+)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleOrHandler();

    [GeneratedRegex(@"<form\b[^>]*method=""post""[^>]*>(.*?)</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex PostForm();

    [GeneratedRegex(@"<html lang=""(ja|en)""")]
    private static partial Regex HtmlLang();

    /// <summary>Pages that only a POST renders, so the crawl sees their markup too.</summary>
    private static async Task<List<(string Name, string Html)>> PostedPagesAsync(HttpClient client, string cookie)
    {
        var pages = new List<(string, string)>();
        var get = new HttpRequestMessage(HttpMethod.Get, "/console/subjects");
        get.Headers.Add("Cookie", cookie);
        var form = await (await client.SendAsync(get, Ct)).Content.ReadAsStringAsync(Ct);
        var token = Regex.Match(form, @"name=""__af"" value=""([^""]+)""").Groups[1].Value;
        var search = new HttpRequestMessage(HttpMethod.Post, "/console/subjects/find")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token, ["purpose"] = "verification", ["by"] = "phone", ["value"] = "080-2222-3333" }),
        };
        search.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(search, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        pages.Add(("POST /console/subjects/find", await response.Content.ReadAsStringAsync(Ct)));
        return pages;
    }

    [Fact]
    public async Task EveryPage_Crawled_NoInlineScriptOrStyleAntiforgeryOnPostFormsAndLang()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var _ = app;
        var user = await app.UserAsync(tenant, Roles.Admin, Roles.PrivacyOfficer);
        var client = await app.SignedInAsync(user);
        var routes = PageRoutes(app, await IdsAsync(app, tenant, subject));
        routes.Count.ShouldBeGreaterThan(12);
        var pages = new List<(string Name, string Html)>();
        var notFound = new List<string>();
        foreach (var r in routes)
        {
            var response = await client.GetAsync(r.Path, Ct);
            ((int)response.StatusCode).ShouldBeLessThan(500, r.Path);
            if (response.Content.Headers.ContentType?.MediaType != "text/html") continue; // e.g. an answer file download
            if (response.StatusCode == HttpStatusCode.NotFound) notFound.Add(r.Path);
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            pages.Add(($"GET {r.Path}", await response.Content.ReadAsStringAsync(Ct)));
        }
        var cookie = client.DefaultRequestHeaders.GetValues("Cookie").Single();
        pages.AddRange(await PostedPagesAsync(app.Client(), cookie + "; " + await AntiforgeryCookieAsync(client)));

        var problems = new List<string>();
        foreach (var (name, html) in pages)
        {
            if (!HtmlLang().IsMatch(html)) problems.Add($"{name}: no <html lang>");
            if (Regex.Count(html, "<main[ >]") > 1) problems.Add($"{name}: more than one <main>");
            foreach (Match m in InlineScript().Matches(html)) problems.Add($"{name}: inline script {m.Value}");
            if (html.Contains("<style", StringComparison.OrdinalIgnoreCase)) problems.Add($"{name}: <style> element (CSP style-src 'self' blocks it)");
            foreach (Match m in InlineStyleOrHandler().Matches(html)) problems.Add($"{name}: inline style or handler {m.Value}");
            foreach (Match m in PostForm().Matches(html))
                if (!m.Groups[1].Value.Contains("name=\"__af\"", StringComparison.Ordinal)) problems.Add($"{name}: POST form without antiforgery: {m.Value[..Math.Min(120, m.Value.Length)]}");
        }
        problems.ShouldBeEmpty();
        // Only routes whose ids the scenario cannot supply may answer 404 (their 404 page is checked too).
        notFound.ShouldAllBe(p => p.StartsWith("/consent/receipts/", StringComparison.Ordinal) || p.StartsWith("/en/consent/receipts/", StringComparison.Ordinal));
        pages.Count(p => p.Html.Contains("method=\"post\"", StringComparison.Ordinal)).ShouldBeGreaterThan(8);
    }

    private static async Task<string> AntiforgeryCookieAsync(HttpClient client)
    {
        var response = await client.GetAsync("/console/subjects", Ct);
        return response.Headers.GetValues("Set-Cookie").Select(v => v.Split(';')[0]).Single(v => v.StartsWith("mamori_af=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryConsolePage_Anonymous_RedirectsToLogin()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var __ = app;
        var client = app.Client();
        var consolePages = PageRoutes(app, await IdsAsync(app, tenant, subject)).Where(r => !r.Anonymous).ToList();
        consolePages.Count.ShouldBeGreaterThan(6);
        foreach (var r in consolePages)
        {
            var response = await client.GetAsync(r.Path, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, r.Path);
            response.Headers.Location!.ToString().ShouldStartWith("/login?returnUrl=", customMessage: r.Path);
        }
    }

    /// <summary>Each built-in role reads every page it may open once; what those pages offer must work for that role.</summary>
    [Fact]
    public async Task EveryConsolePage_EachRole_LinksAndFormsOnlyToWhatItMayUse()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var _ = app;
        var routes = PageRoutes(app, await IdsAsync(app, tenant, subject)).Where(r => !r.Anonymous).ToList();
        var posts = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => (Pattern: new Regex("^" + RouteParameter().Replace(e.RoutePattern.RawText!, "[^/]+") + "$"),
                Permission: e.Metadata.GetMetadata<RequiresPermission>()?.Permission,
                Anonymous: e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null))
            .ToList();
        var problems = new List<string>();
        var followed = 0;
        var forms = 0;
        foreach (var role in Roles.BuiltIn)
        {
            var client = await app.SignedInAsync(tenant, role);
            var links = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in routes.Where(r => RolePermissions.Grants([role], r.Permission!.Value)))
            {
                var response = await client.GetAsync(r.Path, Ct);
                // A page refusing its data (another department's, MAMORI-9011) links only to itself in the other language.
                if (response.Content.Headers.ContentType?.MediaType != "text/html" || !response.IsSuccessStatusCode) continue;
                var html = await response.Content.ReadAsStringAsync(Ct);
                foreach (Match m in ConsoleLink().Matches(html))
                    links.TryAdd(System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), r.Path);
                // Every form shown posts to an endpoint this role may use.
                foreach (Match m in PostFormAction().Matches(html))
                {
                    var action = System.Net.WebUtility.HtmlDecode(m.Groups[m.Groups[1].Success ? 1 : 2].Value).Split('?')[0];
                    forms++;
                    var target = posts.FirstOrDefault(p => p.Pattern.IsMatch(action));
                    if (target.Pattern is null) problems.Add($"{role}: {r.Path} posts to {action}, which has no POST endpoint");
                    else if (!target.Anonymous && (target.Permission is not { } needs || !RolePermissions.Grants([role], needs)))
                        problems.Add($"{role}: {r.Path} shows a form to {action}, which needs {target.Permission}");
                }
            }
            // Every link shown opens for this role.
            foreach (var (link, from) in links)
            {
                var response = await client.GetAsync(link, Ct);
                followed++;
                if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound || (int)response.StatusCode >= 500)
                    problems.Add($"{role}: {from} links to {link}, which answers {(int)response.StatusCode}");
            }
        }
        problems.Distinct().ShouldBeEmpty();
        followed.ShouldBeGreaterThan(100);
        forms.ShouldBeGreaterThan(30);
    }

    [Fact]
    public async Task EveryConsolePage_RoleWithoutPermission_Forbidden403Page()
    {
        var (app, tenant, subject) = await StartAsync(cluster);
        await using var _ = app;
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.BuiltIn) clients[role] = await app.SignedInAsync(tenant, role);
        var routes = PageRoutes(app, await IdsAsync(app, tenant, subject)).Where(r => !r.Anonymous).ToList();
        routes.ShouldAllBe(r => r.Permission != null);
        var checkedCount = 0;
        foreach (var r in routes)
            foreach (var role in Roles.BuiltIn)
            {
                var response = await clients[role].GetAsync(r.Path, Ct);
                // Past the role's permission, a page may still refuse the data it is about, naming its code (another department's
                // page, MAMORI-9011); the role refusal names none.
                if (RolePermissions.Grants([role], r.Permission!.Value))
                {
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    if (response.StatusCode != HttpStatusCode.Forbidden || !Regex.IsMatch(body, @"\(MAMORI-(?!1102)\d{4}\)"))
                        ((int)response.StatusCode).ShouldBeLessThan(400, $"{role} {r.Path}: {body}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{role} {r.Path}");
                    (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("<html lang=");
                    checkedCount++;
                }
            }
        checkedCount.ShouldBeGreaterThan(5);
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*method=\"post\"")]
    private static partial Regex PostFormAction();

    [GeneratedRegex("href=\"(/console[^\"#]*)\"")]
    private static partial Regex ConsoleLink();
}
