using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Mamori.Http;

/// <summary>
/// The parameters of an endpoint's handler that bind from the route or the query string, and the text a request gave for one:
/// what the compiled handlers parse, looked at again where they do not say enough (<see cref="Problems.ExceptionHandler.UnparsableParameter"/>,
/// <see cref="OffsetDateTimes"/>).
/// </summary>
internal static class RouteOrQuery
{
    /// <summary>Every named parameter of <paramref name="handler"/> not bound from the body, a form, a header or the services.</summary>
    public static IEnumerable<ParameterInfo> Parameters(MethodInfo? handler) =>
        handler?.GetParameters().Where(p => p.Name is not null && !p.GetCustomAttributes(inherit: true)
            .Any(a => a is IFromBodyMetadata or IFromFormMetadata or IFromHeaderMetadata or IFromServiceMetadata)) ?? [];

    /// <summary>The route value named <paramref name="name"/> if the route has one, else the first query value; null when absent.</summary>
    public static string? Value(HttpContext http, string name) =>
        http.Request.RouteValues.TryGetValue(name, out var route) ? route?.ToString() : http.Request.Query[name].FirstOrDefault();
}
