using System.Globalization;
using System.Net;
using System.Text;

namespace Mamori.Incidents;

public enum ReportKind
{
    Preliminary,
    Final,
}

/// <summary>The business that reports: name, address, representative and inquiry desk from the published policy.</summary>
public sealed record ReportingBusiness(string Name, string? Address = null, string? Representative = null, string? Contact = null)
{
    /// <summary>The policy's data categories, so the documents name items as the policy does.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Policy.PolicyCategories Categories { get; init; } = Policy.PolicyCategories.Of(null);

    /// <summary>The business's name in English (the policy's <c>legalName.en</c>), for the English part of the notice; the Japanese one when none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? NameEn { get; init; }

    /// <summary>The inquiry desk in English (the policy's <c>contact</c>, each part in English where it has one).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ContactEn { get; init; }

    /// <summary>A category's Japanese name; an id the policy does not declare (recorded before a policy change) as written.</summary>
    public string CategoryName(string id) => Categories.Name(id, Policy.NoticeLanguage.Ja);

    /// <summary>From the policy in force (company section and 苦情・お問合せ窓口); the tenant's name when the policy names no company.</summary>
    public static ReportingBusiness FromPolicy(Policy.PolicyModel? model, string tenantName)
    {
        var company = model?.Company;
        string? Text(Policy.LocalizedText? t, Policy.NoticeLanguage lang = Policy.NoticeLanguage.Ja) =>
            string.IsNullOrWhiteSpace(t?.Ja) ? null : t.Get(lang).Trim();
        string? Contact(Policy.NoticeLanguage lang)
        {
            if (model?.Contact is not { } c) return null;
            var ja = lang == Policy.NoticeLanguage.Ja;
            var parts = new[] { Text(c.Name, lang), Text(c.Address, lang), c.Phone is { Length: > 0 } p ? (ja ? "電話 " : "Phone ") + p : null,
                c.Email is { Length: > 0 } m ? (ja ? "メール " : "Email ") + m : null, Text(c.Hours, lang) is { } h ? (ja ? "受付時間 " : "Hours ") + h : null, c.FormUrl }
                .Where(x => !string.IsNullOrWhiteSpace(x)).ToList();
            return parts.Count > 0 ? string.Join("\n", parts) : null;
        }
        return new ReportingBusiness(Text(company?.LegalName) ?? tenantName, Text(company?.Address), Text(company?.Representative), Contact(Policy.NoticeLanguage.Ja))
        {
            Categories = Policy.PolicyCategories.Of(model),
            NameEn = Text(company?.LegalName, Policy.NoticeLanguage.En),
            ContactEn = Contact(Policy.NoticeLanguage.En),
        };
    }
}

/// <summary>One numbered item of the PPC report (個人情報保護法施行規則8条1項各号).</summary>
public sealed record ReportItem(int Number, string Key, string TitleJa, string TitleEn, string Content, bool Complete);

/// <summary>A draft report to the PPC: every item of Rules Art. 8(1), in Japanese.</summary>
public sealed record PpcReport(
    string Kind,
    string TitleJa,
    string TitleEn,
    bool Draft,
    Guid IncidentId,
    ReportingBusiness Business,
    DateTimeOffset GeneratedAt,
    DateOnly AwareDate,
    DateOnly? PreliminaryDue,
    DateOnly? FinalDue,
    bool Suspected,
    IReadOnlyList<ReasonInfo> Reasons,
    IReadOnlyList<ReportItem> Items,
    IReadOnlyList<string> Missing);

/// <summary>A message ready for the outbox: subject and plain-text body (Japanese first, then English).</summary>
public sealed record NoticeMessage(string Subject, string Body);

/// <summary>
/// Drafts the PPC report (L-10), the notice to persons (L-11: items (1), (2), (4), (5), (9)) and the
/// public announcement used when notice is impracticable. Pure functions of the incident: the
/// outbox sends the <see cref="NoticeMessage"/> once the requests feature provides it.
/// </summary>
public static class IncidentDocuments
{
    private static readonly CultureInfo Ja = CultureInfo.GetCultureInfo("ja-JP");

    /// <summary>Shown where the published policy does not state an item (company.address, company.representative, contact).</summary>
    public const string Unstated = "（プライバシーポリシーに未記載：company の address / representative を記載して公開してください）";

