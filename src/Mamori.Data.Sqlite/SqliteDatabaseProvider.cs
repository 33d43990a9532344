using System.Data.Common;
using Mamori.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Mamori.Data.Sqlite;

/// <summary>
/// The embedded default. WAL journal with <c>synchronous=FULL</c>: a write is durable once it is
/// acknowledged. Timestamps are stored as UTC microseconds since the epoch, because SQLite has no
/// type that orders and compares <see cref="DateTimeOffset"/>.
/// </summary>
public sealed class SqliteDatabaseProvider : IDatabaseProvider
{
    public string Name => "sqlite";

    // Resolved once: Configure runs for every DbContext (every request), and resolving creates the directory.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _resolved = new();

    public void Configure(DbContextOptionsBuilder options, string connectionString)
    {
#pragma warning disable EF1001 // an internal EF service is replaced: see PlainSqliteRelationalConnection
        options.UseSqlite(_resolved.GetOrAdd(connectionString, ToConnectionString),
                // A list in a query (Contains) goes as one JSON parameter (json_each), not one parameter per item:
                // Microsoft.Data.Sqlite binds each parameter by a linear search by name, so a 5,000-id list cost
                // 12.5 million string comparisons (provision of 10,000 subjects 1,477 -> 969 ms, bench/results/provision).
                o => o.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name)
                    .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
            .AddInterceptors(Pragmas.Instance)
            // SQLite alters a column by rebuilding the table with foreign keys off (PRAGMA foreign_keys = 0), a pragma SQLite ignores
            // inside a transaction, so EF runs it outside the migration's transaction and warns that a crash there would leave the
            // migration half applied. That is how SQLite alters tables, nothing an operator can act on, and the warning was the first
            // line a new operator read on a fresh database (serve --demo). Only this warning is ignored; EF raises it from migrations only.
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning))
            .ReplaceService<IModelCustomizer, SqliteModelCustomizer>()
            .ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, PlainSqliteRelationalConnection>();
