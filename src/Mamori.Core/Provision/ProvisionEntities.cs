using Mamori.Data;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Provision;

/// <summary>The basis on which personal data leaves the company (Art.27, 28).</summary>
public enum ProvisionBasisKind
{
    /// <summary>The person's prior consent (Art.27(1)); abroad, consent after the L-14 items (Art.28).</summary>
    Consent,

    /// <summary>オプトアウト (Art.27(2), L-13).</summary>
    OptOut,

    /// <summary>A legal exception of Art.27(1)(i)-(vii), with a written justification (L-02).</summary>
    LegalException,

    /// <summary>委託 (Art.27(5)(i)): not a third party.</summary>
    Entrustment,

    /// <summary>共同利用 (Art.27(5)(iii)): not a third party once the S-34 items are published.</summary>
    SharedUse,

    /// <summary>事業承継 (Art.27(5)(ii)): merger or business transfer.</summary>
    BusinessSuccession,

    /// <summary>
    /// 匿名加工情報の提供 (Art.44, L-26): not personal data, so no consent; the items and the method of
    /// provision are published beforehand and the recipient is told that it is anonymized information.
    /// </summary>
    AnonymizedInformation,
}

public enum RecordDirection
{
    /// <summary>第三者提供に係る記録 (Art.29): we provided.</summary>
    Provided = 0,

    /// <summary>第三者提供を受ける際の確認の記録 (Art.30): we received.</summary>
    Received = 1,
}

/// <summary>What kind of recipient a registry entry describes.</summary>
public enum RecipientKind
{
    ThirdParty,
    Foreign,
    Entrustee,
    SharedUse,

    /// <summary>A recipient of opt-out provision, registered here because the policy describes them only as a class (L-13).</summary>
    OptOut,

    /// <summary>A successor by merger or business transfer.</summary>
    Successor,
}

/// <summary>
/// One provision or receipt record (Art.29/30, L-15/L-16). Written by Mamori as a side effect of the
/// provision, never by hand. Subjects are listed by id in <see cref="ProvisionRecordSubject"/>; the
/// record holds category ids and business facts, never a person's values.
/// </summary>
public sealed class ProvisionRecord : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public RecordDirection Direction { get; set; }
    public ProvisionBasisKind Basis { get; set; }

    /// <summary>When the data was provided (or received).</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The recipient's id (policy or registry) when we provided; null for a receipt.</summary>
    public string? CounterpartyId { get; set; }
    public required string CounterpartyName { get; set; }
    public string? CounterpartyAddress { get; set; }
    public string? CounterpartyRepresentative { get; set; }

    /// <summary>ISO country code when the recipient is abroad.</summary>
    public string? Country { get; set; }

    /// <summary>The items: category ids (provided) or the items as the provider named them (received).</summary>
    public List<string> Items { get; set; } = [];

    public int SubjectCount { get; set; }
    public int RefusedCount { get; set; }

    /// <summary>Consent basis: which ledger scope held, and when it was checked (Rules 20(1)(i)).</summary>
    public string? ConsentRef { get; set; }

    /// <summary>Opt-out: the PPC filing and the notice facts (Rules 20(1)(ii)); received: the PPC publication.</summary>
    public string? OptOutFacts { get; set; }

    /// <summary>Legal exception: its kind; <see cref="Justification"/> says why (S-36).</summary>
    public string? LegalException { get; set; }
    public string? Justification { get; set; }

    /// <summary>Received: how the provider obtained the data (Art.30(1)(ii)).</summary>
    public string? AcquisitionHistory { get; set; }

    /// <summary>A contract or order form that serves as the record (Rules 19(3)); kept 1 year from the last provision.</summary>
    public string? ContractRef { get; set; }
    public bool ContractAsRecord { get; set; }
    public DateOnly? LastProvisionOn { get; set; }

    /// <summary>Person-related information (Art.31, L-17): the recipient's confirmation that the persons consented.</summary>
    public string? PersonRelatedConfirmation { get; set; }

    /// <summary>Whether Art.29/30 require this record (not for L-02 cases, entrustment, succession, shared use); Mamori keeps all.</summary>
    public bool StatutoryRecord { get; set; }

    public int PolicyVersion { get; set; }

    /// <summary>The last day (JST) the record is kept; swept from the next day (L-15 [project]).</summary>
    public DateOnly KeepThrough { get; set; }

    public required string RecordedBy { get; set; }

    /// <summary>A provision of a registered pseudonymized or anonymized dataset (docs/anonymization.md): its id.</summary>
    public Guid? DatasetId { get; set; }

    /// <summary>What the recipient was told with the dataset (Art.44: that it is anonymized information, and its items).</summary>
    public string? RecipientNotice { get; set; }
}

/// <summary>A subject listed on a record.</summary>
public sealed class ProvisionRecordSubject : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid RecordId { get; set; }
    public Guid SubjectId { get; set; }
}

/// <summary>
/// The registry's facts about a recipient (name, address, representative, contract): the policy names
/// recipients; the registry holds what a record and supervision need (S-35, L-15).
/// </summary>
public sealed class RecipientProfile : ITenantOwned
{
    public Guid TenantId { get; set; }

    /// <summary>The policy id of the recipient, or the registry's own id for opt-out recipients and successors.</summary>
    public required string RecipientId { get; set; }
    public RecipientKind Kind { get; set; }
    public required string Name { get; set; }
    public string? Address { get; set; }
    public string? Representative { get; set; }

