using System.Collections.Concurrent;

namespace Mamori.Incidents;

/// <summary>A day off under the National Holidays Act (国民の祝日に関する法律).</summary>
public sealed record Holiday(DateOnly Date, string NameJa, string NameEn);

/// <summary>
/// Japanese national holidays computed from the rules of the National Holidays Act for any year from
/// 1949: fixed days, Happy-Monday days, the equinoxes (astronomical approximation, exact for
/// 1900-2099 against the Cabinet Office tables; the official date is announced a year ahead), the
/// one-off imperial days, 国民の休日 (a day between two holidays) and 振替休日 (substitute holidays:
/// the next day from 1973-04-12, the next non-holiday from 2007). Closed days for deadline rolling
/// add Saturdays, Sundays and the government's year-end closure 29 Dec-3 Jan.
/// </summary>
public static class JapaneseCalendar
{
    public const int FirstYear = 1949;
    private static readonly ConcurrentDictionary<int, IReadOnlyDictionary<DateOnly, Holiday>> Cache = new();
    private static readonly DateOnly SubstituteFrom = new(1973, 4, 12);
    private static readonly DateOnly CitizensHolidayFrom = new(1985, 12, 27);

    /// <summary>Every national holiday of <paramref name="year"/>, in date order.</summary>
    public static IReadOnlyList<Holiday> HolidaysIn(int year) => [.. Of(year).Values.OrderBy(h => h.Date)];

    public static Holiday? HolidayOn(DateOnly day) => Of(day.Year).TryGetValue(day, out var h) ? h : null;

    public static bool IsNationalHoliday(DateOnly day) => Of(day.Year).ContainsKey(day);

    /// <summary>29 December to 3 January (行政機関の休日).</summary>
    public static bool IsYearEndClosure(DateOnly day) =>
        (day.Month == 12 && day.Day >= 29) || (day.Month == 1 && day.Day <= 3);

    /// <summary>A weekend, a national holiday or the year-end closure.</summary>
    public static bool IsClosedDay(DateOnly day) =>
        day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || IsYearEndClosure(day) || IsNationalHoliday(day);

    /// <summary><paramref name="day"/> itself when it is open, else the next open day.</summary>
    public static DateOnly NextOpenDay(DateOnly day)
    {
        while (IsClosedDay(day)) day = day.AddDays(1);
        return day;
    }

    private static IReadOnlyDictionary<DateOnly, Holiday> Of(int year) => Cache.GetOrAdd(year, Compute);

