using Mamori.Data;
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
    public static string WithDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NORESETONCLOSE")) b.NoResetOnClose = true;
        if (!given.Contains("MAXAUTOPREPARE")) b.MaxAutoPrepare = 64;
        return b.ConnectionString;
    }

    public string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

    public object TimestampParameter(DateTimeOffset value) => value.ToUniversalTime();

    public int InsertRowsPerStatement(int columns) => Math.Max(1, 2000 / columns);

    public string AnalyzeVaultSql => """ANALYZE "DataSubjects", "SubjectFields", "SubjectLookups";""";

    // Autovacuum analyzes on its own.
    public string? PeriodicOptimizeSql => null;

    public string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
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
