using Mamori.Audit;
using Mamori.Cli;
using Mamori.Tests.Backbone;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;

namespace Mamori.Tests.Console;

/// <summary>A company with the demo policy published and a few people in the vault, for console and public page tests.</summary>
public static class ConsoleScenario
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(TestApp App, Guid Tenant, Guid Subject)> StartAsync(PostgresCluster cluster, string provider = Providers.Sqlite)
    {
        var app = await TestApp.StartAsync(provider, cluster, b => b.Configuration["Mamori:DefaultTenant"] = "acme");
        var tenant = await app.CreateTenantAsync("acme");
        await app.InTenantAsync(tenant.Id, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp,
            Path.Combine(ServerTests.RepoRoot(), "policy", "examples"), new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var subject = await app.InTenantAsync(tenant.Id, async (sp, _) =>
            (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input", ["verification", "coupon-management"],
                new Dictionary<string, string> { ["sms-phone"] = "080-2222-3333", ["verification-log"] = "ok" }, "sms-verify"), Actor.System, Ct)).Id);
        return (app, tenant.Id, subject);
    }
}
