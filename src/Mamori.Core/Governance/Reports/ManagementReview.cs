using System.Globalization;
using System.Net;
using System.Text;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Governance.InternalAudits;
using Mamori.Governance.Organisation;
using Mamori.Policy;
using Mamori.Requests;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.Reports;

/// <summary>An open finding as the review lists it (no personal data: findings describe the company's handling).</summary>
public sealed record ReviewFinding(Guid Id, string Reference, FindingSeverity Severity, string Description, string Owner, DateOnly DueOn, bool Overdue, string? RecipientId);

/// <summary>
/// The annual management review (マネジメントレビュー, JIS Q 15001; S-63): the year's evidence from the system
/// itself. The JSON, the HTML and the PDF are rendered from this one record, so they show the same figures.
/// </summary>
public sealed record ManagementReviewReport(
    int Year, int StartMonth, DateOnly From, DateOnly To, DateOnly Cutoff, string Company, int? PolicyVersion, DateTimeOffset GeneratedAt, string GeneratedBy,
    RequestFigures Requests, IncidentFigures Incidents, ProvisionFigures Provisions, RetentionFigures Retention,
    AuditFigures Audits, EntrusteeFigures Entrustees, PeopleSummary People, IReadOnlyList<ReviewFinding> OpenFindings)
{
    /// <summary>The sections this report contains, in order (the console and tests read them).</summary>
    public IReadOnlyList<string> Sections { get; init; } =
        ["requests", "incidents", "provisions", "retention", "internal-audits", "entrustees", "access-reviews", "training"];

    public string PeriodLabelJa => StartMonth == 1 ? $"{Year}年" : $"{Year}年度";
}

/// <summary>Assembles and renders the management review (JA; HTML and PDF through the Requests PDF writer).</summary>
public sealed class ManagementReview(MamoriDbContext db, PolicyStore policies, GovernanceEvidence evidence, PeopleEvidence people, TimeProvider clock)
{
    public const int MaxFindingsListed = 50;

    /// <summary>The year shown when none is asked for: the current one (JST), so far.</summary>
    public int DefaultYear() => policies.TodayJst().Year;

    public static EvidencePeriod PeriodOf(int year, int startMonth)
    {
        if (year is < 2000 or > 2200) throw new MamoriException(ErrorCode.ReviewPeriodInvalid, "year is 2000-2200.") { Reason = "year" };
        if (startMonth is < 1 or > 12) throw new MamoriException(ErrorCode.ReviewPeriodInvalid, "startMonth is 1-12 (4 for a fiscal year from April).") { Reason = "start-month" };
        var from = new DateOnly(year, startMonth, 1);
        return new EvidencePeriod(from, from.AddYears(1).AddDays(-1));
    }

