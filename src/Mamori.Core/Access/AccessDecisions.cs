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
public sealed class AccessDecisions(MamoriDbContext db, PolicyStore policies, AuditBatcher audit, TimeProvider clock)
{
    public async Task<(Decision Decision, DataSubject? Subject, IPolicyScope Policy)> DecideAsync(DecisionRequest request, Actor actor, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var facts = await SubjectWithCategories(db, request.SubjectId, ct);
        var subject = facts?.Subject;
        IPolicyScope scope = current.Model;
        Decision decision;
        if (subject is null) decision = Decision.Deny(DecisionReasons.SubjectNotFound);
        else
        {
            scope = PolicyScopes.For(current.Model, subject.ServiceId);
            IReadOnlyList<string> stored = subject.ErasedAt is null ? facts!.Categories : [];
            var consentScopes = new Dictionary<string, bool>(StringComparer.Ordinal);
            var now = clock.GetUtcNow();
            var needsConsent = scope.Purposes.FirstOrDefault(p => p.Id == request.Purpose) is { ConsentRequired: true };
            if (needsConsent)
            {
                var key = ConsentScopes.Purpose(request.Purpose);
                consentScopes[key] = await new ConsentLedger(db).HoldsAsync(subject.Id, key, now, ct);
            }
            decision = DecisionRules.Decide(scope, request,
                new DecisionRules.SubjectFacts(subject.SubjectType, subject.ErasedAt is not null || subject.WrappedKey is null, subject.UseSuspended, stored),
                s => consentScopes.GetValueOrDefault(s));
        }

        var categories = decision.AuditCategories();
        await audit.AppendAsync(db.CurrentTenantId, new AuditEntry(
            decision.Allowed ? AuditCode.AccessAllowed : AuditCode.AccessDenied, actor,
            decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied,
            SubjectId: request.SubjectId.ToString(), Purpose: Truncate(request.Purpose), ReasonCode: decision.Reason, Categories: Truncate(categories, 1000)));
        return (decision, subject, scope);
    }

    /// <summary>
    /// Many decisions at once, for bulk work such as a provision: the facts of every subject are read in
    /// a few queries and the same <see cref="DecisionRules"/> decide. Returns one audit entry per
    /// decision, which the caller appends inside its own transaction (with the change they justify).
    /// </summary>
    public async Task<(IReadOnlyList<Decision> Decisions, IReadOnlyList<AuditEntry> Audit)> DecideManyAsync(
        IReadOnlyList<DecisionRequest> requests, Actor actor, CancellationToken ct = default)
    {
        var current = await policies.RequireCurrentAsync(ct);
        var ids = requests.Select(r => r.SubjectId).Distinct().ToArray();
        var subjects = new Dictionary<Guid, DataSubject>();
        var stored = new Dictionary<Guid, List<string>>();
        foreach (var chunk in ids.Chunk(5000))
        {
            foreach (var s in await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct)) subjects[s.Id] = s;
            foreach (var f in await db.Set<SubjectField>().AsNoTracking().Where(f => chunk.Contains(f.SubjectId)).Select(f => new { f.SubjectId, f.Category }).ToListAsync(ct))
            {
                if (!stored.TryGetValue(f.SubjectId, out var list)) stored[f.SubjectId] = list = [];
                list.Add(f.Category);
            }
        }
        var now = clock.GetUtcNow();
        var consentScopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in requests)
            if (subjects.TryGetValue(r.SubjectId, out var s) && PolicyScopes.For(current.Model, s.ServiceId).Purposes.FirstOrDefault(p => p.Id == r.Purpose) is { ConsentRequired: true })
                consentScopes.Add(ConsentScopes.Purpose(r.Purpose));
        var consents = await new ConsentLedger(db).LatestManyAsync(ids, consentScopes, now, ct);

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
                decision = DecisionRules.Decide(PolicyScopes.For(current.Model, subject.ServiceId), request,
                    new DecisionRules.SubjectFacts(subject.SubjectType, erased, subject.UseSuspended, erased ? [] : stored.GetValueOrDefault(subject.Id) ?? []),
                    scope => consents.TryGetValue((subject.Id, scope), out var e) && e.Granted);
            }
            decisions[i] = decision;
            var categories = decision.AuditCategories();
            entries[i] = new AuditEntry(decision.Allowed ? AuditCode.AccessAllowed : AuditCode.AccessDenied, actor,
                decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied,
                SubjectId: request.SubjectId.ToString(), Purpose: Truncate(request.Purpose), ReasonCode: Truncate(decision.Reason), Categories: Truncate(categories, 1000));
        }
        return (decisions, entries);
    }

    private sealed record SubjectFacts(DataSubject Subject, List<string> Categories);

    // The hot path of every read and of POST /api/decisions: the subject and the categories it holds
    // in one round trip.
    private static Task<SubjectFacts?> SubjectWithCategories(MamoriDbContext db, Guid id, CancellationToken ct) =>
        db.Set<DataSubject>().AsNoTracking()
            .Where(s => s.Id == id)
            .Select(s => new SubjectFacts(s, db.Set<SubjectField>().Where(f => f.SubjectId == s.Id).Select(f => f.Category).ToList()))
            .FirstOrDefaultAsync(ct);

    private static string? Truncate(string? s, int max = 64) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>The policy view for a subject: its service's effective policy, or the company's.</summary>
public static class PolicyScopes
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyModel, Dictionary<string, EffectivePolicy>> Cache = new();

    public static IPolicyScope For(PolicyModel model, string? serviceId)
    {
        if (serviceId is null) return model;
        var perModel = Cache.GetOrCreateValue(model);
        lock (perModel)
        {
            if (!perModel.TryGetValue(serviceId, out var effective))
            {
                if (model.FindService(serviceId) is null)
                    throw new MamoriException(ErrorCode.UnknownService, $"The policy declares no service '{serviceId}'.");
                perModel[serviceId] = effective = model.Resolve(serviceId);
            }
            return effective;
        }
    }
}
