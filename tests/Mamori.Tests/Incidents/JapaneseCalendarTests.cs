using FsCheck;
using FsCheck.Fluent;
using Mamori.Incidents;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary>The holiday rules against the Cabinet Office's published lists (内閣府「国民の祝日について」).</summary>
public sealed class JapaneseCalendarTests
{
    private static string[] Days(int year) => [.. JapaneseCalendar.HolidaysIn(year).Select(h => h.Date.ToString("MM-dd"))];

    [Fact]
    public void HolidaysIn_2026_MatchesCabinetOfficeList()
    {
        Days(2026).ShouldBe(["01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06",
            "07-20", "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23"]);
        JapaneseCalendar.HolidayOn(new DateOnly(2026, 9, 22))!.NameJa.ShouldBe("国民の休日");
        JapaneseCalendar.HolidayOn(new DateOnly(2026, 5, 6))!.NameJa.ShouldBe("振替休日");
    }

    [Fact]
    public void HolidaysIn_2019AccessionYear_MatchesCabinetOfficeList()
    {
        Days(2019).ShouldBe(["01-01", "01-14", "02-11", "03-21", "04-29", "04-30", "05-01", "05-02", "05-03", "05-04", "05-05", "05-06",
            "07-15", "08-11", "08-12", "09-16", "09-23", "10-14", "10-22", "11-03", "11-04", "11-23"]);
    }

    [Fact]
    public void HolidaysIn_2020OlympicYear_MovedDays()
    {
        Days(2020).ShouldBe(["01-01", "01-13", "02-11", "02-23", "02-24", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06",
            "07-23", "07-24", "08-10", "09-21", "09-22", "11-03", "11-23"]);
    }

    [Fact]
    public void HolidaysIn_2021_MovedDaysAndSubstitute()
    {
        Days(2021).ShouldBe(["01-01", "01-11", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05",
            "07-22", "07-23", "08-08", "08-09", "09-20", "09-23", "11-03", "11-23"]);
    }

    [Fact]
    public void HolidaysIn_2015_GoldenWeekSubstituteOnWednesday()
    {
        JapaneseCalendar.HolidayOn(new DateOnly(2015, 5, 6))!.NameJa.ShouldBe("振替休日");
        JapaneseCalendar.HolidayOn(new DateOnly(2015, 9, 22))!.NameJa.ShouldBe("国民の休日");
    }

    [Theory]
    [InlineData(2000, 20, 23)]
    [InlineData(2012, 20, 22)]
    [InlineData(2023, 21, 23)]
    [InlineData(2024, 20, 22)]
    [InlineData(2025, 20, 23)]
    [InlineData(2027, 21, 23)]
    [InlineData(1978, 21, 23)]
    public void Equinoxes_KnownYears_MatchPublishedDays(int year, int vernal, int autumnal)
    {
        JapaneseCalendar.VernalEquinoxDay(year).ShouldBe(vernal);
        JapaneseCalendar.AutumnalEquinoxDay(year).ShouldBe(autumnal);
    }

    [Fact]
    public void IsClosedDay_YearEndAndWeekend_Closed()
    {
        JapaneseCalendar.IsClosedDay(new DateOnly(2026, 12, 29)).ShouldBeTrue(); // Tuesday, year-end closure
        JapaneseCalendar.IsClosedDay(new DateOnly(2027, 1, 3)).ShouldBeTrue();
        JapaneseCalendar.IsClosedDay(new DateOnly(2027, 1, 4)).ShouldBeFalse();
        JapaneseCalendar.IsClosedDay(new DateOnly(2026, 5, 30)).ShouldBeTrue(); // Saturday
        JapaneseCalendar.IsClosedDay(new DateOnly(2026, 12, 28)).ShouldBeFalse();
    }

    [Fact]
    public void NextOpenDay_AnyDay_FirstOpenDayOnOrAfter()
    {
        Prop.ForAll(Gen.Choose(0, 60000).ToArbitrary(), offset =>
        {
            var day = new DateOnly(1960, 1, 1).AddDays(offset);
            var next = JapaneseCalendar.NextOpenDay(day);
            var between = Enumerable.Range(0, next.DayNumber - day.DayNumber).Select(i => day.AddDays(i));
            return next >= day && !JapaneseCalendar.IsClosedDay(next) && between.All(JapaneseCalendar.IsClosedDay) && next.DayNumber - day.DayNumber < 12;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void HolidaysIn_AnyYear_SubstituteFollowsSundayHolidayAndNoneOnSundayAfter2007()
    {
        Prop.ForAll(Gen.Choose(2007, 2150).ToArbitrary(), year =>
        {
            var all = JapaneseCalendar.HolidaysIn(year);
            var set = all.Select(h => h.Date).ToHashSet();
            var substitutes = all.Where(h => h.NameJa == "振替休日").ToList();
            // Each substitute comes right after a run of holidays that starts on a Sunday.
            var ok = substitutes.All(s =>
            {
                var d = s.Date.AddDays(-1);
                while (set.Contains(d) && d.DayOfWeek != DayOfWeek.Sunday) d = d.AddDays(-1);
                return d.DayOfWeek == DayOfWeek.Sunday && set.Contains(d) && s.Date.DayOfWeek != DayOfWeek.Sunday;
            });
            var sundayHolidays = all.Count(h => h.Date.DayOfWeek == DayOfWeek.Sunday && h.NameJa != "国民の休日");
            return ok && substitutes.Count == sundayHolidays && all.Count >= 15;
        }).QuickCheckThrowOnFailure();
    }
}
