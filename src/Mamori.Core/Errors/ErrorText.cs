namespace Mamori.Errors;

/// <summary>
/// Helpers for error messages, which name fields and ids but never values. A caller's unknown "id" may be any
/// text: a CSV whose header line is missing makes a person's name the category id, a form field can carry an
/// address. Fuzzing with the part 5 guard found such messages; they now quote an input only when it is id-shaped.
/// </summary>
public static class ErrorText
{
    public const string NotAnId = "(a value that is not an id)";

    /// <summary><paramref name="value"/> when it looks like a policy id, role or slug (lower-case ASCII letters, digits, '-', '_', '.', ':'); else a placeholder.</summary>
    public static string Id(string? value) =>
        value is { Length: > 0 and <= 64 } && char.IsAsciiLetterLower(value[0])
        && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.' or ':')
            ? value
            : NotAnId;

    /// <summary>An enum value as the API spells it in JSON (kebab-case: <c>third-party</c>, <c>awaiting-documents</c>), never the C# name.</summary>
    public static string Enum<T>(T value) where T : struct, System.Enum =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Levenshtein distance, for suggesting the name meant.</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
