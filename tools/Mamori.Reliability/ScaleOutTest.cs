using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Mamori.Reliability;

public sealed record ScaleOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);
    public int Seed { get; init; } = 1;
    public double Rate { get; init; } = 20;

    /// <summary>How long each decision-throughput run lasts; zero skips the throughput comparison.</summary>
    public TimeSpan ThroughputDuration { get; init; } = TimeSpan.FromSeconds(15);

    public int Connections { get; init; } = 32;
    public string? PostgresConnectionString { get; init; }
    public TextWriter? Progress { get; init; }
}

public sealed record ServerWork(int Port, long MessagesSent, long FieldsDestroyed, long SubjectsErased, long JobFailures, IReadOnlyList<string> FailureLines);

public sealed record ScaleReport(
    double Seconds, long WritesAcknowledged, int OutboxMessages, int Deliveries, int MessagesDeliveredTwice, int MessagesNotDelivered,
    int SubjectsExpired, int RetentionCertificates, int SubjectsWithTwoCertificates, IReadOnlyList<ServerWork> Servers, bool AuditIntact,
    double OneServerRps, double TwoServersRps, string ThroughputTool, IReadOnlyList<string> Problems)
{
    public double Ratio => OneServerRps == 0 ? 0 : TwoServersRps / OneServerRps;

    public string Summary() =>
        $"scale-out: 2 servers on one PostgreSQL for {Seconds:F0} s, {WritesAcknowledged} writes; outbox {OutboxMessages} messages, {Deliveries} SMTP deliveries " +
        $"({MessagesDeliveredTwice} twice, {MessagesNotDelivered} never); retention: {SubjectsExpired} subjects expired, {RetentionCertificates} certificates " +
        $"({SubjectsWithTwoCertificates} twice); work split {string.Join(" / ", Servers.Select(s => $":{s.Port} sent {s.MessagesSent}, erased {s.SubjectsErased}, job failures {s.JobFailures}"))}; " +
        $"audit chain {(AuditIntact ? "intact" : "BROKEN")}" +
        (OneServerRps > 0 ? $"; POST /api/decisions ({ThroughputTool}): 1 server {OneServerRps:F0} req/s, 2 servers {TwoServersRps:F0} req/s, ratio {Ratio:F2}" : "") +
        $"; {Problems.Count} problems";
}

