using Mamori.Audit;
using Mamori.Access;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Vault;

public sealed record ReapplyReport(int LedgerLinesAdded, int SubjectsReshredded);

public sealed record SweepReport(int Subjects, int FieldsDestroyed, int SubjectsErased, IReadOnlyList<Guid> Certificates, bool DryRun);

/// <summary>What <see cref="VaultMaintenance.ForgetKeyAsync"/> gave up: persons' data, requests' details and files, queued messages.</summary>
public sealed record KeyForgetReport(int Persons, int Requests, int MessagesGivenUp);

/// <summary>
/// Background work on the vault, safe with several servers on one PostgreSQL: each batch claims its
/// rows with <c>FOR UPDATE SKIP LOCKED</c>, so two workers never process the same subject.
/// </summary>
public sealed class VaultMaintenance(MamoriDbContext db, IDatabaseProvider provider, Subjects subjects, AuditLog audit, KeyRingProvider keys,
    PolicyStore policies, TimeProvider clock)
{
    private const int Batch = 100;

    /// <summary>
    /// Retention sweep (S-50, L-07): destroys every field whose retention has ended and writes a
    /// destruction certificate per subject. A dry run only counts. Before destroying, each field is checked against the policy in
    /// force: when it counts the period of a purpose using the field from an event not recorded for the person (data acquired before
    /// the policy named the event), the field waits for the event instead. A dry run counts what a real run would destroy, with that check. <paramref name="actor"/> is the system for the servers'
    /// job, the person who ran <c>mamori retention sweep</c> otherwise.
    /// </summary>
    public async Task<SweepReport> SweepRetentionAsync(bool dryRun, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        int subjectsSeen = 0, fields = 0, erased = 0;
        var certificates = new List<Guid>();
        var written = new List<DestructionCertificate>();
        var model = (await policies.CurrentAsync(ct))?.Model;
        if (dryRun) return await DryRunAsync(now, model, ct);
        while (true)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await audit.LockHeadAsync(db, ct);
            var ids = await ClaimAsync("\"NextExpiry\" IS NOT NULL AND \"NextExpiry\" <= {1}", "\"NextExpiry\"", now, ct);
            if (ids.Count == 0) break;
            var entries = new List<AuditEntry>();
            foreach (var id in ids)
            {
                var subject = await db.Set<DataSubject>().FirstAsync(s => s.Id == id, ct);
                var all = await db.Set<SubjectField>().Where(f => f.SubjectId == id).ToListAsync(ct);
                var expired = all.Where(f => f.RetainUntil <= now).ToList();
                if (expired.Count > 0 && model is not null) expired = await StillAwaitedAsync(subject, expired, model, ct);
                if (expired.Count == 0)
                {
                    subject.NextExpiry = all.Count == 0 ? null : all.Min(f => f.RetainUntil);
                    continue;
                }
                var certificate = await subjects.DestroyAsync(subject, expired, all.Except(expired).ToList(), DestructionKind.Retention, "retention-expired", actor, now, heldOnly: false, ct);
                subjectsSeen++;
                fields += expired.Count;
                if (subject.WrappedKey is null) erased++;
                certificates.Add(certificate.Id);
                written.Add(certificate);
                entries.Add(new AuditEntry(AuditCode.RetentionDestroyed, actor, SubjectId: id.ToString(), TargetId: certificate.Id.ToString(),
                    ReasonCode: "retention-expired", Categories: certificate.Destroyed));
            }
            if (entries.Count > 0) await audit.AppendManyAsync(db, entries, ct);
            else await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            subjects.RecordErased(written);
            written.Clear();
            db.ChangeTracker.Clear();
        }
        return new SweepReport(subjectsSeen, fields, erased, certificates, false);
    }

    /// <summary>
    /// What the sweep would destroy now, counted the same way: the subjects it would claim, their expired fields less those it would
    /// find waiting for an unrecorded event (which the sweep keeps), and the subjects left with nothing. Changes nothing.
    /// </summary>
    private async Task<SweepReport> DryRunAsync(DateTimeOffset now, PolicyModel? model, CancellationToken ct)
    {
        int subjectsSeen = 0, fields = 0, erased = 0;
        var due = await db.Set<DataSubject>().AsNoTracking().Where(s => s.NextExpiry != null && s.NextExpiry <= now).Select(s => s.Id).ToListAsync(ct);
        foreach (var chunk in due.Chunk(500))
        {
            var rows = await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct);
            var bySubject = (await db.Set<SubjectField>().AsNoTracking().Where(f => chunk.Contains(f.SubjectId))
                .Select(f => new { f.SubjectId, f.Category, f.RetainUntil }).ToListAsync(ct)).ToLookup(f => f.SubjectId);
            foreach (var subject in rows)
            {
                var all = bySubject[subject.Id].ToList();
                var expired = all.Where(f => f.RetainUntil <= now).Select(f => f.Category).ToList();
                if (expired.Count > 0 && model is not null && await WaitingAsync(subject, expired, model, ct) is { Count: > 0 } waiting)
                    expired = [.. expired.Except(waiting, StringComparer.Ordinal)];
                if (expired.Count == 0) continue;
                subjectsSeen++;
                fields += expired.Count;
                if (expired.Count == all.Count) erased++;
            }
        }
        return new SweepReport(subjectsSeen, fields, erased, [], true);
    }

    /// <summary>The fields of <paramref name="expired"/> to destroy; those whose retention, under the policy in force, waits for an unrecorded event are marked so and kept.</summary>
    private async Task<List<SubjectField>> StillAwaitedAsync(DataSubject subject, List<SubjectField> expired, PolicyModel model, CancellationToken ct)
    {
        var waiting = await WaitingAsync(subject, [.. expired.Select(f => f.Category)], model, ct);
        if (waiting.Count == 0) return expired;
        var purposes = Purposes(subject, model);
        var events = await RetentionEvents.RecordedAsync(db, subject.Id, ct);
        foreach (var f in expired.Where(f => waiting.Contains(f.Category))) RetentionEvents.Recompute(subject, f, purposes, events);
        return [.. expired.Where(f => !waiting.Contains(f.Category))];
    }

    /// <summary>
    /// The categories of <paramref name="expired"/> whose retention, under the policy in force, waits for an event not recorded for
    /// the person (data acquired before the policy named the event): the sweep keeps them, and the dry run does not count them.
    /// </summary>
    private async Task<HashSet<string>> WaitingAsync(DataSubject subject, IReadOnlyList<string> expired, PolicyModel model, CancellationToken ct)
    {
        var purposes = Purposes(subject, model);
        if (!purposes.Any(p => p.Retention?.Event is not null)) return [];
        var events = await RetentionEvents.RecordedAsync(db, subject.Id, ct);
        return expired.Where(category =>
        {
            var r = Subjects.Retention(purposes, category, subject.CreatedAt, events);
            return subject.ErasedWithHoldAt is null ? r.Awaiting is not null : r.Held is null && r.Basis is not null;
        }).ToHashSet(StringComparer.Ordinal);
    }

    private static List<Purpose> Purposes(DataSubject subject, PolicyModel model) =>
        PolicyScopes.Shown(PolicyScopes.For(model, subject.ServiceId), subject.PurposesShown);

    /// <summary>
    /// Re-wraps data keys still wrapped by an older key-encryption key with the primary one — persons', requests' and queued
    /// messages' — so the old key can be retired. Returns how many were re-wrapped.
    /// </summary>
    public async Task<int> RewrapAsync(Actor actor, CancellationToken ct = default)
    {
        var ring = keys.Current;
        var primary = ring.Primary.Id;
        var total = await RewrapEachAsync<DataSubject>("DataSubjects", ring, primary, "rewrap", actor,
            s => s.Id, s => s.WrappedKey, (s, w) => (s.WrappedKey, s.KeyId) = (w, primary), ct);
        // Requests and queued messages seal their contents under their own data keys, wrapped by the same ring.
        total += await RewrapEachAsync<Requests.DataSubjectRequest>("DataSubjectRequests", ring, primary, "rewrap-requests", actor,
            r => r.Id, r => r.WrappedKey, (r, w) => (r.WrappedKey, r.KeyId) = (w, primary), ct);
        total += await RewrapEachAsync<Notifications.OutboxMessage>("OutboxMessages", ring, primary, "rewrap-messages", actor,
            m => m.Id, m => m.WrappedKey, (m, w) => (m.WrappedKey, m.KeyId) = (w, primary), ct);
        return total;
    }

    private async Task<int> RewrapEachAsync<T>(string table, KeyRing ring, string primary, string reason, Actor actor, Func<T, Guid> id, Func<T, string?> wrapped,
        Action<T, string> set, CancellationToken ct) where T : class
    {
        var total = 0;
        while (true)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await audit.LockHeadAsync(db, ct);
            var ids = await ClaimAsync("\"KeyId\" IS NOT NULL AND \"KeyId\" <> {1}", "\"Id\"", primary, ct, table);
            if (ids.Count == 0) break;
            var rows = await db.Set<T>().Where(x => ids.Contains(EF.Property<Guid>(x, "Id"))).ToListAsync(ct);
            foreach (var row in rows)
            {
                // A key listed in the erasure ledger stays listed under its new wrapping (the fingerprint is of the data key).
                var dataKey = VaultCrypto.UnwrapIgnoringLedger(ring, db.CurrentTenantId, id(row), wrapped(row)!);
                set(row, VaultCrypto.Wrap(ring, db.CurrentTenantId, id(row), dataKey));
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
            }
            await audit.AppendAsync(db, new AuditEntry(AuditCode.KeyRotated, actor, TargetId: primary, ReasonCode: reason, Categories: rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            total += rows.Count;
        }
        return total;
    }

    /// <summary>
    /// Keeps the erasure ledger and this tenant's database in agreement (run at server start, by the
    /// background job and after <c>mamori restore</c> / <c>pg_restore</c>): (1) every destruction
    /// certificate's key fingerprint is in the ledger; (2) every subject whose live data key is listed —
    /// it came back from a backup taken before its erasure — is shredded again: the categories destroyed
    /// from that key onwards are deleted, the rest (legal holds) re-encrypted under a fresh key.
    /// </summary>
    /// <summary>The reason of a certificate <see cref="ReapplyErasuresAsync"/> writes; its key is the one an earlier certificate destroyed.</summary>
    public const string ReappliedReason = "erasure-reapplied";

    public async Task<ReapplyReport> ReapplyErasuresAsync(Actor actor, CancellationToken ct = default)
    {
        // The keys first: without them a restore by hand wrote a ledger into whatever directory was current.
        _ = keys.Current;
        var ledger = keys.Ledger;
        var tenant = db.CurrentTenantId;
        var known = ledger.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var missing = await db.Set<DestructionCertificate>().AsNoTracking()
            .Where(c => c.DestroyedKeyId != null && c.DestroyedKeyId.StartsWith(ErasureLedger.FingerprintPrefix)).ToListAsync(ct);
        var added = ledger.Append(missing.Where(c => !known.Contains(c.DestroyedKeyId!))
            .Select(c => ErasureLedger.EntryOf(c, c.TenantId)));

        var bySubject = ledger.Entries.Where(e => e.Tenant == tenant).GroupBy(e => e.Subject)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.At).ToList());
        var reshredded = 0;
        foreach (var chunk in bySubject.Keys.Chunk(500))
        {
            var live = await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id) && s.WrappedKey != null).ToListAsync(ct);
            foreach (var candidate in live)
            {
                var dataKey = VaultCrypto.UnwrapIgnoringLedger(keys.Current, candidate.TenantId, candidate.Id, candidate.WrappedKey!);
                var fingerprint = ErasureLedger.Fingerprint(dataKey);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
                var history = bySubject[candidate.Id];
                var from = history.FindIndex(e => e.Key == fingerprint);
                if (from < 0) continue;
                var reapplied = history.Skip(from).ToList();
                var gone = reapplied.SelectMany(e => e.Categories.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
                // An erasure among them makes the re-shred one, and what it keeps serves only its law again, as after the erasure
                // itself. Sweeps alone are a retention destruction. A line too old to say which stays an erasure, unmarked, as before.
                var erasure = reapplied.Any(e => e.Kind == ErasureLedger.Erasure);
                var kind = erasure || reapplied.Any(e => e.Kind is null) ? DestructionKind.Erasure : DestructionKind.Retention;
                var now = clock.GetUtcNow();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var subject = await db.Set<DataSubject>().FirstAsync(s => s.Id == candidate.Id, ct);
                var fields = await db.Set<SubjectField>().Where(f => f.SubjectId == subject.Id).ToListAsync(ct);
                var destroy = fields.Where(f => gone.Contains(f.Category)).ToList();
                var certificate = await subjects.DestroyAsync(subject, destroy, fields.Except(destroy).ToList(), kind, ReappliedReason, actor, now, heldOnly: erasure, ct);
                await audit.AppendAsync(db, new AuditEntry(AuditCode.SubjectErased, actor, SubjectId: subject.Id.ToString(), TargetId: certificate.Id.ToString(),
                    ReasonCode: ReappliedReason, Categories: certificate.Destroyed), ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                subjects.RecordErased([certificate]);
                reshredded++;
            }
        }
        return new ReapplyReport(added, reshredded);
    }

    /// <summary>The reason of the certificates <see cref="ForgetKeyAsync"/> writes.</summary>
    public const string KeyLostReason = "key-lost";

    /// <summary>
    /// The last resort when a key-encryption key is lost for good (file deleted, no backup): every data key of this tenant that
    /// it wraps can never be opened again, so its persons are recorded as such instead of failing every read and stopping every
    /// server (MAMORI-3000). Their unreadable fields and lookups are deleted as an erasure deletes them, each gets a certificate
    /// of kind <see cref="DestructionKind.KeyLost"/> and a <see cref="AuditCode.SubjectDataLost"/> event, and the tenant's chain
    /// one <see cref="AuditCode.KeyForgotten"/> event with the count. Requests sealed under it lose their requester's details and
    /// files (their wrapped key is dropped; opening them answers MAMORI-3024; a 5013 event with reason <c>key-lost</c> each), and
    /// messages still queued under it are given up (they could never be opened to send). Refused while the ring has the key
    /// (MAMORI-3026): then nothing is lost.
    /// </summary>
    public async Task<KeyForgetReport> ForgetKeyAsync(string keyId, Actor actor, CancellationToken ct = default)
    {
        if (keys.Current.Find(keyId) is not null)
            throw new MamoriException(ErrorCode.KeyForgetPresent,
                $"The key ring still has key '{ErrorText.Id(keyId)}': its data is readable. Rotate ('mamori keys rotate') and retire it instead.");
        var total = 0;
        KeyForgetReport report;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await audit.LockHeadAsync(db, ct);
            var now = clock.GetUtcNow();
            var lost = await db.Set<DataSubject>().Where(s => s.KeyId == keyId).ToListAsync(ct);
            var entries = new List<AuditEntry>();
            foreach (var subject in lost)
            {
                var fields = await db.Set<SubjectField>().Where(f => f.SubjectId == subject.Id).ToListAsync(ct);
                db.RemoveRange(fields);
                db.RemoveRange(await db.Set<SubjectLookup>().Where(l => l.SubjectId == subject.Id).ToListAsync(ct));
                subject.WrappedKey = null;
                subject.KeyId = null;
                subject.SealedBirthDate = null;
                subject.ErasedAt = now;
                subject.NextExpiry = null;
                subject.UpdatedAt = now;
                var certificate = new DestructionCertificate
                {
                    Id = Guid.CreateVersion7(now), TenantId = subject.TenantId, SubjectId = subject.Id, Kind = DestructionKind.KeyLost,
                    DestroyedAt = now, Actor = actor.ToString(), Reason = KeyLostReason,
                    Destroyed = string.Join(',', fields.Select(f => f.Category).Order(StringComparer.Ordinal)),
                    DestroyedKeyId = keyId,
                };
                db.Add(certificate);
                entries.Add(new AuditEntry(AuditCode.SubjectDataLost, actor, SubjectId: subject.Id.ToString(), TargetId: certificate.Id.ToString(),
                    ReasonCode: KeyLostReason, Categories: certificate.Destroyed));
            }
            total = lost.Count;
            var requests = await db.Set<Requests.DataSubjectRequest>().Where(r => r.KeyId == keyId).ToListAsync(ct);
            foreach (var r in requests)
            {
                (r.WrappedKey, r.KeyId, r.UpdatedAt) = (null, null, now);
                entries.Add(new AuditEntry(AuditCode.RequestFilesDestroyed, actor, TargetId: r.Id.ToString(), ReasonCode: KeyLostReason));
            }
            var givenUp = 0;
            foreach (var m in await db.Set<Notifications.OutboxMessage>().Where(m => m.KeyId == keyId).ToListAsync(ct))
            {
                m.KeyId = null;
                if (m.SentAt is not null || m.DeadAt is not null) continue;
                (m.DeadAt, m.LastError) = (now, KeyLostReason);
                givenUp++;
            }
            report = new KeyForgetReport(total, requests.Count, givenUp);
            entries.Add(new AuditEntry(AuditCode.KeyForgotten, actor, TargetId: keyId, Categories: total.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ReasonCode: requests.Count == 0 && report.MessagesGivenUp == 0 ? null : $"requests-{requests.Count}-messages-{report.MessagesGivenUp}"));
            await audit.AppendManyAsync(db, entries, ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return report;
    }

    /// <summary>The certificate that records this subject's data as lost with a forgotten key, if it was.</summary>
    public static Task<DestructionCertificate?> LostAsync(MamoriDbContext db, Guid subjectId, CancellationToken ct) =>
        db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.SubjectId == subjectId && c.Kind == DestructionKind.KeyLost)
            .OrderByDescending(c => c.DestroyedAt).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Records a change of the installation's key ring (<see cref="AuditCode.KeyRingCreated"/>, <see cref="AuditCode.KeyRetired"/>)
    /// in the current tenant's chain: the ring protects every tenant's data, so each chain says when its keys changed.
    /// </summary>
    public async Task RecordKeyRingChangeAsync(AuditCode code, string keyId, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.AppendAsync(db, new AuditEntry(code, actor, TargetId: keyId), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// How many data keys each key-encryption key still wraps, every tenant's: persons', requests' and queued messages'. Retiring a
    /// key waits for all three: a request's details and files and a message's envelope are sealed under their own data keys,
    /// and a retire that counted persons only left every request under the old key unreadable.
    /// </summary>
    public async Task<Dictionary<string, int>> KeyUsageAsync(CancellationToken ct = default)
    {
        var usage = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in (await WrappedByAsync<DataSubject>(ct)).Concat(await WrappedByAsync<Requests.DataSubjectRequest>(ct))
                     .Concat(await WrappedByAsync<Notifications.OutboxMessage>(ct)))
            usage[key] = usage.GetValueOrDefault(key) + count;
        return usage;
    }

    /// <summary>How many rows of <typeparamref name="T"/> (a table with a <c>KeyId</c> column) each key-encryption key wraps, every tenant's.</summary>
    private async Task<IEnumerable<(string Key, int Count)>> WrappedByAsync<T>(CancellationToken ct) where T : class =>
        (await db.Set<T>().IgnoreQueryFilters().Select(x => EF.Property<string?>(x, "KeyId")).Where(k => k != null).GroupBy(k => k!)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).Select(x => (x.Key, x.Count));

    /// <summary>Keys that wrap data keys in <paramref name="usage"/> but that <paramref name="ring"/> lacks (an outdated copy of the ring), by id.</summary>
    public static List<KeyValuePair<string, int>> MissingFrom(KeyRing ring, Dictionary<string, int> usage) =>
        usage.Where(u => ring.Find(u.Key) is null).OrderBy(u => u.Key, StringComparer.Ordinal).ToList();

    private async Task<List<Guid>> ClaimAsync(string condition, string order, object value, CancellationToken ct, string table = "DataSubjects")
    {
        var parameter = value is DateTimeOffset t ? provider.TimestampParameter(t) : value;
        var sql = $"SELECT \"Id\" AS \"Value\" FROM \"{table}\" WHERE \"TenantId\" = {{0}} AND {condition} ORDER BY {order} LIMIT {Batch} {provider.SkipLockedClause}";
        return await db.Database.SqlQueryRaw<Guid>(sql, db.CurrentTenantId, parameter).ToListAsync(ct);
    }
}
