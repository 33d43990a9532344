using Microsoft.EntityFrameworkCore;

namespace Mamori.Data;

/// <summary>
/// Planner statistics for the vault tables. Without them SQLite guesses that a tenant id matches about
/// ten rows, so a batch read by subject ids (<c>TenantId = ? AND Id IN (…)</c>) scanned every subject of
/// the tenant through the tenant index instead of looking each id up by its key, growing with the
/// tenant. PostgreSQL keeps statistics itself (autovacuum); an explicit <c>ANALYZE</c> after a bulk load
/// only brings that forward.
/// </summary>
public static class DatabaseStatistics
{
    /// <summary>After a bulk load (import, demo data): analyze the vault tables now.</summary>
    public static Task RefreshAsync(MamoriDbContext db, IDatabaseProvider provider, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync(provider.AnalyzeVaultSql, ct);

    /// <summary>Periodically (the vault jobs), for tables that grew through the API rather than by a bulk load.</summary>
    public static async Task OptimizeAsync(MamoriDbContext db, IDatabaseProvider provider, CancellationToken ct = default)
    {
        if (provider.PeriodicOptimizeSql is { } sql) await db.Database.ExecuteSqlRawAsync(sql, ct);
    }
}
