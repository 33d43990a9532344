using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mamori.Tests.Reliability;

/// <summary>How a fuzz request authenticates.</summary>
public enum FuzzAuth
{
    Anonymous,
    Session,
    ApiKey,
    Garbage,
}

/// <summary>
/// One generated HTTP request, kept as data so a case that found a bug can be saved to the corpus
/// (tests/Mamori.Tests/Reliability/corpus/http/*.json) and replayed. Paths may hold the placeholders
/// <c>{subject}</c>, <c>{request}</c> and <c>{token}</c>, filled with the scenario's real ids on replay.
/// </summary>
public sealed record FuzzCase
{
    public required string Name { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public FuzzAuth Auth { get; init; }
    public List<string[]> Headers { get; init; } = [];
    public List<string[]> ContentHeaders { get; init; } = [];
    public string? BodyBase64 { get; init; }

    /// <summary>Take a valid anti-forgery token and cookie (a form sent by a real page).</summary>
    public bool Antiforgery { get; init; }

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static FuzzCase FromJson(string json) => JsonSerializer.Deserialize<FuzzCase>(json, Json)!;
}

/// <summary>The scenario's real values for a request: ids behind the placeholders, credentials and a form token.</summary>
public sealed record FuzzContext(Uri BaseAddress, Guid Subject, Guid Request, string StatusToken, string SessionCookie, string ApiKey, string AfCookie, string AfToken)
{
    public string Fill(string path) => path
        .Replace("{subject}", Subject.ToString(), StringComparison.Ordinal)
        .Replace("{request}", Request.ToString(), StringComparison.Ordinal)
        .Replace("{token}", StatusToken, StringComparison.Ordinal);

    public HttpRequestMessage Materialize(FuzzCase c)
    {
        // Absolute, so a path starting with "//" stays a path (a relative "//x" would name a host).
        var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(BaseAddress.GetLeftPart(UriPartial.Authority) + Fill(c.Path)));
        var cookies = new List<string>();
        switch (c.Auth)
        {
            case FuzzAuth.Session: cookies.Add(SessionCookie); break;
            case FuzzAuth.ApiKey: request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ApiKey); break;
        }
        if (c.Antiforgery) cookies.Add(AfCookie);
        foreach (var h in c.Headers)
        {
            if (h[0].Equals("Cookie", StringComparison.OrdinalIgnoreCase)) cookies.Add(h[1]);
            else if (h[0].Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && c.BodyBase64 is null) continue; // HttpClient refuses to send it
            else request.Headers.TryAddWithoutValidation(h[0], h[1]);
        }
        if (cookies.Count > 0) request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies));
        if (c.BodyBase64 is not null)
        {
            var bytes = Convert.FromBase64String(c.BodyBase64);
            if (c.Antiforgery) bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("{af}", Uri.EscapeDataString(AfToken), StringComparison.Ordinal));
            request.Content = new ByteArrayContent(bytes);
            foreach (var h in c.ContentHeaders) request.Content.Headers.TryAddWithoutValidation(h[0], h[1]);
        }
        return request;
    }
}

/// <summary>What a response must never show: a .NET stack trace or an exception type name.</summary>
public static partial class StackTraces
{
    [GeneratedRegex(@"\bat [A-Za-z_][\w.`+<>]*\.[\w<>`|]+\(|\.cs:line \d+|\b(?:System|Microsoft|Mamori|Npgsql|YamlDotNet|SQLitePCL)\.[\w.]*Exception\b|--- End of (?:inner exception )?stack trace")]
    public static partial Regex Pattern();

    public static bool In(string text) => Pattern().IsMatch(text);
}
