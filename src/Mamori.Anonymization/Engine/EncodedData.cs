using System.Collections.Frozen;

namespace Mamori.Anonymization.Engine;

/// <summary>One quasi-identifier, its hierarchy encoded as ints per level.</summary>
internal sealed class Dimension
{
    public required string Name { get; init; }
    public required int Column { get; init; }
    public required Hierarchy Hierarchy { get; init; }
    /// <summary>Number of levels counting level 0.</summary>
    public required int Levels { get; init; }
    /// <summary>Up[L][id0] = the id at level L of the original value id0 (id0 = hierarchy row).</summary>
    public required int[][] Up { get; init; }
    /// <summary>Cardinality (number of distinct ids) at each level.</summary>
    public required int[] Cardinality { get; init; }
    /// <summary>Labels[L][id] = the string of id at level L.</summary>
    public required string[][] Labels { get; init; }
    /// <summary>Share[L][id] = fraction of hierarchy rows that generalize to id at level L (ARX's domain share).</summary>
    public required double[][] Share { get; init; }
    /// <summary>RecordCount[L][id] = number of records whose value generalizes to id at level L.</summary>
    public required int[][] RecordCount { get; init; }
    /// <summary>RollUp[a][b][idA] = id at level b of id at level a (b ≥ a).</summary>
    public required int[][][] RollUp { get; init; }
}

/// <summary>A sensitive attribute named by a privacy model, its values encoded as ints.</summary>
internal sealed class SensitiveColumn
{
    public required string Name { get; init; }
    public required int Column { get; init; }
    public required int Cardinality { get; init; }
    public required int[] ValueOfRow { get; init; }
    public required double[] Overall { get; init; }
}

/// <summary>The table encoded for the search: level-0 ids per row and dimension, hierarchies as int maps.</summary>
internal sealed class EncodedData
{
    public required Table Table { get; init; }
    public required AnonymizationConfig Config { get; init; }
    public required Dimension[] Dimensions { get; init; }
    public required SensitiveColumn[] Sensitive { get; init; }
    /// <summary>Row-major level-0 ids: Codes[row * D + d].</summary>
    public required int[] Codes { get; init; }
    public required int Rows { get; init; }
    public required (PrivacyModel Model, int Sensitive)[] Models { get; init; }
    public required int MaxOutliers { get; init; }
    public required double[] Weights { get; init; }

    public int D => Dimensions.Length;

