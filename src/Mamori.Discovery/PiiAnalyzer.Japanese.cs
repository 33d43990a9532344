namespace Mamori.Discovery;

public sealed partial class PiiAnalyzer
{
    /// <summary>At a 都道府県 suffix: a prefecture name, then a municipality and the rest of the address.</summary>
    private int ScanPrefecture(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var s = -1;
        for (var len = 3; len <= 4; len++)
        {
            var b = i - len + 1;
            if (b < 0) break;
            if (JapaneseDictionary.PrefectureLookup.Contains(t[b..(i + 1)])) { s = b; break; }
        }
        if (s < 0) return i + 1;
        var p = i + 1;
        while (p < t.Length && p - i <= 1 && Chars.IsSpace(t[p])) p++;
        var m = MatchMunicipalityForward(t, p);
        if (m < 0)
        {
            Add(o, EntityTypes.Location, s, i + 1, 0.3, "JpPrefectureRecognizer");
            return i + 1;
        }
        var e = AddressTail(t, m, out var hasNumber);
        Add(o, EntityTypes.JpAddress, s, e, hasNumber ? 0.9 : 0.75, "JpAddressRecognizer");
        return e;
    }

    /// <summary>The end of the longest municipality name starting at <paramref name="p"/>, or -1.</summary>
    private static int MatchMunicipalityForward(ReadOnlySpan<char> t, int p)
    {
        var best = -1;
        var lim = Math.Min(t.Length, p + 14);
        for (var q = p + 1; q < lim; q++)
        {
            var c = t[q];
            if (c is not ('市' or '区' or '町' or '村')) { if (!(Chars.IsKanji(c) || Chars.IsKatakana(c) || Chars.IsHiragana(c))) break; continue; }
            if (JapaneseDictionary.MunicipalityLookup.Contains(t[p..(q + 1)])) best = q + 1;
        }
        return best;
    }

    /// <summary>
    /// At a 市/区/町/村 without a prefecture before it: a municipality name ending here, accepted only when
    /// a street part with a number follows (横浜市中区山下町1-2).
    /// </summary>
    private int ScanMunicipality(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        if (t[i] is not ('市' or '区')) return i + 1;
        var s = -1;
        for (var len = 8; len >= 2; len--)
        {
            var b = i - len + 1;
            if (b < 0) continue;
            if (JapaneseDictionary.MunicipalityLookup.Contains(t[b..(i + 1)])) { s = b; break; }
        }
        if (s < 0) return i + 1;
        var m = i + 1;
        var more = MatchMunicipalityForward(t, m); // 横浜市 + 中区
        if (more > 0) m = more;
        var e = AddressTail(t, m, out var hasNumber);
        if (!hasNumber) return i + 1;
        Add(o, EntityTypes.JpAddress, s, e, 0.7, "JpAddressRecognizer");
        return e;
    }

    private static bool IsAddressChar(char c) =>
        Chars.IsKanji(c) || (Chars.IsKatakana(c) && c != '・') || Chars.IsDigit(c) || (c >= '\uFF21' && c <= '\uFF3A') || c is '-' or '－' or '‐' or 'ー' or '−' or 'の' or 'ノ' or 'が' or 'ケ' or 'ヶ' or '丁' or '番' or '号' or '#';

    private static int AddressTail(ReadOnlySpan<char> t, int p, out bool hasNumber)
    {
        hasNumber = false;
        var e = p;
        var lim = Math.Min(t.Length, p + 40);
        var firstKana = -1;
        var digitAfterKana = false;
        while (e < lim)
        {
            var c = t[e];
            if (Chars.IsHiragana(c) && c is not ('の' or 'が'))
            {
                if (firstKana < 0) firstKana = e;
                e++;
                continue;
            }
            if (IsAddressChar(c))
            {
                var number = Chars.IsDigit(c) || ("一二三四五六七八九十".Contains(c) && e + 1 < t.Length && t[e + 1] is '丁' or '番');
                if (number) { hasNumber = true; if (firstKana >= 0) digitAfterKana = true; }
                e++;
                continue;
            }
            if (c == '\u3000' && e + 1 < lim && Chars.IsDigit(t[e + 1])) { e++; continue; }
            if (Chars.IsSpace(c) && e + 1 < lim && Chars.IsDigit(t[e + 1]) && !hasNumber) { e++; continue; }
            break;
        }
        if (firstKana >= 0 && !digitAfterKana)
        {
            e = firstKana;
            hasNumber = false;
            for (var k = p; k < e; k++) if (Chars.IsDigit(t[k])) { hasNumber = true; break; }
        }
        while (e > p && (t[e - 1] is '-' or '－' or 'ー' or '−' or 'の' || Chars.IsHiragana(t[e - 1]))) e--;
        if (hasNumber && e > p && (Chars.IsDigit(t[e - 1]) || t[e - 1] is '号' or '番' or '地')) e = BuildingEnd(t, e);
        return e;
    }

