using System.Collections.Concurrent;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Governance.Organisation;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.Training;

/// <summary>
/// Where one staff member stands on one course. <see cref="DueOn"/>: the last completion plus the
/// course's frequency, or — never completed — the day the person (or the course) appeared. Due from
/// that date through <c>DueOn + GraceDays</c>, overdue from the day after (<see cref="GovernanceDue"/>).
/// </summary>
public sealed record TrainingStatus(Guid CourseId, string CourseCode, Guid UserId, string Email, DateOnly? LastCompletedOn, DateOnly? DueOn, DateOnly? OverdueFrom,
    DueState State, IReadOnlyList<string> SuspendedRoles);

/// <summary>Which completions to list: completion days (JST) from and to, both included; a department's current staff; one staff member.</summary>
public sealed record CompletionFilter(DateOnly? From = null, DateOnly? To = null, string? Department = null, Guid? Person = null);

/// <summary>
/// One recorded completion with what an auditor reads it by: the course's titles, the staff member's sign-in address and the
/// department they are assigned to now (the assignment is not kept per date).
/// </summary>
public sealed record CompletionRow(Guid Id, DateOnly CompletedOn, Guid CourseId, string CourseCode, string CourseTitleJa, string CourseTitleEn,
    Guid UserId, string Email, string? DepartmentId, DateTimeOffset RecordedAt, string RecordedBy);

public sealed record CompletionPage(IReadOnlyList<CompletionRow> Items, int Total);

public sealed record CourseChange(string TitleJa, string? TitleEn, int EveryMonths, int GraceDays, IReadOnlyList<string>? Roles, bool Active = true);