    public static EncodedData Create(Table table, AnonymizationConfig config)
    {
        if (!(config.SuppressionLimit >= 0 && config.SuppressionLimit <= 1))
            throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, "the suppression limit must be in [0, 1]");
        foreach (var name in config.Attributes.Keys.Concat(config.Hierarchies.Keys).Concat(config.Weights.Keys))
        {
            if (table.IndexOf(name) < 0)
                throw AnonymizationException.Of(AnonymizationErrors.UnknownAttribute, $"attribute '{name}' is not in the data header");
        }
        foreach (var model in config.Models)
        {
            model.Validate();
            if (model.Attribute is { } a)
            {
                if (table.IndexOf(a) < 0)
                    throw AnonymizationException.Of(AnonymizationErrors.UnknownAttribute, $"attribute '{a}' is not in the data header");
                if (!config.Attributes.TryGetValue(a, out var kind) || kind != AttributeKind.Sensitive)
                    throw AnonymizationException.Of(AnonymizationErrors.NotSensitive, $"model {model} names '{a}', which is not a sensitive attribute");
            }
        }
        foreach (var (name, w) in config.Weights)
        {
            if (!(w >= 0) || double.IsInfinity(w))
                throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter, $"the weight of '{name}' must be a non-negative number");
        }

        var rows = table.RowCount;
        var dims = new List<Dimension>();
        for (var col = 0; col < table.Header.Count; col++)
        {
            var name = table.Header[col];
            if (!config.Attributes.TryGetValue(name, out var kind) || kind != AttributeKind.QuasiIdentifying) continue;
            var column = col;
            var hierarchy = config.Hierarchies.TryGetValue(name, out var h)
                ? h
                : Hierarchy.Suppression(table.Rows.Select(r => r[column]));
            dims.Add(BuildDimension(name, col, hierarchy, table));
        }
        if (dims.Count == 0)
            throw AnonymizationException.Of(AnonymizationErrors.NoQuasiIdentifier, "no attribute is quasi-identifying");

        var d = dims.Count;
        var codes = new int[rows * d];
        var indexes = new FrozenDictionary<string, int>[d];
        var columns = new int[d];
        var counts0 = new int[d][];
        for (var j = 0; j < d; j++)
        {
            var hrows = dims[j].Hierarchy.RowsInternal;
            indexes[j] = hrows.Select((row, i) => KeyValuePair.Create(row[0], i)).ToFrozenDictionary(StringComparer.Ordinal);
            columns[j] = dims[j].Column;
            counts0[j] = new int[hrows.Length];
        }
        // One pass over the rows (row-major), so each row's cells are read while they are in cache.
        for (var r = 0; r < rows; r++)
        {
            var row = table.Rows[r];
            var b = r * d;
            for (var j = 0; j < d; j++)
            {
                if (!indexes[j].TryGetValue(row[columns[j]], out var id))
                    throw AnonymizationException.Of(AnonymizationErrors.ValueNotInHierarchy,
                        $"{table.Where(r)}: the value of '{dims[j].Name}' is not in its hierarchy");
                codes[b + j] = id;
                counts0[j][id]++;
            }
        }
        for (var j = 0; j < d; j++)
        {
            var dim = dims[j];
            for (var level = 0; level < dim.Levels; level++)
            {
                var rc = dim.RecordCount[level];
                var up = dim.Up[level];
                var c0 = counts0[j];
                for (var id = 0; id < c0.Length; id++) rc[up[id]] += c0[id];
            }
        }

        var sensitiveNames = config.Models.Select(m => m.Attribute).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var sensitive = new SensitiveColumn[sensitiveNames.Count];
        for (var s = 0; s < sensitive.Length; s++)
        {
            var col = table.IndexOf(sensitiveNames[s]);
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            var valueOfRow = new int[rows];
            var counts = new List<int>();
            for (var r = 0; r < rows; r++)
            {
                var v = table.Rows[r][col];
                if (!ids.TryGetValue(v, out var id))
                {
                    id = ids.Count;
                    ids[v] = id;
                    counts.Add(0);
                }
                valueOfRow[r] = id;
                counts[id]++;
            }
            sensitive[s] = new SensitiveColumn
            {
                Name = sensitiveNames[s],
                Column = col,
                Cardinality = ids.Count,
                ValueOfRow = valueOfRow,
                Overall = counts.Select(c => rows == 0 ? 0d : (double)c / rows).ToArray(),
            };
        }

        var models = config.Models
            .Select(m => (m, m.Attribute is null ? -1 : sensitiveNames.IndexOf(m.Attribute)))
            .ToArray();

        // ARX normalizes attribute weights by the largest; all-default (or all-zero) weights are 1.
        var weights = new double[d];
        var max = 0d;
        for (var j = 0; j < d; j++)
        {
            weights[j] = config.Weights.TryGetValue(dims[j].Name, out var w) ? w : 0.5;
            max = Math.Max(max, weights[j]);
        }
        for (var j = 0; j < d; j++) weights[j] = max == 0 ? 1d : weights[j] / max;

        return new EncodedData
        {
            Table = table,
            Config = config,
            Dimensions = [.. dims],
            Sensitive = sensitive,
            Codes = codes,
            Rows = rows,
            Models = models,
            MaxOutliers = (int)Math.Floor(config.SuppressionLimit * rows),
            Weights = weights,
        };
    }

    private static Dimension BuildDimension(string name, int column, Hierarchy hierarchy, Table table)
    {
        var hrows = hierarchy.RowsInternal;
        var levels = hierarchy.Levels;
        var up = new int[levels][];
        var labels = new string[levels][];
        var card = new int[levels];
        var share = new double[levels][];
        var recordCount = new int[levels][];
        for (var level = 0; level < levels; level++)
        {
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            var map = new int[hrows.Length];
            var rowsPer = new List<int>();
            var names = new List<string>();
            for (var i = 0; i < hrows.Length; i++)
            {
                var label = hrows[i][level];
                if (!ids.TryGetValue(label, out var id))
                {
                    id = ids.Count;
                    ids[label] = id;
                    rowsPer.Add(0);
                    names.Add(label);
                }
                map[i] = id;
                rowsPer[id]++;
            }
            up[level] = map;
            card[level] = ids.Count;
            labels[level] = [.. names];
            share[level] = rowsPer.Select(c => (double)c / hrows.Length).ToArray();
            recordCount[level] = new int[ids.Count];
        }
        var rollUp = new int[levels][][];
        for (var a = 0; a < levels; a++)
        {
            rollUp[a] = new int[levels][];
            for (var b = a; b < levels; b++)
            {
                var m = new int[card[a]];
                for (var i = 0; i < hrows.Length; i++) m[up[a][i]] = up[b][i];
                rollUp[a][b] = m;
            }
        }
        return new Dimension
        {
            Name = name,
            Column = column,
            Hierarchy = hierarchy,
            Levels = levels,
            Up = up,
            Cardinality = card,
            Labels = labels,
            Share = share,
            RecordCount = recordCount,
            RollUp = rollUp,
        };
    }
}
