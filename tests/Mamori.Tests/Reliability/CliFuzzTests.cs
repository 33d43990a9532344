using System.Diagnostics;
using System.Text;
using Mamori.Cli;
using Mamori.Tests.Infrastructure;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Issue 13, part 2 for the command line: every command that parses a file (policy YAML, anonymization config
/// YAML and its CSV, CSV import, files to scan) and the argument parser get generated bad input, including
/// YAML bombs (alias expansion, deep nesting). Goal: a non-zero exit with a message, never an escaped
/// exception, a stack trace, a crash or a hang. Each case is deterministic (seed, index); inputs that found a
/// bug live in corpus/cli/ and are replayed.
/// </summary>
[Collection("Fuzz")]
public sealed class CliFuzzTests(PostgresCluster cluster) : IDisposable
{
    public const int Seed = 20261124;
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dir = Directory.CreateTempSubdirectory("mamori-clifuzz-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private bool _keep;

    /// <summary>Inputs of failing cases stay on disk for a look.</summary>
    public void Dispose()
    {
        if (!_keep) Directory.Delete(_dir, recursive: true);
    }

    private static string Repo => Backbone.ServerTests.RepoRoot();

    private const string AnonymizeConfig = """
        delimiter: ";"
        attributes:
          name:    { kind: identifying }
          age:     { kind: quasi, hierarchy: h/age.csv }
          zip:     { kind: quasi, hierarchy: { mask: { step: 1 } } }
          disease: { kind: sensitive }
        models:
          - k-anonymity: { k: 3 }
          - l-diversity: { attribute: disease, l: 2, variant: distinct }
        suppressionLimit: 0.1
        metric: loss
        """;

    private static string AnonymizeInput => "name;age;zip;disease\n" + string.Join("\n",
        Enumerable.Range(0, 30).Select(i => $"p{i};{20 + i % 10};{100 + i % 6}-0001;{(i % 3 == 0 ? "flu" : i % 3 == 1 ? "cold" : "asthma")}")) + "\n";

    private static string AgeHierarchy => string.Join("\n", Enumerable.Range(20, 10).Select(a => $"{a};{a / 5 * 5}-{a / 5 * 5 + 4};*")) + "\n";

    private const string ImportCsv = "name,email,phone\n\"山田, 太郎\",taro@example.jp,090-1111-2222\n佐藤 花子,hanako@example.jp,090-3333-4444\n";

    private const string ScanText = "お問い合わせ: 山田太郎様 電話 090-1234-5678 メール taro@example.jp 〒100-0001 東京都千代田区千代田1-1 カード 4111 1111 1111 1111\n";

    /// <summary>Runs one command in-process; null when it ended acceptably, else what went wrong.</summary>
    public static async Task<string?> RunCaseAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var run = Task.Run(() => MamoriCli.RunAsync(args, stdout, stderr), Ct);
        var finished = await Task.WhenAny(run, Task.Delay(CaseTimeout, Ct));
        if (finished != run) return $"hang: no exit within {CaseTimeout.TotalSeconds:0} s";
        int code;
        try
        {
            code = await run;
        }
        catch (Exception e)
        {
            return $"exception escaped: {e.GetType().FullName}";
        }
        var output = stdout + "\n" + stderr;
        if (code == 70 || output.Contains("MAMORI-1375", StringComparison.Ordinal)) return "unexpected failure: " + stderr.ToString().Trim();
        if (StackTraces.In(output)) return "stack trace in the output: " + StackTraces.Pattern().Match(output).Value;
        return null;
    }

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task EveryParsingCommand_GeneratedBadInput_NoCrashNoStackTraceNoHang()
    {
        var (app, _) = await Vault.VaultScenario.StartAsync(Providers.Sqlite, cluster);
        await using var __ = app;
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme" };
        var policyFiles = Directory.EnumerateFiles(Path.Combine(Repo, "policy", "examples"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(Path.Combine(Repo, "policy", "examples"), f), Text: File.ReadAllText(f))).ToList();
        var cases = HttpFuzzTests.Long ? 3_000 : 300;
        var failures = new List<string>();
        var perCommand = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < cases; i++)
        {
            var r = new Random(unchecked(Seed * 31 + i * 7919));
            var caseDir = $"c{i}";
            string[] args;
            string command;
            switch (r.Next(100))
            {
                case < 45:
                {
                    // A policy directory: every example file copied, one or two of them broken (or replaced by a bomb).
                    foreach (var (rel, text) in policyFiles) Write(Path.Combine(caseDir, "policy", rel), text);
                    for (var k = 1 + r.Next(2); k > 0; k--)
                    {
                        var (rel, text) = policyFiles[r.Next(policyFiles.Count)];
                        Write(Path.Combine(caseDir, "policy", rel), r.Next(8) == 0 ? YamlFuzz.Bomb(r) : YamlFuzz.Mutate(r, text));
                    }
                    var dir = Path.Combine(_dir, caseDir, "policy");
                    if (r.Next(100) < 78) (command, args) = ("policy check", ["policy", "check", dir, .. r.Next(2) == 0 ? new[] { "--json" } : []]);
                    else (command, args) = ("policy render", ["policy", "render", dir, "--lang", YamlFuzz.Pick(r, ["ja", "en", "fr", ""]), "--format", YamlFuzz.Pick(r, ["html", "md", "pdf"])]);
                    break;
                }
                case < 70:
                {
                    Write(Path.Combine(caseDir, "h", "age.csv"), r.Next(5) == 0 ? YamlFuzz.Mutate(r, AgeHierarchy) : Encoding.UTF8.GetBytes(AgeHierarchy));
                    var config = Write(Path.Combine(caseDir, "c.yaml"), r.Next(6) == 0 ? YamlFuzz.Bomb(r) : YamlFuzz.Mutate(r, AnonymizeConfig));
                    var input = Write(Path.Combine(caseDir, "in.csv"), r.Next(3) == 0 ? YamlFuzz.Mutate(r, AnonymizeInput) : Encoding.UTF8.GetBytes(AnonymizeInput));
                    (command, args) = ("anonymize", ["anonymize", input, "--config", config, "--output", Path.Combine(_dir, caseDir, "out.csv"), .. r.Next(2) == 0 ? new[] { "--json" } : []]);
                    break;
                }
                case < 85:
                {
                    var file = Write(Path.Combine(caseDir, YamlFuzz.Pick(r, ["a.txt", "b.csv", "c.json", "d.log", "e"])), YamlFuzz.Mutate(r, ScanText + ScanText));
                    (command, args) = ("scan", ["scan", file, "--format", YamlFuzz.Pick(r, ["json", "sarif", "table", "xml"]), "--encoding", YamlFuzz.Pick(r, ["auto", "utf-8", "shift_jis", "euc-jp", "ebcdic"]),
                        "--threshold", YamlFuzz.Pick(r, ["0.5", "0", "1", "-3", "NaN", "abc"])]);
                    break;
                }
                case < 95:
                {
                    var csv = Write(Path.Combine(caseDir, "import.csv"), YamlFuzz.Mutate(r, ImportCsv));
                    (command, args) = ("import", ["import", csv, "--type", YamlFuzz.Pick(r, ["customer", "nobody", ""]), "--service", "isp", "--purpose", YamlFuzz.Pick(r, ["service-provision", "x"]), "--json", .. env]);
                    break;
                }
                default:
                    (command, args) = ("incident assess", ["incident", "assess", "--discovered", YamlFuzz.Pick(r, ["2026-11-23", "2026-02-30", "yesterday", "", "99999-01-01"]),
                        "--persons", YamlFuzz.Pick(r, ["1", "-5", "99999999999999999999", "x", "1001"]), "--cause", YamlFuzz.Pick(r, ["loss", "misdelivery", "aliens", ""]), .. r.Next(2) == 0 ? new[] { "--my-number" } : []]);
                    break;
            }
            perCommand[command] = perCommand.GetValueOrDefault(command) + 1;
            var started = clock.Elapsed;
            var problem = await RunCaseAsync(args);
            if (clock.Elapsed - started > slowest) slowest = clock.Elapsed - started;
            if (problem is not null) failures.Add($"#{i} {command}: {problem} (inputs kept in {Path.Combine(_dir, caseDir)})");
            else if (Directory.Exists(Path.Combine(_dir, caseDir))) Directory.Delete(Path.Combine(_dir, caseDir), recursive: true);
        }
        var summary = $"CLI fuzz: {cases} cases (seed {Seed}) in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", perCommand.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}; failures {failures.Count}; slowest case {slowest.TotalMilliseconds:0} ms";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "cli-fuzz-summary.txt"), summary + "\n", Ct);
        _keep = failures.Count > 0;
        failures.ShouldBeEmpty();
        perCommand.Count.ShouldBe(6);
    }

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        var root = Path.Combine(HttpFuzzTests.CorpusDir, "cli");
        foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)) data.Add(Path.GetRelativePath(root, f));
        return data;
    }

    /// <summary>corpus/cli/&lt;kind&gt;/&lt;file&gt;: the kind says where the file goes (policy company.yaml, anonymize config or input, scan, import).</summary>
    [Theory, MemberData(nameof(Corpus))]
    public async Task Corpus_Replayed_NoCrashNoStackTrace(string file)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(HttpFuzzTests.CorpusDir, "cli", file), Ct);
        var kind = file.Split('/', '\\')[0];
        string[] args = kind switch
        {
            "policy" => ["policy", "check", Path.GetDirectoryName(Write("policy/company.yaml", bytes))!],
            "anonymize-config" => ["anonymize", Write("in.csv", AnonymizeInput), "--config", Write("c.yaml", bytes), "--output", Path.Combine(_dir, "out.csv")],
            "anonymize-input" => ["anonymize", Write("in.csv", bytes), "--config", Write("c.yaml", AnonymizeConfig), "--output", Path.Combine(_dir, "out.csv")],
            "scan" => ["scan", Write("scan.txt", bytes), "--format", "json"],
            _ => throw new InvalidOperationException($"unknown corpus kind '{kind}'"),
        };
        Write("h/age.csv", AgeHierarchy);
        (await RunCaseAsync(args)).ShouldBeNull(file);
    }

    [Fact]
    public async Task Bug_AnonymizeConfigDeepNesting_StackOverflowKilledProcess()
    {
        // YamlDotNet's tree loader recursed once per level: 20,000 nested flow mappings overflowed the stack and
        // aborted the process (exit 134) instead of reporting a bad configuration.
        var config = Write("deep.yaml", "attributes: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(["anonymize", Write("in.csv", AnonymizeInput), "--config", config, "--output", Path.Combine(_dir, "o.csv")], stdout, stderr);
        code.ShouldBe(1);
        stderr.ToString().ShouldContain("nesting deeper than 32 levels");
        stderr.ToString().ShouldContain("MAMORI-8020");
    }

    [Fact]
    public async Task Bug_UnclosedFlowMapping_YamlDotNetInvalidOperationEscaped()
    {
        // YamlDotNet throws InvalidOperationException (not YamlException) for "{ a" followed by another line:
        // both YAML readers let it escape and the CLI printed "Unhandled exception" with a stack trace.
        const string yaml = "x: { a\ny: 1\n";
        var policy = new StringWriter();
        (await MamoriCli.RunAsync(["policy", "check", Path.GetDirectoryName(Write("p/company.yaml", yaml))!], policy, new StringWriter())).ShouldBe(1);
        policy.ToString().ShouldContain("MAMORI-2003");
        var stderr = new StringWriter();
        (await MamoriCli.RunAsync(["anonymize", Write("in.csv", AnonymizeInput), "--config", Write("c.yaml", yaml), "--output", Path.Combine(_dir, "o.csv")], new StringWriter(), stderr)).ShouldBe(1);
        stderr.ToString().ShouldContain("MAMORI-8020");
        StackTraces.In(policy + stderr.ToString()).ShouldBeFalse();
    }

    [Fact]
    public async Task Anonymize_ConfigWithAliasBomb_RefusedWithCode()
    {
        var config = Write("bomb.yaml", Encoding.UTF8.GetString(YamlFuzz.BillionLaughs("attributes")));
        var stderr = new StringWriter();
        var code = await MamoriCli.RunAsync(["anonymize", Write("in.csv", AnonymizeInput), "--config", config, "--output", Path.Combine(_dir, "o.csv")], new StringWriter(), stderr);
        code.ShouldBe(1);
        stderr.ToString().ShouldContain("aliases");
        stderr.ToString().ShouldContain("MAMORI-8020");
    }
}

