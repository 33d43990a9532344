using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Backbone;

/// <summary>
/// An installation serving several companies, and one serving none yet. A walkthrough added a second company with
/// 'mamori tenant add' and, at the next restart, lost /privacy, /requests and /login to a JSON 404 ("set
/// Mamori:DefaultTenant", documented nowhere); the second company could never sign in.
/// </summary>
public sealed class SeveralCompaniesTests(PostgresCluster cluster)
{
    private static Task PublishAsync(TestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 4, 1), null, Actor.System, Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PublicPages_SecondCompanyAdded_FirstCompanysPagesStay(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var first = await app.CreateTenantAsync("sakura");
        await PublishAsync(app, first.Id);
        app.Clock.Advance(TimeSpan.FromDays(30));
        var second = await app.CreateTenantAsync("sakura-sol");
        await PublishAsync(app, second.Id);
        foreach (var path in new[] { "/privacy", "/en/privacy", "/requests", "/optout" })
        {
            var response = await app.Client().GetAsync(path, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
        }
        // Without --tenant or Mamori:DefaultTenant, the first company created.
        var shown = await app.InTenantAsync(Guid.Empty, (sp, db) => sp.GetRequiredService<Mamori.Auth.PublicTenant>().FindAsync(db, Ct));
        shown!.Id.ShouldBe(first.Id);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_StaffOfEachCompany_SignInToTheirOwn(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var first = await app.CreateTenantAsync("sakura");
        var second = await app.CreateTenantAsync("sakura-sol");
        foreach (var tenant in new[] { first, second })
        {
            var user = await app.UserAsync(tenant.Id, Roles.Admin);
            var (response, cookie) = await app.LoginAsync(user.Email, TestApp.Password);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, tenant.Slug);
            var me = await app.Client(cookie).GetFromJsonAsync<JsonElement>("/api/auth/me", Ct);
            me.GetProperty("tenantId").GetGuid().ShouldBe(tenant.Id);
            // The failed attempt goes to the chain of the company whose account was tried.
            (await app.LoginAsync(user.Email, "not the password at all")).Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.LoginFailed && e.TargetId == user.Id.ToString(), Ct)))
                .ShouldBe(1);
        }
    }

    [Fact]
    public async Task Login_SameAddressInTwoCompanies_ThePasswordDecides()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var first = await app.CreateTenantAsync("sakura");
        var second = await app.CreateTenantAsync("sakura-sol");
        const string email = "consultant@example.jp";
        await app.InTenantAsync(first.Id, (sp, _) => sp.GetRequiredService<StaffAccounts>().AddAsync(email, [Roles.Auditor], "first company passphrase 1", Actor.System, Ct));
        await app.InTenantAsync(second.Id, (sp, _) => sp.GetRequiredService<StaffAccounts>().AddAsync(email, [Roles.Auditor], "second company passphrase 2", Actor.System, Ct));
        foreach (var (password, tenant) in new[] { ("second company passphrase 2", second.Id), ("first company passphrase 1", first.Id) })
        {
            var (response, cookie) = await app.LoginAsync(email, password);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await app.Client(cookie).GetFromJsonAsync<JsonElement>("/api/auth/me", Ct)).GetProperty("tenantId").GetGuid().ShouldBe(tenant);
        }
    }

    [Fact]
    public async Task PublicPages_NoCompanyYet_NotOpenYetPageNotJson()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        foreach (var (path, text) in new[] { ("/privacy", "準備中です"), ("/requests", "準備中です"), ("/en/privacy", "Not available yet"), ("/privacy/cookies", "準備中です") })
        {
            var response = await app.Client().GetAsync(path, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(text);
        }
        // The sign-in page opens; signing in fails as for any unknown address.
        (await app.Client().GetAsync("/login", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await app.LoginAsync("nobody@example.jp", "some passphrase")).Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1101");
        // The API keeps its problem details.
        await (await app.Client().GetAsync("/api/public/consent/config", Ct)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "MAMORI-1306");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Setup_FreshInstallation_BannerNamesWhatIsMissingAndTheCommands(string provider)
    {
        // Regression: a production server started per the README printed only "Open: …/login", with no company, policy or user.
        await using var app = await TestApp.StartAsync(provider, cluster);
        var lines = await SetupAsync(app);
        lines[0].ShouldStartWith("  Setup:   there is no company yet");
        lines.ShouldContain(l => l.Trim().StartsWith("mamori tenant add --slug SLUG", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Trim().StartsWith("mamori policy publish POLICY-DIR --effective YYYY-MM-DD", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Trim().StartsWith("mamori user add --email EMAIL --role admin", StringComparison.Ordinal));

        var tenant = await app.CreateTenantAsync("sakura");
        (await SetupAsync(app)).ShouldBe([
            "  Public:  /privacy, /requests, /optout and the cookie banner are sakura's (sakura Inc.)",
            "  Setup:   sakura has no published policy; /privacy says \"not published yet\": mamori policy publish POLICY-DIR --effective YYYY-MM-DD",
            "  Setup:   sakura has no staff user to sign in with: mamori user add --email EMAIL --role admin",
        ]);

        await PublishAsync(app, tenant.Id);
        await app.UserAsync(tenant.Id, Roles.Admin);
        app.Clock.Advance(TimeSpan.FromDays(30));
        var second = await app.CreateTenantAsync("sakura-sol");
        await PublishAsync(app, second.Id);
        (await SetupAsync(app)).ShouldBe([
            "  Public:  /privacy, /requests, /optout and the cookie banner are sakura's (sakura Inc.), the first company; another company's pages need a server started with --tenant SLUG",
            "  Sign-in: staff of sakura, sakura-sol sign in at /login",
            "  Setup:   sakura-sol has no staff user to sign in with: mamori user add --email EMAIL --role admin --tenant sakura-sol",
        ]);
    }

    [Fact]
    public async Task Setup_TenantOptionNamesNoCompany_RefusedInOneLine()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster, b => b.Configuration["Mamori:DefaultTenant"] = "sakura-sl");
        await app.CreateTenantAsync("sakura");
        var refused = await Should.ThrowAsync<MamoriException>(() => SetupAsync(app));
        refused.Code.ShouldBe(ErrorCode.UnknownTenant);
        refused.Message.ShouldBe("--tenant (or Mamori:DefaultTenant) names 'sakura-sl', which is not a tenant here; tenants: sakura.");
    }

    private static async Task<IReadOnlyList<string>> SetupAsync(TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await ServeCommand.SetupAsync(scope.ServiceProvider, Ct);
    }

    /// <summary>
    /// Regression: staff may sign in on any company's server, and the status link of a request they entered and the personal cookie
    /// link they made started with that server's address, where the other company's links do not open. They start with the address
    /// of the server that shows the company's pages (recorded when it starts), and with this server's while none has.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Links_CompanyServedFromItsOwnAddress_StartWithThatAddress(string provider)
    {
        var (app, tenant, subject) = await Console.ConsoleScenario.StartAsync(cluster, provider);
        await using var _ = app;
        var here = app.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Mamori.Requests.RequestSettings>>().Value.PublicBaseUrl.TrimEnd('/');
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        async Task<string> StatusUrlAsync()
        {
            var response = await officer.PostAsJsonAsync("/api/requests",
                new { kind = "complaint", channel = "certified-mail", name = "試験 太郎", email = "taro@example.jp", details = "対応について" }, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
            return JsonDocument.Parse(body).RootElement.GetProperty("statusUrl").GetString()!;
        }
        async Task<string> CookieLinkPageAsync()
        {
            var s = await Console.ConsoleScenario.SessionAsync(app, tenant, Roles.Operator);
            var response = await s.PostAsync("/console/subjects", $"/console/subjects/{subject}/link", []);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return await response.Content.ReadAsStringAsync(Ct);
        }

        (await StatusUrlAsync()).ShouldStartWith(here + "/requests/status/");
        (await CookieLinkPageAsync()).ShouldContain($"value=\"{here}/privacy/cookies?t=mst1.");

        await app.InTenantAsync(Guid.Empty, async (sp, _) =>
        {
            await sp.GetRequiredService<Mamori.Tenancy.Tenants>().RecordPublicBaseUrlAsync(tenant, "https://privacy.acme.example/", configured: true, Ct);
            return 0;
        });
        (await StatusUrlAsync()).ShouldStartWith("https://privacy.acme.example/requests/status/");
        (await CookieLinkPageAsync()).ShouldContain("value=\"https://privacy.acme.example/privacy/cookies?t=mst1.");
    }

    /// <summary>
    /// Regression: every server that started recorded its own address for the company whose pages it shows, so with several servers
    /// on one database the last one started decided where every link to the company's people pointed, even one that only listened
    /// on an internal address. An address the operator set replaces the recorded one and the banner warns of the disagreement; an
    /// address a server only listens on never replaces one.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PublicAddress_ServersDisagree_SetAddressReplacesWithWarningListenedOneNever(string provider)
    {
        var (app, tenant, _) = await Console.ConsoleScenario.StartAsync(cluster, provider,
            b => b.Configuration["Mamori:Requests:PublicBaseUrl"] = "https://privacy.acme.example/");
        await using var _ = app;
        async Task<(string Links, string? Warning)> ThisServerStartsAsync()
        {
            await using var scope = app.App.Services.CreateAsyncScope();
            return await ServeCommand.RecordPublicAddressAsync(scope.ServiceProvider, Ct);
        }
        Task<Mamori.Tenancy.Tenants.PublicBaseUrlRecord> OtherServerStartsAsync(string url, bool configured) => app.InTenantAsync(Guid.Empty, (sp, _) =>
            sp.GetRequiredService<Mamori.Tenancy.Tenants>().RecordPublicBaseUrlAsync(tenant, url, configured, Ct));
        Task<string?> RecordedAsync() => app.InTenantAsync(Guid.Empty, (_, db) => db.Tenants.Where(t => t.Id == tenant).Select(t => t.PublicBaseUrl).SingleAsync(Ct));

        (await ThisServerStartsAsync()).ShouldBe(("https://privacy.acme.example", (string?)null));
        (await RecordedAsync()).ShouldBe("https://privacy.acme.example");
        (await ThisServerStartsAsync()).Warning.ShouldBeNull();

        // A server that only listens somewhere (an internal --urls) keeps the company's address.
        (await OtherServerStartsAsync("http://10.0.0.5:5080", configured: false)).ShouldBe(new("https://privacy.acme.example", null, "https://privacy.acme.example"));
        (await RecordedAsync()).ShouldBe("https://privacy.acme.example");

        // One set to another address replaces it, saying which; this server, started again, takes it back and warns.
        (await OtherServerStartsAsync("https://privacy.acme-new.example", configured: true)).ShouldBe(new("https://privacy.acme-new.example", "https://privacy.acme.example", null));
        var again = await ThisServerStartsAsync();
        again.Links.ShouldBe("https://privacy.acme.example");
        again.Warning.ShouldNotBeNull().ShouldContain("started with https://privacy.acme-new.example");
        (await RecordedAsync()).ShouldBe("https://privacy.acme.example");
    }
}