/// <summary>
/// Scale-out (issue #13, part 6): two <c>mamori serve</c> processes on one PostgreSQL with the background jobs
/// on short intervals (outbox every second, vault jobs every 2 s), a steady write load spread over both, and
/// batches of subjects whose retention is made to end (their RetainUntil is moved into the past in the
/// database, standing in for the passage of years). Proves from the database and from an SMTP sink that every
/// outbox message was delivered exactly once and every expired subject got exactly one destruction certificate
/// and one audit event. Then compares POST /api/decisions throughput with one and with two servers.
/// </summary>
public static partial class ScaleOutTest
{
    public static async Task<ScaleReport> RunAsync(ScaleOptions o, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var exe = MamoriExe.Find();
        await using var inst = await Installation.CreateAsync(exe, "postgres", o.PostgresConnectionString, ct);
        await using var smtp = new SmtpSink();
        var env = new Dictionary<string, string>
        {
            ["Mamori__Jobs__IntervalSeconds"] = "2",
            ["Mamori__Requests__JobSeconds"] = "1",
            ["Mamori__Mail__SmtpHost"] = "127.0.0.1",
            ["Mamori__Mail__SmtpPort"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Mamori__Mail__SmtpStartTls"] = "false",
            ["Logging__LogLevel__Mamori.Hosting"] = "Information",
        };
        var ports = new[] { Installation.FreePort(), Installation.FreePort() };
        var servers = ports.Select((p, i) => ServerProcess.Start(inst, p, env, $"serve-{i + 1}.log")).ToList();
        var problems = new List<string>();
        try
        {
            foreach (var s in servers) await s.WaitReadyAsync(TimeSpan.FromSeconds(120), ct);
            var load = new WriteLoad(servers.Select(s => s.BaseUrl).ToList(), inst.ApiKey, o.Seed) { Rate = o.Rate, Workers = 4, Inquirers = true, Mix = (2, 0, 1) };
            using var loadStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var loadTask = load.RunAsync(loadStop.Token);
            var expired = new HashSet<Guid>();
            var random = new Random(o.Seed);
            var run = Stopwatch.StartNew();
            while (run.Elapsed < o.Duration)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                // Let about a third of the subjects not yet expired reach the end of their retention.
                var candidates = load.Acknowledged.Where(a => a.Kind == WriteKind.Subject && !expired.Contains(a.Id)).Select(a => a.Id).ToList();
                var batch = candidates.Where(_ => random.Next(3) == 0).ToList();
                if (batch.Count > 0) await ExpireAsync(inst, batch, ct);
                expired.UnionWith(batch);
                o.Progress?.WriteLine($"scale-out: {run.Elapsed.TotalSeconds:F0} s, {load.Acknowledged.Count} writes acknowledged, {expired.Count} subjects expired, {smtp.Total} mails delivered");
            }
            await loadStop.CancelAsync();
            await loadTask;
            var loadSeconds = run.Elapsed.TotalSeconds;

            // Let both servers drain the outbox and the sweeps.
            var drain = Stopwatch.StartNew();
            Consistency.Snapshot snap;
            while (true)
            {
                snap = await Consistency.ReadAsync(inst, ct);
                var pending = snap.Outbox.Count(m => !m.Sent);
                var uncertified = expired.Count(id => !snap.Certificates.Any(c => c.Subject == id));
                if ((pending == 0 && uncertified == 0) || drain.Elapsed > TimeSpan.FromSeconds(90)) break;
                await Task.Delay(500, ct);
            }

            var ids = await OutboxIdsAsync(inst, ct);
            var twice = ids.Count(id => smtp.Deliveries.GetValueOrDefault(id.ToString("N")) > 1);
            var never = ids.Count(id => smtp.Deliveries.GetValueOrDefault(id.ToString("N")) == 0);
            var strangers = smtp.Deliveries.Keys.Count(k => !Guid.TryParse(k, out var g) || !ids.Contains(g));
            if (twice > 0) problems.Add($"{twice} outbox messages were delivered more than once");
            if (never > 0) problems.Add($"{never} outbox messages were never delivered");
            if (strangers > 0) problems.Add($"{strangers} deliveries match no outbox message");
            var sentEvents = snap.Events.Where(e => e.Code == Consistency.NotificationSent).GroupBy(e => e.Target).ToList();
            if (sentEvents.Any(g => g.Count() > 1)) problems.Add($"{sentEvents.Count(g => g.Count() > 1)} messages have more than one 'sent' audit event");
            if (sentEvents.Count != ids.Count) problems.Add($"{ids.Count} outbox messages but {sentEvents.Count} with a 'sent' audit event");

            var certificates = snap.Certificates.GroupBy(c => c.Subject).ToDictionary(g => g.Key, g => g.Count());
            var certTwice = certificates.Count(c => c.Value > 1);
            var notCertified = expired.Count(id => !certificates.ContainsKey(id));
            var unexpected = certificates.Keys.Count(id => !expired.Contains(id));
            if (certTwice > 0) problems.Add($"{certTwice} subjects have more than one destruction certificate");
            if (notCertified > 0) problems.Add($"{notCertified} expired subjects have no destruction certificate");
            if (unexpected > 0) problems.Add($"{unexpected} subjects were destroyed without having expired");
            var destroyedEvents = snap.Events.Where(e => e.Code == Consistency.RetentionDestroyed).GroupBy(e => e.Subject).ToList();
            if (destroyedEvents.Any(g => g.Count() > 1)) problems.Add($"{destroyedEvents.Count(g => g.Count() > 1)} subjects have more than one retention audit event");
            if (destroyedEvents.Count != certificates.Count) problems.Add($"{certificates.Count} certified subjects but {destroyedEvents.Count} with a retention audit event");
            problems.AddRange(await Consistency.CheckAsync(inst, ct));
            var (code, stdout, stderr) = await inst.CliAsync(ct, "audit", "verify", "--json");
            if (code != 0) problems.Add($"audit verify failed: {stdout.Trim()} {stderr.Trim()}");

            // Decision throughput: one server, then both (the same total connections).
            double one = 0, two = 0;
            var tool = "none";
            if (o.ThroughputDuration > TimeSpan.Zero)
            {
                var subject = load.Acknowledged.First(a => a.Kind == WriteKind.Subject && !expired.Contains(a.Id)).Id;
                var body = $$"""{"subjectId":"{{subject}}","purpose":"inquiries","fields":["name","email"]}""";
                (one, tool) = await DecisionLoad.RunAsync([servers[0].BaseUrl], inst.ApiKey, body, o.Connections, o.ThroughputDuration, ct);
                (two, _) = await DecisionLoad.RunAsync(servers.Select(s => s.BaseUrl).ToList(), inst.ApiKey, body, o.Connections, o.ThroughputDuration, ct);
            }

            foreach (var s in servers) await s.KillAsync();
            var work = servers.Select((s, i) => Work(s.Port, Path.Combine(inst.DataDir, $"serve-{i + 1}.log"))).ToList();
            if (work.Sum(w => w.MessagesSent) != ids.Count) problems.Add($"the servers report {work.Sum(w => w.MessagesSent)} messages sent for {ids.Count} in the outbox");
            return new ScaleReport(loadSeconds, load.Acknowledged.Count, ids.Count, smtp.Total, twice, never, expired.Count, snap.Certificates.Count, certTwice,
                work, code == 0, one, two, tool, problems);
        }
        finally
        {
            foreach (var s in servers) await s.DisposeAsync();
        }
    }

