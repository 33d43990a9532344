using Mamori.Anonymization;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Provision;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Datasets;

/// <summary>How one column is pseudonymized; <see cref="Category"/> names the policy data category (default: the column name if it is one).</summary>
public sealed record PseudonymColumnSpec(PseudonymColumnKind Kind, string? Domain = null, string? Category = null);

/// <summary>
/// Pseudonymize a table and register the result. <see cref="SameKeyAs"/> reuses the key of an earlier
/// dataset (pseudonyms link across both, e.g. monthly batches for one purpose); otherwise a new key is made.
/// </summary>
public sealed record PseudonymizeRequest(
    string Name,
    IReadOnlyList<string> Purposes,
    IReadOnlyDictionary<string, PseudonymColumnSpec> Columns,
    Table Input,
    Guid? SameKeyAs = null);

/// <summary>The configurable figures of processed datasets (appi.md §3), bound from <c>Mamori:Datasets</c>.</summary>
public sealed class DatasetSettings
{
    public const string Section = "Mamori:Datasets";

    /// <summary>The least k of the k-anonymity an anonymized dataset must have to be registered (appi.md §3 <c>anonymizationMinK</c>; Rules 34 set none).</summary>
    public int AnonymizationMinK { get; set; } = 5;
}

/// <summary>
/// Register an anonymized dataset produced by <c>mamori anonymize</c> or the engine; <see cref="K"/> is its k-anonymity.
/// <see cref="Labels"/> gives every item in words for the public notice (item → 年齢（20歳刻み） / Age (20-year bands)).
/// </summary>
public sealed record AnonymizedRegistration(
    string Name,
    IReadOnlyList<string> Items,
    string SafetyMeasures,
    int RowCount,
    int K,
    IReadOnlyList<string>? Deleted = null,
    string? ProvisionMethod = null,
    IReadOnlyDictionary<string, LocalizedText>? Labels = null);

/// <summary>Provide a registered dataset. Pseudonymized: entrustment, shared use or succession only. Anonymized: any recipient, told what it is.</summary>
public sealed record DatasetProvisionRequest(
    ProvisionBasisKind? Basis = null,
    string? Recipient = null,
    string? RecipientName = null,
    string? RecipientAddress = null);

public sealed record DatasetView(
    Guid Id, string Kind, string Name, IReadOnlyList<string> Items, IReadOnlyDictionary<string, LocalizedText> Labels, IReadOnlyList<string> Replaced,
    IReadOnlyList<string> Deleted, IReadOnlyList<string> Purposes, string SafetyMeasures, string? ProvisionMethod, int RowCount, string? KeyId,
    bool KeyDeleted, DateTimeOffset? KeyDeletedAt, DateTimeOffset CreatedAt, string CreatedBy, int? K)
{
    internal static DatasetView Of(ProcessedDataset d) => new(d.Id, d.Kind == DatasetKind.Pseudonymized ? "pseudonymized" : "anonymized", d.Name,
        d.Items, d.ItemLabels.ToDictionary(l => l.Item, l => new LocalizedText(l.Ja, l.En), StringComparer.Ordinal), d.Replaced, d.Deleted,
        d.Purposes, d.SafetyMeasures, d.ProvisionMethod, d.RowCount, d.KeyId, d.KeyDeletedAt is not null, d.KeyDeletedAt, d.CreatedAt, d.CreatedBy, d.K);
}

public sealed record PseudonymizeResult(DatasetView Dataset, Table Output);

/// <summary>
/// What the public notice lists (L-25 purposes, L-26 items and method of provision). <see cref="Items"/> are in words,
/// or the column name for a dataset registered before labels existed; <see cref="Id"/> lets the console show it beside the dataset.
/// </summary>
public sealed record PublishedDataset(Guid Id, DatasetKind Kind, string Name, IReadOnlyList<LocalizedText> Items, IReadOnlyList<string> Purposes,
    string? ProvisionMethod, DateOnly CreatedOn);