/// <summary>Training courses, completion records and the overdue list (S-63, L-08 human measures).</summary>
public sealed class TrainingRecords(MamoriDbContext db, AuditLog audit, TimeProvider clock, StaffAccounts accounts, TrainingSuspensions suspensions)
{
    public Task<List<TrainingCourse>> CoursesAsync(CancellationToken ct = default) =>
        db.Set<TrainingCourse>().AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct);

    public async Task<TrainingCourse> CourseAsync(string codeOrId, CancellationToken ct = default)
    {
        var byId = Guid.TryParse(codeOrId, out var id);
        return await db.Set<TrainingCourse>().AsNoTracking().FirstOrDefaultAsync(c => c.Code == codeOrId || (byId && c.Id == id), ct)
            ?? throw new MamoriException(ErrorCode.UnknownTrainingCourse, "There is no such training course.", 404);
    }

    public async Task<TrainingCourse> SaveCourseAsync(string code, CourseChange change, Actor actor, CancellationToken ct = default)
    {
        code = code.Trim();
        if (code.Length is 0 or > 64 || !code.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A course code is 1-64 letters, digits, '-' or '_'.") { Reason = "course-code" };
        if (string.IsNullOrWhiteSpace(change.TitleJa) || change.TitleJa.Length > 200 || change.TitleEn?.Length > 200)
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A course title is 1-200 characters.") { Reason = "course-title" };
        if (change.EveryMonths is < 0 or > 60)
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A course frequency is 0 (once) to 60 months.") { Reason = "course-every" };
        if (change.GraceDays is < 0 or > 180)
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A grace period is 0-180 days.") { Reason = "grace-days", ReasonArgs = ["180"] };
        var roles = (change.Roles ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var known = await accounts.KnownRolesAsync(ct);
        if (roles.FirstOrDefault(r => !known.Contains(r)) is { } unknown)
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, $"Unknown role '{ErrorText.Id(unknown)}'.") { Reason = "unknown-role" };

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var course = await db.Set<TrainingCourse>().FirstOrDefaultAsync(c => c.Code == code, ct);
        if (course is null)
            db.Add(course = new TrainingCourse { Id = Guid.CreateVersion7(now), TenantId = db.CurrentTenantId, Code = code, TitleJa = "", TitleEn = "", CreatedAt = now });
        course.TitleJa = change.TitleJa.Trim();
        course.TitleEn = string.IsNullOrWhiteSpace(change.TitleEn) ? course.TitleJa : change.TitleEn.Trim();
        course.EveryMonths = change.EveryMonths;
        course.GraceDays = change.GraceDays;
        course.Roles = roles;
        course.Active = change.Active;
        await audit.AppendAsync(db, new AuditEntry(AuditCode.TrainingCourseSaved, actor, TargetId: course.Id.ToString(), ReasonCode: code), ct);
        await tx.CommitAsync(ct);
        suspensions.Invalidate(db.CurrentTenantId);
        return course;
    }

    public async Task<TrainingCompletion> RecordAsync(string course, Guid userId, DateOnly completedOn, Actor actor, CancellationToken ct = default)
    {
        var c = await CourseAsync(course, ct);
        var user = await accounts.GetAsync(userId, ct);
        var now = clock.GetUtcNow();
        if (completedOn > GovernanceDue.JstDate(now))
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A completion date cannot be in the future.") { Reason = "not-future", ReasonArgs = ["completedOn"] };
        // A completion before the course was registered is a typing error, not evidence of training for this course. One before the
        // person's account is not: a company that starts using Mamori records the training its staff took before they had accounts
        // (refused until 2026-12-07).
        var from = GovernanceDue.JstDate(c.CreatedAt);
        if (completedOn < from)
            throw new MamoriException(ErrorCode.TrainingCompletionTooEarly, $"A completion date cannot be before {from:yyyy-MM-dd}, when the course was registered.")
            {
                Reason = "course", ReasonArgs = [from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)],
            };
        var row = new TrainingCompletion
        {
            Id = Guid.CreateVersion7(now), TenantId = db.CurrentTenantId, CourseId = c.Id, UserId = user.Id, CompletedOn = completedOn,
            RecordedAt = now, RecordedBy = actor.ToString(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(row);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.TrainingCompletionRecorded, actor, TargetId: user.Id.ToString(), ReasonCode: c.Code), ct);
        await tx.CommitAsync(ct);
        suspensions.Invalidate(db.CurrentTenantId);
        return row;
    }

    public Task<List<TrainingCompletion>> CompletionsAsync(Guid? userId = null, CancellationToken ct = default) =>
        db.Set<TrainingCompletion>().AsNoTracking().Where(c => userId == null || c.UserId == userId).OrderByDescending(c => c.CompletedOn).ToListAsync(ct);

    /// <summary>The most a page of completions holds.</summary>
    public const int MaxPage = 500;

    /// <summary>Completions matching <paramref name="filter"/>, newest completion day first, <paramref name="limit"/> from <paramref name="offset"/> on.</summary>
    public async Task<CompletionPage> ListCompletionsAsync(CompletionFilter filter, int offset = 0, int limit = MaxPage, CancellationToken ct = default)
    {
        if (offset < 0) throw MamoriException.Invalid("offset is 0 or more.");
        if (limit is < 1 or > MaxPage) throw MamoriException.Invalid($"limit is 1-{MaxPage}.");
        var query = Filtered(filter);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.CompletedOn).ThenByDescending(c => c.RecordedAt).ThenBy(c => c.Id).Skip(offset).Take(limit).ToListAsync(ct);
        return new CompletionPage(await RowsAsync(rows, ct), total);
    }

    /// <summary>One recorded completion (what a completion's <c>Location</c> names); throws MAMORI-1007 for an unknown id.</summary>
    public async Task<CompletionRow> CompletionAsync(Guid id, CancellationToken ct = default)
    {
        var row = await db.Set<TrainingCompletion>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw MamoriException.NotFound("The training completion");
        return (await RowsAsync([row], ct))[0];
    }

    /// <summary>
    /// Every matching completion as CSV for Excel: UTF-8 with a byte order mark, a heading block (company, period, filter, when and by
    /// whom, count), then one line per completion, oldest first, under Japanese column names with their ids. The export is audited.
    /// </summary>
    public async Task<(string Csv, int Count)> ExportCompletionsCsvAsync(CompletionFilter filter, Actor actor, string generatedBy, CancellationToken ct = default)
    {
        var rows = await RowsAsync(await Filtered(filter).OrderBy(c => c.CompletedOn).ThenBy(c => c.RecordedAt).ThenBy(c => c.Id).ToListAsync(ct), ct);
        var tenantId = db.CurrentTenantId;
        var company = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct) ?? "";
        static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var sb = new System.Text.StringBuilder();
        void Line(params string[] cells) => sb.AppendJoin(',', cells.Select(Provision.RecordRegister.Cell)).Append("\r\n");
        sb.Append('\uFEFF');
        Line("教育・研修の受講記録", company);
        Line("受講日の範囲（日本時間）", filter.From is null && filter.To is null ? "全期間" : $"{Day(filter.From)}〜{Day(filter.To)}");
        Line("絞り込み", string.Join(" ", new[] { filter.Department is { } d ? "部門: " + d : null, filter.Person is { } p ? "スタッフ ID: " + p : null }.OfType<string>()) is { Length: > 0 } f ? f : "なし");
        Line("出力日時（日本時間）", TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Policy.PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Line("出力者", generatedBy);
        Line("件数", rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line();
        Line([.. CompletionHeader.Select(h => $"{h.Ja} ({h.Id})")]);
        foreach (var x in rows)
            Line(x.Id.ToString(), Day(x.CompletedOn), x.CourseCode, x.CourseTitleJa, x.CourseTitleEn, x.UserId.ToString(), x.Email, x.DepartmentId ?? "",
                TimeZoneInfo.ConvertTime(x.RecordedAt, Policy.PolicyStore.Jst).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture), x.RecordedBy);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.TrainingCompletionsExported, actor, TargetId: filter.Person?.ToString() ?? filter.Department,
            ReasonCode: filter.From is null && filter.To is null ? "all" : $"{Day(filter.From)}..{Day(filter.To)}",
            Categories: rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        await tx.CommitAsync(ct);
        return (sb.ToString(), rows.Count);
    }

    /// <summary>The export's columns, in order, by their Japanese names and ids (docs/governance.md).</summary>
    public static readonly IReadOnlyList<(string Ja, string Id)> CompletionHeader =
    [
        ("受講記録ID", "completion_id"), ("受講日", "completed_on"), ("講座コード", "course_code"), ("講座名", "course_title_ja"), ("講座名（英語）", "course_title_en"),
        ("スタッフID", "user_id"), ("メールアドレス", "email"), ("現在の部門", "department_id"), ("記録日時（日本時間）", "recorded_at_jst"), ("記録者", "recorded_by"),
    ];

    private IQueryable<TrainingCompletion> Filtered(CompletionFilter filter)
    {
        if (filter.From is { } f && filter.To is { } t && f > t)
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "from is a day on or before to.") { Reason = "period-order" };
        if (filter.Department is { Length: > 64 })
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A department id is 1-64 characters.") { Reason = "department-id" };
        var query = db.Set<TrainingCompletion>().AsNoTracking();
        if (filter.From is { } from) query = query.Where(c => c.CompletedOn >= from);
        if (filter.To is { } to) query = query.Where(c => c.CompletedOn <= to);
        if (filter.Person is { } person) query = query.Where(c => c.UserId == person);
        if (!string.IsNullOrEmpty(filter.Department))
        {
            var staff = db.Set<StaffAssignment>().Where(a => a.DepartmentId == filter.Department).Select(a => a.UserId);
            query = query.Where(c => staff.Contains(c.UserId));
        }
        return query;
    }

    private async Task<List<CompletionRow>> RowsAsync(List<TrainingCompletion> rows, CancellationToken ct)
    {
        var courses = await db.Set<TrainingCourse>().AsNoTracking().ToDictionaryAsync(c => c.Id, ct);
        var users = rows.Select(r => r.UserId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => users.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var departments = await db.Set<StaffAssignment>().AsNoTracking().Where(a => users.Contains(a.UserId)).ToDictionaryAsync(a => a.UserId, a => a.DepartmentId, ct);
        return [.. rows.Select(r =>
        {
            var course = courses.GetValueOrDefault(r.CourseId);
            return new CompletionRow(r.Id, r.CompletedOn, r.CourseId, course?.Code ?? "", course?.TitleJa ?? "", course?.TitleEn ?? "", r.UserId,
                emails.GetValueOrDefault(r.UserId) ?? "", departments.GetValueOrDefault(r.UserId), r.RecordedAt, r.RecordedBy);
        })];
    }

    /// <summary>Every active staff member's standing on every active course that applies to them, on <paramref name="today"/> (JST).</summary>
    public async Task<IReadOnlyList<TrainingStatus>> StatusAsync(DateOnly? today = null, CancellationToken ct = default) =>
        Compute(await db.Set<TrainingCourse>().AsNoTracking().Where(c => c.Active).ToListAsync(ct),
            await db.Users.AsNoTracking().Where(u => !u.Disabled).ToListAsync(ct),
            await db.Set<TrainingCompletion>().AsNoTracking().ToListAsync(ct),
            today ?? GovernanceDue.JstDate(clock.GetUtcNow()));

    internal static List<TrainingStatus> Compute(List<TrainingCourse> courses, List<StaffUser> users, List<TrainingCompletion> completions, DateOnly today)
    {
        var last = completions.GroupBy(c => (c.CourseId, c.UserId)).ToDictionary(g => g.Key, g => g.Max(c => c.CompletedOn));
        var result = new List<TrainingStatus>();
        foreach (var course in courses.OrderBy(c => c.Code, StringComparer.Ordinal))
        {
            foreach (var user in users.OrderBy(u => u.Email, StringComparer.Ordinal))
            {
                if (course.Roles.Count > 0 && !course.Roles.Any(user.Roles.Contains)) continue;
                DateOnly? lastOn = last.TryGetValue((course.Id, user.Id), out var l) ? l : null;
                DateOnly? due;
                if (lastOn is { } done) due = course.EveryMonths == 0 ? null : done.AddMonths(course.EveryMonths);
                else due = GovernanceDue.JstDate(course.CreatedAt > user.CreatedAt ? course.CreatedAt : user.CreatedAt);
                var state = due is { } d ? GovernanceDue.StateOf(d, course.GraceDays, today) : DueState.Done;
                IReadOnlyList<string> suspended = state == DueState.Overdue ? [.. course.Roles.Where(user.Roles.Contains)] : [];
                result.Add(new TrainingStatus(course.Id, course.Code, user.Id, user.Email, lastOn, due, due?.AddDays(course.GraceDays + 1), state, suspended));
            }
        }
        return result;
    }
}

