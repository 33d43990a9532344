namespace Mamori.Discovery;

public sealed partial class PiiAnalyzer
{
    internal static bool HasWordIn(ReadOnlySpan<char> text, string[] words) => HasWord(text, 0, 0, words, 0, text.Length);

    /// <summary>
    /// Uses each header cell as the context of its column for the rows from <paramref name="dataStart"/>: a name-like
    /// cell under 氏名/フリガナ is a PERSON, a date under 生年月日 a date of birth, a number under 注文番号/JANコード is
    /// scored below the default threshold, and one under 個人番号/法人番号 as if the word were next to it.
    /// </summary>
    private static void ApplyColumns(ReadOnlySpan<char> t, int dataStart, CsvColumns columns, List<Finding> raw)
    {
        raw.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var roles = columns.Roles;
        var delimiter = columns.Delimiter;
        var next = 0; // first raw finding not before the current cell
        var originalCount = raw.Count;
        var p = dataStart;
        while (p < t.Length)
        {
            var nl = t[p..].IndexOf('\n');
            var lineEnd = nl < 0 ? t.Length : p + nl;
            var col = 0;
            var cs = p;
            var quoted = false;
            for (var k = p; k <= lineEnd && col < roles.Length; k++)
            {
                var c = k < lineEnd ? t[k] : delimiter;
                if (c == '"') quoted = !quoted;
                if (c != delimiter || (quoted && k < lineEnd)) continue;
                var ce = k < lineEnd || lineEnd == 0 || t[lineEnd - 1] != '\r' ? k : k - 1;
                if (roles[col] != CsvColumns.Role.None) ApplyCell(t, cs, ce, roles[col], raw, ref next, originalCount);
                col++;
                cs = k + 1;
            }
            p = lineEnd + 1;
        }
    }

    private static void ApplyCell(ReadOnlySpan<char> t, int cs, int ce, CsvColumns.Role role, List<Finding> raw, ref int next, int count)
    {
        while (next < count && raw[next].Start < cs) next++;
        var personFound = false;
        for (var k = next; k < count && raw[k].Start < ce; k++)
        {
            var f = raw[k];
            switch (role)
            {
                case CsvColumns.Role.Name when f.Entity == EntityTypes.Person:
                    personFound = true;
                    break;
                case CsvColumns.Role.Birth when f.Entity == EntityTypes.DateTime && f.Score < 0.85:
                    raw[k] = f with { Score = 0.85, Recognizer = "DateOfBirthRecognizer" };
                    break;
                case CsvColumns.Role.NotPersonal when f.Entity is EntityTypes.JpMyNumber or EntityTypes.CreditCard or EntityTypes.JpCorporateNumber:
                    raw[k] = f with { Score = Math.Min(f.Score, NonPersonalScore) };
                    break;
                case CsvColumns.Role.MyNumber when f.Entity == EntityTypes.JpMyNumber:
                case CsvColumns.Role.Corporate when f.Entity == EntityTypes.JpCorporateNumber:
                    raw[k] = f with { Score = Math.Max(f.Score, 0.95) };
                    break;
            }
        }
        if (role == CsvColumns.Role.Name && !personFound) AddCellName(t, cs, ce, raw);
        if (role == CsvColumns.Role.Birth) AddCellBirthDate(t, cs, ce, raw, next, count);
    }

    /// <summary>A cell of kanji/kana with at most one inner space (山田 太郎, ヤマダ タロウ) under a name header.</summary>
    private static void AddCellName(ReadOnlySpan<char> t, int cs, int ce, List<Finding> raw)
    {
        var (s, e) = CellContent(t, cs, ce);
        if (e - s is < 2 or > 20) return;
        var spaces = 0;
        for (var k = s; k < e; k++)
        {
            var c = t[k];
            if (Chars.IsSpace(c)) { if (++spaces > 1) return; continue; }
            if (!(Chars.IsKanji(c) || Chars.IsKatakana(c) || Chars.IsHiragana(c))) return;
        }
        if (JapaneseDictionary.NotNameLookup.Contains(t[s..e])) return;
        raw.Add(new Finding(EntityTypes.Person, s, e, 0.85, "CsvColumnRecognizer"));
    }

    /// <summary>An 8-digit date (19850401) filling a cell under a birth-date header.</summary>
    private static void AddCellBirthDate(ReadOnlySpan<char> t, int cs, int ce, List<Finding> raw, int from, int count)
    {
        var (s, e) = CellContent(t, cs, ce);
        if (e - s != 8) return;
        for (var k = from; k < count && raw[k].Start < ce; k++) if (raw[k].Start < e) return;
        Span<char> d = stackalloc char[8];
        for (var k = 0; k < 8; k++)
        {
            if (!Chars.IsDigit(t[s + k])) return;
            d[k] = (char)('0' + Chars.DigitValue(t[s + k]));
        }
        if (IsYmd(d)) raw.Add(new Finding(EntityTypes.DateTime, s, e, 0.85, "DateOfBirthRecognizer"));
    }

    private static (int Start, int End) CellContent(ReadOnlySpan<char> t, int cs, int ce)
    {
        while (cs < ce && (Chars.IsSpace(t[cs]) || t[cs] == '"')) cs++;
        while (ce > cs && (Chars.IsSpace(t[ce - 1]) || t[ce - 1] == '"')) ce--;
        return (cs, ce);
    }
}
