using System.Globalization;

namespace Mamori.Anonymization;

/// <summary>
/// A value generalization hierarchy in ARX's materialized form: one row per original value,
/// column 0 the original value and column <i>i</i> its generalization at level <i>i</i>.
/// Every row has the same number of levels, and it is a tree: two values that are equal at one
/// level are equal at every higher level.
/// </summary>
public sealed class Hierarchy
{
    private readonly string[][] _rows;

    private Hierarchy(string[][] rows) => _rows = rows;

    /// <summary>Number of levels, counting level 0 (ARX's "height").</summary>
    public int Levels => _rows[0].Length;

    /// <summary>Number of rows (original values); ARX's domain size for the Loss metric.</summary>
    public int Count => _rows.Length;

    public IReadOnlyList<string> Row(int index) => _rows[index];

    internal string[][] RowsInternal => _rows;

    /// <summary>Builds a hierarchy from rows and checks its shape.</summary>
    public static Hierarchy FromRows(IEnumerable<IReadOnlyList<string>> rows, string source = "hierarchy")
    {
        var list = rows.Select(r => r.ToArray()).ToArray();
        if (list.Length == 0)
            throw AnonymizationException.Of(AnonymizationErrors.HierarchyMalformed, $"{source}: no rows");
        var levels = list[0].Length;
        if (levels == 0)
            throw AnonymizationException.Of(AnonymizationErrors.HierarchyMalformed, $"{source}: row 1 is empty");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i].Length != levels)
                throw AnonymizationException.Of(AnonymizationErrors.HierarchyMalformed,
                    $"{source}: row {i + 1} has {list[i].Length} levels, row 1 has {levels}");
            if (!seen.Add(list[i][0]))
                throw AnonymizationException.Of(AnonymizationErrors.HierarchyDuplicate,
                    $"{source}: row {i + 1} repeats an original value of an earlier row");
        }
        for (var level = 0; level + 1 < levels; level++)
        {
            var parent = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Length; i++)
            {
                var v = list[i][level];
                var p = list[i][level + 1];
                if (parent.TryGetValue(v, out var q))
                {
                    if (!string.Equals(p, q, StringComparison.Ordinal))
                        throw AnonymizationException.Of(AnonymizationErrors.HierarchyInconsistent,
                            $"{source}: row {i + 1}: a value at level {level} generalizes to two different values at level {level + 1}");
                }
                else
                {
                    parent[v] = p;
                }
            }
        }
        return new Hierarchy(list);
    }

    /// <summary>Reads ARX's hierarchy CSV: no header, one row per value, delimiter-separated levels.</summary>
    public static Hierarchy ReadArxCsv(TextReader reader, char delimiter = ';', string source = "hierarchy")
        => FromRows(Csv.Read(reader, delimiter, source), source);

    public static Hierarchy ReadArxCsv(string path, char delimiter = ';')
    {
        using var reader = Csv.Open(path);
        return ReadArxCsv(reader, delimiter, path);
    }

    public void WriteArxCsv(TextWriter writer, char delimiter = ';')
    {
        foreach (var row in _rows) Csv.WriteRecord(writer, row, delimiter);
    }

    /// <summary>The two-level hierarchy value → "*" for the given values.</summary>
    public static Hierarchy Suppression(IEnumerable<string> values, string mask = "*")
        => FromRows(values.Distinct(StringComparer.Ordinal).Select(v => new[] { v, mask }), "suppression hierarchy");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Hierarchy({Count} values, {Levels} levels)");
}
