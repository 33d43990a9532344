using Mamori.Auth;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;

namespace Mamori.Http;

public static class PolicyEndpoints
{
    public sealed record VersionResponse(int Number, string ContentHash, DateOnly EffectiveFrom, DateOnly? AnnouncedOn, DateTimeOffset PublishedAt, bool InForce);

    public sealed record PublishRequest(IReadOnlyDictionary<string, string> Files, DateOnly Effective, DateOnly? Announce = null);


    public static RouteGroupBuilder MapPolicy(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/policy").WithTags("Policy");
        g.MapGet("/", async (PolicyStore store, HttpContext http, CancellationToken ct) =>
        {
            var current = await store.RequireCurrentAsync(ct);
            http.Response.Headers["X-Mamori-Policy-Version"] = current.Version.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text(current.Version.CanonicalJson, "application/json");
        }).RequirePermission(Permission.ReadPolicy).WithSummary("The policy in force, as its canonical JSON model.");

        g.MapGet("/versions", async (PolicyStore store, CancellationToken ct) =>
        {
            var current = await store.CurrentAsync(ct);
            var versions = await store.VersionsAsync(ct);
            return TypedResults.Ok(versions.Select(v => new VersionResponse(v.Number, v.ContentHash, v.EffectiveFrom, v.AnnouncedOn, v.PublishedAt,
                v.Number == current?.Version.Number)).ToArray());
        }).RequirePermission(Permission.ReadPolicy).WithSummary("Every published version with its dates and content hash.");

        g.MapPost("/versions", async (PublishRequest body, PolicyStore store, HttpContext http, CancellationToken ct) =>
        {
            var result = PolicyLoader.LoadFiles(body.Files);
            if (result.Policy is null || result.Diagnostics.Any(d => d.IsError))
                throw new MamoriException(ErrorCode.PolicyInvalid,
                    "The policy has errors: " + string.Join("; ", result.Diagnostics.Where(d => d.IsError).Take(10).Select(d => d.ToString())), 400);
            var v = await store.PublishAsync(result.Policy, body.Effective, body.Announce, http.Actor(), ct);
            return TypedResults.Created($"/api/policy/versions/{v.Number}", new VersionResponse(v.Number, v.ContentHash, v.EffectiveFrom, v.AnnouncedOn, v.PublishedAt, false));
        }).RequirePermission(Permission.PublishPolicy).WithSummary("Validate and publish policy files (path → YAML) as a new immutable version.");
        return api;
    }
}
