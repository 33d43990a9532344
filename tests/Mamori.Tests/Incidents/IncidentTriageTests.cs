using FsCheck;
using FsCheck.Fluent;
using Mamori.Incidents;
using Shouldly;

namespace Mamori.Tests.Incidents;

/// <summary>appi.md §4 worked examples W-01…W-05 and the L-09 / L-28 grounds, with §3 defaults.</summary>
public sealed class IncidentTriageTests
{
    private static readonly IncidentSettings Defaults = new();
    private static readonly IncidentSettings Rolled = new() { RollForwardClosedDays = true };

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd");

    private static IncidentFacts Facts(string aware, IncidentCause cause, long persons) =>
        new() { AwareDate = D(aware), Cause = cause, PersonsUpperBound = persons };

    [Fact]
    public void Assess_W01UnauthorizedAccess1200_ReportableCAndDWith60DayFinal()
    {
        var facts = Facts("2026-04-01", IncidentCause.UnauthorizedAccess, 1200);
        var r = IncidentTriage.Assess(facts, Defaults);
        r.Reportable.ShouldBeTrue();
        r.NotifyPersons.ShouldBeTrue();
        r.Reasons.ShouldBe([ReportabilityReason.ImproperPurpose, ReportabilityReason.OverPersonThreshold]);
        r.ReasonInfos.Select(x => x.Letter).ShouldBe(["(c)", "(d)"]);
        r.Deadlines!.PreliminaryWarn.ShouldBe(D("2026-04-03"));
        r.Deadlines.PreliminaryDue.ShouldBe(D("2026-04-05"));
        r.Deadlines.FinalPeriodDays.ShouldBe(60);
        r.Deadlines.FinalDue.ShouldBe(D("2026-05-30"));
        r.Deadlines.FinalDue.DayOfWeek.ShouldBe(DayOfWeek.Saturday);

        var rolled = IncidentTriage.Assess(facts, Rolled).Deadlines!;
        rolled.FinalDue.ShouldBe(D("2026-06-01"));
        rolled.FinalDueUnrolled.ShouldBe(D("2026-05-30"));
        rolled.PreliminaryDue.ShouldBe(D("2026-04-05"));
    }

    [Fact]
    public void Assess_W02MisaddressedExactly1000_NotReportable()
    {
        var r = IncidentTriage.Assess(Facts("2026-06-10", IncidentCause.Misdelivery, 1000), Defaults);
        r.Reportable.ShouldBeFalse();
        r.Reasons.ShouldBeEmpty();
        r.Deadlines.ShouldBeNull();
        r.NotifyPersons.ShouldBeFalse();
    }

    [Fact]
    public void Assess_W02Misaddressed1001_ReportableDWith30DayFinal()
    {
        var r = IncidentTriage.Assess(Facts("2026-06-10", IncidentCause.Misdelivery, 1001), Defaults);
        r.Reportable.ShouldBeTrue();
        r.Reasons.ShouldBe([ReportabilityReason.OverPersonThreshold]);
        r.Deadlines!.PreliminaryDue.ShouldBe(D("2026-06-14"));
        r.Deadlines.FinalPeriodDays.ShouldBe(30);
        r.Deadlines.FinalDue.ShouldBe(D("2026-07-09"));
    }

    [Fact]
    public void Assess_W03OneHealthCheckResultMisdelivered_ReportableA()
    {
        var facts = Facts("2026-07-01", IncidentCause.Misdelivery, 1) with { SpecialCare = true };
        var r = IncidentTriage.Assess(facts, Defaults);
        r.Reportable.ShouldBeTrue();
        r.Reasons.ShouldBe([ReportabilityReason.SpecialCare]);
        r.Deadlines!.FinalDue.ShouldBe(D("2026-07-30"));
        IncidentTriage.Assess(facts, Rolled).Deadlines!.FinalDue.ShouldBe(D("2026-07-30")); // a Thursday: nothing to roll
    }

    [Fact]
    public void Assess_W04LostBackupEncryptedKeySafe_NotReportableWithExemption()
    {
        var facts = Facts("2026-05-11", IncidentCause.Loss, 3) with { PropertyDamageRisk = true, EncryptedKeysSafe = true };
        var r = IncidentTriage.Assess(facts, Defaults);
        r.Reportable.ShouldBeFalse();
        r.Exemption.ShouldBe(ReportabilityExemption.EncryptedKeysSafe);
        r.SetAside.ShouldBe([ReportabilityReason.PropertyDamageRisk]);
        r.Deadlines.ShouldBeNull();
    }

