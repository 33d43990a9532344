using Mamori.Data;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Storage contract: contexts are leased from a pool, so one that served a tenant's unit of work is
/// handed to the next unit of work. It must come back bound to no tenant: nothing read, nothing written.
/// </summary>
public sealed class PooledContextStorageTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task LeasedContext_AfterAnotherTenantsScope_SeesAndWritesNothing(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var acme = await app.CreateTenantAsync("acme");
        var other = await app.CreateTenantAsync("other");
        await app.UserAsync(acme.Id, Roles.Operator);

        MamoriDbContext? used = null;
        (await app.InTenantAsync(acme.Id, async (_, db) =>
        {
            used = db;
            return await db.Users.CountAsync(Ct);
        })).ShouldBe(1);

        // Background jobs lease contexts too: take leases until the pool hands back the one acme used.
        var reused = false;
        for (var i = 0; i < 50 && !reused; i++)
        {
            await using var scope = app.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            if (!ReferenceEquals(db, used)) continue;
            reused = true;
            db.Tenant.IsSet.ShouldBeFalse();
            (await db.Users.CountAsync(Ct)).ShouldBe(0);
            db.Users.Add(NewUser());
            (await Should.ThrowAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct))).Message.ShouldContain("No tenant is set");
        }
        reused.ShouldBeTrue("the pool never handed the context back; this test would prove nothing");

        (await app.InTenantAsync(other.Id, (_, db) => db.Users.CountAsync(Ct))).ShouldBe(0);
        (await app.InTenantAsync(acme.Id, (_, db) => db.Users.CountAsync(Ct))).ShouldBe(1);
    }

    private static StaffUser NewUser() => new()
    {
        Id = Guid.NewGuid(),
        Email = $"pooled-{Guid.NewGuid():N}@test.example",
        PasswordHash = "x",
        Roles = [Roles.Operator],
    };
}
