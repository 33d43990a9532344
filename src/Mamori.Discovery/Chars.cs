using System.Runtime.CompilerServices;

namespace Mamori.Discovery;

/// <summary>
/// One-to-one character folding (a width subset of NFKC): full-width ASCII to ASCII, the ideographic
/// space to a space, dash look-alikes to '-'. Because it never changes the length, offsets found on
/// folded characters are offsets in the original text.
/// </summary>
internal static class Chars
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static char Fold(char c)
    {
        if (c < 0x80) return c;
        if (c >= '\uFF01' && c <= '\uFF5E') return (char)(c - 0xFEE0);
        return c switch
        {
            '\u3000' => ' ',
            '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' or '\u30FC' or '\uFF70' or '\uFE63' => '-',
            '\u00A0' => ' ',
            _ => c,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(char c) => (uint)(c - '0') <= 9 || (uint)(c - '\uFF10') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DigitValue(char c) => c <= '9' ? c - '0' : c - '\uFF10';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    /// <summary>ASCII or full-width letter or digit, or '_' — characters that glue a token to its neighbour.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWordChar(char c)
    {
        var f = Fold(c);
        return (uint)(f - '0') <= 9 || IsAsciiLetter(f) || f == '_';
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsHex(char c) => (uint)(c - '0') <= 9 || (uint)((c | 0x20) - 'a') <= 5;

    public static bool IsKanji(char c) => (c >= '\u4E00' && c <= '\u9FFF') || (c >= '\u3400' && c <= '\u4DBF') || c == '々' || c == '〆' || (c >= '\uF900' && c <= '\uFAFF');

    public static bool IsKatakana(char c) => (c >= '\u30A1' && c <= '\u30FA') || c == 'ー' || c == '・' || (c >= '\uFF66' && c <= '\uFF9F');

    public static bool IsHiragana(char c) => c >= '\u3041' && c <= '\u3096';

    public static bool IsSpace(char c) => c == ' ' || c == '\u3000' || c == '\t' || c == '\u00A0';
}
