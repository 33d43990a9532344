using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mamori.Benchmarks.Vault;

/// <summary>
/// The baseline for the decision API load run: a bare Kestrel minimal-API endpoint that binds the same
/// JSON body and answers a fixed decision, with no authentication, database or audit.
/// </summary>
public static class BareKestrel
{
    public sealed record Body(Guid SubjectId, string Purpose, string[]? Fields);

    public static async Task RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapPost("/api/decisions", (Body b) => TypedResults.Ok(new { allowed = true, reason = "allowed", fields = b.Fields ?? [], deniedCategory = (string?)null }));
        await app.RunAsync();
    }
}
