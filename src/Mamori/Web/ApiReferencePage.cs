using Mamori.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// A readable API reference generated from the endpoint table itself (routes, methods, summaries and
/// the permission each needs), beside the machine-readable OpenAPI document.
/// </summary>
public static class ApiReferencePage
{
    public static void MapApiReference(this WebApplication app)
    {
        app.MapGet("/api-reference", (HttpContext http, EndpointDataSource endpoints) =>
        {
            var rows = endpoints.Endpoints.OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true
                    && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
                .Select(e => new
                {
                    Route = OpenApiPath(e.RoutePattern),
                    Methods = string.Join(" ", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []),
                    Summary = e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IEndpointSummaryMetadata>()?.Summary ?? "",
                    Access = e.Metadata.GetMetadata<IAllowAnonymous>() is not null ? "public"
                        : e.Metadata.GetMetadata<RequiresPermission>()?.Permission.ToString() ?? "signed in",
                })
                .OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Methods, StringComparer.Ordinal)
                .Select(r => H.F($"<tr><td><code>{r.Methods}</code></td><td><code>{r.Route}</code></td><td>{r.Summary}</td><td>{r.Access}</td></tr>"));
            var title = T(http, "API リファレンス", "API reference");
            return Result(Layout(http, title, H.F($"""
                <h1>{title}</h1>
                <p>{T(http, "認証: ログインセッションのクッキー、または API キー (Authorization: Bearer mk_…)。エラーは RFC 9457 の problem details で、code に MAMORI-nnnn が入ります。",
                    "Authentication: the session cookie, or an API key (Authorization: Bearer mk_…). Errors are RFC 9457 problem details with a MAMORI-nnnn code.")}
                <a href="/openapi/v1.json">OpenAPI</a></p>
                <table><thead><tr><th scope="col">{T(http, "メソッド", "Method")}</th><th scope="col">{T(http, "パス", "Path")}</th><th scope="col">{T(http, "説明", "Summary")}</th><th scope="col">{T(http, "権限", "Permission")}</th></tr></thead>
                <tbody>{rows}</tbody></table>
                """)));
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// The path as the OpenAPI document spells it (<c>/api/apikeys/{id}</c>), not as the route table does
    /// (<c>/api/apikeys/{id:guid}</c>, and <c>/api/apikeys/</c> for a group's root), so the two can be read side by side.
    /// </summary>
    internal static string OpenApiPath(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Where(s => s.Parts.Count > 0).Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart l => l.Content,
            RoutePatternSeparatorPart sep => sep.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => "",
        }))));
}
