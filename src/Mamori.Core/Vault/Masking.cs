using System.Text;
using Mamori.Policy;

namespace Mamori.Vault;

/// <summary>
/// How a value is shown to a caller who may use but not unmask a category: enough to recognise, not
/// enough to identify (<c>山田 *</c>, <c>090-****-5678</c>, <c>t***@example.com</c>).
/// </summary>
public static class Masking
{
    public static string Mask(DataCategory category, string value)
    {
        if (category.MyNumber) return "************";
        var id = category.Id;
        if (BlindIndex.KindOf(category) == LookupKind.Phone) return Phone(value);
        if (id.Contains("mail", StringComparison.Ordinal)) return Email(value);
        if (id.Contains("name", StringComparison.Ordinal)) return Name(value);
        if (category.PaymentCard || id.Contains("card", StringComparison.Ordinal)) return KeepLast(value, 4, '*');
        if (id.Contains("address", StringComparison.Ordinal)) return Address(value);
        if (id.Contains("birth", StringComparison.Ordinal)) return value.Length >= 4 ? value[..4] + "-**-**" : "****";
        return "***";
    }

    /// <summary>Family name kept, given name hidden: 山田 太郎 → 山田 *.</summary>
    public static string Name(string value)
    {
        var v = value.Trim();
        var space = v.IndexOfAny([' ', '\u3000']);
        if (space > 0) return v[..space] + " *";
        return v.Length <= 1 ? "*" : v[..Math.Min(2, v.Length - 1)] + " *";
    }

    /// <summary>Digits hidden except the first group and the last four: 090-1234-5678 → 090-****-5678.</summary>
    public static string Phone(string value)
    {
        var digits = value.Count(char.IsDigit);
        var seen = 0;
        var sb = new StringBuilder(value.Length);
        var firstGroupEnd = value.IndexOfAny(['-', ' ', '(', ')']);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!char.IsDigit(c)) { sb.Append(c); continue; }
            seen++;
            var inFirstGroup = firstGroupEnd > 0 ? i < firstGroupEnd : seen <= 3;
            sb.Append(inFirstGroup || seen > digits - 4 ? c : '*');
        }
        return sb.ToString();
    }

    public static string Email(string value)
    {
        var at = value.IndexOf('@');
        if (at <= 0) return "***";
        return value[0] + "***" + value[at..];
    }

    public static string Address(string value)
    {
        // Keep the prefecture (都道府県) when it leads the address.
        foreach (var suffix in new[] { "都", "道", "府", "県" })
        {
            var i = value.IndexOf(suffix, StringComparison.Ordinal);
            if (i is > 0 and <= 4) return value[..(i + 1)] + " ***";
        }
        return "***";
    }

    public static string KeepLast(string value, int keep, char mask)
    {
        var digits = value.Count(char.IsLetterOrDigit);
        var seen = 0;
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsLetterOrDigit(c)) { sb.Append(c); continue; }
            seen++;
            sb.Append(seen > digits - keep ? c : mask);
        }
        return sb.ToString();
    }
}