    // Contract facts (entrustees, S-35; MNA Art.10).
    public bool Confidentiality { get; set; }
    public bool AuditClause { get; set; }

    /// <summary>Re-entrustment only with the company's permission.</summary>
    public bool ReEntrustmentClause { get; set; }
    public DateOnly? ContractStart { get; set; }
    public DateOnly? ContractEnd { get; set; }
    public string? ContractRef { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum SupervisionKind { OnSiteAudit, RemoteAudit, Questionnaire, ReportReview }

/// <summary>One supervision of an entrustee: an audit held and what it found (S-35, S-64).</summary>
public sealed class SupervisionRecord : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string RecipientId { get; set; }
    public DateOnly HeldOn { get; set; }
    public SupervisionKind Kind { get; set; }
    public required string Findings { get; set; }
    public string? Actions { get; set; }
    public DateOnly? NextDue { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>The entrustee audit that wrote this record (its findings and corrective actions are that audit's); null for one recorded by hand.</summary>
    public Guid? AuditRunId { get; set; }
}

/// <summary>A member of a shared-use group declared in the policy (S-34, L-12).</summary>
public sealed class SharedUseMember : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string GroupId { get; set; }
    public required string Name { get; set; }
    public string? Address { get; set; }
    public string? Representative { get; set; }
    public DateOnly? JoinedOn { get; set; }
    public DateOnly? LeftOn { get; set; }
}

/// <summary>A request to stop opt-out provision (S-32), kept as evidence that it was acted on at once. No contact value is stored.</summary>
public sealed class ProvisionStopRequest : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>web, api or staff.</summary>
    public required string Channel { get; set; }

    /// <summary>How many subjects were stopped (staff only; the person is never told).</summary>
    public int Stopped { get; set; }
}

internal sealed class ProvisionConfigurations :
    IEntityTypeConfiguration<ProvisionRecord>, IEntityTypeConfiguration<ProvisionRecordSubject>, IEntityTypeConfiguration<RecipientProfile>,
    IEntityTypeConfiguration<SupervisionRecord>, IEntityTypeConfiguration<SharedUseMember>, IEntityTypeConfiguration<ProvisionStopRequest>
{
    public void Configure(EntityTypeBuilder<ProvisionRecord> b)
    {
        b.ToTable("ProvisionRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.CounterpartyId).HasMaxLength(64);
        b.Property(r => r.CounterpartyName).HasMaxLength(300);
        b.Property(r => r.CounterpartyAddress).HasMaxLength(300);
        b.Property(r => r.CounterpartyRepresentative).HasMaxLength(200);
        b.Property(r => r.Country).HasMaxLength(2);
        MamoriDbContext.CommaList(b, r => r.Items);
        b.Property(r => r.Items).HasMaxLength(4000);
        b.Property(r => r.ConsentRef).HasMaxLength(300);
        b.Property(r => r.OptOutFacts).HasMaxLength(500);
        b.Property(r => r.LegalException).HasMaxLength(40);
        b.Property(r => r.Justification).HasMaxLength(2000);
        b.Property(r => r.AcquisitionHistory).HasMaxLength(2000);
        b.Property(r => r.ContractRef).HasMaxLength(200);
        b.Property(r => r.PersonRelatedConfirmation).HasMaxLength(500);
        b.Property(r => r.RecordedBy).HasMaxLength(80);
        b.Property(r => r.RecipientNotice).HasMaxLength(4000);
        b.HasIndex(r => new { r.TenantId, r.KeepThrough });
        b.HasIndex(r => new { r.TenantId, r.At });
    }

    public void Configure(EntityTypeBuilder<ProvisionRecordSubject> b)
    {
        b.ToTable("ProvisionRecordSubjects");
        b.HasKey(s => new { s.TenantId, s.RecordId, s.SubjectId });
        b.HasIndex(s => new { s.TenantId, s.SubjectId });
    }

    public void Configure(EntityTypeBuilder<RecipientProfile> b)
    {
        b.ToTable("RecipientProfiles");
        b.HasKey(r => new { r.TenantId, r.RecipientId });
        b.Property(r => r.RecipientId).HasMaxLength(64);
        b.Property(r => r.Name).HasMaxLength(300);
        b.Property(r => r.Address).HasMaxLength(300);
        b.Property(r => r.Representative).HasMaxLength(200);
        b.Property(r => r.ContractRef).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<SupervisionRecord> b)
    {
        b.ToTable("SupervisionRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.RecipientId).HasMaxLength(64);
        b.Property(r => r.Findings).HasMaxLength(4000);
        b.Property(r => r.Actions).HasMaxLength(4000);
        b.Property(r => r.RecordedBy).HasMaxLength(80);
        b.HasIndex(r => new { r.TenantId, r.RecipientId, r.HeldOn });
    }

    public void Configure(EntityTypeBuilder<SharedUseMember> b)
    {
        b.ToTable("SharedUseMembers");
        b.HasKey(m => m.Id);
        b.Property(m => m.GroupId).HasMaxLength(64);
        b.Property(m => m.Name).HasMaxLength(300);
        b.Property(m => m.Address).HasMaxLength(300);
        b.Property(m => m.Representative).HasMaxLength(200);
        b.HasIndex(m => new { m.TenantId, m.GroupId });
    }

    public void Configure(EntityTypeBuilder<ProvisionStopRequest> b)
    {
        b.ToTable("ProvisionStopRequests");
        b.HasKey(r => r.Id);
        b.Property(r => r.Channel).HasMaxLength(16);
        b.HasIndex(r => new { r.TenantId, r.At });
    }
}