/// <summary>Text and YAML mutations for file-parsing commands (deterministic for a given <see cref="Random"/>).</summary>
public static class YamlFuzz
{
    public static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static readonly string[] JunkLines =
    [
        "  - *a", "&a [x, y]", "x: !!python/object/apply:os.system [ls]", "%YAML 9.9", "---", "...", "? [complex, key]", "key: [", "\t\ttabbed: 1",
        "k: v: w", "- - - -", "'unterminated", "\"\\u12\"", "x: !!binary AAAA", "<<: *base", "x: &anchor", "x: *missing", "{", "}", "]", "key:value",
        "id: ../../../../etc/passwd", "id: \"\\0\"", "date: 2026-02-30", "period: P-1Y", "period: P99999999999Y", "url: javascript:alert(1)", "name: " + new string('長', 5000),
    ];

    private static readonly string[] JunkValues =
    [
        "", "~", "null", "[]", "{}", "-1", "0", "1e308", "99999999999999999999999", "NaN", ".inf", "true", "yes", "2026-13-45", "P1X", "\"\\ud800\"", "'", "\"",
        "!!str", "*a", "&b", "|", ">", "|-\n  multi", "[" + new string('[', 200), new string('9', 100_000), "\u0000", "\u202e", "🙂", "../..", "a,b;c\td",
    ];

