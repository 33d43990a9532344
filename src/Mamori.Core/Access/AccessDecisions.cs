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
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.SubjectId, ct);
        IPolicyScope scope = current.Model;
        Decision decision;
        if (subject is null) decision = Decision.Deny(DecisionReasons.SubjectNotFound);
        else
        {
            scope = PolicyScopes.For(current.Model, subject.ServiceId);
            var stored = subject.ErasedAt is null
                ? await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == subject.Id).Select(f => f.Category).ToListAsync(ct)
                : [];
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

        var categories = decision.Allowed ? string.Join(',', decision.Fields.Select(f => f.Category)) : decision.DeniedCategory;
        await audit.AppendAsync(db.CurrentTenantId, new AuditEntry(
            decision.Allowed ? AuditCode.AccessAllowed : AuditCode.AccessDenied, actor,
            decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied,
            SubjectId: request.SubjectId.ToString(), Purpose: Truncate(request.Purpose), ReasonCode: decision.Reason, Categories: Truncate(categories, 1000)));
        return (decision, subject, scope);
    }

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