    private static readonly string[] BuildingWords =
        ["ビル", "マンション", "ハイツ", "アパート", "コーポ", "レジデンス", "タワー", "ハウス", "メゾン", "パレス", "ヒルズ", "荘", "館", "棟", "号室", "階"];

    /// <summary>
    /// After a street number ending at <paramref name="e"/>: a building and room written after one space
    /// (2-8-1 サンシャインマンション101号室, 2丁目8-1 新宿ビル5階, 2-8-1 メゾン新宿305). The part is taken only when it
    /// names a building or ends with a room or floor number, so 2-8-1 電話 … is not.
    /// </summary>
    private static int BuildingEnd(ReadOnlySpan<char> t, int e)
    {
        if (e + 1 >= t.Length || !Chars.IsSpace(t[e])) return e;
        var s = e + 1;
        var q = s;
        while (q < t.Length && q - s < 30)
        {
            var c = t[q];
            if (Chars.IsKanji(c) || (Chars.IsKatakana(c) && c != '・') || Chars.IsDigit(c) || Chars.IsAsciiLetter(Chars.Fold(c)) || Chars.Fold(c) is '-' or '#') { q++; continue; }
            break;
        }
        var part = t[s..q];
        if (part.IsEmpty || IsKnownLabelAt(t, s) || IsLabelAt(t, s)) return e;
        var building = false;
        foreach (var w in BuildingWords) if (part.Contains(w, StringComparison.Ordinal)) { building = true; break; }
        var roomNumber = Chars.IsDigit(part[^1]) || (part.Length > 1 && Chars.Fold(part[^1]) is 'F' && Chars.IsDigit(part[^2]));
        var hasKana = false;
        foreach (var c in part) if (Chars.IsKatakana(c) || Chars.IsKanji(c)) { hasKana = true; break; }
        return (building || roomNumber) && hasKana ? q : e;
    }

    private int ScanName(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var c = t[i];
        if (LabelsByFirst.TryGetValue(c, out var labels))
        {
            foreach (var label in labels)
            {
                if (!t[i..].StartsWith(label, StringComparison.Ordinal)) continue;
                var p = QualifierEnd(t, i + label.Length); // 氏名（漢字）：, 氏名【必須】：
                var sepEnd = p;
                var strong = false;
                // Up to four characters: {"氏名": "山田太郎"} is the usual JSON layout.
                while (sepEnd < t.Length && sepEnd - p < 4 && t[sepEnd] is ' ' or '\u3000' or ':' or '：' or '\t' or '=' or ',' or '」' or '】' or ']' or '"')
                {
                    if (t[sepEnd] is not (' ' or '\u3000')) strong = true;
                    sepEnd++;
                }
                if (sepEnd == p) break;
                // A label followed only by a space counts at the start of a field ("氏名 山田太郎"), not inside prose ("ユーザの名前 または").
                var before = i > 0 ? t[i - 1] : '\n';
                if (!strong && (Chars.IsKanji(before) || Chars.IsHiragana(before) || Chars.IsKatakana(before) || Chars.IsHiragana(t[sepEnd]))) break;
                var e = NameRun(t, sepEnd, 12);
                // 山田太郎電話：…, 山田太郎電話 090…: a label glued to the name ends it when a separator or a value follows.
                if (e < t.Length && (t[e] is ':' or '：' || (Chars.IsSpace(t[e]) && e + 1 < t.Length && !Chars.IsKanji(t[e + 1]) && !Chars.IsKatakana(t[e + 1]) && !Chars.IsHiragana(t[e + 1]))))
                    e = KnownLabelStart(t, sepEnd + 2, e) is var k and >= 0 && t[k..e] is not "カナ" ? k : e;
                var hiragana = 0;
                foreach (var ch in t[sepEnd..e]) if (Chars.IsHiragana(ch)) hiragana++;
                if (e - sepEnd >= 2 && hiragana <= 4 && !JapaneseDictionary.NotNameLookup.Contains(t[sepEnd..e]))
                {
                    Add(o, EntityTypes.Person, sepEnd, e, 0.85, "JpNameLabelRecognizer");
                    return e;
                }
                break;
            }
        }
        if (HonorificsByFirst.TryGetValue(c, out var honorifics))
        {
            foreach (var h in honorifics)
            {
                if (!t[i..].StartsWith(h, StringComparison.Ordinal)) continue;
                var after = i + h.Length < t.Length ? t[i + h.Length] : ' ';
                if (h == "氏" && after is '名') break;
                if (h == "様" && after is '々' or '式' or '子' or '相' or '態' or '変') break;
                return HonorificName(t, i, h.Length, o);
            }
        }
        return i + 1;
    }

