using Mamori.Data;
using Mamori.Data.Sqlite;
using Mamori.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Tests.Infrastructure;

/// <summary>The providers every storage test runs against: one row each.</summary>
public static class Providers
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> All => [Sqlite, Postgres];
}

/// <summary>A fresh database for one test on the chosen provider, migrated unless asked for an empty one.</summary>
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

    /// <param name="empty">No schema at all (SQLite: no file yet), for tests of what creates and migrates the database.</param>
    public static async Task<TestDatabase> CreateAsync(string provider, PostgresCluster cluster, CancellationToken ct = default, bool empty = false)
    {
        var dir = NewDirectory("mamori-test-");
        if (provider == Providers.Sqlite)
        {
            var path = Path.Combine(dir, "mamori.db");
            if (!empty) File.Copy(await SqliteTemplateAsync(ct), path);
            return new TestDatabase(new DatabaseTarget("sqlite", path), dir);
        }
        var cs = empty ? await cluster.CreateEmptyDatabaseAsync(ct) : await cluster.CreateDatabaseAsync(ct);
        return new TestDatabase(new DatabaseTarget("postgres", cs), dir);
    }

    public MamoriSettings Settings => new(DataDir, Target);

    private static readonly SemaphoreSlim SqliteTemplateGate = new(1, 1);
    private static string? _sqliteTemplate;

    /// <summary>
    /// A SQLite file migrated once per test run and copied for each test, as PostgreSQL clones its template: migrating
    /// every test's file from nothing cost every SQLite test about twenty schema transactions, each waiting for fsync.
    /// </summary>
    private static async Task<string> SqliteTemplateAsync(CancellationToken ct)
    {
        await SqliteTemplateGate.WaitAsync(ct);
        try
        {
            if (_sqliteTemplate is not null) return _sqliteTemplate;
            var dir = NewDirectory("mamori-template-");
            var path = Path.Combine(dir, "mamori.db");
            var options = new DbContextOptionsBuilder<MamoriDbContext>();
            new SqliteDatabaseProvider().Configure(options, path);
            await using (var db = new MamoriDbContext(options.Options))
                await db.Database.MigrateAsync(ct);
            // Everything into the main file, so that copying the one file copies the whole database.
            await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
            {
                await connection.OpenAsync(ct);
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await checkpoint.ExecuteNonQueryAsync(ct);
            }
            SqliteConnection.ClearAllPools();
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(dir, recursive: true); }
                catch (IOException) { /* left behind: the temp cleaner, or for /dev/shm a reboot, takes it */ }
            };
            return _sqliteTemplate = path;
        }
        finally
        {
            SqliteTemplateGate.Release();
        }
    }

    /// <summary>
    /// A temporary directory, in memory (/dev/shm) when the machine has room there: the tests' SQLite files are thrown
    /// away after each test, and on a shared disk every commit's fsync (synchronous=FULL) waited for other machines' I/O.
    /// </summary>
    private static string NewDirectory(string prefix)
    {
        const string shm = "/dev/shm";
        try
        {
            if (OperatingSystem.IsLinux() && Directory.Exists(shm) && new DriveInfo(shm).AvailableFreeSpace > 2L << 30)
                return Directory.CreateDirectory(Path.Combine(shm, prefix + Guid.NewGuid().ToString("N")),
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* fall back to the temp directory */ }
        return Directory.CreateTempSubdirectory(prefix).FullName;
    }

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
            catch (IOException) { /* a file still open on a slow shutdown: left behind (under a megabyte; /dev/shm empties at reboot) */ }
        }
        return ValueTask.CompletedTask;
    }
}
