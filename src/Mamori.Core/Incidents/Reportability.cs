namespace Mamori.Incidents;

/// <summary>What happened to the data (漏えい, 滅失, 毀損).</summary>
public enum IncidentKind
{
    Leak,
    Loss,
    Damage,
}

/// <summary>How it happened. The first two are acts with an improper purpose (L-09 (c)).</summary>
public enum IncidentCause
{
    UnauthorizedAccess,
    InsiderTheft,
    Misdelivery,
    Loss,
    Other,
}

/// <summary>Why an incident must be reported to the PPC and the persons told (L-09, L-28).</summary>
public enum ReportabilityReason
{
    /// <summary>(a) 要配慮個人情報: one record is enough.</summary>
    SpecialCare,

    /// <summary>(b) data whose misuse may cause property damage (card numbers, banking credentials).</summary>
    PropertyDamageRisk,

    /// <summary>(c) a possible act with an improper purpose against the business (unauthorized access, theft, insider).</summary>
    ImproperPurpose,

    /// <summary>(d) more than <see cref="IncidentSettings.ReportablePersonThreshold"/> persons.</summary>
    OverPersonThreshold,

    /// <summary>My Number (特定個人情報) of more than <see cref="IncidentSettings.MyNumberReportablePersonThreshold"/> persons.</summary>
    MyNumberOverPersonThreshold,

    /// <summary>My Number data and an improper purpose.</summary>
    MyNumberImproperPurpose,

    /// <summary>My Number data exposed to the public (不特定多数に閲覧されるおそれ).</summary>
    MyNumberPubliclyExposed,
}

/// <summary>Why an incident that meets a ground still need not be reported.</summary>
public enum ReportabilityExemption
{
    /// <summary>Advanced encryption (高度な暗号化) with the key not compromised (Rules 7, GL 3-5-3-1).</summary>
    EncryptedKeysSafe,
}

/// <summary>
/// The facts the decision rests on. <see cref="PersonsKnown"/> is the count staff established so far,
/// <see cref="PersonsUpperBound"/> the upper bound while it is not (L-09: use the upper bound), and
/// <see cref="PersonsFromBlastRadius"/> the persons the audit chain shows were affected.
/// </summary>
public sealed record IncidentFacts
{
    /// <summary>The day the business (any department) became aware, in JST: day 1 of every period.</summary>
    public required DateOnly AwareDate { get; init; }

    public IncidentKind Kind { get; init; } = IncidentKind.Leak;
    public IncidentCause Cause { get; init; } = IncidentCause.Other;
    public long? PersonsKnown { get; init; }
    public long? PersonsUpperBound { get; init; }

    /// <summary>The distinct persons the last blast radius found: evidence beside staff's count, never in place of it.</summary>
    public long? PersonsFromBlastRadius { get; init; }

    public bool SpecialCare { get; init; }
    public bool PropertyDamageRisk { get; init; }

    /// <summary>Only suspected (おそれ): the same grounds apply, the report says "may have".</summary>
    public bool Suspected { get; init; }

    public bool EncryptedKeysSafe { get; init; }
    public bool MyNumber { get; init; }
    public bool PubliclyExposed { get; init; }

    /// <summary>The incident's categories the policy marks special-care (要配慮個人情報): each is ground (a) by itself.</summary>
    public IReadOnlyList<string> SpecialCareCategories { get; init; } = [];

    /// <summary>The incident's categories the policy marks My Number (個人番号): the My Number grounds apply.</summary>
    public IReadOnlyList<string> MyNumberCategories { get; init; } = [];

    /// <summary>The incident's categories the policy marks payment-card data: a risk of property damage, ground (b).</summary>
    public IReadOnlyList<string> PaymentCardCategories { get; init; } = [];

    /// <summary>Special-care data is involved: staff said so, or a category the policy marks special-care is.</summary>
    public bool InvolvesSpecialCare => SpecialCare || SpecialCareCategories.Count > 0;

    /// <summary>Misuse may cause property damage: staff said so, or payment-card data is involved.</summary>
    public bool InvolvesPropertyDamageRisk => PropertyDamageRisk || PaymentCardCategories.Count > 0;