    /// <summary>
    /// At the last character of a job title or a department (代表取締役 山田太郎, 営業部 山田 太郎) followed by a space:
    /// the name after it. Without a colon or an honorific the run must start with a known surname (0.85) or be
    /// written as family and given name with a space (0.7), so 営業部 会議資料 is not a name.
    /// </summary>
    private static int ScanTitleName(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        if (i + 2 >= t.Length || !Chars.IsSpace(t[i + 1])) return i + 1;
        var titled = false;
        foreach (var w in JapaneseDictionary.Titles)
            if (i + 1 >= w.Length && t[..(i + 1)].EndsWith(w, StringComparison.Ordinal)) { titled = true; break; }
        if (!titled && !(JapaneseDictionary.DepartmentSuffixes.Contains(t[i]) && i > 0 && (Chars.IsKanji(t[i - 1]) || Chars.IsKatakana(t[i - 1])))) return i + 1;
        var s = i + 1;
        while (s < t.Length && s - i <= 2 && Chars.IsSpace(t[s])) s++;
        var e = s;
        var space = -1;
        while (e < t.Length && e - s < 9)
        {
            var c = t[e];
            if (Chars.IsKanji(c) || (Chars.IsKatakana(c) && c != '・' && c != 'ー')) { e++; continue; }
            if (space < 0 && Chars.IsSpace(c) && e > s && e + 1 < t.Length && Chars.IsKanji(t[e + 1]) && !IsKnownLabelAt(t, e + 1) && !IsLabelAt(t, e + 1))
            {
                space = e;
                e++;
                continue;
            }
            break;
        }
        if (e < t.Length && t[e] is ':' or '：') return i + 1; // 営業部 電話：… is a label
        var run = t[s..e];
        if (run.Length < 2 || JapaneseDictionary.NotNameLookup.Contains(run) || IsKnownLabelAt(t, s)) return i + 1;
        var first = space > 0 ? t[s..space] : run;
        var known = false;
        for (var len = Math.Min(4, first.Length); len >= 1 && !known; len--)
            known = JapaneseDictionary.SurnameLookup.Contains(first[..len]) && (len >= 2 || run.Length <= 4) && (space < 0 || len == first.Length);
        var spaced = space > 0 && space - s <= 4 && e - space - 1 is >= 1 and <= 4;
        if (!known && !spaced) return i + 1;
        Add(o, EntityTypes.Person, s, e, known ? 0.85 : 0.7, "JpTitleNameRecognizer");
        return e;
    }

    /// <summary>
    /// After a label ending at <paramref name="p"/>: the end of a bracketed qualifier such as （漢字）, (カナ), 【必須】 or
    /// [任意] (up to 8 word characters inside), else <paramref name="p"/>.
    /// </summary>
    private static int QualifierEnd(ReadOnlySpan<char> t, int p)
    {
        if (p >= t.Length) return p;
        var close = t[p] switch { '（' => '）', '(' => ')', '【' => '】', '[' => ']', '［' => '］', '〔' => '〕', _ => '\0' };
        if (close == '\0') return p;
        var q = p + 1;
        while (q < t.Length && q - p <= 8 && IsLabelChar(t[q])) q++;
        return q > p + 1 && q < t.Length && t[q] == close ? q + 1 : p;
    }

