using System.Security.Cryptography;
using System.Text;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mamori.Provision;

/// <summary>The configurable figures of provision and its records (appi.md §3), bound from <c>Mamori:Provision</c>.</summary>
public sealed class ProvisionSettings
{
    public const string Section = "Mamori:Provision";

    /// <summary>Records kept this many years from creation (Rules 21(1)(iii), 25).</summary>
    public int ProvisionRecordRetentionYears { get; set; } = 3;

    /// <summary>A contract or order form serving as the record: this many years from the last provision (Rules 21(1)(i)).</summary>
    public int ContractRecordRetentionYears { get; set; } = 1;

    /// <summary>Opt-out provision starts no earlier than this many days after the PPC filing (GL "necessary period", W-08).</summary>
    public int OptOutLeadDays { get; set; } = 30;

    /// <summary>Acquisition method ids that mean "obtained by someone else's opt-out provision" (L-13: never provided on by opt-out).</summary>
    public List<string> OptOutAcquisitionMethods { get; set; } = ["opt-out", "opt-out-purchase"];

    /// <summary>The most subjects one provision may name.</summary>
    public int MaxSubjects { get; set; } = 100_000;
}

/// <summary>Art.31 (L-17): the recipient confirmed that the persons consented to its linking person-related information.</summary>
public sealed record PersonRelatedConfirmation(string Reference, DateOnly ConfirmedOn, IReadOnlyList<Guid>? Subjects = null, bool ForeignInfoGiven = false);

/// <summary>A contract or order form that lists recipient, person, items and consent, and serves as the record (Rules 19(3), W-07).</summary>
public sealed record ContractAsRecord(string Reference, DateOnly LastProvisionOn);

public enum ExportFormat { Json, Csv }

public sealed record ProvisionRequest(
    string Recipient,
    ProvisionBasisKind Basis,
    IReadOnlyList<string> Categories,
    IReadOnlyList<Guid> Subjects,
    LegalException? Exception = null,
    string? Justification = null,
    bool RecipientLinks = false,
    PersonRelatedConfirmation? Confirmation = null,
    bool Pseudonymized = false,
    ContractAsRecord? Contract = null);

/// <summary>A subject that was not provided, with the stable reason and its error code.</summary>
public sealed record ProvisionRefusal(Guid Subject, string Reason, string Code);

public sealed record ProvidedRow(Guid Subject, IReadOnlyDictionary<string, string> Fields);

public sealed record ProvisionResult(Guid? RecordId, IReadOnlyList<Guid> Provided, IReadOnlyList<ProvisionRefusal> Refused, IReadOnlyList<string> Categories, IReadOnlyList<ProvidedRow> Data)
{
    /// <summary>
    /// The provided data as RFC 4180 CSV: a header row (subject, categories…) and one row per subject. Cells are quoted as the
    /// record register's export quotes them, formula starts included: the values are what people typed.
    /// </summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.Append("subject");
        foreach (var c in Categories) sb.Append(',').Append(RecordRegister.Cell(c));
        sb.Append("\r\n");
        foreach (var row in Data)
        {
            sb.Append(row.Subject.ToString());
            foreach (var c in Categories) sb.Append(',').Append(RecordRegister.Cell(row.Fields.GetValueOrDefault(c) ?? ""));
            sb.Append("\r\n");
        }
        return sb.ToString();
    }
}

/// <summary>Stable per-subject refusal codes of a provision, each with its error code.</summary>
public static class ProvisionRefusals
{
    public const string SubjectNotFound = "subject-not-found";
    public const string SubjectErased = "subject-erased";
    public const string BasisNotDeclared = "basis-not-declared";
    public const string UseSuspended = "use-suspended";
    public const string ProvisionStopped = "provision-stopped";
    public const string ConsentMissing = "provision-consent-missing";
    public const string ForeignConsentMissing = "foreign-consent-missing";
    public const string ForeignInfoNotShown = "foreign-info-not-shown";
    public const string OptOutAcquired = "opt-out-acquired";
    public const string NoData = "no-data";
    public const string PersonRelatedUnconfirmed = "person-related-unconfirmed";

