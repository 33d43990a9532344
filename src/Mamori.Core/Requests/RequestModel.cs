using Mamori.Policy;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Requests;

/// <summary>The kinds of request Mamori handles (開示等の請求 and related, S-40, S-46, S-80).</summary>
public enum RequestKind
{
    /// <summary>利用目的の通知 (Art.32(2), L-18).</summary>
    PurposeNotification = 0,
    /// <summary>開示 (Art.33(1), L-19), by the method the person chose.</summary>
    Disclosure = 1,
    /// <summary>第三者提供記録の開示 (Art.33(5)).</summary>
    ProvisionRecords = 2,
    /// <summary>訂正・追加・削除 (Art.34, L-20).</summary>
    Correction = 3,
    /// <summary>利用停止 (Art.35(1)(5), L-21): sets the flag every decision honours.</summary>
    Suspension = 4,
    /// <summary>消去 (Art.35(1)(5), L-21): crypto-shredding, legal holds kept and explained (W-12).</summary>
    Erasure = 5,
    /// <summary>第三者提供の停止 (Art.35(3), L-21).</summary>
    StopProvision = 6,
    /// <summary>ぼかし・匿名化等の加工 on request (S-40): the named categories are masked in place.</summary>
    Anonymization = 7,
    /// <summary>データポータビリティ (S-46): a machine-readable export of the person's data.</summary>
    Portability = 8,
    /// <summary>苦情・お問合せ (Art.40, L-24, S-80): no identity check, no fee.</summary>
    Complaint = 9,
}

/// <summary>Where a request is. Closed: <see cref="Answered"/>, <see cref="Refused"/>, <see cref="Withdrawn"/>.</summary>
public enum RequestStatus
{
    Received = 0,
    Verifying = 1,
    /// <summary>Waiting for identity or proxy documents from the person: the clock pauses.</summary>
    AwaitingDocuments = 2,
    /// <summary>Invoiced, waiting for the fee: the clock pauses.</summary>
    AwaitingPayment = 3,
    InProgress = 4,
    Answered = 5,
    Refused = 6,
    Withdrawn = 7,
}

/// <summary>Who files the request (Art.37(3), L-22).</summary>
public enum RequesterRole
{
    /// <summary>本人.</summary>
    Self = 0,
    /// <summary>任意代理人: a proxy with a power of attorney.</summary>
    Agent = 1,
    /// <summary>法定代理人: parent of a minor or guardian of an adult ward.</summary>
    LegalRepresentative = 2,
}

/// <summary>The disclosure method the person chose (Art.33(1)).</summary>
public enum DisclosureMethod
{
    Electronic = 0,
    Paper = 1,
    Other = 2,
}

public enum VerificationMethod
{
    None = 0,
    Documents = 1,
    OneTimeCode = 2,
    NotRequired = 3,
}

public enum RequestOutcome
{
    None = 0,
    Executed = 1,
    NoDataHeld = 2,
    NoChange = 3,
    Refused = 4,
    Withdrawn = 5,
}

public enum DocumentSource
{
    Upload = 0,
    CheckedByStaff = 1,
}

public enum DocumentGroup
{
    Identity = 0,
    Proxy = 1,
    LegalRepresentative = 2,
}

public enum ArtifactKind
{
    Json = 0,
    Html = 1,
    Pdf = 2,
}

/// <summary>How a request's handling department (担当部門) was chosen.</summary>
public enum DepartmentRoute
{
    /// <summary>Named by staff, or nobody named yet.</summary>
    Staff = 0,

    /// <summary>At intake: the one department answering for the purposes of the request's service.</summary>
    Service = 1,

    /// <summary>At intake: the one department answering for the data categories the request names.</summary>
    Categories = 2,
}

