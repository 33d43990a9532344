using Mamori.Discovery.Presidio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Mamori.Discovery;

/// <summary>
/// Presidio-compatible routes: <c>POST {group}/analyze</c> and <c>POST {group}/anonymize</c> take and return
/// Presidio's analyzer and anonymizer shapes. Not wired into a host here: the host registers a
/// <see cref="PresidioApi"/> singleton (with its HMAC key), adds authorization to the group and calls
/// <c>api.MapDiscovery()</c>. Errors are RFC 9457 problem details carrying Presidio's <c>error</c> text
/// and the stable <c>code</c> (MAMORI-70xx).
/// </summary>
public static class DiscoveryEndpoints
{
    public static RouteGroupBuilder MapDiscovery(this RouteGroupBuilder api)
    {
        api.MapPost("/analyze", Analyze).WithName("DiscoveryAnalyze")
            .WithSummary("Find personal data in a text (Presidio analyzer shape): entity type, offsets and score per finding, never the matched text.");
        api.MapPost("/anonymize", Anonymize).WithName("DiscoveryAnonymize")
            .WithSummary("Redact a text with the given findings and operators (Presidio anonymizer shape; operators replace, redact, keep, mask, hash, encrypt).");
        return api;
    }

    internal static Results<Ok<IReadOnlyList<PresidioRecognizerResult>>, ProblemHttpResult> Analyze(
        PresidioAnalyzeRequest request, [FromServices] PresidioApi presidio)
    {
        try
        {
            return TypedResults.Ok(presidio.Analyze(request));
        }
        catch (DiscoveryException e)
        {
            return Problem(e, StatusCodes.Status400BadRequest);
        }
    }

    internal static Results<Ok<PresidioAnonymizeResponse>, ProblemHttpResult> Anonymize(
        PresidioAnonymizeRequest request, [FromServices] PresidioApi presidio)
    {
        try
        {
            return TypedResults.Ok(presidio.Anonymize(request));
        }
        catch (DiscoveryException e)
        {
            return Problem(e, e.Code == DiscoveryErrors.InvalidOperator ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest);
        }
    }

    private static ProblemHttpResult Problem(DiscoveryException e, int status) =>
        TypedResults.Problem(
            detail: e.Detail,
            statusCode: status,
            title: "Invalid discovery request",
            type: "https://mamori.dev/errors/" + e.Code,
            extensions: new Dictionary<string, object?> { ["code"] = e.Code, ["error"] = e.Detail });
}
