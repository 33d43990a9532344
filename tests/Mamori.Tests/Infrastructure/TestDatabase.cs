using Mamori.Data;
using Mamori.Hosting;

namespace Mamori.Tests.Infrastructure;

/// <summary>The providers every storage test runs against: one row each.</summary>
public static class Providers
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> All => [Sqlite, Postgres];
}

/// <summary>A fresh, migrated database for one test on the chosen provider.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _tempDir;

    private TestDatabase(DatabaseTarget target, string? tempDir)
    {
        Target = target;
        _tempDir = tempDir;
    }

    public DatabaseTarget Target { get; }

    public string Provider => Target.Provider;

    /// <summary>The SQLite file, for tests that read the raw database.</summary>
    public string SqlitePath => Path.Combine(_tempDir!, "mamori.db");

    public string DataDir => _tempDir ?? Path.GetTempPath();

    public string CliValue => $"{Target.Provider}:{Target.ConnectionString}";

    public static async Task<TestDatabase> CreateAsync(string provider, PostgresCluster cluster, CancellationToken ct = default)
    {
        var dir = Directory.CreateTempSubdirectory("mamori-test-").FullName;
        if (provider == Providers.Sqlite)
            return new TestDatabase(new DatabaseTarget("sqlite", Path.Combine(dir, "mamori.db")), dir);
        var cs = await cluster.CreateDatabaseAsync(ct);
        return new TestDatabase(new DatabaseTarget("postgres", cs), dir);
    }

    public MamoriSettings Settings => new(DataDir, Target);

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Target.Provider == "postgres")
        {
            // Npgsql keeps a pool per connection string for the life of the process: without this, every test database's
            // idle connections stayed open and a full run could reach the cluster's max_connections (53300).
            foreach (var cs in new[] { Target.ConnectionString, Mamori.Data.Postgres.PostgresDatabaseProvider.WithDefaults(Target.ConnectionString) })
            {
                using var connection = new Npgsql.NpgsqlConnection(cs);
                Npgsql.NpgsqlConnection.ClearPool(connection);
            }
        }
        if (_tempDir is not null)
        {
            try { Directory.Delete(_tempDir, recursive: true); }
            catch (IOException) { /* a file still open on a slow shutdown: the OS temp cleaner takes it */ }
        }
        return ValueTask.CompletedTask;
    }
}
