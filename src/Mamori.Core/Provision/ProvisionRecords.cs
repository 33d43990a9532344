using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Provision;

/// <summary>
/// A record as a disclosure (Art.33(5)) or an auditor reads it: every Art.29/30 item, the subjects by id.
/// </summary>
public sealed record ProvisionRecordView(
    Guid Id,
    string Direction,
    string Basis,
    DateTimeOffset At,
    string? RecipientId,
    string CounterpartyName,
    string? CounterpartyAddress,
    string? CounterpartyRepresentative,
    string? Country,
    IReadOnlyList<string> Items,
    int SubjectCount,
    IReadOnlyList<Guid> Subjects,
    string? ConsentRef,
    string? OptOutFacts,
    string? LegalException,
    string? Justification,
    string? AcquisitionHistory,
    string? ContractRef,
    bool ContractAsRecord,
    DateOnly? LastProvisionOn,
    string? PersonRelatedConfirmation,
    bool StatutoryRecord,
    int PolicyVersion,
    DateOnly KeepThrough,
    string RecordedBy,
    Guid? DatasetId = null,
    string? RecipientNotice = null);

/// <summary>Data received from a third party, with the Art.30 items (L-16).</summary>
public sealed record ReceiptRequest(
    string ProviderName,
    string? ProviderAddress,
    string? ProviderRepresentative,
    string AcquisitionHistory,
    ProvisionBasisKind Basis,
    IReadOnlyList<string> Items,
    DateOnly ReceivedOn,
    IReadOnlyList<Guid>? Subjects = null,
    string? ConsentRef = null,
    string? PpcPublication = null,
    string? ContractRef = null,
    bool ProviderIsIndividual = false);

public sealed record RecordSweepReport(int Swept, DateOnly Today, bool DryRun);

/// <summary>
/// Provision and receipt records (Art.29/30): the list for a person (disclosure requests include it),
/// receipts, and the retention sweep (L-15: 1 year for a contract-as-record, else 3 years; purged the
/// day after the anniversary).
/// </summary>
public sealed class ProvisionRecords(MamoriDbContext db, AuditLog audit, PolicyStore policies, TimeProvider clock, IOptions<ProvisionSettings> options)
{
    /// <summary>Every record that lists the subject, newest first, with all its items.</summary>
    public async Task<IReadOnlyList<ProvisionRecordView>> ForSubjectAsync(Guid subjectId, CancellationToken ct = default)
    {
        var ids = await db.Set<ProvisionRecordSubject>().AsNoTracking().Where(s => s.SubjectId == subjectId).Select(s => s.RecordId).ToListAsync(ct);
        var records = await db.Set<ProvisionRecord>().AsNoTracking().Where(r => ids.Contains(r.Id)).OrderByDescending(r => r.At).ToListAsync(ct);
        return records.Select(r => View(r, [subjectId])).ToList();
    }

