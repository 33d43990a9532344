using System.Globalization;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Governance.Reports;
using Mamori.Staff;
using Microsoft.Extensions.Options;
using static Mamori.Web.GovernanceAuditPages;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>The annual management review (マネジメントレビュー) in the console, with its PDF and HTML downloads.</summary>
public static class GovernanceReviewPages
{
    public const string Base = "/console/governance/review";

    public static void MapGovernanceReviewPages(this WebApplication app)
    {
        app.MapGet(Base, async (HttpContext http, ManagementReview review, string? year, string? startMonth) =>
        {
            try
            {
                var (y, m) = Period(review, year, startMonth);
                var report = await review.BuildAsync(y, m, await CallerNameAsync(http), http.RequestAborted);
                return Result(Page(http, report, null));
            }
            catch (MamoriException e) when (e.Code == ErrorCode.ReviewPeriodInvalid)
            {
                // The period form comes back with what was typed, and the refusal in the page's language.
                var title = T(http, "マネジメントレビュー", "Management review");
                return Result(Layout(http, title, H.F($"""
                    <h1>{title}</h1>
                    {SubNav(http)}
                    {FormErrors.Block(http, e)}
                    {PeriodForm(http, http.Request.Query["year"].ToString(), http.Request.Query["startMonth"].ToString())}
                    """)), 400);
            }
        }).RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapGet(Base + "/pdf", async (HttpContext http, ManagementReview review, IOptions<Requests.RequestSettings> settings, string? year, string? startMonth) =>
        {
            var (y, m) = Period(review, year, startMonth);
            var report = await review.BuildAsync(y, m, await CallerNameAsync(http), http.RequestAborted);
            var pdf = ManagementReview.Pdf(report, settings.Value.PdfFont);
            return pdf.Bytes is null
                ? Result(Page(http, report, pdf.Problem), 503)
                : Results.File(pdf.Bytes, "application/pdf", $"management-review-{report.Year}.pdf");
        }).RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapGet(Base + "/html", async (HttpContext http, ManagementReview review, string? year, string? startMonth) =>
        {
            var (y, m) = Period(review, year, startMonth);
            var report = await review.BuildAsync(y, m, await CallerNameAsync(http), http.RequestAborted);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(ManagementReview.Html(report)), "text/html; charset=utf-8", $"management-review-{report.Year}.html");
        }).RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();
    }

    /// <summary>
    /// The period the query names (this year from January when it names none). A year or month that is no number is refused as one
    /// out of range, so the page says it in its own language: bound as numbers, it got ASP.NET's English binding error.
    /// </summary>
    private static (int Year, int StartMonth) Period(ManagementReview review, string? year, string? startMonth)
    {
        static int? Number(string? text, string reason, string message) =>
            string.IsNullOrWhiteSpace(text) ? null
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new MamoriException(ErrorCode.ReviewPeriodInvalid, message) { Reason = reason };
        return (Number(year, "year", "year is 2000-2200.") ?? review.DefaultYear(),
            Number(startMonth, "start-month", "startMonth is 1-12 (4 for a fiscal year from April).") ?? 1);
    }

    private static Html PeriodForm(HttpContext http, string year, string startMonth) => H.F($"""
        <form method="get" action="{Base}" class="inline">
          <label for="year">{T(http, "年", "Year")}</label><input id="year" name="year" type="number" min="2000" max="2200" value="{year}">
          <label for="startMonth">{T(http, "開始月", "Starting month")}</label><input id="startMonth" name="startMonth" type="number" min="1" max="12" value="{startMonth}">
          <button type="submit">{T(http, "表示", "Show")}</button>
        </form>
        """);

    private static Html Page(HttpContext http, ManagementReviewReport report, string? error)
    {
        var q = $"year={report.Year.ToString(CultureInfo.InvariantCulture)}&startMonth={report.StartMonth.ToString(CultureInfo.InvariantCulture)}";
        var title = T(http, "マネジメントレビュー", "Management review");
        return Layout(http, title, H.F($"""
            {SubNav(http)}
            {Error(error)}
            {PeriodForm(http, report.Year.ToString(CultureInfo.InvariantCulture), report.StartMonth.ToString(CultureInfo.InvariantCulture))}
            <p><a href="{Base}/pdf?{q}">PDF</a> · <a href="{Base}/html?{q}">HTML</a> · <a href="/api/governance/management-review?{q}">JSON</a></p>
            {(Lang(http) == "en" ? H.F($"<p class=\"muted\">The report itself is in Japanese, the language of record.</p>") : default)}
            {Html.Raw(ManagementReview.Fragment(report))}
            """));
    }
}
