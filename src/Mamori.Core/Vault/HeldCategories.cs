using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Policy.Rendering;

namespace Mamori.Vault;

/// <summary>
/// A category a destruction kept: until when (UTC) and, for a legal hold, under which law (the policy's Japanese name). While
/// the retention counts from an event not yet recorded for the person, <see cref="KeepUntil"/> is null and <see cref="Awaiting"/>
/// names the events (comma separated).
/// </summary>
public sealed record HeldCategory(string Category, DateTimeOffset? KeepUntil, string? Law)
{
    public string? Awaiting { get; init; }
}

/// <summary>
/// The categories a destruction certificate kept, as data and as the sentence a person reads:
/// 「住所、氏名：2033年12月7日まで保存（法人税法（帳簿書類の保存））」 — category names from the policy, grouped by
/// day and law, the day in Japan time.
/// </summary>
public static partial class HeldCategories
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(IEnumerable<HeldCategory> items) =>
        JsonSerializer.Serialize(items.OrderBy(i => i.Category, StringComparer.Ordinal).ToList(), Json);

    /// <summary>
    /// The certificate's recorded form (<see cref="DestructionCertificate.Kept"/>), unchanged for integrators:
    /// "email until 2033-12-06 (法人税法…); sms-phone until 2027-06-24", the day in UTC, the law only for a legal hold.
    /// </summary>
    public static string Recorded(IEnumerable<HeldCategory> items) =>
        string.Join("; ", items.OrderBy(i => i.Category, StringComparer.Ordinal).Select(i =>
            (i.KeepUntil is { } until ? $"{i.Category} until {until.UtcDateTime:yyyy-MM-dd}" : $"{i.Category} awaiting {i.Awaiting}")
            + (string.IsNullOrEmpty(i.Law) ? "" : $" ({i.Law})")));

    /// <summary>The structured items; null for certificates written before they were recorded (only <see cref="DestructionCertificate.Kept"/>).</summary>
    public static IReadOnlyList<HeldCategory>? Of(DestructionCertificate c) =>
        c.KeptItems is null ? null : JsonSerializer.Deserialize<List<HeldCategory>>(c.KeptItems, Json);

    /// <summary>The sentence for the certificate's kept categories in <paramref name="lang"/>; null when nothing was kept.</summary>
    public static string? Text(DestructionCertificate c, PolicyModel? model, NoticeLanguage lang)
    {
        if (Of(c) is { } items) return Text(items, model, lang);
        if (string.IsNullOrEmpty(c.Kept)) return null;
        // Older records hold only "category until yyyy-MM-dd (law)": the day as recorded (UTC), no time to place it in Japan time.
        // Retention sweeps wrote "category until  ()" for what they kept without a hold: neither day nor law was recorded.
        var legacy = c.Kept.Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(part => LegacyItem().Match(part)).ToList();
        if (legacy.Any(m => !m.Success)) return c.Kept;
        return Text(legacy.Select(m => (m.Groups[1].Value,
            m.Groups[2].Value is { Length: > 0 } day ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture) : (DateOnly?)null,
            m.Groups[3].Value is { Length: > 0 } law ? law : null, (string?)null)), model, lang);
    }

    /// <summary>The sentence for <paramref name="items"/> (a certificate's, or what a subject's fields keep now); null when there are none.</summary>
    public static string? Text(IReadOnlyCollection<HeldCategory> items, PolicyModel? model, NoticeLanguage lang) =>
        items.Count == 0 ? null : Text(items.Select(i => (i.Category, i.KeepUntil is { } until ? JapanTime.DayOf(until, PolicyStore.Jst) : (DateOnly?)null, i.Law,
            i.KeepUntil is null ? i.Awaiting : null)), model, lang);

    /// <summary>Category ids by their names in the policy, in <paramref name="lang"/>; an id the policy does not declare as recorded.</summary>
    public static string Names(IEnumerable<string> ids, PolicyModel? model, NoticeLanguage lang) => PolicyCategories.Of(model).Names(ids, lang);

    private static string Text(IEnumerable<(string Category, DateOnly? Day, string? Law, string? Awaiting)> items, PolicyModel? model, NoticeLanguage lang)
    {
        var groups = items.GroupBy(i => (i.Day, i.Law, i.Awaiting)).OrderBy(g => g.Key.Day ?? DateOnly.MaxValue).ThenBy(g => g.Key.Awaiting, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Law, StringComparer.Ordinal).Select(g =>
        {
            var names = PolicyCategories.Of(model).Names(g.Select(i => i.Category).Distinct().Order(StringComparer.Ordinal), lang);
            var law = g.Key.Law is { } l ? LawName(l, model, lang) : null;
            var until = (g.Key.Day, g.Key.Awaiting) switch
            {
                ({ } d, _) => lang == NoticeLanguage.Ja ? $"{NoticePhrases.Date(d, lang)}まで保存" : $"kept until {NoticePhrases.Date(d, lang)}",
                (null, { } events) => lang == NoticeLanguage.Ja
                    ? $"{EventNames(events, model, lang)}が記録されるまで保存（保存期間はその日から数えます）"
                    : $"kept until {EventNames(events, model, lang)} is recorded (the retention period counts from that day)",
                _ => lang == NoticeLanguage.Ja ? "保存期間の満了まで保存" : "kept until its retention period ends",
            };
            return lang == NoticeLanguage.Ja
                ? $"{names}：{until}" + (law is null ? "" : $"（{law}）")
                : $"{names}: {until}" + (law is null ? "" : $" ({law})");
        });
        return string.Join(lang == NoticeLanguage.Ja ? "／" : "; ", groups);
    }

    /// <summary>Events (comma separated ids) as the policy names them — 「契約終了日」 / "the end of the contract" — or their ids when it does not.</summary>
    public static string EventNames(string events, PolicyModel? model, NoticeLanguage lang) =>
        string.Join(lang == NoticeLanguage.Ja ? "・" : " and ", events.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => EventName(e, model, lang)));

    /// <summary>One event as the policy names it in <paramref name="lang"/>; its id when no purpose names it.</summary>
    public static string EventName(string id, PolicyModel? model, NoticeLanguage lang) =>
        (model?.Purposes.Concat(model.Services.SelectMany(s => s.Purposes)) ?? []).Select(p => p.Retention)
            .FirstOrDefault(r => r?.Event == id && r.From is not null)?.From!.Get(lang) ?? id;

    /// <summary>The law as the policy names it in <paramref name="lang"/>; the recorded (Japanese) name when the policy no longer declares it.</summary>
    private static string LawName(string ja, PolicyModel? model, NoticeLanguage lang)
    {
        if (lang == NoticeLanguage.Ja || model is null) return ja;
        var hold = model.Purposes.Concat(model.Services.SelectMany(s => s.Purposes)).Select(p => p.Retention?.LegalHold)
            .FirstOrDefault(h => h is not null && string.Equals(h.Law.Ja, ja, StringComparison.Ordinal));
        return hold?.Law.Get(lang) ?? ja;
    }

    [GeneratedRegex(@"^(\S+) until (\d{4}-\d{2}-\d{2})? ?(?:\((.*)\))?$")]
    private static partial Regex LegacyItem();
}
