using Mamori.Audit;
using Mamori.Governance.Organisation;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Governance;

/// <summary>Regression: the first saves of a tenant's governance settings at the same moment each inserted the row (a duplicate key, a 500 on PostgreSQL).</summary>
public sealed class GovernanceSettingsConcurrencyTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveSettings_FirstSavesAtOnce_OneRowEverySaveAudited(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        await Task.WhenAll(Enumerable.Range(1, 12).Select(i => app.InTenantAsync(tenant.Id, async (sp, _) =>
        {
            await sp.GetRequiredService<Organisation>().SaveSettingsAsync(new SettingsChange(UnusedAccessDays: 30 + i), Actor.System, Ct);
            return i;
        })));
        var (rows, events) = await app.InTenantAsync(tenant.Id, async (_, db) => (
            await db.Set<GovernanceSettings>().CountAsync(Ct),
            await db.AuditEvents.CountAsync(e => e.Code == AuditCode.OrganisationChanged, Ct)));
        rows.ShouldBe(1);
        events.ShouldBe(12);
    }
}
