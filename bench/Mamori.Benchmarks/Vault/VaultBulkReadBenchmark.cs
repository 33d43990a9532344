using BenchmarkDotNet.Attributes;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Vault;

/// <summary>
/// A batch of 1,000 purpose-checked, decrypted reads (<see cref="Subjects.ReadManyAsync"/>: 1,000
/// decisions, 1,000 audit events in one durable commit, 1,000 data keys unwrapped, 3,000 fields
/// decrypted) against a plain SQLite read of the same 1,000 subjects' rows.
/// </summary>
[MemoryDiagnoser]
public class VaultBulkReadBenchmark
{
    private const int Batch = 1000;
    private VaultBench _bench = null!;
    private SqliteConnection _plain = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _bench = await VaultBench.CreateAsync(10_000);
        _plain = new SqliteConnection($"Data Source={_bench.DatabasePath}");
        _plain.Open();
        // Both sides must read the same data, or the ratio means nothing.
        if (PlainRead() == 0 || await VaultReadMany() != 3 * Batch) throw new InvalidOperationException("bench setup: reads returned no data");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _plain.Dispose();
        await _bench.DisposeAsync();
    }

    private Guid[] NextBatch()
    {
        var start = Interlocked.Add(ref _next, Batch) % (_bench.SubjectIds.Count - Batch);
        return [.. _bench.SubjectIds.GetRange(start, Batch)];
    }

    [Benchmark(Baseline = true, Description = "plain SQLite read of 1,000 subjects' rows")]
    public int PlainRead()
    {
        var ids = NextBatch();
        using var cmd = _plain.CreateCommand();
        // The ids as one JSON parameter: the same single round trip a hand-written bulk read would make.
        cmd.CommandText = "SELECT \"SubjectId\", \"Category\", \"Ciphertext\" FROM \"SubjectFields\" WHERE \"TenantId\" = $t AND \"SubjectId\" IN (SELECT value FROM json_each($ids))";
        cmd.Parameters.AddWithValue("$t", _bench.Tenant.ToString().ToUpperInvariant());
        cmd.Parameters.AddWithValue("$ids", "[" + string.Join(',', ids.Select(i => $"\"{i.ToString().ToUpperInvariant()}\"")) + "]");
        using var r = cmd.ExecuteReader();
        var n = 0;
        while (r.Read()) n += ((byte[])r[2]).Length;
        return n;
    }

    [Benchmark(Description = "vault batch read of 1,000: decisions + audit + decrypt")]
    public async Task<int> VaultReadMany()
    {
        var ids = NextBatch();
        await using var scope = _bench.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(_bench.Tenant);
        var items = await scope.ServiceProvider.GetRequiredService<Subjects>().ReadManyAsync(
            [.. ids.Select(id => new DecisionRequest(id, "support", ["name", "email", "phone"], ["operator"]))], Actor.System);
        return items.Sum(i => i.Values.Count);
    }
}
