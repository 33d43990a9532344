using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Access;

/// <summary>
/// Runs <see cref="DecisionRules"/> against the policy in force, the subject's facts and the consent
/// ledger, and appends every decision — allowed or denied — to the audit chain before answering.
/// Nothing reads the vault without going through here.
/// </summary>
public sealed class AccessDecisions(MamoriDbContext db, PolicyStore policies, AuditBatcher audit, TimeProvider clock, IDatabaseProvider provider)
{
    /// <summary>The longest written justification of a use under a legal exception, as for a provision's.</summary>
    public const int MaxJustification = 2000;

    public async Task<(Decision Decision, DataSubject? Subject, IPolicyScope Policy)> DecideAsync(DecisionRequest request, Actor actor, CancellationToken ct = default)
    {
        var (decision, subject, scope, _) = await DecideWithFieldsAsync(request, actor, ct);
        return (decision, subject, scope);
    }

    /// <summary>
    /// A decision that returns no value (<c>POST /api/decisions</c>): recorded with every category marked masked, since nothing was
    /// seen. The caller may ask for roles it does not hold (an integration deciding for its own users); recorded as unmasked, such
    /// an answer read in access reviews as the key itself having unmasked, for instance, card numbers it never received.
    /// </summary>
    public async Task<Decision> DecideOnlyAsync(DecisionRequest request, Actor actor, CancellationToken ct = default) =>
        (await DecideWithFieldsAsync(request, actor, ct, valuesLeave: false)).Decision;

    /// <summary>
    /// Refuses a purpose that neither the company's policy nor any of its services declares, and records the denial as every
    /// other denied use is recorded. A lookup decides per matching subject, so without this a misspelt purpose answered "no
    /// match" and left no trace, while a read of one subject for the same purpose is refused.
    /// </summary>
    public async Task RequireDeclaredPurposeAsync(string purpose, Actor actor, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        if (PolicyScopes.DeclaresPurpose(current.Model, purpose)) return;
        var decision = Decision.Deny(DecisionReasons.PurposeUndeclared);
        await audit.AppendAsync(db.CurrentTenantId, new AuditEntry(AuditCode.AccessDenied, actor, AuditOutcome.Denied,
            Purpose: AuditIds.Undeclared, ReasonCode: decision.Reason));
        throw Subjects.Denied(decision);
    }

    /// <summary>The decision, plus the subject's encrypted fields it read, so a read decrypts without reading them again.</summary>
    internal async Task<(Decision Decision, DataSubject? Subject, IPolicyScope Policy, IReadOnlyList<AccessDecisions.StoredField> Fields)> DecideWithFieldsAsync(
        DecisionRequest request, Actor actor, CancellationToken ct = default, bool valuesLeave = true)
    {
        if (request.Justification is { Length: > MaxJustification })
            throw MamoriException.Invalid($"The justification is longer than {MaxJustification} characters.");
        var current = await policies.RequireCurrentAsync(ct);
        var facts = await SubjectWithFields(db, request.SubjectId, ct);
        var subject = facts?.Subject;
        IPolicyScope scope = current.Model;
        Decision decision;
        if (subject is null) decision = Decision.Deny(DecisionReasons.SubjectNotFound);
        else
        {
            scope = PolicyScopes.For(current.Model, subject.ServiceId);
            IReadOnlyList<string> stored = subject.ErasedAt is null ? facts!.Fields.Select(f => f.Category).ToList() : [];
            var consentScopes = new Dictionary<string, bool>(StringComparer.Ordinal);
            var now = clock.GetUtcNow();
            var needsConsent = scope.Purposes.FirstOrDefault(p => p.Id == request.Purpose) is { ConsentRequired: true };
            if (needsConsent)
            {
                var key = ConsentScopes.Purpose(request.Purpose);
                consentScopes[key] = await new ConsentLedger(db).HoldsAsync(subject.Id, key, now, ct);
            }
            decision = DecisionRules.Decide(scope, request,
                new DecisionRules.SubjectFacts(subject.SubjectType, subject.ErasedAt is not null || subject.WrappedKey is null, subject.UseSuspended, stored,
                    subject.ErasedWithHoldAt is not null, subject.PurposesShown),
                s => consentScopes.GetValueOrDefault(s));
            if (decision.Reason == DecisionReasons.SubjectErased && await Vault.VaultMaintenance.LostAsync(db, subject.Id, ct) is not null)
                decision = Decision.Deny(DecisionReasons.SubjectDataLost);
        }

        var categories = (valuesLeave ? decision : decision with { Fields = [.. decision.Fields.Select(f => f with { Unmasked = false })] }).AuditCategories();
        // The written justification is the evidence that a use outside the purposes was lawful (S-20); it is kept before the
        // answer, as the event is, and the event names its record (the chain itself carries ids only, never staff's text).
        Guid? justified = decision.Reason == DecisionReasons.AllowedLegalException ? await RecordExceptionAsync(request, actor, ct) : null;
        await audit.AppendAsync(db.CurrentTenantId, new AuditEntry(
            decision.Allowed ? AuditCode.AccessAllowed : AuditCode.AccessDenied, actor,
            decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied,
            SubjectId: request.SubjectId.ToString(), TargetId: justified?.ToString(),
            Purpose: Truncate(AuditIds.Declared(current.Model, request.Purpose, decision.Allowed)), ReasonCode: decision.Reason,
            Categories: Truncate(AuditIds.Declared(current.Model, categories, decision.Allowed), 1000)));
        return (decision, subject, scope, facts?.Fields ?? []);
    }