    private const string NoContact = "（お問い合わせ窓口：プライバシーポリシーの contact またはインシデントの窓口を記載してください）";

    /// <summary>The inquiry desk named in notices: the incident's own, else the policy's.</summary>
    public static string ContactOf(Incident i, ReportingBusiness business) =>
        !string.IsNullOrWhiteSpace(i.ContactPoint) ? i.ContactPoint.Trim() : business.Contact ?? NoContact;

    /// <summary>The inquiry desk for the English part: the incident's own as staff wrote it, else the policy's in English.</summary>
    private static string ContactEnOf(Incident i, ReportingBusiness business) =>
        !string.IsNullOrWhiteSpace(i.ContactPoint) ? i.ContactPoint.Trim() : business.ContactEn ?? business.Contact ?? NoContact;

    public static PpcReport Report(Incident incident, Reportability decision, ReportKind kind, ReportingBusiness business, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (!decision.Reportable)
            throw new Errors.MamoriException(Errors.ErrorCode.IncidentNotReportable, "The incident is not reportable; there is no PPC report to draft.", 409);
        var items = Items(incident, decision, zone, business);
        var missing = kind == ReportKind.Final ? items.Where(i => !i.Complete).Select(i => i.Key).ToList() : [];
        return new PpcReport(
            kind == ReportKind.Final ? "final" : "preliminary",
            kind == ReportKind.Final ? "個人データの漏えい等の報告（確報）" : "個人データの漏えい等の報告（速報）",
            kind == ReportKind.Final ? "Report of a personal data breach (final report)" : "Report of a personal data breach (preliminary report)",
            Draft: true,
            incident.Id,
            business,
            TimeZoneInfo.ConvertTime(now, zone),
            incident.AwareDate,
            decision.Deadlines?.PreliminaryDue,
            decision.Deadlines?.FinalDue,
            incident.Suspected,
            [.. decision.ReasonInfos],
            items,
            missing);
    }

    public static IReadOnlyList<ReportItem> Items(Incident i, Reportability decision, TimeZoneInfo zone, ReportingBusiness business)
    {
        var maybe = i.Suspected ? "したおそれがある" : "した";
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"{JaDate(i.AwareDate)}、{CauseJa(i.Cause)}により個人データの{KindJa(i.Kind)}が発生{maybe}ことを認識した");
        summary.Append(CultureInfo.InvariantCulture, $"（認識した日時: {JaDateTime(i.DiscoveredAt, zone)}）。");
        if (!string.IsNullOrWhiteSpace(i.Summary)) summary.Append('\n').Append(i.Summary.Trim());
        if (!string.IsNullOrWhiteSpace(i.Measures)) summary.Append("\n講じた措置: ").Append(i.Measures.Trim());

        var data = new List<string>();
        if (i.Categories.Count > 0) data.Add("データ項目: " + string.Join("、", i.Categories.Select(business.CategoryName)));
        var facts = i.Facts;
        if (facts.InvolvesSpecialCare) data.Add("要配慮個人情報を含む");
        if (facts.InvolvesPropertyDamageRisk) data.Add("不正に利用されることにより財産的被害が生じるおそれがある情報（クレジットカード番号等）を含む");
        if (facts.InvolvesMyNumber) data.Add("個人番号（特定個人情報）を含む");
        if (i.EncryptedKeysSafe) data.Add("高度な暗号化が施され、鍵は漏えいしていない");

