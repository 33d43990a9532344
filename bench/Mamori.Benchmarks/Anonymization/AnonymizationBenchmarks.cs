using BenchmarkDotNet.Attributes;
using Mamori.Anonymization;
using Mamori.Anonymization.Engine;

namespace Mamori.Benchmarks.Anonymization;

/// <summary>
/// ARX's adult data (30,162 rows, 9 quasi-identifiers), 5-anonymity with a 4% suppression limit
/// and ARX's non-uniform entropy (monotonic): time to the globally optimal transformation. The data is read
/// from ../shared/reference/arx at run time (never copied) and replicated in memory 10× and 100×.
/// Baseline: one grouping pass over all rows at the bottom node, the least any search must do.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class AnonymizationBenchmarks
{
    private static readonly string[] QuasiIdentifiers =
        ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation", "salary-class"];

    private Table _table = null!;
    private AnonymizationConfig _config = null!;
    private EncodedData _encoded = null!;

    [Params(1, 10, 100)]
    public int Scale { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(ReferenceDirectory(), "arx", "data");
        var adult = Table.ReadCsv(Path.Combine(dir, "adult.csv"), ';');
        var rows = new List<string[]>(adult.RowCount * Scale);
        for (var i = 0; i < Scale; i++) rows.AddRange(adult.Rows);
        _table = new Table(adult.Header, rows);
        _config = new AnonymizationConfig { SuppressionLimit = 0.04, Metric = QualityMetric.Entropy(monotonic: true) };
        foreach (var q in QuasiIdentifiers)
            _config.QuasiIdentifier(q, Hierarchy.ReadArxCsv(Path.Combine(dir, $"adult_hierarchy_{q}.csv"), ';'));
        // Replicating the rows multiplies every class size by Scale, so with k = 5 the 10× and 100×
        // tables would be 5-anonymous at the bottom node. k = 5 × Scale keeps the same optimum and
        // the same lattice work, so the figures show what the row count costs.
        _config.Model(new KAnonymity(5 * Scale));
        _encoded = EncodedData.Create(_table, _config);
    }

    /// <summary>One pass grouping every row at the bottom of the lattice.</summary>
    [Benchmark(Baseline = true)]
    public int GroupBottomNode() => GroupTable.FromRows(_encoded, new int[_encoded.D]).Count;

    /// <summary>The search alone, on the encoded data (includes its own bottom grouping).</summary>
    [Benchmark]
    public int SearchOptimum() => Anonymizer.Search(_encoded, null, CancellationToken.None).Node;

    /// <summary>From the string table to the optimum: encoding plus search.</summary>
    [Benchmark]
    public int EncodeAndSearch() => Anonymizer.Search(EncodedData.Create(_table, _config), null, CancellationToken.None).Node;

    private static string ReferenceDirectory()
    {
        var env = Environment.GetEnvironmentVariable("MAMORI_REFERENCE_DIR");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("../shared/reference not found; set MAMORI_REFERENCE_DIR");
    }
}
