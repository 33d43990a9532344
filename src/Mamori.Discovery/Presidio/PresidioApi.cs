using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mamori.Discovery.Redaction;

namespace Mamori.Discovery.Presidio;

/// <summary>
/// Executes Presidio-shaped analyze and anonymize requests over this library. Hashes are keyed
/// (HMAC with the server's key, so pseudonyms are stable but not brute-forceable); <c>encrypt</c> uses
/// AES-GCM with the request's key and returns base64(nonce|ciphertext|tag).
/// </summary>
public sealed class PresidioApi
{
    private static readonly PiiAnalyzer Japanese = new(new AnalyzerOptions { PhoneRegions = ["JP"] });
    private static readonly PiiAnalyzer English = new(new AnalyzerOptions { PhoneRegions = ["JP", "US", "GB", "DE", "IL", "IN", "CA", "BR"] });
    private readonly byte[] hashKey;

    /// <param name="hashKey">Server-side HMAC key for the <c>hash</c> operator (at least 16 bytes).</param>
    public PresidioApi(byte[] hashKey)
    {
        ArgumentNullException.ThrowIfNull(hashKey);
        if (hashKey.Length < 16) throw new DiscoveryException(DiscoveryErrors.HashKeyMissing, "The hash key must be at least 16 bytes.");
        this.hashKey = (byte[])hashKey.Clone();
    }

    /// <summary>Languages accepted in <c>language</c>.</summary>
    public static IReadOnlyList<string> SupportedLanguages { get; } = ["ja", "en"];

