namespace Mamori.Governance.InternalAudits;

/// <summary>
/// The due-date rules of audits, findings and corrective actions, in JST days. A plan's audit is
/// <see cref="AuditDueState.Upcoming"/> before its scheduled date, <see cref="AuditDueState.Due"/> from that date
/// through <c>scheduled + GraceDays</c>, and <see cref="AuditDueState.Overdue"/> from the day after. A finding or
/// an action still open is overdue the day after its due date.
/// </summary>
public static class AuditSchedule
{
    public const int DefaultGraceDays = 30;
    public const int MaxGraceDays = 180;

    public static AuditDueState StateOf(AuditPlan plan, DateOnly today) =>
        !plan.Active ? AuditDueState.Inactive
        : today < plan.NextDueOn ? AuditDueState.Upcoming
        : today <= OverdueAfter(plan) ? AuditDueState.Due
        : AuditDueState.Overdue;

    /// <summary>The last day the audit may be held without being overdue.</summary>
    public static DateOnly OverdueAfter(AuditPlan plan) => plan.NextDueOn.AddDays(plan.GraceDays);

    /// <summary>
    /// The next scheduled date after an audit held on <paramref name="heldOn"/>: the schedule keeps its rhythm
    /// (quarterly stays on the same days) and moves past the day held, so a late audit does not leave one due at once.
    /// Null for a one-off plan.
    /// </summary>
    public static DateOnly? NextAfter(DateOnly scheduled, AuditFrequency frequency, DateOnly heldOn)
    {
        if (frequency == AuditFrequency.Once) return null;
        var months = (int)frequency;
        var k = 1;
        // Always from the original date, so a schedule on the 31st does not drift to the 28th.
        while (scheduled.AddMonths(months * k) <= heldOn) k++;
        return scheduled.AddMonths(months * k);
    }

    public static bool IsOverdue(AuditFinding f, DateOnly today) => f.Status == FindingStatus.Open && today > f.DueOn;

    public static bool IsOverdue(CorrectiveAction a, DateOnly today) => a.Status != CorrectiveActionStatus.Done && today > a.DueOn;
}
