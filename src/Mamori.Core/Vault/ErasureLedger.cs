using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mamori.Errors;

namespace Mamori.Vault;

/// <summary>
/// The erasure ledger (消去台帳): one line per data key destroyed by an erasure or a retention sweep,
/// kept <b>beside the key ring, outside the database</b> (<c>erasures.jsonl</c>, or
/// <c>MAMORI_ERASURES_FILE</c>). It holds ids and a one-way fingerprint of the destroyed data key —
/// never personal data and never the key. A backup of the database taken before an erasure still
/// holds the old wrapped data key, which the current key-encryption key could unwrap; the ledger is
/// what makes that copy dead: <see cref="VaultCrypto.Unwrap"/> refuses any key whose fingerprint is
/// listed, and <see cref="VaultMaintenance.ReapplyErasuresAsync"/> shreds such subjects again after a
/// restore. Appends are fsynced; every server also rebuilds missing lines from the destruction
/// certificates in the database, so a crash between commit and append loses nothing.
/// </summary>
public sealed class ErasureLedger(string path)
{
    private readonly Lock _gate = new();
    private Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private List<Entry> _entries = [];
    private DateTime _stamp;
    private long _length = -1;

    public string Path { get; } = path;

    /// <summary>
    /// One destroyed data key. <see cref="Categories"/> are those destroyed with it (comma-separated); <see cref="Kind"/> what
    /// destroyed it, <see cref="Erasure"/> or <see cref="Retention"/> (null on lines written before it was recorded), so that a
    /// re-shred after a restore knows whether what it keeps again is kept only for a law.
    /// </summary>
    public sealed record Entry(
        [property: JsonPropertyName("tenant")] Guid Tenant,
        [property: JsonPropertyName("subject")] Guid Subject,
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("categories")] string Categories,
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("kind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind = null);

    public const string Erasure = "erasure";
    public const string Retention = "retention";

    /// <summary>The line for a destruction certificate.</summary>
    public static Entry EntryOf(DestructionCertificate c, Guid tenant) =>
        new(tenant, c.SubjectId, c.DestroyedKeyId!, c.Destroyed, c.DestroyedAt, c.Kind == DestructionKind.Erasure ? Erasure : Retention);

    /// <summary>The prefix of a fingerprint as stored in a destruction certificate's <c>DestroyedKeyId</c>.</summary>
    public const string FingerprintPrefix = "dk1:";

    /// <summary>A one-way, domain-separated fingerprint of a data key (128 bits of SHA-256).</summary>
    public static string Fingerprint(ReadOnlySpan<byte> dataKey)
    {
        Span<byte> input = stackalloc byte[32 + dataKey.Length];
        "mamori-erased-data-key-v1\0\0\0\0\0\0\0"u8.CopyTo(input);
        dataKey.CopyTo(input[32..]);
        return FingerprintPrefix + Convert.ToHexStringLower(SHA256.HashData(input)[..16]);
    }

    public bool Contains(string fingerprint)
    {
        lock (_gate)
        {
            Refresh();
            return _byKey.ContainsKey(fingerprint);
        }
    }

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_gate)
            {
                Refresh();
                return _entries.ToList();
            }
        }
    }

    /// <summary>
    /// Creates the ledger empty (owner-only) when it does not exist yet, so that it is there to back up with the keys from the
    /// first day: an operator's 'cp keys.json erasures.jsonl …' failed until the first erasure wrote it. An existing one is left as it is.
    /// </summary>
    public void EnsureExists()
    {
        lock (_gate)
        {
            if (File.Exists(Path)) return;
            Data.OwnerOnly.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var _ = new FileStream(Path, options);
            }
            catch (IOException) when (File.Exists(Path))
            {
                // Another process (a second server starting) created it first: the same empty ledger.
            }
        }
    }

    /// <summary>Appends the entries not yet listed and forces them to disk.</summary>
    public int Append(IEnumerable<Entry> entries)
    {
        lock (_gate)
        {
            Refresh();
            var fresh = entries.Where(e => !_byKey.ContainsKey(e.Key)).DistinctBy(e => e.Key).ToList();
            if (fresh.Count == 0) return 0;
            Data.OwnerOnly.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            var created = !File.Exists(Path);
            using (var s = OpenForAppend())
            {
                TrimTornTail(s);
                foreach (var e in fresh)
                {
                    s.Write(JsonSerializer.SerializeToUtf8Bytes(e));
                    s.WriteByte((byte)'\n');
                }
                s.Flush(flushToDisk: true);
            }
            if (created && !OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            _length = -1; // re-read on next use, so another process's lines are seen too
            Refresh();
            return fresh.Count;
        }
    }

    /// <summary>
    /// Opens the file exclusively for writing; another process appending or reading at the same moment is waited for
    /// (up to about a second). On Linux only <see cref="FileShare.None"/> takes an exclusive lock (flock): with
    /// <see cref="FileShare.Read"/> two servers sharing the file both appended at once and overwrote each other's lines.
    /// </summary>
    private FileStream OpenForAppend() =>
        Retrying(() => new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));

    /// <summary>Reads the whole file under a shared lock, so a line is never read while another process writes it.</summary>
    private string ReadAll() => Retrying(() =>
    {
        using var s = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    });

    private static T Retrying<T>(Func<T> open)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return open();
            }
            catch (IOException e) when (attempt < 100 && e is not FileNotFoundException)
            {
                SpinWait.SpinUntil(() => false, 10);
            }
        }
    }

    /// <summary>Cuts a torn last line (a crash in the middle of an append) so the next line starts clean.</summary>
    private static void TrimTornTail(FileStream s)
    {
        if (s.Length == 0) return;
        var buffer = new byte[Math.Min(s.Length, 64 * 1024)];
        var end = s.Length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            s.Seek(start, SeekOrigin.Begin);
            s.ReadExactly(buffer, 0, (int)(end - start));
            var nl = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start) - 1);
            if (nl >= 0)
            {
                s.SetLength(start + nl + 1);
                break;
            }
            end = start;
            if (end == 0) s.SetLength(0);
        }
        s.Seek(0, SeekOrigin.End);
    }

    private void Refresh()
    {
        if (!File.Exists(Path))
        {
            _byKey = new(StringComparer.Ordinal);
            _entries = [];
            _length = 0;
            return;
        }
        var info = new FileInfo(Path);
        if (info.Length == _length && info.LastWriteTimeUtc == _stamp) return;
        var text = ReadAll();
        var lines = text.Split('\n');
        var entries = new List<Entry>();
        // The last segment is empty after a complete line, or a torn line (never acknowledged): ignored.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0) continue;
            Entry? e;
            try { e = JsonSerializer.Deserialize<Entry>(lines[i]); }
            catch (JsonException) { e = null; }
            if (e?.Key is null || !e.Key.StartsWith(FingerprintPrefix, StringComparison.Ordinal))
                throw new MamoriException(ErrorCode.ErasureLedgerInvalid, $"The erasure ledger {Path} is malformed at line {i + 1}.", 500);
            entries.Add(e);
        }
        _entries = entries;
        _byKey = entries.GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _length = info.Length;
        _stamp = info.LastWriteTimeUtc;
    }
}
