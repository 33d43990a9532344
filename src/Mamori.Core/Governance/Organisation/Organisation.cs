using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.Organisation;

/// <summary>A department as the console and API show it: the policy's declaration merged with what was saved here.</summary>
public sealed record DepartmentView(string Id, string NameJa, string NameEn, string? ManagerTitleJa, string? ManagerTitleEn, bool InPolicy, bool Saved,
    Guid? ManagerUserId, string? ManagerEmail, int ReviewEveryMonths, int ReviewGraceDays, DateOnly NextReviewOn, DueState ReviewState,
    IReadOnlyList<Guid> Staff);

public sealed record StaffView(Guid UserId, string Email, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset? DisabledAt, string? DepartmentId, string? Title);

/// <summary>A category or purpose of the policy and who answers for it (null when nobody has been named yet).</summary>
public sealed record ResponsibilityView(ResponsibilityKind Kind, string ItemId, string NameJa, string NameEn, string? DepartmentId, Guid? UserId);

public sealed record OrganisationView(string? RepresentativeTitleJa, string? RepresentativeTitleEn, Guid? RepresentativeUserId, string? RepresentativeEmail,
    IReadOnlyList<DepartmentView> Departments, IReadOnlyList<StaffView> Staff, IReadOnlyList<ResponsibilityView> Responsibilities, GovernanceSettings Settings);

public sealed record DepartmentChange(string? NameJa = null, string? NameEn = null, Guid? ManagerUserId = null, bool ClearManager = false,
    int? ReviewEveryMonths = null, int? ReviewGraceDays = null, DateOnly? NextReviewOn = null);

public sealed record SettingsChange(int? UnusedAccessDays = null, int? KeyMaxAgeDays = null, bool? SuspendRolesWhileTrainingOverdue = null);

/// <summary>
/// The organisation of the personal-information management system (S-08): the management
/// representative, departments with their managers, staff and their departments, and who answers for
/// each data category and purpose. Departments come from the policy's <c>privacyManagers</c>; people
/// from the user list. Every change is audited.
/// </summary>
public sealed class Organisation(MamoriDbContext db, AuditLog audit, TimeProvider clock, PolicyStore policies, Training.TrainingSuspensions suspensions)
{
    public async Task<GovernanceSettings> SettingsAsync(CancellationToken ct = default) =>
        await db.Set<GovernanceSettings>().AsNoTracking().FirstOrDefaultAsync(ct) ?? new GovernanceSettings { TenantId = db.CurrentTenantId };

    public DateOnly Today() => GovernanceDue.JstDate(clock.GetUtcNow());

    public async Task<OrganisationView> ViewAsync(CancellationToken ct = default)
    {
        var settings = await SettingsAsync(ct);
        var model = (await policies.CurrentAsync(ct))?.Model;
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var emails = users.ToDictionary(u => u.Id, u => u.Email);
        var assignments = await db.Set<StaffAssignment>().AsNoTracking().ToListAsync(ct);
        var byUser = assignments.ToDictionary(a => a.UserId);
        var departments = await DepartmentsAsync(model, ct);
        var today = Today();
        var deptViews = departments.Select(d => new DepartmentView(d.Row.Id, d.Row.NameJa, d.Row.NameEn, d.ManagerTitle?.Ja, d.ManagerTitle is { } t ? t.En ?? t.Ja : null, d.InPolicy, d.Saved,
            d.Row.ManagerUserId, d.Row.ManagerUserId is { } m ? emails.GetValueOrDefault(m) : null, d.Row.ReviewEveryMonths, d.Row.ReviewGraceDays,
            d.Row.NextReviewOn, GovernanceDue.StateOf(d.Row.NextReviewOn, d.Row.ReviewGraceDays, today),
            [.. assignments.Where(a => a.DepartmentId == d.Row.Id).Select(a => a.UserId)])).ToList();
        var staff = users.Select(u => new StaffView(u.Id, u.Email, u.Roles, u.Disabled, u.DisabledAt,
            byUser.GetValueOrDefault(u.Id)?.DepartmentId, byUser.GetValueOrDefault(u.Id)?.Title)).ToList();
        var saved = await db.Set<DataResponsibility>().AsNoTracking().ToListAsync(ct);
        var responsibilities = new List<ResponsibilityView>();
        if (model is not null)
        {
            foreach (var (id, name) in PolicyCategories.Of(model).All)
            {
                var r = saved.FirstOrDefault(x => x.Kind == ResponsibilityKind.Category && x.ItemId == id);
                responsibilities.Add(new ResponsibilityView(ResponsibilityKind.Category, id, name.Ja, name.En ?? name.Ja, r?.DepartmentId, r?.UserId));
            }
            foreach (var (id, name) in Purposes(model))
            {
                var r = saved.FirstOrDefault(x => x.Kind == ResponsibilityKind.Purpose && x.ItemId == id);
                responsibilities.Add(new ResponsibilityView(ResponsibilityKind.Purpose, id, name.Ja, name.En ?? name.Ja, r?.DepartmentId, r?.UserId));
            }
        }
        return new OrganisationView(model?.PrivacyManagers?.Overall.Title.Ja, model?.PrivacyManagers?.Overall.Title.En, settings.RepresentativeUserId,
            settings.RepresentativeUserId is { } rep ? emails.GetValueOrDefault(rep) : null, deptViews, staff, responsibilities, settings);
    }

