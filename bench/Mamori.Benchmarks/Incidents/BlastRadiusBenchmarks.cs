using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Incidents;
using Mamori.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Incidents;

/// <summary>
/// A SQLite database with one tenant whose audit chain holds <c>MAMORI_BENCH_EVENTS</c> (default
/// 10,000,000) access events over 90 days from 200 actors and 1,000,000 subjects. The compromised
/// API key is a busy integration doing 10% of all reads. Built once (bulk insert with raw SQL in one
/// transaction, hashes by <see cref="AuditChain"/>, indexes rebuilt afterwards) and cached in the
/// temp directory, so every benchmark process reuses it.
/// </summary>
public static class AuditFixture
{
    public const int Actors = 200;
    public const int Subjects = 1_000_000;
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Span = TimeSpan.FromDays(90);
    private static readonly string[] CategoryIds = ["name", "email", "phone", "address", "birth-date", "purchase-history", "card-number", "health"];

    public static long EventCount => long.TryParse(Environment.GetEnvironmentVariable("MAMORI_BENCH_EVENTS"), out var n) ? n : 10_000_000;

    public static Guid KeyId(int actor) => new(actor, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);

    /// <summary>
    /// Events appended after the newest audit checkpoint (<c>MAMORI_BENCH_TAIL</c>, default 100,000: at this
    /// traffic about 6.5 hours, i.e. ~78 missed background-job runs of the default 5-minute interval).
    /// </summary>
    public static long TailCount => long.TryParse(Environment.GetEnvironmentVariable("MAMORI_BENCH_TAIL"), out var n) ? n : 100_000;

    public static string DatabasePath => Path.Combine(Path.GetTempPath(), "mamori-bench-incidents", $"audit-{EventCount}-cp{TailCount}.db");

    public static MamoriSettings Settings => new(Path.GetDirectoryName(DatabasePath)!, new DatabaseTarget("sqlite", DatabasePath));

    public static ServiceProvider Services() => new ServiceCollection().AddLogging().AddMamoriCore(Settings).BuildServiceProvider();