    /// <summary>My Number data is involved: staff said so, or a category the policy marks My Number is.</summary>
    public bool InvolvesMyNumber => MyNumber || MyNumberCategories.Count > 0;

    /// <summary>The policy categories that make <paramref name="reason"/> apply; empty for a ground that comes from staff's flag, the count or the cause.</summary>
    public IReadOnlyList<string> CategoriesFor(ReportabilityReason reason) => reason switch
    {
        ReportabilityReason.SpecialCare => SpecialCareCategories,
        ReportabilityReason.PropertyDamageRisk => PaymentCardCategories,
        ReportabilityReason.MyNumberOverPersonThreshold or ReportabilityReason.MyNumberImproperPurpose or ReportabilityReason.MyNumberPubliclyExposed => MyNumberCategories,
        _ => [],
    };

    /// <summary>
    /// The persons established: the larger of staff's count and the blast radius's (a blast radius finds those the audit chain
    /// shows, which can be fewer than a lost device held); null while neither is known.
    /// </summary>
    public long? PersonsEstablished => PersonsKnown is null && PersonsFromBlastRadius is null ? null : Math.Max(PersonsKnown ?? 0, PersonsFromBlastRadius ?? 0);

    /// <summary>The number the person thresholds use: the largest of staff's count, the upper bound and the blast radius's count.</summary>
    public long PersonsForThreshold => Math.Max(PersonsEstablished ?? 0, PersonsUpperBound ?? 0);

    public bool ImproperPurpose => Cause is IncidentCause.UnauthorizedAccess or IncidentCause.InsiderTheft;
}

/// <summary>A ground with its stable code and the law it comes from.</summary>
/// <summary>A reportable ground: its letter, its name and the provisions it rests on, in Japanese and in English.</summary>
public sealed record ReasonInfo(ReportabilityReason Reason, string Code, string Letter, string LawReference, string NameJa, string NameEn, string LawReferenceEn);

/// <summary>The due dates of the two PPC reports, as JST calendar days.</summary>
public sealed record IncidentDeadlines(
    DateOnly AwareDate,
    DateOnly PreliminaryWarn,
    DateOnly PreliminaryDue,
    int FinalPeriodDays,
    DateOnly FinalDueUnrolled,
    DateOnly FinalDue)
{
    public bool FinalRolled => FinalDue != FinalDueUnrolled;
}

/// <summary>The decision: reportable or not, on which grounds, and by when.</summary>
public sealed record Reportability(
    bool Reportable,
    IReadOnlyList<ReportabilityReason> Reasons,
    IReadOnlyList<ReportabilityReason> SetAside,
    ReportabilityExemption? Exemption,
    bool NotifyPersons,
    bool Suspected,
    IncidentDeadlines? Deadlines)
{
    public IEnumerable<ReasonInfo> ReasonInfos => Reasons.Select(IncidentTriage.Describe);
}

/// <summary>
/// Decides reportability from the facts (appi.md L-09, L-10, L-11, L-28) and computes the deadlines
/// with the §0 counting convention. Pure: the same code serves the server and <c>mamori incident assess</c>.
/// </summary>
public static class IncidentTriage
{
    public static Reportability Assess(IncidentFacts facts, IncidentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        settings.Validate();
        if (facts.PersonsKnown is < 0 || facts.PersonsUpperBound is < 0)
            throw new Errors.MamoriException(Errors.ErrorCode.IncidentInvalidFacts, "The number of persons must not be negative.");

        var grounds = new List<ReportabilityReason>();
        if (facts.InvolvesSpecialCare) grounds.Add(ReportabilityReason.SpecialCare);
        if (facts.InvolvesPropertyDamageRisk) grounds.Add(ReportabilityReason.PropertyDamageRisk);
        if (facts.ImproperPurpose) grounds.Add(ReportabilityReason.ImproperPurpose);
        if (facts.PersonsForThreshold > settings.ReportablePersonThreshold) grounds.Add(ReportabilityReason.OverPersonThreshold);
        if (facts.InvolvesMyNumber)
        {
            if (facts.PersonsForThreshold > settings.MyNumberReportablePersonThreshold) grounds.Add(ReportabilityReason.MyNumberOverPersonThreshold);
            if (facts.ImproperPurpose) grounds.Add(ReportabilityReason.MyNumberImproperPurpose);
            if (facts.PubliclyExposed) grounds.Add(ReportabilityReason.MyNumberPubliclyExposed);
        }

        // Advanced encryption with a safe key protects the persons' rights: none of the grounds applies.
        if (facts.EncryptedKeysSafe && grounds.Count > 0)
            return new Reportability(false, [], grounds, ReportabilityExemption.EncryptedKeysSafe, false, facts.Suspected, null);
        if (grounds.Count == 0)
            return new Reportability(false, [], [], facts.EncryptedKeysSafe ? ReportabilityExemption.EncryptedKeysSafe : null, false, facts.Suspected, null);

        var improper = grounds.Contains(ReportabilityReason.ImproperPurpose) || grounds.Contains(ReportabilityReason.MyNumberImproperPurpose);
        return new Reportability(true, grounds, [], null, NotifyPersons: true, facts.Suspected, Deadlines(facts.AwareDate, improper, settings));
    }

