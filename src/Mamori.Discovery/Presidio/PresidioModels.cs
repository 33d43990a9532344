using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mamori.Discovery.Presidio;

// Request and response shapes of Microsoft Presidio's analyzer (POST /analyze) and anonymizer
// (POST /anonymize) REST APIs, so an existing Presidio client can switch by changing its URL.
// Property names are fixed with [JsonPropertyName] (snake_case), independent of the host's JSON options.

/// <summary>Presidio analyzer request.</summary>
public sealed record PresidioAnalyzeRequest
{
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("language")] public string? Language { get; init; }
    [JsonPropertyName("entities")] public IReadOnlyList<string>? Entities { get; init; }
    [JsonPropertyName("score_threshold")] public double? ScoreThreshold { get; init; }
    [JsonPropertyName("return_decision_process")] public bool? ReturnDecisionProcess { get; init; }
    [JsonPropertyName("correlation_id")] public string? CorrelationId { get; init; }
    /// <summary>Accepted for compatibility; Mamori's recognizers use their own context words.</summary>
    [JsonPropertyName("context")] public IReadOnlyList<string>? Context { get; init; }
    [JsonPropertyName("allow_list")] public IReadOnlyList<string>? AllowList { get; init; }
    /// <summary>"exact" (default) is supported; "regex" is rejected (MAMORI-7005).</summary>
    [JsonPropertyName("allow_list_match")] public string? AllowListMatch { get; init; }
    /// <summary>Accepted for compatibility and ignored: ad-hoc regex recognizers are not executed.</summary>
    [JsonPropertyName("ad_hoc_recognizers")] public JsonElement? AdHocRecognizers { get; init; }
    [JsonPropertyName("regex_flags")] public int? RegexFlags { get; init; }
}

/// <summary>One analyzer result: <c>{entity_type, start, end, score, analysis_explanation?, recognition_metadata?}</c>.</summary>
public sealed record PresidioRecognizerResult
{
    [JsonPropertyName("entity_type")] public required string EntityType { get; init; }
    [JsonPropertyName("start")] public int Start { get; init; }
    [JsonPropertyName("end")] public int End { get; init; }
    [JsonPropertyName("score")] public double Score { get; init; }
    [JsonPropertyName("analysis_explanation")] public PresidioAnalysisExplanation? AnalysisExplanation { get; init; }

    [JsonPropertyName("recognition_metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PresidioRecognitionMetadata? RecognitionMetadata { get; init; }
}

public sealed record PresidioAnalysisExplanation
{
    [JsonPropertyName("recognizer")] public required string Recognizer { get; init; }
    [JsonPropertyName("pattern_name")] public string? PatternName { get; init; }
    [JsonPropertyName("pattern")] public string? Pattern { get; init; }
    [JsonPropertyName("original_score")] public double OriginalScore { get; init; }
    [JsonPropertyName("score")] public double Score { get; init; }
    [JsonPropertyName("textual_explanation")] public string? TextualExplanation { get; init; }
    [JsonPropertyName("score_context_improvement")] public double ScoreContextImprovement { get; init; }
    [JsonPropertyName("supportive_context_word")] public string SupportiveContextWord { get; init; } = "";
    [JsonPropertyName("validation_result")] public double? ValidationResult { get; init; }
    [JsonPropertyName("regex_flags")] public int? RegexFlags { get; init; }
}

public sealed record PresidioRecognitionMetadata
{
    [JsonPropertyName("recognizer_name")] public required string RecognizerName { get; init; }
    [JsonPropertyName("recognizer_identifier")] public string? RecognizerIdentifier { get; init; }
}

/// <summary>Presidio anonymizer request.</summary>
public sealed record PresidioAnonymizeRequest
{
    [JsonPropertyName("text")] public string? Text { get; init; }
    /// <summary>Operators per entity type; the key <c>DEFAULT</c> applies to all others.</summary>
    [JsonPropertyName("anonymizers")] public IReadOnlyDictionary<string, PresidioOperatorConfig>? Anonymizers { get; init; }
    [JsonPropertyName("analyzer_results")] public IReadOnlyList<PresidioRecognizerResult>? AnalyzerResults { get; init; }
}

/// <summary>An operator: <c>{type: replace|redact|mask|hash|encrypt|keep, new_value, masking_char, chars_to_mask, from_end, hash_type, key}</c>.</summary>
public sealed record PresidioOperatorConfig
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("new_value")] public string? NewValue { get; init; }
    [JsonPropertyName("masking_char")] public string? MaskingChar { get; init; }
    [JsonPropertyName("chars_to_mask")] public int? CharsToMask { get; init; }
    [JsonPropertyName("from_end")] public bool? FromEnd { get; init; }
    [JsonPropertyName("hash_type")] public string? HashType { get; init; }
    /// <summary>Encrypt: a 128-, 192- or 256-bit key given as a string (as in Presidio).</summary>
    [JsonPropertyName("key")] public string? Key { get; init; }
}

/// <summary>Presidio anonymizer response: <c>{text, items:[{start,end,entity_type,text,operator}]}</c>.</summary>
public sealed record PresidioAnonymizeResponse
{
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("items")] public required IReadOnlyList<PresidioOperatorResult> Items { get; init; }
}

public sealed record PresidioOperatorResult
{
    [JsonPropertyName("start")] public int Start { get; init; }
    [JsonPropertyName("end")] public int End { get; init; }
    [JsonPropertyName("entity_type")] public required string EntityType { get; init; }
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("operator")] public required string Operator { get; init; }
}

/// <summary>Presidio's error body, <c>{"error": "..."}</c>, with Mamori's stable code added.</summary>
public sealed record PresidioError
{
    [JsonPropertyName("error")] public required string Error { get; init; }
    [JsonPropertyName("code")] public required string Code { get; init; }
}
