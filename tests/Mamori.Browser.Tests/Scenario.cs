using Mamori.Audit;
using Mamori.Cli;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.Playwright;

namespace Mamori.Browser.Tests;

/// <summary>Intent methods for browser tests: a company with the demo policy, staff and people in the vault.</summary>
public static class Scenario
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Mamori.slnx"))) return d.FullName;
        throw new InvalidOperationException("Repository root not found.");
    }

    /// <summary>
    /// Where a test saves a screenshot: the test output folder on every run, and docs/screenshots (committed,
    /// shown in the README) when MAMORI_UPDATE_SCREENSHOTS=1, so a normal run leaves the work tree clean.
    /// </summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Environment.GetEnvironmentVariable("MAMORI_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepoRoot(), "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public static async Task<(TestApp App, Guid Tenant)> StartAsync(PostgresCluster cluster)
    {
        var app = await TestApp.StartAsync(Providers.Sqlite, cluster, b => b.Configuration["Mamori:DefaultTenant"] = "acme");
        // Cookies carry expiry dates from the server's clock, which the browser compares with the real one.
        var now = TimeProvider.System.GetUtcNow();
        if (now > app.Clock.GetUtcNow()) app.Clock.SetUtcNow(now);
        var tenant = await app.CreateTenantAsync("acme");
        await app.InTenantAsync(tenant.Id, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp,
            Path.Combine(RepoRoot(), "policy", "examples"), new DateOnly(2026, 4, 1), new DateOnly(2026, 3, 1), Actor.System, Ct));
        return (app, tenant.Id);
    }

    public static Task<Guid> IspCustomerAsync(TestApp app, Guid tenant, string name, string email, string phone) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("customer", "web-form", ["service-provision", "support"],
            new Dictionary<string, string> { ["name"] = name, ["email"] = email, ["phone"] = phone, ["inquiry"] = "回線速度について" }, "isp"), Actor.System, Ct)).Id);

    public static Task<Guid> SmsUserAsync(TestApp app, Guid tenant, string phone) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input", ["verification", "coupon-management"],
            new Dictionary<string, string> { ["sms-phone"] = phone, ["verification-log"] = "2026-11-01 認証成功" }, "sms-verify"), Actor.System, Ct)).Id);

    /// <summary>A disclosure request entered by staff from a certified letter.</summary>
    public static Task<string> LetterRequestAsync(TestApp app, Guid tenant, string name, string email) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Mamori.Requests.DataSubjectRequests>().SubmitAsync(new Mamori.Requests.RequestIntake
        {
            Kind = "disclosure", Channel = Mamori.Policy.RequestChannel.CertifiedMail, Name = name, Email = email, Address = "東京都千代田区1-2-3",
        }, Actor.System, Ct)).Request.Reference);

    /// <summary>Signs in through the real form, by mouse-free clicks on the page's own controls.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, TestApp app, StaffUser user)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/console").ToString());
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", TestApp.Password);
        await page.ClickAsync("form[action='/login'] button[type=submit]");
        await page.ShouldBeAtAsync("/console$");
        return page;
    }

    /// <summary>
    /// Waits until the page's URL matches <paramref name="urlPattern"/> (a regular expression) and its document has
    /// loaded. Not <c>IPage.WaitForURLAsync</c> or <c>WaitForLoadStateAsync</c>: the .NET client checks the frame's load
    /// states and then subscribes to their event, so a "load" that arrives in between is lost and the wait runs into
    /// its 30 s timeout (microsoft/playwright-dotnet#3364). On a busy 2-core machine that failed about one run in
    /// fifteen, at every such wait in this suite, with the server long done (request log). Both waits here poll in
    /// the Playwright driver instead, where nothing can be missed.
    /// </summary>
    public static async Task ShouldBeAtAsync(this IPage page, string urlPattern)
    {
        // The page's timeout (30 s), not the assertions' 5 s: a form post on a busy machine may take longer.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(urlPattern), new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.readyState === 'complete'");
    }
}
