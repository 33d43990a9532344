using Mamori.Data;
using Mamori.Data.Postgres;
using Mamori.Tenancy;
using Mamori.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

[assembly: AssemblyFixture(typeof(Mamori.Tests.Infrastructure.PostgresCluster))]

namespace Mamori.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the test run, started on first use. Each test gets its own
/// database cloned from a migrated template. When the cluster cannot start, every PostgreSQL test
/// fails: it never skips.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ThrowawayPostgres? _server;
    private Exception? _startFailure;
    private bool _templateReady;

    public string DataDirectory => _server?.DataDirectory ?? throw new InvalidOperationException("PostgreSQL is not started.");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>The PostgreSQL binaries' directory (pg_dump, pg_restore), for backup tests.</summary>
    public string Bin => _server?.Bin ?? throw new InvalidOperationException("PostgreSQL is not started.");

    /// <summary>An empty database with no schema (for pg_restore and migration tests); starts the cluster if needed.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(CancellationToken ct = default)
    {
        await CreateDatabaseAsync(ct); // starts the cluster and the template on first use
        var name = "e_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(_server!, $"CREATE DATABASE {name} TEMPLATE template0", ct);
        return _server!.ConnectionString(name);
    }

    /// <summary>Creates an empty migrated database for one test and returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_server is null && _startFailure is null)
            {
                try { _server = await ThrowawayPostgres.StartAsync(); }
                catch (Exception e) { _startFailure = e; }
            }
            if (_startFailure is not null) throw new InvalidOperationException("PostgreSQL could not be started for the tests.", _startFailure);
            var server = _server!;
            if (!_templateReady)
            {
                await ExecuteAsync(server, "CREATE DATABASE mamori_template", ct);
                var options = new DbContextOptionsBuilder<MamoriDbContext>();
                new PostgresDatabaseProvider().Configure(options, server.ConnectionString("mamori_template"));
                await using (var db = new MamoriDbContext(options.Options))
                    await db.Database.MigrateAsync(ct);
                NpgsqlConnection.ClearAllPools();
                _templateReady = true;
            }
            var name = "t_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(server, $"CREATE DATABASE {name} TEMPLATE mamori_template", ct);
            return server.ConnectionString(name);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task ExecuteAsync(ThrowawayPostgres server, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null) await _server.DisposeAsync();
    }
}
