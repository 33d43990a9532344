using Mamori.Audit;
using Mamori.Incidents;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary>
/// The migration that moved an incident's one blast radius (columns on Incidents) into a row per computation (IncidentBlastRadii):
/// an incident computed before keeps its computation, with the key's or user's name where it still exists.
/// </summary>
public sealed class IncidentBlastRadiiMigrationTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Before = "IncidentBlastPersons";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_IncidentWithBlastRadiusInColumns_BecomesItsFirstComputationWithTheActorsName(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var key = await app.ApiKeyAsync(tenant.Id, Roles.Operator);
        var user = await app.UserAsync(tenant.Id, Roles.Operator);
        var at = app.Clock.GetUtcNow();
        foreach (var title in new[] { "by key", "by user", "by export", "none" })
            await app.InTenantAsync(tenant.Id, (sp, _) => sp.GetRequiredService<IncidentRegistry>().CreateAsync(new IncidentInput
            {
                Title = title, Cause = IncidentCause.UnauthorizedAccess, DiscoveredAt = at,
            }, Actor.System, Ct));

        // Back to the schema before, and each incident's computation written as that schema held it.
        await app.InTenantAsync(Guid.Empty, async (_, db) =>
        {
            await db.GetService<IMigrator>().MigrateAsync(Before, cancellationToken: Ct);
            object Time(DateTimeOffset t) => provider == Providers.Sqlite ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : t;
            var (computed, from, to) = (Time(at.AddMinutes(1)), Time(at.AddDays(-1)), Time(at));
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Incidents" SET "BlastComputedAt" = {computed}, "CompromisedActorKind" = 'ApiKey', "CompromisedActorId" = {key.Key.Id.ToString()},
                    "BlastFrom" = {from}, "BlastTo" = {to}, "BlastEventsRead" = 5, "BlastVerifiedEvents" = 40, "BlastPersons" = 3 WHERE "Title" = 'by key'
                """, Ct);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Incidents" SET "BlastComputedAt" = {computed}, "CompromisedActorKind" = 'User', "CompromisedActorId" = {user.Id.ToString()},
                    "BlastFrom" = {from}, "BlastTo" = {to}, "BlastEventsRead" = 0, "BlastVerifiedEvents" = 40, "BlastPersons" = 0 WHERE "Title" = 'by user'
                """, Ct);
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Incidents" SET "BlastComputedAt" = {computed}, "LeakedExport" = 'provision:0001', "BlastEventsRead" = 3, "BlastVerifiedEvents" = 40,
                    "BlastPersons" = 2 WHERE "Title" = 'by export'
                """, Ct);
            await db.Database.MigrateAsync(Ct);
            return 0;
        });

        var incidents = await app.InTenantAsync(tenant.Id, (_, db) => db.Incidents.Include(i => i.BlastRadii).ToDictionaryAsync(i => i.Title, Ct));
        var byKey = incidents["by key"].BlastRadii.ShouldHaveSingleItem();
        byKey.ActorKind.ShouldBe(ActorKindCode.ApiKey);
        byKey.ActorId.ShouldBe(key.Key.Id.ToString());
        byKey.Source.Ja.ShouldBe($"APIキー {key.Key.Name}（mk_{key.Key.Prefix}_）"); // named as staff know it, not by its id
        byKey.From.ShouldBe(at.AddDays(-1));
        byKey.To.ShouldBe(at);
        byKey.ComputedAt.ShouldBe(at.AddMinutes(1));
        new[] { byKey.EventsRead, byKey.VerifiedEvents, byKey.Persons, byKey.NewPersons }.ShouldBe([5L, 40L, 3L, 3L]);
        var byUser = incidents["by user"].BlastRadii.ShouldHaveSingleItem();
        byUser.Source.Ja.ShouldBe($"利用者 {user.Email}");
        byUser.ActorPrefix.ShouldBeNull();
        var byExport = incidents["by export"].BlastRadii.ShouldHaveSingleItem();
        byExport.ActorKind.ShouldBeNull();
        byExport.LeakedExport.ShouldBe("provision:0001");
        byExport.Persons.ShouldBe(2);
        incidents["none"].BlastRadii.ShouldBeEmpty();
        incidents["by key"].BlastPersons.ShouldBe(3L);
    }
}
