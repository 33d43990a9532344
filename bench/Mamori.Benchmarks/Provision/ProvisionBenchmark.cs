using BenchmarkDotNet.Attributes;
using Mamori.Audit;
using Mamori.Benchmarks.Vault;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Provision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Benchmarks.Provision;

/// <summary>
/// One consent-based provision of 10,000 subjects, 1% of whom withdrew: per-subject basis checks,
/// 10,000 access decisions, decryption of the 9,900 provided, one Art.29 record listing them and
/// 10,001 audit events, in one durable transaction on SQLite. Baseline: reading the same subjects'
/// consent rows (the one query the checks need).
/// </summary>
[MemoryDiagnoser]
public class ProvisionBenchmark
{
    private const int Subjects = 10_000;
    private VaultBench _bench = null!;
    private Guid[] _ids = [];

    [GlobalSetup]
    public async Task Setup()
    {
        _bench = await VaultBench.CreateAsync(Subjects);
        _ids = [.. _bench.SubjectIds];
        await using var scope = _bench.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_bench.Tenant);
        var at = TimeProvider.System.GetUtcNow().AddDays(-1);
        await using var tx = await db.Database.BeginTransactionAsync();
        db.AddRange(_ids.Select(id => new ConsentRecord { Id = Guid.CreateVersion7(at), SubjectId = id, Scope = "provision:carriers", Granted = true, At = at, PolicyVersion = 1, Seq = 1 }));
        db.AddRange(_ids.Where((_, i) => i % 100 == 0).Select(id => new ConsentRecord
            { Id = Guid.CreateVersion7(at), SubjectId = id, Scope = "provision:carriers", Granted = false, At = at.AddHours(1), PolicyVersion = 1, Seq = 2 }));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _bench.DisposeAsync();

    [Benchmark(Baseline = true, Description = "read the 10,000 subjects' consent rows (latest per subject)")]
    public async Task<int> ReadConsentRows()
    {
        await using var scope = _bench.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_bench.Tenant);
        var latest = await new ConsentLedger(db).LatestManyAsync(_ids, ["provision:carriers"], TimeProvider.System.GetUtcNow());
        return latest.Values.Count(e => e.Granted);
    }

    [Benchmark(Description = "provide 10,000 subjects on consent (1% withdrawn): checks, decisions, decrypt, record, audit")]
    public async Task<int> Provide()
    {
        await using var scope = _bench.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(_bench.Tenant);
        var r = await scope.ServiceProvider.GetRequiredService<Provisions>().ProvideAsync(
            new ProvisionRequest("carriers", ProvisionBasisKind.Consent, ["name", "phone"], _ids), ["privacy-officer"], Actor.System);
        if (r.Provided.Count != Subjects - Subjects / 100 || r.Refused.Count != Subjects / 100 || r.RecordId is null)
            throw new InvalidOperationException($"Provided {r.Provided.Count}, refused {r.Refused.Count}: expected {Subjects - Subjects / 100} and {Subjects / 100}.");
        var listed = await db.Set<ProvisionRecordSubject>().CountAsync(s => s.RecordId == r.RecordId);
        var audited = await db.AuditEvents.CountAsync(e => e.Code == AuditCode.ProvisionMade && e.TargetId == r.RecordId.ToString());
        if (listed != r.Provided.Count || audited != 1) throw new InvalidOperationException("The record or its audit event is missing.");
        return r.Provided.Count;
    }
}
