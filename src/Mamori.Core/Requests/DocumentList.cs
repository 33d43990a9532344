using Mamori.Policy;
using Mamori.Policy.Rendering;

namespace Mamori.Requests;

/// <summary>
/// A list of identity documents worded as the privacy notice words it: per group (the person, an agent, a statutory
/// representative), the documents all needed, then the alternatives as one group 「上記に加え、次のいずれか1点」. The console,
/// the request and status pages and the messages to the person all use it, so that a list of alternatives never reads as
/// though every one of them were needed.
/// </summary>
public static class DocumentList
{
    /// <summary>One group's documents by name (with the age limit), those all needed apart from the alternatives.</summary>
    public sealed record Part(DocumentGroup Group, IReadOnlyList<string> All, IReadOnlyList<string> OneOf);

    private static string T(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.Ja ? ja : en;

    /// <summary>The documents by group in their order, named in <paramref name="lang"/>; a lone alternative is simply needed.</summary>
    public static IReadOnlyList<Part> Parts(IEnumerable<MissingDocument> documents, NoticeLanguage lang) =>
        documents.GroupBy(d => d.Group).OrderBy(g => g.Key).Select(g =>
        {
            var oneOf = g.Count(d => d.OneOf) > 1;
            return new Part(g.Key, g.Where(d => !oneOf || !d.OneOf).Select(d => Name(d, lang)).ToList(), g.Where(d => oneOf && d.OneOf).Select(d => Name(d, lang)).ToList());
        }).ToList();

    /// <summary>A document with its age limit: 「住民票の写し（発行から1か月以内のもの）」 / "Copy of the residence certificate (issued within 1 month)".</summary>
    public static string Name(MissingDocument d, NoticeLanguage lang)
    {
        var name = lang == NoticeLanguage.En ? d.NameEn ?? d.Name : d.Name;
        return d.IssuedWithin(lang) is { } age ? name + T(lang, $"（{age}）", $" ({age})") : name;
    }

    /// <summary>A group's id in forms and the API: identity, proxy, legal-representative.</summary>
    public static string GroupId(DocumentGroup group) => Errors.ErrorText.Enum(group);

    /// <summary>The group's heading: 「ご本人確認の書類」 / "Documents to verify your identity".</summary>
    public static string GroupName(DocumentGroup group, NoticeLanguage lang) => group switch
    {
        DocumentGroup.Proxy => T(lang, "代理人の書類", "Documents of the agent"),
        DocumentGroup.LegalRepresentative => T(lang, "法定代理人の書類", "Documents of the statutory representative"),
        _ => T(lang, "ご本人確認の書類", "Documents to verify your identity"),
    };

    /// <summary>
    /// On one line: 「住民票の写し（発行から1か月以内のもの）、および次のいずれか1点（運転免許証の写し、旅券（パスポート）の写し）」; with
    /// more than one group, each after its name: 「ご本人確認の書類：…／代理人の書類：…」.
    /// </summary>
    public static string Inline(IEnumerable<MissingDocument> documents, NoticeLanguage lang)
    {
        var parts = Parts(documents, lang);
        var sep = T(lang, "、", ", ");
        string One(Part p)
        {
            var oneOf = p.OneOf.Count == 0 ? null : T(lang, $"次のいずれか1点（{string.Join(sep, p.OneOf)}）", $"one of: {string.Join(" / ", p.OneOf)}");
            var all = string.Join(sep, p.All);
            var text = oneOf is null ? all : p.All.Count == 0 ? oneOf : all + T(lang, $"、および{oneOf}", $", and {oneOf}");
            return parts.Count > 1 ? GroupName(p.Group, lang) + T(lang, "：", ": ") + text : text;
        }
        return string.Join(T(lang, "／", "; "), parts.Select(One));
    }

    /// <summary>One line per document for a message, the alternatives after their lead line; group headings when there are several groups.</summary>
    public static string Lines(IEnumerable<MissingDocument> documents, NoticeLanguage lang)
    {
        var parts = Parts(documents, lang);
        var bullet = T(lang, "・", "- ");
        var lines = new List<string>();
        foreach (var p in parts)
        {
            if (parts.Count > 1) lines.Add(GroupName(p.Group, lang) + T(lang, "：", ":"));
            lines.AddRange(p.All.Select(n => bullet + n));
            if (p.OneOf.Count > 0) lines.Add(NoticePhrases.OneOfLead(p.All.Count > 0, lang));
            lines.AddRange(p.OneOf.Select(n => bullet + n));
        }
        return string.Join("\n", lines);
    }
}
