namespace Mamori.Incidents;

/// <summary>
/// The configurable figures of incident triage (appi.md §3), bindable from configuration section
/// <c>Mamori:Incidents</c>. Defaults are the appi.md defaults; change them only with a legal reason.
/// </summary>
public sealed class IncidentSettings
{
    public const string Section = "Mamori:Incidents";

    /// <summary>Report when MORE than this many persons are (or may be) affected: 1,000 is not reportable (Rules 7(iv)).</summary>
    public int ReportablePersonThreshold { get; set; } = 1000;

    /// <summary>My Number data: report when more than this many persons (MNA leak rules Art. 2).</summary>
    public int MyNumberReportablePersonThreshold { get; set; } = 100;

    /// <summary>Preliminary report (速報) due on this day, counted per <see cref="CountAwareDayAsDayOne"/> (GL "about 3-5 days").</summary>
    public int PreliminaryReportDays { get; set; } = 5;

    /// <summary>The dashboard warns from this day of the preliminary period.</summary>
    public int PreliminaryReportWarnDays { get; set; } = 3;

    /// <summary>Final report (確報) period in days (Rules 8(2)).</summary>
    public int FinalReportDays { get; set; } = 30;

    /// <summary>Final report period when an improper purpose (Rules 7(iii)) is involved.</summary>
    public int FinalReportDaysImproper { get; set; } = 60;

    /// <summary>The aware day is day 1, so an N-day deadline ends with aware + (N-1) days (GL 3-5-3-4, unconfirmed).</summary>
    public bool CountAwareDayAsDayOne { get; set; } = true;

    /// <summary>Move the final report's due date off weekends, national holidays and 29 Dec-3 Jan (unconfirmed, default off).</summary>
    public bool RollForwardClosedDays { get; set; }

    /// <summary>The final report is "due soon" this many days before its due date (dashboard).</summary>
    public int FinalReportWarnDays { get; set; } = 7;

    /// <summary>The time zone in which "the day" is counted: Japan.</summary>
    public string TimeZoneId { get; set; } = "Asia/Tokyo";

    /// <summary>Checks the figures; throws with the setting's name when one is out of range.</summary>
    public IncidentSettings Validate()
    {
        static void Require(bool ok, string name, string rule)
        {
            if (!ok) throw new Errors.MamoriException(Errors.ErrorCode.IncidentSettingsInvalid, $"Incident setting {name} {rule}.");
        }
        Require(ReportablePersonThreshold >= 0, nameof(ReportablePersonThreshold), "must not be negative");
        Require(MyNumberReportablePersonThreshold >= 0, nameof(MyNumberReportablePersonThreshold), "must not be negative");
        Require(PreliminaryReportDays is >= 1 and <= 365, nameof(PreliminaryReportDays), "must be 1-365");
        Require(PreliminaryReportWarnDays >= 1 && PreliminaryReportWarnDays <= PreliminaryReportDays, nameof(PreliminaryReportWarnDays), "must be 1 to PreliminaryReportDays");
        Require(FinalReportDays is >= 1 and <= 365, nameof(FinalReportDays), "must be 1-365");
        Require(FinalReportDaysImproper is >= 1 and <= 365, nameof(FinalReportDaysImproper), "must be 1-365");
        Require(FinalReportWarnDays is >= 0 and <= 365, nameof(FinalReportWarnDays), "must be 0-365");
        Require(!string.IsNullOrWhiteSpace(TimeZoneId), nameof(TimeZoneId), "must name a time zone");
        return this;
    }

    /// <summary>The time zone of <see cref="TimeZoneId"/>; Japan (UTC+9, no DST) when the system has no tz data.</summary>
    public TimeZoneInfo TimeZone => JapanTime.Resolve(TimeZoneId);
}

/// <summary>Turns instants into Japanese calendar days.</summary>
public static class JapanTime
{
    private static readonly TimeZoneInfo Fallback =
        TimeZoneInfo.CreateCustomTimeZone("Asia/Tokyo", TimeSpan.FromHours(9), "Japan Standard Time", "JST");

    public static TimeZoneInfo Resolve(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException) when (id == "Asia/Tokyo")
        {
            return Fallback;
        }
    }

    /// <summary>The calendar day of <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>Midnight at the start of <paramref name="day"/> in <paramref name="zone"/>, as UTC.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
