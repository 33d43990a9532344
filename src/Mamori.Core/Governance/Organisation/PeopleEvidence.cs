using Mamori.Data;
using Mamori.Governance.AccessReviews;
using Mamori.Governance.Training;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Governance.Organisation;

/// <summary>
/// Figures of the people side of the PMS for a period [From, To), for the annual management review
/// (マネジメントレビュー). "Now" figures (overdue) are as of the moment asked.
/// </summary>
public sealed record PeopleSummary(
    DateTimeOffset From,
    DateTimeOffset To,
    int Departments,
    int DepartmentsWithManager,
    bool RepresentativeNamed,
    int AccessReviewsStarted,
    int AccessReviewsCompleted,
    int AccessReviewsOverdueNow,
    int ReviewLinesConfirmed,
    int ReviewLinesRevoked,
    int LeaversChecked,
    int LeaversWithLiveAccess,
    int TrainingCourses,
    int TrainingCompletions,
    int StaffWithTrainingOverdueNow,
    int TrainingOverdueNow);

/// <summary>Counts for reports; reads only, ids and numbers only.</summary>
public sealed class PeopleEvidence(MamoriDbContext db, Organisation organisation, AccessReviews.AccessReviews reviews, TrainingRecords training)
{
    public async Task<PeopleSummary> SummarizeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        if (to <= from) throw new Errors.MamoriException(Errors.ErrorCode.InvalidValue, "The period's end must be after its start.");
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        var view = await organisation.ViewAsync(ct);
        var schedule = await reviews.ScheduleAsync(ct);
        var started = await db.Set<AccessReview>().AsNoTracking().Where(r => r.StartedAt >= from && r.StartedAt < to).Select(r => r.Id).ToListAsync(ct);
        var completed = await db.Set<AccessReview>().AsNoTracking().CountAsync(r => r.CompletedAt >= from && r.CompletedAt < to, ct);
        var lines = await db.Set<AccessReviewLine>().AsNoTracking().Where(l => l.DecidedAt >= from && l.DecidedAt < to)
            .Select(l => new { l.Decision, l.Kind, l.LiveKeys, l.LiveSessions }).ToListAsync(ct);
        var leavers = await db.Set<AccessReviewLine>().AsNoTracking().Where(l => started.Contains(l.ReviewId) && l.Kind == AccessReviewLineKind.Leaver)
            .Select(l => new { l.LiveKeys, l.LiveSessions }).ToListAsync(ct);
        var status = await training.StatusAsync(null, ct);
        var fromDay = GovernanceDue.JstDate(from);
        var toDay = GovernanceDue.JstDate(to);
        var completions = await db.Set<TrainingCompletion>().AsNoTracking().CountAsync(c => c.CompletedOn >= fromDay && c.CompletedOn < toDay, ct);
        return new PeopleSummary(from, to,
            view.Departments.Count, view.Departments.Count(d => d.ManagerUserId is not null), view.RepresentativeUserId is not null,
            started.Count, completed,
            schedule.Count(s => s.State == DueState.Overdue),
            lines.Count(l => l.Decision == AccessReviewDecision.Confirmed), lines.Count(l => l.Decision == AccessReviewDecision.Revoked),
            leavers.Count, leavers.Count(l => l.LiveKeys + l.LiveSessions > 0),
            (await training.CoursesAsync(ct)).Count(c => c.Active), completions,
            status.Where(s => s.State == DueState.Overdue).Select(s => s.UserId).Distinct().Count(),
            status.Count(s => s.State == DueState.Overdue));
    }
}
