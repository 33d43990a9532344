using Mamori.Data;
using Mamori.Policy;
using Mamori.Provision;
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

    /// <summary>The consent receipt this entry was issued with (one receipt may cover several scopes). Random, unguessable.</summary>
    public Guid? ReceiptId { get; set; }

    /// <summary>Order of entries for one subject and scope: at equal <see cref="At"/> the later-recorded entry wins.</summary>
    public int Seq { get; set; }
}

public enum ConsentMethod
{
    WebForm = 0,
    Paper = 1,
    Oral = 2,
    ElectronicSignature = 3,
    Api = 4,
}

public static class ConsentMethods
{
    /// <summary>How the consent was given, as the person reads it.</summary>
    public static LocalizedText Name(ConsentMethod m) => m switch
    {
        ConsentMethod.WebForm => new("Webフォーム", "Web form"),
        ConsentMethod.Paper => new("書面", "Paper"),
        ConsentMethod.Oral => new("口頭", "Oral"),
        ConsentMethod.ElectronicSignature => new("電子署名", "Electronic signature"),
        _ => new("API", "API"),
    };
}

public static class ConsentScopes
{
    public const string SpecialCare = "special-care";

    public const string PurposePrefix = "purpose:";
    public const string ProvisionPrefix = "provision:";
    public const string ForeignPrefix = "foreign:";
    public const string CookiesPrefix = "cookies:";

    public static string Purpose(string id) => PurposePrefix + id;

    /// <summary>Provision to a named recipient (Art.27(1)).</summary>
    public static string Provision(string recipient) => ProvisionPrefix + recipient;

    /// <summary>Provision to a named recipient in a foreign country, after the L-14 items were shown (Art.28).</summary>
    public static string Foreign(string recipient) => ForeignPrefix + recipient;

    /// <summary>Cookies and tags of a category (essential, functional, analytics, advertising).</summary>
    public static string Cookies(string category) => CookiesPrefix + category;

    /// <summary>A cookie category as people read it.</summary>
    public static LocalizedText CookieCategoryName(TagCategory category) => category switch
    {
        TagCategory.Essential => new("必須", "essential"),
        TagCategory.Functional => new("機能", "functional"),
        TagCategory.Analytics => new("分析", "analytics"),
        _ => new("広告", "advertising"),
    };

    /// <summary>
    /// A recorded scope as the person reads it, with the names the policy gives (「利用目的：メールマガジンの配信」);
    /// an id the policy no longer declares (a consent given under an older version) stays as recorded.
    /// </summary>
    public static LocalizedText Name(string scope, PolicyModel model)
    {
        if (scope == SpecialCare) return new("要配慮個人情報の取得", "Acquisition of special-care personal information");
        var colon = scope.IndexOf(':');
        var id = colon < 0 ? scope : scope[(colon + 1)..];
        LocalizedText Recipient() => RecipientRegistry.Declared(model).Where(r => r.Id == id).Select(r => r.Name).FirstOrDefault() ?? new(id, id);
        switch (colon < 0 ? "" : scope[..(colon + 1)])
        {
            case PurposePrefix:
                var purpose = model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes)).FirstOrDefault(p => p.Id == id)?.Name ?? new(id, id);
                return new("利用目的：" + purpose.Ja, "Purpose: " + purpose.Get(NoticeLanguage.En));
            case ProvisionPrefix:
                var third = Recipient();
                return new("第三者提供：" + third.Ja, "Provision to a third party: " + third.Get(NoticeLanguage.En));
            case ForeignPrefix:
                var foreign = Recipient();
                return new("外国にある第三者への提供：" + foreign.Ja, "Provision to a third party in a foreign country: " + foreign.Get(NoticeLanguage.En));
            case CookiesPrefix when Enum.TryParse<TagCategory>(id, ignoreCase: true, out var category):
                var c = CookieCategoryName(category);
                return new($"Cookie・外部送信（{c.Ja}）", $"Cookies and tags ({c.En})");
            default:
                return new(scope, scope);
        }
    }
}

internal sealed class ConsentRecordConfiguration : IEntityTypeConfiguration<ConsentRecord>
{
    public void Configure(EntityTypeBuilder<ConsentRecord> b)
    {
        b.ToTable("ConsentRecords");
        b.HasKey(c => c.Id);
        b.Property(c => c.Scope).HasMaxLength(120);
        b.Property(c => c.EvidenceRef).HasMaxLength(EvidenceRefs.MaxLength);
        b.Property(c => c.RecordedBy).HasMaxLength(80);
        b.HasIndex(c => new { c.TenantId, c.SubjectId, c.Scope, c.At });
                b.HasIndex(c => new { c.TenantId, c.ReceiptId });
    }
}

/// <summary>Answers "does this consent hold at time T?" from the ledger.</summary>
public sealed class ConsentLedger(MamoriDbContext db)
{
    public async Task<bool> HoldsAsync(Guid subjectId, string scope, DateTimeOffset at, CancellationToken ct = default)
    {
        var latest = await db.Set<ConsentRecord>().AsNoTracking()
            .Where(c => c.SubjectId == subjectId && c.Scope == scope && c.At <= at)
            .OrderByDescending(c => c.At).ThenByDescending(c => c.Seq).ThenByDescending(c => c.Id)
            .Select(c => (bool?)c.Granted).FirstOrDefaultAsync(ct);
        return latest == true;
    }

    /// <summary>The latest entry per subject and scope at <paramref name="at"/>, for many subjects in one query (provision checks).</summary>
    public async Task<Dictionary<(Guid Subject, string Scope), LedgerEntry>> LatestManyAsync(
        IReadOnlyCollection<Guid> subjectIds, IReadOnlyCollection<string> scopes, DateTimeOffset at, CancellationToken ct = default)
    {
        var result = new Dictionary<(Guid, string), LedgerEntry>();
        if (subjectIds.Count == 0 || scopes.Count == 0) return result;
        var ids = subjectIds as Guid[] ?? subjectIds.ToArray();
        var names = scopes as string[] ?? scopes.ToArray();
        var rows = await db.Set<ConsentRecord>().AsNoTracking()
            .Where(c => names.Contains(c.Scope) && c.At <= at && ids.Contains(c.SubjectId))
            .Select(c => new LedgerEntry(c.Id, c.SubjectId, c.Scope, c.Granted, c.At, c.Seq, c.ForeignInfoShown, c.PolicyVersion))
            .ToListAsync(ct);
        foreach (var r in rows)
        {
            var key = (r.SubjectId, r.Scope);
            if (!result.TryGetValue(key, out var seen) || Later(r, seen)) result[key] = r;
        }
        return result;
    }

    private static bool Later(LedgerEntry a, LedgerEntry b) =>
        a.At != b.At ? a.At > b.At : a.Seq != b.Seq ? a.Seq > b.Seq : a.Id.CompareTo(b.Id) > 0;
}

/// <summary>A ledger entry without its evidence, as the provision checks read it.</summary>
public sealed record LedgerEntry(Guid Id, Guid SubjectId, string Scope, bool Granted, DateTimeOffset At, int Seq, bool ForeignInfoShown, int PolicyVersion);
