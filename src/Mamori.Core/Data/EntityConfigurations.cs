using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Data;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Slug).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.PublicBaseUrl).HasMaxLength(300);
        b.HasIndex(t => t.Slug).IsUnique();
    }
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        b.HasKey(u => u.Id);
        b.Property(u => u.Email).HasMaxLength(254);
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        MamoriDbContext.CommaList(b, u => u.Roles);
        b.Property(u => u.Roles).HasMaxLength(400);
        b.HasIndex(u => new { u.TenantId, u.Email }).IsUnique();
    }
}

internal sealed class StaffSessionConfiguration : IEntityTypeConfiguration<StaffSession>
{
    public void Configure(EntityTypeBuilder<StaffSession> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.TokenHash).HasMaxLength(32);
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.HasIndex(s => new { s.TenantId, s.UserId });
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.SecretHash).HasMaxLength(32);
        b.Property(k => k.Role).HasMaxLength(64);
        b.HasIndex(k => k.Prefix).IsUnique();
        b.HasIndex(k => new { k.TenantId, k.Name });
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        // The tenant leads the key, which is also the distribution column under Citus.
        b.HasKey(e => new { e.TenantId, e.Sequence });
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.SubjectId).HasMaxLength(64);
        b.Property(e => e.TargetId).HasMaxLength(64);
        b.Property(e => e.Purpose).HasMaxLength(64);
        b.Property(e => e.ReasonCode).HasMaxLength(64);
        b.Property(e => e.Categories).HasMaxLength(1000);
        b.Property(e => e.PreviousHash).HasMaxLength(32);
        b.Property(e => e.Hash).HasMaxLength(32);
        b.HasIndex(e => new { e.TenantId, e.Time });
        b.HasIndex(e => new { e.TenantId, e.SubjectId, e.Time });
        b.HasIndex(e => new { e.TenantId, e.ActorId, e.Time });
    }
}

internal sealed class AuditHeadConfiguration : IEntityTypeConfiguration<AuditHead>
{
    public void Configure(EntityTypeBuilder<AuditHead> b)
    {
        b.HasKey(h => h.TenantId);
        b.Property(h => h.LastHash).HasMaxLength(32);
    }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> b)
    {
        b.ToTable("AuditCheckpoints");
        b.HasKey(c => new { c.TenantId, c.Sequence });
        b.Property(c => c.Sequence).ValueGeneratedNever();
        b.Property(c => c.Hash).HasMaxLength(32);
    }
}
