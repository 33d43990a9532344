using Mamori.Anonymization.Engine;

namespace Mamori.Anonymization;

/// <summary>The information loss and suppression of one fixed transformation.</summary>
public sealed record TransformationEvaluation(
    IReadOnlyList<int> Levels,
    InformationLoss Loss,
    int Suppressed,
    int Classes,
    bool Feasible);

/// <summary>How much work the search did.</summary>
public sealed record SearchStatistics(int LatticeSize, int NodesChecked, int NodesTaggedInfeasible, int NodesPruned, long ClassesRolledUp);

/// <summary>The result of <see cref="Anonymizer.Anonymize"/>.</summary>
public sealed record AnonymizationResult(
    IReadOnlyList<string> QuasiIdentifiers,
    IReadOnlyList<int> Levels,
    InformationLoss Loss,
    int Suppressed,
    int Classes,
    Table Output,
    SearchStatistics Statistics)
{
    /// <summary>The chosen level of each quasi-identifier, by name.</summary>
    public IReadOnlyDictionary<string, int> LevelsByAttribute =>
        QuasiIdentifiers.Select((q, i) => (q, i)).ToDictionary(t => t.q, t => Levels[t.i], StringComparer.Ordinal);
}

/// <summary>
/// Globally optimal full-domain generalization. Searches the lattice of level combinations
/// best-first by a lower bound of the loss, checks each node's equivalence classes (rolled up from
/// a finer cached node), suppresses the classes that violate a privacy model, and keeps the
/// feasible node of least loss. Predictive tagging marks the specializations of an infeasible node
/// infeasible and the generalizations of a feasible node feasible (when the models are monotone),
/// and bound pruning drops the generalizations of a node whose bound is no better than the best so
/// far. The answer is the same as an exhaustive search (see docs/anonymization.md).
/// </summary>
public static class Anonymizer
{
    private const byte Infeasible = 1;
    private const byte Feasible = 2;
    private const byte Pruned = 4;

    public static AnonymizationResult Anonymize(Table table, AnonymizationConfig config,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var data = EncodedData.Create(table, config);
        var (node, loss, stats) = Search(data, progress, cancellationToken);
        var lattice = new Lattice(data.Dimensions.Select(x => x.Levels).ToArray());
        var levels = new int[data.D];
        lattice.Decode(node, levels);
        return Apply(data, levels, loss, stats);
    }

    /// <summary>The loss of a fixed transformation (levels in the data order of the quasi-identifiers), as ARX reports it.</summary>
    public static TransformationEvaluation Evaluate(Table table, AnonymizationConfig config, IReadOnlyList<int> levels)
    {
        var data = EncodedData.Create(table, config);
        if (levels.Count != data.D)
            throw AnonymizationException.Of(AnonymizationErrors.InvalidTransformation, $"expected {data.D} levels, got {levels.Count}");
        var lv = levels.ToArray();
        for (var j = 0; j < lv.Length; j++)
        {
            if (lv[j] < 0 || lv[j] >= data.Dimensions[j].Levels)
                throw AnonymizationException.Of(AnonymizationErrors.InvalidTransformation,
                    $"level {lv[j]} of '{data.Dimensions[j].Name}' is outside its hierarchy");
        }
        var g = GroupTable.FromRows(data, lv);
        var outlier = new bool[g.Count];
        var suppressed = Classify(data, g, outlier, int.MaxValue);
        var loss = new MetricEvaluator(data, config.Metric).Evaluate(lv, g, outlier);
        var classes = 0;
        for (var c = 0; c < g.Count; c++) if (!outlier[c]) classes++;
        return new TransformationEvaluation(lv, loss, suppressed, classes, suppressed <= data.MaxOutliers);
    }

