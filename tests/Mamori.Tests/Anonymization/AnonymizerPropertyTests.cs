using FsCheck.Xunit;
using Mamori.Anonymization;

namespace Mamori.Tests.Anonymization;

public sealed class AnonymizerPropertyTests
{
    private static readonly int[] Heights = [4, 3, 5]; // a: value, 2-wide, 4-wide, *; b: value, pair, *; c: 3 digits masked + *

    private static IEnumerable<int[]> AllTransformations()
    {
        for (var a = 0; a < Heights[0]; a++)
            for (var b = 0; b < Heights[1]; b++)
                for (var c = 0; c < Heights[2]; c++)
                    yield return [a, b, c];
    }

    private static bool Passes(SmallCase @case, List<string> sensitive)
    {
        var counts = sensitive.GroupBy(s => s).Select(g => g.Count()).ToList();
        var n = (double)sensitive.Count;
        if (sensitive.Count < @case.K) return false;
        switch (@case.Variant)
        {
            case 1:
                return counts.Count >= @case.Parameter;
            case 2:
                var entropy = -counts.Sum(c => c / n * Math.Log2(c / n));
                return entropy >= Math.Log2(@case.Parameter) - 1e-9;
            case 3:
                var all = @case.S.GroupBy(s => $"s{s}").ToDictionary(g => g.Key, g => g.Count() / (double)@case.S.Length);
                var within = sensitive.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count() / n);
                var distance = all.Keys.Sum(key => Math.Abs(all[key] - within.GetValueOrDefault(key))) / 2;
                return distance <= @case.Parameter + 1e-9;
            default:
                return true;
        }
    }

    [Property(MaxTest = 150, Arbitrary = [typeof(AnonymizationArbitraries)])]
    public bool Anonymize_RandomTable_EveryClassSatisfiesModelsAndSuppressionWithinLimit(SmallCase @case)
    {
        var table = @case.Table();
        AnonymizationResult result;
        try
        {
            result = Anonymizer.Anonymize(table, @case.Config());
        }
        catch (AnonymizationException e) when (e.Code == AnonymizationErrors.NoSolution)
        {
            // Only acceptable when no transformation at all is feasible.
            return AllTransformations().All(t => !Anonymizer.Evaluate(table, @case.Config(), t).Feasible);
        }
        var limit = (int)Math.Floor(@case.Suppression * table.RowCount);
        if (result.Suppressed > limit) return false;
        if (result.Output.Header.Contains("name")) return false; // identifying attribute removed

        var header = result.Output.Header.ToList();
        var qi = new[] { "a", "b", "c" }.Select(h => header.IndexOf(h)).ToArray();
        var s = result.Output.Header.ToList().IndexOf("s");
        var groups = result.Output.Rows.GroupBy(r => string.Join("\u0001", qi.Select(i => r[i])));
        var suppressedSeen = 0;
        foreach (var g in groups)
        {
            if (g.First()[qi[0]] == "*" && g.First()[qi[1]] == "*" && g.First()[qi[2]] == "*" && result.Suppressed > 0)
            {
                suppressedSeen += g.Count();
                continue;
            }
            if (!Passes(@case, g.Select(r => r[s]).ToList())) return false;
        }
        return suppressedSeen == result.Suppressed;
    }

    [Property(MaxTest = 80, Arbitrary = [typeof(AnonymizationArbitraries)])]
    public bool Anonymize_RandomTable_LossEqualsExhaustiveOptimum(SmallCase @case)
    {
        var table = @case.Table();
        var evaluations = AllTransformations().Select(t => Anonymizer.Evaluate(table, @case.Config(), t)).Where(e => e.Feasible).ToList();
        AnonymizationResult result;
        try
        {
            result = Anonymizer.Anonymize(table, @case.Config());
        }
        catch (AnonymizationException e) when (e.Code == AnonymizationErrors.NoSolution)
        {
            return evaluations.Count == 0;
        }
        var best = evaluations.Select(e => e.Loss).Min()!;
        var mine = Anonymizer.Evaluate(table, @case.Config(), result.Levels.ToArray());
        return mine.Feasible && Close(mine.Loss, best) && Close(result.Loss, best);
    }

    private static bool Close(InformationLoss x, InformationLoss y)
    {
        var a = x.Ranked ?? [x.Value];
        var b = y.Ranked ?? [y.Value];
        return a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-9 * Math.Max(1, Math.Abs(p.Second)));
    }
}