    public async Task<ManagementReviewReport> BuildAsync(int year, int startMonth, string generatedBy, CancellationToken ct = default)
    {
        var period = PeriodOf(year, startMonth);
        if (period.From > policies.TodayJst())
            throw new MamoriException(ErrorCode.ReviewPeriodInvalid, "The period has not started yet.") { Reason = "not-started" };
        var tenantId = db.CurrentTenantId;
        var company = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct) ?? "";
        var current = await policies.CurrentAsync(ct);
        if (current?.Model.Company.LegalName is { } legal) company = legal.Ja;
        var cutoff = evidence.Cutoff(period);
        var findings = await db.Set<AuditFinding>().AsNoTracking().Where(f => f.RaisedOn <= period.To && (f.ClosedOn == null || f.ClosedOn > cutoff))
            .OrderBy(f => f.DueOn).ThenBy(f => f.CreatedAt).Take(MaxFindingsListed).ToListAsync(ct);
        return new ManagementReviewReport(year, startMonth, period.From, period.To, cutoff, company, current?.Version.Number, clock.GetUtcNow(), generatedBy,
            await evidence.RequestsAsync(period, ct), await evidence.IncidentsAsync(period, ct), await evidence.ProvisionsAsync(period, ct),
            await evidence.RetentionAsync(period, ct), await evidence.AuditsAsync(period, ct), await evidence.EntrusteesAsync(period, ct),
            await people.SummarizeAsync(period.Start, period.End, ct),
            [.. findings.Select(f => new ReviewFinding(f.Id, f.Reference, f.Severity, f.Description, f.Owner, f.DueOn, f.DueOn < cutoff, f.RecipientId))]);
    }

    private static readonly CultureInfo Ja = CultureInfo.GetCultureInfo("ja-JP");

    public static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Date(DateOnly d) => d.ToString("yyyy年M月d日", Ja);

    public static string Ratio(int numerator, int denominator) => $"{N(numerator)}/{N(denominator)}";

    public static string SeverityJa(FindingSeverity s) => s switch
    {
        FindingSeverity.Major => "重大な不適合",
        FindingSeverity.Minor => "軽微な不適合",
        _ => "改善の機会",
    };

    private static readonly Dictionary<string, string> KindJa = new(StringComparer.Ordinal)
    {
        ["purpose-notification"] = "利用目的の通知", ["disclosure"] = "開示", ["provision-records"] = "第三者提供記録の開示", ["correction"] = "訂正等",
        ["suspension"] = "利用停止", ["erasure"] = "消去", ["stop-provision"] = "第三者提供の停止", ["anonymization"] = "加工", ["portability"] = "データポータビリティ",
        ["complaint"] = "苦情・お問合せ",
    };

    private static readonly Dictionary<string, string> BasisJa = new(StringComparer.Ordinal)
    {
        ["consent"] = "本人の同意", ["opt-out"] = "オプトアウト", ["legal-exception"] = "法令に基づく場合等", ["entrustment"] = "委託",
        ["shared-use"] = "共同利用", ["business-succession"] = "事業承継",
    };

    /// <summary>The report as sections of (label, value) rows: the HTML and the PDF are both drawn from this.</summary>
    public static IReadOnlyList<(string Heading, string Law, IReadOnlyList<(string Label, string Value)> Rows)> Tables(ManagementReviewReport r)
    {
        var q = r.Requests;
        var requestRows = new List<(string, string)>
        {
            ("受け付けた請求", N(q.Received) + "件"),
            ("回答・拒否した請求", N(q.Closed) + "件"),
            ("期限内に回答した請求", Ratio(q.AnsweredOnTime, q.AnsweredOnTime + q.AnsweredLate) + "件"),
            ("期限を過ぎて回答した請求", N(q.AnsweredLate) + "件"),
            ("うち拒否", N(q.Refused) + "件"),
            ("取り下げ", N(q.Withdrawn) + "件"),
            ($"未完了（{Date(r.Cutoff)}時点）", N(q.OpenAtEnd) + "件"),
            ("うち期限超過", N(q.OverdueAtEnd) + "件"),
        };
        requestRows.AddRange(q.ReceivedByKind.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => ("受付（" + KindJa.GetValueOrDefault(k.Key, k.Key) + "）", N(k.Value) + "件")));
        var i = r.Incidents;
        var p = r.Provisions;
        var provisionRows = new List<(string, string)>
        {
            ("第三者提供等の記録", N(p.Records) + "件"),
            ("提供した本人の延べ人数", N(p.Subjects) + "人"),
            ("提供を見送った本人の延べ人数", N(p.Refused) + "人"),
        };
        provisionRows.AddRange(p.RecordsByBasis.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => ("記録（" + BasisJa.GetValueOrDefault(k.Key, k.Key) + "）", N(k.Value) + "件")));
        provisionRows.Add(("受領の確認記録", N(p.Receipts) + "件"));
        provisionRows.Add(("保存期間満了で廃棄した記録", N(p.RecordsSwept) + "件"));
        provisionRows.Add(("保存期間を過ぎて残る記録", N(p.RecordsPastRetention) + "件"));
        var t = r.Retention;
        var a = r.Audits;
        var e = r.Entrustees;
        var h = r.People;
        return
        [
            ("1. 開示等の請求への対応", "個人情報保護法第32条〜第39条", requestRows),
            ("2. 漏えい等事案", "個人情報保護法第26条、同法施行規則第7条〜第10条",
            [
                ("認識した事案", N(i.Opened) + "件"),
                ("個人情報保護委員会への報告対象", N(i.Reportable) + "件"),
                ("期限内の速報", Ratio(i.PreliminaryOnTime, i.PreliminaryDue) + "件"),
                ("期限内の確報", Ratio(i.FinalOnTime, i.FinalDue) + "件"),
                ("対応中の事案", N(i.OpenAtEnd) + "件"),
            ]),
            ("3. 第三者提供・委託・共同利用", "個人情報保護法第27条〜第30条", provisionRows),
            ("4. 保存期間と消去", "個人情報保護法第22条",
            [
                ("保存期間満了による消去処理", N(t.Sweeps) + "回"),
                ("消去証明（保存期間満了）", N(t.SubjectsDestroyed) + "件"),
                ("消去証明（本人の請求等による消去）", N(t.ErasureCertificates) + "件"),
                ("保存期間を過ぎて残る本人", N(t.SubjectsPastRetention) + "人"),
            ]),
            ("5. 内部監査と是正処置", "個人情報保護法第23条、JIS Q 15001",
            [
                ("有効な監査計画", N(a.PlansActive) + "件"),
                ("期限を過ぎた監査計画", N(a.PlansOverdue) + "件"),
                ("実施した内部監査", N(a.RunsCompleted) + "回"),
                ("実施した委託先監査", N(a.EntrusteeRunsCompleted) + "回"),
                ("指摘事項", N(a.FindingsRaised) + "件"),
                ("うち重大な不適合", N(a.FindingsMajor) + "件"),
                ("うち軽微な不適合", N(a.FindingsMinor) + "件"),
                ("うち改善の機会", N(a.FindingsObservation) + "件"),
                ("完了した指摘事項", N(a.FindingsClosed) + "件"),
                ($"未完了の指摘事項（{Date(r.Cutoff)}時点）", N(a.FindingsOpenAtEnd) + "件"),
                ("うち期限超過", N(a.FindingsOverdue) + "件"),
                ("完了した是正処置", N(a.ActionsCompleted) + "件"),
                ("期限を過ぎた是正処置", N(a.ActionsOverdue) + "件"),
            ]),
            ("6. 委託先の監督", "個人情報保護法第25条",
            [
                ("委託先", N(e.Entrustees) + "社"),
                ("選定基準による評価", $"承認 {N(e.Approved)}社・条件付き承認 {N(e.Conditional)}社（{N(e.Entrustees)}社中）"),
                .. e.ConditionalApprovals.Select(c => ($"条件付き承認の条件（{c.RecipientId}）", c.ConditionsJa)),
                ("必須条項がそろった契約", Ratio(e.ContractsComplete, e.Entrustees) + "社"),
                ("期間中に監査した委託先", Ratio(e.Audited, e.Entrustees) + "社"),
                ("委託による提供の記録", N(e.ProvisionRecords) + "件"),
            ]),
            ("7. アクセス権の見直し", "個人情報保護法第23条",
            [
                ("部門", N(h.Departments) + "部門"),
                ("部門の個人情報管理者を置いた部門", Ratio(h.DepartmentsWithManager, h.Departments) + "部門"),
                ("個人情報保護管理者（管理責任者）", h.RepresentativeNamed ? "任命済み" : "未任命"),
                ("開始した見直し", N(h.AccessReviewsStarted) + "件"),
                ("完了した見直し", N(h.AccessReviewsCompleted) + "件"),
                ("期限を過ぎた見直し（作成時点）", N(h.AccessReviewsOverdueNow) + "件"),
                ("確認した権限", N(h.ReviewLinesConfirmed) + "件"),
                ("取り消した権限", N(h.ReviewLinesRevoked) + "件"),
                ("確認した退職者等", N(h.LeaversChecked) + "人"),
                ("有効なアクセスが残っていた退職者等", N(h.LeaversWithLiveAccess) + "人"),
            ]),
            ("8. 教育", "個人情報保護法第24条",
            [
                ("教育コース", N(h.TrainingCourses) + "件"),
                ("受講記録", N(h.TrainingCompletions) + "件"),
                ("受講期限を過ぎた従業者（作成時点）", N(h.StaffWithTrainingOverdueNow) + "人"),
                ("受講期限を過ぎた受講（作成時点）", N(h.TrainingOverdueNow) + "件"),
            ]),
        ];
    }

    private static string Title(ManagementReviewReport r) => $"{r.PeriodLabelJa} 個人情報保護マネジメントレビュー報告書";

    private static string PeriodText(ManagementReviewReport r) => $"対象期間: {Date(r.From)}〜{Date(r.To)}（日本時間）";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The report's body as an HTML fragment (the console embeds it; <see cref="Html"/> wraps it as a document).</summary>
    public static string Fragment(ManagementReviewReport r)
    {
        var h = new StringBuilder();
        h.Append("<article class=\"management-review\" lang=\"ja\">\n<h1>").Append(E(Title(r))).Append("</h1>\n");
        h.Append("<p>").Append(E(r.Company)).Append("</p>\n<p>").Append(E(PeriodText(r))).Append("</p>\n");
        h.Append("<p class=\"muted\">作成: ").Append(E(TimeZoneInfo.ConvertTime(r.GeneratedAt, PolicyStore.Jst).ToString("yyyy年M月d日 HH:mm", Ja)))
            .Append("（日本時間）、").Append(E(r.GeneratedBy)).Append(r.PolicyVersion is { } v ? $"、ポリシー第{v}版" : "")
            .Append("。数値はすべて本システムの記録（請求、事案、提供記録、消去証明、監査、アクセス権の見直し、教育）から集計しました。</p>\n");
        foreach (var (heading, law, rows) in Tables(r))
        {
            h.Append("<section>\n<h2>").Append(E(heading)).Append("</h2>\n<p class=\"muted\">根拠: ").Append(E(law)).Append("</p>\n<table>\n<tbody>\n");
            foreach (var (label, value) in rows)
                h.Append("<tr><th scope=\"row\">").Append(E(label)).Append("</th><td class=\"num\">").Append(E(value)).Append("</td></tr>\n");
            h.Append("</tbody>\n</table>\n</section>\n");
        }
        h.Append("<section>\n<h2>9. 未完了の指摘事項</h2>\n");
        if (r.OpenFindings.Count == 0) h.Append("<p>未完了の指摘事項はありません。</p>\n");
        else
        {
            h.Append("<table>\n<thead><tr><th scope=\"col\">根拠</th><th scope=\"col\">区分</th><th scope=\"col\">内容</th><th scope=\"col\">担当</th><th scope=\"col\">期限</th></tr></thead>\n<tbody>\n");
            foreach (var f in r.OpenFindings)
                h.Append("<tr><td>").Append(E(f.Reference)).Append("</td><td>").Append(E(SeverityJa(f.Severity))).Append("</td><td>").Append(E(f.Description))
                    .Append("</td><td>").Append(E(f.Owner)).Append("</td><td>").Append(f.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                    .Append(f.Overdue ? "（期限超過）" : "").Append("</td></tr>\n");
            h.Append("</tbody>\n</table>\n");
        }
        h.Append("</section>\n</article>\n");
        return h.ToString();
    }

    /// <summary>A standalone HTML document (no script; the stylesheet is Mamori's own).</summary>
    public static string Html(ManagementReviewReport r) =>
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + E(Title(r)) +
        "</title>\n<link rel=\"stylesheet\" href=\"/static/css/mamori.css\">\n</head>\n<body>\n<main id=\"main\">\n" + Fragment(r) + "</main>\n</body>\n</html>\n";

    /// <summary>The lines of the PDF (the same tables as the HTML).</summary>
    public static IEnumerable<(PdfLineStyle Style, string Text)> PdfLines(ManagementReviewReport r)
    {
        yield return (PdfLineStyle.Title, Title(r));
        yield return (PdfLineStyle.Meta, r.Company);
        yield return (PdfLineStyle.Meta, PeriodText(r));
        yield return (PdfLineStyle.Meta, "作成: " + TimeZoneInfo.ConvertTime(r.GeneratedAt, PolicyStore.Jst).ToString("yyyy年M月d日 HH:mm", Ja) + "（日本時間）、" + r.GeneratedBy
                                         + (r.PolicyVersion is { } v ? $"、ポリシー第{v}版" : ""));
        foreach (var (heading, law, rows) in Tables(r))
        {
            yield return (PdfLineStyle.Heading, heading);
            yield return (PdfLineStyle.Meta, "根拠: " + law);
            foreach (var (label, value) in rows) yield return (PdfLineStyle.Body, $"{label}: {value}");
        }
        yield return (PdfLineStyle.Heading, "9. 未完了の指摘事項");
        if (r.OpenFindings.Count == 0) yield return (PdfLineStyle.Body, "未完了の指摘事項はありません。");
        foreach (var f in r.OpenFindings)
            yield return (PdfLineStyle.Body, $"[{f.Reference}] {SeverityJa(f.Severity)}: {f.Description}（担当: {f.Owner}、期限: {f.DueOn:yyyy-MM-dd}{(f.Overdue ? "、期限超過" : "")}）");
    }

    public static PdfResult Pdf(ManagementReviewReport r, string? configuredFont) => DisclosurePdf.Render(PdfLines(r), Title(r), configuredFont);
}