    [Fact]
    public void Assess_W04LostBackupPlain_ReportableB()
    {
        var r = IncidentTriage.Assess(Facts("2026-05-11", IncidentCause.Loss, 3) with { PropertyDamageRisk = true }, Defaults);
        r.Reportable.ShouldBeTrue();
        r.Reasons.ShouldBe([ReportabilityReason.PropertyDamageRisk]);
        r.Deadlines!.FinalPeriodDays.ShouldBe(30);
    }

    [Fact]
    public void Assess_W05SpecialCareAware1201_Final1230RolledTo0104()
    {
        var facts = Facts("2026-12-01", IncidentCause.Other, 1) with { SpecialCare = true };
        IncidentTriage.Assess(facts, Defaults).Deadlines!.FinalDue.ShouldBe(D("2026-12-30"));
        var rolled = IncidentTriage.Assess(facts, Rolled).Deadlines!;
        rolled.FinalDue.ShouldBe(D("2027-01-04"));
        rolled.FinalRolled.ShouldBeTrue();
    }

    [Fact]
    public void Assess_SuspectedSpecialCare_StillReportable()
    {
        var r = IncidentTriage.Assess(Facts("2026-03-02", IncidentCause.Other, 1) with { SpecialCare = true, Suspected = true }, Defaults);
        r.Reportable.ShouldBeTrue();
        r.Suspected.ShouldBeTrue();
    }

    [Fact]
    public void Assess_InsiderTheftOfFewRecords_ReportableCWith60Days()
    {
        var r = IncidentTriage.Assess(Facts("2026-03-02", IncidentCause.InsiderTheft, 2), Defaults);
        r.Reasons.ShouldBe([ReportabilityReason.ImproperPurpose]);
        r.Deadlines!.FinalPeriodDays.ShouldBe(60);
    }

