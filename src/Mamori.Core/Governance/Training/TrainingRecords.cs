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
