using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Mamori.Anonymization;

/// <summary>What pseudonymization (仮名加工, APPI Art. 41, Rules 31; L-25) does with a column.</summary>
public enum PseudonymColumnKind
{
    /// <summary>Kept as is.</summary>
    Keep,
    /// <summary>An identifying description or identifier (name, customer number): replaced by a keyed pseudonym.</summary>
    Identifier,
    /// <summary>An identification code (個人識別符号: My Number, passport, licence number): deleted.</summary>
    IdentificationCode,
    /// <summary>An item whose misuse may cause property damage (credit card, bank account): deleted.</summary>
    PropertyDamageItem,
}

/// <summary>A column's treatment; <paramref name="Domain"/> lets two columns (or tables) share pseudonyms, defaulting to the column name.</summary>
public sealed record PseudonymColumn(PseudonymColumnKind Kind, string? Domain = null);

/// <summary>What was done, for the processing record. Holds the key's id, never the key.</summary>
public sealed record PseudonymizationReport(
    string KeyId,
    int Rows,
    IReadOnlyList<string> Replaced,
    IReadOnlyList<string> Deleted,
    IReadOnlyList<string> Kept);

/// <summary>
/// Keyed pseudonyms: HMAC-SHA256 under a caller-supplied key (the server's key ring holds and can
/// delete it; L-25 "削除情報等"), over the column's domain and the NFKC-normalized value, truncated
/// to 128 bits and written as 32 hex digits. Stable under one key; without the key the pseudonyms
/// of two keys cannot be linked. The key is copied in, zeroed on <see cref="Dispose"/>, and never
/// exposed (no export).
/// </summary>
public sealed class Pseudonymizer : IDisposable
{
    /// <summary>Minimum key length in bytes.</summary>
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _key;
    private readonly HMACSHA256 _hmac;
    private bool _disposed;

    public Pseudonymizer(ReadOnlySpan<byte> key, string keyId)
    {
        if (key.Length < MinimumKeyBytes)
            throw AnonymizationException.Of(AnonymizationErrors.PseudonymKeyInvalid, $"the pseudonymization key must have at least {MinimumKeyBytes} bytes");
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        _key = key.ToArray();
        _hmac = new HMACSHA256(_key);
        KeyId = keyId;
    }

    /// <summary>The id of the key in the key ring (recorded with the processing).</summary>
    public string KeyId { get; }

    /// <summary>The pseudonym of a value in a domain (a column name, or a shared domain such as "customer").</summary>
    public string Pseudonym(string domain, string value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Pseudonym(Encoding.UTF8.GetBytes(domain), value);
    }

    private string Pseudonym(ReadOnlySpan<byte> domainBytes, string value)
    {
        string normalized;
        try
        {
            normalized = value.IsNormalized(NormalizationForm.FormKC) ? value : value.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            throw AnonymizationException.Of(AnonymizationErrors.CsvMalformed, "a value is not valid Unicode (a lone surrogate)");
        }
        // Length-prefixed domain, so that ("ab","c") and ("a","bc") differ.
        var total = 4 + domainBytes.Length + Encoding.UTF8.GetByteCount(normalized);
        byte[]? rented = null;
        var message = total <= 512 ? stackalloc byte[total] : (rented = ArrayPool<byte>.Shared.Rent(total)).AsSpan(0, total);
        BitConverter.TryWriteBytes(message[..4], domainBytes.Length);
        domainBytes.CopyTo(message[4..]);
        Encoding.UTF8.GetBytes(normalized, message[(4 + domainBytes.Length)..]);
        Span<byte> mac = stackalloc byte[32];
        _hmac.TryComputeHash(message, mac, out _);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>
    /// Pseudonymizes a table: identifiers replaced, identification codes and property-damage items
    /// deleted, other columns kept (a column not in the plan is kept).
    /// </summary>
    public (Table Table, PseudonymizationReport Report) Apply(Table table, IReadOnlyDictionary<string, PseudonymColumn> plan)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var name in plan.Keys)
        {
            if (table.IndexOf(name) < 0)
                throw AnonymizationException.Of(AnonymizationErrors.PseudonymColumnUnknown, $"column '{name}' is not in the data header");
        }
        var keep = new List<int>();
        var domains = new List<byte[]?>();
        var replaced = new List<string>();
        var deleted = new List<string>();
        var kept = new List<string>();
        for (var c = 0; c < table.Header.Count; c++)
        {
            var name = table.Header[c];
            var kind = plan.TryGetValue(name, out var col) ? col.Kind : PseudonymColumnKind.Keep;
            switch (kind)
            {
                case PseudonymColumnKind.IdentificationCode:
                case PseudonymColumnKind.PropertyDamageItem:
                    deleted.Add(name);
                    continue;
                case PseudonymColumnKind.Identifier:
                    replaced.Add(name);
                    domains.Add(Encoding.UTF8.GetBytes(col!.Domain ?? name));
                    break;
                default:
                    kept.Add(name);
                    domains.Add(null);
                    break;
            }
            keep.Add(c);
        }
        var rows = new List<string[]>(table.RowCount);
        foreach (var row in table.Rows)
        {
            var dst = new string[keep.Count];
            for (var i = 0; i < keep.Count; i++)
            {
                var v = row[keep[i]];
                dst[i] = domains[i] is { } d && v.Length > 0 ? Pseudonym(d, v) : v;
            }
            rows.Add(dst);
        }
        var output = new Table(keep.Select(c => table.Header[c]).ToArray(), rows);
        return (output, new PseudonymizationReport(KeyId, table.RowCount, replaced, deleted, kept));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _hmac.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }
}
