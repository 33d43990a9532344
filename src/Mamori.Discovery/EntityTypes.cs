namespace Mamori.Discovery;

/// <summary>
/// Entity names reported by the analyzer. Presidio's names are used where Presidio has one, so a
/// Presidio client can switch without code changes; Japanese identifiers carry a <c>JP_</c> prefix.
/// </summary>
public static class EntityTypes
{
    public const string EmailAddress = "EMAIL_ADDRESS";
    public const string CreditCard = "CREDIT_CARD";
    public const string IpAddress = "IP_ADDRESS";
    public const string PhoneNumber = "PHONE_NUMBER";
    public const string Url = "URL";
    public const string Person = "PERSON";
    public const string Location = "LOCATION";
    public const string DateTime = "DATE_TIME";
    /// <summary>個人番号 (My Number), 12 digits with the check digit of 総務省令第85号 第5条.</summary>
    public const string JpMyNumber = "JP_MY_NUMBER";
    /// <summary>法人番号 (corporate number), 13 digits with a leading check digit.</summary>
    public const string JpCorporateNumber = "JP_CORPORATE_NUMBER";
    public const string JpPostalCode = "JP_POSTAL_CODE";
    public const string JpAddress = "JP_ADDRESS";
    public const string JpBankAccount = "JP_BANK_ACCOUNT";
    public const string JpPassport = "JP_PASSPORT";
    public const string JpDriverLicense = "JP_DRIVER_LICENSE";
    /// <summary>
    /// 要配慮個人情報 (medical, criminal record, disability, creed…): the value after a label (既往歴：高血圧), or a
    /// keyword in running text. Marks information to protect, not an identifier.
    /// </summary>
    public const string SpecialCare = "SPECIAL_CARE";

    /// <summary>
    /// Not detected: the name <see cref="Logging.PiiRedactor"/> gives a value the application classified as personal data when the
    /// analyzer cannot account for all of it (a bare name, or text around a detected span), which is then redacted whole.
    /// </summary>
    public const string PersonalData = "PERSONAL_DATA";

    /// <summary>Every entity this library can report.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        EmailAddress, CreditCard, IpAddress, PhoneNumber, Url, Person, Location, DateTime,
        JpMyNumber, JpCorporateNumber, JpPostalCode, JpAddress, JpBankAccount, JpPassport, JpDriverLicense, SpecialCare,
    ];

    public static bool IsKnown(string entity) => All.Contains(entity, StringComparer.Ordinal);
}
