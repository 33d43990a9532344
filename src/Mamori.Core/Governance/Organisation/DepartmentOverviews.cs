using Mamori.Data;
using Mamori.Errors;
using Mamori.Governance.AccessReviews;
using Mamori.Governance.Training;
using Mamori.Requests;
using Mamori.Staff;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.Organisation;

/// <summary>A staff member of a department as its manager sees them, with how many of their courses need attention.</summary>
public sealed record DepartmentMember(Guid UserId, string Email, string? Title, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset? DisabledAt,
    int TrainingOverdue, int TrainingDue);

/// <summary>
/// The persons whose data of one category the department answers for, and what happens to that data next: counts only, never
/// who. <see cref="EndingWithin"/> includes <see cref="PastEnd"/> (ended, not yet swept).
/// </summary>
public sealed record CategoryRetention(string Category, string NameJa, string NameEn, int Persons, int EndingWithin, int PastEnd, int AwaitingEvent, int Held);

/// <summary>An open data-subject request the department handles (its 担当部門): reference and deadline, never the requester.</summary>
public sealed record DepartmentRequest(Guid Id, string Reference, RequestKind Kind, RequestStatus Status, DateOnly ReceivedOn, DateOnly? DueOn, bool Overdue);

/// <summary>What a department's personal-information manager needs on one page.</summary>
public sealed record DepartmentOverview(DepartmentView Department, ReviewScheduleEntry Review, IReadOnlyList<DepartmentMember> Members,
    IReadOnlyList<ResponsibilityView> Responsibilities, IReadOnlyList<TrainingStatus> TrainingAttention, IReadOnlyList<DepartmentRequest> OpenRequests,
    IReadOnlyList<CategoryRetention> Retention, int RetentionHorizonDays);

/// <summary>
/// A department's own view for its personal-information manager (S-08, S-62, S-63, S-50): its staff and their roles, training
/// that is due or overdue, its access review, the data-subject requests it handles, the categories and purposes it answers for,
/// and the retention ahead for those categories. Whoever reads the whole organisation (<see cref="Permission.ReadGovernance"/>)
/// and the management representative see every department; a department's manager sees their own; anyone else is refused
/// (MAMORI-9011).
/// </summary>
public sealed class DepartmentOverviews(MamoriDbContext db, TimeProvider clock, Organisation organisation, AccessReviews.AccessReviews reviews, TrainingRecords training)
{
    /// <summary>How far ahead the retention forecast looks, as the dashboard's.</summary>
    public const int RetentionHorizonDays = 30;

    /// <summary>The departments <paramref name="caller"/> may open, in id order.</summary>
    public async Task<IReadOnlyList<DepartmentView>> VisibleAsync(StaffPrincipal caller, CancellationToken ct = default)
    {
        var view = await organisation.ViewAsync(ct);
        return SeesAll(caller, view.Settings) ? view.Departments : [.. view.Departments.Where(d => Manages(caller, d))];
    }

    public async Task<DepartmentOverview> GetAsync(string id, StaffPrincipal caller, CancellationToken ct = default)
    {
        var view = await organisation.ViewAsync(ct);
        var department = view.Departments.FirstOrDefault(d => d.Id == id) ?? throw Organisation.UnknownDepartment(id);
        if (!SeesAll(caller, view.Settings) && !Manages(caller, department))
            throw new MamoriException(ErrorCode.NotDepartmentManager,
                "Only the department's personal-information manager, the management representative or staff who read the organisation may see the department.", 403);

        var members = view.Staff.Where(s => s.DepartmentId == id).ToList();
        var ids = members.Select(m => m.UserId).ToHashSet();
        var attention = (await training.StatusAsync(null, ct)).Where(t => ids.Contains(t.UserId) && t.State is DueState.Due or DueState.Overdue).ToList();
        var memberRows = members.Select(m => new DepartmentMember(m.UserId, m.Email, m.Title, m.Roles, m.Disabled, m.DisabledAt,
            attention.Count(t => t.UserId == m.UserId && t.State == DueState.Overdue), attention.Count(t => t.UserId == m.UserId && t.State == DueState.Due))).ToList();
        var review = (await reviews.ScheduleAsync(ct)).First(s => s.DepartmentId == id);
        var responsibilities = view.Responsibilities.Where(r => r.DepartmentId == id).ToList();
        // Earliest due first; a paused request (no due day while it waits for documents or payment) last.
        var open = DataSubjectRequests.OpenStatuses;
        var today = RequestClock.Day(clock.GetUtcNow());
        var requests = (await db.Set<DataSubjectRequest>().AsNoTracking().Where(r => r.DepartmentId == id && open.Contains(r.Status))
            .OrderBy(r => r.DueOn == null).ThenBy(r => r.DueOn).ThenBy(r => r.ReceivedAt)
            .Select(r => new { r.Id, r.Reference, r.Kind, r.Status, r.ReceivedOn, r.DueOn }).ToListAsync(ct))
            .Select(r => new DepartmentRequest(r.Id, r.Reference, r.Kind, r.Status, r.ReceivedOn, r.DueOn, r.DueOn < today)).ToList();
        return new DepartmentOverview(department, review, memberRows, responsibilities, attention, requests,
            await RetentionAsync(responsibilities.Where(r => r.Kind == ResponsibilityKind.Category).ToList(), ct), RetentionHorizonDays);
    }

    private async Task<IReadOnlyList<CategoryRetention>> RetentionAsync(List<ResponsibilityView> categories, CancellationToken ct)
    {
        if (categories.Count == 0) return [];
        var ids = categories.Select(c => c.ItemId).ToList();
        var now = clock.GetUtcNow();
        var horizon = now.AddDays(RetentionHorizonDays);
        // One row per person and category (the field's key), so counting fields counts persons. Counted in the database: a
        // category may hold millions of persons.
        var counts = await db.Set<SubjectField>().AsNoTracking().Where(f => ids.Contains(f.Category)).GroupBy(f => f.Category)
            .Select(g => new
            {
                Category = g.Key,
                Persons = g.Count(),
                Ending = g.Count(f => f.RetainUntil <= horizon),
                Past = g.Count(f => f.RetainUntil <= now),
                Awaiting = g.Count(f => f.AwaitingEvents != null),
                Held = g.Count(f => f.HeldUntil > now || (f.HeldUntil == null && f.HoldBasis != null)),
            }).ToListAsync(ct);
        return [.. categories.Select(c => counts.FirstOrDefault(x => x.Category == c.ItemId) is { } n
            ? new CategoryRetention(c.ItemId, c.NameJa, c.NameEn, n.Persons, n.Ending, n.Past, n.Awaiting, n.Held)
            : new CategoryRetention(c.ItemId, c.NameJa, c.NameEn, 0, 0, 0, 0, 0))];
    }

    private static bool SeesAll(StaffPrincipal caller, GovernanceSettings settings) =>
        RolePermissions.Grants(caller.Roles, Permission.ReadGovernance) || (caller.UserId is { } u && u == settings.RepresentativeUserId);

    private static bool Manages(StaffPrincipal caller, DepartmentView department) => caller.UserId is { } u && u == department.ManagerUserId;
}
