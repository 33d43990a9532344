using System.Globalization;
using Mamori.Errors;
using Mamori.Policy;

namespace Mamori.Vault;

/// <summary>
/// Dates of birth (生年月日) held in a category flagged <see cref="DataCategory.BirthDate"/>: checked as real dates when they are
/// stored, so that the consent ledger can tell a minor by them (L-06, S-13).
/// </summary>
public static class BirthDates
{
    public const string Format = "yyyy-MM-dd";

    /// <summary>
    /// The name that binds <see cref="DataSubject.SealedBirthDate"/> to its row as a field's category does (no category id can
    /// take it: ids have no '#').
    /// </summary>
    public const string SealedField = "#birth-date";

    /// <summary>
    /// The name of the date of birth kept beside the subject (<see cref="DataSubject.SealedBirthDate"/>) where a disclosure lists it
    /// and a correction names it: the separate field of <c>POST /api/subjects</c> it came from (no category id has capitals).
    /// </summary>
    public const string ApiField = "birthDate";

    /// <summary>The earliest date of birth accepted: anything before is a typing error, not a person.</summary>
    public static readonly DateOnly Earliest = new(1900, 1, 1);

    /// <summary>
    /// The date in <paramref name="value"/>: <c>YYYY-MM-DD</c>, or <c>YYYY/M/D</c> as Excel writes dates in a Japanese CSV. Throws
    /// MAMORI-3003 (reason <c>birth-date</c>) for anything else, a day that does not exist (1988-02-30), or a day outside 1900 to
    /// <paramref name="today"/>.
    /// </summary>
    public static DateOnly Parse(string categoryId, string value, DateOnly today)
    {
        if (DateOnly.TryParseExact(value.Trim(), [Format, "yyyy/M/d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && d >= Earliest && d <= today)
            return d;
        throw new MamoriException(ErrorCode.InvalidFieldValue,
            $"Field '{ErrorText.Id(categoryId)}' is a date of birth: give a real day between {Earliest.ToString(Format, CultureInfo.InvariantCulture)} and today as YYYY-MM-DD.")
        { Reason = "birth-date", ReasonArgs = [categoryId] };
    }

    /// <summary>The date in <paramref name="value"/> as it is stored and disclosed (YYYY-MM-DD); refuses as <see cref="Parse"/> does.</summary>
    public static string Stored(string categoryId, string value, DateOnly today) => Parse(categoryId, value, today).ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The categories of <paramref name="scope"/> that hold the date of birth.</summary>
    public static IEnumerable<string> Categories(IPolicyScope scope) => scope.DataCategories.Where(c => c.BirthDate).Select(c => c.Id);
}