    public static ErrorCode CodeOf(string reason) => reason switch
    {
        SubjectNotFound or DecisionReasons.SubjectNotFound => ErrorCode.ProvisionSubjectNotFound,
        SubjectErased or DecisionReasons.SubjectErased or DecisionReasons.SubjectDataLost => ErrorCode.ProvisionSubjectErased,
        BasisNotDeclared => ErrorCode.BasisNotDeclaredForSubject,
        UseSuspended or DecisionReasons.Suspended => ErrorCode.ProvisionUseSuspended,
        ProvisionStopped => ErrorCode.ProvisionStopped,
        ConsentMissing => ErrorCode.ProvisionConsentMissing,
        ForeignConsentMissing => ErrorCode.ForeignConsentMissing,
        ForeignInfoNotShown => ErrorCode.ForeignConsentInfoNotShown,
        OptOutAcquired => ErrorCode.OptOutAcquiredData,
        NoData => ErrorCode.ProvisionNoData,
        PersonRelatedUnconfirmed => ErrorCode.PersonRelatedUnconfirmed,
        _ => ErrorCode.ProvisionDecisionDenied,
    };
}

/// <summary>A recipient as the policy (and the registry) declare it.</summary>
public sealed record ResolvedRecipient(string Id, RecipientKind Kind, LocalizedText Name, IReadOnlyList<string> Categories,
    ThirdParty? ThirdParty, ForeignRecipient? Foreign, Entrustee? Entrustee, SharedUse? Group, RecipientProfile? Profile)
{
    /// <summary>Whether a subject's policy scope declares this recipient.</summary>
    public bool DeclaredIn(IPolicyScope scope) => Kind switch
    {
        RecipientKind.ThirdParty => scope.Recipients.ThirdParties.Any(t => t.Id == Id),
        RecipientKind.Foreign => scope.Recipients.Foreign.Any(t => t.Id == Id),
        RecipientKind.Entrustee => scope.Recipients.Entrustees.Any(t => t.Id == Id),
        RecipientKind.SharedUse => scope.Recipients.SharedUse.Any(t => t.Id == Id),
        RecipientKind.OptOut => scope.OptOut is not null,
        _ => true,
    };
}

