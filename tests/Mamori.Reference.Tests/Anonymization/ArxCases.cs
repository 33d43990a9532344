using System.Globalization;
using System.Text.RegularExpressions;
using Mamori.Anonymization;

namespace Mamori.Reference.Tests.Anonymization;

/// <summary>Reads ARX's adult data, hierarchies and expected results from ../shared/reference/arx.</summary>
internal static partial class ArxCases
{
    private static readonly Lazy<Table> AdultTable = new(() => Table.ReadCsv(ReferenceData.Path("arx", "data", "adult.csv"), ';'));
    private static readonly Dictionary<string, Hierarchy> HierarchyCache = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    public static Table Adult => AdultTable.Value;

    public static Hierarchy HierarchyOf(string attribute)
    {
        lock (Gate)
        {
            if (!HierarchyCache.TryGetValue(attribute, out var h))
            {
                h = Hierarchy.ReadArxCsv(ReferenceData.Path("arx", "data", $"adult_hierarchy_{attribute}.csv"), ';');
                HierarchyCache[attribute] = h;
            }
            return h;
        }
    }

    /// <summary>Rows of a reference CSV as dictionaries by header name.</summary>
    public static List<Dictionary<string, string>> ReadRows(string file)
    {
        using var reader = new StreamReader(ReferenceData.Path("arx", file));
        var table = Table.ReadCsv(reader, ',', file);
        return table.Rows.Select(r => table.Header.Select((h, i) => (h, i)).ToDictionary(t => t.h, t => r[t.i], StringComparer.Ordinal)).ToList();
    }

    public static AnonymizationConfig Config(string quasiIdentifiers, int k, double suppression, QualityMetric metric, string? weights)
    {
        var config = new AnonymizationConfig { SuppressionLimit = suppression, Metric = metric };
        foreach (var qi in quasiIdentifiers.Split(';')) config.QuasiIdentifier(qi, HierarchyOf(qi));
        config.Model(new KAnonymity(k));
        if (!string.IsNullOrEmpty(weights))
        {
            foreach (var pair in weights.Split(';'))
            {
                var parts = pair.Split('=');
                config.Weights[parts[0]] = double.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }
        return config;
    }

    public static int[] ParseLevels(string text) =>
        text.Trim('[', ']').Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    public static double[] ParseLoss(string text) =>
        text.Trim('[', ']').Split(',', StringSplitOptions.TrimEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Maps ARX's metric factory expression to the engine's metric; null when not implemented.</summary>
    public static QualityMetric? ParseMetric(string expression)
    {
        var m = MetricExpression().Match(expression);
        if (!m.Success) return null;
        var args = m.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var aggregate = args.Any(a => a == "AggregateFunction.RANK") ? AggregateFunction.Rank : (AggregateFunction?)null;
        var numbers = args.Where(a => a.EndsWith('d')).Select(a => double.Parse(a.TrimEnd('d'), CultureInfo.InvariantCulture)).ToList();
        var monotonic = args.Contains("true");
        return m.Groups["name"].Value switch
        {
            "createAECSMetric" => QualityMetric.Aecs(),
            "createDiscernabilityMetric" => QualityMetric.Discernibility(monotonic),
            "createEntropyMetric" => QualityMetric.Entropy(monotonic),
            // The precomputation threshold (first number) changes only how ARX computes, not the values.
            "createPrecomputedEntropyMetric" => QualityMetric.Entropy(monotonic),
            "createHeightMetric" => QualityMetric.Height(),
            "createPrecisionMetric" => QualityMetric.Precision(monotonic),
            "createLossMetric" => QualityMetric.Loss(numbers.Count > 0 ? numbers[0] : 0.5, aggregate ?? AggregateFunction.GeometricMean),
            _ => null,
        };
    }

    [GeneratedRegex(@"^Metric\.(?<name>\w+)\((?<args>[^)]*)\)$")]
    private static partial Regex MetricExpression();

    /// <summary>The loss as ARX prints it: the ranked vector for RANK, else the aggregate.</summary>
    public static double[] Printed(InformationLoss loss) => loss.Ranked is { } r ? [.. r] : [loss.Value];
}
