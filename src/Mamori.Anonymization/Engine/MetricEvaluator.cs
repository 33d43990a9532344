namespace Mamori.Anonymization.Engine;

/// <summary>
/// Computes ARX's information-loss metrics for a transformation from its equivalence classes.
/// The formulas follow ARX 3.9's metric/v2 classes (see docs/anonymization.md), including the
/// floor to 10 decimal places that ARX applies to Loss and entropy.
/// </summary>
internal sealed class MetricEvaluator
{
    private readonly EncodedData _data;
    private readonly QualityMetric _m;
    private readonly double _g;
    private readonly double _s;
    private readonly double _n;
    private readonly double[][] _lossBound;   // [d][level], normalized
    private readonly double[][] _entropy;     // [d][level], raw Σ a·log2(a/b) (≤ 0), times gFactor
    private readonly int[][] _scratch;

    public MetricEvaluator(EncodedData data, QualityMetric metric)
    {
        _data = data;
        _m = metric;
        _g = metric.GeneralizationFactor;
        _s = metric.SuppressionFactor;
        _n = data.Rows;
        var d = data.D;
        _lossBound = new double[d][];
        _entropy = new double[d][];
        _scratch = new int[d][];
        for (var j = 0; j < d; j++)
        {
            var dim = data.Dimensions[j];
            _lossBound[j] = new double[dim.Levels];
            _entropy[j] = new double[dim.Levels];
            _scratch[j] = new int[dim.Cardinality.Max()];
            var a0 = dim.RecordCount[0];
            for (var level = 0; level < dim.Levels; level++)
            {
                double share = 0;
                var rc = dim.RecordCount[level];
                for (var id = 0; id < rc.Length; id++) share += rc[id] * dim.Share[level][id];
                _lossBound[j][level] = NormalizeLoss(share * _g, j);
                double e = 0;
                var up = dim.Up[level];
                for (var id0 = 0; id0 < a0.Length; id0++)
                {
                    double a = a0[id0];
                    if (a != 0d)
                    {
                        double b = rc[up[id0]];
                        e += a * Log2(a / b);
                    }
                }
                _entropy[j][level] = e * _g;
            }
        }
    }

    private static readonly double Ln2 = Math.Log(2);

    private static double Log2(double x) => Math.Log(x) / Ln2; // as ARX computes it

    private static double Floor10(double v) => Math.Floor(v * 1e10) / 1e10;

    private double NormalizeLoss(double aggregate, int j)
    {
        var min = _g * _n / _data.Dimensions[j].Hierarchy.Count;
        var max = _n;
        if (max - min <= 0) return 0;
        var r = (aggregate - min) / (max - min);
        return Floor10(r >= 0 ? r : 0);
    }

    private InformationLoss Multi(double[] values) => new(values, _data.Weights, _m.Aggregate, single: false);

    private static InformationLoss Single(double value) => new([value], [1d], AggregateFunction.Sum, single: true);

    /// <summary>A lower bound of the loss of this node and of every generalization of it, computed without the data; null when there is none.</summary>
    public InformationLoss? StaticBound(int[] levels)
    {
        var d = _data.D;
        switch (_m.Kind)
        {
            case MetricKind.Loss:
            {
                var v = new double[d];
                for (var j = 0; j < d; j++) v[j] = _lossBound[j][levels[j]];
                return Multi(v);
            }
            case MetricKind.Precision:
            {
                var v = new double[d];
                for (var j = 0; j < d; j++) v[j] = PrecisionLevel(j, levels[j]) * _g;
                return Multi(v);
            }
            case MetricKind.Entropy:
            {
                var v = new double[d];
                for (var j = 0; j < d; j++)
                {
                    var e = _entropy[j][levels[j]];
                    v[j] = Floor10(e == 0d ? e : -e);
                }
                return Multi(v);
            }
            case MetricKind.Height:
            {
                var v = new double[d];
                for (var j = 0; j < d; j++) v[j] = levels[j];
                return Multi(v);
            }
            default:
                return null;
        }
    }

    private double PrecisionLevel(int j, int level)
    {
        var height = _data.Dimensions[j].Levels - 1;
        return height == 0 ? 0 : (double)level / height;
    }

