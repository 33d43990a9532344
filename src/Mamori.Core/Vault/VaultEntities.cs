using Mamori.Data;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Vault;

/// <summary>
/// A data subject (本人): a person whose data the company holds. Holds no plaintext: fields are
/// ciphertext under <see cref="WrappedKey"/>; erasure destroys that key (crypto-shredding).
/// </summary>
public sealed class DataSubject : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>Subject type id from the policy (customer, employee…).</summary>
    public required string SubjectType { get; set; }

    /// <summary>The service whose policy applies (its document wins over the company's, S-03); null = company-wide.</summary>
    public string? ServiceId { get; set; }

    /// <summary>How the data was acquired (S-10).</summary>
    public required string AcquisitionMethod { get; set; }

    /// <summary>Purposes shown to the person at acquisition (S-11), comma separated.</summary>
    public List<string> PurposesShown { get; set; } = [];

    /// <summary>The policy version in force at acquisition.</summary>
    public int PolicyVersion { get; set; }

    /// <summary><c>v1:&lt;keyId&gt;:…</c>; null once erased.</summary>
    public string? WrappedKey { get; set; }

    /// <summary>Id of the key-encryption key that wraps <see cref="WrappedKey"/> (for re-wrapping after rotation).</summary>
    public string? KeyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>
    /// When an erasure (消去) ended with categories kept under a legal hold (消去請求済み・法定保存のみ): from then on they
    /// serve only the law that keeps them (<see cref="Access.DecisionReasons.ErasedLegalHold"/>), until the sweep destroys
    /// them at the hold's end and sets <see cref="ErasedAt"/>.
    /// </summary>
    public DateTimeOffset? ErasedWithHoldAt { get; set; }

    /// <summary>The earliest retention end among its fields: the sweep's index.</summary>
    public DateTimeOffset? NextExpiry { get; set; }

    /// <summary>Use suspended by a request (利用停止, Art.35): every decision but request handling is denied.</summary>
    public bool UseSuspended { get; set; }

    /// <summary>Third-party provision stopped by a request or opt-out stop (Art.27(2), 35(3)).</summary>
    public bool ProvisionStopped { get; set; }

    /// <summary>
    /// A date of birth that earlier versions kept in clear beside the subject (the separate <c>birthDate</c> of
    /// <c>POST /api/subjects</c>), encrypted with the subject's data key by <see cref="VaultUpgrade"/>. Read only by the minors'
    /// check, when no field of a category flagged <c>birthDate</c> holds the date; destroyed with the data key.
    /// </summary>
    public byte[]? SealedBirthDate { get; set; }

    /// <summary>
    /// A guardian consented to the acquisition (S-13): required when the person was younger than the notice's age for guardian
    /// consent and provided the data themselves, recorded whenever the caller says so.
    /// </summary>
    public bool GuardianConsent { get; set; }

    /// <summary>Where the guardian's consent is kept (a form number, a file reference): staff text, never the person's data.</summary>
    public string? GuardianEvidenceRef { get; set; }
}

/// <summary>One category of a subject's data, encrypted.</summary>
public sealed class SubjectField : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid SubjectId { get; set; }
    public required string Category { get; set; }
    public required byte[] Ciphertext { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// When every purpose that uses this category has passed its retention (S-50); null while one of them counts from an event
    /// not yet recorded for the person (<see cref="AwaitingEvents"/>): the sweep keeps it.
    /// </summary>
    public DateTimeOffset? RetainUntil { get; set; }

    /// <summary>
    /// Until when a law requires keeping it (tax, My Number Act…): erasure keeps it until then (W-12). Null with a
    /// <see cref="HoldBasis"/> when the hold counts from an event not yet recorded: held, the end not yet known.
    /// </summary>
    public DateTimeOffset? HeldUntil { get; set; }
    public string? HoldBasis { get; set; }

    /// <summary>The events (<see cref="Policy.Retention.Event"/>, comma separated) the retention waits for; null when its end is known.</summary>
    public string? AwaitingEvents { get; set; }

    /// <summary>Kept by a legal hold at <paramref name="now"/>: one still running, or one whose start event is not recorded yet.</summary>
    public bool IsHeld(DateTimeOffset now) => HeldUntil > now || (HeldUntil is null && HoldBasis is not null);
}

/// <summary>
/// The day an event a retention period counts from happened for one person (契約終了日, 退職日): recorded by staff, one row per
/// subject and event. Until it exists, the data of the purposes that count from it is kept.
/// </summary>
public sealed class RetentionEvent : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid SubjectId { get; set; }
    /// <summary>The event id from the policy (<c>contract-end</c>).</summary>
    public required string Event { get; set; }
    /// <summary>The day it happened, in Japan.</summary>
    public DateOnly OccurredOn { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public required string RecordedBy { get; set; }
    /// <summary>The reason code of the latest correction; null when never corrected.</summary>
    public string? CorrectionReason { get; set; }
}

/// <summary>A blind index entry: HMAC of a normalized value, for exact lookups.</summary>
public sealed class SubjectLookup : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid SubjectId { get; set; }
    public LookupKind Kind { get; set; }
    public required string Category { get; set; }
    public required byte[] Hash { get; set; }
}

