using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Mamori.Anonymization;

namespace Mamori.Tests.Anonymization;

/// <summary>A small random table with three quasi-identifiers, one sensitive attribute and a model set.</summary>
public sealed record SmallCase(int[] A, int[] B, int[] C, int[] S, int K, double Suppression, int Variant, double Parameter, int MetricIndex)
{
    public static readonly string[] BValues = ["A", "B", "C", "D"];

    public static readonly QualityMetric[] Metrics =
    [
        QualityMetric.Entropy(), QualityMetric.Entropy(monotonic: true), QualityMetric.Loss(),
        QualityMetric.Loss(0.5, AggregateFunction.Rank), QualityMetric.Loss(0.2), QualityMetric.Precision(),
        QualityMetric.Precision(monotonic: true), QualityMetric.Discernibility(), QualityMetric.Discernibility(monotonic: true),
        QualityMetric.Aecs(), QualityMetric.Height(),
    ];

    public Table Table()
    {
        var rows = new List<string[]>();
        for (var i = 0; i < A.Length; i++)
        {
            rows.Add([
                $"id{i}",
                A[i].ToString(CultureInfo.InvariantCulture),
                BValues[B[i]],
                (100 + C[i]).ToString(CultureInfo.InvariantCulture),
                $"s{S[i]}",
            ]);
        }
        return new Table(["name", "a", "b", "c", "s"], rows);
    }

    public AnonymizationConfig Config()
    {
        var config = new AnonymizationConfig { SuppressionLimit = Suppression, Metric = Metrics[MetricIndex] };
        config.Kind("name", AttributeKind.Identifying);
        config.QuasiIdentifier("a", HierarchyBuilder.Intervals(Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), [2, 4]));
        config.QuasiIdentifier("b", Hierarchy.FromRows([["A", "AB", "*"], ["B", "AB", "*"], ["C", "CD", "*"], ["D", "CD", "*"]]));
        config.QuasiIdentifier("c", HierarchyBuilder.PrefixMask(Enumerable.Range(100, 12).Select(i => i.ToString(CultureInfo.InvariantCulture))));
        config.Kind("s", AttributeKind.Sensitive);
        config.Model(new KAnonymity(K));
        switch (Variant)
        {
            case 1: config.Model(new DistinctLDiversity("s", (int)Parameter)); break;
            case 2: config.Model(new EntropyLDiversity("s", Parameter)); break;
            case 3: config.Model(new EqualDistanceTCloseness("s", Parameter)); break;
        }
        return config;
    }

    public override string ToString() =>
        $"n={A.Length} k={K} supp={Suppression} variant={Variant} p={Parameter} metric={Metrics[MetricIndex]}";
}

public static class AnonymizationArbitraries
{
    public static Arbitrary<SmallCase> SmallCase()
    {
        var gen =
            from n in Gen.Choose(1, 40)
            from a in Gen.ArrayOf(Gen.Choose(0, 9), n)
            from b in Gen.ArrayOf(Gen.Choose(0, 3), n)
            from c in Gen.ArrayOf(Gen.Choose(0, 11), n)
            from s in Gen.ArrayOf(Gen.Choose(0, 4), n)
            from k in Gen.Choose(1, 5)
            from suppression in Gen.Elements(0d, 0.05, 0.1, 0.3, 1d)
            from variant in Gen.Choose(0, 3)
            from parameter in variant switch
            {
                1 => Gen.Choose(1, 3).Select(x => (double)x),
                2 => Gen.Elements(1d, 1.5, 2d, 2.5),
                3 => Gen.Elements(0.2, 0.5, 0.9),
                _ => Gen.Constant(0d),
            }
            from metric in Gen.Choose(0, Mamori.Tests.Anonymization.SmallCase.Metrics.Length - 1)
            select new SmallCase(a, b, c, s, k, suppression, variant, parameter, metric);
        return Arb.From(gen);
    }
}