/// <summary>
/// Pseudonymized information (仮名加工情報, L-25) and anonymized information (匿名加工情報, L-26):
/// making and registering datasets, their keys in the key ring, and the use limits Mamori can enforce
/// (purposes, no contact with the persons, no third-party provision of pseudonymized information,
/// the recipient of anonymized information told what it gets). Every step is in the audit chain with
/// the dataset id, key id and items, never a value.
/// </summary>
public sealed class ProcessedDatasets(MamoriDbContext db, AuditLog audit, PolicyStore policies, KeyRingProvider keys, Provisions provisions,
    TimeProvider clock, IOptions<ProvisionSettings> options, IOptions<DatasetSettings> settings)
{
    private const int MaxItems = 200;

    public async Task<PseudonymizeResult> PseudonymizeAsync(PseudonymizeRequest request, Actor actor, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var model = current.Model;
        var name = RequireName(request.Name);
        var purposes = request.Purposes.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (purposes.Count == 0)
            throw new MamoriException(ErrorCode.DatasetInvalid, "Name the purposes the pseudonymized information is used for (Art.41(3)).");
        var declared = AllPurposes(model);
        if (purposes.FirstOrDefault(p => !declared.Contains(p)) is { } unknown)
            throw new MamoriException(ErrorCode.DatasetInvalid, $"The policy declares no purpose '{ErrorText.Id(unknown)}'; pseudonymized information is used only for published purposes.");
        CheckColumns(model, request.Columns, request.Input);

        ProcessedDataset? earlier = null;
        if (request.SameKeyAs is { } sameKey)
        {
            earlier = await db.Set<ProcessedDataset>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == sameKey, ct)
                      ?? throw new MamoriException(ErrorCode.DatasetNotFound, "There is no such dataset.", 404);
            if (earlier.Kind != DatasetKind.Pseudonymized)
                throw new MamoriException(ErrorCode.DatasetKindMismatch, "Only a pseudonymized dataset has a key to share.", 409);
            if (earlier.KeyDeletedAt is not null)
                throw new MamoriException(ErrorCode.PseudonymizationKeyDeleted, "That dataset's pseudonymization key has been deleted; its pseudonyms can no longer be linked.", 409);
        }

        // The key: a new one per dataset, saved to the key ring (not the database) before any data is written.
        var ring = keys.Current;
        string keyId;
        var created = false;
        if (earlier is not null) keyId = earlier.KeyId!;
        else
        {
            keyId = keys.Update(r => r.WithPseudonymizationKey(clock));
            ring = keys.Current;
            created = true;
        }
        var key = ring.FindPseudonymizationKey(keyId)
                  ?? throw new MamoriException(ErrorCode.PseudonymizationKeyDeleted, "The dataset's pseudonymization key is not in the key ring.", 409);

        Table output;
        PseudonymizationReport report;
        try
        {
            using var pseudonymizer = new Pseudonymizer(key, keyId);
            (output, report) = pseudonymizer.Apply(request.Input, request.Columns.ToDictionary(kv => kv.Key, kv => new PseudonymColumn(kv.Value.Kind, kv.Value.Domain), StringComparer.Ordinal));
        }
        catch (AnonymizationException e)
        {
            if (created) RemoveKey(keyId);
            throw new MamoriException(ErrorCode.DatasetProcessingFailed, $"{e.Detail} ({e.Code})");
        }

        var now = clock.GetUtcNow();
        var dataset = new ProcessedDataset
        {
            Id = Guid.CreateVersion7(now),
            Kind = DatasetKind.Pseudonymized,
            Name = name,
            Items = [.. output.Header],
            Replaced = [.. report.Replaced],
            Deleted = [.. report.Deleted],
            Purposes = purposes,
            SafetyMeasures = Cut("HMAC-SHA256 keyed pseudonyms (128 bits) of " + (report.Replaced.Count == 0 ? "no column" : string.Join(", ", report.Replaced))
                + "; deleted: " + (report.Deleted.Count == 0 ? "none" : string.Join(", ", report.Deleted))
                + $"; key {keyId} kept in the key ring apart from the data, never exported"
                + (earlier is not null ? $"; same key as dataset {earlier.Id}" : ""), 4000),
            RowCount = report.Rows,
            KeyId = keyId,
            CreatedAt = now,
            CreatedBy = actor.ToString(),
        };
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Add(dataset);
            await audit.AppendAsync(db, new AuditEntry(AuditCode.DatasetPseudonymized, actor, TargetId: dataset.Id.ToString(), ReasonCode: keyId,
                Purpose: Cut(string.Join(',', purposes), 200), Categories: Cut(string.Join(',', dataset.Items), 1000)), ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            if (created) RemoveKey(keyId);
            throw;
        }
        db.ChangeTracker.Clear();
        return new PseudonymizeResult(DatasetView.Of(dataset), output);
    }

    /// <summary>The pseudonyms of values under a dataset's key (for linking new records by the same rule; the key itself never leaves).</summary>
    public async Task<IReadOnlyList<string>> PseudonymsAsync(Guid id, string domain, IReadOnlyList<string> values, CancellationToken ct = default)
    {
        var d = await FindAsync(id, ct);
        if (d.Kind != DatasetKind.Pseudonymized) throw new MamoriException(ErrorCode.DatasetKindMismatch, "Only a pseudonymized dataset has a key.", 409);
        var key = d.KeyDeletedAt is null ? keys.Current.FindPseudonymizationKey(d.KeyId!) : null;
        if (key is null) throw new MamoriException(ErrorCode.PseudonymizationKeyDeleted, "The dataset's pseudonymization key has been deleted.", 409);
        using var p = new Pseudonymizer(key, d.KeyId!);
        return values.Select(v => v.Length == 0 ? v : p.Pseudonym(domain, v)).ToList();
    }

    public async Task<DatasetView> RegisterAnonymizedAsync(AnonymizedRegistration request, Actor actor, CancellationToken ct = default)
    {
        var name = RequireName(request.Name);
        var items = Items(request.Items, "items");
        if (items.Count == 0) throw new MamoriException(ErrorCode.DatasetInvalid, "Name the items (columns) the anonymized information contains (Art.43(3)).");
        var labels = ItemLabels(items, request.Labels);
        if (string.IsNullOrWhiteSpace(request.SafetyMeasures))
            throw new MamoriException(ErrorCode.DatasetInvalid, "Describe the method and its safety measures (Art.43(1), Rules 34).");
        if (request.SafetyMeasures.Length > 4000) throw new MamoriException(ErrorCode.DatasetInvalid, "The safety measures are longer than 4000 characters.");
        if (request.ProvisionMethod is { Length: > 500 }) throw new MamoriException(ErrorCode.DatasetInvalid, "The method of provision is longer than 500 characters.");
        if (request.RowCount < 1) throw new MamoriException(ErrorCode.DatasetInvalid, "The dataset has no rows.");
        RequireMinK(request.K, settings.Value.AnonymizationMinK);
        if (request.RowCount < request.K)
            throw new MamoriException(ErrorCode.DatasetInvalid, $"A dataset of {request.RowCount} rows cannot be k-anonymous with k = {request.K}.");
        // At least as strict as pseudonymized information (Rules 34 over Rules 31): no column that identifies a person or links to the
        // person's record, by its name, its label or the policy category it names; an address only generalized (住所（都道府県）).
        var model = (await policies.RequireCurrentAsync(ct)).Model;
        var categories = model.DataCategories.Concat(model.Services.SelectMany(s => s.DataCategories))
            .GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var identifying = labels.Where(l =>
            {
                var category = categories.GetValueOrDefault(l.Item) ?? categories.Values.FirstOrDefault(c => c.Name.Ja == l.Item || c.Name.Ja == l.Ja);
                return category is { MyNumber: true } or { PaymentCard: true }
                       || (category is not null && BlindIndex.KindOf(category) is LookupKind.Email or LookupKind.Phone)
                       || new[] { l.Item, l.Ja }.Select(DirectIdentifiers.ByHeader).Any(w => w is not (IdentifierHeader.None or IdentifierHeader.Address));
            }).Select(l => l.Item).ToList();
        if (identifying.Count > 0)
            throw new MamoriException(ErrorCode.DatasetIdentifyingColumn,
                $"Anonymized information keeps no identifying description, linking code, identification code or contact item (Rules 34(i)-(iii)); remove these items: {string.Join(", ", identifying)}.");
        if (await db.Set<ProcessedDataset>().AnyAsync(d => d.Kind == DatasetKind.Anonymized && d.Name == name, ct))
            throw new MamoriException(ErrorCode.DatasetNameTaken, "An anonymized dataset of this name is already registered: the notice would list two.", 409);
        var now = clock.GetUtcNow();
        var dataset = new ProcessedDataset
        {
            Id = Guid.CreateVersion7(now),
            Kind = DatasetKind.Anonymized,
            Name = name,
            Items = items,
            ItemLabels = labels,
            Deleted = Items(request.Deleted ?? [], "deleted"),
            SafetyMeasures = request.SafetyMeasures.Trim().Contains($"k = {request.K}", StringComparison.Ordinal)
                ? request.SafetyMeasures.Trim() : Cut($"k-anonymity (k = {request.K}); " + request.SafetyMeasures.Trim(), 4000),
            ProvisionMethod = string.IsNullOrWhiteSpace(request.ProvisionMethod) ? null : request.ProvisionMethod.Trim(),
            RowCount = request.RowCount,
            K = request.K,
            CreatedAt = now,
            CreatedBy = actor.ToString(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(dataset);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.DatasetAnonymizedRegistered, actor, TargetId: dataset.Id.ToString(),
            Categories: Cut(string.Join(',', items), 1000)), ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return DatasetView.Of(dataset);
    }

    /// <summary>Refuses anonymized information whose classes may be smaller than <c>anonymizationMinK</c> (appi.md §3).</summary>
    public static void RequireMinK(int k, int minK)
    {
        if (k < minK)
            throw new MamoriException(ErrorCode.DatasetInvalid,
                $"Anonymized information needs k-anonymity with k of at least {minK} (anonymizationMinK; l-diversity with l counts as k = l); this dataset has k = {k}.");
    }

    public async Task<IReadOnlyList<DatasetView>> ListAsync(CancellationToken ct = default) =>
        (await db.Set<ProcessedDataset>().AsNoTracking().ToListAsync(ct)).OrderByDescending(d => d.CreatedAt).Select(DatasetView.Of).ToList();

    public async Task<DatasetView> GetAsync(Guid id, CancellationToken ct = default) => DatasetView.Of(await FindAsync(id, ct));

    /// <summary>For the public notice: anonymized datasets' items and method of provision (Art.43(3), 44), pseudonymized datasets' purposes (Art.41(4)).</summary>
    public async Task<IReadOnlyList<PublishedDataset>> PublishedAsync(CancellationToken ct = default) =>
        (await db.Set<ProcessedDataset>().AsNoTracking().ToListAsync(ct)).OrderBy(d => d.Kind).ThenBy(d => d.CreatedAt)
        .Select(d => new PublishedDataset(d.Id, d.Kind, d.Name,
            d.Items.Select(i => d.ItemLabels.FirstOrDefault(l => l.Item == i) is { } l ? new LocalizedText(l.Ja, l.En) : new LocalizedText(i)).ToList(),
            d.Purposes, d.ProvisionMethod, JapanTime.DayOf(d.CreatedAt, PolicyStore.Jst))).ToList();

    /// <summary>
    /// Whether the key ring holds the key now. The database says when a key was deleted; the ring is the truth: a deleted key
    /// is back after an old keys.json was restored (delete it again), a kept one is gone if the ring was replaced.
    /// </summary>
    public bool KeyInRing(string keyId) => keys.Current.FindPseudonymizationKey(keyId) is not null;

    /// <summary>How many provision records each dataset has (datasets never provided are absent).</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> ProvisionCountsAsync(CancellationToken ct = default) =>
        await db.Set<ProvisionRecord>().AsNoTracking().Where(r => r.DatasetId != null).GroupBy(r => r.DatasetId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>The dataset's provision records (Art.29 and Art.44), newest first.</summary>
    public async Task<IReadOnlyList<ProvisionRecordView>> ProvisionsAsync(Guid id, int take, CancellationToken ct = default) =>
        (await db.Set<ProvisionRecord>().AsNoTracking().Where(r => r.DatasetId == id).OrderByDescending(r => r.At).Take(take).ToListAsync(ct))
        .Select(r => ProvisionRecords.View(r, [])).ToList();

    /// <summary>
    /// The dataset's events in the audit chain, newest first: registration, uses and refused uses, provisions and refusals,
    /// key deletion and refused exports. The chain is where uses are kept; only events since the dataset was made are read.
    /// </summary>
    public async Task<IReadOnlyList<AuditEvent>> HistoryAsync(Guid id, int take, CancellationToken ct = default)
    {
        var d = await FindAsync(id, ct);
        var target = d.Id.ToString();
        // The bound only narrows the scan (the chain has no index on the target); a minute's margin covers the chain's truncated times.
        var since = d.CreatedAt.AddMinutes(-1);
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.Time >= since && e.TargetId == target && e.Code >= AuditCode.DatasetPseudonymized && e.Code < AuditCode.SubjectFieldsProcessed)
            .OrderByDescending(e => e.Sequence).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// Deletes a pseudonymized dataset's key from the key ring (削除情報等の削除, Art.41(5) endeavour).
    /// The pseudonyms stay in the data but can no longer be linked to anyone or to new data.
    /// </summary>
    public async Task<DatasetView> DeleteKeyAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var d = await db.Set<ProcessedDataset>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();
        if (d.Kind != DatasetKind.Pseudonymized) throw new MamoriException(ErrorCode.DatasetKindMismatch, "Only a pseudonymized dataset has a key.", 409);
        var keyId = d.KeyId!;
        // Marked deleted but back in the ring (an old keys.json restored from a backup): delete it again.
        if (d.KeyDeletedAt is not null && keys.Current.FindPseudonymizationKey(keyId) is null)
            throw new MamoriException(ErrorCode.PseudonymizationKeyDeleted, "The key has already been deleted.", 409);
        // Other datasets made under the same key lose it too: say so in the record of each.
        var sharing = await db.Set<ProcessedDataset>().Where(x => x.KeyId == keyId).ToListAsync(ct);
        if (keys.Current.FindPseudonymizationKey(keyId) is not null) RemoveKey(keyId);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var s in sharing) s.KeyDeletedAt ??= now;
        await audit.AppendManyAsync(db, sharing.Select(s => new AuditEntry(AuditCode.DatasetKeyDeleted, actor, TargetId: s.Id.ToString(), ReasonCode: keyId)).ToList(), ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return DatasetView.Of(d);
    }

    /// <summary>
    /// Sets (or changes) the method of provision of an anonymized dataset, which the privacy notice publishes with its items before
    /// it is provided (Art.44): a dataset registered without one could not be provided at all, and registering it again listed it
    /// twice on the notice. The same method again changes and records nothing.
    /// </summary>
    public async Task<DatasetView> SetProvisionMethodAsync(Guid id, string? method, Actor actor, CancellationToken ct = default)
    {
        var d = await db.Set<ProcessedDataset>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();
        if (d.Kind != DatasetKind.Anonymized)
            throw new MamoriException(ErrorCode.DatasetKindMismatch, "Only anonymized information has a published method of provision; pseudonymized information is not provided to third parties.", 409);
        if (string.IsNullOrWhiteSpace(method)) throw new MamoriException(ErrorCode.DatasetInvalid, "Give the method of provision (e.g. a file handed over by encrypted transfer).");
        if (method.Length > 500) throw new MamoriException(ErrorCode.DatasetInvalid, "The method of provision is longer than 500 characters.");
        var trimmed = method.Trim();
        if (d.ProvisionMethod == trimmed) return DatasetView.Of(d);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        d.ProvisionMethod = trimmed;
        await audit.AppendAsync(db, new AuditEntry(AuditCode.DatasetProvisionMethodSet, actor, TargetId: d.Id.ToString()), ct);
        await tx.CommitAsync(ct);
        return DatasetView.Of(d);
    }

    /// <summary>Always refused (and recorded): the key of pseudonymized information never leaves Mamori (Art.41(2), Rules 32).</summary>
    public async Task ExportKeyAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var d = await FindAsync(id, ct);
        await RecordAsync(new AuditEntry(AuditCode.DatasetKeyExportRefused, actor, AuditOutcome.Denied, TargetId: d.Id.ToString(), ReasonCode: d.KeyId), ct);
        throw new MamoriException(ErrorCode.PseudonymizationKeyNotExportable,
            "The pseudonymization key (削除情報等) is never exported: it stays in the key ring, apart from the data (Art.41(2)). Delete it when it is no longer needed.", 403);
    }

    /// <summary>
    /// Checks and records one use of a dataset. Pseudonymized information is used only for the purposes
    /// registered with it (Art.41(3)) and never to contact the persons (Art.41(8)); a refusal is recorded too.
    /// </summary>
    public async Task<DatasetView> UseAsync(Guid id, string purpose, bool contactsPersons, Actor actor, CancellationToken ct = default)
    {
        var d = await FindAsync(id, ct);
        var p = (purpose ?? "").Trim();
        if (p.Length is 0 or > 64) throw new MamoriException(ErrorCode.DatasetInvalid, "Name the purpose of the use (a policy purpose id).");
        if (d.Kind == DatasetKind.Pseudonymized)
        {
            MamoriException? refusal = null;
            if (contactsPersons)
                refusal = new MamoriException(ErrorCode.DatasetContactRefused,
                    "Pseudonymized information is never used to call, write to, email, fax or visit the persons (Art.41(8)).", 403);
            else if (!d.Purposes.Contains(p, StringComparer.Ordinal))
                refusal = new MamoriException(ErrorCode.DatasetPurposeNotDeclared,
                    $"Purpose '{p}' is not registered for this pseudonymized dataset; it is used only for its registered purposes (Art.41(3)).", 403);
            if (refusal is not null)
            {
                await RecordAsync(new AuditEntry(AuditCode.DatasetUseRefused, actor, AuditOutcome.Denied, TargetId: d.Id.ToString(), Purpose: p,
                    ReasonCode: ErrorCodes.Format(refusal.Code)), ct);
                throw refusal;
            }
        }
        await RecordAsync(new AuditEntry(AuditCode.DatasetUsed, actor, TargetId: d.Id.ToString(), Purpose: p), ct);
        return DatasetView.Of(d);
    }

    /// <summary>
    /// Provides a dataset and writes the provision record. Pseudonymized information goes only to an
    /// entrustee, a shared-use group or a successor (Art.41(6), 42(1)(2)); anonymized information goes to
    /// anyone once its items and method of provision are published, and the record keeps what the
    /// recipient was told (Art.44).
    /// </summary>
    public async Task<ProvisionRecordView> ProvideAsync(Guid id, DatasetProvisionRequest request, Actor actor, CancellationToken ct = default)
    {
        var d = await FindAsync(id, ct);
        var current = await policies.RequireCurrentAsync(ct);
        var now = clock.GetUtcNow();
        var today = JapanTime.DayOf(now, PolicyStore.Jst);
        string counterpartyId;
        string counterpartyName;
        string? address = null, representative = null, country = null;
        ProvisionBasisKind basis;
        string notice;
        if (d.Kind == DatasetKind.Pseudonymized)
        {
            basis = request.Basis ?? ProvisionBasisKind.Consent;
            if (basis is not (ProvisionBasisKind.Entrustment or ProvisionBasisKind.SharedUse or ProvisionBasisKind.BusinessSuccession))
            {
                await RecordAsync(new AuditEntry(AuditCode.DatasetProvisionRefused, actor, AuditOutcome.Denied, TargetId: d.Id.ToString(),
                    ReasonCode: Provisions.Kebab(basis)), ct);
                throw new MamoriException(ErrorCode.PseudonymizedProvision,
                    "Pseudonymized information is never provided to a third party; only entrustment, succession and shared use are allowed (Art.41(6)).");
            }
            if (string.IsNullOrWhiteSpace(request.Recipient))
                throw new MamoriException(ErrorCode.UnknownRecipient, "Name the entrustee, shared-use group or successor (recipient).", 404);
            var r = await provisions.ResolveAsync(current.Model, request.Recipient, ct);
            var fits = basis switch
            {
                ProvisionBasisKind.Entrustment => r.Kind == RecipientKind.Entrustee || r.Foreign is { Task: not null },
                ProvisionBasisKind.SharedUse => r.Kind == RecipientKind.SharedUse,
                _ => r.Kind == RecipientKind.Successor,
            };
            if (!fits)
                throw new MamoriException(ErrorCode.BasisNotForRecipient, $"Basis '{Provisions.Kebab(basis)}' does not apply to recipient '{r.Id}' (kind: {ErrorText.Enum(r.Kind)}).");
            counterpartyId = r.Id;
            counterpartyName = r.Profile?.Name ?? r.Group?.ResponsibleParty?.Name?.Ja ?? r.Name.Ja;
            address = r.Profile?.Address ?? r.Group?.ResponsibleParty?.Address?.Ja;
            representative = r.Profile?.Representative ?? r.Group?.ResponsibleParty?.Representative?.Ja;
            country = r.Foreign?.Country?.Code;
            notice = "提供するデータは仮名加工情報です。本人を識別すること、本人への連絡等に用いることは禁止されています（個人情報保護法第42条第3項、第41条第7項・第8項）。"
                     + $"項目：{ItemNames(d, english: false)}。"
                     + $" The data is pseudonymized information: identifying or contacting the persons is prohibited (APPI Art.42(3), 41(7)(8)). Items: {ItemNames(d, english: true)}.";
        }
        else
        {
            if (request.Basis is { } b && b != ProvisionBasisKind.AnonymizedInformation)
                throw new MamoriException(ErrorCode.DatasetKindMismatch, "Anonymized information is provided as such (basis anonymized-information), not on a personal-data basis.", 409);
            basis = ProvisionBasisKind.AnonymizedInformation;
            if (d.ProvisionMethod is null)
                throw new MamoriException(ErrorCode.DatasetInvalid,
                    "Set the method of provision first (PUT /api/datasets/{id}/provision-method, mamori datasets provision-method): it is published with the items before anonymized information is provided (Art.44).");
            if (!string.IsNullOrWhiteSpace(request.Recipient))
            {
                var r = await provisions.ResolveAsync(current.Model, request.Recipient, ct);
                counterpartyId = r.Id;
                counterpartyName = r.Profile?.Name ?? r.Name.Ja;
                address = r.Profile?.Address;
                representative = r.Profile?.Representative;
                country = r.Foreign?.Country?.Code;
            }
            else if (!string.IsNullOrWhiteSpace(request.RecipientName) && request.RecipientName.Length <= 300 && request.RecipientAddress is null or { Length: <= 300 })
            {
                counterpartyId = "";
                counterpartyName = request.RecipientName.Trim();
                address = request.RecipientAddress?.Trim();
            }
            else throw new MamoriException(ErrorCode.UnknownRecipient, "Name the recipient: a recipient id, or recipientName (at most 300 characters).", 404);
            notice = "提供するデータは匿名加工情報です（個人情報保護法第2条第6項、第44条）。本人を識別するために他の情報と照合することは禁止されています（第45条）。"
                     + $"項目：{ItemNames(d, english: false)}。提供の方法：{d.ProvisionMethod.TrimEnd('。', '.')}。"
                     + $" The data is anonymized information (APPI Art.2(6), 44); re-identifying the persons is prohibited (Art.45). Items: {ItemNames(d, english: true)}."
                     + $" Method of provision: {d.ProvisionMethod.TrimEnd('。', '.')}.";
        }
        var record = new ProvisionRecord
        {
            Id = Guid.CreateVersion7(now),
            Direction = RecordDirection.Provided,
            Basis = basis,
            At = now,
            CounterpartyId = counterpartyId.Length == 0 ? null : counterpartyId,
            CounterpartyName = Cut(counterpartyName, 300),
            CounterpartyAddress = address is null ? null : Cut(address, 300),
            CounterpartyRepresentative = representative is null ? null : Cut(representative, 200),
            Country = country,
            Items = [.. d.Items],
            SubjectCount = 0,
            RefusedCount = 0,
            StatutoryRecord = false,
            PolicyVersion = current.Version.Number,
            KeepThrough = today.AddYears(options.Value.ProvisionRecordRetentionYears),
            RecordedBy = actor.ToString(),
            DatasetId = d.Id,
            RecipientNotice = Cut(notice, 4000),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(record);
        await audit.AppendManyAsync(db, [
            new AuditEntry(AuditCode.DatasetProvided, actor, TargetId: d.Id.ToString(), ReasonCode: Provisions.Kebab(basis), Categories: Cut(string.Join(',', d.Items), 1000)),
            new AuditEntry(AuditCode.ProvisionMade, actor, TargetId: record.Id.ToString(), ReasonCode: Provisions.Kebab(basis), Categories: Cut(string.Join(',', d.Items), 1000)),
        ], ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return await new ProvisionRecords(db, audit, policies, clock, options).GetAsync(record.Id, ct);
    }

    private async Task<ProcessedDataset> FindAsync(Guid id, CancellationToken ct) =>
        await db.Set<ProcessedDataset>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw NotFound();

    private async Task RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.AppendAsync(db, entry, ct);
        await tx.CommitAsync(ct);
    }

    private static MamoriException NotFound() => new(ErrorCode.DatasetNotFound, "There is no such dataset.", 404);

    private void RemoveKey(string keyId) => keys.Update(r => (r.FindPseudonymizationKey(keyId) is null ? r : r.WithoutPseudonymizationKey(keyId), 0));

    private static HashSet<string> AllPurposes(PolicyModel model) =>
        model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Rules 31 and Art.41(8) where the columns say what they hold: identification codes (My Number) and
    /// payment cards must be deleted, contact items (email, phone, fax, address) may not stay readable; and
    /// where the values say it: no kept column may hold e-mail addresses, phone numbers, My Numbers or cards.
    /// </summary>
    private static void CheckColumns(PolicyModel model, IReadOnlyDictionary<string, PseudonymColumnSpec> plan, Table input)
    {
        if (input.Header.Count > MaxItems) throw new MamoriException(ErrorCode.DatasetInvalid, $"The data has more than {MaxItems} columns.");
        foreach (var h in input.Header)
            if (h.Length is 0 or > 100 || h.Contains(',', StringComparison.Ordinal))
                throw new MamoriException(ErrorCode.DatasetInvalid, "Every column needs a name of at most 100 characters without a comma.");
        var categories = model.DataCategories.Concat(model.Services.SelectMany(s => s.DataCategories))
            .GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var column in input.Header)
        {
            var spec = plan.GetValueOrDefault(column);
            var kind = spec?.Kind ?? PseudonymColumnKind.Keep;
            var categoryId = spec?.Category ?? column;
            if (spec?.Category is { } named && !categories.ContainsKey(named))
                throw new MamoriException(ErrorCode.DatasetInvalid, $"Column '{Cut(column, 100)}' names category '{Cut(named, 64)}', which the policy does not declare.");
            // A Japanese column name is the normal case (氏名, メールアドレス): it stands for the category it names as well as an id does.
            var category = categories.GetValueOrDefault(categoryId)
                           ?? (spec?.Category is null ? categories.Values.FirstOrDefault(c => c.Name.Ja == column || c.Name.En == column) : null);
            var said = DirectIdentifiers.ByHeader(column);
            if (said == IdentifierHeader.None && category is not null) said = DirectIdentifiers.ByHeader(category.Id);
            var myNumber = category?.MyNumber == true || said == IdentifierHeader.IdentificationCode;
            if ((myNumber || category?.PaymentCard == true || said == IdentifierHeader.PaymentCard)
                && kind is not (PseudonymColumnKind.IdentificationCode or PseudonymColumnKind.PropertyDamageItem))
                throw new MamoriException(ErrorCode.DatasetInvalid,
                    $"Column '{column}' holds {(myNumber ? "an identification code (My Number)" : "a payment card or account number")}: it is deleted from pseudonymized information (Rules 31(ii)(iii)).");
            if (kind != PseudonymColumnKind.Keep) continue;
            var contact = (category is not null && (BlindIndex.KindOf(category) is LookupKind.Email or LookupKind.Phone
                                                   || category.Id.Contains("address", StringComparison.Ordinal) || category.Id.Contains("fax", StringComparison.Ordinal)))
                          || said is IdentifierHeader.Contact or IdentifierHeader.Address;
            if (contact)
                throw new MamoriException(ErrorCode.PseudonymizedContactItem,
                    $"Column '{column}' is a contact item ({category?.Id ?? DirectIdentifiers.Describe(said)}): replace or delete it; pseudonymized information is never used to contact the persons (Art.41(8)).");
            if (said == IdentifierHeader.Name)
                throw new MamoriException(ErrorCode.DatasetIdentifyingColumn,
                    $"Column '{column}' is a person's name (氏名): replace it (kind: identifier) or delete it; pseudonymized information keeps no description that identifies a person (Rules 31(i)).");
        }
        // Column names say little (mail, e_mail, tel, phone_no): what the kept values hold decides.
        var kept = input.Header.Where(h => (plan.GetValueOrDefault(h)?.Kind ?? PseudonymColumnKind.Keep) == PseudonymColumnKind.Keep);
        if (DirectIdentifiers.Find(input, kept) is { Count: > 0 } found)
            throw new MamoriException(ErrorCode.DatasetIdentifiersInValues,
                $"Kept columns hold direct identifiers in their values: {string.Join(", ", found)}. Replace or delete them (kind identifier, "
                + "identification-code or property-damage): pseudonymized information keeps no contact item or identification code (Art.41(8), Rules 31).");
    }

    private static string RequireName(string? name)
    {
        var n = (name ?? "").Trim();
        if (n.Length is 0 or > 200) throw new MamoriException(ErrorCode.DatasetInvalid, "Give the dataset a name of at most 200 characters.");
        return n;
    }

    private static List<string> Items(IReadOnlyList<string> items, string field)
    {
        var list = items.Select(i => (i ?? "").Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > MaxItems || list.Any(i => i.Length > 100 || i.Contains(',', StringComparison.Ordinal)))
            throw new MamoriException(ErrorCode.DatasetInvalid, $"{field}: at most {MaxItems} names of at most 100 characters, without commas.");
        return list;
    }

    /// <summary>
    /// Every item of anonymized information in words, as the notice publishes it (Art.43(3)): 「age、zip」 tells the
    /// public nothing. A Japanese label of at most 100 characters, an English one of at most 200, on one line.
    /// </summary>
    private static List<ItemLabel> ItemLabels(List<string> items, IReadOnlyDictionary<string, LocalizedText>? labels)
    {
        labels ??= new Dictionary<string, LocalizedText>();
        if (labels.Keys.FirstOrDefault(k => !items.Contains(k, StringComparer.Ordinal)) is { } unknown)
            throw new MamoriException(ErrorCode.DatasetInvalid, $"labels: '{Cut(unknown, 100)}' is not one of the items.");
        var missing = items.Where(i => string.IsNullOrWhiteSpace(labels.GetValueOrDefault(i)?.Ja)).ToList();
        if (missing.Count > 0)
            throw new MamoriException(ErrorCode.DatasetInvalid,
                $"Give every item a label in words for the privacy notice (Art.43(3)), such as 年齢（20歳刻み）; without one: {string.Join(", ", missing)}.");
        return items.Select(i =>
        {
            var ja = labels[i].Ja.Trim();
            var en = string.IsNullOrWhiteSpace(labels[i].En) ? null : labels[i].En!.Trim();
            if (ja.Length > 100 || en is { Length: > 200 } || ja.Any(char.IsControl) || (en?.Any(char.IsControl) ?? false))
                throw new MamoriException(ErrorCode.DatasetInvalid, $"The label of item '{i}' is too long (100 characters, English 200) or spans lines.");
            return new ItemLabel(i, ja, en);
        }).ToList();
    }

    /// <summary>
    /// The items as the recipient reads them (Art.44): their labels, in English where one was given, else in Japanese; a dataset
    /// registered before labels existed names its columns.
    /// </summary>
    private static string ItemNames(ProcessedDataset d, bool english) => string.Join(english ? ", " : "、", d.Items.Select(i =>
        d.ItemLabels.FirstOrDefault(l => l.Item == i) is { } l ? english ? l.En ?? l.Ja : l.Ja : i));

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
