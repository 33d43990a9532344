using System.Data.Common;
using Mamori.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
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

    public void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        options.UseSqlite(ToConnectionString(connectionString),
                o => o.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name))
            .AddInterceptors(Pragmas.Instance)
            .ReplaceService<IModelCustomizer, SqliteModelCustomizer>();
    }

    public string Describe(string connectionString) => $"SQLite {Path.GetFullPath(PathOf(connectionString))}";

    public string SkipLockedClause => "";

    public object TimestampParameter(DateTimeOffset value) => SqliteModelCustomizer.ToMicros(value);

    public static string PathOf(string connectionString) =>
        connectionString.Contains('=') ? new SqliteConnectionStringBuilder(connectionString).DataSource : connectionString;

    public static string ToConnectionString(string connectionString)
    {
        var path = PathOf(connectionString);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        return new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    private sealed class Pragmas : DbConnectionInterceptor
    {
        public static readonly Pragmas Instance = new();
        private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            cmd.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
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
        return new MamoriDbContext(options.Options, new Tenancy.TenantContext());
    }
}