    internal sealed record DepartmentRow(Department Row, bool InPolicy, bool Saved, LocalizedText? ManagerTitle);

    /// <summary>Saved departments and those the policy declares (an unsaved one is due for its first review today).</summary>
    internal async Task<List<DepartmentRow>> DepartmentsAsync(PolicyModel? model, CancellationToken ct)
    {
        var rows = await db.Set<Department>().AsNoTracking().ToListAsync(ct);
        var declared = model?.PrivacyManagers?.Departments ?? [];
        var result = new List<DepartmentRow>();
        foreach (var d in declared)
        {
            var row = rows.FirstOrDefault(r => r.Id == d.Id);
            result.Add(new DepartmentRow(row ?? NewDepartment(d.Id, d.Department.Ja, d.Department.En ?? d.Department.Ja), true, row is not null, d.Title));
        }
        foreach (var row in rows.Where(r => declared.All(d => d.Id != r.Id)))
            result.Add(new DepartmentRow(row, false, true, null));
        return [.. result.OrderBy(r => r.Row.Id, StringComparer.Ordinal)];
    }

    private Department NewDepartment(string id, string ja, string en) => new()
    {
        TenantId = db.CurrentTenantId, Id = id, NameJa = ja, NameEn = en, NextReviewOn = Today(), CreatedAt = clock.GetUtcNow(),
    };

    /// <summary>Every department, saved or declared by the policy, in id order: for what only names them (no staff, no settings).</summary>
    public async Task<IReadOnlyList<Department>> DepartmentListAsync(CancellationToken ct = default) =>
        [.. (await DepartmentsAsync((await policies.CurrentAsync(ct))?.Model, ct)).Select(d => d.Row)];

    /// <summary>The department, saved or declared by the policy; throws <see cref="ErrorCode.UnknownDepartment"/>.</summary>
    public async Task<Department> DepartmentAsync(string id, CancellationToken ct = default) =>
        (await DepartmentListAsync(ct)).FirstOrDefault(d => d.Id == id) ?? throw UnknownDepartment(id);

    internal static MamoriException UnknownDepartment(string id) =>
        new(ErrorCode.UnknownDepartment, $"There is no department '{ErrorText.Id(id)}'.", 404) { Reason = "department" };