    [Fact]
    public void Assess_UnknownCountUpperBoundAboveThreshold_UsesUpperBound()
    {
        var facts = new IncidentFacts { AwareDate = D("2026-03-02"), Cause = IncidentCause.Misdelivery, PersonsKnown = 400, PersonsUpperBound = 1500 };
        IncidentTriage.Assess(facts, Defaults).Reasons.ShouldBe([ReportabilityReason.OverPersonThreshold]);
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public void Assess_MyNumberPersons_ReportableAbove100(long persons, bool reportable)
    {
        var r = IncidentTriage.Assess(Facts("2026-03-02", IncidentCause.Misdelivery, persons) with { MyNumber = true }, Defaults);
        r.Reportable.ShouldBe(reportable);
        if (reportable) r.Reasons.ShouldBe([ReportabilityReason.MyNumberOverPersonThreshold]);
    }

    [Fact]
    public void Assess_SpecialCareCategoryWithoutFlag_ReportableAByTheCategory()
    {
        var facts = Facts("2026-11-20", IncidentCause.Misdelivery, 1) with { SpecialCareCategories = ["health-check"] };
        var r = IncidentTriage.Assess(facts, Defaults);
        r.Reasons.ShouldBe([ReportabilityReason.SpecialCare]);
        facts.CategoriesFor(ReportabilityReason.SpecialCare).ShouldBe(["health-check"]);
        r.Deadlines!.PreliminaryDue.ShouldBe(D("2026-11-24"));
        r.Deadlines.FinalDue.ShouldBe(D("2026-12-19"));
        // Staff's own flag still counts without any category, and names none.
        var flagged = Facts("2026-11-20", IncidentCause.Misdelivery, 1) with { SpecialCare = true };
        IncidentTriage.Assess(flagged, Defaults).Reasons.ShouldBe([ReportabilityReason.SpecialCare]);
        flagged.CategoriesFor(ReportabilityReason.SpecialCare).ShouldBeEmpty();
    }

    [Fact]
    public void Assess_PaymentCardCategory_ReportableBPropertyDamage()
    {
        var r = IncidentTriage.Assess(Facts("2026-11-20", IncidentCause.Loss, 3) with { PaymentCardCategories = ["payment-card"] }, Defaults);
        r.Reasons.ShouldBe([ReportabilityReason.PropertyDamageRisk]);
    }

    [Theory]
    [InlineData(100, false, IncidentCause.Misdelivery, new string[0])]
    [InlineData(101, false, IncidentCause.Misdelivery, new[] { "my-number-over-person-threshold" })]
    [InlineData(3, true, IncidentCause.Misdelivery, new[] { "my-number-publicly-exposed" })]
    [InlineData(3, false, IncidentCause.UnauthorizedAccess, new[] { "improper-purpose", "my-number-improper-purpose" })]
    public void Assess_MyNumberCategory_MyNumberActGrounds(long persons, bool exposed, IncidentCause cause, string[] reasons)
    {
        var facts = Facts("2026-11-20", cause, persons) with { MyNumberCategories = ["my-number"], PubliclyExposed = exposed };
        IncidentTriage.Assess(facts, Defaults).Reasons.Select(r => r.Code()).ShouldBe(reasons);
    }

    [Fact]
    public void Assess_SpecialCareCategoryEncryptedKeySafe_ExemptAndSetAside()
    {
        var r = IncidentTriage.Assess(Facts("2026-11-20", IncidentCause.Loss, 3) with { SpecialCareCategories = ["health-check"], EncryptedKeysSafe = true }, Defaults);
        r.Reportable.ShouldBeFalse();
        r.SetAside.ShouldBe([ReportabilityReason.SpecialCare]);
    }

    [Fact]
    public void Assess_NegativePersons_RefusedWithCode()
    {
        var e = Should.Throw<Errors.MamoriException>(() => IncidentTriage.Assess(Facts("2026-03-02", IncidentCause.Other, -1), Defaults));
        e.Code.ShouldBe(Errors.ErrorCode.IncidentInvalidFacts);
    }

    [Fact]
    public void Deadlines_CivilCodeCounting_OneDayLater()
    {
        var settings = new IncidentSettings { CountAwareDayAsDayOne = false };
        var d = IncidentTriage.Deadlines(D("2026-06-10"), improperPurpose: false, settings);
        d.FinalDue.ShouldBe(D("2026-07-10"));
        d.PreliminaryDue.ShouldBe(D("2026-06-15"));
    }

    [Fact]
    public void StateOn_DueDates_OnTrackDueSoonOverdueDone()
    {
        var d = IncidentTriage.Deadlines(D("2026-04-01"), true, Defaults);
        IncidentTriage.StateOn(d, D("2026-04-02"), false, false, Defaults).ShouldBe(DeadlineState.OnTrack);
        IncidentTriage.StateOn(d, D("2026-04-03"), false, false, Defaults).ShouldBe(DeadlineState.DueSoon);
        IncidentTriage.StateOn(d, D("2026-04-06"), false, false, Defaults).ShouldBe(DeadlineState.Overdue);
        IncidentTriage.StateOn(d, D("2026-04-06"), true, false, Defaults).ShouldBe(DeadlineState.OnTrack);
        IncidentTriage.StateOn(d, D("2026-05-23"), true, false, Defaults).ShouldBe(DeadlineState.DueSoon);
        IncidentTriage.StateOn(d, D("2026-05-31"), true, false, Defaults).ShouldBe(DeadlineState.Overdue);
        IncidentTriage.StateOn(d, D("2026-05-31"), true, true, Defaults).ShouldBe(DeadlineState.Done);
    }

    [Fact]
    public void Assess_PersonsAroundThreshold_ReportableExactlyAbove()
    {
        Prop.ForAll(Gen.Choose(0, 5000).ToArbitrary(), Gen.Choose(0, 3000).ToArbitrary(), (persons, threshold) =>
        {
            var settings = new IncidentSettings { ReportablePersonThreshold = threshold };
            var r = IncidentTriage.Assess(Facts("2026-01-05", IncidentCause.Misdelivery, persons), settings);
            return r.Reportable == (persons > threshold);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Deadlines_AnyAwareDayAndPeriod_LastDayIsAwarePlusNMinusOne()
    {
        Prop.ForAll(Gen.Choose(0, 40000).ToArbitrary(), Gen.Choose(1, 120).ToArbitrary(), (offset, days) =>
        {
            var aware = new DateOnly(2000, 1, 1).AddDays(offset);
            var settings = new IncidentSettings { FinalReportDays = days, FinalReportDaysImproper = days, PreliminaryReportDays = days, PreliminaryReportWarnDays = 1 };
            var d = IncidentTriage.Deadlines(aware, false, settings);
            // Counting aware as day 1, the deadline is day N: N days inclusive.
            return d.FinalDue.DayNumber - aware.DayNumber + 1 == days && d.PreliminaryDue == d.FinalDue && d.PreliminaryWarn == aware;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Settings_OutOfRange_RefusedWithSettingName()
    {
        var e = Should.Throw<Errors.MamoriException>(() => new IncidentSettings { PreliminaryReportWarnDays = 9 }.Validate());
        e.Code.ShouldBe(Errors.ErrorCode.IncidentSettingsInvalid);
        e.Message.ShouldContain("PreliminaryReportWarnDays");
    }
}
