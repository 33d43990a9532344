using Mamori.Audit;
using Mamori.Errors;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// The guard that every <see cref="TestApp"/> carries must catch a deliberate leak of a vault value in each
/// place it watches, and stay quiet when the value stays in the vault.
/// </summary>
public sealed class PersonalDataGuardTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestApp App, string Value)> AppWithPersonAsync(PostgresCluster cluster)
    {
        var (app, tenant) = await Vault.VaultScenario.StartAsync(Providers.Sqlite, cluster);
        var person = Vault.VaultScenario.NewPerson();
        await Vault.VaultScenario.IspCustomerAsync(app, tenant, person);
        return (app, person.Email);
    }

    [Fact]
    public async Task Guard_ValueOnlyInVault_NoViolation()
    {
        var (app, value) = await AppWithPersonAsync(cluster);
        await using var _ = app;
        (await PersonalDataGuard.VaultValuesAsync(app.App.Services, Ct)).ShouldContain(v => v.Value == value);
        (await app.Guard.ViolationsAsync(app.App.Services, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Guard_VaultValueInLogLine_Caught()
    {
        var (app, value) = await AppWithPersonAsync(cluster);
        await using var _ = app;
        app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mamori.Leaky").LogInformation("signed up {Email}", value);
        var found = await app.Guard.ViolationsAsync(app.App.Services, Ct);
        found.ShouldHaveSingleItem().ShouldStartWith("log line holds a subject field 'email'");
        found[0].ShouldNotContain(value); // the report masks the value it found
        app.Guard.Clear([value]);
    }

    [Fact]
    public async Task Guard_VaultValueInDebugLineOfMamoriCategory_Caught()
    {
        var (app, value) = await AppWithPersonAsync(cluster);
        await using var _ = app;
        // The test host prints Warning and above only; the guard still sees what production sinks would.
        app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mamori.Vault.Subjects").LogDebug("lookup for {Value}", value);
        (await app.Guard.ViolationsAsync(app.App.Services, Ct)).ShouldHaveSingleItem();
        app.Guard.Clear([value]);
    }

    [Fact]
    public async Task Guard_VaultValueInExceptionMessage_Caught()
    {
        var (app, value) = await AppWithPersonAsync(cluster);
        await using var _ = app;
        try { throw new MamoriException(ErrorCode.InvalidValue, $"'{value}' is not a valid address"); }
        catch (MamoriException) { /* swallowed on purpose: the guard sees it when thrown */ }
        (await app.Guard.ViolationsAsync(app.App.Services, Ct)).ShouldHaveSingleItem().ShouldStartWith("exception message holds");
        app.Guard.Clear([value]);
    }

    [Fact]
    public async Task Guard_VaultValueInAuditPayload_Caught()
    {
        var (app, value) = await AppWithPersonAsync(cluster);
        await using var _ = app;
        var tenant = (await app.InTenantAsync(Guid.Empty, (_, db) => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Tenants, Ct))).Id;
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.UserCreated, Actor.System, TargetId: value), Ct);
            await tx.CommitAsync(Ct);
            return 0;
        });
        (await app.Guard.ViolationsAsync(app.App.Services, Ct)).ShouldHaveSingleItem().ShouldStartWith("audit event #");
        // The chain is append-only: this app's database holds the leak for good, so this test disposes without the check.
        app.Guard.Clear([value]);
        await using var scope = app.App.Services.CreateAsyncScope();
        var db2 = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
        db2.Tenant.Set(tenant);
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db2.Database, "DELETE FROM \"SubjectFields\"", Ct);
    }

    [Fact]
    public async Task Guard_RequestDetailsAreVaultValues_Collected()
    {
        var (app, tenant, _) = await Console.ConsoleScenario.StartAsync(cluster);
        await using var __ = app;
        await Console.ConsoleScenario.RequestAsync(app, tenant);
        var values = await PersonalDataGuard.VaultValuesAsync(app.App.Services, Ct);
        values.ShouldContain(v => v.Value == "hanako@example.jp" && v.Where == "request email");
        values.ShouldContain(v => v.Value == "080-2222-3333");
    }
}
