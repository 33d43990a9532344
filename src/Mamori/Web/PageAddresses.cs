using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Mamori.Web;

/// <summary>
/// The page a person is on, as an address they can open again. A page shown in answer to a form (a refused form, search
/// results, an action's result) is rendered by the POST to the form's address, which takes no GET: a link built from that
/// address (the language switch, "back to the form") led to a 405. The page's own address is found in the endpoint table:
/// the GET page at the same address (<c>POST /requests</c> → <c>/requests</c>), else at the nearest parent address
/// (<c>/console/subjects/find</c> → <c>/console/subjects</c>, <c>/requests/status/{token}/documents</c> →
/// <c>/requests/status/{token}</c>), so every form added later is covered without a list to keep.
/// </summary>
public static class PageAddresses
{
    private sealed record Page(Endpoint Endpoint, TemplateMatcher Matcher, (string Name, IRouteConstraint Constraint)[] Constraints);

    private static readonly ConditionalWeakTable<EndpointDataSource, List<Page>> Cache = new();

    /// <summary>The address of the page being shown: the request's path on a GET; for a form's answer (or a 405), the page the form is on.</summary>
    public static string Current(HttpContext http)
    {
        var path = http.Request.Path.Value is { Length: > 0 } p ? p : "/";
        // A GET shows its own page, unless the address takes only a form (the 405 page points to the form's page).
        if ((HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) && http.Response.StatusCode != 405) return path;
        return Nearest(http, path)?.Path ?? path;
    }

    /// <summary>The GET page (not the API) at <paramref name="path"/> or at its nearest parent address, with its endpoint; null when none is.</summary>
    public static (string Path, Endpoint Endpoint)? Nearest(HttpContext http, string path)
    {
        var pages = PagesOf(http.RequestServices);
        for (var p = path.TrimEnd('/'); p.Length > 0; p = p[..p.LastIndexOf('/')])
        {
            foreach (var page in pages)
                if (Matches(http, page, p)) return (p, page.Endpoint);
        }
        return null;
    }

    private static bool Matches(HttpContext http, Page page, string path)
    {
        var values = new RouteValueDictionary();
        if (!page.Matcher.TryMatch(path, values)) return false;
        foreach (var (name, constraint) in page.Constraints)
            if (!constraint.Match(http, null, name, values, RouteDirection.IncomingRequest)) return false;
        return true;
    }

    /// <summary>Every GET endpoint outside the API, with its route's constraints ({id:guid}), read once per server.</summary>
    private static List<Page> PagesOf(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        return Cache.GetValue(source, s =>
        {
            var policies = services.GetRequiredService<ParameterPolicyFactory>();
            return [.. s.Endpoints.OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true
                            && e.RoutePattern.RawText is { } raw && !raw.StartsWith("/api", StringComparison.Ordinal) && !raw.StartsWith("/openapi", StringComparison.Ordinal))
                .Select(e => new Page(e, new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults)),
                    [.. e.RoutePattern.ParameterPolicies.SelectMany(kv => kv.Value.Select(reference =>
                        (kv.Key, Constraint: policies.Create(e.RoutePattern.GetParameter(kv.Key), reference) as IRouteConstraint)))
                        .Where(c => c.Constraint is not null).Select(c => (c.Key, c.Constraint!))]))];
        });
    }
}
