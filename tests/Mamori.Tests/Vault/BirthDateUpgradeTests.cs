using Mamori.Audit;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Hosting;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// The upgrade from versions that kept the separate date of birth in clear on <c>DataSubjects.BirthDate</c>: the dates are encrypted
/// with each subject's data key before the column is dropped, none is left in the database's files, and the minors' check reads them.
/// </summary>
public sealed class BirthDateUpgradeTests(PostgresCluster cluster)
{
    private static readonly DateOnly ChildBorn = new(2014, 7, 19);
    private static readonly DateOnly AdultBorn = new(1987, 3, 5);
    private static readonly DateOnly ErasedBorn = new(1990, 12, 24);

    /// <summary>Takes the database back to the schema before the dates were sealed and stores them in clear as that version did.</summary>
    private static Task DowngradeWithClearDatesAsync(TestApp app, params (Guid Id, DateOnly Born)[] dates) => app.InTenantAsync(Guid.Empty, async (_, db) =>
    {
        var all = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(all[all.FindIndex(m => m.EndsWith(VaultUpgrade.SealMigration, StringComparison.Ordinal)) - 1], cancellationToken: Ct);
        foreach (var (id, born) in dates)
            await db.Database.ExecuteSqlAsync($"""UPDATE "DataSubjects" SET "BirthDate" = {born} WHERE "Id" = {id}""", Ct);
        return 0;
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_ClearBirthDatesFromEarlierVersion_SealedNoneLeftInFilesAgeStillChecked(string provider)
    {
        var (app, tenant) = await Mamori.Tests.Provision.ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        // Registrants: their purposes use no date-of-birth category, so only the sealed date tells their age.
        var child = await RegistrantAsync(app, tenant, NewPerson());
        var adult = await RegistrantAsync(app, tenant, NewPerson());
        var erased = await RegistrantAsync(app, tenant, NewPerson());
        await In(app, tenant, async sp => await sp.GetRequiredService<Subjects>().EraseAsync(erased, "data-subject-request", Actor.System, Ct));
        await DowngradeWithClearDatesAsync(app, (child, ChildBorn), (adult, AdultBorn), (erased, ErasedBorn));
        (await RawDatabase.ContainsAsync(app, cluster, ChildBorn)).ShouldBeTrue();

        await MamoriServices.MigrateAsync(app.App.Services, Ct);

        foreach (var born in new[] { ChildBorn, AdultBorn, ErasedBorn }) (await RawDatabase.ContainsAsync(app, cluster, born)).ShouldBeFalse();
        var sealedDates = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().ToDictionaryAsync(s => s.Id, s => s.SealedBirthDate, Ct));
        sealedDates[child].ShouldNotBeNull();
        sealedDates[erased].ShouldBeNull();
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, child, "provision:whois-public"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        (await GrantAsync(app, tenant, adult, "provision:whois-public")).GuardianConsent.ShouldBeFalse();

        await In(app, tenant, async sp => await sp.GetRequiredService<Subjects>().EraseAsync(child, "data-subject-request", Actor.System, Ct));
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Where(s => s.Id == child).Select(s => s.SealedBirthDate).SingleAsync(Ct))).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_ClearBirthDatesWithoutKeyRing_StopsBeforeTheDropKeepingThem(string provider)
    {
        var (app, tenant) = await Mamori.Tests.Provision.ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var child = await RegistrantAsync(app, tenant, NewPerson());
        await DowngradeWithClearDatesAsync(app, (child, ChildBorn));
        File.Move(Path.Combine(app.Database.DataDir, "keys.json"), Path.Combine(app.Database.DataDir, "keys.json.away"));

        (await Should.ThrowAsync<MamoriException>(() => MamoriServices.MigrateAsync(app.App.Services, Ct))).Code.ShouldBe(ErrorCode.KeysMissing);

        (await app.InTenantAsync(Guid.Empty, (_, db) => db.Database.SqlQueryRaw<DateOnly?>("""SELECT "BirthDate" AS "Value" FROM "DataSubjects" """).SingleAsync(Ct)))
            .ShouldBe(ChildBorn);
        File.Move(Path.Combine(app.Database.DataDir, "keys.json.away"), Path.Combine(app.Database.DataDir, "keys.json"));
        await MamoriServices.MigrateAsync(app.App.Services, Ct);
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, child, "provision:whois-public"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
    }
}
