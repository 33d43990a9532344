using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mamori.Reliability;

public sealed record CrashOptions
{
    public required string Provider { get; init; }
    public int Kills { get; init; } = 20;
    public int Seed { get; init; } = 1;

    /// <summary>A kill falls uniformly in this window after the server is ready again (seeded).</summary>
    public TimeSpan MinUp { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxUp { get; init; } = TimeSpan.FromSeconds(3);
    public double Rate { get; init; } = 40;
    public int Workers { get; init; } = 4;

    /// <summary>Writes read back through the API after each restart (all of them are read back at the end).</summary>
    public int ApiSample { get; init; } = 30;

    /// <summary>An existing PostgreSQL database to use; otherwise a throwaway cluster is started.</summary>
    public string? PostgresConnectionString { get; init; }

    public TextWriter? Progress { get; init; }
}

public sealed record CrashReport(
    string Provider, int Kills, int Seed, long Attempted, long Acknowledged, long AckSubjects, long AckConsents, long AckRequests,
    long Lost, IReadOnlyList<string> LostWrites, long Unknown, long Refused, long Rejected, IReadOnlyList<string> HalfWritten,
    int AuditVerifyFailures, IReadOnlyList<string> AuditVerifyOutput, IReadOnlyList<double> RestartMs, double WallSeconds)
{
    public double RestartMedianMs => Median(RestartMs);
    public double RestartMaxMs => RestartMs.Count == 0 ? 0 : RestartMs.Max();

    public static double Median(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0) return 0;
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public string Summary() =>
        $"{Provider}: {Kills} SIGKILLs (seed {Seed}), {Acknowledged} writes acknowledged ({AckSubjects} subjects, {AckConsents} consents, {AckRequests} requests), " +
        $"{Lost} lost, {HalfWritten.Count} half-written, audit verify failed {AuditVerifyFailures}x; restart to /readyz median {RestartMedianMs:F0} ms, max {RestartMaxMs:F0} ms; " +
        $"{Unknown} in flight at a kill (outcome unknown), {Refused} refused while down, {Rejected} non-2xx; {WallSeconds:F0} s";
}

/// <summary>
/// Crash safety (issue #13, part 1): a real <c>mamori serve</c> under a steady write load is killed with SIGKILL
/// at seeded random moments and restarted. After every restart: every acknowledged write since the last check
/// is read back through the API, the database holds nothing half-written, and <c>mamori audit verify</c> passes.
/// At the end every acknowledged write is read back once more.
/// </summary>
public static class CrashTest
{
    public static async Task<CrashReport> RunAsync(CrashOptions o, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var exe = MamoriExe.Find();
        await using var inst = await Installation.CreateAsync(exe, o.Provider, o.PostgresConnectionString, ct);
        var port = Installation.FreePort();
        var random = new Random(o.Seed);
        var server = ServerProcess.Start(inst, port);
        var restartMs = new List<double>();
        var lost = new List<string>();
        var halfWritten = new List<string>();
        var auditOutput = new List<string>();
        var auditFailures = 0;
        using var loadStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = new WriteLoad([server.BaseUrl], inst.ApiKey, o.Seed) { Rate = o.Rate, Workers = o.Workers };
        Task? loadTask = null;
        try
        {
            var first = await server.WaitReadyAsync(TimeSpan.FromSeconds(120), ct);
            o.Progress?.WriteLine($"{o.Provider}: installed and started in {wall.Elapsed.TotalSeconds:F1} s (first start {first.TotalMilliseconds:F0} ms)");
            loadTask = load.RunAsync(loadStop.Token);
            using var reader = WriteLoad.NewClient(inst.ApiKey);
            var verified = 0;
            var ackedBeforeStart = 0;
            for (var kill = 1; kill <= o.Kills; kill++)
            {
                // The kill falls at a random moment after the server acknowledged its first write since it
                // (re)started, so every kill hits a server that is taking writes, however slow its start-up.
                await FirstAcknowledgementAsync(load, ackedBeforeStart, server, ct);
                var up = o.MinUp + (o.MaxUp - o.MinUp) * random.NextDouble();
                await Task.Delay(up, ct);
                await server.KillAsync();
                ackedBeforeStart = load.Acknowledged.Count;
                await server.DisposeAsync();
                server = ServerProcess.Start(inst, port);
                var ready = await server.WaitReadyAsync(TimeSpan.FromSeconds(120), ct);
                restartMs.Add(ready.TotalMilliseconds);
                var checking = Stopwatch.StartNew();

                // Everything acknowledged so far (before the kill, and since the restart) must be there.
                var acked = load.Acknowledged.ToArray();
                var batch = acked.Skip(verified).ToArray();
                verified = acked.Length;
                // In the database (one snapshot) for every write, through the API for a seeded sample; the final
                // pass reads every write back through the API.
                var snapshot = await Consistency.ReadAsync(inst, ct);
                lost.AddRange(Consistency.Missing(snapshot, batch).Where(m => !lost.Contains(m)));
                var sample = batch.OrderBy(_ => random.Next()).Take(o.ApiSample).ToArray();
                lost.AddRange((await MissingAsync(reader, server.BaseUrl, sample, ct)).Where(m => !lost.Contains(m)));
                halfWritten.AddRange(Consistency.Check(snapshot).Select(p => $"after kill {kill}: {p}"));
                // The chain through the API after each restart (same check as the CLI, without a process start);
                // `mamori audit verify` itself runs after the last kill.
                var chain = await reader.GetFromJsonAsync<JsonElement>(new Uri(server.BaseUrl, "/api/audit/verify"), ct);
                var intact = chain.GetProperty("intact").GetBoolean();
                if (!intact)
                {
                    auditFailures++;
                    auditOutput.Add($"after kill {kill}: {chain}");
                }
                o.Progress?.WriteLine($"{o.Provider}: kill {kill}/{o.Kills} after {up.TotalMilliseconds:F0} ms up; restart {ready.TotalMilliseconds:F0} ms; " +
                                      $"{acked.Length} acknowledged, {lost.Count} lost, {halfWritten.Count} half-written, audit {(intact ? "ok" : "FAILED")}; checks {checking.ElapsedMilliseconds} ms");
            }
            await loadStop.CancelAsync();
            await loadTask;
            // Final pass: every acknowledged write of the whole run, after all the kills.
            var all = load.Acknowledged.ToArray();
            var finalMissing = await MissingAsync(reader, server.BaseUrl, all, ct);
            foreach (var m in finalMissing.Where(m => !lost.Contains(m))) lost.Add(m);
            halfWritten.AddRange((await Consistency.CheckAsync(inst, ct)).Select(p => $"final: {p}"));
            var (finalCode, finalOut, finalErr) = await inst.CliAsync(ct, "audit", "verify", "--json");
            if (finalCode != 0)
            {
                auditFailures++;
                auditOutput.Add($"final: exit {finalCode} {finalOut.Trim()} {finalErr.Trim()}");
            }
            var kinds = all.GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => (long)g.Count());
            return new CrashReport(o.Provider, o.Kills, o.Seed, all.Length + load.Unknown + load.Refused + load.Rejected, all.Length,
                kinds.GetValueOrDefault(WriteKind.Subject), kinds.GetValueOrDefault(WriteKind.Consent), kinds.GetValueOrDefault(WriteKind.Request),
                lost.Count, lost, load.Unknown, load.Refused, load.Rejected, halfWritten.Distinct().ToList(), auditFailures, auditOutput, restartMs, wall.Elapsed.TotalSeconds);
        }
        finally
        {
            await loadStop.CancelAsync();
            if (loadTask is not null) await loadTask;
            await server.DisposeAsync();
        }
    }

