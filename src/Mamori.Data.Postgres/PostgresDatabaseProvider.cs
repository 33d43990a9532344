using Mamori.Data;
using System.Net.Sockets;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Mamori.Data.Postgres;

/// <summary>The scale-out store: any number of stateless servers on one PostgreSQL (or Citus).</summary>
public sealed class PostgresDatabaseProvider : IDatabaseProvider
{
    public string Name => "postgres";

    // A list in a query (Contains) goes as one array parameter (= ANY), as on SQLite: one plan whatever its length.
    public void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithDefaults(connectionString), o => o.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name)
            .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));

    /// <summary>
    /// Two Npgsql settings whose defaults suit clients that keep session state, unless the connection string sets them:
    /// <c>No Reset On Close</c>, because Mamori keeps none (no <c>SET</c>, temporary tables, <c>LISTEN</c> or advisory
    /// locks), so the <c>DISCARD ALL</c> Npgsql sends on every reuse of a pooled connection only throws away the server's
    /// cached plans; and <c>Max Auto Prepare</c>, because EF Core creates a new command for every query and only
    /// Npgsql's automatic preparation lets PostgreSQL keep the plans of the few statements every request runs.
    /// Behind PgBouncer older than 1.21 in transaction mode, set <c>Max Auto Prepare=0</c> (README, Databases).
    /// </summary>
    /// <para>
    /// As with psql and pg_dump, <c>PGHOST</c>, <c>PGPORT</c> and <c>PGDATABASE</c> fill what the string leaves out (Npgsql
    /// itself reads <c>PGUSER</c>, <c>PGPASSWORD</c> and <c>~/.pgpass</c>, but not these three): an operator who set PGPORT
    /// for pg_restore got "connection refused" from Mamori on the default port.
    /// </para>
    public static string WithDefaults(string connectionString, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NORESETONCLOSE")) b.NoResetOnClose = true;
        if (!given.Contains("MAXAUTOPREPARE")) b.MaxAutoPrepare = 64;
        if (string.IsNullOrEmpty(b.Host) && environment("PGHOST") is { Length: > 0 } host) b.Host = host;
        if (!given.Contains("PORT") && environment("PGPORT") is { Length: > 0 } port)
            b.Port = int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p
                : throw new MamoriException(ErrorCode.InvalidConnectionString, $"PGPORT '{port}' is not a port number.");
        if (string.IsNullOrEmpty(b.Database) && environment("PGDATABASE") is { Length: > 0 } database) b.Database = database;
        if (string.IsNullOrEmpty(b.Host))
            throw new MamoriException(ErrorCode.InvalidConnectionString, "The PostgreSQL connection string names no server: add Host=… (or set PGHOST).");
        return b.ConnectionString;
    }

    public string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

    public object TimestampParameter(DateTimeOffset value) => value.ToUniversalTime();

    // A transaction-level advisory lock on a connection of its own: disposing closes it, which rolls the transaction back
    // and releases the lock (also when the process dies), whatever No Reset On Close says about pooled session state.
    public async Task<IAsyncDisposable> LockAsync(string connectionString, long id, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(WithDefaults(connectionString));
        try
        {
            await connection.OpenAsync(ct);
            var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@id)", connection, transaction);
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public int InsertRowsPerStatement(int columns) => Math.Max(1, 2000 / columns);

    // A dropped column and an updated row stay in the table's files as dead data until the table is rewritten.
    public IReadOnlyList<string> RewriteTableSql(string table) => [$"VACUUM FULL \"{table}\""];

    public string AnalyzeVaultSql => """ANALYZE "DataSubjects", "SubjectFields", "SubjectLookups";""";

    // Autovacuum analyzes on its own.
    public string? PeriodicOptimizeSql => null;

    public string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(WithDefaults(connectionString));
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
    }

    public MamoriException? Explain(System.Data.Common.DbException failure, string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(WithDefaults(connectionString));
        var server = $"PostgreSQL at {b.Host}:{b.Port}";
        // Npgsql's own defaults when the string names no user or database.
        var user = b.Username ?? Environment.GetEnvironmentVariable("PGUSER") ?? Environment.UserName;
        var database = b.Database ?? user;
        var createdb = $"createdb -h {b.Host} -p {b.Port} -O {user} {database}";
        // Server messages stay out (they may quote data); the SQLSTATE and Npgsql's inner exception say what happened.
        const ErrorCode failed = ErrorCode.DatabaseUnavailable, missing = ErrorCode.DatabaseMissing;
        (ErrorCode Code, string Message)? explained = failure switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } =>
                (failed, $"{server} refused user {user}: password authentication failed. Check Password= in --db, PGPASSWORD or ~/.pgpass."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                (failed, $"{server} refused user {user} for database {database} (SQLSTATE 28000: no such role, or pg_hba.conf does not let it in)."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                (missing, $"There is no database {database} on {server} (user {user}): create it ({createdb}), then run 'mamori migrate'."),
            // EF creates a missing database for 'migrate' when the role may; an application role usually may not.
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege, Routine: "createdb" } =>
                (missing, $"There is no database {database} on {server}, and user {user} may not create it: create it as a role that may ({createdb}), then run 'mamori migrate' again."),
            PostgresException e => (failed, $"{server}, database {database}, user {user}: the database failed (SQLSTATE {e.SqlState})."),
            { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } =>
                (failed, $"Cannot connect to {server} (connection refused): is PostgreSQL running there, on that port? Give the port as Port= in --db or PGPORT."),
            { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } } =>
                (failed, $"Cannot connect to {server}: the host name is not known."),
            { InnerException: SocketException s } => (failed, $"Cannot connect to {server} ({s.SocketErrorCode})."),
            { InnerException: TimeoutException } => (failed, $"Cannot connect to {server}: no answer within {b.Timeout} s."),
            NpgsqlException when failure.Message.StartsWith("No password has been provided", StringComparison.Ordinal) =>
                (failed, $"{server} asks for a password for user {user} and none was given: add Password= to --db, or set PGPASSWORD or ~/.pgpass."),
            NpgsqlException => (failed, $"Cannot use {server}, database {database}, user {user} ({failure.GetType().Name})."),
            _ => null,
        };
        return explained is { } x ? new MamoriException(x.Code, x.Message) : null;
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for PostgreSQL (no server needed).</summary>
public sealed class PostgresDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<MamoriDbContext>
{
    public MamoriDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MamoriDbContext>();
        new PostgresDatabaseProvider().Configure(options, "Host=127.0.0.1;Database=mamori_design");
        return new MamoriDbContext(options.Options);
    }
}
