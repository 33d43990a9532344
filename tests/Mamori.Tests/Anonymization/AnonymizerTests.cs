using Mamori.Anonymization;
using Shouldly;

namespace Mamori.Tests.Anonymization;

public sealed class AnonymizerTests
{
    private static Table People() => new(
        ["name", "age", "zip", "disease"],
        [
            ["Sato", "21", "100-0001", "flu"],
            ["Suzuki", "23", "100-0002", "cold"],
            ["Takahashi", "27", "100-0003", "flu"],
            ["Tanaka", "34", "150-0001", "asthma"],
            ["Ito", "36", "150-0002", "flu"],
            ["Watanabe", "38", "150-0003", "cold"],
            ["Yamamoto", "61", "530-0001", "cancer"],
        ]);

    private static AnonymizationConfig Config(Table t, double suppression)
    {
        var config = new AnonymizationConfig { SuppressionLimit = suppression, Metric = QualityMetric.Loss() };
        config.Kind("name", AttributeKind.Identifying);
        config.QuasiIdentifier("age", HierarchyBuilder.Intervals(t.Rows.Select(r => r[1]), [10, 20]));
        config.QuasiIdentifier("zip", HierarchyBuilder.PrefixMask(t.Rows.Select(r => r[2])));
        config.Kind("disease", AttributeKind.Sensitive);
        config.Model(new KAnonymity(3));
        return config;
    }

    [Fact]
    public void Anonymize_OneOutlierAllowed_SuppressesItAndRemovesIdentifiers()
    {
        var t = People();
        var result = Anonymizer.Anonymize(t, Config(t, 1.0 / 7), cancellationToken: TestContext.Current.CancellationToken);

        result.Suppressed.ShouldBe(1);
        result.Classes.ShouldBe(2);
        result.Output.Header.ShouldBe(["age", "zip", "disease"]);
        result.Output.Rows[6].ShouldBe(["*", "*", "cancer"]);
        result.Output.Rows[0][0].ShouldBe("20-29");
        result.Output.Rows.Select(r => r[2]).ShouldBe(t.Rows.Select(r => r[3]));
    }

    [Fact]
    public void Anonymize_NoSuppression_GeneralizesFurther()
    {
        var t = People();
        var result = Anonymizer.Anonymize(t, Config(t, 0), cancellationToken: TestContext.Current.CancellationToken);

        result.Suppressed.ShouldBe(0);
        result.Output.Rows.GroupBy(r => r[0] + "|" + r[1]).ShouldAllBe(g => g.Count() >= 3);
    }

    [Fact]
    public void Anonymize_DistinctLDiversity_EveryClassHasLValues()
    {
        var t = People();
        var config = Config(t, 0).Model(new DistinctLDiversity("disease", 2));
        var result = Anonymizer.Anonymize(t, config, cancellationToken: TestContext.Current.CancellationToken);

        result.Output.Rows.GroupBy(r => r[0] + "|" + r[1]).ShouldAllBe(g => g.Select(r => r[2]).Distinct().Count() >= 2);
    }

    [Fact]
    public void Anonymize_LDiversityWithManyDistinctSensitiveValues_MemoryStaysLinearInRows()
    {
        // Regression: every class kept a dense histogram over all distinct sensitive values (classes × values ints,
        // up to 512 cached tables); 10,000 rows with ~10,000 diagnoses took 2 GB and 20,000 ran out of memory.
        var random = new Random(7);
        var rows = Enumerable.Range(0, 5000)
            .Select(_ => new[] { $"{random.Next(1000):000}-{random.Next(10000):0000}", random.Next(2) == 0 ? "M" : "F", $"D{random.Next(5000)}" })
            .ToList();
        var t = new Table(["zip", "sex", "diag"], rows);
        var config = new AnonymizationConfig { SuppressionLimit = 0.02, Metric = QualityMetric.Loss() };
        config.QuasiIdentifier("zip", HierarchyBuilder.PrefixMask(t.Rows.Select(r => r[0])));
        config.QuasiIdentifier("sex", Hierarchy.Suppression(t.Rows.Select(r => r[1])));
        config.Kind("diag", AttributeKind.Sensitive);
        config.Model(new KAnonymity(5)).Model(new DistinctLDiversity("diag", 2));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Anonymizer.Anonymize(t, config, cancellationToken: TestContext.Current.CancellationToken);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        result.Output.Rows.Where(r => r[0] != "*").GroupBy(r => r[0] + "|" + r[1]).ShouldAllBe(g => g.Select(r => r[2]).Distinct().Count() >= 2);
        allocated.ShouldBeLessThan(400L << 20); // dense histograms allocated several GB here
    }

    [Fact]
    public void Anonymize_ValueMissingFromHierarchy_ThrowsWithRowButNotValue()
    {
        var t = People();
        var config = Config(t, 0);
        config.Hierarchies["age"] = HierarchyBuilder.Intervals(["21", "23"], [10]);
        var e = Should.Throw<AnonymizationException>(() => Anonymizer.Anonymize(t, config, cancellationToken: TestContext.Current.CancellationToken));
        e.Code.ShouldBe("MAMORI-8004");
        e.Message.ShouldContain("row 3");
        e.Message.ShouldNotContain("27");
    }

    [Fact]
    public void Anonymize_ModelOnNonSensitiveAttribute_ThrowsNotSensitive()
    {
        var t = People();
        var config = Config(t, 0).Model(new DistinctLDiversity("zip", 2));
        Should.Throw<AnonymizationException>(() => Anonymizer.Anonymize(t, config, cancellationToken: TestContext.Current.CancellationToken))
            .Code.ShouldBe("MAMORI-8008");
    }

    [Fact]
    public void Anonymize_KLargerThanTable_ThrowsNoSolution()
    {
        var t = People();
        var config = Config(t, 0);
        config.Models.Clear();
        config.Model(new KAnonymity(8));
        Should.Throw<AnonymizationException>(() => Anonymizer.Anonymize(t, config, cancellationToken: TestContext.Current.CancellationToken))
            .Code.ShouldBe("MAMORI-8010");
    }

    [Fact]
    public void Evaluate_WrongNumberOfLevels_ThrowsInvalidTransformation()
    {
        var t = People();
        Should.Throw<AnonymizationException>(() => Anonymizer.Evaluate(t, Config(t, 0), [0]))
            .Code.ShouldBe("MAMORI-8009");
    }

    [Fact]
    public void Evaluate_TopNode_LossMetricIsOne()
    {
        var t = People();
        var config = Config(t, 0);
        var top = new[] { config.Hierarchies["age"].Levels - 1, config.Hierarchies["zip"].Levels - 1 };
        var result = Anonymizer.Evaluate(t, config, top);
        result.Loss.Values.ShouldAllBe(v => v == 1.0);
        result.Classes.ShouldBe(1);
    }
}
