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
        options.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name)
            .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));

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
