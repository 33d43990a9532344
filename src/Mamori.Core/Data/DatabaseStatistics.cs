using Microsoft.EntityFrameworkCore;

namespace Mamori.Data;

/// <summary>
/// Planner statistics for the vault tables. Without them SQLite guesses that a tenant id matches about
/// ten rows, so a batch read by subject ids (<c>TenantId = ? AND Id IN (…)</c>) scanned every subject of
/// the tenant through the tenant index instead of looking each id up by its key: 10× slower at 10,000
/// subjects and growing with the tenant. PostgreSQL keeps statistics itself (autovacuum); an explicit
/// <c>ANALYZE</c> after a bulk load only brings that forward.
/// </summary>
public static class DatabaseStatistics
{
    private const string AnalyzeVault = """ANALYZE "DataSubjects"; ANALYZE "SubjectFields"; ANALYZE "SubjectLookups";""";

    public static bool IsSqlite(this MamoriDbContext db) => db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>After a bulk load (import, demo data): analyze the vault tables now.</summary>
    public static async Task RefreshAsync(MamoriDbContext db, CancellationToken ct = default)
    {
        // SQLite: a sample of 1,000 rows per index is enough for the planner and keeps this fast on big files.
        if (db.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit=1000", ct);
        await db.Database.ExecuteSqlRawAsync(AnalyzeVault, ct);
    }

    /// <summary>
    /// Periodically (the vault jobs): SQLite's own "analyze what needs it" (<c>PRAGMA optimize</c>), for
    /// tables that grew through the API rather than by a bulk load.
    /// </summary>
    public static async Task OptimizeAsync(MamoriDbContext db, CancellationToken ct = default)
    {
        if (db.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;", ct);
    }
}