    private static async Task FirstAcknowledgementAsync(WriteLoad load, int before, ServerProcess server, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (load.Acknowledged.Count <= before)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(120) || server.HasExited)
                throw new TimeoutException("The server acknowledged no write within 120 s of starting.");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Reads each write back through the API; returns those that are not there (kind and id only).</summary>
    public static async Task<List<string>> MissingAsync(HttpClient http, Uri server, IReadOnlyList<AckedWrite> writes, CancellationToken ct)
    {
        var missing = new List<string>();
        using var gate = new SemaphoreSlim(8);
        var tasks = writes.Select(async w =>
        {
            await gate.WaitAsync(ct);
            try
            {
                if (!await PresentAsync(http, server, w, ct))
                    lock (missing) missing.Add($"{w.Kind.ToString().ToLowerInvariant()} {w.Id}");
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return missing;
    }

    private static async Task<bool> PresentAsync(HttpClient http, Uri server, AckedWrite w, CancellationToken ct)
    {
        switch (w.Kind)
        {
            case WriteKind.Subject:
            {
                // The blind index finds it, and its fields decrypt for a declared purpose.
                using var found = await http.PostAsJsonAsync(new Uri(server, "/api/subjects/lookup"), new { purpose = "support", email = w.Key }, ct);
                if (found.StatusCode != HttpStatusCode.OK) return false;
                var ids = (await found.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("subjects").EnumerateArray().Select(e => e.GetGuid());
                if (!ids.Contains(w.Id)) return false;
                using var read = await http.GetAsync(new Uri(server, $"/api/subjects/{w.Id}?purpose=support&fields=name,email"), ct);
                if (read.StatusCode != HttpStatusCode.OK) return false;
                var fields = (await read.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("fields");
                return fields.TryGetProperty("name", out _) && fields.TryGetProperty("email", out _);
            }
            case WriteKind.Consent:
            {
                using var r = await http.GetAsync(new Uri(server, $"/api/consents/receipts/{w.Id}"), ct);
                return r.StatusCode == HttpStatusCode.OK;
            }
            default:
            {
                using var r = await http.GetAsync(new Uri(server, $"/api/requests/{w.Id}"), ct);
                if (r.StatusCode != HttpStatusCode.OK) return false;
                return (await r.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("reference").GetString() == w.Key;
            }
        }
    }
}
