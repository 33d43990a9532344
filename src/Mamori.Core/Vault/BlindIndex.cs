using System.Security.Cryptography;
using System.Text;
using Mamori.Errors;
using Mamori.Policy;
using PhoneNumbers;

namespace Mamori.Vault;

public enum LookupKind
{
    Email = 1,
    Phone = 2,
    MyNumber = 3,
}

/// <summary>
/// Equality lookups without plaintext: HMAC-SHA256 under the ring's blind-index key over the tenant,
/// the kind and the normalized value (NFKC; e-mail lower-cased; phone numbers in E.164 with Japan
/// as the default region; My Number as its 12 digits).
/// </summary>
public static class BlindIndex
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static LookupKind? KindOf(DataCategory category)
    {
        if (category.MyNumber) return LookupKind.MyNumber;
        if (category.SmsPhone || category.Id.Contains("phone", StringComparison.Ordinal) || category.Id.Contains("tel", StringComparison.Ordinal)) return LookupKind.Phone;
        if (category.Id.Contains("email", StringComparison.Ordinal) || category.Id.Contains("mail", StringComparison.Ordinal)) return LookupKind.Email;
        return null;
    }

    /// <summary>
    /// The form an e-mail address, phone number or My Number is stored in, from every way in (console, API, import, correction):
    /// as the person gave it — 090-1234-5678 stays so and is not rewritten as +81…, an address keeps its capitals, as the vault
    /// must disclose what it holds — but in ordinary-width characters without the spaces around it (NFKC: ０９０ → 090,
    /// ｔａｒｏ＠… → taro@…). Width is the input method's, not the person's: a full-width address could not be written to nor
    /// a full-width number masked, and an import stored them as typed while the other ways in stored the same person's half-width
    /// value. Lookups compare the <see cref="Normalize"/>d form, so either way finds the person.
    /// </summary>
    public static string Stored(string value) => value.Normalize(NormalizationForm.FormKC).Trim();

    public static string Normalize(LookupKind kind, string value)
    {
        var v = value.Normalize(NormalizationForm.FormKC).Trim();
        switch (kind)
        {
            case LookupKind.Email:
                v = v.ToLowerInvariant();
                if (!EmailAddress.IsValid(v))
                    throw new MamoriException(ErrorCode.InvalidFieldValue, "An email field is not a valid address.");
                return v;
            case LookupKind.Phone:
                try
                {
                    // Letters would be read as a keypad's (090-ABCD-5678 as 090-2223-5678) and an extension ("ext 5") dropped from the
                    // lookup. The long-vowel mark ー is the dash many Japanese keyboards type, and libphonenumber reads it as one.
                    if (v.Any(c => char.IsLetter(c) && c != '\u30FC'))
                        throw new NumberParseException(ErrorType.NOT_A_NUMBER, "not a number");
                    var number = Phones.Parse(v, "JP");
                    if (!Phones.IsPossibleNumber(number) || number.HasExtension || !PossibleInJapan(number))
                        throw new NumberParseException(ErrorType.NOT_A_NUMBER, "not possible");
                    return Phones.Format(number, PhoneNumberFormat.E164);
                }
                catch (NumberParseException)
                {
                    throw new MamoriException(ErrorCode.InvalidFieldValue, "A phone field is not a valid phone number.");
                }
            case LookupKind.MyNumber:
                var digits = new string(v.Where(char.IsAsciiDigit).ToArray());
                if (digits.Length != 12 || v.Any(c => !char.IsAsciiDigit(c) && c is not ' ' and not '-'))
                    throw new MamoriException(ErrorCode.InvalidFieldValue, "A My Number field must be 12 digits.");
                if (!Mamori.Discovery.Checksums.IsValidMyNumber(digits))
                    throw new MamoriException(ErrorCode.InvalidFieldValue, "A My Number field has a wrong check digit.");
                return digits;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>
    /// A Japanese number has 10 or 11 digits with its leading 0 (9 or 10 without), a mobile or IP one (070, 080, 090, 050) 11:
    /// libphonenumber's "possible" lengths for Japan go up to 17 digits for rare ranges, so 090-1234-56789 (a digit too many)
    /// passed. Its "valid" check would also refuse unassigned ranges, which made-up test and demo numbers fall into.
    /// </summary>
    private static bool PossibleInJapan(PhoneNumbers.PhoneNumber number)
    {
        if (number.CountryCode != 81) return true;
        var national = number.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return national.Length is 9 or 10 && (national.Length == 10 || national[0] is not ('5' or '7' or '8' or '9') || national[1] != '0');
    }

    public static byte[] Compute(byte[] key, Guid tenant, LookupKind kind, string normalized)
    {
        var data = new byte[17 + Encoding.UTF8.GetByteCount(normalized)];
        tenant.TryWriteBytes(data, bigEndian: true, out _);
        data[16] = (byte)kind;
        Encoding.UTF8.GetBytes(normalized, data.AsSpan(17));
        return HMACSHA256.HashData(key, data);
    }
}
