using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mamori.Errors;
using Microsoft.Extensions.Logging;

namespace Mamori.Vault;

/// <summary>
/// The vault's keys: versioned key-encryption keys (the newest wraps new data keys; older ones only
/// unwrap until re-wrapping retires them) and a separate key for blind indexes. Loaded from a JSON
/// file (<c>&lt;data-dir&gt;/keys.json</c>, <c>MAMORI_KEYS_FILE</c>) or the <c>MAMORI_KEYS</c>
/// environment variable. Without keys the vault fails closed.
/// </summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, byte[]> _keks;

    public KeyRing(IReadOnlyList<KeyEntry> keks, byte[] blindIndexKey, string? source = null, IReadOnlyList<KeyEntry>? pseudonymizationKeys = null)
    {
        if (keks.Count == 0) throw new MamoriException(ErrorCode.KeysMissing, "The key ring has no key-encryption key.");
        foreach (var k in keks)
            if (k.Key.Length != 32) throw new MamoriException(ErrorCode.KeysMissing, $"Key '{k.Id}' is not 256 bits.");
        if (blindIndexKey.Length != 32) throw new MamoriException(ErrorCode.KeysMissing, "The blind-index key is not 256 bits.");
        Keks = keks;
        _keks = keks.ToDictionary(k => k.Id, k => k.Key, StringComparer.Ordinal);
        BlindIndexKey = blindIndexKey;
        Source = source;
        PseudonymizationKeys = pseudonymizationKeys ?? [];
        foreach (var k in PseudonymizationKeys)
            if (k.Key.Length != 32) throw new MamoriException(ErrorCode.KeysMissing, $"Pseudonymization key '{k.Id}' is not 256 bits.");
    }

    /// <summary>
    /// Keys of pseudonymized datasets (仮名加工情報の削除情報等, L-25): one per dataset, kept apart from the
    /// database and never exported; removing one makes that dataset's pseudonyms unlinkable for good.
    /// </summary>
    public IReadOnlyList<KeyEntry> PseudonymizationKeys { get; }

    public byte[]? FindPseudonymizationKey(string id) => PseudonymizationKeys.FirstOrDefault(k => k.Id == id)?.Key;

    /// <summary>A ring with one more pseudonymization key, and the new key's id.</summary>
    public (KeyRing Ring, string KeyId) WithPseudonymizationKey(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var entry = new KeyEntry($"p-{now:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}", now, RandomNumberGenerator.GetBytes(32));
        return (new KeyRing(Keks, BlindIndexKey, Source, [.. PseudonymizationKeys, entry]), entry.Id);
    }

    /// <summary>A ring without the pseudonymization key; the caller saves it.</summary>
    public KeyRing WithoutPseudonymizationKey(string id)
    {
        if (PseudonymizationKeys.FirstOrDefault(k => k.Id == id) is not { } entry)
            throw new MamoriException(ErrorCode.KeysMissing, $"There is no pseudonymization key '{id}'.");
        var ring = new KeyRing(Keks, BlindIndexKey, Source, PseudonymizationKeys.Where(k => k.Id != id).ToList());
        return ring;
    }

    public IReadOnlyList<KeyEntry> Keks { get; }

    /// <summary>The key that wraps new data keys: the last one added.</summary>
    public KeyEntry Primary => Keks[^1];

    public byte[] BlindIndexKey { get; }

    /// <summary>Where the ring came from (a path or "environment"), for status output.</summary>
    public string? Source { get; }

    public byte[]? Find(string id) => _keks.GetValueOrDefault(id);

    /// <summary>Data keys destroyed by erasures; <see cref="VaultCrypto.Unwrap"/> refuses them (set by <see cref="KeyRingProvider"/>).</summary>
    public ErasureLedger? Erased { get; internal set; }

    public sealed record KeyEntry(string Id, DateTimeOffset Created, byte[] Key);

    private sealed record FileKey(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("created")] DateTimeOffset Created,
        [property: JsonPropertyName("key")] string Key);

    private sealed record FileFormat(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("keyEncryptionKeys")] List<FileKey> Keks,
        [property: JsonPropertyName("blindIndexKey")] string BlindIndexKey,
        [property: JsonPropertyName("pseudonymizationKeys"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<FileKey>? PseudonymizationKeys = null);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static KeyRing Parse(string json, string source)
    {
        FileFormat? f;
        try { f = JsonSerializer.Deserialize<FileFormat>(json, Json); }
        catch (JsonException) { f = null; }
        if (f is null || f.Keks is null || f.BlindIndexKey is null)
            throw new MamoriException(ErrorCode.KeysMissing, $"The key ring in {source} is not valid.");
        try
        {
            return new KeyRing(f.Keks.Select(k => new KeyEntry(k.Id, k.Created, Convert.FromBase64String(k.Key))).ToList(),
                Convert.FromBase64String(f.BlindIndexKey), source,
                f.PseudonymizationKeys?.Select(k => new KeyEntry(k.Id, k.Created, Convert.FromBase64String(k.Key))).ToList());
        }
        catch (FormatException)
        {
            throw new MamoriException(ErrorCode.KeysMissing, $"The key ring in {source} has a key that is not base64.");
        }
    }

    public string Serialize() => JsonSerializer.Serialize(new FileFormat(1,
        Keks.Select(k => new FileKey(k.Id, k.Created, Convert.ToBase64String(k.Key))).ToList(),
        Convert.ToBase64String(BlindIndexKey),
        PseudonymizationKeys.Count == 0 ? null : PseudonymizationKeys.Select(k => new FileKey(k.Id, k.Created, Convert.ToBase64String(k.Key))).ToList()), Json);

    public static KeyRing Generate(TimeProvider clock) =>
        new([NewKey(clock, 1)], RandomNumberGenerator.GetBytes(32));

    public KeyRing WithNewKey(TimeProvider clock) => new([.. Keks, NewKey(clock, Keks.Count + 1)], BlindIndexKey, Source, PseudonymizationKeys);

    public KeyRing Without(string id)
    {
        if (Primary.Id == id) throw new MamoriException(ErrorCode.KeyInUse, "The primary key cannot be retired; rotate first.");
        if (!_keks.ContainsKey(id)) throw new MamoriException(ErrorCode.KeysMissing, $"There is no key '{ErrorText.Id(id)}'.");
        return new KeyRing(Keks.Where(k => k.Id != id).ToList(), BlindIndexKey, Source, PseudonymizationKeys);
    }

    private static KeyEntry NewKey(TimeProvider clock, int n)
    {
        var now = clock.GetUtcNow();
        return new KeyEntry($"k{n}-{now:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}", now, RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Writes the ring so only the owner can read it.</summary>
    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Data.OwnerOnly.CreateDirectory(dir);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, Serialize());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }
}

