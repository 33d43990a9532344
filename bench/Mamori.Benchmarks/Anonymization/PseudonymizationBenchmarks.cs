using BenchmarkDotNet.Attributes;
using Mamori.Anonymization;

namespace Mamori.Benchmarks.Anonymization;

/// <summary>
/// Pseudonymized information (L-25): a synthetic customer table (customer id, name, email, My Number,
/// card number, plan, amount) with 3 identifier columns replaced by HMAC-SHA256 pseudonyms and 2 columns
/// deleted. Baseline: the same pass over the table with every column kept (copying the rows), so the
/// ratio is the cost of the keyed pseudonyms.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class PseudonymizationBenchmarks
{
    private static readonly string[] Header = ["customer_id", "name", "email", "my_number", "card", "plan", "amount"];
    private Table _table = null!;
    private Pseudonymizer _pseudonymizer = null!;
    private readonly Dictionary<string, PseudonymColumn> _plan = new()
    {
        ["customer_id"] = new(PseudonymColumnKind.Identifier, "customer"),
        ["name"] = new(PseudonymColumnKind.Identifier),
        ["email"] = new(PseudonymColumnKind.Identifier),
        ["my_number"] = new(PseudonymColumnKind.IdentificationCode),
        ["card"] = new(PseudonymColumnKind.PropertyDamageItem),
    };
    private readonly Dictionary<string, PseudonymColumn> _keepAll = new();

    [Params(100_000, 1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var rows = new List<string[]>(Rows);
        for (var i = 0; i < Rows; i++)
        {
            var c = random.Next(Rows / 2);
            rows.Add([$"C-{c:D7}", $"試験{c} 花子", $"user{c}@example.jp", $"{random.NextInt64(100_000_000_000, 999_999_999_999)}",
                $"4111-1111-{random.Next(10000):D4}-{random.Next(10000):D4}", i % 3 == 0 ? "fiber" : "mobile", $"{random.Next(1000, 20000)}"]);
        }
        _table = new Table(Header, rows);
        var key = new byte[32];
        random.NextBytes(key);
        _pseudonymizer = new Pseudonymizer(key, "p-bench");
    }

    [GlobalCleanup]
    public void Cleanup() => _pseudonymizer.Dispose();

    /// <summary>The same row pass with every column kept: the least a pseudonymization pass costs.</summary>
    [Benchmark(Baseline = true)]
    public int CopyTable() => _pseudonymizer.Apply(_table, _keepAll).Table.RowCount;

    /// <summary>3 identifiers replaced by keyed pseudonyms, 2 columns deleted.</summary>
    [Benchmark]
    public int Pseudonymize() => _pseudonymizer.Apply(_table, _plan).Table.RowCount;
}
