using Mamori.Auth;
using Mamori.Governance.AccessReviews;
using Mamori.Governance.Organisation;
using Mamori.Governance.Training;
using Mamori.Staff;

namespace Mamori.Http;

/// <summary>
/// /api/governance: the people side of the personal-information management system — organisation
/// (S-08), access reviews (S-62) and training (S-63). See docs/governance.md.
/// </summary>
public static class GovernancePeopleEndpoints
{
    public sealed record RepresentativeRequest(Guid? UserId);

    public sealed record DepartmentRequest(string? NameJa = null, string? NameEn = null, Guid? ManagerUserId = null, bool ClearManager = false,
        int? ReviewEveryMonths = null, int? ReviewGraceDays = null, DateOnly? NextReviewOn = null);

    public sealed record DepartmentResponse(string Id, string NameJa, string NameEn, Guid? ManagerUserId, int ReviewEveryMonths, int ReviewGraceDays, DateOnly NextReviewOn);

    public sealed record AssignmentRequest(string? DepartmentId, string? Title = null);

    public sealed record ResponsibilityRequest(ResponsibilityKind Kind, string ItemId, string DepartmentId, Guid? UserId = null);

    public sealed record SettingsRequest(int? UnusedAccessDays = null, int? KeyMaxAgeDays = null, bool? SuspendRolesWhileTrainingOverdue = null);

    public sealed record StartReviewRequest(string DepartmentId);

    public sealed record DecisionRequest(AccessReviewDecision Decision);

    public sealed record ReviewResponse(Guid Id, string DepartmentId, DateOnly ScheduledOn, DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, AccessReviewStatus Status,
        DateTimeOffset StartedAt, string StartedBy, DateTimeOffset? CompletedAt, string? CompletedBy, long ChainVerifiedTo);

    public sealed record LineResponse(Guid Id, Guid UserId, string? Email, AccessReviewLineKind Kind, string Item, string? ItemName, DateTimeOffset? LastUsedAt,
        DateTimeOffset? CreatedAt, IReadOnlyList<string> UnmaskedCategories, int UnmaskEvents, IReadOnlyList<string> Flags, int LiveSessions, int LiveKeys,
        DateTimeOffset? DisabledAt, AccessReviewDecision Decision, DateTimeOffset? DecidedAt, string? DecidedBy);

    public sealed record ReviewDetailResponse(ReviewResponse Review, IReadOnlyList<LineResponse> Lines);

    public sealed record ReviewsResponse(IReadOnlyList<ReviewScheduleEntry> Schedule, IReadOnlyList<ReviewResponse> Reviews);

    public sealed record CourseRequest(string TitleJa, string? TitleEn = null, int EveryMonths = 12, int GraceDays = 30, IReadOnlyList<string>? Roles = null, bool Active = true);

    public sealed record CourseResponse(Guid Id, string Code, string TitleJa, string TitleEn, int EveryMonths, int GraceDays, IReadOnlyList<string> Roles, bool Active, DateTimeOffset CreatedAt);

    public sealed record CompletionRequest(string Course, Guid UserId, DateOnly CompletedOn);

    public sealed record CompletionResponse(Guid Id, Guid CourseId, Guid UserId, DateOnly CompletedOn, DateTimeOffset RecordedAt, string RecordedBy);

    internal static ReviewResponse ToResponse(AccessReview r) =>
        new(r.Id, r.DepartmentId, r.ScheduledOn, r.PeriodFrom, r.PeriodTo, r.Status, r.StartedAt, r.StartedBy, r.CompletedAt, r.CompletedBy, r.ChainVerifiedTo);

    internal static LineResponse ToResponse(AccessReviewLine l, IReadOnlyDictionary<Guid, string> emails) =>
        new(l.Id, l.UserId, emails.GetValueOrDefault(l.UserId), l.Kind, l.Item, l.ItemName, l.LastUsedAt, l.CreatedAt, l.UnmaskedCategories, l.UnmaskEvents, l.Flags,
            l.LiveSessions, l.LiveKeys, l.DisabledAt, l.Decision, l.DecidedAt, l.DecidedBy);

