namespace Mamori.Discovery;

/// <summary>
/// One detected entity: <paramref name="Start"/> and <paramref name="End"/> are UTF-16 offsets into the
/// analysed text (end exclusive), <paramref name="Score"/> is the confidence in [0, 1].
/// </summary>
public readonly record struct Finding(string Entity, int Start, int End, double Score, string Recognizer)
{
    public int Length => End - Start;

    /// <summary>The context word near the span that raised the score (マイナンバー, 電話…), or null.</summary>
    public string? ContextWord { get; init; }

    /// <summary>The score the finding would have without <see cref="ContextWord"/>; null when no word raised it.</summary>
    public double? ScoreWithoutContext { get; init; }

    /// <summary>True for 要配慮個人情報 (a labelled value or a keyword), which marks a passage rather than identifying a person.</summary>
    public bool IsSpecialCare => Entity == EntityTypes.SpecialCare;

    public Finding Shift(long offset) => this with { Start = checked((int)(Start + offset)), End = checked((int)(End + offset)) };
}
