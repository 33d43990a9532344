namespace Mamori.Discovery;

/// <summary>Options for <see cref="PiiAnalyzer"/>.</summary>
public sealed record AnalyzerOptions
{
    /// <summary>Entities to report; null reports all of <see cref="EntityTypes.All"/>.</summary>
    public IReadOnlySet<string>? Entities { get; init; }

    /// <summary>Findings with a lower score are dropped. 0 keeps everything.</summary>
    public double ScoreThreshold { get; init; }

    /// <summary>
    /// Regions whose national phone formats are recognised (libphonenumber region codes). Japan always is;
    /// numbers written with a leading '+' are recognised for any region.
    /// </summary>
    public IReadOnlyList<string> PhoneRegions { get; init; } = ["JP"];

    /// <summary>When true (the default) overlapping findings are resolved to the highest-scoring one.</summary>
    public bool ResolveOverlaps { get; init; } = true;
}
