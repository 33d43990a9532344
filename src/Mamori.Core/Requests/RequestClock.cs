using Mamori.Incidents;

namespace Mamori.Requests;

/// <summary>
/// The deadline clock of a request, in JST days (appi.md L-23, W-06). The period starts the day after
/// arrival (Civil Code Art.140): received 2026-06-01 with 14 days → due 2026-06-15. While the request
/// waits for the person (identity documents, payment) the clock pauses and the due date moves by the
/// whole days paused. The statutory date from which the person may sue (Art.39: two weeks after
/// arrival) never pauses: received + 15 days; only the kinds Art.39 covers have one.
/// </summary>
public static class RequestClock
{
    public static readonly TimeZoneInfo Zone = JapanTime.Resolve("Asia/Tokyo");

    public static DateOnly Day(DateTimeOffset instant) => JapanTime.DayOf(instant, Zone);

    public static DateOnly DueOn(DateOnly receivedOn, int responseDays, int pausedDays) => receivedOn.AddDays(responseDays + pausedDays);

    public static DateOnly SuitPossibleFrom(DateOnly receivedOn) => receivedOn.AddDays(15);

    /// <summary>
    /// The day from which the person may sue over <paramref name="r"/>, or null when Art.39 does not cover its kind (a complaint,
    /// a purpose notification, what goes beyond the Act): such a request has no such day to show.
    /// </summary>
    public static DateOnly? SuitPossibleFrom(DataSubjectRequest r) => RequestKinds.SuitAfterTwoWeeks(r.Kind) ? r.SuitPossibleFrom : null;

    /// <summary>Pauses the clock on <paramref name="today"/>: no due date while paused.</summary>
    public static void Pause(DataSubjectRequest r, DateOnly today)
    {
        if (r.PausedOn is not null) return;
        r.PausedOn = today;
        r.DueOn = null;
    }

    /// <summary>Resumes: the due date moves by the whole days spent paused.</summary>
    public static void Resume(DataSubjectRequest r, DateOnly today, int responseDays)
    {
        if (r.PausedOn is { } since)
        {
            r.PausedDays += Math.Max(0, today.DayNumber - since.DayNumber);
            r.PausedOn = null;
        }
        r.DueOn = DueOn(r.ReceivedOn, responseDays, r.PausedDays);
    }

    /// <summary>The due date if the clock resumed today (for a paused request's page).</summary>
    public static DateOnly ProjectedDue(DataSubjectRequest r, DateOnly today, int responseDays) =>
        DueOn(r.ReceivedOn, responseDays, r.PausedDays + (r.PausedOn is { } since ? Math.Max(0, today.DayNumber - since.DayNumber) : 0));

    public static DeadlineState State(DataSubjectRequest r, DateOnly today, int dueSoonDays)
    {
        if (r.IsClosed) return DeadlineState.Closed;
        if (r.DueOn is not { } due) return DeadlineState.Paused;
        if (today > due) return DeadlineState.Overdue;
        return due.DayNumber - today.DayNumber <= dueSoonDays ? DeadlineState.DueSoon : DeadlineState.OnTrack;
    }
}

public enum DeadlineState
{
    OnTrack = 0,
    DueSoon = 1,
    Overdue = 2,
    Paused = 3,
    Closed = 4,
}
