using Mamori.Data;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Incidents;

public enum IncidentStatus
{
    Open,
    PreliminaryReported,
    FinalReported,
    Closed,
}

/// <summary>
/// 漏えい等事案: one leak, loss or damage of personal data, its facts, the reportability decision
/// recomputed from them (a snapshot, so lists can filter on it), and the narrative the PPC report and
/// the notice to persons are drafted from. Free-text fields are staff notes: they stay in this table
/// and never go into audit events or logs.
/// </summary>
public sealed class Incident : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>A short internal title (e.g. "CRM API key leak").</summary>
    public required string Title { get; set; }

    public IncidentKind Kind { get; set; }
    public IncidentCause Cause { get; set; }

    /// <summary>When the business (any department) became aware, UTC.</summary>
    public DateTimeOffset DiscoveredAt { get; set; }

    /// <summary>The JST day of <see cref="DiscoveredAt"/>: day 1 of the report periods.</summary>
    public DateOnly AwareDate { get; set; }

    /// <summary>Data-category ids from the policy (never values).</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Persons staff established so far; null while to be determined. A blast radius never changes it.</summary>
    public long? PersonsKnown { get; set; }

    /// <summary>The upper bound while the count is not established (L-09: it decides the 1,000-person rule).</summary>
    public long? PersonsUpperBound { get; set; }

    public bool SpecialCare { get; set; }
    public bool PropertyDamageRisk { get; set; }
    public bool Suspected { get; set; }
    public bool EncryptedKeysSafe { get; set; }
    public bool MyNumber { get; set; }
    public bool PubliclyExposed { get; set; }

    // Which of the incident's categories the policy marks special-care, My Number or payment-card data, as it did when the
    // categories were recorded: each is a ground by itself, beside the flags staff set above (see IncidentCategories).
    public List<string> SpecialCareCategories { get; set; } = [];
    public List<string> MyNumberCategories { get; set; } = [];
    public List<string> PaymentCardCategories { get; set; } = [];

    /// <summary>(1) 概要.</summary>
    public string? Summary { get; set; }

    /// <summary>(4) 原因 in detail.</summary>
    public string? CauseDetails { get; set; }

    /// <summary>(5) 二次被害又はそのおそれの有無及びその内容.</summary>
    public string? SecondaryDamage { get; set; }

    /// <summary>(6) 本人への対応の実施状況.</summary>
    public string? PersonsResponse { get; set; }

    /// <summary>(7) 公表の実施状況.</summary>
    public string? Publication { get; set; }

    /// <summary>(8) 再発防止のための措置.</summary>
    public string? Prevention { get; set; }

    /// <summary>Measures taken so far (containment).</summary>
    public string? Measures { get; set; }

    /// <summary>(9) その他参考となる事項.</summary>
    public string? OtherNotes { get; set; }

    /// <summary>The inquiry desk named in notices (部署名・連絡先).</summary>
    public string? ContactPoint { get; set; }

    public Guid? OwnerUserId { get; set; }
    public IncidentStatus Status { get; set; }

    // The decision, recomputed whenever a fact changes.
    public bool Reportable { get; set; }
    public List<string> Reasons { get; set; } = [];
    public string? Exemption { get; set; }
    public DateOnly? PreliminaryWarn { get; set; }
    public DateOnly? PreliminaryDue { get; set; }
    public DateOnly? FinalDue { get; set; }
    public int? FinalPeriodDays { get; set; }

    public DateTimeOffset? PreliminaryReportedAt { get; set; }
    public DateTimeOffset? FinalReportedAt { get; set; }

    /// <summary>Every blast-radius computation, in order (<see cref="IncidentBlastRadius.Number"/>) when loaded by <see cref="IncidentRegistry"/>.</summary>
    public List<IncidentBlastRadius> BlastRadii { get; set; } = [];

    /// <summary>
    /// The distinct persons every blast radius together found (the incident's <see cref="IncidentSubject"/>s); null before the first.
    /// The decision uses the larger of this and <see cref="PersonsKnown"/>.
    /// </summary>
    public long? BlastPersons { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IncidentFacts Facts => new()
    {
        AwareDate = AwareDate,
        Kind = Kind,
        Cause = Cause,
        PersonsKnown = PersonsKnown,
        PersonsUpperBound = PersonsUpperBound,
        PersonsFromBlastRadius = BlastPersons,
        SpecialCare = SpecialCare,
        PropertyDamageRisk = PropertyDamageRisk,
        Suspected = Suspected,
        EncryptedKeysSafe = EncryptedKeysSafe,
        MyNumber = MyNumber,
        PubliclyExposed = PubliclyExposed,
        SpecialCareCategories = SpecialCareCategories,
        MyNumberCategories = MyNumberCategories,
        PaymentCardCategories = PaymentCardCategories,
    };
}

