using Mamori.Audit;
using Mamori.Data;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Vault;

public sealed record SweepReport(int Subjects, int FieldsDestroyed, int SubjectsErased, IReadOnlyList<Guid> Certificates, bool DryRun);

/// <summary>
/// Background work on the vault, safe with several servers on one PostgreSQL: each batch claims its
/// rows with <c>FOR UPDATE SKIP LOCKED</c>, so two workers never process the same subject.
/// </summary>
public sealed class VaultMaintenance(MamoriDbContext db, IDatabaseProvider provider, Subjects subjects, AuditLog audit, KeyRingProvider keys, TimeProvider clock)
{
    private const int Batch = 100;

    /// <summary>
    /// Retention sweep (S-50, L-07): destroys every field whose retention has ended and writes a
    /// destruction certificate per subject. A dry run only counts.
    /// </summary>
    public async Task<SweepReport> SweepRetentionAsync(bool dryRun, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        int subjectsSeen = 0, fields = 0, erased = 0;
        var certificates = new List<Guid>();
        if (dryRun)
        {
            var due = await db.Set<SubjectField>().AsNoTracking().Where(f => f.RetainUntil <= now)
                .Join(db.Set<DataSubject>().Where(s => s.WrappedKey != null), f => f.SubjectId, s => s.Id, (f, s) => f.SubjectId).ToListAsync(ct);
            return new SweepReport(due.Distinct().Count(), due.Count, 0, [], true);
        }
        while (true)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = await ClaimAsync("\"NextExpiry\" IS NOT NULL AND \"NextExpiry\" <= {1}", "\"NextExpiry\"", now, ct);
            if (ids.Count == 0) break;
            var entries = new List<AuditEntry>();
            foreach (var id in ids)
            {
                var subject = await db.Set<DataSubject>().FirstAsync(s => s.Id == id, ct);
                var all = await db.Set<SubjectField>().Where(f => f.SubjectId == id).ToListAsync(ct);
                var expired = all.Where(f => f.RetainUntil <= now).ToList();
                if (expired.Count == 0)
                {
                    subject.NextExpiry = all.Count == 0 ? null : all.Min(f => f.RetainUntil);
                    continue;
                }
                var certificate = await subjects.DestroyAsync(subject, expired, all.Except(expired).ToList(), DestructionKind.Retention, "retention-expired", Actor.System, now, ct);
                subjectsSeen++;
                fields += expired.Count;
                if (subject.WrappedKey is null) erased++;
                certificates.Add(certificate.Id);
                entries.Add(new AuditEntry(AuditCode.RetentionDestroyed, Actor.System, SubjectId: id.ToString(), TargetId: certificate.Id.ToString(),
                    ReasonCode: "retention-expired", Categories: certificate.Destroyed));
            }
            if (entries.Count > 0) await audit.AppendManyAsync(db, entries, ct);
            else await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return new SweepReport(subjectsSeen, fields, erased, certificates, false);
    }

    /// <summary>
    /// Re-wraps data keys still wrapped by an older key-encryption key with the primary one, so the
    /// old key can be retired. Returns how many were re-wrapped.
    /// </summary>
    public async Task<int> RewrapAsync(CancellationToken ct = default)
    {
        var ring = keys.Current;
        var primary = ring.Primary.Id;
        var total = 0;
        while (true)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = await ClaimAsync("\"KeyId\" IS NOT NULL AND \"KeyId\" <> {1}", "\"Id\"", primary, ct);
            if (ids.Count == 0) break;
            var rows = await db.Set<DataSubject>().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
            foreach (var s in rows)
            {
                var dataKey = VaultCrypto.Unwrap(ring, s.TenantId, s.Id, s.WrappedKey!);
                s.WrappedKey = VaultCrypto.Wrap(ring, s.TenantId, s.Id, dataKey);
                s.KeyId = primary;
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
            }
            await audit.AppendAsync(db, new AuditEntry(AuditCode.KeyRotated, Actor.System, TargetId: primary, ReasonCode: "rewrap", Categories: rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            total += rows.Count;
        }
        return total;
    }

    /// <summary>How many data keys each key-encryption key still wraps (for retiring old keys).</summary>
    public async Task<Dictionary<string, int>> KeyUsageAsync(CancellationToken ct = default) =>
        await db.Set<DataSubject>().IgnoreQueryFilters().Where(s => s.KeyId != null).GroupBy(s => s.KeyId!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    private async Task<List<Guid>> ClaimAsync(string condition, string order, object value, CancellationToken ct)
    {
        var parameter = value is DateTimeOffset t ? provider.TimestampParameter(t) : value;
        var sql = $"SELECT \"Id\" AS \"Value\" FROM \"DataSubjects\" WHERE \"TenantId\" = {{0}} AND {condition} ORDER BY {order} LIMIT {Batch} {provider.SkipLockedClause}";
        return await db.Database.SqlQueryRaw<Guid>(sql, db.CurrentTenantId, parameter).ToListAsync(ct);
    }
}