    /// <summary>
    /// A run of kanji/kana with at most one inner space (山田 太郎), stopping at an honorific and at a space
    /// before the next field's label (山田太郎　電話：).
    /// </summary>
    private static int NameRun(ReadOnlySpan<char> t, int p, int max)
    {
        var e = p;
        var spaced = false;
        while (e < t.Length && e - p < max)
        {
            var c = t[e];
            if (c is '様' or '殿') break;
            if (c == 'さ' && e + 1 < t.Length && t[e + 1] is 'ん' or 'ま') break;
            if (Chars.IsKanji(c) || (Chars.IsKatakana(c) && c != '・') || Chars.IsHiragana(c) || c == '・') { e++; continue; }
            if (!spaced && c is ' ' or '\u3000' && e > p && e + 1 < t.Length && (Chars.IsKanji(t[e + 1]) || Chars.IsKatakana(t[e + 1]) || Chars.IsHiragana(t[e + 1]))
                && !IsLabelAt(t, e + 1) && !IsKnownLabelAt(t, e + 1))
            {
                spaced = true;
                e++;
                continue;
            }
            break;
        }
        return e;
    }

    private const int MaxLabelLength = 16;

    private static bool IsLabelChar(char c) => Chars.IsKanji(c) || Chars.IsKatakana(c) || Chars.IsHiragana(c) || Chars.IsAsciiLetter(Chars.Fold(c));

    /// <summary>True when a field label starts at <paramref name="p"/>: a word followed by ：/: (電話：, TEL:).</summary>
    private static bool IsLabelAt(ReadOnlySpan<char> t, int p)
    {
        var q = p;
        while (q < t.Length && q - p < MaxLabelLength && IsLabelChar(t[q])) q++;
        return q > p && q < t.Length && t[q] is ':' or '：';
    }