        // The number reported is the larger of staff's count and the blast radius's; both sources are stated.
        var established = i.Facts.PersonsEstablished;
        var determined = established is { } est && (i.PersonsUpperBound is null || i.PersonsUpperBound <= est);
        string persons;
        if (determined && established is { } known)
            persons = $"{known.ToString("N0", Ja)}人";
        else if (i.PersonsUpperBound is { } ub)
            // 確認済み is staff's count only: the blast radius's is stated below as what the audit log shows.
            persons = $"最大{ub.ToString("N0", Ja)}人（調査中{(i.PersonsKnown is { } k ? $"、確認済み{k.ToString("N0", Ja)}人" : "")}）";
        else persons = "";
        if (persons.Length > 0 && i.BlastRadii.Count > 0 && i.BlastPersons is { } found)
        {
            // No event count: the blast radius checks the events since the newest checkpoint, which a reader would take for the log's size.
            const string log = "監査ログ（ハッシュチェーンにより改ざんのないことを検証済み）から";
            if (i.BlastRadii is [var only])
                persons += $"\n{log}、{Found(only, zone)}の数: {found.ToString("N0", Ja)}人。";
            else
            {
                // Two stolen keys, or a key and a leaked file: the persons are the union, each computation's own count beside it.
                persons += $"\n{log}特定した本人の数: {found.ToString("N0", Ja)}人（次の{i.BlastRadii.Count}件の算定の合計。重複を除く）。";
                foreach (var r in i.BlastRadii) persons += $"\n・{Found(r, zone)}: {r.Persons.ToString("N0", Ja)}人";
            }
            if (i.PersonsKnown is { } staff && staff != found)
                persons += $"\n調査により確認した本人の数: {staff.ToString("N0", Ja)}人（多い方を本人の数とする）。";
        }

        var cause = CauseJa(i.Cause) + (string.IsNullOrWhiteSpace(i.CauseDetails) ? "" : "\n" + i.CauseDetails.Trim());
        var other = new StringBuilder();
        other.Append("報告対象となる事由: ").Append(string.Join("、", decision.ReasonInfos.Select(r => $"{r.Letter} {r.NameJa}（{r.LawReference}）"
            + (facts.CategoriesFor(r.Reason) is { Count: > 0 } via ? $"（データ項目: {string.Join("、", via.Select(business.CategoryName))}）" : ""))));
        if (i.Suspected) other.Append("\n漏えい等のおそれの段階での報告である。");
        if (!string.IsNullOrWhiteSpace(i.OtherNotes)) other.Append('\n').Append(i.OtherNotes.Trim());