    /// <summary>The preliminary and final due dates for an incident the business became aware of on <paramref name="aware"/> (JST).</summary>
    public static IncidentDeadlines Deadlines(DateOnly aware, bool improperPurpose, IncidentSettings settings)
    {
        var finalDays = improperPurpose ? settings.FinalReportDaysImproper : settings.FinalReportDays;
        var finalUnrolled = DayN(aware, finalDays, settings);
        var final = settings.RollForwardClosedDays ? JapaneseCalendar.NextOpenDay(finalUnrolled) : finalUnrolled;
        return new IncidentDeadlines(
            aware,
            DayN(aware, settings.PreliminaryReportWarnDays, settings),
            DayN(aware, settings.PreliminaryReportDays, settings),
            finalDays,
            finalUnrolled,
            final);
    }

    /// <summary>
    /// The last day of an N-day period. With the aware day as day 1 (§0): aware + (N-1) days; otherwise
    /// (Civil Code Art. 140, the first day not counted): aware + N days.
    /// </summary>
    public static DateOnly DayN(DateOnly aware, int n, IncidentSettings settings) =>
        aware.AddDays(settings.CountAwareDayAsDayOne ? n - 1 : n);

    public static ReasonInfo Describe(ReportabilityReason reason) => reason switch
    {
        ReportabilityReason.SpecialCare => new(reason, "special-care", "(a)",
            "個人情報保護法26条1項, 施行規則7条1号", "要配慮個人情報が含まれる個人データの漏えい等（そのおそれを含む）",
            "Personal data including special-care personal information", "APPI Art. 26(1), Rules Art. 7(i)"),
        ReportabilityReason.PropertyDamageRisk => new(reason, "property-damage-risk", "(b)",
            "個人情報保護法26条1項, 施行規則7条2号", "不正に利用されることにより財産的被害が生じるおそれがある個人データの漏えい等",
            "Personal data whose misuse may cause property damage", "APPI Art. 26(1), Rules Art. 7(ii)"),
        ReportabilityReason.ImproperPurpose => new(reason, "improper-purpose", "(c)",
            "個人情報保護法26条1項, 施行規則7条3号", "不正の目的をもって行われたおそれがある行為による個人データの漏えい等",
            "A possible act with an improper purpose, e.g. unauthorized access or theft", "APPI Art. 26(1), Rules Art. 7(iii)"),
        ReportabilityReason.OverPersonThreshold => new(reason, "over-person-threshold", "(d)",
            "個人情報保護法26条1項, 施行規則7条4号", "本人の数が1,000人を超える個人データの漏えい等",
            "More than 1,000 persons affected", "APPI Art. 26(1), Rules Art. 7(iv)"),
        ReportabilityReason.MyNumberOverPersonThreshold => new(reason, "my-number-over-person-threshold", "MNA",
            "番号法29条の4, 特定個人情報の漏えい等に関する報告等に関する規則2条4号", "特定個人情報に係る本人の数が100人を超える漏えい等",
            "My Number data of more than 100 persons", "My Number Act Art. 29-4, Rules on Reports of Leaks of Specific Personal Information Art. 2(iv)"),
        ReportabilityReason.MyNumberImproperPurpose => new(reason, "my-number-improper-purpose", "MNA",
            "番号法29条の4, 特定個人情報の漏えい等に関する報告等に関する規則2条2号", "不正の目的をもって行われたおそれがある特定個人情報の漏えい等",
            "My Number data and an act with an improper purpose", "My Number Act Art. 29-4, Rules on Reports of Leaks of Specific Personal Information Art. 2(ii)"),
        ReportabilityReason.MyNumberPubliclyExposed => new(reason, "my-number-publicly-exposed", "MNA",
            "番号法29条の4, 特定個人情報の漏えい等に関する報告等に関する規則2条3号", "特定個人情報が不特定多数の者に閲覧されたおそれ",
            "My Number data exposed to an unspecified number of people", "My Number Act Art. 29-4, Rules on Reports of Leaks of Specific Personal Information Art. 2(iii)"),
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static string Code(this ReportabilityReason reason) => Describe(reason).Code;

    /// <summary>A ground by its stored code (<c>improper-purpose</c>); null for a code this version does not know.</summary>
    public static ReasonInfo? DescribeCode(string code) =>
        Enum.GetValues<ReportabilityReason>().Select(Describe).FirstOrDefault(r => r.Code == code);

    /// <summary>An exemption by name, as the report's item (2) words it.</summary>
    public static (string Ja, string En) Name(this ReportabilityExemption exemption) => exemption switch
    {
        ReportabilityExemption.EncryptedKeysSafe => ("高度な暗号化が施され、鍵は漏えいしていない（施行規則7条1号括弧書き）",
            "advanced encryption with the key safe (Rules Art. 7(i))"),
        _ => throw new ArgumentOutOfRangeException(nameof(exemption)),
    };

    /// <summary>An exemption by its stored code (<c>encrypted-keys-safe</c>); null for a code this version does not know.</summary>
    public static ReportabilityExemption? ParseExemption(string code) =>
        Enum.GetValues<ReportabilityExemption>().Cast<ReportabilityExemption?>().FirstOrDefault(e => e!.Value.Code() == code);

    public static string Code(this ReportabilityExemption exemption) => exemption switch
    {
        ReportabilityExemption.EncryptedKeysSafe => "encrypted-keys-safe",
        _ => throw new ArgumentOutOfRangeException(nameof(exemption)),
    };

    /// <summary>The command-line and API spelling of a cause.</summary>
    public static string Code(this IncidentCause cause) => cause switch
    {
        IncidentCause.UnauthorizedAccess => "unauthorized-access",
        IncidentCause.InsiderTheft => "insider-theft",
        IncidentCause.Misdelivery => "misdelivery",
        IncidentCause.Loss => "loss",
        IncidentCause.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(cause)),
    };

