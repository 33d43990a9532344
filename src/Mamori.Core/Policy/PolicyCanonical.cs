using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mamori.Policy;

/// <summary>
/// The canonical JSON form of a policy, used to store immutable versions and to serve
/// <c>/api/policy</c>: camelCase names, enums as camelCase strings, dates <c>YYYY-MM-DD</c>, periods
/// as ISO-8601 (<c>P7Y</c>), nulls omitted, no whitespace, declaration order (which is the order of
/// the notice). The same model always gives the same bytes and so the same <see cref="ContentHash"/>.
/// </summary>
public static class PolicyCanonical
{
    private static readonly JsonSerializerOptions Options = CreateOptions(indented: false);
    private static readonly JsonSerializerOptions IndentedOptions = CreateOptions(indented: true);

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
            RespectNullableAnnotations = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>The canonical JSON (compact). Pass <paramref name="indented"/> for a human-readable copy (not for hashing).</summary>
    public static string ToJson(PolicyModel policy, bool indented = false) =>
        JsonSerializer.Serialize(policy, indented ? IndentedOptions : Options);

    /// <summary>SHA-256 of the UTF-8 canonical JSON, lower-case hex (64 characters).</summary>
    public static string ContentHash(PolicyModel policy) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson(policy))));

    /// <summary>Reads a canonical (or indented) JSON policy back. Throws <see cref="FormatException"/> (MAMORI-2120) when it is not one.</summary>
    public static PolicyModel FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PolicyModel>(json, Options)
                ?? throw new FormatException($"{PolicyCodes.CanonicalJsonInvalid}: the JSON is null, not a policy.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{PolicyCodes.CanonicalJsonInvalid}: not a canonical policy JSON (at {ex.Path ?? "$"}).", ex);
        }
    }

    internal static JsonNode? ToNode(PolicyModel policy) => JsonSerializer.SerializeToNode(policy, Options);
}

public enum PolicyChangeKind { Added, Removed, Changed }

/// <summary>One difference between two policy versions. Path like <c>purposes.support.retention.period</c>; values are readable text (JSON for structures).</summary>
public sealed record PolicyChange(string Path, PolicyChangeKind Kind, string? OldValue, string? NewValue)
{
    public override string ToString() => Kind switch
    {
        PolicyChangeKind.Added => $"+ {Path}: {NewValue}",
        PolicyChangeKind.Removed => $"- {Path}: {OldValue}",
        _ => $"~ {Path}: {OldValue} → {NewValue}",
    };
}

/// <summary>
/// Compares two policy versions on their canonical JSON. Lists of entries with an <c>id</c> (or a
/// fee's <c>type</c>) compare by that key, so the path names the entry (<c>services.isp.purposes.support</c>);
/// other lists of objects compare by position (<c>amendments[2]</c>) and lists of values as a whole.
/// </summary>
public static class PolicyDiff
{
    public static IReadOnlyList<PolicyChange> Compare(PolicyModel older, PolicyModel newer)
    {
        var changes = new List<PolicyChange>();
        Walk("", PolicyCanonical.ToNode(older), PolicyCanonical.ToNode(newer), changes);
        return changes;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static void Walk(string path, JsonNode? a, JsonNode? b, List<PolicyChange> changes)
    {
        if (a is null && b is null) return;
        if (a is null) { changes.Add(new(path, PolicyChangeKind.Added, null, Text(b))); return; }
        if (b is null) { changes.Add(new(path, PolicyChangeKind.Removed, Text(a), null)); return; }
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var (k, va) in oa) Walk(Join(path, k), va, ob[k], changes);
            foreach (var (k, vb) in ob) if (!oa.ContainsKey(k)) Walk(Join(path, k), null, vb, changes);
            return;
        }
        if (a is JsonArray aa && b is JsonArray ab && KeyOf(aa, ab) is { } key)
        {
            var mapA = aa.OfType<JsonObject>().ToDictionary(o => (string)o[key]!, StringComparer.Ordinal);
            var mapB = ab.OfType<JsonObject>().ToDictionary(o => (string)o[key]!, StringComparer.Ordinal);
            foreach (var (id, oa2) in mapA) Walk(Join(path, id), oa2, mapB.GetValueOrDefault(id), changes);
            foreach (var (id, ob2) in mapB) if (!mapA.ContainsKey(id)) Walk(Join(path, id), null, ob2, changes);
            return;
        }
        if (a is JsonArray xa && b is JsonArray xb && xa.Concat(xb).All(n => n is JsonObject))
        {
            for (var i = 0; i < Math.Max(xa.Count, xb.Count); i++)
                Walk($"{path}[{i}]", i < xa.Count ? xa[i] : null, i < xb.Count ? xb[i] : null, changes);
            return;
        }
        if (!JsonNode.DeepEquals(a, b)) changes.Add(new(path, PolicyChangeKind.Changed, Text(a), Text(b)));
    }

    private static string? KeyOf(JsonArray a, JsonArray b)
    {
        var all = a.Concat(b).ToList();
        if (all.Count == 0) return null;
        foreach (var key in new[] { "id", "type" })
        {
            if (all.All(n => n is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out _))
                && a.Select(n => (string)n![key]!).Distinct(StringComparer.Ordinal).Count() == a.Count
                && b.Select(n => (string)n![key]!).Distinct(StringComparer.Ordinal).Count() == b.Count)
                return key;
        }
        return null;
    }

    private static string? Text(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(TextOptions),
    };

    private static readonly JsonSerializerOptions TextOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
