using System.Globalization;
using System.Text.RegularExpressions;
using Mamori.Policy;

namespace Mamori.Vault;

/// <summary>
/// Generalizes one stored value on request (S-40): keeps a coarser but still true value, where
/// <see cref="Masking"/> hides characters. Dates become their year, postal codes their first three
/// digits, addresses their prefecture, numbers their band of one significant figure (37 → 30-39); a value with no coarser form is masked.
/// </summary>
public static partial class Generalization
{
    public static string Generalize(DataCategory category, string value)
    {
        var v = value.Trim();
        if (category.MyNumber || category.PaymentCard) return Masking.Mask(category, value);
        var id = category.Id;
        if (IsoDate().Match(v) is { Success: true } date) return date.Groups[1].Value;
        if (id.Contains("postal", StringComparison.Ordinal) || id.Contains("zip", StringComparison.Ordinal) || PostalCode().IsMatch(v))
        {
            var digits = v.Where(char.IsAsciiDigit).ToArray();
            if (digits.Length == 7) return new string(digits, 0, 3) + "-****";
        }
        if (id.Contains("address", StringComparison.Ordinal))
        {
            var masked = Masking.Address(v);
            return masked == "***" ? masked : masked[..^4];
        }
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && !id.Contains("phone", StringComparison.Ordinal))
        {
            // One significant figure: 37 → 30-39, 5280 → 5000-5999.
            var width = 10L;
            while (width <= long.MaxValue / 10 && Math.Abs(n) >= width * 10) width *= 10;
            var lo = n >= 0 ? n / width * width : -((-n + width - 1) / width * width);
            return string.Create(CultureInfo.InvariantCulture, $"{lo}-{lo + width - 1}");
        }
        return Masking.Mask(category, value);
    }

    [GeneratedRegex(@"^(\d{4})-\d{2}(-\d{2})?$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^〒?\s*\d{3}-?\d{4}$")]
    private static partial Regex PostalCode();
}