    public static IncidentCause ParseCause(string? value)
    {
        var wanted = value?.Trim().ToLowerInvariant();
        foreach (var c in Enum.GetValues<IncidentCause>())
            if (c.Code() == wanted) return c;
        throw new Errors.MamoriException(Errors.ErrorCode.IncidentUnknownCause,
            "Unknown cause: use unauthorized-access, insider-theft, misdelivery, loss or other.");
    }

    /// <summary>
    /// Where an open incident stands on <paramref name="today"/> (JST): overdue once a due date passed
    /// without the report, due soon from the warn day.
    /// </summary>
    public static DeadlineState StateOn(IncidentDeadlines d, DateOnly today, bool preliminarySent, bool finalSent, IncidentSettings settings)
    {
        if (!preliminarySent && today > d.PreliminaryDue) return DeadlineState.Overdue;
        if (!finalSent && today > d.FinalDue) return DeadlineState.Overdue;
        if (!preliminarySent && today >= d.PreliminaryWarn) return DeadlineState.DueSoon;
        if (!finalSent && today >= d.FinalDue.AddDays(-settings.FinalReportWarnDays)) return DeadlineState.DueSoon;
        return preliminarySent && finalSent ? DeadlineState.Done : DeadlineState.OnTrack;
    }
}

public enum DeadlineState
{
    OnTrack,
    DueSoon,
    Overdue,
    Done,
}
