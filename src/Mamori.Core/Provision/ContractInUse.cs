using Mamori.Policy;

namespace Mamori.Provision;

/// <summary>Where the contract an entrustment is checked against comes from.</summary>
public enum ContractSource
{
    /// <summary>The recipient registry's entry (<see cref="RecipientProfile"/>): clauses, period and reference staff recorded.</summary>
    Registry,

    /// <summary>The policy's <c>contract</c> of the entrustee, when the registry has no entry for it.</summary>
    Policy,
}

/// <summary>
/// The entrustment contract (委託契約, Art.25) a provision to an entrustee is checked against: the registry's entry when
/// the recipient has one, else the contract the policy declares. The check and the pages that show the contract both
/// read it here, so staff see the contract that decides.
/// </summary>
/// <param name="ReEntrustmentLimited">Re-entrustment only with the company's permission (registry: the clause; policy: subEntrustmentRequiresPermission).</param>
/// <param name="SignedOn">The policy's contractDate; the registry records a period instead.</param>
public sealed record ContractInUse(ContractSource Source, bool Confidentiality, bool AuditRights, bool ReEntrustmentLimited,
    DateOnly? SignedOn, DateOnly? Start, DateOnly? End, string? Reference)
{
    public static ContractInUse? Of(Entrustee? declared, RecipientProfile? profile) =>
        profile is { } p ? new(ContractSource.Registry, p.Confidentiality, p.AuditClause, p.ReEntrustmentClause, null, p.ContractStart, p.ContractEnd, p.ContractRef)
        : declared is { Contract: var c } ? new(ContractSource.Policy, c.Confidentiality, c.AuditRights, c.SubEntrustmentRequiresPermission, c.ContractDate, null, null, null)
        : null;

    /// <summary>Within the registry's period (both days included); a policy contract states no period.</summary>
    public bool InForce(DateOnly today) => (Start is null || Start <= today) && (End is null || End >= today);

    /// <summary>What an entrustment needs: confidentiality and audit clauses, in force (Art.25).</summary>
    public bool Sufficient(DateOnly today) => Confidentiality && AuditRights && InForce(today);
}
