using System.Text.Encodings.Web;
using System.Text.Json;
using Mamori.Data;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Datasets;

public enum DatasetKind
{
    /// <summary>仮名加工情報 (APPI Art.2(5), 41-42; L-25): keyed pseudonyms, the key (削除情報等) in the key ring.</summary>
    Pseudonymized = 0,

    /// <summary>匿名加工情報 (APPI Art.2(6), 43-46; L-26): generalized and suppressed; its items are published.</summary>
    Anonymized = 1,
}

/// <summary>
/// A registered pseudonymized or anonymized dataset: what it contains (column names = items), what
/// was done, and the limits it carries. Never holds a value of the data, and never the key (only its id).
/// </summary>
public sealed class ProcessedDataset : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public DatasetKind Kind { get; set; }
    public required string Name { get; set; }

    /// <summary>The items (columns) the dataset contains; for an anonymized dataset these are published (Art.43(3)).</summary>
    public List<string> Items { get; set; } = [];

    /// <summary>
    /// Anonymized: each item in words for the public notice (年齢（20歳刻み）, Art.43(3)). Datasets registered
    /// before labels existed have none; the notice then shows the column name.
    /// </summary>
    public List<ItemLabel> ItemLabels { get; set; } = [];

    /// <summary>Pseudonymized: the columns replaced by pseudonyms.</summary>
    public List<string> Replaced { get; set; } = [];

    /// <summary>Columns deleted: identifiers removed, identification codes and property-damage items (Rules 31).</summary>
    public List<string> Deleted { get; set; } = [];

    /// <summary>Pseudonymized: the policy purposes it may be used for (Art.41(3)); nothing else.</summary>
    public List<string> Purposes { get; set; } = [];

    /// <summary>The processing method and its safety measures (Art.43(1)(2), Rules 34-35), as text.</summary>
    public required string SafetyMeasures { get; set; }

    /// <summary>Anonymized: how it is provided to third parties (published with the items before any provision, Art.44).</summary>
    public string? ProvisionMethod { get; set; }

    public int RowCount { get; set; }

    /// <summary>Anonymized: the k of its k-anonymity, as registered (the largest k of its models); null for pseudonymized data and for datasets registered before it was kept.</summary>
    public int? K { get; set; }

    /// <summary>Pseudonymized: the id of its key in the key ring; never the key.</summary>
    public string? KeyId { get; set; }

    /// <summary>When the key was deleted: from then on the pseudonyms cannot be linked to anyone or to new data.</summary>
    public DateTimeOffset? KeyDeletedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>An item (column) of a dataset in words: Japanese, and English for the English notice (falls back to the Japanese).</summary>
public sealed record ItemLabel(string Item, string Ja, string? En = null);

public sealed class ProcessedDatasetConfiguration : IEntityTypeConfiguration<ProcessedDataset>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string ToJson(List<ItemLabel> labels) => labels.Count == 0 ? "" : JsonSerializer.Serialize(labels, Json);

    private static List<ItemLabel> FromJson(string json) => json.Length == 0 ? [] : JsonSerializer.Deserialize<List<ItemLabel>>(json, Json) ?? [];

    public void Configure(EntityTypeBuilder<ProcessedDataset> b)
    {
        b.ToTable("ProcessedDatasets");
        b.HasKey(d => d.Id);
        b.Property(d => d.Name).HasMaxLength(200);
        MamoriDbContext.CommaList(b, d => d.Items);
        b.Property(d => d.Items).HasMaxLength(4000);
        // JSON, because a label may hold a comma; "" (the value rows made before labels get) is no labels.
        b.Property(d => d.ItemLabels).HasConversion(v => ToJson(v), v => FromJson(v),
            new ValueComparer<List<ItemLabel>>((a, c) => a!.SequenceEqual(c!), v => v.Aggregate(0, (h, l) => HashCode.Combine(h, l.GetHashCode())), v => v.ToList()));
        MamoriDbContext.CommaList(b, d => d.Replaced);
        b.Property(d => d.Replaced).HasMaxLength(4000);
        MamoriDbContext.CommaList(b, d => d.Deleted);
        b.Property(d => d.Deleted).HasMaxLength(4000);
        MamoriDbContext.CommaList(b, d => d.Purposes);
        b.Property(d => d.Purposes).HasMaxLength(2000);
        b.Property(d => d.SafetyMeasures).HasMaxLength(4000);
        b.Property(d => d.ProvisionMethod).HasMaxLength(500);
        b.Property(d => d.KeyId).HasMaxLength(64);
        b.Property(d => d.CreatedBy).HasMaxLength(80);
        b.HasIndex(d => new { d.TenantId, d.CreatedAt });
    }
}
