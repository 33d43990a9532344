using Mamori.Data.Postgres;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Shouldly;

namespace Mamori.Tests.Backbone;

public sealed class PostgresProviderTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void WithDefaults_NothingSet_NoResetOnCloseAndAutoPrepare()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.WithDefaults("Host=db.internal;Database=mamori;Username=app;Password=secret"));
        b.NoResetOnClose.ShouldBeTrue();
        b.MaxAutoPrepare.ShouldBe(64);
        (b.Host, b.Database, b.Username, b.Password).ShouldBe(("db.internal", "mamori", "app", "secret"));
    }

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=h;max auto prepare=0;no reset on close=False")]
    [InlineData("Host=h;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void WithDefaults_SetByOperator_Kept(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.WithDefaults(connectionString));
        b.NoResetOnClose.ShouldBeFalse();
        b.MaxAutoPrepare.ShouldBe(0);
    }

    // The settings reach the server: a statement the server runs again and again is prepared there.
    [Fact]
    public async Task RepeatedQuery_OnOneConnection_PreparedOnTheServer()
    {
        await using var app = await TestApp.StartAsync(Providers.Postgres, cluster);
        var tenant = await app.CreateTenantAsync("prepared");
        await app.UserAsync(tenant.Id, Roles.Operator);
        var prepared = await app.InTenantAsync(tenant.Id, async (_, db) =>
        {
            await db.Database.OpenConnectionAsync(Ct);
            for (var i = 0; i < 10; i++) (await db.Users.CountAsync(Ct)).ShouldBe(1);
            return await db.Database.SqlQueryRaw<int>("""SELECT count(*)::int AS "Value" FROM pg_prepared_statements WHERE statement LIKE '%"Users"%'""").SingleAsync(Ct);
        });
        prepared.ShouldBeGreaterThan(0);
    }
}
