using Mamori.Access;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Governance.Organisation;
using Mamori.Policy;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.AccessReviews;

/// <summary>An access-allowed event of the audit chain in which the caller saw at least one category unmasked.</summary>
public sealed record UnmaskEvent(long Sequence, DateTimeOffset Time, ActorKind ActorKind, string ActorId, Guid UserId, string? SubjectId, string? Purpose,
    IReadOnlyList<string> Categories);

/// <summary>A department's place in the review schedule.</summary>
public sealed record ReviewScheduleEntry(string DepartmentId, string NameJa, string NameEn, Guid? ManagerUserId, DateOnly NextReviewOn, int GraceDays,
    DueState State, Guid? OpenReviewId, DateTimeOffset? LastCompletedAt);

public sealed record AccessReviewDetail(AccessReview Review, IReadOnlyList<AccessReviewLine> Lines);

/// <summary>
/// Periodic access reviews per department (S-62, S-63, L-08 human and technical measures). Starting a
/// review verifies the audit chain, then lists each staff member's roles and live API keys with their
/// last use and the categories they unmasked in the period — read from the chain's access-allowed
/// events (masked categories carry <see cref="Decision.MaskedMarker"/> and do not count) — and each
/// leaver with proof of no live session or key. The department's manager confirms or revokes each
/// line; a revoke removes the role or revokes the key in the same transaction, audited.
/// </summary>
public sealed class AccessReviews(MamoriDbContext db, AuditLog audit, TimeProvider clock, Organisation.Organisation organisation, PolicyStore policies)
{
    public async Task<IReadOnlyList<ReviewScheduleEntry>> ScheduleAsync(CancellationToken ct = default)
    {
        var departments = await organisation.DepartmentsAsync((await policies.CurrentAsync(ct))?.Model, ct);
        var reviews = await db.Set<AccessReview>().AsNoTracking().Select(r => new { r.Id, r.DepartmentId, r.Status, r.CompletedAt }).ToListAsync(ct);
        var today = organisation.Today();
        return [.. departments.Select(d => new ReviewScheduleEntry(d.Row.Id, d.Row.NameJa, d.Row.NameEn, d.Row.ManagerUserId, d.Row.NextReviewOn, d.Row.ReviewGraceDays,
            GovernanceDue.StateOf(d.Row.NextReviewOn, d.Row.ReviewGraceDays, today),
            reviews.FirstOrDefault(r => r.DepartmentId == d.Row.Id && r.Status == AccessReviewStatus.Open)?.Id,
            reviews.Where(r => r.DepartmentId == d.Row.Id && r.CompletedAt != null).Max(r => r.CompletedAt)))];
    }

    public Task<List<AccessReview>> ListAsync(CancellationToken ct = default) =>
        db.Set<AccessReview>().AsNoTracking().OrderByDescending(r => r.StartedAt).ToListAsync(ct);

    public async Task<AccessReviewDetail> GetAsync(Guid id, CancellationToken ct = default)
    {
        var review = await db.Set<AccessReview>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw MamoriException.NotFound("The access review");
        var lines = await db.Set<AccessReviewLine>().AsNoTracking().Where(l => l.ReviewId == id).ToListAsync(ct);
        return new AccessReviewDetail(review, [.. lines.OrderBy(l => l.UserId).ThenBy(l => l.Kind).ThenBy(l => l.Item, StringComparer.Ordinal)]);
    }