    /// <summary>A completions address with the filter in its query, ending ready for more parameters (ids and days only, never an address).</summary>
    internal static string CompletionsQuery(string path, CompletionFilter f)
    {
        var q = new List<string>();
        if (f.From is { } from) q.Add("from=" + from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        if (f.To is { } to) q.Add("to=" + to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        if (f.Department is { } d) q.Add($"department={Uri.EscapeDataString(d)}");
        if (f.Person is { } p) q.Add($"person={p}");
        return path + "?" + string.Concat(q.Select(x => x + "&"));
    }

    internal static CourseResponse ToResponse(TrainingCourse c) => new(c.Id, c.Code, c.TitleJa, c.TitleEn, c.EveryMonths, c.GraceDays, c.Roles, c.Active, c.CreatedAt);

    private static async Task<ReviewDetailResponse> DetailAsync(AccessReviewDetail d, StaffAccounts accounts, CancellationToken ct)
    {
        var emails = (await accounts.ListAsync(ct)).ToDictionary(u => u.Id, u => u.Email);
        return new ReviewDetailResponse(ToResponse(d.Review), [.. d.Lines.Select(l => ToResponse(l, emails))]);
    }

    public static RouteGroupBuilder MapGovernancePeople(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/governance").WithTags("Governance");

        // Organisation (S-08)
        g.MapGet("/organisation", async (Organisation org, CancellationToken ct) => TypedResults.Ok(await org.ViewAsync(ct)))
            .RequirePermission(Permission.ReadGovernance).WithSummary("The management representative, departments with managers and review schedule, staff, and who answers for each category and purpose.");
        g.MapPut("/organisation/representative", async (RepresentativeRequest body, HttpContext http, Organisation org) =>
        {
            await org.SetRepresentativeAsync(body.UserId, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.ManageOrganisation).WithSummary("Name the management representative (a staff user; null to clear).");
        g.MapGet("/departments", async (HttpContext http, DepartmentOverviews departments) =>
                TypedResults.Ok(await departments.VisibleAsync(http.Caller(), http.RequestAborted)))
            .RequirePermission(Permission.ReadAccessReviews)
            .WithSummary("The departments the caller may open: every one for whoever reads the organisation and for the representative, else those the caller manages.");
        g.MapGet("/departments/{id}", async (string id, HttpContext http, DepartmentOverviews departments) =>
                TypedResults.Ok(await departments.GetAsync(id, http.Caller(), http.RequestAborted)))
            .RequirePermission(Permission.ReadAccessReviews)
            .WithSummary("A department as its manager sees it: staff and roles, training due or overdue, its access review, what it answers for and the retention ahead for its categories (counts only). Its manager, the representative, or whoever reads the organisation (else MAMORI-9011).");
        g.MapPut("/departments/{id}", async (string id, DepartmentRequest body, HttpContext http, Organisation org) =>
        {
            var d = await org.SaveDepartmentAsync(id, new DepartmentChange(body.NameJa, body.NameEn, body.ManagerUserId, body.ClearManager,
                body.ReviewEveryMonths, body.ReviewGraceDays, body.NextReviewOn), http.Actor(), http.RequestAborted);
            return TypedResults.Ok(new DepartmentResponse(d.Id, d.NameJa, d.NameEn, d.ManagerUserId, d.ReviewEveryMonths, d.ReviewGraceDays, d.NextReviewOn));
        }).RequirePermission(Permission.ManageOrganisation).WithSummary("Save a department: its manager and access-review schedule (a department the policy does not declare needs a name).");
        g.MapPut("/staff/{userId:guid}", async (Guid userId, AssignmentRequest body, HttpContext http, Organisation org) =>
        {
            await org.AssignAsync(userId, body.DepartmentId, body.Title, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.ManageOrganisation).WithSummary("Put a staff user in a department (null: none).");
        g.MapPut("/responsibilities", async (ResponsibilityRequest body, HttpContext http, Organisation org) =>
        {
            await org.SetResponsibilityAsync(body.Kind, body.ItemId, body.DepartmentId, body.UserId, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.ManageOrganisation).WithSummary("Name the department (and person) answering for a data category or purpose of the policy.");
        g.MapGet("/settings", async (Organisation org, CancellationToken ct) => TypedResults.Ok(await org.SettingsAsync(ct)))
            .RequirePermission(Permission.ReadGovernance).WithSummary("Review thresholds and whether overdue training suspends roles.");
        g.MapPut("/settings", async (SettingsRequest body, HttpContext http, Organisation org) =>
        {
            await org.SaveSettingsAsync(new SettingsChange(body.UnusedAccessDays, body.KeyMaxAgeDays, body.SuspendRolesWhileTrainingOverdue), http.Actor(), http.RequestAborted);
            return TypedResults.Ok(await org.SettingsAsync(http.RequestAborted));
        }).RequirePermission(Permission.ManageOrganisation).WithSummary("Change review thresholds and the training-suspension setting.");

        // Access reviews (S-62)
        g.MapGet("/access-reviews", async (AccessReviews reviews, CancellationToken ct) =>
                TypedResults.Ok(new ReviewsResponse(await reviews.ScheduleAsync(ct), [.. (await reviews.ListAsync(ct)).Select(ToResponse)])))
            .RequirePermission(Permission.ReadAccessReviews).WithSummary("Each department's review schedule (upcoming, due, overdue) and every review.");
        g.MapPost("/access-reviews", async (StartReviewRequest body, HttpContext http, AccessReviews reviews, StaffAccounts accounts) =>
        {
            var d = await reviews.StartAsync(body.DepartmentId, http.Caller(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/access-reviews/{d.Review.Id}", await DetailAsync(d, accounts, http.RequestAborted));
        }).RequirePermission(Permission.ReviewAccess).WithSummary("Start a department's review (its manager or the representative): verifies the audit chain, then lists roles, keys, leavers and unmasked categories.");
        g.MapGet("/access-reviews/{id:guid}", async (Guid id, AccessReviews reviews, StaffAccounts accounts, CancellationToken ct) =>
                TypedResults.Ok(await DetailAsync(await reviews.GetAsync(id, ct), accounts, ct)))
            .RequirePermission(Permission.ReadAccessReviews).WithSummary("A review with its lines.");
        g.MapGet("/access-reviews/{id:guid}/events", async (Guid id, AccessReviews reviews, CancellationToken ct) =>
                TypedResults.Ok(await reviews.UnmaskEventsAsync(id, ct)))
            .RequirePermission(Permission.ReadAccessReviews).WithSummary("The audit-chain events behind a review: every unmask by its staff (and their keys) in the period.");
        g.MapPost("/access-reviews/{id:guid}/lines/{lineId:guid}", async (Guid id, Guid lineId, DecisionRequest body, HttpContext http, AccessReviews reviews, StaffAccounts accounts) =>
        {
            var line = await reviews.DecideAsync(id, lineId, body.Decision, http.Caller(), http.RequestAborted);
            var emails = (await accounts.ListAsync(http.RequestAborted)).ToDictionary(u => u.Id, u => u.Email);
            return TypedResults.Ok(ToResponse(line, emails));
        }).RequirePermission(Permission.ReviewAccess).WithSummary("Confirm or revoke a line: a revoke removes the role or revokes the key at once.");
        g.MapPost("/access-reviews/{id:guid}/complete", async (Guid id, HttpContext http, AccessReviews reviews) =>
                TypedResults.Ok(ToResponse(await reviews.CompleteAsync(id, http.Caller(), http.RequestAborted))))
            .RequirePermission(Permission.ReviewAccess).WithSummary("Complete a review whose lines are all decided; the department's next review date moves on.");

        // Training (S-63)
        g.MapGet("/training/courses", async (TrainingRecords training, CancellationToken ct) =>
                TypedResults.Ok((await training.CoursesAsync(ct)).Select(ToResponse).ToArray()))
            .RequirePermission(Permission.ReadGovernance).WithSummary("Training courses.");
        g.MapPut("/training/courses/{code}", async (string code, CourseRequest body, HttpContext http, TrainingRecords training) =>
                TypedResults.Ok(ToResponse(await training.SaveCourseAsync(code, new CourseChange(body.TitleJa, body.TitleEn, body.EveryMonths, body.GraceDays, body.Roles, body.Active),
                    http.Actor(), http.RequestAborted))))
            .RequirePermission(Permission.ManageTraining).WithSummary("Create or change a course: frequency in months (0 = once), grace days, the roles that must take it.");
        g.MapPost("/training/completions", async (CompletionRequest body, HttpContext http, TrainingRecords training) =>
        {
            var c = await training.RecordAsync(body.Course, body.UserId, body.CompletedOn, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/governance/training/completions/{c.Id}", new CompletionResponse(c.Id, c.CourseId, c.UserId, c.CompletedOn, c.RecordedAt, c.RecordedBy));
        }).RequirePermission(Permission.ManageTraining).WithSummary("Record that a staff member completed a course on a date.");
        g.MapGet("/training/completions", async (TrainingRecords training, HttpContext http, DateOnly? from, DateOnly? to, string? department, Guid? person,
            int? offset, int? limit) =>
        {
            var filter = new CompletionFilter(from, to, string.IsNullOrWhiteSpace(department) ? null : department.Trim(), person);
            var skip = offset ?? 0;
            var take = limit ?? TrainingRecords.MaxPage;
            var page = await training.ListCompletionsAsync(filter, skip, take, http.RequestAborted);
            // As the request queue: the body is the array, the total and the next page travel in headers (RFC 8288 Link).
            http.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (skip + page.Items.Count < page.Total)
                http.Response.Headers.Link = $"<{CompletionsQuery("/api/governance/training/completions", filter)}offset={skip + page.Items.Count}&limit={take}>; rel=\"next\"";
            return TypedResults.Ok(page.Items);
        }).RequirePermission(Permission.ReadGovernance)
            .WithSummary("Recorded training completions, newest first: ?from=&to= (completion days, JST, both included), ?department= (its staff now), ?person= (a user id); ?offset=&limit= (1-500, default 500). X-Total-Count gives the total, Link rel=next the next page.");
        g.MapGet("/training/completions/{id:guid}", async (Guid id, TrainingRecords training, CancellationToken ct) =>
                TypedResults.Ok(await training.CompletionAsync(id, ct)))
            .RequirePermission(Permission.ReadGovernance).WithSummary("One recorded completion, as a row of the list (the Location a recorded completion answers with).");
        g.MapGet("/training/completions.csv", async (TrainingRecords training, HttpContext http, DateOnly? from, DateOnly? to, string? department, Guid? person) =>
        {
            var filter = new CompletionFilter(from, to, string.IsNullOrWhiteSpace(department) ? null : department.Trim(), person);
            var (csv, _) = await training.ExportCompletionsCsvAsync(filter, http.Actor(), await Web.Pages.CallerNameAsync(http), http.RequestAborted);
            var today = Mamori.Governance.Organisation.GovernanceDue.JstDate(http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"training-completions-{today.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)}.csv");
        }).RequirePermission(Permission.ReadGovernance)
            .WithSummary("The same completions (every one, oldest first) as CSV for Excel: UTF-8 with BOM, Japanese column names first, times in JST; the export is audited.");
        g.MapGet("/training/status", async (TrainingRecords training, string? list, CancellationToken ct) =>
        {
            var all = await training.StatusAsync(null, ct);
            return TypedResults.Ok(list switch
            {
                "overdue" => [.. all.Where(s => s.State == DueState.Overdue)],
                "due" => [.. all.Where(s => s.State is DueState.Due or DueState.Overdue)],
                _ => all,
            });
        }).RequirePermission(Permission.ReadGovernance).WithSummary("Each staff member's standing on each course: ?list=overdue|due|all.");

        g.MapGet("/people-summary", async (PeopleEvidence evidence, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
                TypedResults.Ok(await evidence.SummarizeAsync(from, to, ct)))
            .RequirePermission(Permission.ReadGovernance).WithSummary("Figures for the management review: reviews, revocations, leavers, training, for [from, to).");
        return api;
    }
}
