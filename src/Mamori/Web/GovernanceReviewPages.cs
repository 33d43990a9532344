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
        app.MapGet(Base, async (HttpContext http, ManagementReview review, int? year, int? startMonth) =>
        {
            try
            {
                var report = await review.BuildAsync(year ?? review.DefaultYear(), startMonth ?? 1, http.RequestAborted);
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

        app.MapGet(Base + "/pdf", async (HttpContext http, ManagementReview review, IOptions<Requests.RequestSettings> settings, int? year, int? startMonth) =>
        {
            var report = await review.BuildAsync(year ?? review.DefaultYear(), startMonth ?? 1, http.RequestAborted);
            var pdf = ManagementReview.Pdf(report, settings.Value.PdfFont);
            return pdf.Bytes is null
                ? Result(Page(http, report, pdf.Problem), 503)
                : Results.File(pdf.Bytes, "application/pdf", $"management-review-{report.Year}.pdf");
        }).RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();

        app.MapGet(Base + "/html", async (HttpContext http, ManagementReview review, int? year, int? startMonth) =>
        {
            var report = await review.BuildAsync(year ?? review.DefaultYear(), startMonth ?? 1, http.RequestAborted);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(ManagementReview.Html(report)), "text/html; charset=utf-8", $"management-review-{report.Year}.html");
        }).RequirePermission(Permission.ReadInternalAudits).ExcludeFromDescription();
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