    /// <summary>Marks the classes that violate a model; returns the number of suppressed records (stops counting past <paramref name="abortAbove"/>).</summary>
    internal static int Classify(EncodedData data, GroupTable g, bool[] outlier, int abortAbove)
    {
        var suppressed = 0;
        var models = data.Models;
        var sens = data.Sensitive;
        for (var c = 0; c < g.Count; c++)
        {
            var size = g.Sizes[c];
            var pass = true;
            foreach (var (model, s) in models)
            {
                var ok = s < 0
                    ? model.Passes(size, default, default, default)
                    : model.Passes(size, g.Values(s, c), g.Counts(s, c), sens[s].Overall);
                if (!ok)
                {
                    pass = false;
                    break;
                }
            }
            outlier[c] = !pass;
            if (!pass)
            {
                suppressed += size;
                if (suppressed > abortAbove) return suppressed;
            }
        }
        return suppressed;
    }

    internal static (int Node, InformationLoss Loss, SearchStatistics Stats) Search(EncodedData data,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var lattice = new Lattice(data.Dimensions.Select(x => x.Levels).ToArray());
        var metric = new MetricEvaluator(data, data.Config.Metric);
        var levelsOnly = data.Config.Metric.DependsOnLevelsOnly;
        var monotoneModels = data.MaxOutliers == 0 || data.Models.All(m => m.Model.MonotoneWithSuppression);
        var n = lattice.Size;
        var levels = new int[data.D];

        // Static lower bounds and the visiting order: best bound first, then lower nodes first.
        var bounds = new InformationLoss?[n];
        var heights = new int[n];
        for (var x = 0; x < n; x++)
        {
            lattice.Decode(x, levels);
            bounds[x] = metric.StaticBound(levels);
            heights[x] = lattice.HeightOf(x);
        }
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var ba = bounds[a];
            var bb = bounds[b];
            var c = ba is null || bb is null ? 0 : ba.CompareTo(bb);
            return c != 0 ? c : heights[a] != heights[b] ? heights[a].CompareTo(heights[b]) : a.CompareTo(b);
        });

        var flags = new byte[n];
        var stack = new Stack<int>();
        var cache = new TableCache(data, lattice);
        var outlier = new bool[1024];
        InformationLoss? best = null;
        var bestNode = -1;
        int checkedNodes = 0, processed = 0;
        var lastReport = 0;
        var path = new List<int>();
        var pathLevels = new int[data.D];

        // Groups a node, classifies its classes and tags its generalizations or specializations.
        (GroupTable Table, bool Feasible) Check(int x, int[] lv)
        {
            var g = cache.Get(x, lv);
            if (outlier.Length < g.Count) outlier = new bool[Math.Max(g.Count, outlier.Length * 2)];
            checkedNodes++;
            // Stopping early is safe: a node past the limit is infeasible and its loss is never needed.
            var feasible = Classify(data, g, outlier, data.MaxOutliers) <= data.MaxOutliers;
            if (monotoneModels)
            {
                if (feasible) lattice.TagUp(flags, x, Feasible, stack);
                else lattice.TagDown(flags, x, Infeasible, stack);
            }
            return (g, feasible);
        }

        // Flash-style: decide a node's feasibility by a binary search on a path from it to the top.
        // An infeasible node high on the path tags every node below it in one go.
        void Resolve(int x)
        {
            path.Clear();
            lattice.Decode(x, pathLevels);
            path.Add(x);
            var cur = x;
            while (true)
            {
                var pick = -1;
                var lowest = double.MaxValue;
                for (var j = 0; j < data.D; j++)
                {
                    var h = lattice.Heights[j] - 1;
                    if (pathLevels[j] >= h) continue;
                    var rel = (double)pathLevels[j] / h;
                    if (rel < lowest) { lowest = rel; pick = j; }
                }
                if (pick < 0) break;
                pathLevels[pick]++;
                cur += lattice.Strides[pick];
                path.Add(cur);
            }
            int lo = 0, hi = path.Count; // first feasible index in [lo, hi]; hi = none
            while (lo < hi && (flags[x] & (Feasible | Infeasible)) == 0)
            {
                var mid = (lo + hi) / 2;
                var y = path[mid];
                bool feasible;
                if ((flags[y] & Feasible) != 0) feasible = true;
                else if ((flags[y] & Infeasible) != 0) feasible = false;
                else
                {
                    lattice.Decode(y, pathLevels);
                    feasible = Check(y, pathLevels).Feasible;
                }
                if (feasible) hi = mid;
                else lo = mid + 1;
            }
        }

        foreach (var x in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            processed++;
            if (progress is not null && processed - lastReport >= 256)
            {
                lastReport = processed;
                progress.Report((double)processed / n);
            }
            var bound = bounds[x];
            if (best is not null && bound is not null && bound.CompareTo(best) >= 0) break;
            if ((flags[x] & (Infeasible | Pruned)) != 0) continue;
            if (monotoneModels && (flags[x] & Feasible) == 0)
            {
                Resolve(x);
                if ((flags[x] & Infeasible) != 0) continue;
            }
            lattice.Decode(x, levels);
            if (levelsOnly && (flags[x] & Feasible) != 0)
            {
                // Known feasible, and the loss does not depend on the data: no need to group.
                if (best is null || bound!.CompareTo(best) < 0) { best = bound; bestNode = x; }
                lattice.TagUp(flags, x, Pruned, stack);
                continue;
            }
            var (g, ok) = Check(x, levels);
            if (!ok) continue;
            var loss = levelsOnly ? bound! : metric.Evaluate(levels, g, outlier);
            if (best is null || loss.CompareTo(best) < 0)
            {
                best = loss;
                bestNode = x;
            }
            var dynamic = levelsOnly ? loss : metric.DynamicBound(levels, g);
            if (dynamic is not null && dynamic.CompareTo(best) >= 0)
            {
                // Every generalization has a loss of at least this bound: none can beat the best.
                lattice.TagUp(flags, x, Pruned, stack);
            }
        }
        progress?.Report(1);
        if (best is null)
            throw AnonymizationException.Of(AnonymizationErrors.NoSolution,
                "no transformation satisfies the privacy models within the suppression limit");
        var infeasible = flags.Count(f => (f & Infeasible) != 0);
        var pruned = flags.Count(f => (f & Pruned) != 0);
        return (bestNode, best, new SearchStatistics(n, checkedNodes, infeasible, pruned, cache.ClassesRolledUp));
    }

    private static AnonymizationResult Apply(EncodedData data, int[] levels, InformationLoss loss, SearchStatistics stats)
    {
        var table = data.Table;
        var classOfRow = new int[data.Rows];
        var g = GroupTable.FromRows(data, levels, null, classOfRow);
        var outlier = new bool[g.Count];
        var suppressed = Classify(data, g, outlier, int.MaxValue);
        var classes = 0;
        for (var c = 0; c < g.Count; c++) if (!outlier[c]) classes++;

        var kinds = data.Config.Attributes;
        var keep = new List<int>();
        for (var col = 0; col < table.Header.Count; col++)
        {
            if (kinds.TryGetValue(table.Header[col], out var k) && k == AttributeKind.Identifying) continue;
            keep.Add(col);
        }
        var dimOfColumn = new int[table.Header.Count];
        Array.Fill(dimOfColumn, -1);
        for (var j = 0; j < data.D; j++) dimOfColumn[data.Dimensions[j].Column] = j;

        var rows = new List<string[]>(data.Rows);
        for (var r = 0; r < data.Rows; r++)
        {
            var src = table.Rows[r];
            var dst = new string[keep.Count];
            var isOutlier = outlier[classOfRow[r]];
            for (var i = 0; i < keep.Count; i++)
            {
                var col = keep[i];
                var j = dimOfColumn[col];
                if (j < 0) { dst[i] = src[col]; continue; }
                if (isOutlier) { dst[i] = "*"; continue; }
                var dim = data.Dimensions[j];
                var level = levels[j];
                dst[i] = dim.Labels[level][dim.Up[level][data.Codes[r * data.D + j]]];
            }
            rows.Add(dst);
        }
        var output = new Table(keep.Select(c => table.Header[c]).ToArray(), rows);
        return new AnonymizationResult(
            data.Dimensions.Select(x => x.Name).ToArray(), levels, loss, suppressed, classes, output, stats);
    }

    /// <summary>
    /// Keeps the classes of recently checked nodes so that a node can be rolled up from a finer one
    /// instead of grouping the rows again. The bottom node (grouped from the rows once) is always kept.
    /// </summary>
    private sealed class TableCache(EncodedData data, Lattice lattice)
    {
        private const int MaxEntries = 512;
        private const long MaxClasses = 1_000_000; // classes plus distribution entries
        private readonly Dictionary<int, GroupTable> _tables = [];
        private readonly Dictionary<int, GroupTable> _hubs = [];

        private readonly Queue<int> _fifo = new();
        private readonly Stack<GroupTable> _free = new();
        private GroupTable? _bottom;

        public long ClassesRolledUp { get; private set; }
        private long _classes;
        private readonly int[] _scratch = new int[data.D];

        public GroupTable Get(int node, int[] levels)
        {
            _bottom ??= GroupTable.FromRows(data, new int[data.D]);
            if (node == 0) return _bottom;
            if (_tables.TryGetValue(node, out var hit)) return hit;
            // The finest-grained information is not needed: any cached node below this one will do,
            // and the one with the fewest classes is the cheapest to roll up.
            var source = _bottom;
            for (var j = 0; j < data.D; j++)
            {
                if (levels[j] == 0) continue;
                if (_tables.TryGetValue(node - lattice.Strides[j], out var p) && p.Count < source.Count) source = p;
            }
            if (ReferenceEquals(source, _bottom))
            {
                foreach (var (key, t) in _tables)
                {
                    if (t.Count >= source.Count) continue;
                    lattice.Decode(key, _scratch);
                    var below = true;
                    for (var j = 0; j < data.D && below; j++) below = _scratch[j] <= levels[j];
                    if (below) source = t;
                }
            }
            if (ReferenceEquals(source, _bottom))
            {
                // No cached node below this one: go through its hub, the node that caps every level
                // of this one at 1. Hubs are few (at most 2^D) and stay cached, so the full class
                // list of the bottom is rolled up once per hub rather than once per node. (Further
                // tiers, capping at 2, 3, ..., were measured and cost more than they save.)
                var hubLevels = new int[data.D];
                var hub = 0;
                for (var j = 0; j < data.D; j++)
                {
                    hubLevels[j] = Math.Min(levels[j], 1);
                    hub += hubLevels[j] * lattice.Strides[j];
                }
                if (hub != node)
                {
                    if (!_hubs.TryGetValue(hub, out var h))
                    {
                        if (!_tables.TryGetValue(hub, out h))
                        {
                            ClassesRolledUp += source.Count;
                            h = GroupTable.RollUp(data, source, hubLevels);
                        }
                        _hubs[hub] = h;
                    }
                    source = h;
                }
            }
            ClassesRolledUp += source.Count;
            var table = GroupTable.RollUp(data, source, levels, _free.Count > 0 ? _free.Pop() : null);
            Add(node, table);
            return table;
        }

        /// <summary>A table's share of the cache budget: its classes and their sensitive-value entries.</summary>
        private static long Weight(GroupTable table) => table.Count + table.DistributionEntries;

        private void Add(int node, GroupTable table)
        {
            _tables[node] = table;
            _fifo.Enqueue(node);
            _classes += Weight(table);
            while (_fifo.Count > MaxEntries || (_classes > MaxClasses && _fifo.Count > 1))
            {
                var old = _fifo.Dequeue();
                if (old == node) { _fifo.Enqueue(old); continue; }
                var t = _tables[old];
                _tables.Remove(old);
                _classes -= Weight(t);
                // A hub may also be a cached node's table: it stays in use.
                if (!_hubs.ContainsValue(t)) _free.Push(t);
            }
        }
    }
}
