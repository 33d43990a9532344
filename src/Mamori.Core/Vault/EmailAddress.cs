namespace Mamori.Vault;

/// <summary>
/// Whether text can be an e-mail address we could write to: one <c>@</c>, a local part of at most 64 characters without
/// spaces, controls, invisible format characters or the characters only a quoted local part may hold, and a domain of dot-separated labels (letters in
/// any script, digits, hyphens inside). Close to the HTML <c>type=email</c> rule, with international domains and local
/// parts allowed. It only turns away typing slips (<c>a@@example.jp</c>, <c>a@example..jp</c>); whether the address
/// exists is found out by writing to it.
/// </summary>
public static class EmailAddress
{
    public static bool IsValid(string value)
    {
        if (value.Length is < 3 or > 254) return false;
        var at = value.IndexOf('@');
        if (at <= 0 || at > 64 || at != value.LastIndexOf('@')) return false;
        foreach (var c in value.AsSpan(0, at))
            // An invisible format character (U+200B zero-width space, U+200E marks, a soft hyphen) pasted with an address makes one
            // no mail reaches and no lookup or duplicate check of the real address finds.
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format
                || c is '"' or '(' or ')' or ',' or ':' or ';' or '<' or '>' or '[' or ']' or '\\')
                return false;
        var local = value[..at];
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)) return false;
        foreach (var label in value[(at + 1)..].Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!char.IsLetterOrDigit(c) && c != '-') return false;
        }
        return true;
    }
}