    /// <summary>Creates the database unless a complete one is cached; returns the tenant id.</summary>
    public static async Task<Guid> EnsureAsync()
    {
        var done = DatabasePath + ".done";
        await using var sp = Services();
        if (File.Exists(done)) return Guid.Parse(await File.ReadAllTextAsync(done));
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!, Path.GetFileName(DatabasePath) + "*")) File.Delete(f);
        var watch = Stopwatch.StartNew();
        Guid tenantId;
        await using (var scope = sp.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            await db.Database.MigrateAsync();
            tenantId = (await scope.ServiceProvider.GetRequiredService<Tenants>().CreateAsync("bench", "Bench Co.", Mamori.Audit.Actor.System)).Id;
        }
        SqliteConnection.ClearAllPools();
        var tail = Math.Min(TailCount, EventCount);
        var random = new Random(20261123);
        Generate(tenantId, 0, EventCount - tail, random, dropIndexes: true);
        var generated = watch.Elapsed;
        // The checkpoint a server's background job records: the whole chain verified, then its end stored.
        watch.Restart();
        await using (var scope = sp.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            var (result, checkpoint) = await AuditVerify.CheckpointAsync(db, tenantId, "bench", TimeProvider.System);
            if (!result.Intact || checkpoint is null) throw new InvalidOperationException($"The generated chain does not verify: {result.Problem} at {result.BrokenAt}.");
        }
        var checkpointed = watch.Elapsed;
        SqliteConnection.ClearAllPools();
        watch.Restart();
        Generate(tenantId, EventCount - tail, tail, random, dropIndexes: false);
        await File.WriteAllTextAsync(done, tenantId.ToString());
        Console.WriteLine($"// AuditFixture: generated {EventCount - tail:N0} events in {generated.TotalSeconds:F1} s, checkpoint (full verification) in " +
                          $"{checkpointed.TotalSeconds:F1} s, then {tail:N0} events after the checkpoint in {watch.Elapsed.TotalSeconds:F1} s ({new FileInfo(DatabasePath).Length / 1e9:F2} GB)");
        return tenantId;
    }

    /// <summary>Appends events <paramref name="first"/>..first+count-1 of the deterministic stream to the chain.</summary>
    private static long Generate(Guid tenantId, long first, long count, Random random, bool dropIndexes)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        conn.Open();
        Exec(conn, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;");
        string tenantText;
        byte[] previous;
        long sequence;
        using (var head = conn.CreateCommand())
        {
            head.CommandText = """SELECT "TenantId", "LastSequence", "LastHash" FROM "AuditHeads" """;
            using var r = head.ExecuteReader();
            r.Read();
            tenantText = r.GetString(0);
            sequence = r.GetInt64(1);
            previous = (byte[])r.GetValue(2);
        }
        var indexes = new List<(string Name, string Sql)>();
        using (var list = conn.CreateCommand())
        {
            list.CommandText = """SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AuditEvents' AND sql IS NOT NULL""";
            using var r = list.ExecuteReader();
            while (r.Read()) indexes.Add((r.GetString(0), r.GetString(1)));
        }
        if (!dropIndexes) indexes.Clear();
        foreach (var (name, _) in indexes) Exec(conn, $"""DROP INDEX "{name}" """);

        using var tx = conn.BeginTransaction();
        using var insert = conn.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO "AuditEvents" ("TenantId","Sequence","Time","Code","ActorKind","ActorId","SubjectId","TargetId","Purpose","Categories","Outcome","ReasonCode","PreviousHash","Hash")
            VALUES ($t,$s,$time,$code,$kind,$actor,$subject,NULL,$purpose,$cats,$outcome,NULL,$prev,$hash)
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$t", "$s", "$time", "$code", "$kind", "$actor", "$subject", "$purpose", "$cats", "$outcome", "$prev", "$hash" })
            p[name] = insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        insert.Prepare();
        p["$t"].Value = tenantText;
        p["$purpose"].Value = "support";

        var actorIds = Enumerable.Range(0, Actors).Select(a => a < 50 ? KeyId(a).ToString() : new Guid(a, 0, 0, [0, 0, 0, 0, 0, 0, 0, 2]).ToString()).ToArray();
        var categorySets = Enumerable.Range(0, 64).Select(i => string.Join(',', CategoryIds.Where((_, b) => ((i * 37 + 11) >> b & 1) == 1).Take(3).DefaultIfEmpty("name"))).ToArray();
        var e = new AuditEvent { TenantId = tenantId, Purpose = "support", PreviousHash = previous, Hash = new byte[AuditChain.HashSize] };
        var n = EventCount;
        var stepMicros = Span.Ticks / 10 / n;
        var startMicros = (Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        for (long i = first; i < first + count; i++)
        {
            // Actor 0 (an API key) does 10% of all reads; the rest is spread over 199 actors.
            var actor = random.Next(10) == 0 ? 0 : 1 + random.Next(Actors - 1);
            var micros = startMicros + i * stepMicros;
            e.Sequence = ++sequence;
            e.Time = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + micros * 10, TimeSpan.Zero);
            e.Code = random.Next(20) == 0 ? AuditCode.AccessDenied : AuditCode.AccessAllowed;
            e.Outcome = e.Code == AuditCode.AccessAllowed ? AuditOutcome.Success : AuditOutcome.Denied;
            e.ActorKind = actor < 50 ? ActorKind.ApiKey : ActorKind.User;
            e.ActorId = actorIds[actor];
            e.SubjectId = "s" + random.Next(Subjects).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
            e.Categories = categorySets[random.Next(categorySets.Length)];
            e.PreviousHash = previous;
            var hash = new byte[AuditChain.HashSize];
            AuditChain.ComputeHash(previous, e, hash);
            p["$s"].Value = e.Sequence;
            p["$time"].Value = micros;
            p["$code"].Value = (int)e.Code;
            p["$kind"].Value = (int)e.ActorKind;
            p["$actor"].Value = e.ActorId;
            p["$subject"].Value = e.SubjectId;
            p["$cats"].Value = e.Categories;
            p["$outcome"].Value = (int)e.Outcome;
            p["$prev"].Value = previous;
            p["$hash"].Value = hash;
            insert.ExecuteNonQuery();
            previous = hash;
        }
        using (var head = conn.CreateCommand())
        {
            head.Transaction = tx;
            head.CommandText = """UPDATE "AuditHeads" SET "LastSequence" = $s, "LastHash" = $h""";
            head.Parameters.AddWithValue("$s", sequence);
            head.Parameters.AddWithValue("$h", previous);
            head.ExecuteNonQuery();
        }
        tx.Commit();
        foreach (var (_, sql) in indexes) Exec(conn, sql);
        if (dropIndexes) Exec(conn, "ANALYZE;");
        Exec(conn, "PRAGMA journal_mode=WAL;");
        return count;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Makes the newest checkpoint the one a background job would have recorded <paramref name="tail"/> events
    /// before the end: checkpoints above the fixture's base checkpoint (recorded by <see cref="AuditVerify.CheckpointAsync"/>
    /// after a full verification) are removed, and the events from the base up to that point are verified link by
    /// link with <see cref="AuditChainVerifier"/> before the checkpoint is stored, as the job would.
    /// </summary>
    public static async Task SetNewestCheckpointAsync(ServiceProvider sp, Guid tenantId, long tail)
    {
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(tenantId);
        var head = await db.AuditHeads.AsNoTracking().FirstAsync();
        var target = head.LastSequence - tail;
        var checkpoints = await db.Set<AuditCheckpoint>().OrderBy(c => c.Sequence).ToListAsync();
        var baseline = checkpoints.First();
        db.RemoveRange(checkpoints.Skip(1));
        await db.SaveChangesAsync();
        if (target <= baseline.Sequence) return;
        var verifier = new AuditChainVerifier(baseline.Sequence, baseline.Hash);
        await foreach (var e in db.AuditEvents.AsNoTracking().Where(e => e.Sequence > baseline.Sequence && e.Sequence <= target).OrderBy(e => e.Sequence).AsAsyncEnumerable())
            if (!verifier.Add(e)) throw new InvalidOperationException($"The chain breaks at {verifier.BrokenAt}.");
        var last = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence == target).Select(e => e.Hash).FirstAsync();
        db.Add(new AuditCheckpoint { TenantId = tenantId, Sequence = target, Hash = last, CreatedAt = DateTimeOffset.UnixEpoch });
        await db.SaveChangesAsync();
    }

    /// <summary>The compromised key's one-week window in the middle of the 90 days.</summary>
    public static BlastRadiusQuery Week => new(ActorKindCode.ApiKey, KeyId(0).ToString(), Start.AddDays(40), Start.AddDays(47));
}