    /// <summary>Keeps the justification of a use under a legal exception (<see cref="ExceptionRecord"/>); returns its id.</summary>
    private async Task<Guid> RecordExceptionAsync(DecisionRequest request, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var record = new ExceptionRecord
        {
            Id = Guid.CreateVersion7(now), TenantId = db.CurrentTenantId, SubjectId = request.SubjectId,
            Basis = LegalExceptions.Id(request.Exception!.Value), Justification = request.Justification!.Trim(), Actor = actor.ToString(), At = now,
        };
        // Without the change tracker: a caller's tracked changes are not this record's to save.
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await AppendOnlyInsert.InsertAsync(db, provider, [record], ct);
            if (own is not null) await own.CommitAsync(ct);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
        return record.Id;
    }

    /// <summary>
    /// Many decisions at once, for bulk work such as a provision: the facts of every subject are read in
    /// a few queries and the same <see cref="DecisionRules"/> decide. Returns one audit entry per
    /// decision, which the caller appends inside its own transaction (with the change they justify).
    /// </summary>
    public async Task<(IReadOnlyList<Decision> Decisions, IReadOnlyList<AuditEntry> Audit)> DecideManyAsync(
        IReadOnlyList<DecisionRequest> requests, Actor actor, CancellationToken ct = default)
    {
        var (decisions, entries, _) = await DecideManyAsync(requests, actor, withCiphertext: false, ct);
        return (decisions, entries);
    }

    /// <summary>The subjects and their stored fields, as read for a batch of decisions.</summary>
    internal sealed record BatchFacts(Dictionary<Guid, DataSubject> Subjects, Dictionary<Guid, List<(string Category, byte[]? Ciphertext)>> Fields);

