using System.Diagnostics;
using System.Security.Cryptography;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Vault;

/// <summary>
/// Blind-index lookup latency (p50/p99) with the lookup table at N entries (default 1,000,000):
/// 1,000 real subjects plus synthetic index rows (random HMACs) bulk-inserted around them, so the
/// index has its full size. Measures the index query alone and the whole lookup (HMAC, query, one
/// access decision per match and its audit event). Run: <c>-- lookup-latency [N]</c>.
/// </summary>
public static class LookupLatency
{
    public static async Task RunAsync(int total)
    {
        await using var bench = await VaultBench.CreateAsync(1000);
        var fill = Stopwatch.StartNew();
        using (var conn = new SqliteConnection($"Data Source={bench.DatabasePath}"))
        {
            conn.Open();
            using var tx = conn.BeginTransaction();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO \"SubjectLookups\" (\"TenantId\", \"SubjectId\", \"Category\", \"Kind\", \"Hash\") VALUES ($t, $s, 'email', 1, $h)";
            var t = cmd.Parameters.Add("$t", SqliteType.Text);
            var s = cmd.Parameters.Add("$s", SqliteType.Text);
            var h = cmd.Parameters.Add("$h", SqliteType.Blob);
            t.Value = bench.Tenant.ToString().ToUpperInvariant();
            for (var i = 0; i < total - 2000; i++)
            {
                s.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                h.Value = RandomNumberGenerator.GetBytes(32);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        fill.Stop();

        var queryTimes = new List<double>();
        var lookupTimes = new List<double>();
        var keys = bench.Services.GetRequiredService<KeyRingProvider>();
        for (var i = 0; i < 3000; i++)
        {
            var n = i % 1000;
            await using var scope = bench.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            db.Tenant.Set(bench.Tenant);
            var sw = Stopwatch.StartNew();
            var hash = BlindIndex.Compute(keys.Current.BlindIndexKey, bench.Tenant, LookupKind.Email, BlindIndex.Normalize(LookupKind.Email, $"user{n}@example.jp"));
            var hit = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.Set<SubjectLookup>().Where(l => l.Kind == LookupKind.Email && l.Hash == hash).Select(l => l.SubjectId).Take(100));
            sw.Stop();
            if (hit.Count != 1) throw new InvalidOperationException("lookup missed");
            if (i >= 200) queryTimes.Add(sw.Elapsed.TotalMilliseconds);

            sw.Restart();
            var found = await scope.ServiceProvider.GetRequiredService<Subjects>().LookupAsync(LookupKind.Email, $"user{n}@example.jp", "support", ["operator"], Actor.System);
            sw.Stop();
            if (found.Count != 1) throw new InvalidOperationException("lookup missed");
            if (i >= 200) lookupTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"# Blind-index lookup latency, SQLite, {total:N0} index entries");
        Console.WriteLine();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; index filled in {fill.Elapsed.TotalSeconds:F1} s; 2,800 measured lookups after 200 warm-up.");
        Console.WriteLine();
        Console.WriteLine("| measurement | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        Print("index query (HMAC + indexed SELECT)", queryTimes);
        Print("whole lookup (+ decision + durable audit event)", lookupTimes);
    }

    private static void Print(string name, List<double> times)
    {
        times.Sort();
        double P(double q) => times[(int)Math.Min(times.Count - 1, Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine($"| {name} | {P(0.5):F3} | {P(0.99):F3} | {times[^1]:F3} |");
    }
}