/// <summary>
/// One short in-process job (Monitoring, 1 warm-up, 5 iterations): the fixture is a 5 GB database, so each
/// iteration is a real cold-ish run; in-process so the shared machine builds nothing extra.
/// </summary>
public sealed class IncidentBenchConfig : ManualConfig
{
    public IncidentBenchConfig() => AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5)
        .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
}

/// <summary>
/// Blast radius of a busy API key over a one-week window on 10M audit events (goal ≤ 2 s), against a
/// plain COUNT(*) of the same window as the baseline.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(IncidentBenchConfig))]
public class BlastRadiusBenchmarks
{
    private ServiceProvider _services = null!;
    private Guid _tenant;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _tenant = await AuditFixture.EnsureAsync();
        _services = AuditFixture.Services();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _services.DisposeAsync();

    private async Task<T> InTenantAsync<T>(Func<MamoriDbContext, Task<T>> work)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_tenant);
        return await work(db);
    }

    [Benchmark(Baseline = true, Description = "COUNT(*) of the week (all actors)")]
    public Task<int> CountWindow() => InTenantAsync(db =>
    {
        var q = AuditFixture.Week;
        return db.AuditEvents.CountAsync(e => e.Time >= q.From && e.Time < q.To);
    });

    [Benchmark(Description = "Blast radius query: one key, one week")]
    public Task<int> BlastRadiusWeek() => InTenantAsync(async db =>
        (await BlastRadius.ReadAsync(db, AuditFixture.Week.Validated(), 0, CancellationToken.None)).Subjects.Count);
}

/// <summary>
/// The blast radius end to end as the server computes it (<see cref="BlastRadius.ComputeAsync"/>): the chain
/// verified from the newest audit checkpoint (recorded by <see cref="AuditVerify.CheckpointAsync"/> when the
/// fixture was built, <see cref="AuditFixture.TailCount"/> events before the end), then the one-week query;
/// against the query alone as the baseline.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(IncidentBenchConfig))]
public class ChainVerifyBenchmarks
{
    private ServiceProvider _services = null!;
    private Guid _tenant;

    /// <summary>
    /// Events after the newest checkpoint: 1,300 is one background-job interval (300 s) of this traffic,
    /// 10,000 about 50 minutes of missed runs, 100,000 about 6.5 hours.
    /// </summary>
    [Params(1_300, 10_000, 100_000)]
    public int TailEvents { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _tenant = await AuditFixture.EnsureAsync();
        _services = AuditFixture.Services();
        await AuditFixture.SetNewestCheckpointAsync(_services, _tenant, TailEvents);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _services.DisposeAsync();

    private async Task<T> InTenantAsync<T>(Func<MamoriDbContext, Task<T>> work)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_tenant);
        return await work(db);
    }

    [Benchmark(Baseline = true, Description = "Blast radius query alone")]
    public Task<int> QueryOnly() => InTenantAsync(async db =>
        (await BlastRadius.ReadAsync(db, AuditFixture.Week.Validated(), 0, CancellationToken.None)).Subjects.Count);

    [Benchmark(Description = "Chain verification from the newest checkpoint alone")]
    public Task<long> VerifyFromCheckpoint() => InTenantAsync(async db =>
    {
        var r = await AuditVerify.VerifyTenantAsync(db, _tenant, "bench", CancellationToken.None, fromCheckpoint: true);
        return r.Intact ? r.Verified : throw new InvalidOperationException(r.Problem);
    });

    [Benchmark(Description = "Verified blast radius (from checkpoint, then query)")]
    public Task<int> VerifiedBlastRadius() => InTenantAsync(async db =>
        (await BlastRadius.ComputeAsync(db, AuditFixture.Week, CancellationToken.None)).Subjects.Count);
}
