using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Vault;

/// <summary>
/// A subject created under an <c>Idempotency-Key</c> (<c>POST /api/subjects</c>): a retry with the same key, by the same caller,
/// within <see cref="Subjects.IdempotencyWindow"/>, answers this subject instead of acquiring the person a second time. Keyed
/// hashes only: the key a client chose may be anything, an e-mail address included, and the request holds personal data.
/// </summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>HMAC (the blind-index key) of the tenant, the caller and the key the client sent.</summary>
    public required string Key { get; set; }

    /// <summary>HMAC (the blind-index key) of the request as bound, so a key reused for another person is refused.</summary>
    public required string Request { get; set; }

    public Guid SubjectId { get; set; }

    /// <summary>The receipt of the consents given with the subject, if any, so a retry answers it too.</summary>
    public Guid? ReceiptId { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("IdempotencyRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.Key).HasMaxLength(64);
        b.Property(r => r.Request).HasMaxLength(64);
        b.HasIndex(r => new { r.TenantId, r.Key }).IsUnique();
        b.HasIndex(r => r.At);
    }
}
