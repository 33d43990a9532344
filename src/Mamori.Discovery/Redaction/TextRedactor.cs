using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Mamori.Discovery.Redaction;

/// <summary>One rewritten span, with offsets in the output text.</summary>
public readonly record struct RedactedItem(int Start, int End, string Entity, string Text, string Operator);

public sealed record RedactionResult(string Text, IReadOnlyList<RedactedItem> Items);

/// <summary>Rewrites detected spans; text outside the spans is copied unchanged.</summary>
public sealed class TextRedactor
{
    private readonly PiiAnalyzer analyzer;
    private readonly RedactionOptions options;

    public TextRedactor(RedactionOptions? options = null, PiiAnalyzer? analyzer = null)
    {
        this.options = options ?? new RedactionOptions();
        this.analyzer = analyzer ?? PiiAnalyzer.Default;
        Validate(this.options.Default);
        foreach (var op in this.options.PerEntity.Values) Validate(op);
    }

    public PiiAnalyzer Analyzer => analyzer;

    private static void Validate(RedactionOperator op)
    {
        if (op.Mode == RedactionMode.Hash && (op.HashKey is null || op.HashKey.Length < 16))
            throw new DiscoveryException(DiscoveryErrors.HashKeyMissing, "Hash redaction needs a key of at least 16 bytes.");
        if (op.Mode == RedactionMode.Encrypt && op.Tokenizer is null)
            throw new DiscoveryException(DiscoveryErrors.TokenizerMissing, "Encrypt redaction needs a tokenizer.");
        if (op.Mode == RedactionMode.Hash && op.HashType is not ("sha256" or "sha512"))
            throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "hash_type must be sha256 or sha512.");
    }

    /// <summary>Detects and rewrites personal data in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var findings = new List<Finding>();
        analyzer.Analyze(text.AsSpan(), findings);
        if (findings.Count == 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        Redact(text.AsSpan(), findings, sb, null);
        return sb.ToString();
    }

    /// <summary>
    /// Redacts a value the application has classified as personal data. Detection only finds what it recognises (a bare name
    /// has no context word to find it by), and the classification already says the value is personal: so the detected spans are
    /// rewritten on their own only when nothing but spaces and punctuation is left around them; otherwise the whole value is
    /// rewritten as <see cref="EntityTypes.PersonalData"/> with that entity's operator.
    /// </summary>
    public string RedactClassified(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0) return value;
        var found = new List<Finding>();
        analyzer.Analyze(value.AsSpan(), found);
        var findings = Normalize(found, value.Length);
        var pos = 0;
        var accounted = true;
        foreach (var f in findings)
        {
            accounted &= !HasLetterOrDigit(value.AsSpan(pos, f.Start - pos));
            pos = f.End;
        }
        accounted &= findings.Count > 0 && !HasLetterOrDigit(value.AsSpan(pos));
        var sb = new StringBuilder(value.Length + 16);
        if (accounted) Redact(value.AsSpan(), findings, sb, null);
        else Apply(options.For(EntityTypes.PersonalData), EntityTypes.PersonalData, value.AsSpan(), sb);
        return sb.ToString();

        static bool HasLetterOrDigit(ReadOnlySpan<char> s)
        {
            foreach (var c in s)
                if (char.IsLetterOrDigit(c)) return true;
            return false;
        }
    }

    /// <summary>Rewrites the given findings (sorted or not; overlaps keep the higher score).</summary>
    public RedactionResult Redact(string text, IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = new List<RedactedItem>();
        var sb = new StringBuilder(text.Length + 16);
        Redact(text.AsSpan(), Normalize(findings, text.Length), sb, items);
        return new RedactionResult(sb.ToString(), items);
    }

    /// <summary>Writes <paramref name="text"/> with <paramref name="findings"/> (sorted, disjoint) rewritten.</summary>
    public void Redact(ReadOnlySpan<char> text, IReadOnlyList<Finding> findings, StringBuilder output, List<RedactedItem>? items)
    {
        var pos = 0;
        foreach (var f in findings)
        {
            if (f.Start < pos || f.End > text.Length || f.Start >= f.End) continue;
            output.Append(text[pos..f.Start]);
            var op = options.For(f.Entity);
            var start = output.Length;
            Apply(op, f.Entity, text[f.Start..f.End], output);
            items?.Add(new RedactedItem(start, output.Length, f.Entity, output.ToString(start, output.Length - start), OperatorName(op.Mode)));
            pos = f.End;
        }
        output.Append(text[pos..]);
    }

    internal static List<Finding> Normalize(IReadOnlyList<Finding> findings, int length)
    {
        var sorted = findings.Where(f => f.Start >= 0 && f.End <= length && f.Start < f.End)
            .OrderBy(f => f.Start).ThenByDescending(f => f.End).ToList();
        var result = new List<Finding>(sorted.Count);
        foreach (var f in sorted)
        {
            if (result.Count > 0 && f.Start < result[^1].End)
            {
                var last = result[^1];
                if (f.Score > last.Score) result[^1] = f with { Start = Math.Min(f.Start, last.Start), End = Math.Max(f.End, last.End) };
                else result[^1] = last with { End = Math.Max(f.End, last.End) };
                continue;
            }
            result.Add(f);
        }
        return result;
    }

    public static string OperatorName(RedactionMode mode) => mode switch
    {
        RedactionMode.Replace => "replace",
        RedactionMode.Redact => "redact",
        RedactionMode.Mask => "mask",
        RedactionMode.Hash => "hash",
        RedactionMode.Encrypt => "encrypt",
        _ => "keep",
    };

    private static void Apply(RedactionOperator op, string entity, ReadOnlySpan<char> value, StringBuilder output)
    {
        switch (op.Mode)
        {
            case RedactionMode.Replace:
                output.Append(op.NewValue is null ? $"<{entity}>" : op.NewValue.Replace("{entity}", entity, StringComparison.Ordinal));
                break;
            case RedactionMode.Redact:
                break;
            case RedactionMode.Mask:
                Mask(op, value, output);
                break;
            case RedactionMode.Hash:
            {
                var hex = Hash(op, value);
                if (op.Label) output.Append('<').Append(entity).Append(':').Append(hex).Append('>');
                else output.Append(hex);
                break;
            }
            case RedactionMode.Encrypt:
            {
                var token = op.Tokenizer!(entity, value.ToString());
                if (op.Label) output.Append('<').Append(entity).Append(':').Append(token).Append('>');
                else output.Append(token);
                break;
            }
            default:
                output.Append(value);
                break;
        }
    }

    private static void Mask(RedactionOperator op, ReadOnlySpan<char> value, StringBuilder output)
    {
        if (op.CharsToMask is { } count)
        {
            var n = Math.Clamp(count, 0, value.Length);
            if (op.FromEnd) output.Append(value[..(value.Length - n)]).Append(op.MaskingChar, n);
            else output.Append(op.MaskingChar, n).Append(value[n..]);
            return;
        }
        // Keep separators and the last N digits; everything else that is a letter or digit is masked.
        var keepFrom = value.Length;
        var kept = 0;
        for (var k = value.Length - 1; k >= 0 && kept < op.KeepLastDigits; k--)
        {
            if (Chars.IsDigit(value[k])) { kept++; keepFrom = k; }
        }
        if (kept < op.KeepLastDigits || CountDigits(value) <= op.KeepLastDigits * 2) keepFrom = value.Length; // too short to keep any
        for (var k = 0; k < value.Length; k++)
        {
            var c = value[k];
            if (k >= keepFrom || !(char.IsLetterOrDigit(c) || Chars.IsDigit(c))) output.Append(c);
            else output.Append(op.MaskingChar);
        }
    }

    private static int CountDigits(ReadOnlySpan<char> v)
    {
        var n = 0;
        foreach (var c in v) if (Chars.IsDigit(c)) n++;
        return n;
    }

    internal static string Hash(RedactionOperator op, ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var len = Encoding.UTF8.GetBytes(value, rented);
            Span<byte> mac = stackalloc byte[64];
            var macLen = op.HashType == "sha512"
                ? HMACSHA512.HashData(op.HashKey!, rented.AsSpan(0, len), mac)
                : HMACSHA256.HashData(op.HashKey!, rented.AsSpan(0, len), mac);
            var hex = Convert.ToHexStringLower(mac[..macLen]);
            return op.HashLength is { } l && l < hex.Length ? hex[..Math.Max(8, l)] : hex;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