    /// <summary>Starts the department's review: verifies the chain, then takes the snapshot. One open review per department.</summary>
    public async Task<AccessReviewDetail> StartAsync(string departmentId, StaffPrincipal caller, CancellationToken ct = default)
    {
        var department = await organisation.DepartmentAsync(departmentId, ct);
        var settings = await organisation.SettingsAsync(ct);
        EnsureReviewer(department, settings, caller);
        if (await db.Set<AccessReview>().AnyAsync(r => r.DepartmentId == departmentId && r.Status == AccessReviewStatus.Open, ct))
            throw new MamoriException(ErrorCode.AccessReviewAlreadyOpen, "The department already has an open access review.", 409);

        var now = clock.GetUtcNow();
        var head = await db.AuditHeads.AsNoTracking().Select(h => h.LastSequence).FirstOrDefaultAsync(ct);
        var verification = await AuditVerify.VerifyCurrentTenantAsync(db, ct, fromCheckpoint: true);
        if (!verification.Intact)
            throw new MamoriException(ErrorCode.AccessReviewChainBroken,
                $"The audit chain is broken at sequence {verification.BrokenAt}; the review was not computed. Run 'mamori audit verify' and investigate.", 409);

        var lastTo = await db.Set<AccessReview>().Where(r => r.DepartmentId == departmentId && r.Status == AccessReviewStatus.Completed)
            .Select(r => (DateTimeOffset?)r.PeriodTo).ToListAsync(ct);
        var from = lastTo.Count > 0 ? lastTo.Max()!.Value : GovernanceDue.JstStart(GovernanceDue.JstDate(now).AddMonths(-department.ReviewEveryMonths));
        var review = new AccessReview
        {
            Id = Guid.CreateVersion7(now),
            TenantId = db.CurrentTenantId,
            DepartmentId = departmentId,
            ScheduledOn = department.NextReviewOn,
            PeriodFrom = from,
            PeriodTo = now,
            Status = AccessReviewStatus.Open,
            StartedAt = now,
            StartedBy = caller.Actor.ToString(),
            ChainVerifiedTo = head,
        };
        var lines = await SnapshotAsync(review, settings, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Set<Department>().AnyAsync(d => d.Id == departmentId, ct)) db.Add(department);
        db.Add(review);
        db.AddRange(lines);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.AccessReviewStarted, caller.Actor, TargetId: review.Id.ToString(), ReasonCode: Cut(departmentId)), ct);
        await tx.CommitAsync(ct);
        return new AccessReviewDetail(review, lines);
    }

    /// <summary>The people a review covers: the department's staff, with the keys each owns or created.</summary>
    private sealed record Scope(List<StaffUser> Users, List<ApiKey> Keys, Dictionary<Guid, Guid> KeyOwner);

    private async Task<Scope> ScopeAsync(string departmentId, CancellationToken ct)
    {
        var userIds = await db.Set<StaffAssignment>().AsNoTracking().Where(a => a.DepartmentId == departmentId).Select(a => a.UserId).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToListAsync(ct);
        var owners = await KeyOwnersAsync(db, userIds, ct);
        var keyIds = owners.Keys.ToList();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToListAsync(ct);
        return new Scope(users, keys, owners);
    }

    /// <summary>
    /// Who answers for each API key: its owner, or else the staff user who created it (from the chain's
    /// key-created event) — that person saw the secret once.
    /// </summary>
    public static async Task<Dictionary<Guid, Guid>> KeyOwnersAsync(MamoriDbContext db, IReadOnlyCollection<Guid> users, CancellationToken ct)
    {
        var result = new Dictionary<Guid, Guid>();
        var owned = await db.ApiKeys.AsNoTracking().Select(k => new { k.Id, k.OwnerUserId }).ToListAsync(ct);
        foreach (var k in owned.Where(k => k.OwnerUserId is { } o && users.Contains(o))) result[k.Id] = k.OwnerUserId!.Value;
        // Read by actor (indexed), only for keys without an owner.
        var unowned = owned.Where(k => k.OwnerUserId is null).Select(k => k.Id).ToHashSet();
        var actorIds = users.Select(u => u.ToString()).ToList();
        var created = await db.AuditEvents.AsNoTracking()
            .Where(e => e.ActorId != null && actorIds.Contains(e.ActorId) && e.Code == AuditCode.ApiKeyCreated && e.ActorKind == ActorKind.User)
            .Select(e => new { e.TargetId, e.ActorId }).ToListAsync(ct);
        foreach (var c in created)
            if (Guid.TryParse(c.TargetId, out var key) && unowned.Contains(key) && Guid.TryParse(c.ActorId, out var user)) result.TryAdd(key, user);
        return result;
    }

    private async Task<List<AccessReviewLine>> SnapshotAsync(AccessReview review, GovernanceSettings settings, CancellationToken ct)
    {
        var now = review.PeriodTo;
        var scope = await ScopeAsync(review.DepartmentId, ct);
        var events = await EventsAsync(scope, review.PeriodFrom, review.PeriodTo, review.ChainVerifiedTo, ct);
        var userIds = scope.Users.Select(u => u.Id).ToList();
        var sessions = await db.Sessions.AsNoTracking().Where(s => userIds.Contains(s.UserId))
            .Select(s => new { s.UserId, s.LastSeenAt, s.RevokedAt, s.ExpiresAt }).ToListAsync(ct);
        var model = (await policies.CurrentAsync(ct))?.Model;
        var viewerOf = model is null ? [] : model.DataCategories.Concat(model.Services.SelectMany(s => s.DataCategories))
            .SelectMany(c => c.Viewers.Select(v => (Role: v, Category: c.Id))).ToLookup(x => x.Role, x => x.Category, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var unusedBefore = now.AddDays(-settings.UnusedAccessDays);
        var oldBefore = now.AddDays(-settings.KeyMaxAgeDays);
        var lines = new List<AccessReviewLine>();

        AccessReviewLine Line(Guid user, AccessReviewLineKind kind, string item, IEnumerable<UnmaskEvent> evs)
        {
            var list = evs.ToList();
            return new AccessReviewLine
            {
                Id = Guid.CreateVersion7(now), TenantId = review.TenantId, ReviewId = review.Id, UserId = user, Kind = kind, Item = item,
                UnmaskEvents = list.Count,
                UnmaskedCategories = [.. list.SelectMany(e => e.Categories).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            };
        }

        foreach (var user in scope.Users.OrderBy(u => u.Email, StringComparer.Ordinal))
        {
            var own = events.Where(e => e.UserId == user.Id).ToList();
            var lastSeen = sessions.Where(s => s.UserId == user.Id).Select(s => (DateTimeOffset?)s.LastSeenAt).Max();
            if (user.Disabled)
            {
                var line = Line(user.Id, AccessReviewLineKind.Leaver, "", own);
                line.LastUsedAt = lastSeen;
                line.DisabledAt = user.DisabledAt;
                line.LiveSessions = sessions.Count(s => s.UserId == user.Id && s.RevokedAt == null && s.ExpiresAt > now);
                line.LiveKeys = scope.Keys.Count(k => scope.KeyOwner[k.Id] == user.Id && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now));
                if (line.LiveSessions > 0) line.Flags.Add(AccessReviewFlags.LiveSession);
                if (line.LiveKeys > 0) line.Flags.Add(AccessReviewFlags.LiveKey);
                lines.Add(line);
                continue;
            }
            var personal = own.Where(e => e.ActorKind == ActorKind.User).ToList();
            foreach (var role in user.Roles)
            {
                var line = Line(user.Id, AccessReviewLineKind.Role, role, personal);
                line.LastUsedAt = lastSeen;
                // Unused: no sign-in activity for the threshold, or a role that unmasks categories none of which were unmasked.
                var viewed = viewerOf.GetValueOrDefault(role);
                if (lastSeen is null || lastSeen < unusedBefore || (viewed is not null && !line.UnmaskedCategories.Any(viewed.Contains)))
                    line.Flags.Add(AccessReviewFlags.Unused);
                lines.Add(line);
            }
            foreach (var key in scope.Keys.Where(k => scope.KeyOwner[k.Id] == user.Id && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
                         .OrderBy(k => k.CreatedAt))
            {
                var line = Line(user.Id, AccessReviewLineKind.ApiKey, key.Id.ToString(), own.Where(e => e.ActorKind == ActorKind.ApiKey && e.ActorId == key.Id.ToString()));
                line.ItemName = key.Name;
                line.LastUsedAt = key.LastUsedAt;
                line.CreatedAt = key.CreatedAt;
                if (key.LastUsedAt is null || key.LastUsedAt < unusedBefore) line.Flags.Add(AccessReviewFlags.Unused);
                if (key.CreatedAt < oldBefore) line.Flags.Add(AccessReviewFlags.KeyOld);
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>
    /// Every unmask event of the review's scope in its period, read from the audit chain: access-allowed
    /// events whose actor is a staff member of the department or a key one of them owns or created,
    /// with at least one category not marked masked.
    /// </summary>
    public async Task<IReadOnlyList<UnmaskEvent>> UnmaskEventsAsync(Guid reviewId, CancellationToken ct = default)
    {
        var review = await db.Set<AccessReview>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == reviewId, ct) ?? throw MamoriException.NotFound("The access review");
        // The review's own staff as they were: users with a line in it.
        var reviewed = await db.Set<AccessReviewLine>().AsNoTracking().Where(l => l.ReviewId == reviewId).Select(l => l.UserId).Distinct().ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => reviewed.Contains(u.Id)).ToListAsync(ct);
        var owners = await KeyOwnersAsync(db, reviewed, ct);
        var keyIds = owners.Keys.ToList();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToListAsync(ct);
        return await EventsAsync(new Scope(users, keys, owners), review.PeriodFrom, review.PeriodTo, review.ChainVerifiedTo, ct);
    }

    private async Task<List<UnmaskEvent>> EventsAsync(Scope scope, DateTimeOffset from, DateTimeOffset to, long upTo, CancellationToken ct)
    {
        var userIds = scope.Users.Select(u => u.Id.ToString()).ToList();
        var keyIds = scope.Keys.Select(k => k.Id.ToString()).ToList();
        var actors = userIds.Concat(keyIds).ToList();
        var result = new List<UnmaskEvent>();
        if (actors.Count == 0) return result;
        var rows = db.AuditEvents.AsNoTracking()
            .Where(e => e.Code == AuditCode.AccessAllowed && e.Time >= from && e.Time < to && e.Sequence <= upTo && e.ActorId != null && actors.Contains(e.ActorId))
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Time, e.ActorKind, e.ActorId, e.SubjectId, e.Purpose, e.Categories })
            .AsAsyncEnumerable();
        await foreach (var e in rows.WithCancellation(ct))
        {
            Guid user;
            if (e.ActorKind == ActorKind.User && userIds.Contains(e.ActorId!)) user = Guid.Parse(e.ActorId!);
            else if (e.ActorKind == ActorKind.ApiKey && keyIds.Contains(e.ActorId!)) user = scope.KeyOwner[Guid.Parse(e.ActorId!)];
            else continue;
            var unmasked = UnmaskedOf(e.Categories);
            if (unmasked.Count > 0) result.Add(new UnmaskEvent(e.Sequence, e.Time, e.ActorKind, e.ActorId!, user, e.SubjectId, e.Purpose, unmasked));
        }
        return result;
    }

    /// <summary>The categories of an access event's list that were unmasked (not marked masked).</summary>
    public static IReadOnlyList<string> UnmaskedOf(string? categories) =>
        categories is { Length: > 0 } c
            ? [.. c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(x => x[0] != Decision.MaskedMarker)]
            : [];

    /// <summary>Confirms or revokes one line. A revoke takes effect at once: the role is removed, the key (or a leaver's leftovers) revoked.</summary>
    public async Task<AccessReviewLine> DecideAsync(Guid reviewId, Guid lineId, AccessReviewDecision decision, StaffPrincipal caller, CancellationToken ct = default)
    {
        if (decision == AccessReviewDecision.Pending) throw new MamoriException(ErrorCode.InvalidValue, "Decide 'confirmed' or 'revoked'.");
        var review = await db.Set<AccessReview>().FirstOrDefaultAsync(r => r.Id == reviewId, ct) ?? throw MamoriException.NotFound("The access review");
        EnsureReviewer(await organisation.DepartmentAsync(review.DepartmentId, ct), await organisation.SettingsAsync(ct), caller);
        if (review.Status != AccessReviewStatus.Open) throw new MamoriException(ErrorCode.AccessReviewClosed, "The review is completed.", 409);
        var line = await db.Set<AccessReviewLine>().FirstOrDefaultAsync(l => l.Id == lineId && l.ReviewId == reviewId, ct) ?? throw MamoriException.NotFound("The review line");
        if (line.Decision != AccessReviewDecision.Pending) throw new MamoriException(ErrorCode.AccessReviewClosed, "The line was already decided.", 409) { Reason = "decided" };
        // A review is a second pair of eyes: the manager who is also a member of the department does not vouch for their own
        // access. Giving it up needs no second opinion.
        if (decision == AccessReviewDecision.Confirmed && caller.UserId == line.UserId)
            throw new MamoriException(ErrorCode.AccessReviewOwnLine,
                "You may not confirm your own access; the management representative (or the department's manager, when the representative is you) confirms it.", 403);

        var now = clock.GetUtcNow();
        var actor = caller.Actor;
        var entries = new List<AuditEntry>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (decision == AccessReviewDecision.Revoked)
        {
            switch (line.Kind)
            {
                case AccessReviewLineKind.Role:
                    var user = await db.Users.FirstOrDefaultAsync(u => u.Id == line.UserId, ct);
                    if (user is not null && user.Roles.Contains(line.Item))
                    {
                        user.Roles = [.. user.Roles.Where(r => r != line.Item)];
                        entries.Add(new AuditEntry(AuditCode.UserRolesChanged, actor, TargetId: user.Id.ToString(), ReasonCode: Cut(string.Join('+', user.Roles))));
                    }
                    break;
                case AccessReviewLineKind.ApiKey:
                    var keyId = Guid.Parse(line.Item);
                    var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct);
                    if (key is not null && key.RevokedAt is null)
                    {
                        key.RevokedAt = now;
                        entries.Add(new AuditEntry(AuditCode.ApiKeyRevoked, actor, TargetId: key.Id.ToString(), ReasonCode: "access-review"));
                    }
                    break;
                case AccessReviewLineKind.Leaver:
                    foreach (var s in await db.Sessions.Where(s => s.UserId == line.UserId && s.RevokedAt == null).ToListAsync(ct))
                    {
                        s.RevokedAt = now;
                        entries.Add(new AuditEntry(AuditCode.SessionRevoked, actor, TargetId: s.Id.ToString(), ReasonCode: "access-review"));
                    }
                    var theirs = (await KeyOwnersAsync(db, [line.UserId], ct)).Keys.ToList();
                    foreach (var k in await db.ApiKeys.Where(k => theirs.Contains(k.Id) && k.RevokedAt == null).ToListAsync(ct))
                    {
                        k.RevokedAt = now;
                        entries.Add(new AuditEntry(AuditCode.ApiKeyRevoked, actor, TargetId: k.Id.ToString(), ReasonCode: "access-review"));
                    }
                    break;
            }
        }
        line.Decision = decision;
        line.DecidedAt = now;
        line.DecidedBy = actor.ToString();
        entries.Add(new AuditEntry(decision == AccessReviewDecision.Confirmed ? AuditCode.AccessReviewLineConfirmed : AuditCode.AccessReviewLineRevoked, actor,
            TargetId: line.Id.ToString(), ReasonCode: line.Kind.ToString().ToLowerInvariant()));
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
        return line;
    }

    /// <summary>Completes a review whose lines are all decided and moves the department's schedule on.</summary>
    public async Task<AccessReview> CompleteAsync(Guid reviewId, StaffPrincipal caller, CancellationToken ct = default)
    {
        var review = await db.Set<AccessReview>().FirstOrDefaultAsync(r => r.Id == reviewId, ct) ?? throw MamoriException.NotFound("The access review");
        var department = await organisation.DepartmentAsync(review.DepartmentId, ct);
        EnsureReviewer(department, await organisation.SettingsAsync(ct), caller);
        if (review.Status != AccessReviewStatus.Open) throw new MamoriException(ErrorCode.AccessReviewClosed, "The review is already completed.", 409);
        var pending = await db.Set<AccessReviewLine>().CountAsync(l => l.ReviewId == reviewId && l.Decision == AccessReviewDecision.Pending, ct);
        if (pending > 0)
            throw new MamoriException(ErrorCode.AccessReviewIncomplete, $"{pending} line(s) are not decided yet.", 409)
            {
                Reason = "pending", ReasonArgs = [pending.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            };
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        review.Status = AccessReviewStatus.Completed;
        review.CompletedAt = now;
        review.CompletedBy = caller.Actor.ToString();
        var row = await db.Set<Department>().FirstAsync(d => d.Id == review.DepartmentId, ct);
        row.NextReviewOn = GovernanceDue.NextAfter(review.ScheduledOn, row.ReviewEveryMonths, GovernanceDue.JstDate(now));
        await audit.AppendAsync(db, new AuditEntry(AuditCode.AccessReviewCompleted, caller.Actor, TargetId: review.Id.ToString(), ReasonCode: Cut(review.DepartmentId)), ct);
        await tx.CommitAsync(ct);
        return review;
    }

    /// <summary>Only the department's manager or the management representative acts on its reviews.</summary>
    private static void EnsureReviewer(Department department, GovernanceSettings settings, StaffPrincipal caller)
    {
        if (caller.UserId is { } u && (u == department.ManagerUserId || u == settings.RepresentativeUserId)) return;
        throw new MamoriException(ErrorCode.NotDepartmentReviewer,
            "Only the department's personal-information manager or the management representative may act on its access review.", 403);
    }

    private static string Cut(string s) => s.Length <= 64 ? s : s[..64];
}