/// <summary>Proof of destruction (消去証明): kept after the data is gone. Ids and category names only.</summary>
public sealed class DestructionCertificate : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SubjectId { get; set; }
    public DestructionKind Kind { get; set; }
    public DateTimeOffset DestroyedAt { get; set; }
    public required string Actor { get; set; }
    public required string Reason { get; set; }

    /// <summary>Categories destroyed, comma separated.</summary>
    public required string Destroyed { get; set; }

    /// <summary>
    /// Categories kept and until when: "tax-records until 2033-03-31 (法人税法)" under a legal hold, "sms-phone until 2027-06-24"
    /// for what a retention sweep kept because its own period has not ended; the date the UTC day (<see cref="HeldCategories.Recorded"/>).
    /// Kept in this form for the records written before <see cref="KeptItems"/>; people are shown <see cref="HeldCategories.Text"/> instead.
    /// </summary>
    public string? Kept { get; set; }

    /// <summary>The same as <see cref="Kept"/>, structured (JSON of <see cref="HeldCategory"/>: category id, end of the hold or retention as a UTC instant, law for a hold); null on older records.</summary>
    public string? KeptItems { get; set; }

    /// <summary>The data key's id that was destroyed (the proof that remaining ciphertext is unreadable).</summary>
    public string? DestroyedKeyId { get; set; }
}

public enum DestructionKind
{
    Erasure = 0,
    Retention = 1,
    /// <summary>
    /// The data was lost, not destroyed on purpose: the key-encryption key that wrapped the data key was lost without a backup and
    /// forgotten (<c>mamori keys forget</c>); <see cref="DestructionCertificate.DestroyedKeyId"/> names that key-encryption key.
    /// </summary>
    KeyLost = 2,
}

/// <summary>
/// A use outside the declared purposes under a legal exception (S-20, L-02), with its written
/// justification. Kept apart from the audit chain, which carries ids only.
/// </summary>
public sealed class ExceptionRecord : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SubjectId { get; set; }
    public required string Basis { get; set; }
    public required string Justification { get; set; }
    public required string Actor { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class VaultConfigurations :
    IEntityTypeConfiguration<DataSubject>, IEntityTypeConfiguration<SubjectField>, IEntityTypeConfiguration<SubjectLookup>,
    IEntityTypeConfiguration<DestructionCertificate>, IEntityTypeConfiguration<ExceptionRecord>, IEntityTypeConfiguration<RetentionEvent>
{
    public void Configure(EntityTypeBuilder<RetentionEvent> b)
    {
        b.ToTable("RetentionEvents");
        b.HasKey(e => new { e.TenantId, e.SubjectId, e.Event });
        b.Property(e => e.Event).HasMaxLength(64);
        b.Property(e => e.RecordedBy).HasMaxLength(80);
        b.Property(e => e.CorrectionReason).HasMaxLength(40);
    }

    public void Configure(EntityTypeBuilder<DataSubject> b)
    {
        b.ToTable("DataSubjects");
        b.HasKey(s => s.Id);
        b.Property(s => s.SubjectType).HasMaxLength(64);
        b.Property(s => s.ServiceId).HasMaxLength(64);
        b.Property(s => s.AcquisitionMethod).HasMaxLength(64);
        MamoriDbContext.CommaList(b, s => s.PurposesShown);
        b.Property(s => s.PurposesShown).HasMaxLength(1000);
        b.Property(s => s.WrappedKey).HasMaxLength(200);
        b.Property(s => s.KeyId).HasMaxLength(64);
        b.Property(s => s.GuardianEvidenceRef).HasMaxLength(Consent.EvidenceRefs.MaxLength);
        b.HasIndex(s => new { s.TenantId, s.NextExpiry });
        b.HasIndex(s => new { s.TenantId, s.KeyId });
    }

    public void Configure(EntityTypeBuilder<SubjectField> b)
    {
        b.ToTable("SubjectFields");
        b.HasKey(f => new { f.TenantId, f.SubjectId, f.Category });
        b.Property(f => f.Category).HasMaxLength(64);
        b.Property(f => f.HoldBasis).HasMaxLength(200);
        b.Property(f => f.AwaitingEvents).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<SubjectLookup> b)
    {
        b.ToTable("SubjectLookups");
        b.HasKey(l => new { l.TenantId, l.SubjectId, l.Category });
        b.Property(l => l.Category).HasMaxLength(64);
        b.Property(l => l.Hash).HasMaxLength(32);
        b.HasIndex(l => new { l.TenantId, l.Kind, l.Hash });
    }

    public void Configure(EntityTypeBuilder<DestructionCertificate> b)
    {
        b.ToTable("DestructionCertificates");
        b.HasKey(c => c.Id);
        b.Property(c => c.Actor).HasMaxLength(80);
        b.Property(c => c.Reason).HasMaxLength(200);
        b.Property(c => c.Destroyed).HasMaxLength(1000);
        b.Property(c => c.Kept).HasMaxLength(2000);
        b.Property(c => c.KeptItems).HasMaxLength(8000);
        b.Property(c => c.DestroyedKeyId).HasMaxLength(64);
        b.HasIndex(c => new { c.TenantId, c.SubjectId });
    }

    public void Configure(EntityTypeBuilder<ExceptionRecord> b)
    {
        b.ToTable("ExceptionRecords");
        b.HasKey(x => x.Id);
        b.Property(x => x.Basis).HasMaxLength(40);
        b.Property(x => x.Justification).HasMaxLength(2000);
        b.Property(x => x.Actor).HasMaxLength(80);
        b.HasIndex(x => new { x.TenantId, x.SubjectId });
    }
}