    /// <summary>
    /// As above, and hands back what it read so that a batch read decrypts from the same rows instead of
    /// reading every subject a second time. With <paramref name="withCiphertext"/> the fields come with their ciphertext.
    /// </summary>
    internal async Task<(Decision[] Decisions, AuditEntry[] Audit, BatchFacts Facts)> DecideManyAsync(
        IReadOnlyList<DecisionRequest> requests, Actor actor, bool withCiphertext, CancellationToken ct)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var ids = requests.Select(r => r.SubjectId).Distinct().ToArray();
        var subjects = new Dictionary<Guid, DataSubject>(ids.Length);
        var fields = new Dictionary<Guid, List<(string Category, byte[]? Ciphertext)>>(ids.Length);
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var s in await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct)) subjects[s.Id] = s;
            foreach (var f in await db.Set<SubjectField>().AsNoTracking().Where(f => chunk.Contains(f.SubjectId))
                         .Select(f => new { f.SubjectId, f.Category, Ciphertext = withCiphertext ? f.Ciphertext : null }).ToListAsync(ct))
            {
                if (!fields.TryGetValue(f.SubjectId, out var list)) fields[f.SubjectId] = list = new(4);
                list.Add((f.Category, f.Ciphertext));
            }
        }
        var now = clock.GetUtcNow();
        var consentScopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in requests)
            if (subjects.TryGetValue(r.SubjectId, out var s) && PolicyScopes.For(current.Model, s.ServiceId).Purposes.FirstOrDefault(p => p.Id == r.Purpose) is { ConsentRequired: true })
                consentScopes.Add(ConsentScopes.Purpose(r.Purpose));
        var consents = await new ConsentLedger(db).LatestManyAsync(ids, consentScopes, now, ct);
        // Persons whose data went with a forgotten key: told apart from an erasure. Few or none; one query for the batch.
        var keyLost = subjects.Values.Where(s => s.WrappedKey is null).Select(s => s.Id).ToArray();
        var lost = keyLost.Length == 0 ? [] : (await db.Set<DestructionCertificate>().AsNoTracking()
            .Where(c => keyLost.Contains(c.SubjectId) && c.Kind == DestructionKind.KeyLost).Select(c => c.SubjectId).ToListAsync(ct)).ToHashSet();

        var decisions = new Decision[requests.Count];
        var entries = new AuditEntry[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            Decision decision;
            if (!subjects.TryGetValue(request.SubjectId, out var subject)) decision = Decision.Deny(DecisionReasons.SubjectNotFound);
            else
            {
                var erased = subject.ErasedAt is not null || subject.WrappedKey is null;
                IReadOnlyList<string> stored = erased || !fields.TryGetValue(subject.Id, out var own) ? [] : own.ConvertAll(f => f.Category);
                decision = DecisionRules.Decide(PolicyScopes.For(current.Model, subject.ServiceId), request,
                    new DecisionRules.SubjectFacts(subject.SubjectType, erased, subject.UseSuspended, stored, subject.ErasedWithHoldAt is not null, subject.PurposesShown),
                    scope => consents.TryGetValue((subject.Id, scope), out var e) && e.Granted);
                if (decision.Reason == DecisionReasons.SubjectErased && lost.Contains(subject.Id)) decision = Decision.Deny(DecisionReasons.SubjectDataLost);
            }
            decisions[i] = decision;
            var categories = decision.AuditCategories();
            entries[i] = new AuditEntry(decision.Allowed ? AuditCode.AccessAllowed : AuditCode.AccessDenied, actor,
                decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied,
                SubjectId: request.SubjectId.ToString(), Purpose: Truncate(AuditIds.Declared(current.Model, request.Purpose, decision.Allowed)), ReasonCode: Truncate(decision.Reason),
                Categories: Truncate(AuditIds.Declared(current.Model, categories, decision.Allowed), 1000));
        }
        return (decisions, entries, new BatchFacts(subjects, fields));
    }

    private sealed record SubjectFacts(DataSubject Subject, List<StoredField> Fields);

    internal sealed record StoredField(string Category, byte[] Ciphertext);

    // The hot path of every read and of POST /api/decisions: two key lookups, compiled once (translating the LINQ
    // trees on every call cost more than running them). Measured alternatives were slower: one query with a
    // correlated collection (SQLite sorted it through a temporary B-tree) and one left join (the subject's row
    // materialized once per field). The fields come with their ciphertext (a few hundred bytes) so that a read
    // needs no third query.
    private static async Task<SubjectFacts?> SubjectWithFields(MamoriDbContext db, Guid id, CancellationToken ct)
    {
        var subject = await SubjectById.For(db)(db, id, ct);
        if (subject is null) return null;
        var fields = new List<StoredField>();
        await foreach (var f in FieldsOf.For(db)(db, id).WithCancellation(ct)) fields.Add(f);
        return new SubjectFacts(subject, fields);
    }

    private static readonly PerModel<Func<MamoriDbContext, Guid, CancellationToken, Task<DataSubject?>>> SubjectById = new(() =>
        EF.CompileAsyncQuery((MamoriDbContext db, Guid id, CancellationToken ct) => db.Set<DataSubject>().AsNoTracking().FirstOrDefault(s => s.Id == id)));

    private static readonly PerModel<Func<MamoriDbContext, Guid, IAsyncEnumerable<StoredField>>> FieldsOf = new(() =>
        EF.CompileAsyncQuery((MamoriDbContext db, Guid id) => db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == id)
            .Select(f => new StoredField(f.Category, f.Ciphertext))));

    private static string? Truncate(string? s, int max = 64) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>