/// <summary>
/// Finds and holds the key ring; reloads the file when it changes (rotation by another process) and logs which key ids it loaded,
/// then which were added and removed (ids only, never key material), so an operator can tell when each server took a rotation.
/// </summary>
public sealed partial class KeyRingProvider(KeyRingOptions options, ILogger<KeyRingProvider>? logger = null)
{
    private KeyRing? _ring;

    /// <summary>The key-encryption key ids of the ring last loaded, to log what a reload changed.</summary>
    private string[]? _loadedIds;

    /// <summary>The erasure ledger kept beside the ring (see <see cref="ErasureLedger"/>).</summary>
    public ErasureLedger Ledger { get; } = new(options.ErasureLedgerPath);
    private DateTime _loadedStamp;

    public string FilePath => options.FilePath;

    /// <inheritdoc cref="KeyRingOptions.InitCommand"/>
    public string InitCommand => options.InitCommand;

    public bool Exists => options.EnvironmentJson is not null || File.Exists(options.FilePath);

    /// <summary>
    /// A warning when other users may read the key file (keys.json made 644 by a copy or a restore from backup): whoever
    /// reads it, with a database backup, reads every person's data. Null when only the owner can (as keys init makes it).
    /// </summary>
    public string? ReadableByOthersWarning()
    {
        if (options.EnvironmentJson is not null || OperatingSystem.IsWindows() || !File.Exists(options.FilePath)) return null;
        var mode = File.GetUnixFileMode(options.FilePath);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        return (mode & others) == 0 ? null
            : $"WARNING: {options.FilePath} can be read by other users (mode {Convert.ToString((int)mode, 8)}); run 'chmod 600 {Shell.Quote(options.FilePath)}'.";
    }