    /// <summary>One record with every subject it lists.</summary>
    public async Task<ProvisionRecordView> GetAsync(Guid recordId, CancellationToken ct = default)
    {
        var r = await db.Set<ProvisionRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == recordId, ct)
                ?? throw new MamoriException(ErrorCode.ProvisionRecordNotFound, "There is no such provision record.", 404);
        var subjects = await db.Set<ProvisionRecordSubject>().AsNoTracking().Where(s => s.RecordId == recordId).Select(s => s.SubjectId).ToListAsync(ct);
        return View(r, subjects);
    }

    public const int MaxPage = 1000;

    /// <summary>Records, newest first (without their subject lists).</summary>
    public async Task<IReadOnlyList<ProvisionRecordView>> ListAsync(int limit, CancellationToken ct = default) =>
        (await PageAsync(0, Math.Clamp(limit, 1, MaxPage), ct)).Items;

    /// <summary>
    /// One page of the records, newest first (without their subject lists), and how many there are: an integration pages through
    /// every record kept, where the newest 1,000 were all it could read.
    /// </summary>
    public async Task<(IReadOnlyList<ProvisionRecordView> Items, int Total)> PageAsync(int offset, int limit, CancellationToken ct = default)
    {
        if (offset < 0) throw MamoriException.Invalid("offset is 0 or more.");
        if (limit is < 1 or > MaxPage) throw MamoriException.Invalid($"limit is 1-{MaxPage}.");
        var q = db.Set<ProvisionRecord>().AsNoTracking();
        var total = await q.CountAsync(ct);
        var page = await q.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Skip(offset).Take(limit).ToListAsync(ct);
        return (page.Select(r => View(r, [])).ToList(), total);
    }

    internal static ProvisionRecordView View(ProvisionRecord r, IReadOnlyList<Guid> subjects) => new(
        r.Id, r.Direction == RecordDirection.Provided ? "provided" : "received", Provisions.Kebab(r.Basis), r.At, r.CounterpartyId,
        r.CounterpartyName, r.CounterpartyAddress, r.CounterpartyRepresentative, r.Country, r.Items, r.SubjectCount, subjects,
        r.ConsentRef, r.OptOutFacts, LegalExceptions.Parse(r.LegalException) is { } e ? LegalExceptions.Id(e) : r.LegalException, r.Justification, r.AcquisitionHistory, r.ContractRef, r.ContractAsRecord,
        r.LastProvisionOn, r.PersonRelatedConfirmation, r.StatutoryRecord, r.PolicyVersion, r.KeepThrough, r.RecordedBy,
        r.DatasetId, r.RecipientNotice);

    /// <summary>Records data received from a third party after the Art.30 checks; throws when an item is missing.</summary>
    public async Task<ProvisionRecordView> RecordReceiptAsync(ReceiptRequest request, Actor actor, CancellationToken ct = default)
    {
        static bool Missing(string? s) => string.IsNullOrWhiteSpace(s);
        var missing = new List<string>();
        if (Missing(request.ProviderName)) missing.Add("providerName");
        if (Missing(request.ProviderAddress)) missing.Add("providerAddress");
        if (Missing(request.ProviderRepresentative) && !request.ProviderIsIndividual) missing.Add("providerRepresentative");
        if (Missing(request.AcquisitionHistory)) missing.Add("acquisitionHistory");
        if (request.Items.Count == 0 || request.Items.Any(Missing)) missing.Add("items");
        if (request.Basis == ProvisionBasisKind.Consent && Missing(request.ConsentRef)) missing.Add("consentRef");
        if (request.Basis == ProvisionBasisKind.OptOut && Missing(request.PpcPublication)) missing.Add("ppcPublication");
        if (missing.Count > 0)
            throw new MamoriException(ErrorCode.ReceiptItemsMissing, $"A receipt record needs these Art.30 items: {string.Join(", ", missing)}.");
        if (request.Items.Count > 50 || request.Items.Any(i => i.Length > 100) || request.ProviderName.Length > 300 || request.ProviderAddress!.Length > 300
            || request.ProviderRepresentative is { Length: > 200 } || request.AcquisitionHistory.Length > 2000 || request.ConsentRef is { Length: > 300 }
            || request.PpcPublication is { Length: > 300 } || request.ContractRef is { Length: > 200 } || request.Items.Any(i => i.Contains(',')))
            throw MamoriException.Invalid("A receipt field is too long, or an item contains a comma (at most 50 items of 100 characters).");
        var subjects = (request.Subjects ?? []).Distinct().ToArray();
        if (subjects.Length > options.Value.MaxSubjects)
            throw new MamoriException(ErrorCode.TooManySubjects, $"One record may list at most {options.Value.MaxSubjects} subjects.");
        var known = 0;
        foreach (var chunk in subjects.Chunk(5000)) known += await db.Set<DataSubject>().CountAsync(s => chunk.Contains(s.Id), ct);
        if (known != subjects.Length) throw new MamoriException(ErrorCode.SubjectNotFound, "A listed subject does not exist.", 404);

        var now = clock.GetUtcNow();
        var current = await policies.CurrentAsync(ct);
        var start = request.ReceivedOn;
        var record = new ProvisionRecord
        {
            Id = Guid.CreateVersion7(now),
            Direction = RecordDirection.Received,
            Basis = request.Basis,
            At = JapanTime.StartOf(request.ReceivedOn, PolicyStore.Jst),
            CounterpartyName = request.ProviderName.Trim(),
            CounterpartyAddress = request.ProviderAddress.Trim(),
            CounterpartyRepresentative = request.ProviderRepresentative?.Trim(),
            Items = [.. request.Items.Select(i => i.Trim())],
            SubjectCount = subjects.Length,
            ConsentRef = request.ConsentRef,
            OptOutFacts = request.PpcPublication,
            AcquisitionHistory = request.AcquisitionHistory,
            ContractRef = request.ContractRef,
            ContractAsRecord = request.ContractRef is not null && request.Basis == ProvisionBasisKind.Consent,
            LastProvisionOn = request.ContractRef is not null ? request.ReceivedOn : null,
            StatutoryRecord = request.Basis is ProvisionBasisKind.Consent or ProvisionBasisKind.OptOut,
            PolicyVersion = current?.Version.Number ?? 0,
            KeepThrough = request.ContractRef is not null && request.Basis == ProvisionBasisKind.Consent
                ? start.AddYears(options.Value.ContractRecordRetentionYears)
                : JapanTime.DayOf(now, PolicyStore.Jst).AddYears(options.Value.ProvisionRecordRetentionYears),
            RecordedBy = actor.ToString(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(record);
        db.AddRange(subjects.Select(s => new ProvisionRecordSubject { TenantId = db.CurrentTenantId, RecordId = record.Id, SubjectId = s }));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.ReceiptRecorded, actor, TargetId: record.Id.ToString(), ReasonCode: Provisions.Kebab(request.Basis),
            Categories: subjects.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        await tx.CommitAsync(ct);
        return View(record, subjects);
    }

    /// <summary>
    /// Deletes records whose retention has ended: a record is kept through <see cref="ProvisionRecord.KeepThrough"/>
    /// (JST) and swept from the next day. One audit event per sweep carries the count.
    /// Every server's background jobs run it: the chain head is locked before the records are read, so two sweeps of
    /// one tenant run one after the other and the second finds nothing left (no second event claiming the same count).
    /// </summary>
    public async Task<RecordSweepReport> SweepAsync(bool dryRun, Actor actor, CancellationToken ct = default)
    {
        var today = JapanTime.DayOf(clock.GetUtcNow(), PolicyStore.Jst);
        var due = db.Set<ProvisionRecord>().Where(r => r.KeepThrough < today);
        if (dryRun) return new RecordSweepReport(await due.CountAsync(ct), today, true);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.LockHeadAsync(db, ct);
        var ids = await due.Select(r => r.Id).ToListAsync(ct);
        if (ids.Count == 0) return new RecordSweepReport(0, today, false);
        foreach (var chunk in ids.Chunk(1000))
        {
            await db.Set<ProvisionRecordSubject>().Where(s => chunk.Contains(s.RecordId)).ExecuteDeleteAsync(ct);
            await db.Set<ProvisionRecord>().Where(r => chunk.Contains(r.Id)).ExecuteDeleteAsync(ct);
        }
        await audit.AppendAsync(db, new AuditEntry(AuditCode.ProvisionRecordsSwept, actor, ReasonCode: "retention-expired",
            Categories: ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        await tx.CommitAsync(ct);
        return new RecordSweepReport(ids.Count, today, false);
    }
}
