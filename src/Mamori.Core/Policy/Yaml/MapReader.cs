using System.Globalization;
using System.Text.RegularExpressions;

namespace Mamori.Policy.Yaml;

/// <summary>Where each bound object and each of its fields came from, for validation diagnostics.</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<object, Entry> _entries = new(ReferenceEqualityComparer.Instance);

    public void Add(object entity, SourcePos pos, Dictionary<string, SourcePos> fields) => _entries[entity] = new Entry(pos, fields);

    public SourcePos? Of(object entity) => _entries.TryGetValue(entity, out var e) ? e.Pos : null;

    /// <summary>The position of <paramref name="field"/> (e.g. "retention" or "categories[2]") or of the entity.</summary>
    public SourcePos? Of(object entity, string field)
    {
        if (!_entries.TryGetValue(entity, out var e)) return null;
        if (e.Fields.TryGetValue(field, out var p)) return p;
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && e.Fields.TryGetValue(field[..bracket], out p)) return p;
        return e.Pos;
    }

    private sealed record Entry(SourcePos Pos, Dictionary<string, SourcePos> Fields);
}

/// <summary>
/// Reads one YAML mapping into a model object: typed getters that report wrong types and missing
/// required fields, and <see cref="Finish"/>, which reports every key nobody asked for as unknown
/// and records the positions of the fields in the <see cref="SourceMap"/>.
/// </summary>
internal sealed partial class MapReader
{
    private readonly YMapping _map;
    private readonly DiagnosticBag _diags;
    private readonly SourceMap _sources;
    private readonly string _what;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourcePos> _fields = new(StringComparer.Ordinal);

    public MapReader(YMapping map, DiagnosticBag diags, SourceMap sources, string what)
    {
        _map = map;
        _diags = diags;
        _sources = sources;
        _what = what;
    }

    public SourcePos Pos => _map.Pos;

    /// <summary>The position of a field already read, else of the mapping.</summary>
    public SourcePos FieldPos(string key) => _fields.TryGetValue(key, out var p) ? p : _map.Pos;
    public DiagnosticBag Diags => _diags;
    public SourceMap Sources => _sources;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>The raw node of a key (marks it read); null when absent or explicitly null.</summary>
    public YNode? Node(string key)
    {
        _read.Add(key);
        var n = _map.Get(key);
        if (n is null || n is YScalar { IsNull: true }) return null;
        _fields[key] = n.Pos;
        return n;
    }

    private void Missing(string key) =>
        _diags.Error(_map.Pos, PolicyCodes.MissingField, $"Missing required field '{key}' in {_what}.");

    private void Wrong(YNode n, string key, string expected) =>
        _diags.Error(n.Pos, PolicyCodes.WrongType,
            $"'{key}' in {_what} must be {expected}, not {(n is YScalar s ? $"'{Shorten(s.Value)}'" : n.Kind)}.");

    private static string Shorten(string v) => v.Length <= 40 ? v : v[..40] + "…";

    public string? Str(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (n is YScalar s) return s.Value;
        Wrong(n, key, "text");
        return null;
    }

    public bool Bool(string key, bool defaultValue = false)
    {
        var n = Node(key);
        if (n is null) return defaultValue;
        if (n is YScalar { Plain: true, Value: "true" or "True" or "TRUE" }) return true;
        if (n is YScalar { Plain: true, Value: "false" or "False" or "FALSE" }) return false;
        Wrong(n, key, "true or false");
        return defaultValue;
    }

