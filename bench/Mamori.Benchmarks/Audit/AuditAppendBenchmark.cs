using BenchmarkDotNet.Attributes;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Tenancy;
using Mamori.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Audit;

/// <summary>
/// Audit append throughput per provider: one event per transaction (the common case: one change,
/// one event) and 100 per transaction (bulk operations), against a baseline that inserts the same
/// row without the chain (no head lock, no hash). SQLite runs with synchronous=FULL as in production;
/// the throwaway PostgreSQL runs with fsync off, so its figures show CPU and round trips, not disk.
/// </summary>
[MemoryDiagnoser]
public class AuditAppendBenchmark
{
    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    private ThrowawayPostgres? _pg;
    private ServiceProvider _services = null!;
    private Guid _tenant;
    private string _dir = "";
    private long _plainSequence = -1;

    [GlobalSetup]
    public async Task Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mamori-bench-").FullName;
        DatabaseTarget target;
        if (Provider == "postgres")
        {
            _pg = await ThrowawayPostgres.StartAsync();
            target = new DatabaseTarget("postgres", _pg.ConnectionString());
        }
        else target = new DatabaseTarget("sqlite", Path.Combine(_dir, "bench.db"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMamoriCore(new MamoriSettings(_dir, target));
        _services = services.BuildServiceProvider();
        await MamoriServices.MigrateAsync(_services);
        await using var scope = _services.CreateAsyncScope();
        _tenant = (await scope.ServiceProvider.GetRequiredService<Tenants>().CreateAsync("bench", "Bench", Mamori.Audit.Actor.System)).Id;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        if (_pg is not null) await _pg.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private async Task InTenant(Func<IServiceProvider, MamoriDbContext, Task> work)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_tenant);
        await using var tx = await db.Database.BeginTransactionAsync();
        await work(scope.ServiceProvider, db);
        await tx.CommitAsync();
    }

    private static AuditEntry Entry() => new(AuditCode.AccessAllowed, Actor.Key(Guid.NewGuid()), SubjectId: Guid.NewGuid().ToString(), Purpose: "support", Categories: "name,email");

    [Benchmark(Baseline = true, Description = "plain insert, 1 row/tx")]
    public Task PlainInsert() => InTenant(async (_, db) =>
    {
        // The same row as an audit event but outside the chain (negative sequences), without lock or hash.
        db.AuditEvents.Add(new AuditEvent
        {
            TenantId = _tenant, Sequence = Interlocked.Decrement(ref _plainSequence), Time = DateTimeOffset.UnixEpoch,
            Code = AuditCode.AccessAllowed, ActorKind = ActorKind.ApiKey, ActorId = Guid.NewGuid().ToString(),
            SubjectId = Guid.NewGuid().ToString(), Purpose = "support", Categories = "name,email", PreviousHash = new byte[32], Hash = new byte[32],
        });
        await db.SaveChangesAsync();
    });

    [Benchmark(Description = "chain append, 1 event/tx")]
    public Task AppendOne() => InTenant((sp, db) => sp.GetRequiredService<AuditLog>().AppendAsync(db, Entry()));

    [Benchmark(OperationsPerInvoke = 100, Description = "chain append, 100 events/tx (per event)")]
    public Task AppendHundred() => InTenant((sp, db) => sp.GetRequiredService<AuditLog>().AppendManyAsync(db, Enumerable.Range(0, 100).Select(_ => Entry()).ToList()));
}
