using System.Globalization;
using System.Text;
using System.Text.Json;
using Mamori.Discovery;
using Shouldly;

namespace Mamori.Reference.Tests.Discovery;

/// <summary>
/// Precision and recall per entity of Mamori.Discovery on the public reference sets in ../shared/reference
/// (read in place, never copied). Writes the Markdown report to $MAMORI_QUALITY_REPORT when set
/// (tools/discovery/quality-report.sh points it at docs/discovery-quality.md) and asserts floors.
/// </summary>
public sealed class DiscoveryQualityReportTests
{
    private sealed class Tally
    {
        public int Tp, Fp, Fn;
        public double Precision => Tp + Fp == 0 ? 1 : (double)Tp / (Tp + Fp);
        public double Recall => Tp + Fn == 0 ? 1 : (double)Tp / (Tp + Fn);
    }

    private sealed class Section(string name, string source)
    {
        public string Name { get; } = name;
        public string Source { get; } = source;
        public SortedDictionary<string, Tally> ByEntity { get; } = new(StringComparer.Ordinal);
        public List<string> Notes { get; } = [];
        public List<string> Misses { get; } = [];
        public Tally For(string entity) => ByEntity.TryGetValue(entity, out var t) ? t : ByEntity[entity] = new Tally();
    }

    private static readonly PiiAnalyzer Ja = PiiAnalyzer.Default;
    private static readonly PiiAnalyzer En = new(new AnalyzerOptions { PhoneRegions = ["JP", "US", "GB", "DE", "IL", "IN", "CA", "BR"] });

    /// <summary>Scores one labelled text: expected spans of <paramref name="entity"/> against the findings of that entity.</summary>
    private static void Score(Section s, PiiAnalyzer a, string text, string entity, IReadOnlyCollection<(int Start, int End)> expected, string label, bool spansComplete = true)
    {
        var found = a.Analyze(text).Where(f => f.Entity == entity).Select(f => (f.Start, f.End)).ToHashSet();
        var t = s.For(entity);
        if (!spansComplete)
        {
            var hit = Math.Min(found.Count, expected.Count);
            t.Tp += hit; t.Fn += expected.Count - hit; t.Fp += found.Count - hit;
            return;
        }
        foreach (var e in expected)
        {
            if (found.Remove(e)) t.Tp++;
            else { t.Fn++; if (s.Misses.Count < 12) s.Misses.Add($"missed {entity} in `{Trim(label)}`"); }
        }
        t.Fp += found.Count;
        if (found.Count > 0 && s.Misses.Count < 12) s.Misses.Add($"extra {entity} in `{Trim(label)}`");
    }

