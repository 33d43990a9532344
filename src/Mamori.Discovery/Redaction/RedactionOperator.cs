namespace Mamori.Discovery.Redaction;

/// <summary>How a detected span is rewritten.</summary>
public enum RedactionMode
{
    /// <summary>Replace with a fixed value, by default <c>&lt;ENTITY&gt;</c>.</summary>
    Replace,
    /// <summary>Remove the span.</summary>
    Redact,
    /// <summary>Mask letters and digits, keeping the last <see cref="RedactionOperator.KeepLastDigits"/> digits and the separators.</summary>
    Mask,
    /// <summary>Keyed HMAC-SHA256 pseudonym: the same value and key always give the same output.</summary>
    Hash,
    /// <summary>Encrypt or tokenize through a <see cref="Tokenizer"/> (the vault, or <see cref="AesGcmTokenizer"/>).</summary>
    Encrypt,
    /// <summary>Leave the span as it is (used per entity).</summary>
    Keep,
}

/// <summary>Turns a detected value into a token; the vault implements this to store the value and return a reference.</summary>
public delegate string Tokenizer(string entity, string value);

/// <summary>One operator: a mode and its parameters. Null parameters take the defaults.</summary>
public sealed record RedactionOperator
{
    public RedactionMode Mode { get; init; } = RedactionMode.Replace;

    /// <summary>Replacement for <see cref="RedactionMode.Replace"/>; <c>{entity}</c> is substituted. Default <c>&lt;{entity}&gt;</c>.</summary>
    public string? NewValue { get; init; }

    public char MaskingChar { get; init; } = '*';

    /// <summary>Mask: digits left visible at the end (default 4). Ignored when <see cref="CharsToMask"/> is set.</summary>
    public int KeepLastDigits { get; init; } = 4;

    /// <summary>Presidio-style mask: mask this many characters, from the start or from the end.</summary>
    public int? CharsToMask { get; init; }

    public bool FromEnd { get; init; }

    /// <summary>HMAC key for <see cref="RedactionMode.Hash"/>.</summary>
    public byte[]? HashKey { get; init; }

    /// <summary>"sha256" (default) or "sha512".</summary>
    public string HashType { get; init; } = "sha256";

    /// <summary>Hex characters of the digest kept; null keeps the full digest.</summary>
    public int? HashLength { get; init; } = 16;

    /// <summary>Wrap hash/token output as <c>&lt;ENTITY:value&gt;</c> so a reader sees what was there.</summary>
    public bool Label { get; init; } = true;

    public Tokenizer? Tokenizer { get; init; }

    public static RedactionOperator Replace(string? newValue = null) => new() { Mode = RedactionMode.Replace, NewValue = newValue };
    public static RedactionOperator Mask(int keepLastDigits = 4, char maskingChar = '*') => new() { Mode = RedactionMode.Mask, KeepLastDigits = keepLastDigits, MaskingChar = maskingChar };
    public static RedactionOperator Hash(byte[] key, int? length = 16) => new() { Mode = RedactionMode.Hash, HashKey = key, HashLength = length };
    public static RedactionOperator Encrypt(Tokenizer tokenizer) => new() { Mode = RedactionMode.Encrypt, Tokenizer = tokenizer };
}

/// <summary>The default operator and per-entity overrides.</summary>
public sealed record RedactionOptions
{
    public RedactionOperator Default { get; init; } = new();
    public IReadOnlyDictionary<string, RedactionOperator> PerEntity { get; init; } = new Dictionary<string, RedactionOperator>();

    public RedactionOperator For(string entity) => PerEntity.TryGetValue(entity, out var op) ? op : Default;
}