/// <summary>
/// A data-subject request (開示等の請求). Holds no plaintext personal data: the requester's details are
/// sealed under the request's own data key (wrapped by the key ring), like a vault subject.
/// </summary>
public sealed class DataSubjectRequest : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>Shown to the person and staff: <c>R-XXXX-XXXX</c>; not a secret.</summary>
    public required string Reference { get; set; }

    public RequestKind Kind { get; set; }
    public RequestStatus Status { get; set; }
    public RequestChannel Channel { get; set; }
    public RequesterRole RequesterRole { get; set; }
    public DisclosureMethod Method { get; set; }

    /// <summary>The service the request is about; null = every service.</summary>
    public string? ServiceId { get; set; }

    /// <summary>
    /// The department that handles it (担当部門): routed at intake (<see cref="DepartmentRoute"/>) or named by staff; its manager
    /// sees it on the department's page. Null while nobody is named. Kept when the request closes: who answered it stays on record.
    /// </summary>
    public string? DepartmentId { get; set; }

    /// <summary>How <see cref="DepartmentId"/> was chosen: by staff (or not at all), or at intake by one of <see cref="RequestRouting"/>'s rules.</summary>
    public DepartmentRoute DepartmentRoute { get; set; }

    /// <summary><c>ja</c> or <c>en</c>: the language of notices and the answer.</summary>
    public required string Language { get; set; }

    public int PolicyVersion { get; set; }

    /// <summary>SHA-256 of the private status token; the token itself is only in the person's link.</summary>
    public required byte[] StatusTokenHash { get; set; }

    /// <summary><c>v1:&lt;keyId&gt;:…</c>: the request's data key, wrapped by the key ring; null once that key was lost and forgotten.</summary>
    public string? WrappedKey { get; set; }

    /// <summary>The key-encryption key that wraps <see cref="WrappedKey"/>: rotation re-wraps, retiring waits for it (as a subject's).</summary>
    public string? KeyId { get; set; }

    /// <summary>The requester's details (<see cref="RequesterDetails"/>) sealed with the data key.</summary>
    public required byte[] SealedDetails { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The JST day the request arrived; the period counts from the next day (Civil Code Art.140).</summary>
    public DateOnly ReceivedOn { get; set; }

    /// <summary>ReceivedOn + response days + paused days; null while the clock is paused.</summary>
    public DateOnly? DueOn { get; set; }

    /// <summary>
    /// Art.39: suit possible from received + 15 days; never paused. Stored for every request, shown only for the kinds the article
    /// covers (<see cref="RequestClock.SuitPossibleFrom(DataSubjectRequest)"/>).
    /// </summary>
    public DateOnly SuitPossibleFrom { get; set; }

    /// <summary>The JST day the clock was paused, while it is.</summary>
    public DateOnly? PausedOn { get; set; }
    public int PausedDays { get; set; }

    public VerificationMethod Verification { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }

    public byte[]? CodeHash { get; set; }
    public DateTimeOffset? CodeExpiresAt { get; set; }
    public int CodeAttempts { get; set; }

    public int FeeYen { get; set; }
    public bool FeeWaived { get; set; }
    public string? FeeWaiverReason { get; set; }
    public DateTimeOffset? InvoicedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public string? PaymentReference { get; set; }

    /// <summary>Matched vault subjects, comma separated ids (found through the blind indexes).</summary>
    public List<string> SubjectIds { get; set; } = [];

    public RequestOutcome Outcome { get; set; }
    public string? RefusalReason { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>When uploads and answer files were destroyed, a configured time after closure.</summary>
    public DateTimeOffset? FilesDestroyedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// How many status changes the request has had: the next <see cref="RequestTransition.Sequence"/>. Changes made in one
    /// call share an instant (and a fake clock's), so their time cannot order the history.
    /// </summary>
    public int Transitions { get; set; }

    public bool IsClosed => Status is RequestStatus.Answered or RequestStatus.Refused or RequestStatus.Withdrawn;

    public bool IsPaused => Status is RequestStatus.AwaitingDocuments or RequestStatus.AwaitingPayment;
}

/// <summary>The sealed part of a request: personal data, only ever in memory in plaintext.</summary>
public sealed record RequesterDetails
{
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Address { get; init; }

    /// <summary>The agent's or representative's name when not the person themself.</summary>
    public string? AgentName { get; init; }

    /// <summary>Free text: what the person asks, grounds for erasure, the complaint.</summary>
    public string? Details { get; init; }

    /// <summary>Correction: category → the correct value.</summary>
    public IReadOnlyDictionary<string, string>? Corrections { get; init; }

    /// <summary>Anonymization: the categories to process.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Anonymization: <c>mask</c> (default) or <c>generalize</c> (S-40).</summary>
    public string? Processing { get; init; }

    /// <summary>Staff's answer text (complaints, notes for the person), sealed with the rest.</summary>
    public string? AnswerText { get; init; }
}

/// <summary>One identity, proxy or representation document: uploaded (sealed) or checked by staff on paper.</summary>
public sealed class RequestDocument : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid RequestId { get; set; }
    public DocumentGroup Group { get; set; }

    /// <summary>The document's name as the policy gives it (Japanese), e.g. 住民票の写し.</summary>
    public required string Name { get; set; }

    public DocumentSource Source { get; set; }
    public DateOnly? IssuedOn { get; set; }
    public string? ContentType { get; set; }
    public long Size { get; set; }

    /// <summary>Sealed bytes of an upload; null when checked on paper or once destroyed.</summary>
    public byte[]? Ciphertext { get; set; }

    public required string AddedBy { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public DateTimeOffset? DestroyedAt { get; set; }
}

/// <summary>An answer file (disclosure package as JSON, HTML or PDF), sealed; released after payment.</summary>
public sealed class RequestArtifact : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid RequestId { get; set; }
    public ArtifactKind Kind { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public byte[]? Ciphertext { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DestroyedAt { get; set; }
}

/// <summary>One status change, for the person's status page and the clock (the audit chain has the same, hashed).</summary>
public sealed class RequestTransition : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid RequestId { get; set; }
    public RequestStatus From { get; set; }
    public RequestStatus To { get; set; }

    /// <summary>1, 2, 3… within the request: the order of the history, whatever the times (several changes share an instant).</summary>
    public int Sequence { get; set; }

    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? Reason { get; set; }
}

internal sealed class RequestConfigurations :
    IEntityTypeConfiguration<DataSubjectRequest>, IEntityTypeConfiguration<RequestDocument>,
    IEntityTypeConfiguration<RequestArtifact>, IEntityTypeConfiguration<RequestTransition>
{
    public void Configure(EntityTypeBuilder<DataSubjectRequest> b)
    {
        b.ToTable("DataSubjectRequests");
        b.HasKey(r => r.Id);
        // Every status change increments it, so two staff moving one request at once cannot both win: the second save
        // matches no row and is refused (MAMORI-1011), instead of both recording the same history sequence from one status.
        b.Property(r => r.Transitions).IsConcurrencyToken();
        b.Property(r => r.Reference).HasMaxLength(16);
        b.HasIndex(r => new { r.TenantId, r.Reference }).IsUnique();
        b.Property(r => r.ServiceId).HasMaxLength(64);
        b.Property(r => r.DepartmentId).HasMaxLength(64);
        b.HasIndex(r => new { r.TenantId, r.DepartmentId, r.Status });
        b.Property(r => r.Language).HasMaxLength(2);
        b.Property(r => r.StatusTokenHash).HasMaxLength(32);
        b.HasIndex(r => r.StatusTokenHash).IsUnique();
        b.Property(r => r.WrappedKey).HasMaxLength(200);
        b.Property(r => r.KeyId).HasMaxLength(64);
        b.Property(r => r.CodeHash).HasMaxLength(32);
        b.Property(r => r.FeeWaiverReason).HasMaxLength(200);
        b.Property(r => r.PaymentReference).HasMaxLength(100);
        Data.MamoriDbContext.CommaList(b, r => r.SubjectIds);
        b.Property(r => r.SubjectIds).HasMaxLength(4000);
        b.Property(r => r.RefusalReason).HasMaxLength(64);
        b.HasIndex(r => new { r.TenantId, r.Status, r.DueOn });
        b.HasIndex(r => new { r.TenantId, r.ClosedAt });
    }

    public void Configure(EntityTypeBuilder<RequestDocument> b)
    {
        b.ToTable("RequestDocuments");
        b.HasKey(d => d.Id);
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.ContentType).HasMaxLength(64);
        b.Property(d => d.AddedBy).HasMaxLength(80);
        b.HasIndex(d => new { d.TenantId, d.RequestId });
    }

    public void Configure(EntityTypeBuilder<RequestArtifact> b)
    {
        b.ToTable("RequestArtifacts");
        b.HasKey(a => a.Id);
        b.Property(a => a.ContentType).HasMaxLength(64);
        b.HasIndex(a => new { a.TenantId, a.RequestId });
    }

    public void Configure(EntityTypeBuilder<RequestTransition> b)
    {
        b.ToTable("RequestTransitions");
        b.HasKey(t => t.Id);
        b.Property(t => t.Actor).HasMaxLength(80);
        b.Property(t => t.Reason).HasMaxLength(64);
        b.HasIndex(t => new { t.TenantId, t.RequestId, t.Sequence });
    }
}
