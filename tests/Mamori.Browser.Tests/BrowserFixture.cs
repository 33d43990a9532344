using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Mamori.Browser.Tests.BrowserFixture))]

namespace Mamori.Browser.Tests;

/// <summary>
/// One headless Chromium for the run: Debian's /usr/bin/chromium driven by Playwright (browsers are never
/// downloaded). A missing Chromium fails the tests; it never skips them.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MAMORI_CHROMIUM");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            foreach (var name in new[] { "chromium", "chromium-browser" })
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new InvalidOperationException("Chromium was not found on PATH; install Debian's chromium package (./test.sh does).");
    }

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--font-render-hinting=none"],
        });
    }

    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.ViewportSize ??= new ViewportSize { Width = 1280, Height = 860 };
        options.Locale ??= "ja-JP";
        options.TimezoneId ??= "Asia/Tokyo";
        return Browser.NewContextAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
