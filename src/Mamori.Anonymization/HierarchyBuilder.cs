using System.Globalization;
using System.Text;

namespace Mamori.Anonymization;

/// <summary>Date generalization steps for <see cref="HierarchyBuilder.Dates"/>.</summary>
public enum DateStep
{
    /// <summary>yyyy-MM</summary>
    Month,
    /// <summary>yyyy</summary>
    Year,
    /// <summary>The decade, written yyy0s (e.g. 1990s).</summary>
    Decade,
}

/// <summary>
/// Builds hierarchies from rules: numeric intervals, dates, and prefix masking for codes such as
/// postal codes (〒123-4567 → 123-456* → … → *) and addresses. Every builder ends in "*".
/// </summary>
public static class HierarchyBuilder
{
    /// <summary>
    /// Numeric intervals. Level <i>i</i> groups a value into the interval of width
    /// <paramref name="widths"/>[i-1] that contains it, aligned at <paramref name="origin"/>.
    /// Each width must be a positive multiple of the one before, so the result is a tree.
    /// Integer data with integer widths is labelled "lo-hi" (inclusive, as in ARX's adult age
    /// hierarchy); otherwise "[lo, hi[".
    /// </summary>
    public static Hierarchy Intervals(IEnumerable<string> values, IReadOnlyList<double> widths, double origin = 0)
    {
        if (widths.Count == 0)
            throw AnonymizationException.Of(AnonymizationErrors.RuleInvalid, "interval rule needs at least one width");
        for (var i = 0; i < widths.Count; i++)
        {
            if (!(widths[i] > 0) || double.IsInfinity(widths[i]))
                throw AnonymizationException.Of(AnonymizationErrors.RuleInvalid, $"interval width {i + 1} must be positive");
            if (i > 0)
            {
                var ratio = widths[i] / widths[i - 1];
                if (ratio < 1 || Math.Abs(ratio - Math.Round(ratio)) > 1e-9)
                    throw AnonymizationException.Of(AnonymizationErrors.RuleInvalid,
                        $"interval width {i + 1} must be a multiple of width {i}");
            }
        }
        var distinct = new List<string>();
        var numbers = new List<double>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var integral = widths.All(w => w == Math.Floor(w)) && origin == Math.Floor(origin);
        var row = 0;
        foreach (var v in values)
        {
            if (seen.Add(v))
            {
                if (!double.TryParse(Normalized(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || double.IsNaN(x) || double.IsInfinity(x))
                    throw NotFitting(row, v.Length == 0 ? "the value is empty, not a number" : "the value is not a number");
                distinct.Add(v);
                numbers.Add(x);
                if (x != Math.Floor(x)) integral = false;
            }
            row++;
        }
        var parsed = numbers.ToArray();
        var rows = new List<string[]>(distinct.Count);
        for (var i = 0; i < distinct.Count; i++)
        {
            var levels = new string[widths.Count + 2];
            levels[0] = distinct[i];
            for (var l = 0; l < widths.Count; l++)
            {
                var w = widths[l];
                var lo = origin + Math.Floor((parsed[i] - origin) / w) * w;
                levels[l + 1] = integral
                    ? string.Create(CultureInfo.InvariantCulture, $"{lo}-{lo + w - 1}")
                    : string.Create(CultureInfo.InvariantCulture, $"[{lo}, {lo + w}[");
            }
            levels[^1] = "*";
            rows.Add(levels);
        }
        return Hierarchy.FromRows(rows, "interval rule");
    }

    /// <summary>
    /// The value as the numeric and date rules read it: NFKC (full-width digits, as Japanese input often has
    /// them, become ASCII) and without surrounding spaces. The hierarchy keeps the original value.
    /// </summary>
    private static string Normalized(string value) => value.Normalize(NormalizationForm.FormKC).Trim();

    private static AnonymizationException NotFitting(int row, string what) =>
        new(AnonymizationErrors.RuleInvalid, $"row {row + 1}: {what}") { Row = row };

    /// <summary>Dates in ISO form (yyyy-MM-dd), generalized by the given steps (in order) and then "*".</summary>
    public static Hierarchy Dates(IEnumerable<string> values, IReadOnlyList<DateStep> steps)
    {
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i] <= steps[i - 1])
                throw AnonymizationException.Of(AnonymizationErrors.RuleInvalid, "date steps must go from finer to coarser");
        }
        var rows = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = -1;
        foreach (var v in values)
        {
            index++;
            if (!seen.Add(v)) continue;
            if (!DateOnly.TryParseExact(Normalized(v), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                throw NotFitting(index, v.Length == 0 ? "the value is empty, not a yyyy-MM-dd date" : "the value is not a yyyy-MM-dd date");
            var row = new string[steps.Count + 2];
            row[0] = v;
            for (var l = 0; l < steps.Count; l++)
            {
                row[l + 1] = steps[l] switch
                {
                    DateStep.Month => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    DateStep.Year => d.ToString("yyyy", CultureInfo.InvariantCulture),
                    _ => string.Create(CultureInfo.InvariantCulture, $"{d.Year / 10 * 10}s"),
                };
            }
            row[^1] = "*";
            rows.Add(row);
        }
        return Hierarchy.FromRows(rows, "date rule");
    }

    /// <summary>
    /// Prefix masking: level <i>i</i> keeps the value's prefix and replaces its last
    /// <c>i × step</c> maskable characters with <paramref name="mask"/>. Characters in
    /// <paramref name="keep"/> (such as the hyphen of a postal code) are never masked and do not
    /// count. The top level is "*".
    /// </summary>
    public static Hierarchy PrefixMask(IEnumerable<string> values, int step = 1, char mask = '*', string keep = "-")
    {
        if (step < 1)
            throw AnonymizationException.Of(AnonymizationErrors.RuleInvalid, "masking step must be at least 1");
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        int Maskable(string s) => s.Count(c => !keep.Contains(c));
        var maxMaskable = distinct.Count == 0 ? 0 : distinct.Max(Maskable);
        var levels = (maxMaskable + step - 1) / step; // masking levels
        var rows = new List<string[]>(distinct.Count);
        foreach (var v in distinct)
        {
            var row = new string[levels + 2];
            row[0] = v;
            var chars = v.ToCharArray();
            for (var l = 1; l <= levels; l++)
            {
                var toMask = l * step;
                var masked = (char[])chars.Clone();
                for (var i = masked.Length - 1; i >= 0 && toMask > 0; i--)
                {
                    if (keep.Contains(masked[i])) continue;
                    masked[i] = mask;
                    toMask--;
                }
                row[l] = new string(masked);
            }
            row[^1] = mask.ToString();
            rows.Add(row);
        }
        return Hierarchy.FromRows(rows, "masking rule");
    }
}