    /// <summary>Options that read and write the Presidio shapes (names are fixed by attributes).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<PresidioRecognizerResult> Analyze(PresidioAnalyzeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Text)) throw new DiscoveryException(DiscoveryErrors.PresidioTextMissing, "No text provided");
        var analyzer = request.Language switch
        {
            "ja" or "ja-JP" => Japanese,
            "en" or "en-US" or "en-GB" => English,
            null or "" => throw new DiscoveryException(DiscoveryErrors.PresidioLanguageUnsupported, "No language provided"),
            _ => throw new DiscoveryException(DiscoveryErrors.PresidioLanguageUnsupported, "Unsupported language (supported: ja, en)"),
        };
        if (request.ScoreThreshold is < 0 or > 1) throw new DiscoveryException(DiscoveryErrors.PresidioThresholdInvalid, "score_threshold must be between 0 and 1");
        if (request.AllowListMatch is not (null or "exact")) throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "allow_list_match supports only 'exact'");
        var wanted = request.Entities is { Count: > 0 } e ? new HashSet<string>(e, StringComparer.Ordinal) : null;
        var allow = request.AllowList is { Count: > 0 } a ? new HashSet<string>(a, StringComparer.Ordinal) : null;
        var threshold = request.ScoreThreshold ?? 0;
        var explain = request.ReturnDecisionProcess == true;
        var text = request.Text;
        var results = new List<PresidioRecognizerResult>();
        foreach (var f in analyzer.Analyze(text))
        {
            if (wanted is not null && !wanted.Contains(f.Entity)) continue;
            if (f.Score < threshold) continue;
            if (allow is not null && allow.Contains(text[f.Start..f.End])) continue;
            results.Add(new PresidioRecognizerResult
            {
                EntityType = f.Entity,
                Start = f.Start,
                End = f.End,
                Score = Math.Round(f.Score, 4),
                AnalysisExplanation = explain
                    ? new PresidioAnalysisExplanation
                    {
                        Recognizer = f.Recognizer,
                        OriginalScore = Math.Round(f.Score, 4),
                        Score = Math.Round(f.Score, 4),
                        TextualExplanation = $"Detected by Mamori {f.Recognizer}",
                    }
                    : null,
                RecognitionMetadata = explain ? new PresidioRecognitionMetadata { RecognizerName = f.Recognizer, RecognizerIdentifier = "mamori-" + f.Recognizer } : null,
            });
        }
        return results;
    }

    public PresidioAnonymizeResponse Anonymize(PresidioAnonymizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Text is null) throw new DiscoveryException(DiscoveryErrors.PresidioTextMissing, "Invalid input, text can not be empty");
        if (request.AnalyzerResults is null) throw new DiscoveryException(DiscoveryErrors.PresidioTextMissing, "Invalid input, request must contain analyzer results");
        var text = request.Text;
        var findings = new List<Finding>(request.AnalyzerResults.Count);
        foreach (var r in request.AnalyzerResults)
        {
            if (r.Start < 0 || r.End > text.Length || r.Start > r.End)
                throw new DiscoveryException(DiscoveryErrors.PresidioResultOutOfRange, "Invalid analyzer result: start and end must lie within the text");
            if (string.IsNullOrEmpty(r.EntityType)) throw new DiscoveryException(DiscoveryErrors.PresidioResultOutOfRange, "Invalid analyzer result: entity_type is required");
            if (r.End > r.Start) findings.Add(new Finding(r.EntityType, r.Start, r.End, r.Score, "request"));
        }
        var perEntity = new Dictionary<string, RedactionOperator>(StringComparer.Ordinal);
        var defaultOp = RedactionOperator.Replace();
        if (request.Anonymizers is not null)
        {
            foreach (var (entity, config) in request.Anonymizers)
            {
                var op = ToOperator(config);
                if (entity == "DEFAULT") defaultOp = op;
                else perEntity[entity] = op;
            }
        }
        var redactor = new TextRedactor(new RedactionOptions { Default = defaultOp, PerEntity = perEntity });
        var result = redactor.Redact(text, findings);
        return new PresidioAnonymizeResponse
        {
            Text = result.Text,
            Items = result.Items.Select(i => new PresidioOperatorResult { Start = i.Start, End = i.End, EntityType = i.Entity, Text = i.Text, Operator = i.Operator })
                .OrderBy(i => i.Start).ToList(),
        };
    }

    private RedactionOperator ToOperator(PresidioOperatorConfig c)
    {
        switch (c.Type)
        {
            case "replace":
                return RedactionOperator.Replace(c.NewValue);
            case "redact":
                return new RedactionOperator { Mode = RedactionMode.Redact };
            case "keep":
                return new RedactionOperator { Mode = RedactionMode.Keep };
            case "mask":
                if (c.CharsToMask is null or < 0) throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "Invalid input, chars_to_mask must be a non-negative integer");
                if (c.MaskingChar is not { Length: 1 }) throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "Invalid input, masking_char must be a single character");
                return new RedactionOperator { Mode = RedactionMode.Mask, CharsToMask = c.CharsToMask, MaskingChar = c.MaskingChar[0], FromEnd = c.FromEnd ?? false };
            case "hash":
            {
                var type = c.HashType ?? "sha256";
                if (type is not ("sha256" or "sha512")) throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "Invalid input, hash_type must be sha256 or sha512");
                return new RedactionOperator { Mode = RedactionMode.Hash, HashKey = hashKey, HashType = type, HashLength = null, Label = false };
            }
            case "encrypt":
            {
                var key = Encoding.UTF8.GetBytes(c.Key ?? "");
                if (key.Length is not (16 or 24 or 32)) throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "Invalid input, key must be of length 128, 192 or 256 bits");
                return new RedactionOperator { Mode = RedactionMode.Encrypt, Label = false, Tokenizer = (_, value) => Encrypt(key, value) };
            }
            default:
                throw new DiscoveryException(DiscoveryErrors.InvalidOperator, "Invalid operator type (replace, redact, mask, hash, encrypt, keep)");
        }
    }

    private static string Encrypt(byte[] key, string value)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var buffer = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(buffer.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(buffer.AsSpan(0, 12), plain, buffer.AsSpan(12, plain.Length), buffer.AsSpan(12 + plain.Length));
        return Convert.ToBase64String(buffer);
    }
}