/// Audit events carry ids, never values. A decision's purpose and categories come from the caller: one the policy
/// does not declare may be any text (fuzzing put a person's name there), so it is recorded as <see cref="Undeclared"/>.
/// </summary>
public static class AuditIds
{
    public const string Undeclared = "undeclared";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyModel, HashSet<string>> Known = new();

    /// <summary>
    /// <paramref name="value"/> (one id or a comma-separated list) with every id the policy does not declare replaced. An
    /// allowed decision's ids passed the rules (built-in purposes such as <see cref="DecisionRules.RequestHandling"/> included), so they stay.
    /// </summary>
    public static string? Declared(PolicyModel model, string? value, bool allowed = false)
    {
        if (value is null || allowed) return value;
        var known = Known.GetValue(model, m =>
        {
            var ids = new HashSet<string>(StringComparer.Ordinal) { DecisionRules.RequestHandling, DecisionRules.ThirdPartyProvision }; // built-in purposes
            foreach (var scope in m.Services.Select(s => PolicyScopes.For(m, s.Id)).Prepend<IPolicyScope>(m))
            {
                foreach (var p in scope.Purposes) ids.Add(p.Id);
                foreach (var c in scope.DataCategories) ids.Add(c.Id);
            }
            return ids;
        });
        return string.Join(',', value.Split(',').Select(v => known.Contains(v) ? v : Undeclared));
    }
}

/// <summary>The policy view for a subject: its service's effective policy, or the company's.</summary>
public static class PolicyScopes
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyModel, Dictionary<string, EffectivePolicy>> Cache = new();

    /// <summary>Whether the company's policy or one of its services declares the purpose, or it is a built-in one.</summary>
    public static bool DeclaresPurpose(PolicyModel model, string purpose) =>
        purpose is DecisionRules.RequestHandling or DecisionRules.ThirdPartyProvision or DecisionRules.IncidentNotice
        || model.Services.Select(s => For(model, s.Id)).Prepend<IPolicyScope>(model).Any(scope => scope.Purposes.Any(p => p.Id == purpose));

    /// <summary>The purposes of <paramref name="scope"/> among those shown to a person at acquisition, in the policy's order.</summary>
    public static List<Purpose> Shown(IPolicyScope scope, IReadOnlyCollection<string> purposesShown) =>
        [.. scope.Purposes.Where(p => purposesShown.Contains(p.Id))];

    public static IPolicyScope For(PolicyModel model, string? serviceId)
    {
        if (serviceId is null) return model;
        var perModel = Cache.GetOrCreateValue(model);
        lock (perModel)
        {
            if (!perModel.TryGetValue(serviceId, out var effective))
            {
                if (model.FindService(serviceId) is null)
                    throw new MamoriException(ErrorCode.UnknownService, $"The policy declares no service '{ErrorText.Id(serviceId)}'.");
                perModel[serviceId] = effective = model.Resolve(serviceId);
            }
            return effective;
        }
    }
}
