namespace Mamori.Anonymization;

/// <summary>How an attribute takes part in anonymization (ARX's attribute types).</summary>
public enum AttributeKind
{
    /// <summary>Directly identifying (name, My Number): removed from the output.</summary>
    Identifying,
    /// <summary>Quasi-identifying: generalized along its hierarchy; forms the equivalence classes.</summary>
    QuasiIdentifying,
    /// <summary>Sensitive: kept, and protected by l-diversity or t-closeness where a model names it.</summary>
    Sensitive,
    /// <summary>Insensitive: kept as is.</summary>
    Insensitive,
}