        return
        [
            Item("summary", summary.ToString(), !string.IsNullOrWhiteSpace(i.Summary)),
            Item("dataItems", string.Join("\n", data), i.Categories.Count > 0),
            Item("persons", persons, determined),
            Item("cause", cause, !string.IsNullOrWhiteSpace(i.CauseDetails)),
            Item("secondaryDamage", i.SecondaryDamage ?? "", !string.IsNullOrWhiteSpace(i.SecondaryDamage)),
            Item("personsResponse", i.PersonsResponse ?? "", !string.IsNullOrWhiteSpace(i.PersonsResponse)),
            Item("publication", i.Publication ?? "", !string.IsNullOrWhiteSpace(i.Publication)),
            Item("prevention", i.Prevention ?? "", !string.IsNullOrWhiteSpace(i.Prevention)),
            Item("other", other.ToString(), true),
        ];
    }

    /// <summary>Who one computation found: 「APIキー crm-sync（mk_…_） が 2026年… から … までに実際に閲覧した本人」.</summary>
    private static string Found(IncidentBlastRadius r, TimeZoneInfo zone) => r.LeakedExport is not null
        ? $"{r.Source.Ja} に含まれていた本人"
        : $"{r.Source.Ja} が {JaDateTime(r.From!.Value, zone)} から {JaDateTime(r.To!.Value, zone)} までに実際に閲覧した本人";

    /// <summary>
    /// What an incomplete item still lacks, by the report's own item name and number, naming the part that is empty: item (4) always
    /// states the cause chosen (「外部からの不正アクセス」), so what it lacks is 原因の詳細; item (3) may show an upper bound while
    /// the established number is missing.
    /// </summary>
    public static (string Ja, string En) MissingName(ReportItem item) => MissingName(item.Key);

    /// <summary>As <see cref="MissingName(ReportItem)"/>, by the item's stable key (<see cref="PpcReport.Missing"/>); an unknown key as it is.</summary>
    public static (string Ja, string En) MissingName(string key)
    {
        var t = Titles.FirstOrDefault(x => x.Key == key);
        if (t.Key is null) return (key, key);
        return key switch
        {
            "cause" => ($"({t.Number}) 原因の詳細", $"({t.Number}) Cause in detail"),
            "persons" => ($"({t.Number}) {t.Ja}（確定した数）", $"({t.Number}) {t.En} (established)"),
            _ => ($"({t.Number}) {t.Ja}", $"({t.Number}) {t.En}"),
        };
    }

    /// <summary>The items of Rules Art. 8(1), by number, with their stable keys.</summary>
    private static readonly (int Number, string Key, string Ja, string En)[] Titles =
    [
        (1, "summary", "概要", "Summary"),
        (2, "dataItems", "漏えい等が発生し、又は発生したおそれがある個人データの項目", "Data items involved"),
        (3, "persons", "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", "Number of persons"),
        (4, "cause", "原因", "Cause"),
        (5, "secondaryDamage", "二次被害又はそのおそれの有無及びその内容", "Secondary damage or its risk"),
        (6, "personsResponse", "本人への対応の実施状況", "Response to the persons"),
        (7, "publication", "公表の実施状況", "Publication"),
        (8, "prevention", "再発防止のための措置", "Measures to prevent recurrence"),
        (9, "other", "その他参考となる事項", "Other relevant matters"),
    ];

    /// <summary>
    /// The items a final report still lacks (the report's <see cref="PpcReport.Missing"/>): L-10 wants every item in the final report, so it
    /// cannot be recorded as sent while any is listed.
    /// </summary>
    public static IReadOnlyList<string> MissingForFinal(Incident incident, Reportability decision, TimeZoneInfo zone) =>
        [.. Items(incident, decision, zone, new ReportingBusiness("")).Where(i => !i.Complete).Select(i => i.Key)];

    /// <summary>The report's <see cref="PpcReport.Missing"/> keys by name, in item order.</summary>
    public static IReadOnlyList<(string Ja, string En)> MissingNames(PpcReport r) =>
        [.. r.Items.Where(i => r.Missing.Contains(i.Key)).Select(MissingName)];

    private static ReportItem Item(string key, string content, bool complete)
    {
        var t = Titles.First(t => t.Key == key);
        return new(t.Number, key, t.Ja, t.En, content.Length == 0 ? "調査中" : content, complete && content.Length > 0);
    }

    public static string ReportHtml(PpcReport r)
    {
        var h = new StringBuilder();
        h.Append("<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>").Append(E(r.TitleJa)).Append("</title>");
        h.Append("<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.6}th{text-align:left;vertical-align:top;width:16rem}td,th{border-bottom:1px solid #ccc;padding:.4rem}td{white-space:pre-wrap}.draft{color:#a00}</style></head><body>\n");
        h.Append("<p class=\"draft\">下書き（個人情報保護委員会への提出前に内容を確認してください） / Draft</p>\n");
        h.Append("<h1>").Append(E(r.TitleJa)).Append("</h1>\n<p lang=\"en\">").Append(E(r.TitleEn)).Append("</p>\n");
        h.Append("<table>\n");
        Row(h, "報告者（事業者名）", r.Business.Name);
        Row(h, "住所", r.Business.Address ?? Unstated);
        Row(h, "代表者", r.Business.Representative ?? Unstated);
        Row(h, "事案を認識した日", JaDate(r.AwareDate));
        if (r.PreliminaryDue is { } p) Row(h, "速報の期限（目安）", JaDate(p));
        if (r.FinalDue is { } f) Row(h, "確報の期限", JaDate(f));
        Row(h, "作成日時", r.GeneratedAt.ToString("yyyy年M月d日 HH:mm", Ja) + "（日本時間）");
        h.Append("</table>\n<h2>報告事項（個人情報保護法施行規則8条1項）</h2>\n<table>\n");
        foreach (var item in r.Items)
            h.Append("<tr><th>(").Append(item.Number).Append(") ").Append(E(item.TitleJa)).Append("<br><small lang=\"en\">").Append(E(item.TitleEn))
                .Append("</small></th><td>").Append(E(item.Content)).Append("</td></tr>\n");
        h.Append("</table>\n");
        if (r.Missing.Count > 0)
            h.Append("<p class=\"draft\">確報に必要な未記入の事項: ").Append(E(string.Join("、", MissingNames(r).Select(m => m.Ja)))).Append("</p>\n");
        h.Append("</body></html>\n");
        return h.ToString();
    }

    /// <summary>The report as lines for <see cref="Requests.DisclosurePdf"/>: the same content as <see cref="ReportHtml"/>.</summary>
    public static IEnumerable<(Requests.PdfLineStyle Style, string Text)> ReportLines(PpcReport r)
    {
        yield return (Requests.PdfLineStyle.Meta, "下書き（個人情報保護委員会への提出前に内容を確認してください） / Draft");
        yield return (Requests.PdfLineStyle.Title, r.TitleJa);
        yield return (Requests.PdfLineStyle.Meta, r.TitleEn);
        yield return (Requests.PdfLineStyle.Body, "報告者（事業者名）: " + r.Business.Name);
        yield return (Requests.PdfLineStyle.Body, "住所: " + (r.Business.Address ?? Unstated));
        yield return (Requests.PdfLineStyle.Body, "代表者: " + (r.Business.Representative ?? Unstated));
        yield return (Requests.PdfLineStyle.Body, "事案を認識した日: " + JaDate(r.AwareDate));
        if (r.PreliminaryDue is { } p) yield return (Requests.PdfLineStyle.Body, "速報の期限（目安）: " + JaDate(p));
        if (r.FinalDue is { } f) yield return (Requests.PdfLineStyle.Body, "確報の期限: " + JaDate(f));
        yield return (Requests.PdfLineStyle.Body, "作成日時: " + r.GeneratedAt.ToString("yyyy年M月d日 HH:mm", Ja) + "（日本時間）");
        yield return (Requests.PdfLineStyle.Heading, "報告事項（個人情報保護法施行規則8条1項）");
        foreach (var item in r.Items)
        {
            yield return (Requests.PdfLineStyle.Subheading, $"({item.Number}) {item.TitleJa} / {item.TitleEn}");
            foreach (var line in item.Content.Split('\n')) yield return (Requests.PdfLineStyle.Body, line);
        }
        if (r.Missing.Count > 0) yield return (Requests.PdfLineStyle.Meta, "確報に必要な未記入の事項: " + string.Join("、", MissingNames(r).Select(m => m.Ja)));
    }

    /// <summary>The notice to persons as PDF lines (for a letter where email is not possible).</summary>
    public static IEnumerable<(Requests.PdfLineStyle Style, string Text)> NoticeLines(NoticeMessage notice)
    {
        var lines = notice.Body.Split('\n');
        yield return (Requests.PdfLineStyle.Title, lines[0]);
        foreach (var line in lines.Skip(1))
            yield return line.StartsWith('【') ? (Requests.PdfLineStyle.Subheading, line) : (Requests.PdfLineStyle.Body, line);
    }

    /// <summary>The notice to each affected person (L-11): items (1), (2), (4), (5), (9) and the inquiry desk.</summary>
    public static NoticeMessage PersonNotice(Incident i, Reportability decision, ReportingBusiness business, TimeZoneInfo zone)
    {
        var items = Items(i, decision, zone, business).ToDictionary(x => x.Number);
        var b = new StringBuilder();
        // The persons may be customers, employees or applicants: the notice names none of these (an employee's health-check result is no 「お客様の」 data).
        b.Append("個人情報に関するお詫びとお知らせ\n\n");
        b.Append(business.Name).Append("において、ご本人様に関する個人データの").Append(KindJa(i.Kind)).Append(i.Suspected ? "が発生したおそれがあることが判明しました。" : "が発生したことが判明しました。")
            .Append("ご迷惑とご心配をおかけしますことを深くお詫び申し上げます。\n\n");
        foreach (var n in new[] { 1, 2, 4, 5, 9 })
        {
            var item = items[n];
            b.Append("【").Append(NoticeTitle(n)).Append("】\n").Append(n == 9 ? NoticeOther(i) : item.Content).Append("\n\n");
        }
        b.Append("【お問い合わせ先】\n").Append(ContactOf(i, business)).Append("\n\n");
        b.Append("----\nNotice about your personal information\n\n");
        b.Append(business.NameEn ?? business.Name).Append(i.Suspected ? " has found that your personal data may have been affected by " : " has found that your personal data was affected by ")
            .Append(KindEn(i.Kind)).Append(" (cause: ").Append(CauseEn(i.Cause)).Append("), of which we became aware on ").Append(i.AwareDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Append(" (JST). We sincerely apologise. The Japanese text above gives the summary, the data items, the cause, any secondary damage and other matters. ")
            .Append("Contact: ").Append(ContactEnOf(i, business)).Append('\n');
        return new NoticeMessage($"【重要】個人情報の{KindJa(i.Kind)}に関するお詫びとお知らせ / Important notice about your personal information", b.ToString());
    }

    /// <summary>The public announcement where notice to each person is impracticable (L-11): same items plus the inquiry desk.</summary>
    public static string AnnouncementHtml(Incident i, Reportability decision, ReportingBusiness business, TimeZoneInfo zone)
    {
        var notice = PersonNotice(i, decision, business, zone);
        var items = Items(i, decision, zone, business).ToDictionary(x => x.Number);
        var h = new StringBuilder();
        var title = $"個人情報の{KindJa(i.Kind)}に関するお詫びとお知らせ";
        h.Append("<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title></head><body>\n");
        h.Append("<p><em>下書き / Draft</em></p>\n<h1>").Append(E(title)).Append("</h1>\n");
        h.Append("<p>").Append(E(business.Name)).Append("において、個人データの").Append(E(KindJa(i.Kind)))
            .Append(i.Suspected ? "が発生したおそれがあることが判明しました。" : "が発生したことが判明しました。")
            .Append("関係する皆様に個別にご連絡することが困難なため、本ページにてお知らせいたします。ご迷惑とご心配をおかけしますことを深くお詫び申し上げます。</p>\n");
        foreach (var n in new[] { 1, 2, 4, 5, 9 })
            h.Append("<h2>").Append(E(NoticeTitle(n))).Append("</h2>\n<p style=\"white-space:pre-wrap\">").Append(E(n == 9 ? NoticeOther(i) : items[n].Content)).Append("</p>\n");
        h.Append("<h2>お問い合わせ窓口</h2>\n<p style=\"white-space:pre-wrap\">").Append(E(ContactOf(i, business))).Append("</p>\n");
        h.Append("<section lang=\"en\"><h2>English</h2><p style=\"white-space:pre-wrap\">")
            .Append(E(notice.Body[(notice.Body.IndexOf("----\n", StringComparison.Ordinal) + 5)..])).Append("</p></section>\n");
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static string NoticeTitle(int n) => n switch
    {
        1 => "概要",
        2 => "漏えい等が発生し、又は発生したおそれがある個人データの項目",
        4 => "原因",
        5 => "二次被害又はそのおそれの有無及びその内容",
        _ => "その他参考となる事項",
    };

    /// <summary>Item (9) for persons: what they can do; the legal grounds are for the PPC, not the notice.</summary>
    private static string NoticeOther(Incident i)
    {
        var s = new StringBuilder();
        if (i.Facts.InvolvesPropertyDamageRisk) s.Append("クレジットカードのご利用明細に身に覚えのない請求がないかご確認ください。\n");
        s.Append("当社を装った不審な電話・メール等にご注意ください。");
        if (!string.IsNullOrWhiteSpace(i.PersonsResponse)) s.Append('\n').Append(i.PersonsResponse.Trim());
        return s.ToString();
    }

    private static void Row(StringBuilder h, string th, string td) =>
        h.Append("<tr><th>").Append(E(th)).Append("</th><td>").Append(E(td)).Append("</td></tr>\n");

    private static string E(string s) => WebUtility.HtmlEncode(s);

    public static string JaDate(DateOnly d) => d.ToString("yyyy年M月d日", Ja);

    public static string JaDateTime(DateTimeOffset t, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy年M月d日 HH:mm", Ja) + "（日本時間）";

    public static string KindJa(IncidentKind k) => k switch
    {
        IncidentKind.Leak => "漏えい",
        IncidentKind.Loss => "滅失",
        _ => "毀損",
    };

    private static string KindEn(IncidentKind k) => k switch
    {
        IncidentKind.Leak => "a leak",
        IncidentKind.Loss => "a loss",
        _ => "damage",
    };

    public static string CauseJa(IncidentCause c) => c switch
    {
        IncidentCause.UnauthorizedAccess => "外部からの不正アクセス",
        IncidentCause.InsiderTheft => "内部の者による不正な持ち出し",
        IncidentCause.Misdelivery => "誤送付・誤送信",
        IncidentCause.Loss => "紛失",
        _ => "その他の事由",
    };

    private static string CauseEn(IncidentCause c) => c switch
    {
        IncidentCause.UnauthorizedAccess => "unauthorized access",
        IncidentCause.InsiderTheft => "theft by an insider",
        IncidentCause.Misdelivery => "misdelivery",
        IncidentCause.Loss => "loss",
        _ => "other",
    };
}
