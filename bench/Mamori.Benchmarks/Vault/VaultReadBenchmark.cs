using BenchmarkDotNet.Attributes;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Vault;

/// <summary>
/// A purpose-checked, decrypted read of one subject (decision + audit event + decrypt) against a plain
/// SQLite read of the same rows with Microsoft.Data.Sqlite. Sequential single reads pay one durable
/// audit commit each; with concurrent readers the audit commits are grouped (AuditBatcher), shown by
/// the 16-way variant (time per read).
/// </summary>
[MemoryDiagnoser]
public class VaultReadBenchmark
{
    private VaultBench _bench = null!;
    private SqliteConnection _plain = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _bench = await VaultBench.CreateAsync(1000);
        _plain = new SqliteConnection($"Data Source={_bench.DatabasePath}");
        _plain.Open();
        using var init = _plain.CreateCommand();
        init.CommandText = "PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS bench_events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);";
        init.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _plain.Dispose();
        await _bench.DisposeAsync();
    }

    private Guid NextId() => _bench.SubjectIds[Interlocked.Increment(ref _next) % _bench.SubjectIds.Count];

    [Benchmark(Baseline = true, Description = "plain SQLite read of the subject's rows")]
    public int PlainRead()
    {
        using var cmd = _plain.CreateCommand();
        cmd.CommandText = "SELECT \"Category\", \"Ciphertext\" FROM \"SubjectFields\" WHERE \"TenantId\" = $t AND \"SubjectId\" = $s";
        cmd.Parameters.AddWithValue("$t", _bench.Tenant.ToString().ToUpperInvariant());
        cmd.Parameters.AddWithValue("$s", NextId().ToString().ToUpperInvariant());
        using var r = cmd.ExecuteReader();
        var n = 0;
        while (r.Read()) n += ((byte[])r[1]).Length;
        return n;
    }

    /// <summary>The least a read that leaves durable evidence can cost: the same read plus one committed row.</summary>
    [Benchmark(Description = "plain SQLite read + one durable insert")]
    public int PlainReadWithDurableEvent()
    {
        var n = PlainRead();
        using var tx = _plain.BeginTransaction();
        using var cmd = _plain.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO bench_events (payload) VALUES ($p)";
        cmd.Parameters.AddWithValue("$p", new byte[200]);
        cmd.ExecuteNonQuery();
        tx.Commit();
        return n;
    }

    private async Task<int> VaultReadAsync()
    {
        await using var scope = _bench.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(_bench.Tenant);
        var r = await scope.ServiceProvider.GetRequiredService<Subjects>().ReadAsync(
            new DecisionRequest(NextId(), "support", ["name", "email", "phone"], ["operator"]), Actor.System);
        return r.Values.Count;
    }

    [Benchmark(Description = "vault read: decision + audit + decrypt")]
    public Task<int> VaultRead() => VaultReadAsync();

    [Benchmark(OperationsPerInvoke = 16, Description = "vault read, 16 concurrent (per read)")]
    public Task VaultRead16() => Task.WhenAll(Enumerable.Range(0, 16).Select(_ => VaultReadAsync()));
}
