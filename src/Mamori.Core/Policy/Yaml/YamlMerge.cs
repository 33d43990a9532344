namespace Mamori.Policy.Yaml;

/// <summary>
/// Merges policy trees for precedence (later wins). Keyed sections (purposes, dataCategories, …,
/// recipients.*) merge by id, and an entry present in both merges field by field: each field of the
/// later entry replaces the whole field of the earlier one (a text, a list or retention is replaced
/// as a unit). Single sections (contact, optOut, requestProcedures, cookies) merge field by field.
/// Nodes keep their own file positions.
/// </summary>
internal static class YamlMerge
{
    public static YMapping Filter(YMapping m, string[] keys) =>
        new(m.Pos, m.Entries.Where(e => keys.Contains(e.Key.Value, StringComparer.Ordinal)).ToList());

    public static YMapping Merge(YMapping a, YMapping b)
    {
        var result = new List<KeyValuePair<YScalar, YNode>>(a.Entries.Count + b.Entries.Count);
        foreach (var (k, av) in a.Entries)
        {
            var bv = b.Get(k.Value);
            if (bv is null) { result.Add(new(k, av)); continue; }
            YNode merged = k.Value switch
            {
                _ when PolicyBinder.KeyedSections.Contains(k.Value) => MergeKeyed(av, bv),
                _ when PolicyBinder.SingleSections.Contains(k.Value) => MergeFields(av, bv),
                "recipients" => MergeGroup(av, bv),
                _ => bv,
            };
            result.Add(new(k, merged));
        }
        foreach (var (k, bv) in b.Entries)
            if (a.Get(k.Value) is null) result.Add(new(k, bv));
        return new YMapping(b.Pos, result);
    }

    private static YNode MergeGroup(YNode a, YNode b)
    {
        if (a is not YMapping am || b is not YMapping bm) return b;
        var result = new List<KeyValuePair<YScalar, YNode>>();
        foreach (var (k, av) in am.Entries)
        {
            var bv = bm.Get(k.Value);
            result.Add(new(k, bv is null ? av : MergeKeyed(av, bv)));
        }
        foreach (var (k, bv) in bm.Entries)
            if (am.Get(k.Value) is null) result.Add(new(k, bv));
        return new YMapping(bm.Pos, result);
    }

    private static YNode MergeKeyed(YNode a, YNode b)
    {
        if (a is not YMapping am || b is not YMapping bm) return b;
        var result = new List<KeyValuePair<YScalar, YNode>>();
        foreach (var (k, av) in am.Entries)
        {
            var bv = bm.Get(k.Value);
            result.Add(new(bv is null ? k : bm.Entries.First(e => e.Key.Value == k.Value).Key, bv is null ? av : MergeFields(av, bv)));
        }
        foreach (var (k, bv) in bm.Entries)
            if (am.Get(k.Value) is null) result.Add(new(k, bv));
        return new YMapping(bm.Pos, result);
    }

    private static YNode MergeFields(YNode a, YNode b)
    {
        if (a is not YMapping am || b is not YMapping bm) return b;
        var result = new List<KeyValuePair<YScalar, YNode>>();
        foreach (var (k, av) in am.Entries)
        {
            var bv = bm.Get(k.Value);
            result.Add(bv is null ? new(k, av) : new(bm.Entries.First(e => e.Key.Value == k.Value).Key, bv));
        }
        foreach (var (k, bv) in bm.Entries)
            if (am.Get(k.Value) is null) result.Add(new(k, bv));
        return new YMapping(bm.Pos, result);
    }
}
