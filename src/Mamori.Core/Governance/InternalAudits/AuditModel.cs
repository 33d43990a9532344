using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Governance.InternalAudits;

/// <summary>How often a plan's audit recurs. <see cref="Once"/> ends the plan after one audit.</summary>
public enum AuditFrequency
{
    Once = 0,
    Monthly = 1,
    Quarterly = 3,
    SemiAnnual = 6,
    Annual = 12,
}

/// <summary>What an audit plan audits: the company's own handling (内部監査, S-63) or an entrustee's (委託先監査, S-64).</summary>
public enum AuditPlanKind
{
    Internal = 0,
    Entrustee = 1,
}

/// <summary>Where a plan stands on a JST day (<see cref="AuditSchedule.StateOf"/>).</summary>
public enum AuditDueState
{
    /// <summary>Before the scheduled date.</summary>
    Upcoming = 0,

    /// <summary>From the scheduled date through the grace period: hold the audit now.</summary>
    Due = 1,

    /// <summary>The day after the grace period ended, and the audit was not held.</summary>
    Overdue = 2,

    /// <summary>A one-off plan that was held, or a plan that was stopped.</summary>
    Inactive = 3,
}

public enum AuditRunStatus
{
    InProgress = 0,
    Completed = 1,
}

/// <summary>The auditor's answer to one checklist item.</summary>
public enum ChecklistResult
{
    Unanswered = 0,
    Conforming = 1,
    NonConforming = 2,
    Observation = 3,
    NotApplicable = 4,
}

/// <summary>JIS Q 15001 style grading: a major or minor nonconformity, or an observation (改善の機会).</summary>
public enum FindingSeverity
{
    Major = 0,
    Minor = 1,
    Observation = 2,
}

public enum FindingStatus
{
    Open = 0,
    Closed = 1,
}

public enum CorrectiveActionStatus
{
    Planned = 0,
    InProgress = 1,
    Done = 2,
}

/// <summary>
/// An audit plan (監査計画): what is audited (scope), by whom, when next, how often. The next audit is
/// due on <see cref="NextDueOn"/> and overdue after <see cref="GraceDays"/> more days (JST).
/// </summary>
public sealed class AuditPlan : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public AuditPlanKind Kind { get; set; }
    public required string Title { get; set; }
    public required string Scope { get; set; }

    /// <summary>The auditor's name or staff email (an employee's business contact, not a data subject's value).</summary>
    public required string Auditor { get; set; }

    /// <summary>For an entrustee audit: the recipient id of the entrustee (policy or registry).</summary>
    public string? RecipientId { get; set; }
    public AuditFrequency Frequency { get; set; }
    public DateOnly NextDueOn { get; set; }
    public int GraceDays { get; set; }
    public DateOnly? LastHeldOn { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One audit held under a plan (監査の実施), with its checklist.</summary>
public sealed class AuditRun : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid PlanId { get; set; }
    public AuditPlanKind Kind { get; set; }
    public string? RecipientId { get; set; }

    /// <summary>The scheduled date this run answers (the plan's due date when it started).</summary>
    public DateOnly ScheduledOn { get; set; }
    public DateOnly StartedOn { get; set; }
    public DateOnly? CompletedOn { get; set; }
    public required string Auditor { get; set; }
    public AuditRunStatus Status { get; set; }
    public string? Summary { get; set; }

    /// <summary>The evidence period the checklist looked at (JST days, inclusive).</summary>
    public DateOnly EvidenceFrom { get; set; }
    public DateOnly EvidenceTo { get; set; }
    public int PolicyVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One checklist item: a question drawn from the law (appi.md L-xx) or a policy promise (S-xx), the
/// evidence the system holds at the time the run started ("42/43"), and the auditor's answer.
/// </summary>
public sealed class AuditChecklistItem : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public required string Key { get; set; }
    public int Order { get; set; }

    /// <summary>The legal basis as cited to staff, e.g. "個人情報保護法第33条〜第35条".</summary>
    public required string Reference { get; set; }
    public required string QuestionJa { get; set; }
    public required string QuestionEn { get; set; }
    public string? EvidenceJa { get; set; }
    public string? EvidenceEn { get; set; }

    /// <summary>Figures behind the evidence, when it is a ratio or a count: numerator and denominator.</summary>
    public int? Numerator { get; set; }
    public int? Denominator { get; set; }

    /// <summary>What the evidence suggests (the auditor decides).</summary>
    public ChecklistResult Suggested { get; set; }
    public ChecklistResult Result { get; set; }
    public string? Note { get; set; }
}