/// <summary>The kinds of actor a blast radius can be computed for.</summary>
public enum ActorKindCode
{
    User,
    ApiKey,
}

/// <summary>
/// A data subject an incident affects: its id only. The affected persons are the union of every blast radius of the incident
/// (two stolen keys, or a key and a leaked file), so a row is never removed by a later computation, and <see cref="NotifiedAt"/>
/// belongs to the person and the incident: a person is told once.
/// </summary>
public sealed class IncidentSubject : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid IncidentId { get; set; }
    public required string SubjectId { get; set; }

    /// <summary>When the notice to this person (L-11) was put in the outbox; null while not sent.</summary>
    public DateTimeOffset? NotifiedAt { get; set; }
}

/// <summary>
/// One blast-radius computation of an incident: what a compromised user or API key read in a window (<see cref="ActorId"/>,
/// <see cref="From"/>, <see cref="To"/>), or what a leaked export held (<see cref="LeakedExport"/>). Each keeps its own count;
/// the incident's affected persons are the union of all of them.
/// </summary>
public sealed class IncidentBlastRadius : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid IncidentId { get; set; }

    /// <summary>1 for the incident's first computation, 2 for the next…: their order.</summary>
    public int Number { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public ActorKindCode? ActorKind { get; set; }

    /// <summary>The id the audit chain records for the actor.</summary>
    public string? ActorId { get; set; }

    /// <summary>How staff knew the actor when it was computed: a key's name, a user's sign-in address; null for rows from before 2026-12-07.</summary>
    public string? ActorName { get; set; }

    /// <summary>A key's public prefix, <c>mk_xxxx_</c>.</summary>
    public string? ActorPrefix { get; set; }

    public DateTimeOffset? From { get; set; }
    public DateTimeOffset? To { get; set; }

    /// <summary>The leaked export (<c>kind:id</c>), when the computation traced a file rather than an actor.</summary>
    public string? LeakedExport { get; set; }

    /// <summary>Reads by the actor in the window, or the export's trace events.</summary>
    public long EventsRead { get; set; }

    /// <summary>Audit events checked since the newest checkpoint before the computation (not the size of the log).</summary>
    public long VerifiedEvents { get; set; }

    /// <summary>The distinct persons this computation found.</summary>
    public long Persons { get; set; }

    /// <summary>Of those, the persons no earlier computation of the incident had found.</summary>
    public long NewPersons { get; set; }

    /// <summary>
    /// 「APIキー crm-sync（mk_…_）」, 「利用者 a@example.jp」, 「開示等の請求への回答ファイル（受付番号 R-…）」; the recorded id when no name was kept.
    /// A leaked export is named as a regulator can read it: what the file was and the reference staff know it by.
    /// </summary>
    public (string Ja, string En) Source
    {
        get
        {
            if (LeakedExport is { } export)
                return (export.Split(':')[0], ActorName) switch
                {
                    (Incidents.ExportTraces.Disclosure, { } reference) => ($"開示等の請求への回答ファイル（受付番号 {reference}）", $"the answer file of request {reference}"),
                    (Incidents.ExportTraces.Provision, { } label) => ($"第三者提供の提供ファイル（{label}）", $"the file provided to a third party ({label})"),
                    _ => ($"漏えいしたエクスポート {export}", $"leaked export {export}"),
                };
            var name = ActorName ?? ActorId;
            if (ActorKind == ActorKindCode.User) return ($"利用者 {name}", $"user {name}");
            return ActorPrefix is { } prefix ? ($"APIキー {name}（{prefix}）", $"API key {name} ({prefix})") : ($"APIキー {name}", $"API key {name}");
        }
    }
}

