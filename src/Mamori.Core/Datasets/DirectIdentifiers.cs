using System.Text;
using Mamori.Anonymization;
using Mamori.Discovery;

namespace Mamori.Datasets;

/// <summary>A column of processed data whose values still hold direct identifiers (never the values themselves).</summary>
public sealed record IdentifierColumn(string Column, IReadOnlyList<string> Entities)
{
    public override string ToString() =>
        $"'{(Column.Length <= 100 ? Column : Column[..100])}' ({string.Join(", ", Entities.Select(DirectIdentifiers.Describe))})";
}

/// <summary>What a column's name says it holds (<see cref="DirectIdentifiers.ByHeader"/>).</summary>
public enum IdentifierHeader
{
    None,
    /// <summary>氏名, 名前, フリガナ, name, full_name.</summary>
    Name,
    /// <summary>住所, 所在地, address.</summary>
    Address,
    /// <summary>メール, 電話, 携帯, FAX, email, phone.</summary>
    Contact,
    /// <summary>A code that links the row to the person's record elsewhere: 顧客ID, 会員番号, customer_id.</summary>
    LinkingCode,
    /// <summary>個人識別符号: マイナンバー, 個人番号, passport, licence numbers.</summary>
    IdentificationCode,
    /// <summary>カード番号, 口座番号: numbers whose misuse causes property damage.</summary>
    PaymentCard,
}

/// <summary>A column whose name says it holds a direct identifier.</summary>
public sealed record IdentifierHeaderColumn(string Column, IdentifierHeader What)
{
    public override string ToString() => $"'{(Column.Length <= 100 ? Column : Column[..100])}' ({DirectIdentifiers.Describe(What)})";
}

/// <summary>A value of free text that names a person or gives a street address; <see cref="Row"/> is 0-based, never the value.</summary>
public sealed record TextIdentifier(string Column, int Row, string Entity);

/// <summary>
/// Finds direct identifiers that a processing would leave readable: the discovery recognizers run over the
/// values, so that a column of e-mail addresses is found whatever it is called (mail, e_mail, 連絡先).
/// Pseudonymized information keeps no contact item and no identification code (APPI Art.41(8), Rules 31),
/// anonymized information no identifier at all (Rules 34).
/// </summary>
public static class DirectIdentifiers
{
    private static readonly string[] Entities =
    [
        EntityTypes.EmailAddress, EntityTypes.PhoneNumber, EntityTypes.JpMyNumber, EntityTypes.CreditCard,
        EntityTypes.JpPassport, EntityTypes.JpDriverLicense, EntityTypes.JpBankAccount,
    ];

    private static readonly PiiAnalyzer Analyzer = new(new AnalyzerOptions
    {
        Entities = new HashSet<string>(Entities, StringComparer.Ordinal),
        ScoreThreshold = Counted,
    });

    /// <summary>A finding this sure identifies the column by itself (an e-mail address, a number next to 電話 or マイナンバー).</summary>
    private const double Sure = 0.9;

    /// <summary>
    /// Below <see cref="Sure"/> a column counts when at least half of its values hold the entity: one 12-digit
    /// amount in ten passes the My Number check digit, a column of bare My Numbers passes it every time.
    /// </summary>
    private const double Counted = 0.5;

    /// <summary>Distinct values remembered per column, so a repetitive column is analysed once per value.</summary>
    private const int CacheLimit = 100_000;

    public static string Describe(string entity) => entity switch
    {
        EntityTypes.EmailAddress => "e-mail addresses",
        EntityTypes.PhoneNumber => "phone numbers",
        EntityTypes.JpMyNumber => "My Numbers",
        EntityTypes.CreditCard => "payment card numbers",
        EntityTypes.JpPassport => "passport numbers",
        EntityTypes.JpDriverLicense => "driver's licence numbers",
        EntityTypes.JpBankAccount => "bank account numbers",
        EntityTypes.Person => "a person's name",
        EntityTypes.JpAddress => "a street address",
        _ => entity,
    };

    public static string Describe(IdentifierHeader what) => what switch
    {
        IdentifierHeader.Name => "a name / 氏名",
        IdentifierHeader.Address => "an address / 住所",
        IdentifierHeader.Contact => "a contact item / 連絡先",
        IdentifierHeader.LinkingCode => "a linking code / 顧客ID等の符号",
        IdentifierHeader.IdentificationCode => "an identification code / 個人識別符号",
        IdentifierHeader.PaymentCard => "a card or account number / カード・口座番号",
        _ => "nothing",
    };

