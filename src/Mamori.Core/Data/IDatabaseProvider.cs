using Mamori.Errors;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Data;

/// <summary>
/// The one storage seam: each provider project configures EF Core for its database, owns its
/// migrations, and keeps its quirks to itself.
/// </summary>
public interface IDatabaseProvider
{
    /// <summary><c>sqlite</c> or <c>postgres</c>, the prefix of a Mamori connection string.</summary>
    string Name { get; }

    void Configure(DbContextOptionsBuilder options, string connectionString);

    /// <summary>A short description safe to print: never a password.</summary>
    string Describe(string connectionString);

    /// <summary>
    /// What the operator can act on when the database refused or failed (connection refused, authentication failed, no
    /// such database), naming the server, the user and the database but never the password; null when the provider's
    /// code says nothing more than the exception's type.
    /// </summary>
    MamoriException? Explain(System.Data.Common.DbException failure, string connectionString);

    /// <summary>
    /// Appended to a claiming SELECT so concurrent workers take disjoint rows (<c>FOR UPDATE SKIP
    /// LOCKED</c> on PostgreSQL; empty on SQLite, whose write transactions already exclude each other).
    /// </summary>
    string SkipLockedClause { get; }

    /// <summary>
    /// Holds a lock named by <paramref name="id"/> across every process on the database until disposed, so that servers
    /// starting together take turns at a one-time step. SQLite holds nothing: one server at a time uses its database.
    /// </summary>
    Task<IAsyncDisposable> LockAsync(string connectionString, long id, CancellationToken ct);

    /// <summary>A timestamp as a raw-SQL parameter in this provider's storage form.</summary>
    object TimestampParameter(DateTimeOffset value);

    /// <summary>
    /// Rows per <c>INSERT</c> for <see cref="AppendOnlyInsert"/>. SQLite runs in process and binds
    /// parameters by name with a linear search: one prepared single-row statement per row is cheapest
    /// (a 7,000-parameter statement measured 3.6× slower). PostgreSQL saves round trips with many rows.
    /// </summary>
    int InsertRowsPerStatement(int columns);

    /// <summary>Refreshes planner statistics of the vault tables after a bulk load (<see cref="DatabaseStatistics"/>).</summary>
    string AnalyzeVaultSql { get; }

    /// <summary>The database's own periodic "analyze what needs it", or null when the server does it itself.</summary>
    string? PeriodicOptimizeSql { get; }

    /// <summary>
    /// Statements, run outside a transaction, that rewrite <paramref name="table"/>'s storage so that values cleared or dropped from
    /// it leave no copy in the database's files (old row versions, freed pages, the write-ahead log).
    /// </summary>
    IReadOnlyList<string> RewriteTableSql(string table);
}

/// <summary>A parsed Mamori connection string: <c>sqlite:PATH</c> or <c>postgres:&lt;Npgsql string&gt;</c>.</summary>
public sealed record DatabaseTarget(string Provider, string ConnectionString)
{
    public static DatabaseTarget Parse(string value)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0)
            throw new MamoriException(ErrorCode.InvalidConnectionString,
                "A database must be given as sqlite:PATH or postgres:CONNECTION-STRING.");
        var scheme = value[..colon].ToLowerInvariant();
        var rest = value[(colon + 1)..];
        if (rest.Length == 0)
            throw new MamoriException(ErrorCode.InvalidConnectionString, $"The {scheme} database has no location after '{scheme}:'.");
        return scheme switch
        {
            "sqlite" => new DatabaseTarget("sqlite", rest),
            "postgres" or "postgresql" => new DatabaseTarget("postgres", rest),
            _ => throw new MamoriException(ErrorCode.InvalidConnectionString,
                $"Unknown database kind '{scheme}': use sqlite:PATH or postgres:CONNECTION-STRING."),
        };
    }
}
