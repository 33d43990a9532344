using Mamori.Data;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Consent;

/// <summary>
/// One entry of the append-only consent ledger (同意): a grant or a withdrawal of a scope. What held at
/// time T is the latest entry for the scope at or before T. Scopes: <c>purpose:&lt;id&gt;</c>,
/// <c>special-care</c>, <c>provision:&lt;recipient&gt;</c>, <c>foreign:&lt;recipient&gt;</c>,
/// <c>cookies:&lt;category&gt;</c>.
/// </summary>
public sealed class ConsentRecord : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SubjectId { get; set; }
    public required string Scope { get; set; }
    public bool Granted { get; set; }
    public DateTimeOffset At { get; set; }
    public int PolicyVersion { get; set; }
    public ConsentMethod Method { get; set; }

    /// <summary>Where the evidence is (form submission id, scanned paper id…); an id, not content.</summary>
    public string? EvidenceRef { get; set; }

    /// <summary>For a minor below the configured age (S-13): the guardian gave or joined the consent.</summary>
    public bool GuardianConsent { get; set; }

    /// <summary>Foreign provision: the country, its system and the recipient's measures were shown (L-14).</summary>
    public bool ForeignInfoShown { get; set; }

    public string? RecordedBy { get; set; }
}

public enum ConsentMethod
{
    WebForm = 0,
    Paper = 1,
    Oral = 2,
    ElectronicSignature = 3,
    Api = 4,
}

public static class ConsentScopes
{
    public const string SpecialCare = "special-care";

    public static string Purpose(string id) => "purpose:" + id;
}

internal sealed class ConsentRecordConfiguration : IEntityTypeConfiguration<ConsentRecord>
{
    public void Configure(EntityTypeBuilder<ConsentRecord> b)
    {
        b.ToTable("ConsentRecords");
        b.HasKey(c => c.Id);
        b.Property(c => c.Scope).HasMaxLength(120);
        b.Property(c => c.EvidenceRef).HasMaxLength(200);
        b.Property(c => c.RecordedBy).HasMaxLength(80);
        b.HasIndex(c => new { c.TenantId, c.SubjectId, c.Scope, c.At });
    }
}

/// <summary>Answers "does this consent hold at time T?" from the ledger.</summary>
public sealed class ConsentLedger(MamoriDbContext db)
{
    public async Task<bool> HoldsAsync(Guid subjectId, string scope, DateTimeOffset at, CancellationToken ct = default)
    {
        var latest = await db.Set<ConsentRecord>().AsNoTracking()
            .Where(c => c.SubjectId == subjectId && c.Scope == scope && c.At <= at)
            .OrderByDescending(c => c.At).ThenByDescending(c => c.Id)
            .Select(c => (bool?)c.Granted).FirstOrDefaultAsync(ct);
        return latest == true;
    }
}