    // Japanese column names, matched anywhere in the NFKC-normalized, lower-cased name without spaces; the first list that matches wins,
    // so 電話番号 is a contact item before 番号 could make it a code, and 郵便番号 (a quasi-identifier) matches nothing.
    private static readonly (IdentifierHeader What, string[] Terms)[] JapaneseTerms =
    [
        (IdentifierHeader.IdentificationCode, ["マイナンバー", "個人番号", "旅券番号", "パスポート", "免許証番号", "被保険者番号", "基礎年金番号"]),
        (IdentifierHeader.PaymentCard, ["カード番号", "クレジットカード", "口座番号"]),
        (IdentifierHeader.Contact, ["メール", "電話", "携帯", "ファックス", "ファクス", "fax"]),
        (IdentifierHeader.Name, ["氏名", "名前", "姓名", "フリガナ", "ふりがな", "宛名"]),
        (IdentifierHeader.Address, ["住所", "所在地", "番地", "居所"]),
        (IdentifierHeader.LinkingCode, ["顧客番号", "顧客コード", "お客様番号", "会員番号", "社員番号", "従業員番号", "職員番号", "患者番号", "カルテ番号",
            "診察券番号", "学籍番号", "利用者番号", "契約者番号"]),
    ];

    private static readonly HashSet<string> JapaneseNameParts = new(["姓", "名", "せい", "めい", "セイ", "メイ"], StringComparer.Ordinal);

    private static readonly HashSet<string> NameQualifiers = new(
        ["full", "first", "last", "family", "given", "middle", "customer", "member", "user", "person", "contact", "kana", "real", "legal", "patient", "employee"],
        StringComparer.Ordinal);

    private static readonly HashSet<string> CodeOwners = new(
        ["customer", "member", "user", "client", "patient", "employee", "staff", "person", "subject", "student", "contract", "loyalty"], StringComparer.Ordinal);

    /// <summary>
    /// What the column's name says it holds, in Japanese (氏名, 住所, 顧客ID, 会員番号, メール, 電話番号, マイナンバー…) or English, as
    /// words (full_name, customerId, e-mail) or as a policy category id (name, address, email, phone, my-number).
    /// </summary>
    public static IdentifierHeader ByHeader(string header)
    {
        var text = header.Normalize(NormalizationForm.FormKC);
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        if (JapaneseNameParts.Contains(compact)) return IdentifierHeader.Name;
        foreach (var (what, terms) in JapaneseTerms)
            if (terms.Any(t => compact.Contains(t, StringComparison.Ordinal))) return what;
        // 顧客ID, 会員ID, ユーザーID: Japanese followed by ID.
        if (compact.EndsWith("id", StringComparison.Ordinal) && compact.Any(c => c > 0x7F)) return IdentifierHeader.LinkingCode;

        var words = Words(text);
        if (words.Count == 0) return IdentifierHeader.None;
        var joined = string.Concat(words);
        bool Has(params string[] w) => w.Any(words.Contains);
        if (joined.Contains("mynumber", StringComparison.Ordinal) || Has("passport", "license", "licence")) return IdentifierHeader.IdentificationCode;
        if ((Has("card") && Has("credit", "number", "no", "num")) || Has("iban") || (Has("bank") && Has("account"))) return IdentifierHeader.PaymentCard;
        if (Has("email", "mail", "phone", "telephone", "tel", "mobile", "cellphone", "fax")) return IdentifierHeader.Contact;
        if (joined is "fullname" or "firstname" or "lastname" or "familyname" or "givenname" or "surname" or "forename" or "furigana" or "kananame"
            || (words[^1] == "name" && (words.Count == 1 || NameQualifiers.Contains(words[^2]))))
            return IdentifierHeader.Name;
        if (Has("address", "addr", "street")) return IdentifierHeader.Address;
        if (joined is "id" or "uid" or "customerid" or "memberid" or "userid" or "clientid" or "patientid" or "employeeid"
            || (words.Count >= 2 && words[^1] is "id" or "no" or "number" or "num" or "code" && CodeOwners.Contains(words[^2])))
            return IdentifierHeader.LinkingCode;
        return IdentifierHeader.None;
    }

