namespace Mamori.Discovery;

/// <summary>
/// What the header row of a CSV or TSV file says about its columns (氏名, フリガナ, 生年月日, 注文番号, JANコード…).
/// A bare cell such as 山田 太郎 or 1980/01/10 has no context word of its own; its column's header is that context
/// (as presidio-structured does for tables).
/// </summary>
public sealed class CsvColumns
{
    internal enum Role : byte { None, Name, Birth, NotPersonal, MyNumber, Corporate }

    private static readonly HashSet<string> NameHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "氏名", "氏　名", "名前", "お名前", "姓名", "漢字氏名", "氏名漢字", "カナ氏名", "氏名カナ", "フリガナ", "ふりがな", "カナ", "姓", "名", "セイ", "メイ",
        "患者名", "契約者名", "申込者名", "利用者名", "担当者名", "顧客名", "会員名", "社員名", "従業員名", "宛名", "口座名義", "名義人", "受取人", "差出人",
        "name", "full_name", "fullname", "first_name", "last_name", "firstname", "lastname", "kana", "name_kana",
    };

    private static readonly HashSet<string> BirthHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "生年月日", "誕生日", "生年", "birthday", "birthdate", "birth_date", "date_of_birth", "dob",
    };

    private static readonly HashSet<string> MyNumberHeaders = new(StringComparer.OrdinalIgnoreCase) { "個人番号", "マイナンバー", "my_number", "mynumber" };

    private CsvColumns(char delimiter, Role[] roles)
    {
        Delimiter = delimiter;
        Roles = roles;
    }

    /// <summary>For later blocks of a file whose first line is no header row: no column has a role.</summary>
    public static CsvColumns None { get; } = new('\0', []);

    public char Delimiter { get; }

    internal Role[] Roles { get; }

    /// <summary>
    /// Reads a header row: two or more short cells split by a comma or a tab, at least one of them a header this
    /// library knows. Returns null for any other line (data, prose), so ordinary text is unaffected.
    /// </summary>
    public static CsvColumns? TryParse(ReadOnlySpan<char> line)
    {
        if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
        line = line.TrimEnd('\r');
        if (line.IsEmpty || line.Length > 2000) return null;
        var delimiter = line.Contains('\t') ? '\t' : line.Contains(',') ? ',' : '\0';
        if (delimiter == '\0') return null;
        var roles = new List<Role>();
        var any = false;
        foreach (var range in line.Split(delimiter))
        {
            var cell = Unquote(line[range]);
            if (cell.Length > 30 || (cell.Length > 0 && cell.ContainsAnyInRange('0', '9') && !cell.ContainsAnyExceptInRange('0', '9'))) return null;
            var role = RoleOf(cell);
            any |= role != Role.None;
            roles.Add(role);
        }
        return any && roles.Count >= 2 ? new CsvColumns(delimiter, roles.ToArray()) : null;
    }

    private static Role RoleOf(ReadOnlySpan<char> cell)
    {
        // 氏名（漢字）, 生年月日(西暦), 氏名【必須】: the qualifier does not change the role.
        var q = cell.IndexOfAny("（([【");
        var core = (q > 0 ? cell[..q] : cell).Trim();
        if (core.IsEmpty) return Role.None;
        if (NameHeaders.GetAlternateLookup<ReadOnlySpan<char>>().Contains(core)) return Role.Name;
        if (BirthHeaders.GetAlternateLookup<ReadOnlySpan<char>>().Contains(core)) return Role.Birth;
        if (MyNumberHeaders.GetAlternateLookup<ReadOnlySpan<char>>().Contains(core)) return Role.MyNumber;
        if (core.SequenceEqual("法人番号")) return Role.Corporate;
        if (PiiAnalyzer.HasWordIn(core, JapaneseDictionary.NonPersonalIdContext) || PiiAnalyzer.HasWordIn(core, JapaneseDictionary.TimestampContext)) return Role.NotPersonal;
        return Role.None;
    }

    internal static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> cell)
    {
        cell = cell.Trim();
        if (cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"') cell = cell[1..^1].Trim();
        return cell;
    }
}
