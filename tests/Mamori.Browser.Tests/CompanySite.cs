using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mamori.Browser.Tests;

/// <summary>
/// The company's own web site on another origin (http://localhost:port, while Mamori is on 127.0.0.1): a page
/// that embeds Mamori's banner as docs/console.md shows it (with the 「Cookie設定」 link that reopens it) and carries tags in
/// the inert form the banner activates. Counts every tag load.
/// </summary>
public sealed class CompanySite : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentDictionary<string, int> Hits { get; } = new();

    public Uri BaseAddress { get; }

    private CompanySite(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public int HitsOf(string tag) => Hits.GetValueOrDefault(tag);

    public static async Task<CompanySite> StartAsync(Uri mamori, string? subjectToken = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        CompanySite? site = null;
        app.MapGet("/", () => Results.Content($$"""
            <!DOCTYPE html>
            <html lang="ja"><head><meta charset="utf-8"><title>サクラネット</title>
            <script src="{{new Uri(mamori, "/static/js/mamori-consent.js")}}" defer
                    data-mamori-config="{{new Uri(mamori, "/api/public/consent/config?lang=ja")}}"{{(subjectToken is null ? "" : $" data-subject-token=\"{subjectToken}\"")}}></script>
            </head><body>
            <h1>株式会社サクラネット</h1>
            <p>光回線のお申し込みはこちら。</p>
            <a href="#top">トップへ</a>
            <script type="text/plain" data-mamori-tag="session" data-src="/tag/session.js"></script>
            <script type="text/plain" data-mamori-tag="analytics" data-src="/tag/analytics.js"></script>
            <script type="text/plain" data-mamori-tag="ads" data-src="/tag/ads.js"></script>
            <script type="text/plain" data-mamori-tag="undeclared" data-src="/tag/undeclared.js"></script>
            <footer><a href="#" data-mamori-open>Cookie設定</a></footer>
            </body></html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/tag/{name}.js", (string name) =>
        {
            site!.Hits.AddOrUpdate(name, 1, (_, n) => n + 1);
            return Results.Content($"window.__tags = (window.__tags || []).concat(['{name}']); document.cookie = 'ex_{name}=1; path=/';", "text/javascript");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        // Another site than Mamori's 127.0.0.1: cookies and origins do not mix.
        site = new CompanySite(app, new UriBuilder(address) { Host = "localhost" }.Uri);
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
