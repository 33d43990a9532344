using System.Globalization;

namespace Mamori.Anonymization;

/// <summary>How per-attribute losses are aggregated (ARX's AggregateFunction).</summary>
public enum AggregateFunction
{
    Sum,
    ArithmeticMean,
    GeometricMean,
    Maximum,
    /// <summary>The weighted losses sorted in descending order, compared lexicographically.</summary>
    Rank,
}

/// <summary>The information-loss metrics, each defined as in ARX 3.9 (see docs/anonymization.md).</summary>
public enum MetricKind
{
    /// <summary>ARX "Loss" (MetricMDNMLoss): normalized domain share of the generalized values.</summary>
    Loss,
    /// <summary>Sweeney's precision (MetricMDNMPrecision / MetricMDPrecision).</summary>
    Precision,
    /// <summary>Non-uniform entropy (MetricMDNUNMEntropy / MetricMDNUEntropy).</summary>
    Entropy,
    /// <summary>Discernibility DM (MetricSDNMDiscernability) or DM* (MetricSDDiscernability).</summary>
    Discernibility,
    /// <summary>Average equivalence class size (MetricSDAECS).</summary>
    Aecs,
    /// <summary>Sum of generalization levels (MetricMDHeight).</summary>
    Height,
}

/// <summary>An information-loss metric with its options. Lower is better.</summary>
public sealed record QualityMetric
{
    private QualityMetric(MetricKind kind, bool monotonic, double gsFactor, AggregateFunction aggregate)
    {
        if (!(gsFactor >= 0 && gsFactor <= 1))
            throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, "the generalization/suppression factor must be in [0, 1]");
        Kind = kind;
        Monotonic = monotonic;
        GsFactor = gsFactor;
        Aggregate = aggregate;
    }

    public MetricKind Kind { get; }

    /// <summary>
    /// The monotonic variant ignores suppression (ARX: monotonic entropy, precision and DM*); the
    /// non-monotonic one charges suppressed records.
    /// </summary>
    public bool Monotonic { get; }

    /// <summary>ARX's gs-factor: 0 makes suppression free, 1 makes generalization free, 0.5 weighs both equally.</summary>
    public double GsFactor { get; }

    public AggregateFunction Aggregate { get; }

    /// <summary>ARX's factor for generalized cells, derived from <see cref="GsFactor"/>.</summary>
    public double GeneralizationFactor => GsFactor <= 0.5 ? 1d : 1d - 2d * (GsFactor - 0.5d);

    /// <summary>ARX's factor for suppressed cells, derived from <see cref="GsFactor"/>.</summary>
    public double SuppressionFactor => GsFactor < 0.5 ? 2d * GsFactor : 1d;

    internal bool IsMultiDimensional => Kind is MetricKind.Loss or MetricKind.Precision or MetricKind.Entropy or MetricKind.Height;

    /// <summary>The loss depends only on the levels, never on the data grouping or suppression.</summary>
    internal bool DependsOnLevelsOnly =>
        Kind == MetricKind.Height || (Monotonic && Kind is MetricKind.Entropy or MetricKind.Precision);

    /// <summary>ARX Metric.createLossMetric(gsFactor, function); ARX's default is 0.5 with the geometric mean.</summary>
    public static QualityMetric Loss(double gsFactor = 0.5, AggregateFunction aggregate = AggregateFunction.GeometricMean)
        => new(MetricKind.Loss, false, gsFactor, aggregate);

    /// <summary>ARX Metric.createPrecisionMetric(monotonic, gsFactor, function); default arithmetic mean.</summary>
    public static QualityMetric Precision(bool monotonic = false, AggregateFunction aggregate = AggregateFunction.ArithmeticMean, double gsFactor = 0.5)
        => new(MetricKind.Precision, monotonic, gsFactor, aggregate);

    /// <summary>ARX Metric.createEntropyMetric(monotonic, gsFactor, function) and createPrecomputedEntropyMetric (same values); default sum.</summary>
    public static QualityMetric Entropy(bool monotonic = false, AggregateFunction aggregate = AggregateFunction.Sum, double gsFactor = 0.5)
        => new(MetricKind.Entropy, monotonic, gsFactor, aggregate);

    /// <summary>ARX Metric.createDiscernabilityMetric(monotonic): DM, or DM* when monotonic.</summary>
    public static QualityMetric Discernibility(bool monotonic = false)
        => new(MetricKind.Discernibility, monotonic, 0.5, AggregateFunction.Sum);

    /// <summary>ARX Metric.createAECSMetric(gsFactor).</summary>
    public static QualityMetric Aecs(double gsFactor = 0.5)
        => new(MetricKind.Aecs, false, gsFactor, AggregateFunction.Sum);

    /// <summary>ARX Metric.createHeightMetric(function).</summary>
    public static QualityMetric Height(AggregateFunction aggregate = AggregateFunction.Sum)
        => new(MetricKind.Height, true, 0.5, aggregate);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind}({(Monotonic ? "monotonic" : "non-monotonic")}, gs={GsFactor}, {Aggregate})");
}