    public KeyRing Current
    {
        get
        {
            if (options.EnvironmentJson is { } env) return _ring ??= Attach(KeyRing.Parse(env, "MAMORI_KEYS"));
            if (!File.Exists(options.FilePath))
                throw new MamoriException(ErrorCode.KeysMissing, $"No vault keys: {options.FilePath} does not exist. {KeyRingOptions.NameExistingKeys}");
            var stamp = File.GetLastWriteTimeUtc(options.FilePath);
            if (_ring is null || stamp != _loadedStamp)
            {
                _ring = Attach(KeyRing.Parse(File.ReadAllText(options.FilePath), options.FilePath));
                _loadedStamp = stamp;
            }
            return _ring;
        }
    }

    private KeyRing Attach(KeyRing ring)
    {
        ring.Erased = Ledger;
        var ids = ring.Keks.Select(k => k.Id).ToArray();
        if (logger is not null)
        {
            if (_loadedIds is null) KeyRingLoaded(logger, ring.Source ?? "", string.Join(", ", ids), ring.Primary.Id);
            else if (!ids.SequenceEqual(_loadedIds, StringComparer.Ordinal))
                KeyRingChanged(logger, ring.Source ?? "", Ids(ids.Except(_loadedIds, StringComparer.Ordinal)), Ids(_loadedIds.Except(ids, StringComparer.Ordinal)), ring.Primary.Id);
        }
        _loadedIds = ids;
        return ring;
    }

    private static string Ids(IEnumerable<string> ids) => string.Join(", ", ids) is { Length: > 0 } list ? list : "none";

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Key ring {Source} loaded: key-encryption keys {KeyIds} (primary {Primary})")]
    private static partial void KeyRingLoaded(ILogger logger, string source, string keyIds, string primary);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Key ring {Source} changed: added {Added}, removed {Removed} (primary {Primary})")]
    private static partial void KeyRingChanged(ILogger logger, string source, string added, string removed, string primary);

    private static readonly Lock UpdateLock = new();

    /// <summary>
    /// Reads the ring afresh, changes it and saves it under one lock, so that two changes in this process
    /// (two datasets pseudonymized at once) never lose each other's key.
    /// </summary>
    public T Update<T>(Func<KeyRing, (KeyRing Ring, T Result)> change)
    {
        lock (UpdateLock)
        {
            _ring = null;
            var (ring, result) = change(Current);
            Save(ring);
            return result;
        }
    }

    public void Save(KeyRing ring)
    {
        if (options.EnvironmentJson is not null)
            throw new MamoriException(ErrorCode.KeysMissing, "The keys come from MAMORI_KEYS; change that variable instead.");
        ring.Save(options.FilePath);
        _ring = null;
    }
}

public sealed record KeyRingOptions(string FilePath, string? EnvironmentJson)
{
    /// <summary>
    /// The command that creates this key ring, with the option or variable that chose <see cref="FilePath"/>: a bare
    /// 'mamori keys init' put the keys in ./mamori-data while the server looked in its --data-dir.
    /// </summary>
    public string InitCommand { get; init; } = $"mamori keys init --data-dir {Shell.Quote(Path.GetDirectoryName(Path.GetFullPath(FilePath))!)}";

    /// <summary>
    /// What to do when the keys of a database are not found. Never "create keys": new keys cannot read data sealed
    /// under the old ones, and a restore run with them mixes two key rings.
    /// </summary>
    public const string NameExistingKeys =
        "Name the key ring this database was encrypted with: --data-dir DIR (the directory of its keys.json, restored from the key backup) or MAMORI_KEYS_FILE.";

    /// <summary><c>MAMORI_ERASURES_FILE</c>, else <c>erasures.jsonl</c> in the key ring's directory: backed up with the keys, never with the database.</summary>
    public string ErasureLedgerPath { get; init; } =
        Environment.GetEnvironmentVariable("MAMORI_ERASURES_FILE") is { Length: > 0 } e ? e
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(FilePath))!, "erasures.jsonl");

    public static KeyRingOptions From(string dataDir)
    {
        var json = Environment.GetEnvironmentVariable("MAMORI_KEYS") is { Length: > 0 } j ? j : null;
        return Environment.GetEnvironmentVariable("MAMORI_KEYS_FILE") is { Length: > 0 } f
            ? new(f, json) { InitCommand = $"MAMORI_KEYS_FILE={Shell.Quote(f)} mamori keys init" }
            : new(Path.Combine(dataDir, "keys.json"), json);
    }
}

/// <summary>Paths in commands printed for the operator to copy.</summary>
public static class Shell
{
    /// <summary>The text as one POSIX shell word: unchanged when it is plain, else in single quotes.</summary>
    public static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:=@,".Contains(c)) ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
