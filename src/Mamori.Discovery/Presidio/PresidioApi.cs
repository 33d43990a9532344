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
        // A misspelt name ("PHONE") would otherwise answer [] and the text would look clean.
        if (wanted?.FirstOrDefault(n => !EntityTypes.IsKnown(n)) is { } unknown)
            throw new DiscoveryException(DiscoveryErrors.UnknownEntity, $"Unknown entity '{Truncate(unknown)}' (supported: {string.Join(", ", EntityTypes.All)})");
        var allow = request.AllowList is { Count: > 0 } a ? new HashSet<string>(a, StringComparer.Ordinal) : null;
        var threshold = request.ScoreThreshold ?? 0;
        var explain = request.ReturnDecisionProcess == true;
        var text = request.Text;
        var results = new List<PresidioRecognizerResult>();
        var offsets = new CodePoints(text);
        foreach (var f in analyzer.Analyze(text))
        {
            if (wanted is not null && !wanted.Contains(f.Entity)) continue;
            if (f.Score < threshold) continue;
            if (allow is not null && allow.Contains(text[f.Start..f.End])) continue;
            results.Add(new PresidioRecognizerResult
            {
                EntityType = f.Entity,
                Start = offsets.FromUtf16(f.Start),
                End = offsets.FromUtf16(f.End),
                Score = Math.Round(f.Score, 4),
                AnalysisExplanation = explain
                    ? new PresidioAnalysisExplanation
                    {
                        Recognizer = f.Recognizer,
                        // As Presidio reports it: the score before the context word, the word and what it added.
                        OriginalScore = Math.Round(f.ScoreWithoutContext ?? f.Score, 4),
                        Score = Math.Round(f.Score, 4),
                        ScoreContextImprovement = Math.Round(f.Score - (f.ScoreWithoutContext ?? f.Score), 4),
                        SupportiveContextWord = f.ContextWord ?? "",
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
        var offsets = new CodePoints(text);
        var findings = new List<Finding>(request.AnalyzerResults.Count);
        foreach (var r in request.AnalyzerResults)
        {
            if (r.Start < 0 || r.End > offsets.Length || r.Start > r.End)
                throw new DiscoveryException(DiscoveryErrors.PresidioResultOutOfRange, "Invalid analyzer result: start and end must lie within the text");
            if (string.IsNullOrEmpty(r.EntityType)) throw new DiscoveryException(DiscoveryErrors.PresidioResultOutOfRange, "Invalid analyzer result: entity_type is required");
            if (r.End > r.Start) findings.Add(new Finding(r.EntityType, offsets.ToUtf16(r.Start), offsets.ToUtf16(r.End), r.Score, "request"));
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
        var output = new CodePoints(result.Text);
        return new PresidioAnonymizeResponse
        {
            Text = result.Text,
            Items = result.Items.Select(i => new PresidioOperatorResult
                {
                    Start = output.FromUtf16(i.Start), End = output.FromUtf16(i.End), EntityType = i.Entity, Text = i.Text, Operator = i.Operator,
                })
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

    private static string Truncate(string name) => name.Length > 40 ? name[..40] + "…" : name;

    /// <summary>
    /// Offsets in Unicode code points, as Presidio (Python str indexes) uses them, over UTF-16 offsets, which the
    /// analyzer uses. Without surrogate pairs (all BMP text, including Japanese) both are the same.
    /// </summary>
    private sealed class CodePoints
    {
        private readonly int[]? toCodePoint; // UTF-16 index → code point index, null when they are the same
        private readonly int[]? toUtf16;

        public CodePoints(string text)
        {
            Length = text.Length;
            if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDBFF')) return;
            toCodePoint = new int[text.Length + 1];
            var starts = new List<int>(text.Length);
            var cp = 0;
            for (var k = 0; k < text.Length; k++)
            {
                toCodePoint[k] = cp;
                if (k > 0 && char.IsLowSurrogate(text[k]) && char.IsHighSurrogate(text[k - 1])) continue;
                starts.Add(k);
                cp++;
            }
            toCodePoint[text.Length] = cp;
            starts.Add(text.Length);
            toUtf16 = starts.ToArray();
            Length = cp;
        }

        /// <summary>The length in code points.</summary>
        public int Length { get; }

        // An index inside a surrogate pair maps to the pair's code point.
        public int FromUtf16(int index) => toCodePoint is null ? index : toCodePoint[index];

        public int ToUtf16(int codePoint) => toUtf16 is null ? codePoint : toUtf16[codePoint];
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
