using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Governance.Training;

/// <summary>A training course staff must take (教育・研修, S-63), once or every <see cref="EveryMonths"/> months.</summary>
public sealed class TrainingCourse : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>A short stable id (<c>privacy-basics</c>).</summary>
    public required string Code { get; set; }

    public required string TitleJa { get; set; }
    public required string TitleEn { get; set; }

    /// <summary>0 = once; otherwise the course is due again this many months after the last completion.</summary>
    public int EveryMonths { get; set; }

    /// <summary>Days after the due date before the training is overdue.</summary>
    public int GraceDays { get; set; } = 30;

    /// <summary>The roles that must take it; empty = every active staff member. Only named roles can be suspended.</summary>
    public List<string> Roles { get; set; } = [];

    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A staff member completed a course on a (JST) date.</summary>
public sealed class TrainingCompletion : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid CourseId { get; set; }
    public Guid UserId { get; set; }
    public DateOnly CompletedOn { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public required string RecordedBy { get; set; }
}

internal sealed class TrainingConfiguration : IEntityTypeConfiguration<TrainingCourse>, IEntityTypeConfiguration<TrainingCompletion>
{
    public void Configure(EntityTypeBuilder<TrainingCourse> b)
    {
        b.ToTable("TrainingCourses");
        b.HasKey(c => c.Id);
        b.Property(c => c.Code).HasMaxLength(64);
        b.Property(c => c.TitleJa).HasMaxLength(200);
        b.Property(c => c.TitleEn).HasMaxLength(200);
        Data.MamoriDbContext.CommaList(b, c => c.Roles);
        b.Property(c => c.Roles).HasMaxLength(400);
        b.HasIndex(c => new { c.TenantId, c.Code }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TrainingCompletion> b)
    {
        b.ToTable("TrainingCompletions");
        b.HasKey(c => c.Id);
        b.Property(c => c.RecordedBy).HasMaxLength(80);
        b.HasIndex(c => new { c.TenantId, c.CourseId, c.UserId });
    }
}