    public async Task<Department> SaveDepartmentAsync(string id, DepartmentChange change, Actor actor, CancellationToken ct = default)
    {
        id = id.Trim();
        if (id.Length is 0 or > 64) throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A department id is 1-64 characters.") { Reason = "department-id" };
        var model = (await policies.CurrentAsync(ct))?.Model;
        var existing = await db.Set<Department>().FirstOrDefaultAsync(d => d.Id == id, ct);
        var declared = model?.PrivacyManagers?.Departments.FirstOrDefault(d => d.Id == id);
        if (existing is null && declared is null && string.IsNullOrWhiteSpace(change.NameJa))
            throw new MamoriException(ErrorCode.UnknownDepartment, $"The policy declares no department '{ErrorText.Id(id)}'; give it a name to add it.", 404)
            {
                Reason = "undeclared-department",
            };
        var row = existing ?? NewDepartment(id, declared?.Department.Ja ?? change.NameJa!.Trim(), declared?.Department.En ?? change.NameEn?.Trim() ?? change.NameJa!.Trim());
        if (!string.IsNullOrWhiteSpace(change.NameJa)) row.NameJa = Limit(change.NameJa, 200);
        if (!string.IsNullOrWhiteSpace(change.NameEn)) row.NameEn = Limit(change.NameEn, 200);
        if (change.ClearManager) row.ManagerUserId = null;
        if (change.ManagerUserId is { } manager)
        {
            await ActiveUserAsync(manager, ct);
            row.ManagerUserId = manager;
        }
        if (change.ReviewEveryMonths is { } every)
        {
            if (every is < 1 or > 60) throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A review frequency is 1-60 months.") { Reason = "review-every" };
            row.ReviewEveryMonths = every;
        }
        if (change.ReviewGraceDays is { } grace)
        {
            if (grace is < 0 or > 180) throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A grace period is 0-180 days.") { Reason = "grace-days", ReasonArgs = ["180"] };
            row.ReviewGraceDays = grace;
        }
        if (change.NextReviewOn is { } next) row.NextReviewOn = next;
        // A save that changes nothing records nothing: the chain lists changes to the organisation, not requests.
        db.ChangeTracker.DetectChanges();
        if (existing is not null && db.Entry(existing).State == EntityState.Unchanged) return row;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (existing is null) db.Add(row);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.OrganisationChanged, actor, TargetId: Truncate(id), ReasonCode: "department"), ct);
        await tx.CommitAsync(ct);
        return row;
    }

    public async Task SetRepresentativeAsync(Guid? userId, Actor actor, CancellationToken ct = default)
    {
        if (userId is { } u) await ActiveUserAsync(u, ct);
        await SaveSettingsAsync(s => s.RepresentativeUserId = userId, "representative", userId?.ToString(), actor, ct);
    }

    public Task SaveSettingsAsync(SettingsChange change, Actor actor, CancellationToken ct = default)
    {
        if (change.UnusedAccessDays is < 1 or > 3650 || change.KeyMaxAgeDays is < 1 or > 3650)
            throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "Thresholds are 1-3650 days.") { Reason = "thresholds" };
        return SaveSettingsAsync(s =>
        {
            if (change.UnusedAccessDays is { } u) s.UnusedAccessDays = u;
            if (change.KeyMaxAgeDays is { } k) s.KeyMaxAgeDays = k;
            if (change.SuspendRolesWhileTrainingOverdue is { } b) s.SuspendRolesWhileTrainingOverdue = b;
        }, "settings", null, actor, ct);
    }

    private async Task SaveSettingsAsync(Action<GovernanceSettings> change, string what, string? target, Actor actor, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The head first: two first saves of a tenant would otherwise both find no row and both insert one (a duplicate
        // key on PostgreSQL, found by the fuzzer as a 500).
        await audit.LockHeadAsync(db, ct);
        var row = await db.Set<GovernanceSettings>().FirstOrDefaultAsync(ct);
        if (row is null) db.Add(row = new GovernanceSettings { TenantId = db.CurrentTenantId });
        change(row);
        row.UpdatedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.OrganisationChanged, actor, TargetId: target, ReasonCode: what), ct);
        await tx.CommitAsync(ct);
        suspensions.Invalidate(db.CurrentTenantId);
    }

    /// <summary>Puts a staff user in a department (null: in none).</summary>
    public async Task AssignAsync(Guid userId, string? departmentId, string? title, Actor actor, CancellationToken ct = default)
    {
        _ = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct)
            ?? throw new MamoriException(ErrorCode.UnknownDepartment, "There is no such staff user.", 404) { Reason = "user" };
        if (departmentId is not null) await DepartmentAsync(departmentId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Set<StaffAssignment>().FirstOrDefaultAsync(a => a.UserId == userId, ct);
        if (departmentId is null)
        {
            if (row is not null) db.Remove(row);
        }
        else if (row is null) db.Add(new StaffAssignment { TenantId = db.CurrentTenantId, UserId = userId, DepartmentId = departmentId, Title = LimitOrNull(title, 200) });
        else
        {
            row.DepartmentId = departmentId;
            row.Title = LimitOrNull(title, 200);
        }
        await audit.AppendAsync(db, new AuditEntry(AuditCode.OrganisationChanged, actor, TargetId: userId.ToString(), ReasonCode: "assignment"), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Names the department (and optionally the person) answering for a category or purpose of the policy.</summary>
    public async Task SetResponsibilityAsync(ResponsibilityKind kind, string itemId, string departmentId, Guid? userId, Actor actor, CancellationToken ct = default)
    {
        var model = (await policies.RequireCurrentAsync(ct)).Model;
        var known = kind == ResponsibilityKind.Category ? PolicyCategories.Of(model).Declares(itemId) : Purposes(model).Any(p => p.Id == itemId);
        if (!known)
            throw new MamoriException(ErrorCode.UnknownPolicyItem, $"The policy in force declares no {kind.ToString().ToLowerInvariant()} '{ErrorText.Id(itemId)}'.");
        await DepartmentAsync(departmentId, ct);
        if (userId is { } u) await ActiveUserAsync(u, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Set<DataResponsibility>().FirstOrDefaultAsync(r => r.Kind == kind && r.ItemId == itemId, ct);
        if (row is null) db.Add(new DataResponsibility { TenantId = db.CurrentTenantId, Kind = kind, ItemId = itemId, DepartmentId = departmentId, UserId = userId });
        else
        {
            row.DepartmentId = departmentId;
            row.UserId = userId;
        }
        await audit.AppendAsync(db, new AuditEntry(AuditCode.OrganisationChanged, actor, TargetId: itemId, ReasonCode: "responsibility-" + kind.ToString().ToLowerInvariant()), ct);
        await tx.CommitAsync(ct);
    }

    private async Task<StaffUser> ActiveUserAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct)
            ?? throw new MamoriException(ErrorCode.UnknownDepartment, "There is no such staff user.", 404) { Reason = "user" };
        if (user.Disabled) throw new MamoriException(ErrorCode.InvalidGovernanceSetting, "A disabled user cannot be given a governance duty.") { Reason = "disabled-user" };
        return user;
    }

    public static IEnumerable<(string Id, LocalizedText Name)> Purposes(PolicyModel model) =>
        model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes))
            .GroupBy(p => p.Id, StringComparer.Ordinal).Select(g => (g.Key, g.First().Name));

    private static string Limit(string s, int max) => s.Trim().Length <= max ? s.Trim() : s.Trim()[..max];

    private static string? LimitOrNull(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : Limit(s, max);

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64];
}