    private static string Trim(string s) => (s.Length > 70 ? s[..70] + "…" : s).Replace("\n", "\\n").Replace("`", "'");

    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = SplitCsv(lines[0]);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = SplitCsv(l);
            return header.Select((h, i) => (h, v: i < cells.Count ? cells[i] : "")).ToDictionary(x => x.h, x => x.v);
        }).ToList();
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        cells.Add(sb.ToString());
        return cells;
    }

    private static Section Numbers(string file, string entity, string title)
    {
        var s = new Section(title, $"numbers/{file}");
        var skipped = 0;
        foreach (var row in Csv(ReferenceData.Path("numbers", file)))
        {
            if (row["basis"] == "structure") { skipped++; continue; }
            var value = row["value"];
            const string prefix = "登録番号 ";
            var text = prefix + value + " を確認";
            var valid = row["valid"] == "true";
            Score(s, Ja, text, entity, valid ? [(prefix.Length, prefix.Length + value.Length)] : [], text);
        }
        s.Notes.Add($"Each value is embedded as `登録番号 <value> を確認` (no context word). Invalid rows must give no finding. {skipped} `structure` rows skipped (check digit valid, rejected by their source for other reasons).");
        return s;
    }

    private static Section Presidio()
    {
        var s = new Section("Presidio recognizer test cases", "presidio/cases.jsonl");
        var unsupported = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(ReferenceData.Path("presidio", "cases.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var entity = r.GetProperty("entity").GetString()!;
            if (entity is "IBAN_CODE" or "MAC_ADDRESS" or "CRYPTO")
            {
                unsupported[entity] = unsupported.GetValueOrDefault(entity) + 1;
                continue;
            }
            var text = r.GetProperty("text").GetString()!;
            var spans = r.GetProperty("expected_spans").EnumerateArray().Select(a => (a[0].GetInt32(), a[1].GetInt32())).ToList();
            var complete = !r.TryGetProperty("spans_complete", out var sc) || sc.GetBoolean();
            if (!complete)
            {
                var count = r.GetProperty("expected_count").GetInt32();
                spans = Enumerable.Repeat((0, 0), count).ToList();
            }
            Score(s, En, text, entity, spans, text, complete);
        }
        s.Notes.Add("Analyzer with Presidio's default phone regions (JP, US, GB, DE, IL, IN, CA, BR). Span must match exactly. " +
                    "Presidio's leniency and region variants of the same text are all scored, so some cases contradict each other.");
        s.Notes.Add("Not supported (out of scope for a Japanese-first detector): " + string.Join(", ", unsupported.Select(kv => $"{kv.Key} ({kv.Value} cases)")) + ".");
        return s;
    }

    private static List<string[]> GimeiList(string file, string section, string? sub = null)
    {
        var result = new List<string[]>();
        var inSection = false;
        var inSub = sub is null;
        foreach (var line in File.ReadLines(ReferenceData.Path("names", file)))
        {
            if (!line.StartsWith(' ')) { inSection = line.TrimEnd(':') == section; continue; }
            if (!inSection) continue;
            var t = line.Trim();
            if (!t.StartsWith("- [")) { inSub = sub is null || t.TrimEnd(':') == sub; continue; }
            if (!inSub) continue;
            if (!t.StartsWith("- [")) continue;
            result.Add(t[3..^1].Split(',').Select(x => x.Trim().Trim('\'')).ToArray());
        }
        return result;
    }

    private static Section Names()
    {
        var s = new Section("Person names (gimei)", "names/gimei_names.yml");
        var last = GimeiList("gimei_names.yml", "last_name");
        var first = GimeiList("gimei_names.yml", "first_name", "male").Concat(GimeiList("gimei_names.yml", "first_name", "female")).ToList();
        var templates = new (string Name, Func<string, string, (string Text, int Start, int End)> Make)[]
        {
            ("氏名：{姓}{名}", (l, f) => { var t = $"氏名：{l}{f}\n"; return (t, 3, 3 + l.Length + f.Length); }),
            ("{姓} {名}様", (l, f) => { var t = $"宛先 {l} {f}様へ"; return (t, 3, 3 + l.Length + 1 + f.Length); }),
            ("{姓}さん", (l, f) => { var t = $"担当の{l}さんから連絡"; return (t, 3, 3 + l.Length); }),
            ("フリガナ（カナ）", (l, f) => { var t = $"フリガナ：{l} {f}"; return (t, 5, 5 + l.Length + 1 + f.Length); }),
        };
        var perTemplate = new List<string>();
        for (var ti = 0; ti < templates.Length; ti++)
        {
            var before = s.For(EntityTypes.Person).Tp;
            var n = 0;
            for (var i = 0; i < last.Count; i++)
            {
                var l = last[i];
                var f = first[(i * 37) % first.Count];
                var (ln, fn) = ti == 3 ? (l[2], f[2]) : (l[0], f[0]);
                var (text, st, en) = templates[ti].Make(ln, fn);
                Score(s, Ja, text, EntityTypes.Person, [(st, en)], text);
                n++;
            }
            perTemplate.Add($"`{templates[ti].Name}`: {s.For(EntityTypes.Person).Tp - before}/{n}");
        }
        // Negatives: honorific words that are not names.
        foreach (var neg in new[] { "お客様各位", "皆様へ", "ご担当者様", "同様の仕様", "様々な模様", "みなさんこんにちは", "会員様限定", "利用者様の声", "神様仏様", "先生方へ" })
            Score(s, Ja, neg, EntityTypes.Person, [], neg);
        s.Notes.Add($"All {last.Count} family names, each paired with a given name, in four templates (per template found: {string.Join("; ", perTemplate)}); plus 10 negative phrases (お客様, 皆様…). " +
                    "A bare `{姓}さん` is recognised only for surnames in Mamori's own list of about 250 common family names (written for the project, not taken from gimei); the labelled and spaced forms need no list.");
        return s;
    }

    private static Section Postal()
    {
        var s = new Section("Postal codes and addresses (KEN_ALL sample)", "postal/sample.csv");
        var rows = Csv(ReferenceData.Path("postal", "sample.csv"));
        foreach (var row in rows)
        {
            var zip = row["zipcode_hyphenated"];
            var address = row["prefecture"] + row["city"] + row["town"] + "1-2-3";
            var text = $"〒{zip} {address} 山田方";
            Score(s, Ja, text, EntityTypes.JpPostalCode, [(1, 1 + zip.Length)], text);
            var start = 2 + zip.Length;
            Score(s, Ja, text, EntityTypes.JpAddress, [(start, start + address.Length)], text);
            var t2 = $"郵便番号{row["zipcode"]}";
            Score(s, Ja, t2, EntityTypes.JpPostalCode, [(4, 4 + row["zipcode"].Length)], t2);
        }
        s.Notes.Add($"{rows.Count} rows as `〒<zip> <prefecture><city><town>1-2-3 山田方` (address span must match exactly) and `郵便番号<7 digits>`.");
        return s;
    }

    private static Section Misc()
    {
        var s = new Section("validator.js JP postal codes and passports", "misc/validatorjs_jp.csv");
        foreach (var row in Csv(ReferenceData.Path("misc", "validatorjs_jp.csv")))
        {
            var v = row["value"];
            var valid = row["valid"] == "true";
            if (row["validator"] == "isPostalCode")
            {
                var text = $"〒{v}";
                Score(s, Ja, text, EntityTypes.JpPostalCode, valid ? [(1, 1 + v.Length)] : [], text);
            }
            else
            {
                var text = $"旅券番号 {v}";
                Score(s, Ja, text, EntityTypes.JpPassport, valid ? [(5, 5 + v.Length)] : [], text);
            }
        }
        return s;
    }

    private static Section? Phones(out string? missing)
    {
        missing = null;
        var path = ReferenceData.Path("phones", "jp.csv");
        if (!File.Exists(path)) { missing = "`phones/jp.csv` is listed in the reference README but is not present in this checkout of shared/reference; not scored."; return null; }
        var s = new Section("Japanese phone numbers", "phones/jp.csv");
        foreach (var row in Csv(path))
        {
            var scope = row.GetValueOrDefault("scope") ?? "";
            if (!(scope.Contains("any_jp_number") || scope.Contains("hyphen=null") || scope == "")) continue;
            var v = row["number"];
            var text = $"連絡先 {v} まで";
            Score(s, Ja, text, EntityTypes.PhoneNumber, row["valid"] == "true" ? [(4, 4 + v.Length)] : [], text);
        }
        return s;
    }

    private static string? CorpusPressure()
    {
        var dir = Environment.GetEnvironmentVariable("MAMORI_JP_CORPUS");
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir)) return null;
        var analyzer = new PiiAnalyzer(new AnalyzerOptions { ScoreThreshold = 0.5 });
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long chars = 0, bytes = 0;
        var findings = new List<Finding>();
        foreach (var f in Directory.EnumerateFiles(dir, "*.txt", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(f);
            chars += text.Length;
            bytes += new FileInfo(f).Length;
            findings.Clear();
            analyzer.Analyze(text.AsSpan(), findings);
            foreach (var x in findings) counts[x.Entity] = counts.GetValueOrDefault(x.Entity) + 1;
        }
        var mb = bytes / 1e6;
        var sb = new StringBuilder();
        sb.AppendLine($"Findings with score ≥ 0.5 on the {mb:F1} MB Japanese documentation corpus (corpus/README.md recipe; technical manuals with almost no personal data, so these are mostly false positives or public contact data):");
        sb.AppendLine();
        sb.AppendLine("| entity | findings | per MB |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var (e, c) in counts) sb.AppendLine(CultureInfo.InvariantCulture, $"| {e} | {c} | {c / mb:F2} |");
        return sb.ToString();
    }

    [Fact]
    public void QualityReport_ReferenceSets_MeetFloorsAndWriteReport()
    {
        ReferenceData.Available.ShouldBeTrue("../shared/reference is required for the reference suite");
        var sections = new List<Section>
        {
            Numbers("mynumber.csv", EntityTypes.JpMyNumber, "My Number check-digit vectors"),
            Numbers("corporate.csv", EntityTypes.JpCorporateNumber, "Corporate numbers (7,125 real EDINET numbers + vectors)"),
            Presidio(),
            Names(),
            Postal(),
            Misc(),
        };
        var phones = Phones(out var phonesMissing);
        if (phones is not null) sections.Add(phones);

        var report = new StringBuilder();
        report.AppendLine("# Discovery quality report / 検出品質レポート");
        report.AppendLine();
        report.AppendLine("Generated by `tools/discovery/quality-report.sh` (the test `DiscoveryQualityReportTests` in `tests/Mamori.Reference.Tests`). ");
        report.AppendLine("Data is read in place from `../shared/reference/` (public sources; see its README), never copied. A span counts only when it matches exactly (UTF-16 offsets, end exclusive); score threshold 0.");
        report.AppendLine();
        report.AppendLine("参照データ（公開ソース）に対するエンティティ別の適合率（precision）と再現率（recall）。スパンは完全一致のみ正解。");
        report.AppendLine();
        var total = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var s in sections)
        {
            report.AppendLine($"## {s.Name}");
            report.AppendLine();
            report.AppendLine($"Source: `{s.Source}`.");
            report.AppendLine();
            foreach (var n in s.Notes) { report.AppendLine(n); report.AppendLine(); }
            report.AppendLine("| entity | TP | FP | FN | precision | recall |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (e, t) in s.ByEntity)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {e} | {t.Tp} | {t.Fp} | {t.Fn} | {t.Precision:P1} | {t.Recall:P1} |");
                var agg = total.TryGetValue(e, out var a) ? a : total[e] = new Tally();
                agg.Tp += t.Tp; agg.Fp += t.Fp; agg.Fn += t.Fn;
            }
            report.AppendLine();
            if (s.Misses.Count > 0)
            {
                report.AppendLine("<details><summary>First misses</summary>");
                report.AppendLine();
                foreach (var m in s.Misses) report.AppendLine($"- {m}");
                report.AppendLine();
                report.AppendLine("</details>");
                report.AppendLine();
            }
        }
        if (phonesMissing is not null) { report.AppendLine("## Japanese phone numbers"); report.AppendLine(); report.AppendLine(phonesMissing); report.AppendLine(); }
        report.AppendLine("## All sets, per entity / 全体");
        report.AppendLine();
        report.AppendLine("| entity | TP | FP | FN | precision | recall |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (e, t) in total) report.AppendLine(CultureInfo.InvariantCulture, $"| {e} | {t.Tp} | {t.Fp} | {t.Fn} | {t.Precision:P1} | {t.Recall:P1} |");
        report.AppendLine();
        if (CorpusPressure() is { } pressure) { report.AppendLine("## False-positive pressure on real Japanese text"); report.AppendLine(); report.Append(pressure); report.AppendLine(); }

        var target = Environment.GetEnvironmentVariable("MAMORI_QUALITY_REPORT");
        if (!string.IsNullOrEmpty(target)) File.WriteAllText(target, report.ToString().Replace("\u00A0", " "));
        TestContext.Current.SendDiagnosticMessage(report.ToString());

        // Floors: the check-digit recognizers are exact; the rest must stay where this report put them.
        total[EntityTypes.JpMyNumber].Recall.ShouldBe(1.0);
        total[EntityTypes.JpMyNumber].Precision.ShouldBe(1.0);
        total[EntityTypes.JpCorporateNumber].Recall.ShouldBeGreaterThanOrEqualTo(0.99);
        total[EntityTypes.JpCorporateNumber].Precision.ShouldBeGreaterThanOrEqualTo(0.99);
        total[EntityTypes.Person].Recall.ShouldBeGreaterThanOrEqualTo(0.9);
        total[EntityTypes.JpAddress].Recall.ShouldBeGreaterThanOrEqualTo(0.95);
        total[EntityTypes.JpPostalCode].Recall.ShouldBeGreaterThanOrEqualTo(0.99);
        total[EntityTypes.EmailAddress].Recall.ShouldBeGreaterThanOrEqualTo(0.8);
    }
}
