using Mamori.Anonymization;
using Mamori.Discovery;

namespace Mamori.Datasets;

/// <summary>A column of processed data whose values still hold direct identifiers (never the values themselves).</summary>
public sealed record IdentifierColumn(string Column, IReadOnlyList<string> Entities)
{
    public override string ToString() =>
        $"'{(Column.Length <= 100 ? Column : Column[..100])}' ({string.Join(", ", Entities.Select(DirectIdentifiers.Describe))})";
}

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
        _ => entity,
    };

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
