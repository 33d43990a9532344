using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Mamori.Audit;

/// <summary>The canonical encoding and hashing of audit events, shared by append and verify.</summary>
public static class AuditChain
{
    public const int HashSize = 32;
    private const byte EncodingVersion = 1;

    public static readonly byte[] GenesisHash = new byte[HashSize];

    /// <summary>Microsecond precision: what PostgreSQL's timestamptz keeps.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    /// <summary>
    /// Writes the canonical encoding into <paramref name="buffer"/> and returns its length. Fixed-width
    /// big-endian integers and length-prefixed UTF-8 strings (-1 for null), so no two distinct events
    /// encode alike.
    /// </summary>
    public static int Encode(AuditEvent e, Span<byte> buffer)
    {
        var p = 0;
        buffer[p++] = EncodingVersion;
        BinaryPrimitives.WriteInt64BigEndian(buffer[p..], e.Sequence); p += 8;
        BinaryPrimitives.WriteInt64BigEndian(buffer[p..], (e.Time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10); p += 8;
        e.TenantId.TryWriteBytes(buffer[p..], bigEndian: true, out _); p += 16;
        BinaryPrimitives.WriteInt32BigEndian(buffer[p..], (int)e.Code); p += 4;
        buffer[p++] = (byte)e.ActorKind;
        buffer[p++] = (byte)e.Outcome;
        p += WriteString(buffer[p..], e.ActorId);
        p += WriteString(buffer[p..], e.SubjectId);
        p += WriteString(buffer[p..], e.TargetId);
        p += WriteString(buffer[p..], e.Purpose);
        p += WriteString(buffer[p..], e.ReasonCode);
        p += WriteString(buffer[p..], e.Categories);
        return p;
    }

    public static int MaxEncodedLength(AuditEvent e) =>
        1 + 8 + 8 + 16 + 4 + 1 + 1 + 6 * 4 + Utf8(e.ActorId) + Utf8(e.SubjectId) + Utf8(e.TargetId) + Utf8(e.Purpose) + Utf8(e.ReasonCode) + Utf8(e.Categories);

    /// <summary>SHA-256(previous ‖ encoding(e)).</summary>
    public static byte[] ComputeHash(ReadOnlySpan<byte> previous, AuditEvent e)
    {
        var hash = new byte[HashSize];
        ComputeHash(previous, e, hash);
        return hash;
    }

    public static void ComputeHash(ReadOnlySpan<byte> previous, AuditEvent e, Span<byte> destination)
    {
        var scratch = Scratch ??= new byte[1024];
        ComputeHash(previous, e, destination, ref scratch);
        Scratch = scratch;
    }

    /// <summary>Per-thread encoding buffer: hashing runs on hot paths (append, verify) and must not allocate.</summary>
    [ThreadStatic] private static byte[]? Scratch;

    private static void ComputeHash(ReadOnlySpan<byte> previous, AuditEvent e, Span<byte> destination, ref byte[] scratch)
    {
        var length = HashSize + MaxEncodedLength(e);
        if (scratch.Length < length) scratch = new byte[Math.Max(length, scratch.Length * 2)];
        previous.CopyTo(scratch);
        var written = Encode(e, scratch.AsSpan(HashSize));
        SHA256.HashData(scratch.AsSpan(0, HashSize + written), destination);
    }

    private static int Utf8(string? s) => s is null ? 0 : Encoding.UTF8.GetMaxByteCount(s.Length);

    private static int WriteString(Span<byte> buffer, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer, -1);
            return 4;
        }
        var n = Encoding.UTF8.GetBytes(value, buffer[4..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, n);
        return 4 + n;
    }
}

/// <summary>Checks a tenant's events in sequence order; stops at the first broken link.</summary>
public sealed class AuditChainVerifier
{
    private byte[] _previous = AuditChain.GenesisHash;
    private readonly byte[] _scratch = new byte[AuditChain.HashSize];
    private long _expected = 1;

    public AuditChainVerifier()
    {
    }

    /// <summary>Continues a chain already verified up to <paramref name="sequence"/> (a checkpoint).</summary>
    public AuditChainVerifier(long sequence, byte[] hash)
    {
        _expected = sequence + 1;
        _previous = hash;
    }

    public long Verified { get; private set; }

    /// <summary>The first sequence number where the chain breaks, or null while intact.</summary>
    public long? BrokenAt { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>Feeds the next event (in ascending sequence order). Returns false once broken.</summary>
    public bool Add(AuditEvent e)
    {
        if (BrokenAt is not null) return false;
        if (e.Sequence != _expected)
            return Break(_expected, e.Sequence > _expected ? "missing event" : "sequence out of order");
        if (!e.PreviousHash.AsSpan().SequenceEqual(_previous))
            return Break(e.Sequence, "previous hash does not match");
        AuditChain.ComputeHash(_previous, e, _scratch);
        if (!_scratch.AsSpan().SequenceEqual(e.Hash))
            return Break(e.Sequence, "event content does not match its hash");
        _previous = e.Hash;
        _expected++;
        Verified++;
        return true;
    }

    /// <summary>Compares the end of the chain with the tenant's head row, which catches deleted tail events.</summary>
    public bool Finish(AuditHead? head)
    {
        if (BrokenAt is not null) return false;
        var last = head?.LastSequence ?? 0;
        if (last != _expected - 1)
            return Break(_expected, last > _expected - 1 ? "missing event" : "events beyond the chain head");
        if (head is not null && !head.LastHash.AsSpan().SequenceEqual(_previous))
            return Break(last, "chain head does not match the last event");
        return true;
    }

    /// <summary>The verifier's findings (<see cref="Problem"/>) in Japanese; an unknown one as it is.</summary>
    public static string? ProblemJa(string? problem) => problem switch
    {
        "missing event" => "記録の欠落",
        "sequence out of order" => "順序の乱れ",
        "previous hash does not match" => "直前の記録のハッシュ値が一致しない",
        "event content does not match its hash" => "記録の内容がハッシュ値と一致しない（改ざん）",
        "events beyond the chain head" => "連鎖の末尾より後の記録",
        "chain head does not match the last event" => "連鎖の末尾が最後の記録と一致しない",
        "event does not match its checkpoint" => "記録がチェックポイントと一致しない",
        _ => problem,
    };

    private bool Break(long sequence, string problem)
    {
        BrokenAt = sequence;
        Problem = problem;
        return false;
    }
}
