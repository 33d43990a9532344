using System.Globalization;
using System.Text.Json;

namespace Mamori.Reliability;

/// <summary>
/// <c>Mamori.Reliability crash [--provider sqlite|postgres|both] [--kills 20] [--seed 1] [--json FILE]</c> and
/// <c>Mamori.Reliability scale [--seconds 600] [--seed 1] [--throughput-seconds 15] [--json FILE]</c>.
/// Prints the figures of docs/reliability.md; exit 1 if a goal is missed (a lost or half-written write, a broken chain, a job run twice).
/// </summary>
public static class ReliabilityMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            await Console.Out.WriteLineAsync("usage: Mamori.Reliability crash [--provider sqlite|postgres|both] [--kills N] [--seed N] [--min-up-ms N] [--max-up-ms N] [--rate N] [--pg CS] [--json FILE]\n" +
                                             "       Mamori.Reliability scale [--seconds N] [--seed N] [--throughput-seconds N] [--connections N] [--rate N] [--pg CS] [--json FILE]\n" +
                                             "--pg: an existing PostgreSQL database (Npgsql connection string); default: a throwaway cluster.");
            return 2;
        }
        var opts = Options(args[1..]);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        var seed = Int(opts, "seed", 1);
        switch (args[0])
        {
            case "crash":
            {
                var providers = opts.GetValueOrDefault("provider", "both") == "both" ? ["sqlite", "postgres"] : new[] { opts["provider"] };
                var reports = new List<CrashReport>();
                foreach (var p in providers)
                {
                    var report = await CrashTest.RunAsync(new CrashOptions
                    {
                        Provider = p, Kills = Int(opts, "kills", 20), Seed = seed, Progress = Console.Out,
                        MinUp = TimeSpan.FromMilliseconds(Int(opts, "min-up-ms", 500)), MaxUp = TimeSpan.FromMilliseconds(Int(opts, "max-up-ms", 3000)),
                        Rate = Int(opts, "rate", 40), PostgresConnectionString = p == "postgres" ? opts.GetValueOrDefault("pg") : null,
                    }, cts.Token);
                    reports.Add(report);
                    await Console.Out.WriteLineAsync(report.Summary());
                    foreach (var l in report.LostWrites.Take(20)) await Console.Out.WriteLineAsync("  LOST " + l);
                    foreach (var h in report.HalfWritten.Take(20)) await Console.Out.WriteLineAsync("  HALF-WRITTEN " + h);
                    foreach (var a in report.AuditVerifyOutput.Take(5)) await Console.Out.WriteLineAsync("  AUDIT " + a);
                }
                if (opts.TryGetValue("json", out var file)) await File.WriteAllTextAsync(file, JsonSerializer.Serialize(reports, Json), cts.Token);
                return reports.All(r => r.Lost == 0 && r.HalfWritten.Count == 0 && r.AuditVerifyFailures == 0 && r.Acknowledged > 0) ? 0 : 1;
            }
            case "scale":
            {
                var report = await ScaleOutTest.RunAsync(new ScaleOptions
                {
                    Duration = TimeSpan.FromSeconds(Int(opts, "seconds", 600)),
                    Seed = seed,
                    ThroughputDuration = TimeSpan.FromSeconds(Int(opts, "throughput-seconds", 15)),
                    Connections = Int(opts, "connections", 32),
                    Rate = Int(opts, "rate", 20),
                    PostgresConnectionString = opts.GetValueOrDefault("pg"),
                    Progress = Console.Out,
                }, cts.Token);
                await Console.Out.WriteLineAsync(report.Summary());
                foreach (var p in report.Problems.Take(20)) await Console.Out.WriteLineAsync("  PROBLEM " + p);
                foreach (var w in report.Servers)
                    foreach (var f in w.FailureLines) await Console.Out.WriteLineAsync($"  server :{w.Port} logged: {f}");
                if (opts.TryGetValue("json", out var file)) await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, Json), cts.Token);
                return report.Problems.Count == 0 ? 0 : 1;
            }
            default:
                await Console.Error.WriteLineAsync($"unknown command '{args[0]}'");
                return 2;
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static Dictionary<string, string> Options(string[] args)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an option, got '{args[i]}'");
            d[args[i][2..]] = args[i + 1];
        }
        return d;
    }

    private static int Int(Dictionary<string, string> o, string name, int fallback) =>
        o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
