using System.Text;
using BenchmarkDotNet.Attributes;
using Mamori.Discovery;

namespace Mamori.Benchmarks.Discovery;

internal static class BenchCorpus
{
    /// <summary>Directory built by build-corpus.sh (outside the repository).</summary>
    public static string Dir => Environment.GetEnvironmentVariable("MAMORI_BENCH_CACHE") is { Length: > 0 } d ? d : "/tmp/mamori-bench";

    public static byte[] Bytes(string name)
    {
        var path = Path.Combine(Dir, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"Run bench/Mamori.Benchmarks/Discovery/build-corpus.sh first ({path} is missing).");
        return File.ReadAllBytes(path);
    }
}

/// <summary>
/// Throughput on the ≥ 50 MB mixed Japanese/English corpus (35.2 MB Debian Japanese documentation + 17 MB
/// generated log/CSV/JSON lines with PII). Baseline: decoding the UTF-8 bytes to UTF-16, the floor any
/// .NET text scanner pays. One thread, so MB/s is per core.
/// </summary>
[MemoryDiagnoser]
public class DiscoveryThroughputBenchmarks
{
    private byte[] utf8 = [];
    private string text = "";
    private char[] decodeBuffer = [];
    private readonly List<Finding> findings = new(1 << 20);
    private StreamingScanner scanner = null!;

    [GlobalSetup]
    public void Setup()
    {
        utf8 = BenchCorpus.Bytes("corpus.txt");
        text = Encoding.UTF8.GetString(utf8);
        decodeBuffer = new char[text.Length + 16];
        scanner = new StreamingScanner(PiiAnalyzer.Default);
        Console.WriteLine($"// corpus: {utf8.Length} bytes, {text.Length} UTF-16 chars");
    }

    [Benchmark(Baseline = true, Description = "Decode UTF-8 (floor)")]
    public int DecodeUtf8() => Encoding.UTF8.GetChars(utf8, decodeBuffer);

    [Benchmark(Description = "Analyze in memory")]
    public int AnalyzeInMemory()
    {
        findings.Clear();
        PiiAnalyzer.Default.Analyze(text.AsSpan(), findings);
        return findings.Count;
    }

    [Benchmark(Description = "Stream from UTF-8 bytes (CLI path)")]
    public long StreamFromBytes()
    {
        using var reader = new StreamReader(new MemoryStream(utf8, writable: false), Encoding.UTF8, false, 1 << 16);
        long n = 0;
        scanner.Scan(reader, _ => n++);
        return n;
    }
}

/// <summary>
/// Pathological inputs stay linear: each case at 1 MB and 4 MB (time must grow ~4×), against ordinary corpus
/// text of the same length as the baseline.
/// </summary>
[MemoryDiagnoser]
public class DiscoveryPathologicalBenchmarks
{
    private string input = "";
    private string ordinary = "";

    [Params("digits", "separators", "repeat")]
    public string Case { get; set; } = "digits";

    [Params(1, 4)]
    public int Megabytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var chars = Megabytes * 1_000_000;
        var all = Encoding.UTF8.GetString(BenchCorpus.Bytes($"pathological-{Case}.txt"));
        input = all.Length >= chars ? all[..chars] : all;
        var corpus = Encoding.UTF8.GetString(BenchCorpus.Bytes("corpus.txt"));
        ordinary = corpus[..input.Length];
    }

    [Benchmark(Baseline = true, Description = "Ordinary corpus text")]
    public int Ordinary() => PiiAnalyzer.Default.Analyze(ordinary).Count;

    [Benchmark(Description = "Pathological input")]
    public int Pathological() => PiiAnalyzer.Default.Analyze(input).Count;
}
