namespace Mamori.Discovery;

/// <summary>Check-digit and issuer rules. Inputs are ASCII digit strings.</summary>
public static class Checksums
{
    /// <summary>
    /// 個人番号: 総務省令第85号 (平成26年) 第5条. Check digit = 11 − (Σ Pn×Qn mod 11), 0 when the remainder
    /// is ≤ 1; Pn counted from the lowest base digit, Qn = n+1 (n ≤ 6) or n−5 (n ≥ 7).
    /// </summary>
    public static bool IsValidMyNumber(ReadOnlySpan<char> digits) =>
        digits.Length == 12 && AllDigits(digits) && digits[11] - '0' == MyNumberCheckDigit(digits[..11]);

    /// <summary>The check digit of an 11-digit 個人番号 base (the rule above); makes valid numbers for demo data.</summary>
    public static int MyNumberCheckDigit(ReadOnlySpan<char> base11)
    {
        if (base11.Length != 11 || !AllDigits(base11)) throw new ArgumentException("The base of a My Number is 11 digits.", nameof(base11));
        var sum = 0;
        for (var n = 1; n <= 11; n++)
        {
            var p = base11[11 - n] - '0';
            var q = n <= 6 ? n + 1 : n - 5;
            sum += p * q;
        }
        var r = sum % 11;
        return r <= 1 ? 0 : 11 - r;
    }

    /// <summary>
    /// 法人番号: 財務省令第70号 (平成26年) 第2条. Check digit (first) = 9 − (Σ Pn×Qn mod 9), Pn counted from the
    /// lowest digit of the 12-digit base, Qn = 1 for odd n and 2 for even n.
    /// </summary>
    public static bool IsValidCorporateNumber(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 13 || !AllDigits(digits)) return false;
        var sum = 0;
        for (var n = 1; n <= 12; n++)
        {
            var p = digits[13 - n] - '0';
            sum += p * (n % 2 == 1 ? 1 : 2);
        }
        return digits[0] - '0' == 9 - sum % 9;
    }

    public static bool IsValidLuhn(ReadOnlySpan<char> digits)
    {
        if (digits.Length < 2 || !AllDigits(digits)) return false;
        var sum = 0;
        var dbl = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (dbl) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    /// <summary>Card brand from the issuer identification number and length, or null when no known range fits.</summary>
    public static string? CardIssuer(ReadOnlySpan<char> d)
    {
        var n = d.Length;
        if (n < 12 || n > 19 || !AllDigits(d)) return null;
        var p2 = Prefix(d, 2); var p3 = Prefix(d, 3); var p4 = Prefix(d, 4); var p6 = Prefix(d, 6);
        if (d[0] == '4' && (n == 13 || n == 16 || n == 19)) return "visa";
        if (n == 16 && (p2 is >= 51 and <= 55 || p4 is >= 2221 and <= 2720)) return "mastercard";
        if (n == 15 && p2 is 34 or 37) return "amex";
        if (n is >= 16 and <= 19 && p4 is >= 3528 and <= 3589) return "jcb";
        if (n is >= 14 and <= 19 && (p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39 || p3 == 309)) return "diners";
        if (n is >= 16 and <= 19 && (p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65 || p6 is >= 622126 and <= 622925)) return "discover";
        if (n is >= 16 and <= 19 && p2 == 62) return "unionpay";
        if (n == 16 && p4 == 5019) return "dankort";
        if (n == 15 && d[0] == '1') return "uatp";
        if (n is >= 12 and <= 19 && (p2 == 50 || p2 is >= 56 and <= 69)) return "maestro";
        return null;
    }

    public static bool IsValidCard(ReadOnlySpan<char> digits) => CardIssuer(digits) is not null && IsValidLuhn(digits);

    /// <summary>
    /// A JAN (EAN-13) product code of a Japanese GS1 prefix (45, 49) with a valid check digit. Real 法人番号 never
    /// start this way with a valid EAN check digit (0 of the 7,233 reference numbers), so such a number is a product code.
    /// </summary>
    public static bool IsJapaneseJan(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 13 || digits[0] != '4' || digits[1] is not ('5' or '9')) return false;
        var sum = 0;
        for (var k = 0; k < 12; k++) sum += (digits[k] - '0') * (k % 2 == 0 ? 1 : 3);
        return (10 - sum % 10) % 10 == digits[12] - '0';
    }

    private static int Prefix(ReadOnlySpan<char> d, int k)
    {
        var v = 0;
        for (var i = 0; i < k; i++) v = v * 10 + (d[i] - '0');
        return v;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if ((uint)(c - '0') > 9) return false;
        return true;
    }
}