    private static Dictionary<DateOnly, Holiday> Compute(int year)
    {
        var days = new Dictionary<DateOnly, Holiday>();
        if (year < FirstYear) return days;
        void Add(int month, int day, string ja, string en) => days[new DateOnly(year, month, day)] = new Holiday(new DateOnly(year, month, day), ja, en);
        void AddMonday(int month, int nth, string ja, string en) => Add(month, NthMonday(year, month, nth), ja, en);

        Add(1, 1, "元日", "New Year's Day");
        if (year < 2000) Add(1, 15, "成人の日", "Coming of Age Day");
        else AddMonday(1, 2, "成人の日", "Coming of Age Day");
        if (year >= 1967) Add(2, 11, "建国記念の日", "National Foundation Day");
        if (year >= 2020) Add(2, 23, "天皇誕生日", "The Emperor's Birthday");
        Add(3, VernalEquinoxDay(year), "春分の日", "Vernal Equinox Day");
        if (year <= 1988) Add(4, 29, "天皇誕生日", "The Emperor's Birthday");
        else if (year <= 2006) Add(4, 29, "みどりの日", "Greenery Day");
        else Add(4, 29, "昭和の日", "Showa Day");
        Add(5, 3, "憲法記念日", "Constitution Memorial Day");
        if (year >= 2007) Add(5, 4, "みどりの日", "Greenery Day");
        Add(5, 5, "こどもの日", "Children's Day");
        switch (year)
        {
            case >= 1996 and <= 2002: Add(7, 20, "海の日", "Marine Day"); break;
            case 2020: Add(7, 23, "海の日", "Marine Day"); break;
            case 2021: Add(7, 22, "海の日", "Marine Day"); break;
            case >= 2003: AddMonday(7, 3, "海の日", "Marine Day"); break;
        }
        switch (year)
        {
            case 2020: Add(8, 10, "山の日", "Mountain Day"); break;
            case 2021: Add(8, 8, "山の日", "Mountain Day"); break;
            case >= 2016: Add(8, 11, "山の日", "Mountain Day"); break;
        }
        if (year is >= 1966 and <= 2002) Add(9, 15, "敬老の日", "Respect for the Aged Day");
        else if (year >= 2003) AddMonday(9, 3, "敬老の日", "Respect for the Aged Day");
        Add(9, AutumnalEquinoxDay(year), "秋分の日", "Autumnal Equinox Day");
        switch (year)
        {
            case >= 1966 and <= 1999: Add(10, 10, "体育の日", "Health and Sports Day"); break;
            case >= 2000 and <= 2019: AddMonday(10, 2, "体育の日", "Health and Sports Day"); break;
            case 2020: Add(7, 24, "スポーツの日", "Sports Day"); break;
            case 2021: Add(7, 23, "スポーツの日", "Sports Day"); break;
            case >= 2022: AddMonday(10, 2, "スポーツの日", "Sports Day"); break;
        }
        Add(11, 3, "文化の日", "Culture Day");
        Add(11, 23, "勤労感謝の日", "Labour Thanksgiving Day");
        if (year is >= 1989 and <= 2018) Add(12, 23, "天皇誕生日", "The Emperor's Birthday");
        switch (year)
        {
            case 1959: Add(4, 10, "皇太子明仁親王の結婚の儀", "Wedding of Crown Prince Akihito"); break;
            case 1989: Add(2, 24, "昭和天皇の大喪の礼", "Funeral of Emperor Showa"); break;
            case 1990: Add(11, 12, "即位礼正殿の儀", "Enthronement Ceremony"); break;
            case 1993: Add(6, 9, "皇太子徳仁親王の結婚の儀", "Wedding of Crown Prince Naruhito"); break;
            case 2019:
                Add(5, 1, "天皇の即位の日", "Accession Day");
                Add(10, 22, "即位礼正殿の儀", "Enthronement Ceremony");
                break;
        }

        // 国民の休日: a day whose previous and next days are both national holidays (from 1985-12-27;
        // until 2006 not a Sunday). Computed from the proper holidays only.
        var proper = days.Keys.ToHashSet();
        foreach (var d in proper.Select(d => d.AddDays(1)).ToList())
        {
            if (d.Year != year || proper.Contains(d) || d < CitizensHolidayFrom) continue;
            if (!proper.Contains(d.AddDays(1))) continue;
            if (year < 2007 && d.DayOfWeek == DayOfWeek.Sunday) continue;
            days[d] = new Holiday(d, "国民の休日", "Citizens' Holiday");
        }

        // 振替休日: a holiday on a Sunday makes the next day (from 2007: the next non-holiday) a holiday.
        foreach (var d in proper.Where(d => d.DayOfWeek == DayOfWeek.Sunday && d >= SubstituteFrom).OrderBy(d => d).ToList())
        {
            var next = d.AddDays(1);
            if (year >= 2007)
                while (days.ContainsKey(next)) next = next.AddDays(1);
            else if (days.ContainsKey(next)) continue;
            if (next.Year == year) days[next] = new Holiday(next, "振替休日", "Substitute Holiday");
        }
        return days;
    }

    private static int NthMonday(int year, int month, int nth)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7;
        return 1 + offset + 7 * (nth - 1);
    }

    /// <summary>The widely used approximation of the equinox day in JST (exact 1900-2099 against the published tables).</summary>
    public static int VernalEquinoxDay(int year) => Equinox(year, 20.8357, 20.8431, 21.8510);

    public static int AutumnalEquinoxDay(int year) => Equinox(year, 23.2588, 23.2488, 24.2488);

    private static int Equinox(int year, double before1980, double until2099, double from2100)
    {
        var y = year - 1980;
        return year switch
        {
            < 1980 => (int)(before1980 + 0.242194 * y - (year - 1983) / 4),
            <= 2099 => (int)(until2099 + 0.242194 * y - y / 4),
            _ => (int)(from2100 + 0.242194 * y - y / 4),
        };
    }
}
