using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Policy;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Tests.Policy;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>
/// UX report 3, L6: changes made with the CLI (a policy published, a blast radius computed, a user added) were recorded as
/// 「システム」, naming nobody accountable. They are recorded as the staff user --actor names, else as the operating-system account.
/// </summary>
public sealed class CliActorTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Code, string Out, string Err)> RunAsync(TestApp app, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync([.. args, "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Account => Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } sudo ? sudo : Environment.UserName;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PolicyPublish_ActorOrNot_RecordedAndShownByWhoDidIt(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var officer = await app.UserAsync(tenant.Id, Roles.PrivacyOfficer);

        var first = await RunAsync(app, "policy", "publish", PolicyFixtureTests.FixtureDir("valid-minimal"), "--effective", "2026-01-01");
        first.Code.ShouldBe(0, first.Err);
        var second = await RunAsync(app, "policy", "publish", PolicyRendererTests.DemoDir(), "--effective", "2026-01-01", "--actor", officer.Email.ToUpperInvariant());
        second.Code.ShouldBe(0, second.Err);

        var versions = await app.InTenantAsync(tenant.Id, (sp, _) => sp.GetRequiredService<PolicyStore>().VersionsAsync(Ct));
        versions.Select(v => v.PublishedBy).ShouldBe([$"Cli:{Account}", $"User:{officer.Id}"]);
        var events = await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.PolicyPublished).OrderBy(e => e.Sequence).ToListAsync(Ct));
        events.Select(e => (e.ActorKind, e.ActorId)).ShouldBe([(ActorKind.Cli, Account), (ActorKind.User, officer.Id.ToString())]);

        var admin = await app.SignedInAsync(tenant.Id, Roles.Admin, Roles.Auditor);
        var page = await admin.GetStringAsync("/console/policy", Ct);
        page.ShouldContain($"<td>CLI: {Account}</td>");
        page.ShouldContain($"<td>{officer.Email}</td>");
        var audit = await admin.GetStringAsync("/console/audit", Ct);
        audit.ShouldContain($"CLI: {Account}<br><code class=\"muted\">Cli:{Account}</code>");
    }

    [Fact]
    public async Task Actor_UnknownOrDisabled_OneLineAndNothingChanged()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var leaver = await app.UserAsync(tenant.Id, Roles.Admin);
        await app.InTenantAsync(tenant.Id, async (sp, _) =>
        {
            await sp.GetRequiredService<StaffAccounts>().DisableAsync(await sp.GetRequiredService<StaffAccounts>().GetAsync(leaver.Id, Ct), Actor.System, Ct);
            return 0;
        });
        var dir = PolicyFixtureTests.FixtureDir("valid-minimal");

        var unknown = await RunAsync(app, "policy", "publish", dir, "--effective", "2026-01-01", "--actor", "nobody@test.example");
        unknown.Code.ShouldBe(1);
        unknown.Out.ShouldBeEmpty();
        unknown.Err.Trim().ShouldBe("mamori: --actor: tenant acme has no staff user with that email ('mamori user list --tenant acme' lists them). (MAMORI-1111)");
        var disabled = await RunAsync(app, "apikey", "create", "--name", "crm", "--role", "operator", "--actor", leaver.Email);
        disabled.Code.ShouldBe(1);
        disabled.Out.ShouldBeEmpty();
        disabled.Err.Trim().ShouldBe("mamori: --actor: that staff user of tenant acme is disabled; name the person accountable now. (MAMORI-1107)");

        (await app.InTenantAsync(tenant.Id, (sp, _) => sp.GetRequiredService<PolicyStore>().VersionsAsync(Ct))).ShouldBeEmpty();
        (await app.InTenantAsync(tenant.Id, (_, db) => db.ApiKeys.CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task ChangingCommands_NoActor_RecordedAsOperatingSystemAccount()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        (await RunAsync(app, "tenant", "add", "--slug", "acme", "--name", "Acme")).Code.ShouldBe(0);
        (await RunAsync(app, "user", "add", "--email", "cpo@test.example", "--role", "admin")).Code.ShouldBe(0);
        (await RunAsync(app, "user", "add", "--email", "ops@test.example", "--role", "operator", "--actor", "cpo@test.example")).Code.ShouldBe(0);
        (await RunAsync(app, "apikey", "create", "--name", "crm", "--role", "operator")).Code.ShouldBe(0);
        (await RunAsync(app, "apikey", "revoke", "crm", "--actor", "cpo@test.example")).Code.ShouldBe(0);
        (await RunAsync(app, "user", "disable", "--email", "ops@test.example")).Code.ShouldBe(0);
        (await RunAsync(app, "keys", "rotate", "--actor", "cpo@test.example")).Code.ShouldBe(0);

        var tenant = await app.InTenantAsync(Guid.Empty, (_, db) => db.Tenants.SingleAsync(Ct));
        var cpo = await app.InTenantAsync(tenant.Id, (_, db) => db.Users.SingleAsync(u => u.Email == "cpo@test.example", Ct));
        var events = await app.InTenantAsync(tenant.Id, (_, db) => db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync(Ct));
        var cli = new Actor(ActorKind.Cli, Account);
        var user = Actor.User(cpo.Id);
        events.Select(e => (e.Code, new Actor(e.ActorKind, e.ActorId))).ShouldBe(
        [
            (AuditCode.TenantCreated, cli),
            (AuditCode.UserCreated, cli),
            (AuditCode.UserCreated, user),
            (AuditCode.ApiKeyCreated, cli),
            (AuditCode.ApiKeyRevoked, user),
            (AuditCode.UserDisabled, cli),
        ]);
    }

    [Fact]
    public async Task SweepAcrossTenants_ActorOfOneTenantOnly_RefusedNamingTheOther()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var alpha = await app.CreateTenantAsync("alpha");
        await app.CreateTenantAsync("beta");
        var officer = await app.UserAsync(alpha.Id, Roles.PrivacyOfficer);

        var all = await RunAsync(app, "retention", "sweep", "--actor", officer.Email);
        all.Code.ShouldBe(1);
        all.Out.ShouldBeEmpty();
        all.Err.Trim().ShouldBe("mamori: --actor: tenant beta has no staff user with that email ('mamori user list --tenant beta' lists them). (MAMORI-1111)");
        var one = await RunAsync(app, "retention", "sweep", "--actor", officer.Email, "--tenant", "alpha");
        one.Code.ShouldBe(0, one.Err);
        one.Out.Trim().ShouldBe("alpha: destroyed 0 fields of 0 subjects (0 fully erased), 0 certificates.");
    }
}
