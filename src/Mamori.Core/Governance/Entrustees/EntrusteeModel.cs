using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Governance.Entrustees;

/// <summary>The outcome of a selection assessment (委託先の選定, GL 3-4-4).</summary>
public enum AssessmentResult
{
    /// <summary>Every required criterion is met.</summary>
    Approved = 0,

    /// <summary>Every required criterion is met but an optional one is not met or not answered: approved with conditions to follow up.</summary>
    Conditional = 1,

    /// <summary>A required criterion is not met: do not entrust (S-35: protection at least as good as the company's own).</summary>
    Rejected = 2,
}

/// <summary>
/// A selection assessment of an entrustee: criteria from the PPC guidelines (GL 3-4-4, 委託先の選定) with
/// whether each is met and a short note. Business facts about a company; no data subject's values.
/// </summary>
public sealed class EntrusteeAssessment : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string RecipientId { get; set; }
    public DateOnly AssessedOn { get; set; }
    public required string Assessor { get; set; }

    /// <summary>The criteria answered, as JSON (<see cref="CriterionAnswer"/>[]).</summary>
    public required string Answers { get; set; }
    public AssessmentResult Result { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One answered criterion of an assessment: met, not met, or — for an optional criterion that does not concern this entrustee
/// (the foreign-handling one for a domestic entrustee) — not applicable (該当なし), which counts as no condition.
/// </summary>
public sealed record CriterionAnswer(string Key, bool Met, string? Note = null, bool NotApplicable = false);

/// <summary>Why a criterion keeps an assessment from approval: answered not met, or (optional ones) not answered at all (未確認).</summary>
public enum ConditionStatus { NotMet, Unanswered }

/// <summary>
/// A criterion that keeps an assessment from 「承認」: a required one not met (the reason for 「不承認」) or an optional one not met
/// or not answered (the conditions of 「条件付き承認」).
/// </summary>
public sealed record AssessmentCondition(string Key, bool Required, ConditionStatus Status);

/// <summary>
/// A check of the entrustment contract's clauses (S-35; GL 3-4-4 委託契約の締結; MNA Art.10 for re-entrustment):
/// the four S-35 clauses are required, the others recommended.
/// </summary>
public sealed class EntrusteeContractCheck : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string RecipientId { get; set; }
    public DateOnly CheckedOn { get; set; }
    public required string Checker { get; set; }
    public string? ContractRef { get; set; }

    /// <summary>秘密保持 (confidentiality).</summary>
    public bool Confidentiality { get; set; }

    /// <summary>監査・報告を求める権利 (audit rights).</summary>
    public bool AuditRights { get; set; }

    /// <summary>再委託の条件 (re-entrustment only with permission and under the same duties).</summary>
    public bool ReEntrustmentConditions { get; set; }

    /// <summary>契約終了時の返却・削除 (return or deletion of the data at the end).</summary>
    public bool ReturnOrDeletion { get; set; }

    /// <summary>安全管理措置の内容 (the security measures the entrustee keeps).</summary>
    public bool SecurityMeasures { get; set; }

    /// <summary>漏えい等の報告 (reporting incidents to the company at once).</summary>
    public bool IncidentReporting { get; set; }

    /// <summary>利用目的の限定 (use only for the entrusted task).</summary>
    public bool PurposeLimited { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Every clause S-35 requires is in the contract.</summary>
    public bool Complete => Confidentiality && AuditRights && ReEntrustmentConditions && ReturnOrDeletion;
}

internal sealed class EntrusteeConfigurations : IEntityTypeConfiguration<EntrusteeAssessment>, IEntityTypeConfiguration<EntrusteeContractCheck>
{
    public void Configure(EntityTypeBuilder<EntrusteeAssessment> b)
    {
        b.ToTable("EntrusteeAssessments");
        b.HasKey(a => a.Id);
        b.Property(a => a.RecipientId).HasMaxLength(64);
        b.Property(a => a.Assessor).HasMaxLength(200);
        b.Property(a => a.Answers).HasMaxLength(8000);
        b.Property(a => a.Note).HasMaxLength(2000);
        b.HasIndex(a => new { a.TenantId, a.RecipientId, a.AssessedOn });
    }

    public void Configure(EntityTypeBuilder<EntrusteeContractCheck> b)
    {
        b.ToTable("EntrusteeContractChecks");
        b.HasKey(c => c.Id);
        b.Property(c => c.RecipientId).HasMaxLength(64);
        b.Property(c => c.Checker).HasMaxLength(200);
        b.Property(c => c.ContractRef).HasMaxLength(200);
        b.Property(c => c.Note).HasMaxLength(2000);
        b.Ignore(c => c.Complete);
        b.HasIndex(c => new { c.TenantId, c.RecipientId, c.CheckedOn });
    }
}
