using Mamori.Data.Postgres;
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

    [Fact]
    public void WithDefaults_PgEnvironment_FillsWhatTheStringLeavesOut()
    {
        // Regression: PGPORT, which pg_dump and pg_restore honour in the same restore recipe, was ignored: "connection refused" on 5432.
        var env = new Dictionary<string, string> { ["PGHOST"] = "db.internal", ["PGPORT"] = "5464", ["PGDATABASE"] = "mamori_restored" };
        var filled = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.WithDefaults("Username=app", k => env.GetValueOrDefault(k)));
        (filled.Host, filled.Port, filled.Database).ShouldBe(("db.internal", 5464, "mamori_restored"));
        var given = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.WithDefaults("Host=h;Port=5432;Database=d", k => env.GetValueOrDefault(k)));
        (given.Host, given.Port, given.Database).ShouldBe(("h", 5432, "d"));
    }

    // The settings reach the server: the app's connections carry them, and with them a statement run again and again
    // on one connection is prepared there (Auto Prepare Min Usages is 5).
    [Fact]
    public async Task AppConnection_RepeatedStatement_PreparedOnTheServer()
    {
        await using var app = await TestApp.StartAsync(Providers.Postgres, cluster);
        var tenant = await app.CreateTenantAsync("prepared");
        var connectionString = await app.InTenantAsync(tenant.Id, (_, db) => Task.FromResult(db.Database.GetConnectionString()!));
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        (settings.NoResetOnClose, settings.MaxAutoPrepare).ShouldBe((true, 64));

        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        for (var i = 0; i < 10; i++)
        {
            await using var cmd = new NpgsqlCommand("""SELECT count(*) FROM "Tenants" WHERE "Slug" = $1""", conn) { Parameters = { new() { Value = "prepared" } } };
            (await cmd.ExecuteScalarAsync(Ct)).ShouldBe(1L);
        }
        await using var check = new NpgsqlCommand("""SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%"Tenants"%'""", conn);
        (await check.ExecuteScalarAsync(Ct)).ShouldBe(1L);
    }
}
