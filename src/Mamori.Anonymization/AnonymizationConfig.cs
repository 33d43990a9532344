namespace Mamori.Anonymization;

/// <summary>
/// What to anonymize and how: the kind of each attribute (attributes not named are insensitive),
/// hierarchies of the quasi-identifiers, the privacy models, the suppression limit and the metric.
/// </summary>
public sealed class AnonymizationConfig
{
    public Dictionary<string, AttributeKind> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Hierarchies of quasi-identifiers. A quasi-identifier without one gets value → "*".</summary>
    public Dictionary<string, Hierarchy> Hierarchies { get; } = new(StringComparer.Ordinal);

    /// <summary>Optional attribute weights for the multi-dimensional metrics (ARX normalizes by the largest).</summary>
    public Dictionary<string, double> Weights { get; } = new(StringComparer.Ordinal);

    public List<PrivacyModel> Models { get; } = [];

    /// <summary>The largest fraction of records that may be suppressed (ARX: floor(limit × n) records).</summary>
    public double SuppressionLimit { get; set; }

    public QualityMetric Metric { get; set; } = QualityMetric.Entropy();

    public AnonymizationConfig QuasiIdentifier(string attribute, Hierarchy? hierarchy = null)
    {
        Attributes[attribute] = AttributeKind.QuasiIdentifying;
        if (hierarchy is not null) Hierarchies[attribute] = hierarchy;
        return this;
    }

    public AnonymizationConfig Kind(string attribute, AttributeKind kind)
    {
        Attributes[attribute] = kind;
        return this;
    }

    public AnonymizationConfig Model(PrivacyModel model)
    {
        Models.Add(model);
        return this;
    }
}