/// <summary>
/// The information loss of one transformation: the per-attribute values (or one value for DM,
/// DM* and AECS) and their aggregate. Compare with <see cref="CompareTo"/>; lower is better.
/// </summary>
public sealed class InformationLoss : IComparable<InformationLoss>
{
    internal InformationLoss(double[] values, double[] weights, AggregateFunction aggregate, bool single)
    {
        Values = values;
        Aggregate = aggregate;
        if (single)
        {
            Value = values[0];
            return;
        }
        var n = values.Length;
        switch (aggregate)
        {
            case AggregateFunction.Sum:
            {
                double r = 0;
                for (var i = 0; i < n; i++) r += values[i] * weights[i];
                Value = double.IsInfinity(r) || double.IsNaN(r) ? double.MaxValue : r;
                break;
            }
            case AggregateFunction.ArithmeticMean:
            {
                double r = 0;
                for (var i = 0; i < n; i++) r += values[i] / n * weights[i];
                Value = r;
                break;
            }
            case AggregateFunction.GeometricMean:
            {
                var r = 1.0d;
                for (var i = 0; i < n; i++) r *= Math.Pow(values[i] * weights[i] + 1d, 1.0d / n);
                Value = r - 1d;
                break;
            }
            case AggregateFunction.Maximum:
            {
                var r = 0d;
                for (var i = 0; i < n; i++) r = Math.Max(r, values[i] * weights[i]);
                Value = r;
                break;
            }
            case AggregateFunction.Rank:
            {
                var ranked = new double[n];
                for (var i = 0; i < n; i++) ranked[i] = values[i] * weights[i];
                Array.Sort(ranked);
                Array.Reverse(ranked);
                Ranked = ranked;
                // ARX's scalar stand-in for RANK: the geometric mean of the unweighted values.
                var r = 1.0d;
                for (var i = 0; i < n; i++) r *= Math.Pow(values[i] + 1.0d, 1.0d / n);
                Value = r - 1d;
                break;
            }
        }
    }

    /// <summary>Per-attribute values (quasi-identifiers in data order), or a single value.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The aggregate (for <see cref="AggregateFunction.Rank"/>, ARX's geometric-mean stand-in).</summary>
    public double Value { get; }

    /// <summary>For <see cref="AggregateFunction.Rank"/>: the weighted values in descending order (ARX's printed loss).</summary>
    public IReadOnlyList<double>? Ranked { get; }

    public AggregateFunction Aggregate { get; }

    public int CompareTo(InformationLoss? other)
    {
        if (other is null) return -1;
        if (Ranked is not null && other.Ranked is not null)
        {
            for (var i = 0; i < Ranked.Count; i++)
            {
                var c = Ranked[i].CompareTo(other.Ranked[i]);
                if (c != 0) return c;
            }
            return 0;
        }
        return Value.CompareTo(other.Value);
    }

    public override string ToString() => Ranked is not null
        ? "[" + string.Join(", ", Ranked.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]"
        : Value.ToString("R", CultureInfo.InvariantCulture);
}