    /// <summary>1–4 edits of <paramref name="text"/> (lines deleted, duplicated, swapped, re-indented, values replaced, junk inserted), then sometimes bytes broken.</summary>
    public static byte[] Mutate(Random r, string text)
    {
        var lines = text.Split('\n').ToList();
        for (var k = 1 + r.Next(4); k > 0 && lines.Count > 0; k--)
        {
            var i = r.Next(lines.Count);
            switch (r.Next(8))
            {
                case 0: lines.RemoveAt(i); break;
                case 1: lines.Insert(i, lines[i]); break;
                case 2: (lines[i], lines[^1]) = (lines[^1], lines[i]); break;
                case 3: lines[i] = r.Next(2) == 0 ? "  " + lines[i] : lines[i].TrimStart(); break;
                case 4: lines.Insert(i, Pick(r, JunkLines)); break;
                case 5:
                    var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                    lines[i] = colon >= 0 ? lines[i][..(colon + 1)] + " " + Pick(r, JunkValues) : Pick(r, JunkValues);
                    break;
                case 6:
                    var sep = lines[i].IndexOfAny([',', ';']);
                    if (sep >= 0) lines[i] = lines[i][..sep] + Pick(r, ["\"", ",,,,,,", ";", "\"a\"\"b", new string(',', 3000), "\r"]) + lines[i][sep..];
                    break;
                default: lines[i] = lines[i].Length > 1 ? lines[i][..r.Next(lines[i].Length)] : lines[i]; break;
            }
        }
        var bytes = Encoding.UTF8.GetBytes(string.Join(r.Next(15) == 0 ? "\r\n" : "\n", lines));
        if (r.Next(10) == 0 && bytes.Length > 0) bytes = [.. bytes.Take(bytes.Length / 2), .. Pick(r, new byte[][] { [0xff, 0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x00], [0x82, 0xa0] }), .. bytes.Skip(bytes.Length / 2)];
        if (r.Next(20) == 0) bytes = [0xef, 0xbb, 0xbf, .. bytes];
        if (r.Next(25) == 0) bytes = [0xff, 0xfe, .. Encoding.Unicode.GetBytes(text)];
        if (r.Next(30) == 0) bytes = [.. bytes.Take(r.Next(bytes.Length + 1))];
        return bytes;
    }

    /// <summary>Alias expansion ("billion laughs"), deep nesting (flow and block), huge mappings, huge scalars, many documents.</summary>
    public static byte[] Bomb(Random r) => r.Next(7) switch
    {
        0 => BillionLaughs(Pick(r, ["company", "attributes", "purposes", "x"])),
        1 => Encoding.UTF8.GetBytes("company: " + new string('[', 50_000) + new string(']', 50_000) + "\n"),
        2 => Encoding.UTF8.GetBytes("attributes: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n"),
        3 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2_000).Select(d => new string(' ', d) + "k:\n")) + new string(' ', 2_000) + "v\n"),
        4 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 120_000).Select(i => $"k{i}: {i}\n"))),
        5 => Encoding.UTF8.GetBytes("company:\n  name: " + new string('x', 3_000_000) + "\n"),
        _ => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("---\na: 1\n", 10_000))),
    };

    public static byte[] BillionLaughs(string key)
    {
        var sb = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++) sb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        sb.Append($"{key}: *a9\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