    private static async Task ExpireAsync(Installation inst, List<Guid> subjects, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(inst.ConnectionString);
        await c.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // A purpose that counts its retention from an event (the inquiry closed, the contract ended) keeps the data until the
        // event is recorded: record it long ago, as staff would, so that the period has run out.
        await using (var e = new NpgsqlCommand("""
            INSERT INTO "RetentionEvents" ("TenantId", "SubjectId", "Event", "OccurredOn", "RecordedAt", "RecordedBy")
            SELECT DISTINCT f."TenantId", f."SubjectId", ev, DATE '2000-01-01', now(), 'reliability-harness'
            FROM "SubjectFields" f, unnest(string_to_array(f."AwaitingEvents", ',')) AS ev
            WHERE f."SubjectId" = ANY(@ids) AND f."AwaitingEvents" IS NOT NULL
            ON CONFLICT DO NOTHING
            """, c, tx))
        {
            e.Parameters.AddWithValue("ids", subjects.ToArray());
            await e.ExecuteNonQueryAsync(ct);
        }
        await using (var f = new NpgsqlCommand("""UPDATE "SubjectFields" SET "RetainUntil" = now() - interval '1 minute', "AwaitingEvents" = NULL WHERE "SubjectId" = ANY(@ids)""", c, tx))
        {
            f.Parameters.AddWithValue("ids", subjects.ToArray());
            await f.ExecuteNonQueryAsync(ct);
        }
        await using (var s = new NpgsqlCommand("""UPDATE "DataSubjects" SET "NextExpiry" = now() - interval '1 minute' WHERE "Id" = ANY(@ids)""", c, tx))
        {
            s.Parameters.AddWithValue("ids", subjects.ToArray());
            await s.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task<HashSet<Guid>> OutboxIdsAsync(Installation inst, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(inst.ConnectionString);
        await c.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("""SELECT "Id" FROM "OutboxMessages" """, c);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var ids = new HashSet<Guid>();
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    /// <summary>What one server says it did, from its own log lines (RequestJobs / VaultJobs at Information).</summary>
    private static ServerWork Work(int port, string log)
    {
        var text = File.Exists(log) ? File.ReadAllText(log) : "";
        long sent = Sent().Matches(text).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var vault = Vault().Matches(text);
        long fields = vault.Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        long erased = vault.Sum(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var failures = Failed().Matches(text).Select(m => m.Value).ToList();
        return new ServerWork(port, sent, fields, erased, failures.Count, failures.Distinct().ToList());
    }

    [GeneratedRegex(@"(\d+) messages sent")]
    private static partial Regex Sent();

    [GeneratedRegex(@"(\d+) fields destroyed by retention, (\d+) subjects fully erased")]
    private static partial Regex Vault();

    [GeneratedRegex(@"(Vault|Request) job failed: \w+")]
    private static partial Regex Failed();
}

/// <summary>Decision load: wrk when it is installed (one wrk per server, connections split evenly), else an in-process loop.</summary>
public static partial class DecisionLoad
{
    public static async Task<(double Rps, string Tool)> RunAsync(IReadOnlyList<Uri> servers, string apiKey, string body, int connections, TimeSpan duration, CancellationToken ct)
    {
        var wrk = new[] { "/usr/bin/wrk", "/usr/local/bin/wrk" }.FirstOrDefault(File.Exists);
        if (wrk is not null)
        {
            var lua = Path.Combine(Path.GetTempPath(), $"mamori-decisions-{Guid.NewGuid():N}.lua");
            await File.WriteAllTextAsync(lua, $"""
                wrk.method = "POST"
                wrk.body   = '{body}'
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer {apiKey}"
                """, ct);
            try
            {
                var per = Math.Max(1, connections / servers.Count);
                var runs = servers.Select(s => RunWrkAsync(wrk, lua, s, per, duration, ct)).ToList();
                var results = await Task.WhenAll(runs);
                return (results.Sum(), "wrk");
            }
            finally
            {
                File.Delete(lua);
            }
        }
        return (await InProcessAsync(servers, apiKey, body, connections, duration, ct), "HttpClient");
    }

    private static async Task<double> RunWrkAsync(string wrk, string lua, Uri server, int connections, TimeSpan duration, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t1", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "-s", lua, new Uri(server, "/api/decisions").ToString() })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start wrk.");
        var output = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var m = Rps().Match(output);
        if (!m.Success) throw new InvalidOperationException("wrk printed no Requests/sec: " + output);
        if (Non2xx().Match(output) is { Success: true } bad) throw new InvalidOperationException($"wrk saw {bad.Groups[1].Value} non-2xx responses from {server}.");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<double> InProcessAsync(IReadOnlyList<Uri> servers, string apiKey, string body, int connections, TimeSpan duration, CancellationToken ct)
    {
        long done = 0;
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, connections).Select(async i =>
        {
            using var http = WriteLoad.NewClient(apiKey);
            var url = new Uri(servers[i % servers.Count], "/api/decisions");
            while (watch.Elapsed < duration && !ct.IsCancellationRequested)
            {
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                using var r = await http.PostAsync(url, content, ct);
                if (r.IsSuccessStatusCode) Interlocked.Increment(ref done);
            }
        });
        await Task.WhenAll(tasks);
        return done / watch.Elapsed.TotalSeconds;
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();
}