/// <summary>One entry of an incident's timeline: what was done or learnt, when, by whom.</summary>
public sealed class IncidentTimelineEntry : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid IncidentId { get; set; }
    public DateTimeOffset Time { get; set; }

    /// <summary><c>Kind:Id</c> of the actor (see <see cref="Audit.Actor"/>).</summary>
    public required string Actor { get; set; }

    /// <summary><c>note</c>, <c>measure</c>, <c>contact</c>, <c>facts</c>, <c>status</c>, <c>blast-radius</c>…</summary>
    public required string Kind { get; set; }

    /// <summary>In Japanese for what Mamori writes; what people write, in their words.</summary>
    public required string Text { get; set; }

    /// <summary>
    /// The English rendering of an entry Mamori wrote; null for what people write, and for entries written
    /// before 2026-12-07, which Mamori wrote in English only (in <see cref="Text"/>).
    /// </summary>
    public string? TextEn { get; set; }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.Title).HasMaxLength(200);
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Cause).HasConversion<string>().HasMaxLength(32);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(32);
        MamoriDbContext.CommaList(b, i => i.Categories);
        b.Property(i => i.Categories).HasMaxLength(2000);
        MamoriDbContext.CommaList(b, i => i.SpecialCareCategories);
        b.Property(i => i.SpecialCareCategories).HasMaxLength(2000);
        MamoriDbContext.CommaList(b, i => i.MyNumberCategories);
        b.Property(i => i.MyNumberCategories).HasMaxLength(2000);
        MamoriDbContext.CommaList(b, i => i.PaymentCardCategories);
        b.Property(i => i.PaymentCardCategories).HasMaxLength(2000);
        MamoriDbContext.CommaList(b, i => i.Reasons);
        b.Property(i => i.Reasons).HasMaxLength(400);
        b.Property(i => i.Exemption).HasMaxLength(64);
        foreach (var text in new[] { nameof(Incident.Summary), nameof(Incident.CauseDetails), nameof(Incident.SecondaryDamage), nameof(Incident.PersonsResponse),
                     nameof(Incident.Publication), nameof(Incident.Prevention), nameof(Incident.Measures), nameof(Incident.OtherNotes) })
            b.Property<string?>(text).HasMaxLength(20000);
        b.Property(i => i.ContactPoint).HasMaxLength(1000);
        b.HasIndex(i => new { i.TenantId, i.Status, i.FinalDue });
        b.HasMany(i => i.BlastRadii).WithOne().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentBlastRadiusConfiguration : IEntityTypeConfiguration<IncidentBlastRadius>
{
    public void Configure(EntityTypeBuilder<IncidentBlastRadius> b)
    {
        b.ToTable("IncidentBlastRadii");
        b.HasKey(r => r.Id);
        b.Property(r => r.ActorKind).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.ActorId).HasMaxLength(64);
        b.Property(r => r.ActorName).HasMaxLength(254);
        b.Property(r => r.ActorPrefix).HasMaxLength(32);
        b.Property(r => r.LeakedExport).HasMaxLength(100);
        b.HasIndex(r => new { r.TenantId, r.IncidentId, r.Number }).IsUnique();
    }
}

internal sealed class IncidentSubjectConfiguration : IEntityTypeConfiguration<IncidentSubject>
{
    public void Configure(EntityTypeBuilder<IncidentSubject> b)
    {
        b.HasKey(s => new { s.TenantId, s.IncidentId, s.SubjectId });
        b.Property(s => s.SubjectId).HasMaxLength(64);
        b.HasOne<Incident>().WithMany().HasForeignKey(s => s.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentTimelineEntryConfiguration : IEntityTypeConfiguration<IncidentTimelineEntry>
{
    public void Configure(EntityTypeBuilder<IncidentTimelineEntry> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Actor).HasMaxLength(100);
        b.Property(t => t.Kind).HasMaxLength(32);
        b.Property(t => t.Text).HasMaxLength(20000);
        b.Property(t => t.TextEn).HasMaxLength(20000);
        b.HasIndex(t => new { t.TenantId, t.IncidentId, t.Time });
        b.HasOne<Incident>().WithMany().HasForeignKey(t => t.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}
