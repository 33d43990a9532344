namespace Mamori.Web;

/// <summary>
/// Headers on every response (S-91): a Content-Security-Policy that allows no inline script or style and no
/// framing, HSTS on HTTPS, no MIME sniffing, a strict referrer policy and no powerful browser features.
/// The embeddable consent script and its config are the only resources meant for other sites' pages.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    public const string PermissionsPolicy =
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()";

    public static IApplicationBuilder UseMamoriSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        // Read before the handler runs: the exception handler clears the endpoint (and the headers) when it re-executes,
        // and a forged or expired token in the URL must not leak as a referrer either.
        var privateLink = http.GetEndpoint()?.Metadata.GetMetadata<PrivateLinkMetadata>() is not null;
        http.Response.OnStarting(() =>
        {
            if (privateLink) Private(http);
            Apply(http);
            return Task.CompletedTask;
        });
        return next(http);
    });

    /// <summary>
    /// Marks endpoints whose URL carries a personal secret (a request's status token, a consent receipt's id): their
    /// responses are never cached, never indexed, and never send their URL as a referrer, whatever their status.
    /// </summary>
    public static TBuilder PrivateLink<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PrivateLinkMetadata.Instance);

    /// <summary>A response tied to one person (a private link, a form that echoes what was typed): not cached, not sent as a referrer, not indexed.</summary>
    public static void Private(HttpContext http)
    {
        var h = http.Response.Headers;
        // "no-cache" too: it is what antiforgery sets on pages with a form, and anything else makes it log a warning.
        h.CacheControl = "no-cache, no-store";
        h["Referrer-Policy"] = "no-referrer";
        h["X-Robots-Tag"] = "noindex";
    }

    /// <summary>Sets the headers on <paramref name="http"/>'s response (called as the response starts).</summary>
    public static void Apply(HttpContext http)
    {
        var h = http.Response.Headers;
        // A response may have chosen a stricter policy (an uploaded document is served sandboxed).
        if (!h.ContainsKey("Content-Security-Policy")) h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        // A page may have chosen a stricter policy (private receipts and status links use no-referrer).
        if (!h.ContainsKey("Referrer-Policy")) h["Referrer-Policy"] = "strict-origin-when-cross-origin";
        h["Permissions-Policy"] = PermissionsPolicy;
        h["Cross-Origin-Opener-Policy"] = "same-origin";
        if (http.Request.IsHttps) h.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        // Pages for signed-in staff may show personal data: never keep them in a shared or disk cache.
        if (http.Features.Get<Staff.StaffPrincipal>() is not null && !h.ContainsKey("Cache-Control"))
            h.CacheControl = "no-cache, no-store";
    }
}

/// <summary>Endpoint metadata set by <see cref="SecurityHeaders.PrivateLink{TBuilder}"/>.</summary>
public sealed class PrivateLinkMetadata
{
    public static readonly PrivateLinkMetadata Instance = new();

    private PrivateLinkMetadata()
    {
    }
}
