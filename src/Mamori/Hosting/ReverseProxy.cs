using System.Net;
using Mamori.Errors;
using Microsoft.AspNetCore.HttpOverrides;

namespace Mamori.Hosting;

/// <summary>
/// TLS terminated by a reverse proxy (security review F2). With <c>Mamori:ForwardedHeaders:KnownProxies</c> (addresses) or
/// <c>KnownNetworks</c> (CIDR) set, <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> sent by those addresses give the
/// request its client address and scheme: cookies keep <c>Secure</c> and <c>__Host-</c>, HSTS is sent and rate limits count
/// per client, not per proxy. From any other address the headers are ignored; unset (the default) they are never read, so
/// no client can claim another address or HTTPS.
/// </summary>
public static class ReverseProxy
{
    public const string Section = "Mamori:ForwardedHeaders";

    public static void UseReverseProxy(this WebApplication app)
    {
        var section = app.Configuration.GetSection(Section);
        var proxies = List(section.GetSection("KnownProxies"));
        var networks = List(section.GetSection("KnownNetworks"));
        if (proxies.Count == 0 && networks.Count == 0) return;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        // ASP.NET trusts loopback by default; only what is configured is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var p in proxies) options.KnownProxies.Add(IPAddress.TryParse(p, out var ip) ? ip : throw Invalid("KnownProxies", p));
        foreach (var n in networks) options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var net) ? net : throw Invalid("KnownNetworks", n));
        app.UseForwardedHeaders(options);
    }

    /// <summary>A list as configuration gives it: array entries (<c>KnownProxies:0</c>, <c>KnownProxies__0</c>) or one comma-separated value.</summary>
    private static List<string> List(IConfigurationSection s) =>
        (s.Value is { } v ? v.Split(',') : s.GetChildren().Select(c => c.Value ?? ""))
        .Select(x => x.Trim()).Where(x => x.Length > 0).ToList();

    private static MamoriException Invalid(string name, string value) =>
        new(ErrorCode.ForwardedHeadersInvalid, $"{Section}:{name} has '{ErrorText.Id(value)}', which is not an IP address{(name == "KnownNetworks" ? " range such as 10.0.0.0/8" : "")}.");
}
