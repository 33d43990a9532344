using System.Globalization;
using System.Security.Cryptography;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Vault;

/// <summary>
/// Applies the schema migrations, doing between two of them what needs the key ring and so cannot be SQL: the dates of birth
/// that earlier versions kept in clear on <c>DataSubjects.BirthDate</c> are encrypted with each subject's data key into
/// <see cref="DataSubject.SealedBirthDate"/> after <see cref="SealMigration"/> adds that column and before <see cref="DropMigration"/>
/// drops the clear one; then the table is rewritten so no copy of the clear dates stays in the database's files. Without a key
/// ring while clear dates remain it stops before the drop (MAMORI-3000), so none is lost.
/// </summary>
public static class VaultUpgrade
{
    /// <summary>The name (after its provider's timestamp) of the migration that adds <see cref="DataSubject.SealedBirthDate"/>.</summary>
    public const string SealMigration = "_SealBirthDates";

    /// <summary>The name of the migration that drops the clear column; other migrations may lie between the two.</summary>
    public const string DropMigration = "_DropClearBirthDate";

    /// <summary>Applies the pending migrations with the services of <paramref name="scoped"/>; the names applied.</summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider scoped, CancellationToken ct = default) =>
        MigrateAsync(scoped.GetRequiredService<MamoriDbContext>(), scoped.GetRequiredService<KeyRingProvider>(), scoped.GetRequiredService<IDatabaseProvider>(), ct);

    /// <summary>Applies the pending migrations; the names applied.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(MamoriDbContext db, KeyRingProvider keys, IDatabaseProvider provider, CancellationToken ct = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        var all = db.Database.GetMigrations().ToList();
        var seal = all.Single(m => m.EndsWith(SealMigration, StringComparison.Ordinal));
        var drop = all.Single(m => m.EndsWith(DropMigration, StringComparison.Ordinal));
        // A new database has no DataSubjects table yet, so no clear date to keep.
        var sealing = pending.Contains(drop) && (await db.Database.GetAppliedMigrationsAsync(ct)).Any();
        var sealedCount = 0;
        if (sealing)
        {
            // Migrating to an applied migration would revert the ones after it, so only forward.
            if (pending.Contains(seal)) await db.GetService<IMigrator>().MigrateAsync(seal, cancellationToken: ct);
            sealedCount = await SealClearBirthDatesAsync(db, keys, ct);
        }
        // Nothing pending, nothing to do: EF's MigrateAsync would still diff the model against the snapshot (0.2 s a start;
        // the test Model_MigrationsMatchModel_NoPendingChanges keeps that check) and take the migration lock.
        if (pending.Count > 0) await db.Database.MigrateAsync(ct);
        if (sealedCount > 0)
            foreach (var sql in provider.RewriteTableSql("DataSubjects"))
                await db.Database.ExecuteSqlRawAsync(sql, ct);
        return pending;
    }

    private sealed class ClearBirthDate
    {
        public Guid Id { get; set; }
        public Guid TenantId { get; set; }
        public string? WrappedKey { get; set; }
        public DateOnly BirthDate { get; set; }
    }

    /// <summary>Encrypts every clear date of birth and clears it, in one transaction; the number of dates cleared.</summary>
    private static async Task<int> SealClearBirthDatesAsync(MamoriDbContext db, KeyRingProvider keys, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<ClearBirthDate>(
            """SELECT "Id", "TenantId", "WrappedKey", "BirthDate" FROM "DataSubjects" WHERE "BirthDate" IS NOT NULL""").ToListAsync(ct);
        if (rows.Count == 0) return 0;
        var ring = keys.Current;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var r in rows)
        {
            // An erased person's date goes with them: no consent is asked of an erased person.
            if (Seal(ring, r) is { } sealedDate)
                await db.Database.ExecuteSqlAsync($"""UPDATE "DataSubjects" SET "SealedBirthDate" = {sealedDate}, "BirthDate" = NULL WHERE "Id" = {r.Id}""", ct);
            else
                await db.Database.ExecuteSqlAsync($"""UPDATE "DataSubjects" SET "BirthDate" = NULL WHERE "Id" = {r.Id}""", ct);
        }
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private static byte[]? Seal(KeyRing ring, ClearBirthDate r)
    {
        if (r.WrappedKey is null) return null;
        byte[] dataKey;
        try
        {
            dataKey = VaultCrypto.Unwrap(ring, r.TenantId, r.Id, r.WrappedKey);
        }
        catch (MamoriException e) when (e.Code == ErrorCode.ErasedKeyRestored)
        {
            return null;
        }
        try
        {
            return VaultCrypto.EncryptField(dataKey, r.TenantId, r.Id, BirthDates.SealedField, r.BirthDate.ToString(BirthDates.Format, CultureInfo.InvariantCulture));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
