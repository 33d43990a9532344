using Mamori.Data;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Governance.Organisation;

/// <summary>
/// Governance settings of a tenant (one row): the management representative (個人情報保護管理者, S-08),
/// the thresholds access reviews flag on, and whether overdue training suspends roles.
/// </summary>
public sealed class GovernanceSettings : ITenantOwned
{
    public Guid TenantId { get; set; }

    /// <summary>The staff user who is the management representative (the policy names the title).</summary>
    public Guid? RepresentativeUserId { get; set; }

    /// <summary>Access not used for this many days is flagged in a review.</summary>
    public int UnusedAccessDays { get; set; } = GovernanceDefaults.UnusedAccessDays;

    /// <summary>API keys older than this many days are flagged in a review.</summary>
    public int KeyMaxAgeDays { get; set; } = GovernanceDefaults.KeyMaxAgeDays;

    /// <summary>While a holder's training for a role is overdue, the role grants nothing (enforced at sign-in of each request).</summary>
    public bool SuspendRolesWhileTrainingOverdue { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class GovernanceDefaults
{
    public const int UnusedAccessDays = 90;
    public const int KeyMaxAgeDays = 365;
    public const int ReviewEveryMonths = 6;
    public const int ReviewGraceDays = 14;
}

/// <summary>A department that handles personal information, with its personal-information manager (S-08) and its access-review schedule.</summary>
public sealed class Department : ITenantOwned
{
    public Guid TenantId { get; set; }

    /// <summary>The id the policy uses under <c>privacyManagers.departments</c>, or one given here.</summary>
    public required string Id { get; set; }

    public required string NameJa { get; set; }
    public required string NameEn { get; set; }

    /// <summary>The department's personal-information manager: confirms or revokes the lines of its access reviews.</summary>
    public Guid? ManagerUserId { get; set; }

    public int ReviewEveryMonths { get; set; } = GovernanceDefaults.ReviewEveryMonths;
    public int ReviewGraceDays { get; set; } = GovernanceDefaults.ReviewGraceDays;

    /// <summary>The JST date the next access review is due.</summary>
    public DateOnly NextReviewOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Which department a staff user belongs to (one each), with their title.</summary>
public sealed class StaffAssignment : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public required string DepartmentId { get; set; }
    public string? Title { get; set; }
}

public enum ResponsibilityKind
{
    Category = 0,
    Purpose = 1,
}

/// <summary>Who answers for a data category or a purpose of the policy: a department and, optionally, a person.</summary>
public sealed class DataResponsibility : ITenantOwned
{
    public Guid TenantId { get; set; }
    public ResponsibilityKind Kind { get; set; }
    public required string ItemId { get; set; }
    public required string DepartmentId { get; set; }
    public Guid? UserId { get; set; }
}

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<GovernanceSettings>, IEntityTypeConfiguration<Department>,
    IEntityTypeConfiguration<StaffAssignment>, IEntityTypeConfiguration<DataResponsibility>
{
    public void Configure(EntityTypeBuilder<GovernanceSettings> b)
    {
        b.ToTable("GovernanceSettings");
        b.HasKey(s => s.TenantId);
    }

    public void Configure(EntityTypeBuilder<Department> b)
    {
        b.ToTable("Departments");
        b.HasKey(d => new { d.TenantId, d.Id });
        b.Property(d => d.Id).HasMaxLength(64);
        b.Property(d => d.NameJa).HasMaxLength(200);
        b.Property(d => d.NameEn).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<StaffAssignment> b)
    {
        b.ToTable("StaffAssignments");
        b.HasKey(a => new { a.TenantId, a.UserId });
        b.Property(a => a.DepartmentId).HasMaxLength(64);
        b.Property(a => a.Title).HasMaxLength(200);
        b.HasIndex(a => new { a.TenantId, a.DepartmentId });
    }

    public void Configure(EntityTypeBuilder<DataResponsibility> b)
    {
        b.ToTable("DataResponsibilities");
        b.HasKey(r => new { r.TenantId, r.Kind, r.ItemId });
        b.Property(r => r.ItemId).HasMaxLength(64);
        b.Property(r => r.DepartmentId).HasMaxLength(64);
    }
}

/// <summary>
/// The due-date rule of access reviews and training, in JST days (the same rule as internal audits):
/// <see cref="DueState.Upcoming"/> before the scheduled date, <see cref="DueState.Due"/> from that date through
/// <c>scheduled + graceDays</c>, <see cref="DueState.Overdue"/> from the day after.
/// </summary>
public static class GovernanceDue
{
    public static DueState StateOf(DateOnly scheduled, int graceDays, DateOnly today) =>
        today < scheduled ? DueState.Upcoming : today <= scheduled.AddDays(graceDays) ? DueState.Due : DueState.Overdue;

    /// <summary>The next scheduled date after one held on <paramref name="heldOn"/>, keeping the schedule's rhythm.</summary>
    public static DateOnly NextAfter(DateOnly scheduled, int everyMonths, DateOnly heldOn)
    {
        var k = 1;
        while (scheduled.AddMonths(everyMonths * k) <= heldOn) k++;
        return scheduled.AddMonths(everyMonths * k);
    }

    public static DateOnly JstDate(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, Policy.PolicyStore.Jst).DateTime);

    /// <summary>The instant a JST day starts.</summary>
    public static DateTimeOffset JstStart(DateOnly d) => Incidents.JapanTime.StartOf(d, Policy.PolicyStore.Jst);
}

public enum DueState
{
    Upcoming = 0,
    Due = 1,
    Overdue = 2,

    /// <summary>A one-off course already completed.</summary>
    Done = 3,
}