    /// <summary>
    /// True when a known field label starts at <paramref name="p"/>, with or without a colon after it (山田太郎 電話 090…).
    /// カナ is left out: it is also a given name (山田 カナ).
    /// </summary>
    private static bool IsKnownLabelAt(ReadOnlySpan<char> t, int p)
    {
        var rest = t[p..];
        foreach (var label in JapaneseDictionary.FieldLabels)
            if (label != "カナ" && rest.StartsWith(label, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Where a known field label ending at <paramref name="end"/> starts (山田太郎|電話：), if it starts at or after <paramref name="min"/>; else -1.</summary>
    private static int KnownLabelStart(ReadOnlySpan<char> t, int min, int end)
    {
        foreach (var label in JapaneseDictionary.FieldLabels)
            if (end - label.Length >= min && t[..end].EndsWith(label, StringComparison.Ordinal)) return end - label.Length;
        return -1;
    }

    private static bool IsNameChar(char c, bool hiragana) =>
        c is not ('様' or '殿' or '氏' or '君') && (Chars.IsKanji(c) || (Chars.IsKatakana(c) && c != '・') || (hiragana && Chars.IsHiragana(c)));

    private static int HonorificName(ReadOnlySpan<char> t, int i, int hLen, List<Finding> o)
    {
        var after = i + hLen;
        // 山田 太郎 様: one space between the name and the honorific, as envelopes and letters are addressed. Only for
        // 様/殿/さん/さま standing alone: after a space, 君 or 氏 usually starts a word (畑中 君枝).
        if (i > 1 && Chars.IsSpace(t[i - 1]) && !Chars.IsSpace(t[i - 2]) && t[i] is '様' or '殿' or 'さ'
            && (after >= t.Length || !(Chars.IsKanji(t[after]) || Chars.IsKatakana(t[after])))) i--;
        // Written with a space between family and given name (山田 花子様, 小池 さだ子様): the whole run is the name.
        var g = i;
        while (g > 0 && i - g < 5 && IsNameChar(t[g - 1], hiragana: true)) g--;
        if (g < i && g > 1 && Chars.IsSpace(t[g - 1]))
        {
            var f = g - 1;
            var fs = f;
            while (fs > 0 && f - fs < 4 && IsNameChar(t[fs - 1], hiragana: false)) fs--;
            if (fs < f && !JapaneseDictionary.NotNameLookup.Contains(t[fs..f]) && !JapaneseDictionary.NotNameLookup.Contains(t[g..i]))
            {
                var known = false;
                for (var len = Math.Min(4, f - fs); len >= 1 && !known; len--) known = JapaneseDictionary.SurnameLookup.Contains(t[fs..(fs + len)]) && len == f - fs;
                Add(o, EntityTypes.Person, fs, i, known ? 0.85 : 0.75, "JpHonorificNameRecognizer");
                return after;
            }
        }
        var j = i;
        var spaced = false;
        while (j > 0 && i - j < 8)
        {
            var c = t[j - 1];
            if (c is '様' or '殿' or '氏' or '君') break;
            if (Chars.IsKanji(c) || (Chars.IsKatakana(c) && c != '・')) { j--; continue; }
            if (!spaced && Chars.IsSpace(c) && j < i && j - 2 >= 0 && (Chars.IsKanji(t[j - 2]) || Chars.IsKatakana(t[j - 2]))) { spaced = true; j--; continue; }
            break;
        }
        while (j < i && Chars.IsSpace(t[j])) j++;
        var end = i;
        while (end > j && Chars.IsSpace(t[end - 1])) end--;
        if (end - j < 1) return after;
        var run = t[j..end];
        // The leftmost known surname in the run starts the name (営業部田中太郎様 → 田中太郎).
        for (var p = j; p < end; p++)
        {
            if (end - p > 7) continue;
            for (var len = Math.Min(4, end - p); len >= 1; len--)
            {
                if (!JapaneseDictionary.SurnameLookup.Contains(t[p..(p + len)])) continue;
                if (JapaneseDictionary.NotNameLookup.Contains(t[p..end])) break;
                Add(o, EntityTypes.Person, p, end, 0.85, "JpHonorificNameRecognizer");
                return after;
            }
        }
        if (run.Length < 2 || run.Length > 5 || JapaneseDictionary.NotNameLookup.Contains(run)) return after;
        for (var p = 1; p < run.Length; p++)
            if (JapaneseDictionary.NotNameLookup.Contains(run[p..])) return after;
        Add(o, EntityTypes.Person, j, end, 0.5, "JpHonorificNameRecognizer");
        return after;
    }

    /// <summary>
    /// At a 要配慮個人情報 word. As a label followed by ：/: (既往歴：高血圧、うつ病) the value after it is the finding
    /// and the label stays readable, as for labelled names; a label with no value (病歴：) and a keyword in running
    /// text (前科がある) flag the keyword itself. Label-only words (診断) need the separator.
    /// </summary>
    private int ScanSpecialCare(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        if (!CareByFirst.TryGetValue(t[i], out var words)) return i + 1;
        foreach (var w in words)
        {
            if (!t[i..].StartsWith(w, StringComparison.Ordinal)) continue;
            var end = i + w.Length;
            if (LabelValueStart(t, end) is var v and >= 0 && LabelledValueEnd(t, v) is var e && e > v)
            {
                Add(o, EntityTypes.SpecialCare, v, e, 0.85, "SpecialCareLabelRecognizer");
                return e;
            }
            if (CareLabelsOnly.Contains(w)) continue;
            Add(o, EntityTypes.SpecialCare, i, end, 0.5, "SpecialCareRecognizer");
            return end;
        }
        return i + 1;
    }

    /// <summary>After a label ending at <paramref name="p"/>: where its value starts when a ：/: follows (spaces allowed around it), else -1.</summary>
    private static int LabelValueStart(ReadOnlySpan<char> t, int p)
    {
        var q = p;
        while (q < t.Length && q - p < 2 && t[q] is ' ' or '\u3000') q++;
        if (q >= t.Length || t[q] is not (':' or '：')) return -1;
        q++;
        var s = q;
        while (q < t.Length && q - s < 3 && t[q] is ' ' or '\u3000') q++;
        return q;
    }

    /// <summary>
    /// The end of a labelled value starting at <paramref name="v"/>: the end of the line or sentence, a tab, a CSV
    /// comma (one not followed by a space), or the next field's label (高血圧　電話：, 高血圧電話：). A colon that
    /// follows no label (10:30) or an unknown word glued to the value is part of it: a value cut short would
    /// leave the rest of a diagnosis readable. At most 256 characters.
    /// </summary>
    private static int LabelledValueEnd(ReadOnlySpan<char> t, int v)
    {
        var lim = Math.Min(t.Length, v + 256);
        var e = v;
        for (; e < lim; e++)
        {
            var c = t[e];
            if (c is '\n' or '\r' or '\t' or '。' or '"' or '|') break;
            if (c == ',' && (e + 1 >= t.Length || t[e + 1] != ' ')) break;
            if (c is not (':' or '：')) continue;
            var w = e;
            while (w > v && e - w < MaxLabelLength && IsLabelChar(t[w - 1])) w--;
            if (w == e) continue;
            if (w > v && Chars.IsSpace(t[w - 1])) { e = w; break; }
            if (KnownLabelStart(t, v, e) is var k and >= 0) { e = k; break; }
        }
        while (e > v && (Chars.IsSpace(t[e - 1]) || t[e - 1] is '、' or '，' or ',' or '・')) e--;
        return e;
    }
}
