using System.Globalization;
using System.Text;

namespace Mamori.Discovery;

/// <summary>
/// Text in Unicode NFKC with a map back to the original: <see cref="ToOriginal(int, int)"/> turns a span of
/// the normalized text into the span of the original text it came from (UTF-16 offsets, end exclusive).
/// </summary>
public sealed class NormalizedText
{
    private readonly int[] segmentStart; // per normalized char: start of its source segment
    private readonly int[] segmentEnd;   // per normalized char: end of its source segment

    internal NormalizedText(string original, string text, int[] starts, int[] ends)
    {
        Original = original;
        Text = text;
        segmentStart = starts;
        segmentEnd = ends;
    }

    public string Original { get; }
    public string Text { get; }

    public (int Start, int End) ToOriginal(int start, int end)
    {
        if (start >= end) return (start < Text.Length ? segmentStart[start] : Original.Length, start < Text.Length ? segmentStart[start] : Original.Length);
        return (segmentStart[start], segmentEnd[end - 1]);
    }
}

public static class TextNormalizer
{
    /// <summary>
    /// NFKC-normalizes <paramref name="text"/> one segment at a time (a base character with the marks that
    /// follow it, including half-width ﾞ/ﾟ), keeping the offset map.
    /// </summary>
    public static NormalizedText Nfkc(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var s = i;
            i += char.IsSurrogatePair(text, i) ? 2 : 1;
            while (i < text.Length && IsMark(text[i])) i++;
            var seg = text.AsSpan(s, i - s);
            string norm;
            if (seg.Length == 1 && seg[0] < 0x80) norm = seg.ToString();
            else
            {
                var str = seg.ToString();
                norm = str.IsNormalized(NormalizationForm.FormKC) ? str : str.Normalize(NormalizationForm.FormKC);
            }
            sb.Append(norm);
            for (var k = 0; k < norm.Length; k++) { starts.Add(s); ends.Add(i); }
        }
        return new NormalizedText(text, sb.ToString(), [.. starts], [.. ends]);
    }

    private static bool IsMark(char c) =>
        c is '\uFF9E' or '\uFF9F' or '\u3099' or '\u309A' ||
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
