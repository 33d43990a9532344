using System.Globalization;

namespace Mamori.Incidents;

/// <summary>
/// What Mamori itself writes about an incident, in Japanese (the record's language, which prevails) with an
/// English rendering. Timeline entries keep both as written, so the record does not change when this code does.
/// </summary>
public static class IncidentTexts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static (string Ja, string En) StatusName(IncidentStatus s) => s switch
    {
        IncidentStatus.PreliminaryReported => ("速報済み", "Preliminary report sent"),
        IncidentStatus.FinalReported => ("確報済み", "Final report sent"),
        IncidentStatus.Closed => ("終了", "Closed"),
        _ => ("対応中", "Open"),
    };

    /// <summary>The timeline's kinds; an unknown kind (written by a newer version) shows as its code.</summary>
    public static (string Ja, string En) TimelineKindName(string kind) => kind switch
    {
        "note" => ("メモ", "Note"),
        "measure" => ("措置", "Measure"),
        "contact" => ("連絡", "Contact"),
        "finding" => ("判明した事実", "Finding"),
        "facts" => ("事実・判定", "Facts"),
        "status" => ("状況", "Status"),
        "blast-radius" => ("影響範囲", "Blast radius"),
        "notice" => ("本人への通知", "Notice to persons"),
        _ => (kind, kind),
    };

    public static (string Ja, string En) Opened(Incident i, CategoryName name) => Join(("インシデントを登録しました。", "Incident opened."), Decision(i, name));

    public static (string Ja, string En) FactsChanged(Incident i, bool decisionChanged, CategoryName name) => Join(decisionChanged
        ? ("事実を更新しました。判定が変わりました。", "Facts changed; decision changed.")
        : ("事実を更新しました。", "Facts changed."), Decision(i, name));

    public static (string Ja, string En) StatusChanged(IncidentStatus from, IncidentStatus to)
    {
        var (fj, fe) = StatusName(from);
        var (tj, te) = StatusName(to);
        return ($"状況を「{fj}」から「{tj}」に変更しました。", $"Status changed from {fe} to {te}.");
    }

    public static (string Ja, string En) ChainBroken(long? brokenAt, string? problem, bool export) => (
        $"{(export ? "漏えいしたエクスポートの" : "")}影響範囲を算定しませんでした: 監査ログの連鎖が {brokenAt} 番で壊れています（{Audit.AuditChainVerifier.ProblemJa(problem)}）。",
        $"Blast radius{(export ? " of a leaked export" : "")} refused: the audit chain is broken at sequence {brokenAt} ({problem}).");

    /// <summary>The actor by name (<see cref="IncidentBlastRadius.Source"/>): staff know a key as 「crm-sync（mk_…_）」, not by its id.</summary>
    public static (string Ja, string En) BlastRadius(Incident i, IncidentBlastRadius c, TimeZoneInfo zone, int categories, CategoryName name) => Join((
            $"{c.Source.Ja} の {Local(c.From!.Value, zone)} から {Local(c.To!.Value, zone)} までの影響範囲: 本人 {c.Persons} 名{Union(i, c).Ja}、データ項目 {categories} 種、" +
            $"閲覧 {c.EventsRead} 件。監査ログの連鎖を検証済み（{Checked(c.VerifiedEvents).Ja}）。{Kept(i).Ja}",
            $"Blast radius of {c.Source.En} from {Local(c.From!.Value, zone)} to {Local(c.To!.Value, zone)}: {c.Persons} subjects{Union(i, c).En}, {categories} categories, " +
            $"{c.EventsRead} reads, chain verified ({Checked(c.VerifiedEvents).En}).{Kept(i).En}"), Decision(i, name));

    public static (string Ja, string En) ExportBlastRadius(Incident i, IncidentBlastRadius c, IEnumerable<string> formats, long first, long last, int categories,
        CategoryName name)
    {
        var f = string.Join("/", formats);
        return Join((
            $"{c.Source.Ja}（{f}、監査ログ {first}〜{last} 番）の影響範囲: 本人 {c.Persons} 名{Union(i, c).Ja}、データ項目 {categories} 種。監査ログの連鎖を検証済み（{Checked(c.VerifiedEvents).Ja}）。{Kept(i).Ja}",
            $"Blast radius of {c.Source.En} ({f}; audit events {first}-{last}): {c.Persons} subjects{Union(i, c).En}, {categories} categories, chain verified ({Checked(c.VerifiedEvents).En}).{Kept(i).En}"),
            Decision(i, name));
    }

    /// <summary>After a second computation: how many persons it added to the incident's, and their total (the union of every computation).</summary>
    private static (string Ja, string En) Union(Incident i, IncidentBlastRadius c) => i.BlastRadii.Count <= 1 ? ("", "") : (
        $"（うち新たに {c.NewPersons} 名。この事案で影響を受けた本人は計 {i.BlastPersons} 名）",
        $" ({c.NewPersons} new; {i.BlastPersons} affected by the incident in all)");

    /// <param name="sends">False for the file transport (no SMTP host): the notices are written to files and nobody is told.</param>
    public static (string Ja, string En) NoticesQueued(int queued, int already, int unreachable, bool sends) => sends
        ? ($"本人への通知 {queued} 名分を送信待ちに入れました（既に通知済み {already} 名）。" +
           (unreachable > 0 ? $"{unreachable} 名は本人データに使えるメールアドレスがありません。通知書（PDF）を郵送するか、公表してください。" : "アドレスのある本人には全員通知しました。"),
           $"Notice to persons queued in the outbox for {queued} persons ({already} notified before). " +
           (unreachable > 0 ? $"{unreachable} persons have no usable email address in the vault: send the notice by letter (notice PDF) or publish the announcement." : "Every affected person with an address has been notified."))
        : ($"本人への通知 {queued} 名分をファイルに出力します（既に出力済み {already} 名）。SMTP が設定されていないため、メールは送信されません。出力されたファイルを送るか、通知書（PDF）を郵送してください。" +
           (unreachable > 0 ? $"{unreachable} 名は本人データに使えるメールアドレスがありません。通知書を郵送するか、公表してください。" : ""),
           $"Notice to persons written to the outbox directory for {queued} persons ({already} written before). No SMTP host is set, so no email is sent: send the files, or the notice PDF by letter." +
           (unreachable > 0 ? $" {unreachable} persons have no usable email address in the vault: send the notice by letter or publish the announcement." : ""));

    /// <summary>
    /// What a verification checked: the events since the newest checkpoint (earlier ones were verified when it was taken), said so,
    /// so that the figure is not read as the size of the log.
    /// </summary>
    public static (string Ja, string En) Checked(long verified) =>
        ($"直近のチェックポイント以降の {verified.ToString("N0", Inv)} 件を照合", $"{verified.ToString("N0", Inv)} events checked since the newest checkpoint");

    /// <summary>A data category's name in Japanese and English, by id.</summary>
    public delegate (string Ja, string En) CategoryName(string id);

    /// <summary>
    /// The reportability decision in one sentence, the grounds and the exemption by name (the names of the decision's Grounds table,
    /// <see cref="IncidentTriage.Describe"/>), each ground with the data categories that brought it (「データ項目「健康診断結果」」);
    /// a code this version does not know as stored. Deadlines are days in the configured zone (Japan).
    /// </summary>
    public static (string Ja, string En) Decision(Incident i, CategoryName name)
    {
        if (i.Reportable)
        {
            var facts = i.Facts;
            var grounds = i.Reasons.Select(code => IncidentTriage.DescribeCode(code) is { } r
                ? Because((Ja: $"{r.Letter} {r.NameJa}", En: $"{r.Letter} {r.NameEn} ({r.LawReferenceEn})"), facts.CategoriesFor(r.Reason), name)
                : (Ja: code, En: code)).ToList();
            return ($"報告対象（{string.Join("、", grounds.Select(g => g.Ja))}）。速報期限 {Day(i.PreliminaryDue)}、確報期限 {Day(i.FinalDue)}。",
                $"Reportable ({string.Join("; ", grounds.Select(g => g.En))}); preliminary report due {Day(i.PreliminaryDue)}, final report due {Day(i.FinalDue)}.");
        }
        if (i.Exemption is not { } ex) return ("報告対象外。", "Not reportable.");
        var (ja, en) = IncidentTriage.ParseExemption(ex) is { } known ? known.Name() : (ex, ex);
        return ($"報告対象外（適用除外: {ja}）。", $"Not reportable (exempt: {en}).");
    }

    private static (string Ja, string En) Join((string Ja, string En) a, (string Ja, string En) b) => (a.Ja + b.Ja, a.En + " " + b.En);

    /// <summary>After a blast radius, that the persons staff entered stand and the larger number decides; empty when they entered none.</summary>
    private static (string Ja, string En) Kept(Incident i)
    {
        var found = i.BlastPersons ?? 0;
        var ja = new List<string>();
        var en = new List<string>();
        if (i.PersonsKnown is { } k) { ja.Add($"確認済みの本人の数 {k} 名"); en.Add($"{k} established"); }
        if (i.PersonsUpperBound is { } u) { ja.Add($"上限 {u} 名"); en.Add($"upper bound {u}"); }
        return ja.Count == 0 ? ("", "") : (
            $"入力済みの{string.Join("、", ja)}はそのままとし、影響範囲の {found} 名と比べて多い方で判定します。",
            $" The persons entered ({string.Join(", ", en)}) stand; the larger of them and the {found} found decides.");
    }

    /// <summary>A ground followed by the categories that brought it: 「…: データ項目「健康診断結果」」, "…: category 'Health-check results'".</summary>
    private static (string Ja, string En) Because((string Ja, string En) ground, IReadOnlyList<string> categories, CategoryName name)
    {
        if (categories.Count == 0) return ground;
        var names = categories.Select(id => name(id)).ToList();
        return ($"{ground.Ja}: データ項目{string.Concat(names.Select(n => $"「{n.Ja}」"))}",
            $"{ground.En}: {(names.Count == 1 ? "category" : "categories")} {string.Join(", ", names.Select(n => $"'{n.En}'"))}");
    }

    private static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", Inv) ?? "—";

    private static string Local(DateTimeOffset t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm zzz", Inv);
}
