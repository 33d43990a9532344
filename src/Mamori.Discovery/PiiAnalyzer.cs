using System.Runtime.CompilerServices;

namespace Mamori.Discovery;

/// <summary>
/// Finds personal information in text in one forward pass. Every recognizer is a hand-written scanner
/// that is triggered by a character class and looks at a bounded window, so the cost is linear in the
/// length of the text whatever its content. Offsets are UTF-16 indexes into the text passed in; full-width
/// forms are folded character by character, so no offset mapping is needed.
/// Thread-safe: an instance holds only immutable options.
/// </summary>
public sealed partial class PiiAnalyzer
{
    private readonly AnalyzerOptions options;
    private readonly string[] otherPhoneRegions;

    public PiiAnalyzer(AnalyzerOptions? options = null)
    {
        this.options = options ?? new AnalyzerOptions();
        otherPhoneRegions = this.options.PhoneRegions.Where(r => !string.Equals(r, "JP", StringComparison.OrdinalIgnoreCase))
            .Select(r => r.ToUpperInvariant()).Distinct().ToArray();
    }

    /// <summary>An analyzer with default options.</summary>
    public static PiiAnalyzer Default { get; } = new();

    public AnalyzerOptions Options => options;

    public IReadOnlyList<Finding> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var results = new List<Finding>();
        Analyze(text.AsSpan(), results);
        return results;
    }

    /// <summary>
    /// Appends the findings in <paramref name="text"/>, ordered by start offset, to <paramref name="results"/>. When
    /// the first line is a CSV/TSV header row (<see cref="CsvColumns.TryParse"/>), its cells are the context of their columns.
    /// </summary>
    public void Analyze(ReadOnlySpan<char> text, List<Finding> results) => Analyze(text, results, null);

    /// <summary>
    /// As <see cref="Analyze(ReadOnlySpan{char}, List{Finding})"/>; <paramref name="columns"/> is the header row of
    /// the file when <paramref name="text"/> is a later block of it (every line of the text is then a data row).
    /// </summary>
    public void Analyze(ReadOnlySpan<char> text, List<Finding> results, CsvColumns? columns)
    {
        ArgumentNullException.ThrowIfNull(results);
        var raw = scratch ??= new List<Finding>(64);
        raw.Clear();
        Scan(text, raw);
        var dataStart = 0;
        if (columns is null)
        {
            var nl = text.IndexOf('\n');
            columns = CsvColumns.TryParse(nl < 0 ? text : text[..nl]);
            dataStart = nl < 0 ? text.Length : nl + 1;
        }
        if (columns is { Roles.Length: > 0 }) ApplyColumns(text, dataStart, columns, raw);
        Resolve(raw, results);
        raw.Clear();
    }

    /// <summary>
    /// Analyzes the full NFKC form of <paramref name="text"/> (half-width katakana context words such as
    /// ﾏｲﾅﾝﾊﾞｰ, compatibility characters) and maps every span back to the original text. Slower than
    /// <see cref="Analyze(string)"/>, which already folds full-width forms without changing offsets.
    /// </summary>
    public IReadOnlyList<Finding> AnalyzeNormalized(string text)
    {
        var normalized = TextNormalizer.Nfkc(text);
        var found = Analyze(normalized.Text);
        var result = new List<Finding>(found.Count);
        foreach (var f in found)
        {
            var (s, e) = normalized.ToOriginal(f.Start, f.End);
            result.Add(f with { Start = s, End = e });
        }
        return result;
    }

    [ThreadStatic] private static List<Finding>? scratch;

    private void Resolve(List<Finding> raw, List<Finding> results)
    {
        var entities = options.Entities;
        var threshold = options.ScoreThreshold;
        if (raw.Count == 0) return;
        var filtered = raw;
        if (entities is not null || threshold > 0)
        {
            filtered = new List<Finding>(raw.Count);
            foreach (var f in raw)
                if ((entities is null || entities.Contains(f.Entity)) && f.Score >= threshold) filtered.Add(f);
        }
        filtered.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        if (!options.ResolveOverlaps)
        {
            results.AddRange(filtered);
            return;
        }
        var first = results.Count;
        foreach (var f in filtered)
        {
            if (results.Count > first)
            {
                var last = results[^1];
                if (f.Start < last.End)
                {
                    if (f.Score > last.Score || (f.Score == last.Score && f.Length > last.Length)) results[^1] = f;
                    continue;
                }
            }
            results.Add(f);
        }
    }

    // Trigger flags for non-ASCII characters.
    private const ushort TNum = 1, TMark = 2, TPref = 4, TCity = 8, TName = 16, TCare = 32, TEra = 64, TEmail = 128, TTitle = 256;
    private static readonly ushort[] Triggers = BuildTriggers();
    private static readonly Dictionary<char, string[]> LabelsByFirst = GroupByFirst(JapaneseDictionary.NameLabels);
    private static readonly Dictionary<char, string[]> HonorificsByFirst = GroupByFirst(JapaneseDictionary.Honorifics);
    private static readonly Dictionary<char, string[]> CareByFirst =
        GroupByFirst(JapaneseDictionary.SpecialCareKeywords.Concat(JapaneseDictionary.SpecialCareLabelsOnly).Where(k => k[0] >= 0x80));
    private static readonly HashSet<string> CareLabelsOnly = new(JapaneseDictionary.SpecialCareLabelsOnly, StringComparer.Ordinal);

    private static Dictionary<char, string[]> GroupByFirst(IEnumerable<string> words) =>
        words.GroupBy(w => w[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(w => w.Length).ToArray());

    private static ushort[] BuildTriggers()
    {
        var t = new ushort[65536];
        for (var c = '\uFF10'; c <= '\uFF19'; c++) t[c] |= TNum;
        t['〒'] |= TMark;
        t['\uFF20'] |= TEmail;
        foreach (var c in "都道府県") t[c] |= TPref;
        foreach (var c in "市区町村") t[c] |= TCity;
        foreach (var w in JapaneseDictionary.NameLabels) t[w[0]] |= TName;
        foreach (var w in JapaneseDictionary.Honorifics) t[w[0]] |= TName;
        foreach (var w in JapaneseDictionary.SpecialCareKeywords.Concat(JapaneseDictionary.SpecialCareLabelsOnly)) if (w[0] >= 0x80) t[w[0]] |= TCare;
        foreach (var c in "昭平令大明") t[c] |= TEra;
        foreach (var w in JapaneseDictionary.Titles) t[w[^1]] |= TTitle;
        foreach (var c in JapaneseDictionary.DepartmentSuffixes) t[c] |= TTitle;
        return t;
    }

    private void Scan(ReadOnlySpan<char> t, List<Finding> o)
    {
        var n = t.Length;
        var i = 0;
        var trig = Triggers;
        while (i < n)
        {
            var c = t[i];
            int next;
            if (c < 0x80)
            {
                if ((uint)(c - '0') <= 9) next = ScanNumber(t, i, o);
                else if (c == '@') next = ScanEmail(t, i, o);
                else if (c == ':') next = ScanColon(t, i, o);
                else if (c == '.') next = ScanDot(t, i, o);
                else if (c == 'w' && i + 3 < n && t[i + 1] == 'w' && t[i + 2] == 'w' && t[i + 3] == '.' && (i == 0 || !Chars.IsWordChar(t[i - 1])))
                    next = ScanUrl(t, i, i, o, hasScheme: false);
                else if ((uint)(c - 'A') <= 'Z' - 'A') next = ScanUpper(t, i, o);
                else { i++; continue; }
            }
            else
            {
                var f = trig[c];
                if (f == 0) { i++; continue; }
                next = ScanTriggered(t, i, f, o);
            }
            // Every scanner looks at a bounded window; forcing progress keeps the whole pass linear.
            i = next > i ? next : i + 1;
        }
    }

    private int ScanTriggered(ReadOnlySpan<char> t, int i, ushort f, List<Finding> o)
    {
        if ((f & TNum) != 0) return ScanNumber(t, i, o);
        if ((f & TEmail) != 0) return ScanEmail(t, i, o);
        var next = i + 1;
        if ((f & TMark) != 0) next = Math.Max(next, ScanPostalMark(t, i, o));
        if ((f & TPref) != 0) { var e = ScanPrefecture(t, i, o); if (e > i + 1) return e; }
        if ((f & TCity) != 0) { var e = ScanMunicipality(t, i, o); if (e > i + 1) return e; }
        if ((f & TName) != 0) next = Math.Max(next, ScanName(t, i, o));
        if ((f & TEra) != 0) next = Math.Max(next, ScanEra(t, i, o));
        if ((f & TCare) != 0) next = Math.Max(next, ScanSpecialCare(t, i, o));
        if ((f & TTitle) != 0) next = Math.Max(next, ScanTitleName(t, i, o));
        return next;
    }

    // ---------- context ----------

    internal static bool HasContext(ReadOnlySpan<char> t, int start, int end, string[] words, int before = 40, int after = 12) =>
        ContextWord(t, start, end, words, before, after) is not null;

    /// <summary>The first of <paramref name="words"/> within the window around [start, end), or null.</summary>
    internal static string? ContextWord(ReadOnlySpan<char> t, int start, int end, string[] words, int before = 40, int after = 12)
    {
        var b = Math.Max(0, start - before);
        var w1 = t[b..start];
        var a = Math.Min(t.Length, end + after);
        var w2 = t[end..a];
        foreach (var w in words)
        {
            // Japanese words compare ordinally (vectorized); ASCII words ignore case.
            var cmp = w[0] < 0x80 ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (w1.IndexOf(w, cmp) >= 0 || w2.IndexOf(w, cmp) >= 0) return w;
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(List<Finding> o, string entity, int start, int end, double score, string recognizer) =>
        o.Add(new Finding(entity, start, end, Math.Min(1.0, score), recognizer));

    /// <summary>Adds a finding whose score is <paramref name="with"/> when <paramref name="word"/> (a context word) was found, else <paramref name="without"/>.</summary>
    private static void Add(List<Finding> o, string entity, int start, int end, string? word, double with, double without, string recognizer) =>
        o.Add(word is null
            ? new Finding(entity, start, end, Math.Min(1.0, without), recognizer)
            : new Finding(entity, start, end, Math.Min(1.0, with), recognizer) { ContextWord = word, ScoreWithoutContext = without });
}
