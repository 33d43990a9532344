using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Governance.AccessReviews;

public enum AccessReviewStatus
{
    Open = 0,
    Completed = 1,
}

/// <summary>
/// One periodic access review of a department (アクセス権の棚卸し): a snapshot, taken from the user
/// list, the API keys and the audit chain, of who in the department can do what and what they
/// unmasked in [<see cref="PeriodFrom"/>, <see cref="PeriodTo"/>).
/// </summary>
public sealed class AccessReview : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string DepartmentId { get; set; }

    /// <summary>The JST date the review was due (the department's schedule when it was started).</summary>
    public DateOnly ScheduledOn { get; set; }

    public DateTimeOffset PeriodFrom { get; set; }
    public DateTimeOffset PeriodTo { get; set; }
    public AccessReviewStatus Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public required string StartedBy { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }

    /// <summary>The audit-chain sequence the period was read up to, after the chain verified intact.</summary>
    public long ChainVerifiedTo { get; set; }
}

public enum AccessReviewLineKind
{
    /// <summary>A role a staff member holds.</summary>
    Role = 0,

    /// <summary>A live API key a staff member owns or created.</summary>
    ApiKey = 1,

    /// <summary>A disabled staff member (a leaver): the line proves they have no live session or key (S-62).</summary>
    Leaver = 2,
}

public enum AccessReviewDecision
{
    Pending = 0,
    Confirmed = 1,
    Revoked = 2,
}

/// <summary>One line of a review: a role, a key or a leaver, with its evidence and the manager's decision.</summary>
public sealed class AccessReviewLine : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ReviewId { get; set; }
    public Guid UserId { get; set; }
    public AccessReviewLineKind Kind { get; set; }

    /// <summary>The role name, or the API key id; empty for a leaver.</summary>
    public required string Item { get; set; }

    /// <summary>The key's name (for a key line).</summary>
    public string? ItemName { get; set; }

    /// <summary>Last sign-in activity of the person (role and leaver lines) or last use of the key.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When the key was created (key lines), for the age flag.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Data categories unmasked in the period (from the audit chain), comma separated.</summary>
    public List<string> UnmaskedCategories { get; set; } = [];

    /// <summary>Access-allowed events of the period with at least one unmasked category.</summary>
    public int UnmaskEvents { get; set; }

    /// <summary>What the review flags: <c>unused</c>, <c>key-old</c>, <c>live-session</c>, <c>live-key</c>.</summary>
    public List<string> Flags { get; set; } = [];

    /// <summary>Leaver lines: sessions and keys still live when the review was taken (0 and 0 prove S-62).</summary>
    public int LiveSessions { get; set; }

    public int LiveKeys { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }

    public AccessReviewDecision Decision { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
}

public static class AccessReviewFlags
{
    public const string Unused = "unused";
    public const string KeyOld = "key-old";
    public const string LiveSession = "live-session";
    public const string LiveKey = "live-key";
}

internal sealed class AccessReviewConfiguration : IEntityTypeConfiguration<AccessReview>, IEntityTypeConfiguration<AccessReviewLine>
{
    public void Configure(EntityTypeBuilder<AccessReview> b)
    {
        b.ToTable("AccessReviews");
        b.HasKey(r => r.Id);
        b.Property(r => r.DepartmentId).HasMaxLength(64);
        b.Property(r => r.StartedBy).HasMaxLength(80);
        b.Property(r => r.CompletedBy).HasMaxLength(80);
        b.HasIndex(r => new { r.TenantId, r.DepartmentId, r.Status });
    }

    public void Configure(EntityTypeBuilder<AccessReviewLine> b)
    {
        b.ToTable("AccessReviewLines");
        b.HasKey(l => l.Id);
        b.Property(l => l.Item).HasMaxLength(64);
        b.Property(l => l.ItemName).HasMaxLength(100);
        Data.MamoriDbContext.CommaList(b, l => l.UnmaskedCategories);
        b.Property(l => l.UnmaskedCategories).HasMaxLength(2000);
        Data.MamoriDbContext.CommaList(b, l => l.Flags);
        b.Property(l => l.Flags).HasMaxLength(200);
        b.Property(l => l.DecidedBy).HasMaxLength(80);
        b.HasIndex(l => new { l.TenantId, l.ReviewId });
    }
}