    /// <summary>The name split into lower-case words at separators and camelCase boundaries: customerId → customer, id.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsLetterOrDigit(c) || (char.IsUpper(c) && i > 0 && char.IsLower(text[i - 1])))
            {
                if (word.Length > 0) words.Add(word.ToString().ToLowerInvariant());
                word.Clear();
            }
            if (char.IsLetterOrDigit(c)) word.Append(c);
        }
        if (word.Length > 0) words.Add(word.ToString().ToLowerInvariant());
        return words;
    }

    /// <summary>The <paramref name="columns"/> whose names say they hold a direct identifier, in the given order.</summary>
    public static IReadOnlyList<IdentifierHeaderColumn> FindByHeader(IEnumerable<string> columns) =>
        columns.Select(c => new IdentifierHeaderColumn(c, ByHeader(c))).Where(c => c.What != IdentifierHeader.None).ToList();

    /// <summary>
    /// A column kept as it is whose values are all different codes (letters and digits, such as C00012 or A-123): a linking code, whatever
    /// it is called. Amounts and other numbers are all different in small tables without identifying anyone, so they do not count.
    /// </summary>
    public static IReadOnlyList<string> FindLinkingCodes(Table table, IEnumerable<string> columns)
    {
        var wanted = columns.ToHashSet(StringComparer.Ordinal);
        var result = new List<string>();
        if (table.RowCount < MinRowsForLinkingCode) return result;
        for (var c = 0; c < table.Header.Count; c++)
        {
            if (!wanted.Contains(table.Header[c])) continue;
            var values = new HashSet<string>(StringComparer.Ordinal);
            var all = true;
            foreach (var row in table.Rows)
            {
                var v = row[c];
                if (v.Length is 0 or > 40 || !v.Any(char.IsAsciiLetter) || !v.Any(char.IsAsciiDigit) || !v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                    || !values.Add(v))
                {
                    all = false;
                    break;
                }
            }
            if (all) result.Add(table.Header[c]);
        }
        return result;
    }

    /// <summary>Below this many rows, values all different say nothing about a column.</summary>
    private const int MinRowsForLinkingCode = 10;

    private static readonly PiiAnalyzer TextAnalyzer = new(new AnalyzerOptions
    {
        Entities = new HashSet<string>([EntityTypes.Person, EntityTypes.JpAddress], StringComparer.Ordinal),
        ScoreThreshold = TextPerson,
    });

    /// <summary>A person's name in text: 山田太郎様 (the recognizer's score with an honorific or a context word).</summary>
    private const double TextPerson = 0.85;

    /// <summary>A street address with its block number (東京都千代田区丸の内1-9-1); a prefecture or a city alone scores lower.</summary>
    private const double TextAddress = 0.9;

    /// <summary>
    /// Free text that names a person or gives a street address, for anonymized information, which keeps no identifying
    /// description (Rules 34(i)): the first such row of each of the <paramref name="columns"/>, in header order.
    /// </summary>
    public static IReadOnlyList<TextIdentifier> FindInText(Table table, IEnumerable<string> columns)
    {
        var wanted = columns.ToHashSet(StringComparer.Ordinal);
        var result = new List<TextIdentifier>();
        var findings = new List<Finding>();
        for (var c = 0; c < table.Header.Count; c++)
        {
            if (!wanted.Contains(table.Header[c])) continue;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var r = 0; r < table.RowCount; r++)
            {
                var value = table.Rows[r][c];
                if (string.IsNullOrWhiteSpace(value) || seen.Contains(value)) continue;
                findings.Clear();
                TextAnalyzer.Analyze(value.AsSpan(), findings);
                if (findings.FirstOrDefault(f => f.Entity == EntityTypes.Person || f.Score >= TextAddress) is { Entity: not null } hit)
                {
                    result.Add(new TextIdentifier(table.Header[c], r, hit.Entity));
                    break;
                }
                if (seen.Count < CacheLimit) seen.Add(value);
            }
        }
        return result;
    }

    /// <summary>The <paramref name="columns"/> of <paramref name="table"/> whose values hold direct identifiers, in header order.</summary>
    public static IReadOnlyList<IdentifierColumn> Find(Table table, IEnumerable<string> columns)
    {
        var wanted = columns.ToHashSet(StringComparer.Ordinal);
        var result = new List<IdentifierColumn>();
        var findings = new List<Finding>();
        for (var c = 0; c < table.Header.Count; c++)
        {
            if (!wanted.Contains(table.Header[c])) continue;
            var found = Scan(table, c, findings);
            if (found.Count > 0) result.Add(new IdentifierColumn(table.Header[c], found));
        }
        return result;
    }

    private static List<string> Scan(Table table, int column, List<Finding> findings)
    {
        var sure = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new Dictionary<string, (string[] Entities, bool[] Sure)>(StringComparer.Ordinal);
        var nonEmpty = 0;
        foreach (var row in table.Rows)
        {
            var value = row[column];
            if (string.IsNullOrWhiteSpace(value)) continue;
            nonEmpty++;
            if (!seen.TryGetValue(value, out var hit))
            {
                findings.Clear();
                Analyzer.Analyze(value.AsSpan(), findings);
                var entities = findings.Select(f => f.Entity).Distinct().ToArray();
                hit = (entities, entities.Select(e => findings.Any(f => f.Entity == e && f.Score >= Sure)).ToArray());
                if (seen.Count < CacheLimit) seen[value] = hit;
            }
            for (var k = 0; k < hit.Entities.Length; k++)
            {
                counts[hit.Entities[k]] = counts.GetValueOrDefault(hit.Entities[k]) + 1;
                if (hit.Sure[k]) sure.Add(hit.Entities[k]);
            }
        }
        return Entities.Where(e => sure.Contains(e) || (counts.TryGetValue(e, out var n) && n * 2 >= nonEmpty)).ToList();
    }
}
