using System.Collections;
using System.Globalization;
using System.Reflection;
using Mamori.Policy.Yaml;

namespace Mamori.Policy;

/// <summary>
/// Warns (MAMORI-2060) where a text's Japanese changed since the published version and its English did not: the English
/// notice (<c>/en/privacy</c>) would go on saying the old thing, and no other check notices a translation left behind. Texts
/// are matched by their place in the model: entries of keyed sections by id, other lists by position (as
/// <see cref="PolicyDiff"/> does).
/// </summary>
internal static class PolicyTranslationCheck
{
    public static void Check(PublishedPolicy published, PolicyModel policy, SourceMap map, DiagnosticBag diags)
    {
        var before = new Dictionary<string, LocalizedText>(StringComparer.Ordinal);
        foreach (var (path, text) in Texts(published.Model, "")) before.TryAdd(path, text);
        // A company text a service file inherits is bound again for the service: one warning for the one place to edit.
        var warned = new HashSet<SourcePos>();
        foreach (var (path, text) in Texts(policy, ""))
        {
            if (text.En is null || !before.TryGetValue(path, out var old) || old.Ja == text.Ja || old.En != text.En) continue;
            if (map.Of(text) is not { } pos || !warned.Add(pos)) continue;
            diags.Warning(pos, PolicyCodes.EnglishNotUpdated, string.Create(CultureInfo.InvariantCulture,
                $"The Japanese of '{path}' changed since version {published.Version.Number}, its English did not: update 'en' too, or the English notice keeps the old text."));
        }
    }

    /// <summary>Every bilingual text of the model with its path (<c>purposes.support.name</c>, <c>amendments[3].summary</c>).</summary>
    private static IEnumerable<(string Path, LocalizedText Text)> Texts(object? node, string path)
    {
        switch (node)
        {
            case null or string:
                yield break;
            case LocalizedText text:
                yield return (path, text);
                yield break;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    var itemPath = item?.GetType().GetProperty("Id")?.GetValue(item) is string id ? $"{path}.{id}" : $"{path}[{index}]";
                    foreach (var t in Texts(item, itemPath)) yield return t;
                    index++;
                }
                yield break;
        }
        // The model's own records only (not dates, periods or enums), and their stored properties (not computed ones).
        var type = node.GetType();
        if (type.Namespace != typeof(PolicyModel).Namespace || type.IsValueType || type.IsEnum) yield break;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.GetIndexParameters().Length > 0) continue;
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            foreach (var t in Texts(property.GetValue(node), path.Length == 0 ? name : $"{path}.{name}")) yield return t;
        }
    }
}