/// <summary>A finding (指摘事項) with an owner and a due date; closed once its corrective actions are done.</summary>
public sealed class AuditFinding : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? RunId { get; set; }
    public Guid? PlanId { get; set; }

    /// <summary>Set when the finding concerns an entrustee (S-64).</summary>
    public string? RecipientId { get; set; }
    public string? ChecklistKey { get; set; }
    public required string Reference { get; set; }
    public FindingSeverity Severity { get; set; }
    public required string Description { get; set; }
    public required string Owner { get; set; }
    public DateOnly RaisedOn { get; set; }
    public DateOnly DueOn { get; set; }
    public FindingStatus Status { get; set; }
    public DateOnly? ClosedOn { get; set; }
    public string? ClosureNote { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A corrective action (是正処置) against a finding.</summary>
public sealed class CorrectiveAction : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid FindingId { get; set; }
    public required string Description { get; set; }
    public required string Owner { get; set; }
    public DateOnly DueOn { get; set; }
    public CorrectiveActionStatus Status { get; set; }
    public DateOnly? CompletedOn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class InternalAuditConfigurations :
    IEntityTypeConfiguration<AuditPlan>, IEntityTypeConfiguration<AuditRun>, IEntityTypeConfiguration<AuditChecklistItem>,
    IEntityTypeConfiguration<AuditFinding>, IEntityTypeConfiguration<CorrectiveAction>
{
    public void Configure(EntityTypeBuilder<AuditPlan> b)
    {
        b.ToTable("AuditPlans");
        b.HasKey(p => p.Id);
        b.Property(p => p.Title).HasMaxLength(200);
        b.Property(p => p.Scope).HasMaxLength(2000);
        b.Property(p => p.Auditor).HasMaxLength(200);
        b.Property(p => p.RecipientId).HasMaxLength(64);
        b.HasIndex(p => new { p.TenantId, p.NextDueOn });
    }

    public void Configure(EntityTypeBuilder<AuditRun> b)
    {
        b.ToTable("AuditRuns");
        b.HasKey(r => r.Id);
        b.Property(r => r.Auditor).HasMaxLength(200);
        b.Property(r => r.RecipientId).HasMaxLength(64);
        b.Property(r => r.Summary).HasMaxLength(4000);
        b.HasIndex(r => new { r.TenantId, r.PlanId });
        b.HasIndex(r => new { r.TenantId, r.CompletedOn });
    }

    public void Configure(EntityTypeBuilder<AuditChecklistItem> b)
    {
        b.ToTable("AuditChecklistItems");
        b.HasKey(i => new { i.TenantId, i.RunId, i.Key });
        b.Property(i => i.Key).HasMaxLength(64);
        b.Property(i => i.Reference).HasMaxLength(100);
        b.Property(i => i.QuestionJa).HasMaxLength(500);
        b.Property(i => i.QuestionEn).HasMaxLength(500);
        b.Property(i => i.EvidenceJa).HasMaxLength(1000);
        b.Property(i => i.EvidenceEn).HasMaxLength(1000);
        b.Property(i => i.Note).HasMaxLength(2000);
    }

    public void Configure(EntityTypeBuilder<AuditFinding> b)
    {
        b.ToTable("AuditFindings");
        b.HasKey(f => f.Id);
        b.Property(f => f.RecipientId).HasMaxLength(64);
        b.Property(f => f.ChecklistKey).HasMaxLength(64);
        b.Property(f => f.Reference).HasMaxLength(100);
        b.Property(f => f.Description).HasMaxLength(4000);
        b.Property(f => f.Owner).HasMaxLength(200);
        b.Property(f => f.ClosureNote).HasMaxLength(2000);
        b.HasIndex(f => new { f.TenantId, f.Status, f.DueOn });
        b.HasIndex(f => new { f.TenantId, f.RunId });
    }

    public void Configure(EntityTypeBuilder<CorrectiveAction> b)
    {
        b.ToTable("CorrectiveActions");
        b.HasKey(a => a.Id);
        b.Property(a => a.Description).HasMaxLength(2000);
        b.Property(a => a.Owner).HasMaxLength(200);
        b.HasIndex(a => new { a.TenantId, a.FindingId });
    }
}
