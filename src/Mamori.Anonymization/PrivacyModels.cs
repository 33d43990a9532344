using System.Globalization;

namespace Mamori.Anonymization;

/// <summary>A privacy model checked on every equivalence class (ARX's class-based criteria).</summary>
public abstract record PrivacyModel
{
    private protected PrivacyModel() { }

    /// <summary>The sensitive attribute the model protects, or null (k-anonymity).</summary>
    public virtual string? Attribute => null;

    /// <summary>
    /// True when a generalization of a transformation that satisfies the model within a positive
    /// suppression limit also does (so predictive tagging is sound for every limit). Entropy
    /// l-diversity and t-closeness are monotone only when no record may be suppressed.
    /// </summary>
    internal abstract bool MonotoneWithSuppression { get; }

    internal abstract void Validate();

    /// <summary>
    /// Does a class of <paramref name="size"/> records pass, given the distinct sensitive values it holds
    /// (<paramref name="values"/>, ascending ids) and how often each occurs (<paramref name="counts"/>)?
    /// <paramref name="overall"/> is the frequency of every value id in the whole table.
    /// </summary>
    internal abstract bool Passes(int size, ReadOnlySpan<int> values, ReadOnlySpan<int> counts, ReadOnlySpan<double> overall);
}

/// <summary>k-anonymity: every class holds at least k records.</summary>
public sealed record KAnonymity(int K) : PrivacyModel
{
    internal override bool MonotoneWithSuppression => true;

    internal override void Validate()
    {
        if (K < 1) throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, "k must be at least 1");
    }

    internal override bool Passes(int size, ReadOnlySpan<int> values, ReadOnlySpan<int> counts, ReadOnlySpan<double> overall) => size >= K;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{K}-anonymity");
}

/// <summary>Distinct l-diversity: every class holds at least l distinct values of the sensitive attribute.</summary>
public sealed record DistinctLDiversity(string SensitiveAttribute, int L) : PrivacyModel
{
    public override string? Attribute => SensitiveAttribute;

    internal override bool MonotoneWithSuppression => true;

    internal override void Validate()
    {
        if (L < 1) throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, "l must be at least 1");
    }

    internal override bool Passes(int size, ReadOnlySpan<int> values, ReadOnlySpan<int> counts, ReadOnlySpan<double> overall) =>
        values.Length >= L;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"distinct-{L}-diversity({SensitiveAttribute})");
}

/// <summary>Entropy l-diversity: the entropy of the sensitive values in every class is at least log2(l).</summary>
public sealed record EntropyLDiversity(string SensitiveAttribute, double L) : PrivacyModel
{
    public override string? Attribute => SensitiveAttribute;

    internal override bool MonotoneWithSuppression => false;

    internal override void Validate()
    {
        if (!(L >= 1) || double.IsInfinity(L)) throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, "l must be at least 1");
    }

    internal override bool Passes(int size, ReadOnlySpan<int> values, ReadOnlySpan<int> counts, ReadOnlySpan<double> overall)
    {
        if (size == 0) return true;
        double entropy = 0;
        double n = size;
        foreach (var c in counts)
        {
            var p = c / n;
            entropy -= p * Math.Log2(p);
        }
        // A small tolerance so that a class with exactly l equally frequent values passes.
        return entropy >= Math.Log2(L) - 1e-12;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"entropy-{L}-diversity({SensitiveAttribute})");
}

/// <summary>
/// t-closeness with the equal ground distance: the earth mover's distance between the class's
/// distribution of the sensitive values and the whole table's, ½ Σ |p_i − q_i|, is at most t.
/// </summary>
public sealed record EqualDistanceTCloseness(string SensitiveAttribute, double T) : PrivacyModel
{
    public override string? Attribute => SensitiveAttribute;

    internal override bool MonotoneWithSuppression => false;

    internal override void Validate()
    {
        if (!(T >= 0 && T <= 1)) throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, "t must be in [0, 1]");
    }

    internal override bool Passes(int size, ReadOnlySpan<int> values, ReadOnlySpan<int> counts, ReadOnlySpan<double> overall)
    {
        if (size == 0) return true;
        double n = size;
        double distance = 0;
        // Every value id in order, absent ones with a count of 0: the same sum, term by term, as over a dense histogram.
        var k = 0;
        for (var i = 0; i < overall.Length; i++)
        {
            var count = k < values.Length && values[k] == i ? counts[k++] : 0;
            distance += Math.Abs(count / n - overall[i]);
        }
        return distance / 2 <= T + 1e-12;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{T}-closeness({SensitiveAttribute}, equal distance)");
}