/// <summary>
/// Provision to a third party, entrustee, shared-use group or successor (Art.27-29, 31). Checks the
/// basis for every subject before anything leaves, reads the provided data through access decisions
/// (built-in purpose <see cref="DecisionRules.ThirdPartyProvision"/>), and writes one record and its
/// audit events in the same transaction.
/// </summary>
public sealed class Provisions(MamoriDbContext db, AuditLog audit, PolicyStore policies, AccessDecisions decisions, KeyRingProvider keys,
    TimeProvider clock, IOptions<ProvisionSettings> options)
{
    private ProvisionSettings Settings => options.Value;

    public async Task<ProvisionResult> ProvideAsync(ProvisionRequest request, IReadOnlyList<string> roles, Actor actor, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var model = current.Model;
        var now = clock.GetUtcNow();
        var today = JapanTime.DayOf(now, PolicyStore.Jst);
        var ids = request.Subjects.Distinct().ToArray();
        if (ids.Length == 0) throw MamoriException.Invalid("Name at least one subject.");
        if (ids.Length > Settings.MaxSubjects)
            throw new MamoriException(ErrorCode.TooManySubjects, $"One provision may name at most {Settings.MaxSubjects} subjects.");
        var categories = request.Categories.Distinct(StringComparer.Ordinal).ToList();
        if (categories.Count == 0) throw new MamoriException(ErrorCode.CategoryNotForRecipient, "Name the categories to provide.");

        var recipient = await ResolveAsync(model, request.Recipient, ct);
        CheckRequest(model, request, recipient, categories, today);

        // The facts of every subject, in a few queries.
        var subjects = new Dictionary<Guid, DataSubject>(ids.Length);
        var stored = new Dictionary<Guid, HashSet<string>>(ids.Length);
        var optOutReceived = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(5000))
        {
            foreach (var s in await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct)) subjects[s.Id] = s;
            foreach (var f in await db.Set<SubjectField>().AsNoTracking().Where(f => chunk.Contains(f.SubjectId) && categories.Contains(f.Category))
                         .Select(f => new { f.SubjectId, f.Category }).ToListAsync(ct))
            {
                if (!stored.TryGetValue(f.SubjectId, out var set)) stored[f.SubjectId] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(f.Category);
            }
            if (request.Basis == ProvisionBasisKind.OptOut)
                optOutReceived.UnionWith(await db.Set<ProvisionRecordSubject>().AsNoTracking().Where(l => chunk.Contains(l.SubjectId))
                    .Join(db.Set<ProvisionRecord>().Where(r => r.Direction == RecordDirection.Received && r.Basis == ProvisionBasisKind.OptOut),
                        l => l.RecordId, r => r.Id, (l, r) => l.SubjectId).ToListAsync(ct));
        }
        var consentScopes = new List<string>();
        if (request.Basis != ProvisionBasisKind.LegalException)
        {
            consentScopes.Add(ConsentScopes.Foreign(recipient.Id));
            if (request.Basis == ProvisionBasisKind.Consent) consentScopes.Add(ConsentScopes.Provision(recipient.Id));
        }
        var ledger = await new ConsentLedger(db).LatestManyAsync(ids, consentScopes, now, ct);

        // Per-subject basis checks, then the same decision rules as every read.
        var requests = new List<DecisionRequest>(ids.Length);
        var scopes = new Dictionary<string, IPolicyScope>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var refusal = subjects.TryGetValue(id, out var subject)
                ? Check(request, recipient, subject, Scope(model, subject.ServiceId, scopes), stored.GetValueOrDefault(id), ledger, optOutReceived, today)
                : ProvisionRefusals.SubjectNotFound;
            requests.Add(new DecisionRequest(id, DecisionRules.ThirdPartyProvision, null, roles, RequireUnmasked: true,
                Exception: request.Basis == ProvisionBasisKind.LegalException ? request.Exception : null,
                Justification: request.Basis == ProvisionBasisKind.LegalException ? request.Justification : null,
                Provision: new ProvisionCheck(recipient.Id, categories, refusal)));
        }
        var (verdicts, entries) = await decisions.DecideManyAsync(requests, actor, ct);

        var provided = new List<Guid>(ids.Length);
        var refused = new List<ProvisionRefusal>();
        for (var i = 0; i < ids.Length; i++)
        {
            var d = verdicts[i];
            if (d.Allowed && d.Fields.Count > 0) provided.Add(ids[i]);
            else
            {
                var reason = d.Allowed ? ProvisionRefusals.NoData : d.Reason;
                refused.Add(new ProvisionRefusal(ids[i], reason, ErrorCodes.Format(ProvisionRefusals.CodeOf(reason))));
            }
        }
        var data = await ReadAsync(provided, subjects, verdicts, ids, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var all = new List<AuditEntry>(entries.Count + 1);
        all.AddRange(entries);
        Guid? recordId = null;
        if (provided.Count > 0)
        {
            var record = Record(request, recipient, categories, current, provided.Count, refused.Count, now, today, actor);
            recordId = record.Id;
            db.Add(record);
            AddSubjects(record.Id, provided);
            all.Add(new AuditEntry(AuditCode.ProvisionMade, actor, TargetId: record.Id.ToString(), Purpose: DecisionRules.ThirdPartyProvision,
                ReasonCode: Kebab(request.Basis), Categories: string.Join(',', categories)));
        }
        else
        {
            all.Add(new AuditEntry(AuditCode.ProvisionRefused, actor, AuditOutcome.Denied, Purpose: DecisionRules.ThirdPartyProvision,
                ReasonCode: Kebab(request.Basis), Categories: string.Join(',', categories)));
        }
        await audit.AppendManyAsync(db, all, ct);
        var result = new ProvisionResult(recordId, provided, refused, categories, data);
        if (recordId is { } rid)
            // The trace lets an incident tell who and what a leaked copy of this export contained (docs/incidents.md).
            await ExportTraces.RecordAsync(db, audit, actor, ExportTraces.Provision, rid.ToString(),
                [.. data.Select(d => new ExportContent(d.Subject.ToString(), [.. d.Fields.Keys]))],
                [new ExportFile("csv", Encoding.UTF8.GetBytes(result.ToCsv()))], now, ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return result;
    }

    private static IPolicyScope Scope(PolicyModel model, string? serviceId, Dictionary<string, IPolicyScope> cache)
    {
        var key = serviceId ?? "";
        if (!cache.TryGetValue(key, out var scope)) cache[key] = scope = PolicyScopes.For(model, serviceId);
        return scope;
    }

    /// <summary>Finds the recipient in the policy (company and every service) or, for opt-out recipients and successors, the registry.</summary>
    public async Task<ResolvedRecipient> ResolveAsync(PolicyModel model, string id, CancellationToken ct)
    {
        var profile = await db.Set<RecipientProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.RecipientId == id, ct);
        foreach (var scope in new IPolicyScope[] { model }.Concat(model.Services.Select(s => (IPolicyScope)model.Resolve(s.Id))))
        {
            var r = scope.Recipients;
            if (r.ThirdParties.FirstOrDefault(x => x.Id == id) is { } t) return new(id, RecipientKind.ThirdParty, t.Name, t.Categories, t, null, null, null, profile);
            if (r.Foreign.FirstOrDefault(x => x.Id == id) is { } f) return new(id, RecipientKind.Foreign, f.Name, f.Categories, null, f, null, null, profile);
            if (r.Entrustees.FirstOrDefault(x => x.Id == id) is { } e) return new(id, RecipientKind.Entrustee, e.Name, e.Categories, null, null, e, null, profile);
            if (r.SharedUse.FirstOrDefault(x => x.Id == id) is { } g) return new(id, RecipientKind.SharedUse, g.Name ?? new LocalizedText(id), g.Categories, null, null, null, g, profile);
        }
        if (profile is { Kind: RecipientKind.OptOut or RecipientKind.Successor })
            return new(id, profile.Kind, new LocalizedText(profile.Name), [], null, null, null, null, profile);
        throw new MamoriException(ErrorCode.UnknownRecipient,
            $"'{(id.Length <= 64 ? id : id[..64])}' is neither a recipient the policy declares nor a registered opt-out recipient or successor.", 404);
    }

    private void CheckRequest(PolicyModel model, ProvisionRequest request, ResolvedRecipient recipient, List<string> categories, DateOnly today)
    {
        var basis = request.Basis;
        var kindFits = basis switch
        {
            ProvisionBasisKind.Consent => recipient.Kind is RecipientKind.ThirdParty or RecipientKind.Foreign,
            ProvisionBasisKind.LegalException => recipient.Kind is RecipientKind.ThirdParty or RecipientKind.Foreign or RecipientKind.OptOut,
            ProvisionBasisKind.OptOut => recipient.Kind == RecipientKind.OptOut,
            ProvisionBasisKind.Entrustment => recipient.Kind == RecipientKind.Entrustee || recipient.Foreign is { Task: not null },
            ProvisionBasisKind.SharedUse => recipient.Kind == RecipientKind.SharedUse,
            ProvisionBasisKind.BusinessSuccession => recipient.Kind == RecipientKind.Successor,
            _ => false,
        };
        if (!kindFits)
            throw new MamoriException(ErrorCode.BasisNotForRecipient, $"Basis '{Kebab(basis)}' does not apply to recipient '{recipient.Id}' (kind: {ErrorText.Enum(recipient.Kind)}).");
        if (recipient.Foreign is { Basis: ForeignProvisionBasis.LawException } && basis != ProvisionBasisKind.LegalException)
            throw new MamoriException(ErrorCode.BasisNotForRecipient, $"The policy allows provision to '{recipient.Id}' only under a legal exception.");

        var allCategories = model.DataCategories.Concat(model.Services.SelectMany(s => s.DataCategories)).GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var c in categories)
            if (!allCategories.ContainsKey(c)) throw new MamoriException(ErrorCode.CategoryNotForRecipient, $"The policy declares no data category '{ErrorText.Id(c)}'.");

        if (basis == ProvisionBasisKind.LegalException && (request.Exception is null || string.IsNullOrWhiteSpace(request.Justification)))
            throw new MamoriException(ErrorCode.JustificationRequired, "A legal-exception provision names the exception and a written justification (Art.27(1)).");
        if (request.Justification is { Length: > 2000 }) throw MamoriException.Invalid("The justification is longer than 2000 characters.");
        if (request.Pseudonymized && basis is not (ProvisionBasisKind.Entrustment or ProvisionBasisKind.SharedUse or ProvisionBasisKind.BusinessSuccession))
            throw new MamoriException(ErrorCode.PseudonymizedProvision,
                "Pseudonymized information is never provided to a third party; only entrustment, succession and shared use are allowed (Art.41(6)).");

        if (basis == ProvisionBasisKind.OptOut)
        {
            if (categories.FirstOrDefault(c => allCategories[c].SpecialCare) is { } special)
                throw new MamoriException(ErrorCode.OptOutSpecialCare, $"Category '{ErrorText.Id(special)}' is special-care information: it is never provided by opt-out (Art.27(2)).");
            var scopes = new IPolicyScope[] { model }.Concat(model.Services.Select(s => (IPolicyScope)model.Resolve(s.Id)));
            if (!scopes.Any(s => OptOutOpen(s, today) && categories.All(s.OptOut!.Categories.Contains)))
                throw new MamoriException(ErrorCode.OptOutNotAvailable,
                    $"No opt-out notice covers these categories and has been filed with the PPC at least {Settings.OptOutLeadDays} days ago and started (Art.27(2)).");
        }
        else if (basis != ProvisionBasisKind.BusinessSuccession && basis != ProvisionBasisKind.LegalException)
        {
            if (categories.FirstOrDefault(c => !recipient.Categories.Contains(c)) is { } outside)
                throw new MamoriException(ErrorCode.CategoryNotForRecipient, $"The policy does not declare category '{ErrorText.Id(outside)}' for recipient '{recipient.Id}'.");
        }

        if (basis == ProvisionBasisKind.Entrustment && recipient.Entrustee is { } e)
        {
            if (ContractInUse.Of(e, recipient.Profile)?.Sufficient(today) != true)
                throw new MamoriException(ErrorCode.EntrusteeContractMissing,
                    $"Entrustee '{recipient.Id}' has no contract in force with confidentiality and audit clauses (Art.25).");
        }
        if (basis == ProvisionBasisKind.SharedUse && recipient.Group is { } g
            && (g.Categories.Count == 0 || g.Scope is null || g.Purposes is null || g.ResponsibleParty?.Name is null || g.ResponsibleParty.Address is null || g.ResponsibleParty.Representative is null))
            throw new MamoriException(ErrorCode.SharedUseItemsMissing,
                $"Shared use '{recipient.Id}' does not publish every item of shared use (items, sharers, purposes, responsible party's name, address, representative) (Art.27(5)(iii)).");

        if (request.RecipientLinks && categories.Any(c => allCategories[c].Browsing))
        {
            if (request.Confirmation is not { } c || string.IsNullOrWhiteSpace(c.Reference))
                throw new MamoriException(ErrorCode.PersonRelatedConfirmationMissing,
                    "The recipient will link person-related information to persons: record its confirmation that they consented (Art.31).");
            if (recipient.Foreign is not null && !c.ForeignInfoGiven)
                throw new MamoriException(ErrorCode.PersonRelatedConfirmationMissing,
                    "The recipient is abroad: confirm that the persons were also given the information on the foreign country (Art.28(2), Art.31(1)(ii)).");
            if (c.Reference.Length > 200) throw MamoriException.Invalid("The confirmation reference is longer than 200 characters.");
        }
        if (request.Contract is { } contract && (basis != ProvisionBasisKind.Consent || string.IsNullOrWhiteSpace(contract.Reference) || contract.Reference.Length > 200))
            throw MamoriException.Invalid("A contract serves as the record only for consent-based provision, and needs a reference of at most 200 characters (Rules 19(3)).");
    }

    private bool OptOutOpen(IPolicyScope scope, DateOnly today) =>
        scope.OptOut is { PpcNotifiedOn: { } filed } o && filed.AddDays(Settings.OptOutLeadDays) <= today && (o.StartDate is null || o.StartDate <= today);

    /// <summary>The basis check for one subject: null when it holds, otherwise the refusal code.</summary>
    private string? Check(ProvisionRequest request, ResolvedRecipient recipient, DataSubject subject, IPolicyScope scope, HashSet<string>? stored,
        Dictionary<(Guid, string), LedgerEntry> ledger, HashSet<Guid> optOutReceived, DateOnly today)
    {
        if (subject.ErasedAt is not null || subject.WrappedKey is null) return ProvisionRefusals.SubjectErased;
        var basis = request.Basis;
        if (!recipient.DeclaredIn(scope)) return ProvisionRefusals.BasisNotDeclared;
        if (basis == ProvisionBasisKind.OptOut && !(OptOutOpen(scope, today) && request.Categories.All(scope.OptOut!.Categories.Contains)))
            return ProvisionRefusals.BasisNotDeclared;
        if (basis == ProvisionBasisKind.LegalException) return stored is { Count: > 0 } ? null : ProvisionRefusals.NoData;

        if (subject.UseSuspended) return ProvisionRefusals.UseSuspended;
        if (basis is ProvisionBasisKind.Consent or ProvisionBasisKind.OptOut && subject.ProvisionStopped) return ProvisionRefusals.ProvisionStopped;

        LedgerEntry? Latest(string s) => ledger.TryGetValue((subject.Id, s), out var e) ? e : null;
        // Art.28: abroad, consent after the three items, unless the recipient keeps equivalent measures or the country is adequate;
        // a foreign entrustee counts as a third party then too.
        if (recipient.Foreign is { Basis: ForeignProvisionBasis.Consent or null } && basis != ProvisionBasisKind.BusinessSuccession)
        {
            var foreign = Latest(ConsentScopes.Foreign(recipient.Id));
            if (foreign is not { Granted: true }) return ProvisionRefusals.ForeignConsentMissing;
            if (!foreign.ForeignInfoShown) return ProvisionRefusals.ForeignInfoNotShown;
        }
        else if (basis == ProvisionBasisKind.Consent)
        {
            if (Latest(ConsentScopes.Provision(recipient.Id)) is not { Granted: true } && Latest(ConsentScopes.Foreign(recipient.Id)) is not { Granted: true })
                return ProvisionRefusals.ConsentMissing;
        }
        if (basis == ProvisionBasisKind.OptOut
            && (Settings.OptOutAcquisitionMethods.Contains(subject.AcquisitionMethod, StringComparer.Ordinal) || optOutReceived.Contains(subject.Id)))
            return ProvisionRefusals.OptOutAcquired;
        if (stored is not { Count: > 0 }) return ProvisionRefusals.NoData;
        if (request.RecipientLinks && request.Confirmation is { Subjects: { } confirmed } && !confirmed.Contains(subject.Id)
            && request.Categories.Any(c => scope.DataCategories.FirstOrDefault(x => x.Id == c) is { Browsing: true }))
            return ProvisionRefusals.PersonRelatedUnconfirmed;
        return null;
    }

    /// <summary>Decrypts the allowed fields of the provided subjects, one data key at a time.</summary>
    private async Task<List<ProvidedRow>> ReadAsync(List<Guid> provided, Dictionary<Guid, DataSubject> subjects, IReadOnlyList<Decision> verdicts, Guid[] ids, CancellationToken ct)
    {
        var allowed = new Dictionary<Guid, IReadOnlyList<FieldDecision>>(provided.Count);
        for (var i = 0; i < ids.Length; i++) if (verdicts[i].Allowed && verdicts[i].Fields.Count > 0) allowed[ids[i]] = verdicts[i].Fields;
        var ring = keys.Current;
        var rows = new List<ProvidedRow>(provided.Count);
        foreach (var chunk in provided.Chunk(5000))
        {
            var fields = (await db.Set<SubjectField>().AsNoTracking().Where(f => chunk.Contains(f.SubjectId)).ToListAsync(ct))
                .GroupBy(f => f.SubjectId).ToDictionary(g => g.Key, g => g.ToDictionary(f => f.Category, StringComparer.Ordinal));
            foreach (var id in chunk)
            {
                var subject = subjects[id];
                var dataKey = VaultCrypto.Unwrap(ring, subject.TenantId, subject.Id, subject.WrappedKey!);
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                var own = fields.GetValueOrDefault(id);
                foreach (var f in allowed[id])
                    if (own is not null && own.TryGetValue(f.Category, out var row))
                        values[f.Category] = VaultCrypto.DecryptField(dataKey, subject.TenantId, subject.Id, f.Category, row.Ciphertext);
                CryptographicOperations.ZeroMemory(dataKey);
                rows.Add(new ProvidedRow(id, values));
            }
        }
        return rows;
    }

    private ProvisionRecord Record(ProvisionRequest request, ResolvedRecipient recipient, List<string> categories, PublishedPolicy current,
        int provided, int refused, DateTimeOffset now, DateOnly today, Actor actor)
    {
        var p = recipient.Profile;
        var group = recipient.Group?.ResponsibleParty;
        var opt = request.Basis == ProvisionBasisKind.OptOut ? current.Model.OptOut ?? current.Model.Services.Select(s => s.OptOut).FirstOrDefault(o => o is not null) : null;
        var contract = request.Contract;
        return new ProvisionRecord
        {
            Id = Guid.CreateVersion7(now),
            Direction = RecordDirection.Provided,
            Basis = request.Basis,
            At = now,
            CounterpartyId = recipient.Id,
            CounterpartyName = Cut(p?.Name ?? group?.Name?.Ja ?? recipient.Name.Ja, 300)!,
            CounterpartyAddress = Cut(p?.Address ?? group?.Address?.Ja, 300),
            CounterpartyRepresentative = Cut(p?.Representative ?? group?.Representative?.Ja, 200),
            Country = recipient.Foreign?.Country?.Code,
            Items = categories,
            SubjectCount = provided,
            RefusedCount = refused,
            // The statutory record is read by the PPC and by staff: Japanese, with the time in JST (its stored instant is At).
            ConsentRef = request.Basis == ProvisionBasisKind.Consent
                ? $"同意台帳により、提供時点（{Jst(now)}）に各本人の同意（{ConsentScopes.Provision(recipient.Id)}{(recipient.Foreign is null ? "" : $" または {ConsentScopes.Foreign(recipient.Id)}")}）があることを確認"
                : recipient.Foreign is { Basis: ForeignProvisionBasis.Consent or null }
                    ? $"同意台帳により、提供時点（{Jst(now)}）に各本人の外国にある第三者への提供の同意（{ConsentScopes.Foreign(recipient.Id)}、法第28条第2項の情報提供済み）があることを確認" : null,
            OptOutFacts = opt is null ? null
                : $"個人情報保護委員会への届出 {opt.PpcNotifiedOn:yyyy-MM-dd}、オプトアウトによる提供の開始 {opt.StartDate:yyyy-MM-dd}、本人に通知等した事項はプライバシーポリシー第{current.Version.Number}版による",
            LegalException = request.Basis == ProvisionBasisKind.LegalException && request.Exception is { } exception ? LegalExceptions.Id(exception) : null,
            Justification = request.Basis == ProvisionBasisKind.LegalException ? request.Justification : null,
            ContractRef = contract?.Reference,
            ContractAsRecord = contract is not null,
            LastProvisionOn = contract?.LastProvisionOn,
            PersonRelatedConfirmation = request.RecipientLinks && request.Confirmation is { } c
                ? Cut($"{c.Reference}（{c.ConfirmedOn:yyyy-MM-dd} 確認{(c.ForeignInfoGiven ? "、法第28条第2項の情報提供済み" : "")}）", 500) : null,
            StatutoryRecord = request.Basis is ProvisionBasisKind.Consent or ProvisionBasisKind.OptOut || (request.RecipientLinks && request.Confirmation is not null),
            PolicyVersion = current.Version.Number,
            KeepThrough = contract is not null
                ? contract.LastProvisionOn.AddYears(Settings.ContractRecordRetentionYears)
                : today.AddYears(Settings.ProvisionRecordRetentionYears),
            RecordedBy = actor.ToString(),
        };
    }

    private void AddSubjects(Guid recordId, List<Guid> subjects)
    {
        var tenant = db.CurrentTenantId;
        db.AddRange(subjects.Select(id => new ProvisionRecordSubject { TenantId = tenant, RecordId = recordId, SubjectId = id }));
    }

    private static string? Cut(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private static string Jst(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " JST";

    public static string Kebab(ProvisionBasisKind basis) => basis switch
    {
        ProvisionBasisKind.Consent => "consent",
        ProvisionBasisKind.OptOut => "opt-out",
        ProvisionBasisKind.LegalException => "legal-exception",
        ProvisionBasisKind.Entrustment => "entrustment",
        ProvisionBasisKind.SharedUse => "shared-use",
        ProvisionBasisKind.AnonymizedInformation => "anonymized-information",
        _ => "business-succession",
    };

    /// <summary>A basis (its <see cref="Kebab"/> form, as records carry it) as people read it; an unknown one as recorded.</summary>
    public static LocalizedText BasisName(string basis) => basis switch
    {
        "consent" => new("本人の同意", "Consent"),
        "opt-out" => new("オプトアウト", "Opt-out"),
        "legal-exception" => new("法令に基づく場合等（例外）", "Legal exception"),
        "entrustment" => new("委託", "Entrustment"),
        "shared-use" => new("共同利用", "Shared use"),
        "business-succession" => new("事業承継", "Business succession"),
        "anonymized-information" => new("匿名加工情報の提供", "Provision of anonymized information"),
        _ => new(basis, basis),
    };
}