/// <summary>
/// Roles suspended because their holder's training for them is overdue, when the tenant's setting
/// asks for it. Read on every authenticated request, so each tenant's answer is kept for a minute
/// (and dropped on any training or setting change).
/// </summary>
public sealed class TrainingSuspensions(TimeProvider clock)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset At, IReadOnlyDictionary<Guid, string[]> ByUser)> _cache = new();

    public void Invalidate(Guid tenantId) => _cache.TryRemove(tenantId, out _);

    /// <summary>The roles of <paramref name="userId"/> that grant nothing now (none when the setting is off).</summary>
    public async Task<IReadOnlyCollection<string>> SuspendedRolesAsync(MamoriDbContext db, Guid userId, CancellationToken ct = default)
    {
        var tenant = db.CurrentTenantId;
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(tenant, out var entry) || now - entry.At >= Ttl || now < entry.At)
        {
            var settings = await db.Set<GovernanceSettings>().AsNoTracking().FirstOrDefaultAsync(ct);
            IReadOnlyDictionary<Guid, string[]> byUser = new Dictionary<Guid, string[]>();
            if (settings is { SuspendRolesWhileTrainingOverdue: true })
            {
                var courses = await db.Set<TrainingCourse>().AsNoTracking().Where(c => c.Active).ToListAsync(ct);
                if (courses.Any(c => c.Roles.Count > 0))
                {
                    var users = await db.Users.AsNoTracking().Where(u => !u.Disabled).ToListAsync(ct);
                    var completions = await db.Set<TrainingCompletion>().AsNoTracking().ToListAsync(ct);
                    byUser = TrainingRecords.Compute(courses, users, completions, GovernanceDue.JstDate(now))
                        .Where(s => s.SuspendedRoles.Count > 0).GroupBy(s => s.UserId)
                        .ToDictionary(g => g.Key, g => g.SelectMany(s => s.SuspendedRoles).Distinct(StringComparer.Ordinal).ToArray());
                }
            }
            _cache[tenant] = entry = (now, byUser);
        }
        return entry.ByUser.TryGetValue(userId, out var roles) ? roles : [];
    }
}
