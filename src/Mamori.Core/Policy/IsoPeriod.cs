using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mamori.Policy;

/// <summary>
/// A calendar period in the ISO-8601 date form <c>PnYnMnWnD</c> (e.g. <c>P7Y</c>, <c>P1M</c>,
/// <c>P1Y6M</c>, <c>P30D</c>). Time parts are not allowed: retention is counted in days.
/// </summary>
[JsonConverter(typeof(IsoPeriodJsonConverter))]
public readonly record struct IsoPeriod(int Years, int Months, int Weeks, int Days)
{
    public static bool TryParse(string? text, out IsoPeriod period)
    {
        period = default;
        if (string.IsNullOrEmpty(text) || text.Length > 32 || text[0] != 'P' || text.Length < 3) return false;
        int y = 0, m = 0, w = 0, d = 0, i = 1, lastRank = -1;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (i == start || i == text.Length || i - start > 4) return false;
            var n = int.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            var rank = text[i] switch { 'Y' => 0, 'M' => 1, 'W' => 2, 'D' => 3, _ => -1 };
            if (rank <= lastRank) return false;
            lastRank = rank;
            switch (rank) { case 0: y = n; break; case 1: m = n; break; case 2: w = n; break; default: d = n; break; }
            i++;
        }
        period = new IsoPeriod(y, m, w, d);
        return !period.IsZero;
    }

    public static IsoPeriod Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException("Not an ISO-8601 period such as P7Y or P1M.");

    public bool IsZero => Years == 0 && Months == 0 && Weeks == 0 && Days == 0;

    /// <summary>The end of the period starting at <paramref name="start"/> (Civil Code Art.140: start day not counted).</summary>
    public DateOnly AddTo(DateOnly start) => start.AddYears(Years).AddMonths(Months).AddDays(Weeks * 7 + Days);

    public override string ToString()
    {
        var sb = new StringBuilder("P");
        if (Years != 0) sb.Append(CultureInfo.InvariantCulture, $"{Years}Y");
        if (Months != 0) sb.Append(CultureInfo.InvariantCulture, $"{Months}M");
        if (Weeks != 0) sb.Append(CultureInfo.InvariantCulture, $"{Weeks}W");
        if (Days != 0) sb.Append(CultureInfo.InvariantCulture, $"{Days}D");
        return sb.ToString();
    }

    /// <summary>Readable form: 「7年」「1か月」 or "7 years", "1 month".</summary>
    public string ToDisplay(NoticeLanguage lang)
    {
        var parts = new List<string>();
        if (lang == NoticeLanguage.Ja)
        {
            if (Years != 0) parts.Add($"{Years}年");
            if (Months != 0) parts.Add($"{Months}か月");
            if (Weeks != 0) parts.Add($"{Weeks}週間");
            if (Days != 0) parts.Add($"{Days}日");
            return string.Concat(parts);
        }
        static string Unit(int n, string one) => n == 1 ? $"1 {one}" : $"{n} {one}s";
        if (Years != 0) parts.Add(Unit(Years, "year"));
        if (Months != 0) parts.Add(Unit(Months, "month"));
        if (Weeks != 0) parts.Add(Unit(Weeks, "week"));
        if (Days != 0) parts.Add(Unit(Days, "day"));
        return string.Join(' ', parts);
    }
}

internal sealed class IsoPeriodJsonConverter : JsonConverter<IsoPeriod>
{
    public override IsoPeriod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IsoPeriod.TryParse(reader.GetString(), out var p) ? p : throw new JsonException("Invalid ISO-8601 period.");

    public override void Write(Utf8JsonWriter writer, IsoPeriod value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