#pragma warning restore EF1001
    }

    public string Describe(string connectionString) => $"SQLite {Path.GetFullPath(PathOf(connectionString))}";

    // The SQLite result code the CLI prints is the whole story (the file is checked before it is opened).
    public Mamori.Errors.MamoriException? Explain(System.Data.Common.DbException failure, string connectionString) => null;

    public string SkipLockedClause => "";

    public object TimestampParameter(DateTimeOffset value) => SqliteModelCustomizer.ToMicros(value);

    public int InsertRowsPerStatement(int columns) => 1;

    // A sample of 1,000 rows per index is enough for the planner and keeps this fast on big files.
    // VACUUM rebuilds the whole file (SQLite cannot rewrite one table), leaving no free page or freed cell with an old value;
    // the checkpoint then empties the write-ahead log, which still holds the pages as they were.
    public IReadOnlyList<string> RewriteTableSql(string table) => ["VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"];

    public string AnalyzeVaultSql => """PRAGMA analysis_limit=1000; ANALYZE "DataSubjects"; ANALYZE "SubjectFields"; ANALYZE "SubjectLookups";""";

    public string? PeriodicOptimizeSql => "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;";

    // A server holds its SQLite database alone (Hosting/ServerLock.cs), so there is nobody to take turns with.
    public Task<IAsyncDisposable> LockAsync(string connectionString, long id, CancellationToken ct) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public static string PathOf(string connectionString) =>
        connectionString.Contains('=') ? new SqliteConnectionStringBuilder(connectionString).DataSource : connectionString;

    public static string ToConnectionString(string connectionString)
    {
        var path = PathOf(connectionString);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) OwnerOnly.CreateDirectory(dir);
        return new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>
    /// Sets the connection pragmas once per physical connection. EF opens a pooled connection for
    /// every query; the native handle survives in the pool, so it identifies the physical connection.
    /// </summary>
    private sealed class Pragmas : DbConnectionInterceptor
    {
        public static readonly Pragmas Instance = new();
        private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        // EF opens a read-only connection to ask whether the database exists. Switching a rollback-journal file (one
        // Mamori did not create) to WAL is a write, and failed there with SQLITE_READONLY before any useful message.
        private const string ReadOnlySql = "PRAGMA foreign_keys=ON;";

        private static string SqlFor(DbConnection connection) =>
            new SqliteConnectionStringBuilder(connection.ConnectionString).Mode == SqliteOpenMode.ReadOnly ? ReadOnlySql : Sql;
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();

        private static bool FirstOpen(DbConnection connection) =>
            connection is not SqliteConnection { Handle: { } handle } || Configured.TryAdd(handle, Sql);

        private static void Forget(DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } handle }) Configured.Remove(handle);
        }

        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            CreateOwnerOnly(connection);
            return result;
        }

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
            CancellationToken cancellationToken = default)
        {
            CreateOwnerOnly(connection);
            return ValueTask.FromResult(result);
        }

        /// <summary>
        /// Creates a new database file empty (SQLite takes an empty file as an empty database) and owner-only, at the moment
        /// SQLite would create it with the umask's mode: it holds the password and API-key hashes, the consent ledger and the
        /// audit chain. SQLite gives the -wal and -shm files the database file's mode.
        /// </summary>
        private static void CreateOwnerOnly(DbConnection connection)
        {
            if (OperatingSystem.IsWindows()) return;
            var b = new SqliteConnectionStringBuilder(connection.ConnectionString);
            if (b.Mode != SqliteOpenMode.ReadWriteCreate || b.DataSource is "" or ":memory:" || File.Exists(b.DataSource)) return;
            try
            {
                using var _ = new FileStream(b.DataSource, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly.FileMode });
            }
            catch (IOException) when (File.Exists(b.DataSource))
            {
                // Another connection created it first.
            }
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (!FirstOpen(connection)) return;
            using var cmd = connection.CreateCommand();
            cmd.CommandText = SqlFor(connection);
            try { cmd.ExecuteNonQuery(); }
            catch { Forget(connection); throw; }
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (!FirstOpen(connection)) return;
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = SqlFor(connection);
            try { await cmd.ExecuteNonQueryAsync(cancellationToken); }
            catch { Forget(connection); throw; }
        }
    }
}

/// <summary>Applies SQLite-only storage conventions after the shared model is built.</summary>
public sealed class SqliteModelCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
{
    public static long ToMicros(DateTimeOffset v) => (v.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static readonly ValueConverter<DateTimeOffset, long> Micros = new(
        v => ToMicros(v),
        v => new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + v * 10, TimeSpan.Zero));

    public override void Customize(ModelBuilder modelBuilder, DbContext context)
    {
        base.Customize(modelBuilder, context);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?))
                property.SetValueConverter(Micros);
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for SQLite.</summary>
public sealed class SqliteDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<MamoriDbContext>
{
    public MamoriDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MamoriDbContext>();
        new SqliteDatabaseProvider().Configure(options, Path.Combine(Path.GetTempPath(), "mamori-design.db"));
        return new MamoriDbContext(options.Options);
    }
}

/// <summary>
/// EF Core registers its decimal arithmetic and <c>regexp</c> functions on every SQLite connection it creates, and
/// Microsoft.Data.Sqlite applies them again to the native connection on every open (and undoes them on close):
/// thirteen native registrations, each with a delegate and a GC handle, for every query. Without them
/// <c>POST /api/decisions</c> served at least a quarter more requests per second (bench/results/vault/decisions-load.md).
/// Mamori's model has no decimal property (a test holds that) and no query uses a regular expression, so the
/// connection is created without them. This subclasses an internal EF type (EF1001): the package version is pinned, and the
/// SQLite contract suite fails at once if an upgrade changes it.
/// </summary>
#pragma warning disable EF1001
public sealed class PlainSqliteRelationalConnection(
    RelationalConnectionDependencies dependencies,
    Microsoft.EntityFrameworkCore.Storage.IRawSqlCommandBuilder rawSqlCommandBuilder,
    Microsoft.EntityFrameworkCore.Diagnostics.IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}
#pragma warning restore EF1001