    /// <summary>A lower bound of the loss of every generalization of this node, from its classes; null when there is none.</summary>
    public InformationLoss? DynamicBound(int[] levels, GroupTable g)
    {
        switch (_m.Kind)
        {
            case MetricKind.Discernibility:
            {
                double dmStar = 0;
                for (var c = 0; c < g.Count; c++) dmStar += (double)g.Sizes[c] * g.Sizes[c];
                return Single(dmStar);
            }
            case MetricKind.Aecs:
                // Valid only when suppressed records cost no less than a class: the default factors.
                return _g == 1d && _s == 1d ? Single(_n / g.Count) : null;
            default:
                return StaticBound(levels);
        }
    }

    /// <summary>The loss of a transformation whose classes are <paramref name="g"/>, with the given classes suppressed.</summary>
    public InformationLoss Evaluate(int[] levels, GroupTable g, bool[] outlier)
    {
        var d = _data.D;
        switch (_m.Kind)
        {
            case MetricKind.Loss:
            {
                var v = new double[d];
                for (var j = 0; j < d; j++)
                {
                    var share = _data.Dimensions[j].Share[levels[j]];
                    double sum = 0;
                    for (var c = 0; c < g.Count; c++)
                    {
                        double count = g.Sizes[c];
                        if (count == 0) continue;
                        var sh = count * share[g.Keys[c * d + j]];
                        sum += !outlier[c] ? sh * _g : (_s == 1d ? count : sh + _s * (count - sh));
                    }
                    v[j] = NormalizeLoss(sum, j);
                }
                return Multi(v);
            }
            case MetricKind.Precision:
            {
                var v = new double[d];
                if (_m.Monotonic)
                {
                    for (var j = 0; j < d; j++) v[j] = PrecisionLevel(j, levels[j]) * _g;
                    return Multi(v);
                }
                var (suppressed, unsuppressed) = Split(g, outlier);
                for (var j = 0; j < d; j++)
                {
                    v[j] = (unsuppressed * PrecisionLevel(j, levels[j]) * _g + suppressed * _s) / _n;
                }
                return Multi(v);
            }
            case MetricKind.Entropy:
            {
                if (_m.Monotonic) return StaticBound(levels)!;
                var v = new double[d];
                for (var j = 0; j < d; j++) v[j] = _entropy[j][levels[j]];
                var (suppressed, _) = Split(g, outlier);
                if (suppressed != 0)
                {
                    for (var j = 0; j < d; j++)
                    {
                        var counts = _scratch[j];
                        var card = _data.Dimensions[j].Cardinality[levels[j]];
                        Array.Clear(counts, 0, card);
                        for (var c = 0; c < g.Count; c++)
                        {
                            if (outlier[c] && g.Sizes[c] > 0) counts[g.Keys[c * d + j]] += g.Sizes[c];
                        }
                        for (var id = 0; id < card; id++)
                        {
                            if (counts[id] > 0)
                            {
                                double count = counts[id];
                                v[j] += count * Log2(count / suppressed) * _s;
                            }
                        }
                    }
                }
                for (var j = 0; j < d; j++) v[j] = Floor10(v[j] == 0d ? v[j] : -v[j]);
                return Multi(v);
            }
            case MetricKind.Height:
                return StaticBound(levels)!;
            case MetricKind.Discernibility:
            {
                double dm = 0, dmStar = 0;
                for (var c = 0; c < g.Count; c++)
                {
                    double count = g.Sizes[c];
                    if (count == 0) continue;
                    var sq = count * count;
                    dmStar += sq;
                    dm += !outlier[c] ? sq : _n * count;
                }
                return Single(_m.Monotonic ? dmStar : dm);
            }
            case MetricKind.Aecs:
            {
                double with = 0, without = 0;
                for (var c = 0; c < g.Count; c++)
                {
                    if (g.Sizes[c] > 0)
                    {
                        with += !outlier[c] ? 1 : 0;
                        without++;
                    }
                }
                var someSuppressed = with != without;
                // ARX switches the two factors on purpose for AECS.
                with *= _s;
                with = someSuppressed ? with + _g : with;
                return Single(_n / with);
            }
            default:
                throw new InvalidOperationException("unknown metric");
        }
    }

    private static (double Suppressed, double Unsuppressed) Split(GroupTable g, bool[] outlier)
    {
        double s = 0, u = 0;
        for (var c = 0; c < g.Count; c++)
        {
            if (outlier[c]) s += g.Sizes[c];
            else u += g.Sizes[c];
        }
        return (s, u);
    }
}
