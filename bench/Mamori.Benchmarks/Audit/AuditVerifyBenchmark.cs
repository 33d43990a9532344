using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mamori.Audit;

namespace Mamori.Benchmarks.Audit;

/// <summary>
/// Chain verification in events/s against a bare SHA-256 loop over exactly the bytes the chain hashes
/// (previous hash ‖ canonical encoding). The ratio is the cost of Mamori's checks on top of hashing.
/// Events per second = N / mean time.
/// </summary>
[MemoryDiagnoser]
public class AuditVerifyBenchmark
{
    private const int N = 100_000;
    private AuditEvent[] _events = [];
    private byte[][] _hashed = [];

    [GlobalSetup]
    public void Setup()
    {
        var tenant = Guid.NewGuid();
        var previous = AuditChain.GenesisHash;
        var time = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        _events = new AuditEvent[N];
        _hashed = new byte[N][];
        for (var i = 0; i < N; i++)
        {
            var e = new AuditEvent
            {
                TenantId = tenant, Sequence = i + 1, Time = time.AddMilliseconds(i), Code = AuditCode.AccessAllowed,
                ActorKind = ActorKind.ApiKey, ActorId = Guid.NewGuid().ToString(), SubjectId = Guid.NewGuid().ToString(),
                Purpose = "support", Categories = "name,email", Outcome = AuditOutcome.Success, PreviousHash = previous, Hash = [],
            };
            e.Hash = AuditChain.ComputeHash(previous, e);
            var buffer = new byte[AuditChain.HashSize + AuditChain.MaxEncodedLength(e)];
            previous.CopyTo(buffer, 0);
            var n = AuditChain.Encode(e, buffer.AsSpan(AuditChain.HashSize));
            _hashed[i] = buffer[..(AuditChain.HashSize + n)];
            previous = e.Hash;
            _events[i] = e;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public int BareSha256()
    {
        Span<byte> hash = stackalloc byte[32];
        var acc = 0;
        foreach (var bytes in _hashed)
        {
            SHA256.HashData(bytes, hash);
            acc += hash[0];
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public long VerifyChain()
    {
        var verifier = new AuditChainVerifier();
        foreach (var e in _events) verifier.Add(e);
        if (verifier.BrokenAt is not null) throw new InvalidOperationException("chain broken");
        return verifier.Verified;
    }
}