    public int? Int(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (n is YScalar { Plain: true } s && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
        Wrong(n, key, "a whole number (0 or more)");
        return null;
    }

    public DateOnly? Date(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (n is YScalar s && DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        _diags.Error(n.Pos, PolicyCodes.InvalidDate, $"'{key}' in {_what} must be a date YYYY-MM-DD.");
        return null;
    }

    public IsoPeriod? Period(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (n is YScalar s && IsoPeriod.TryParse(s.Value, out var p)) return p;
        _diags.Error(n.Pos, PolicyCodes.InvalidPeriod, $"'{key}' in {_what} must be an ISO-8601 period such as P7Y, P6M, P1Y6M or P30D.");
        return null;
    }

    public TEnum? Enum<TEnum>(string key, bool required = false) where TEnum : struct, Enum
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        return ParseEnum<TEnum>(n, key);
    }

    private TEnum? ParseEnum<TEnum>(YNode n, string key) where TEnum : struct, Enum
    {
        if (n is YScalar s && TryEnum<TEnum>(s.Value, out var v)) return v;
        var allowed = string.Join(", ", System.Enum.GetNames<TEnum>().Select(CamelCase));
        _diags.Error(n.Pos, PolicyCodes.InvalidValue, $"'{key}' in {_what} must be one of: {allowed}.");
        return null;
    }

    private static bool TryEnum<TEnum>(string camel, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var v in System.Enum.GetValues<TEnum>())
        {
            if (CamelCase(v.ToString()) == camel)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string CamelCase(string pascal) => char.ToLowerInvariant(pascal[0]) + pascal[1..];

    public LocalizedText? Text(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        return ReadText(n, key);
    }

    /// <summary>A bilingual text: <c>{ja: ..., en: ...}</c>, or a plain string (Japanese only, warned).</summary>
    public LocalizedText? ReadText(YNode n, string key)
    {
        if (n is YScalar s)
        {
            if (s.Value.Length == 0) return null;
            _diags.Warning(n.Pos, PolicyCodes.EnglishMissing, $"'{key}' in {_what} has no English text; write {{ja: ..., en: ...}}.");
            return new LocalizedText(s.Value);
        }
        if (n is not YMapping m)
        {
            Wrong(n, key, "a text or {ja: ..., en: ...}");
            return null;
        }
        var r = new MapReader(m, _diags, _sources, $"'{key}' of {_what}");
        var ja = r.Str("ja", required: true);
        var en = r.Str("en");
        if (ja is not null && string.IsNullOrWhiteSpace(en))
            _diags.Warning(m.Pos, PolicyCodes.EnglishMissing, $"'{key}' in {_what} has no English text ('en').");
        var t = ja is null ? null : new LocalizedText(ja, string.IsNullOrWhiteSpace(en) ? null : en);
        r.Finish<object?>(null);
        // Where the Japanese is, for the check against the published version (a Japanese text changed without its English).
        if (t is not null) _sources.Add(t, r.FieldPos("ja"), []);
        return t;
    }

    public IReadOnlyList<LocalizedText> Texts(string key)
    {
        var items = Seq(key);
        var result = new List<LocalizedText>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var t = ReadText(items[i], $"{key}[{i}]");
            if (t is not null) result.Add(t);
        }
        return result;
    }

    /// <summary>A list of ids (references); each item's position is kept as <c>key[i]</c>.</summary>
    public IReadOnlyList<string> Ids(string key)
    {
        var items = Seq(key);
        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is YScalar s && s.Value.Length > 0)
            {
                result.Add(s.Value);
                _fields[$"{key}[{result.Count - 1}]"] = s.Pos;
            }
            else Wrong(items[i], $"{key}[{i}]", "an id");
        }
        return result;
    }

    public IReadOnlyList<TEnum> Enums<TEnum>(string key) where TEnum : struct, Enum
    {
        var items = Seq(key);
        var result = new List<TEnum>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var v = ParseEnum<TEnum>(items[i], $"{key}[{i}]");
            if (v is { } ok) result.Add(ok);
        }
        return result;
    }

    public IReadOnlyList<YNode> Seq(string key)
    {
        var n = Node(key);
        if (n is null) return [];
        if (n is YSequence seq) return seq.Items;
        Wrong(n, key, "a list");
        return [];
    }

    public MapReader? Map(string key, string what, bool required = false)
    {
        var n = Node(key);
        if (n is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (n is YMapping m) return new MapReader(m, _diags, _sources, what);
        Wrong(n, key, "a mapping");
        return null;
    }

    /// <summary>A mapping of id → entity mapping, bound in order by <paramref name="bind"/>.</summary>
    public IReadOnlyList<T> Keyed<T>(string key, string what, Func<string, MapReader, T?> bind) where T : class
    {
        var n = Node(key);
        if (n is null) return [];
        if (n is not YMapping m)
        {
            Wrong(n, key, "a mapping of id: entry");
            return [];
        }
        var result = new List<T>(m.Entries.Count);
        foreach (var (k, v) in m.Entries)
        {
            if (!IsValidId(k.Value))
            {
                _diags.Error(k.Pos, PolicyCodes.InvalidId, $"Id '{k.Value}' in {key} must be lower-case letters, digits and '-' (at most 64).");
                continue;
            }
            if (v is not YMapping vm)
            {
                Wrong(v, $"{key}.{k.Value}", "a mapping");
                continue;
            }
            var r = new MapReader(vm, _diags, _sources, $"{what} '{k.Value}'");
            var e = bind(k.Value, r);
            if (e is not null) result.Add(e);
        }
        return result;
    }

    /// <summary>Reports unread keys as unknown fields and records the object's positions.</summary>
    public T Finish<T>(T entity)
    {
        foreach (var (k, _) in _map.Entries)
        {
            if (!_read.Contains(k.Value))
                _diags.Error(k.Pos, PolicyCodes.UnknownField, $"Unknown field '{k.Value}' in {_what}.");
        }
        if (entity is not null) _sources.Add(entity, _map.Pos, _fields);
        return entity;
    }
}
