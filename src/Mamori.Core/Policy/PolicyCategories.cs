using System.Runtime.CompilerServices;

namespace Mamori.Policy;

/// <summary>
/// The data categories a policy declares, the company's and its services', once each (the first declaration's name wins) and in
/// declaration order: what pages, reports, notices and certificates name a category by (「氏名」 for <c>name</c>) and what an
/// incident's categories are checked against. Built once per model: a published model never changes, and the policy store hands
/// out one instance per version.
/// </summary>
public sealed class PolicyCategories
{
    private static readonly ConditionalWeakTable<PolicyModel, PolicyCategories> Built = new();
    private static readonly PolicyCategories None = new([]);
    private readonly Dictionary<string, LocalizedText> _names;

    private PolicyCategories(IReadOnlyList<(string Id, LocalizedText Name)> all)
    {
        All = all;
        _names = all.ToDictionary(c => c.Id, c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>The categories of <paramref name="model"/>; none when no policy is in force.</summary>
    public static PolicyCategories Of(PolicyModel? model) => model is null ? None : Built.GetValue(model, m => new PolicyCategories(
        [.. m.DataCategories.Concat(m.Services.SelectMany(s => s.DataCategories)).DistinctBy(c => c.Id, StringComparer.Ordinal).Select(c => (c.Id, c.Name))]));

    /// <summary>Every category, in the order the policy declares them.</summary>
    public IReadOnlyList<(string Id, LocalizedText Name)> All { get; }

    public bool Declares(string id) => _names.ContainsKey(id);

    /// <summary>A category's name in <paramref name="lang"/>; an id the policy does not declare (typed on an incident, or dropped since) as recorded.</summary>
    public string Name(string id, NoticeLanguage lang) => _names.TryGetValue(id, out var name) ? name.Get(lang) : id;

    /// <summary>Categories by name, listed as <paramref name="lang"/> lists them (「氏名、住所」, "Name, Address").</summary>
    public string Names(IEnumerable<string> ids, NoticeLanguage lang) =>
        string.Join(lang == NoticeLanguage.Ja ? "、" : ", ", ids.Select(id => Name(id, lang)));
}
