using FsCheck;
using FsCheck.Fluent;
using Mamori.Governance.Entrustees;
using Mamori.Governance.InternalAudits;
using Shouldly;

namespace Mamori.Tests.Governance;

public sealed class AuditScheduleTests
{
    private static AuditPlan Plan(DateOnly due, int grace, bool active = true) =>
        new() { Title = "t", Scope = "s", Auditor = "a", NextDueOn = due, GraceDays = grace, Active = active, Frequency = AuditFrequency.Annual };

    [Theory]
    [InlineData("2027-01-14", "Upcoming")]
    [InlineData("2027-01-15", "Due")]
    [InlineData("2027-01-29", "Due")]
    [InlineData("2027-01-30", "Overdue")]
    public void StateOf_Days_UpcomingDueOverdue(string today, string expected) =>
        AuditSchedule.StateOf(Plan(new DateOnly(2027, 1, 15), 14), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)).ToString().ShouldBe(expected);

    [Fact]
    public void StateOf_ZeroGrace_OverdueTheNextDay()
    {
        AuditSchedule.StateOf(Plan(new DateOnly(2027, 1, 15), 0), new DateOnly(2027, 1, 15)).ShouldBe(AuditDueState.Due);
        AuditSchedule.StateOf(Plan(new DateOnly(2027, 1, 15), 0), new DateOnly(2027, 1, 16)).ShouldBe(AuditDueState.Overdue);
        AuditSchedule.StateOf(Plan(new DateOnly(2027, 1, 15), 0, active: false), new DateOnly(2030, 1, 1)).ShouldBe(AuditDueState.Inactive);
    }

    [Fact]
    public void NextAfter_MonthEnd_KeepsTheOriginalDayWherePossible()
    {
        AuditSchedule.NextAfter(new DateOnly(2027, 1, 31), AuditFrequency.Monthly, new DateOnly(2027, 2, 10)).ShouldBe(new DateOnly(2027, 2, 28));
        AuditSchedule.NextAfter(new DateOnly(2027, 1, 31), AuditFrequency.Monthly, new DateOnly(2027, 3, 1)).ShouldBe(new DateOnly(2027, 3, 31));
        AuditSchedule.NextAfter(new DateOnly(2027, 1, 15), AuditFrequency.Quarterly, new DateOnly(2027, 1, 30)).ShouldBe(new DateOnly(2027, 4, 15));
        AuditSchedule.NextAfter(new DateOnly(2027, 1, 15), AuditFrequency.Once, new DateOnly(2027, 1, 30)).ShouldBeNull();
    }

    [Fact]
    public void NextAfter_AnyHeldDay_IsTheFirstScheduleDateAfterIt() =>
        Prop.ForAll(Gen.Choose(0, 3000).ToArbitrary(), Gen.Choose(-40, 2000).ToArbitrary(), Gen.Elements(AuditFrequency.Monthly, AuditFrequency.Quarterly,
            AuditFrequency.SemiAnnual, AuditFrequency.Annual).ToArbitrary(), (start, offset, frequency) =>
        {
            var scheduled = new DateOnly(2026, 1, 1).AddDays(start);
            var held = scheduled.AddDays(offset);
            var next = AuditSchedule.NextAfter(scheduled, frequency, held)!.Value;
            var months = (int)frequency;
            var k = Enumerable.Range(1, 400).First(i => scheduled.AddMonths(months * i) == next);
            return next > held && (k == 1 || scheduled.AddMonths(months * (k - 1)) <= held);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Decide_RequiredAndOptionalCriteria_ApprovedConditionalRejected()
    {
        var all = EntrusteeSupervision.Criteria.Select(c => new CriterionAnswer(c.Key, true)).ToList();
        EntrusteeSupervision.Decide(all).ShouldBe(AssessmentResult.Approved);
        EntrusteeSupervision.Decide([.. all.Where(a => a.Key != "certification")]).ShouldBe(AssessmentResult.Conditional);
        EntrusteeSupervision.Decide([.. all.Select(a => a.Key == "certification" ? a with { Met = false } : a)]).ShouldBe(AssessmentResult.Conditional);
        EntrusteeSupervision.Decide([.. all.Select(a => a.Key == "technical" ? a with { Met = false } : a)]).ShouldBe(AssessmentResult.Rejected);
        EntrusteeSupervision.Criteria.Count(c => c.Required).ShouldBe(6);
    }

    // Regression: a domestic entrustee meeting every criterion that concerns it could not be approved: the foreign-handling
    // criterion had no 該当なし, and 「条件付き承認」 never said which condition.
    [Fact]
    public void Decide_OptionalNotApplicable_ApprovedAndUnansweredOrNotMetNamedAsConditions()
    {
        List<CriterionAnswer> required = [.. EntrusteeSupervision.Criteria.Where(c => c.Required).Select(c => new CriterionAnswer(c.Key, true))];
        List<CriterionAnswer> domestic = [.. required, new("certification", true), new("re-entrustment", true), new("foreign-environment", false, NotApplicable: true), new("financial", true)];
        EntrusteeSupervision.Decide(domestic).ShouldBe(AssessmentResult.Approved);
        EntrusteeSupervision.Conditions(domestic).ShouldBeEmpty();

        List<CriterionAnswer> open = [.. domestic.Where(a => a.Key != "re-entrustment").Select(a => a.Key == "certification" ? a with { Met = false } : a)];
        EntrusteeSupervision.Decide(open).ShouldBe(AssessmentResult.Conditional);
        EntrusteeSupervision.Conditions(open).ShouldBe(
            [new AssessmentCondition("certification", false, ConditionStatus.NotMet), new AssessmentCondition("re-entrustment", false, ConditionStatus.Unanswered)]);

        List<CriterionAnswer> rejected = [.. domestic.Select(a => a.Key == "technical" ? a with { Met = false } : a)];
        EntrusteeSupervision.Decide(rejected).ShouldBe(AssessmentResult.Rejected);
        EntrusteeSupervision.Conditions(rejected).ShouldBe([new AssessmentCondition("technical", true, ConditionStatus.NotMet)]);
    }
}
