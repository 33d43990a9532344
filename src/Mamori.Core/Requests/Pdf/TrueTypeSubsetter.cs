using System.Buffers.Binary;

namespace Mamori.Requests.Pdf;

/// <summary>
/// A small TrueType (glyf) subsetter: keeps .notdef, the glyphs of the given characters and the
/// components of composite glyphs, renumbered densely; writes a fresh cmap (format 4), hmtx, loca
/// (long) and a version-3 post table, and drops layout and vertical tables. SkiaSharp's PDF backend
/// embeds the font it is given whole, so handing it this subset keeps a Japanese PDF at tens of
/// kilobytes instead of the 4-6 MB of a full CJK font. CFF (OTTO) fonts and collections are refused.
/// </summary>
public sealed class TrueTypeSubsetter
{
    private static readonly string[] Copied = ["head", "hhea", "maxp", "OS/2", "name", "cvt ", "fpgm", "prep", "gasp"];
    private readonly byte[] _font;
    private readonly Dictionary<string, (int Offset, int Length)> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ushort> _cmap = [];
    private readonly int _numGlyphs;
    private readonly int _numberOfHMetrics;
    private readonly bool _longLoca;

    private TrueTypeSubsetter(byte[] font)
    {
        _font = font;
        var numTables = U16(4);
        for (var i = 0; i < numTables; i++)
        {
            var rec = 12 + i * 16;
            var tag = System.Text.Encoding.ASCII.GetString(font, rec, 4);
            _tables[tag] = ((int)U32(rec + 8), (int)U32(rec + 12));
        }
        foreach (var t in new[] { "head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap" })
            if (!_tables.ContainsKey(t)) throw new NotSupportedException($"The font has no '{t}' table.");
        _numGlyphs = U16(_tables["maxp"].Offset + 4);
        _numberOfHMetrics = U16(_tables["hhea"].Offset + 34);
        _longLoca = (short)U16(_tables["head"].Offset + 50) == 1;
        ReadCmap();
    }

    /// <summary>Parses a TrueType font; null when it is not a single glyf-based font.</summary>
    public static TrueTypeSubsetter? TryLoad(byte[] font)
    {
        if (font.Length < 12) return null;
        var version = BinaryPrimitives.ReadUInt32BigEndian(font);
        if (version != 0x00010000 && version != 0x74727565) return null; // 'OTTO' (CFF) and 'ttcf' are not handled
        try
        {
            return new TrueTypeSubsetter(font);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public int GlyphCount => _numGlyphs;

    public bool HasGlyph(int codePoint) => _cmap.ContainsKey(codePoint);

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_font.AsSpan(at));

    private uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_font.AsSpan(at));

    private void ReadCmap()
    {
        var (cmap, _) = _tables["cmap"];
        var count = U16(cmap + 2);
        int best = -1, bestFormat = 0;
        for (var i = 0; i < count; i++)
        {
            var platform = U16(cmap + 4 + i * 8);
            var encoding = U16(cmap + 6 + i * 8);
            var offset = cmap + (int)U32(cmap + 8 + i * 8);
            var format = U16(offset);
            if (platform == 3 && encoding == 10 && format == 12) { best = offset; bestFormat = 12; break; }
            if (platform == 3 && encoding == 1 && format == 4 && bestFormat == 0) { best = offset; bestFormat = 4; }
            if (platform == 0 && format == 4 && bestFormat == 0) { best = offset; bestFormat = 4; }
        }
        if (best < 0) throw new NotSupportedException("The font has no Unicode cmap.");
        if (bestFormat == 12)
        {
            var groups = (int)U32(best + 12);
            for (var g = 0; g < groups; g++)
            {
                var at = best + 16 + g * 12;
                var start = (int)U32(at);
                var end = (int)U32(at + 4);
                var gid = (int)U32(at + 8);
                if (end - start > 0x10FFFF) continue;
                for (var c = start; c <= end; c++) _cmap[c] = (ushort)(gid + c - start);
            }
            return;
        }
        var segX2 = U16(best + 6);
        var ends = best + 14;
        var starts = ends + segX2 + 2;
        var deltas = starts + segX2;
        var ranges = deltas + segX2;
        for (var s = 0; s < segX2 / 2; s++)
        {
            int end = U16(ends + s * 2), start = U16(starts + s * 2);
            var delta = (short)U16(deltas + s * 2);
            int rangeOffsetAt = ranges + s * 2, rangeOffset = U16(rangeOffsetAt);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int gid;
                if (rangeOffset == 0) gid = (c + delta) & 0xFFFF;
                else
                {
                    var at = rangeOffsetAt + rangeOffset + (c - start) * 2;
                    gid = U16(at);
                    if (gid != 0) gid = (gid + delta) & 0xFFFF;
                }
                if (gid != 0) _cmap[c] = (ushort)gid;
            }
        }
    }

    private (int Offset, int Length) Glyph(int gid)
    {
        var (loca, _) = _tables["loca"];
        var glyf = _tables["glyf"].Offset;
        int start, end;
        if (_longLoca) { start = (int)U32(loca + gid * 4); end = (int)U32(loca + gid * 4 + 4); }
        else { start = U16(loca + gid * 2) * 2; end = U16(loca + gid * 2 + 2) * 2; }
        return (glyf + start, end - start);
    }

    private IEnumerable<int> Components(int gid)
    {
        var (at, length) = Glyph(gid);
        if (length == 0 || (short)U16(at) >= 0) yield break;
        var p = at + 10;
        while (true)
        {
            var flags = U16(p);
            yield return U16(p + 2);
            p += 4 + ((flags & 0x0001) != 0 ? 4 : 2);
            if ((flags & 0x0008) != 0) p += 2;
            else if ((flags & 0x0040) != 0) p += 4;
            else if ((flags & 0x0080) != 0) p += 8;
            if ((flags & 0x0020) == 0) break;
        }
    }

    /// <summary>A new font with only the glyphs for <paramref name="text"/>.</summary>
    public byte[] Subset(IEnumerable<int> codePoints)
    {
        var used = new SortedSet<int> { 0 };
        var chars = new SortedDictionary<int, int>();
        foreach (var c in codePoints)
            if (c <= 0xFFFF && _cmap.TryGetValue(c, out var g) && g < _numGlyphs) { used.Add(g); chars[c] = g; }
        var queue = new Queue<int>(used);
        while (queue.Count > 0)
            foreach (var component in Components(queue.Dequeue()))
                if (component < _numGlyphs && used.Add(component)) queue.Enqueue(component);
        var order = used.ToList();
        var map = new Dictionary<int, int>(order.Count);
        for (var i = 0; i < order.Count; i++) map[order[i]] = i;

        // glyf + loca
        using var glyf = new MemoryStream();
        var loca = new byte[(order.Count + 1) * 4];
        for (var i = 0; i < order.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(loca.AsSpan(i * 4), (uint)glyf.Length);
            var (at, length) = Glyph(order[i]);
            if (length > 0)
            {
                var bytes = _font.AsSpan(at, length).ToArray();
                if ((short)BinaryPrimitives.ReadUInt16BigEndian(bytes) < 0) RemapComponents(bytes, map);
                glyf.Write(bytes);
                while (glyf.Length % 4 != 0) glyf.WriteByte(0);
            }
        }
        BinaryPrimitives.WriteUInt32BigEndian(loca.AsSpan(order.Count * 4), (uint)glyf.Length);

        // hmtx: a full metric per glyph
        var hmtx = new byte[order.Count * 4];
        var hmtxAt = _tables["hmtx"].Offset;
        for (var i = 0; i < order.Count; i++)
        {
            var g = order[i];
            var advance = g < _numberOfHMetrics ? U16(hmtxAt + g * 4) : U16(hmtxAt + (_numberOfHMetrics - 1) * 4);
            var lsb = g < _numberOfHMetrics ? U16(hmtxAt + g * 4 + 2) : U16(hmtxAt + _numberOfHMetrics * 4 + (g - _numberOfHMetrics) * 2);
            BinaryPrimitives.WriteUInt16BigEndian(hmtx.AsSpan(i * 4), advance);
            BinaryPrimitives.WriteUInt16BigEndian(hmtx.AsSpan(i * 4 + 2), lsb);
        }

        var tables = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var tag in Copied)
            if (_tables.TryGetValue(tag, out var t)) tables[tag] = _font.AsSpan(t.Offset, t.Length).ToArray();
        var head = tables["head"];
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0);
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tables["maxp"].AsSpan(4), (ushort)order.Count);
        BinaryPrimitives.WriteUInt16BigEndian(tables["hhea"].AsSpan(34), (ushort)order.Count);
        tables["glyf"] = glyf.ToArray();
        tables["loca"] = loca;
        tables["hmtx"] = hmtx;
        tables["cmap"] = Cmap(chars.Select(kv => (kv.Key, map[kv.Value])).ToList());
        var post = new byte[32];
        if (_tables.TryGetValue("post", out var postTable) && postTable.Length >= 32) _font.AsSpan(postTable.Offset, 32).CopyTo(post);
        BinaryPrimitives.WriteUInt32BigEndian(post, 0x00030000);
        tables["post"] = post;
        return Write(tables);
    }

    private static void RemapComponents(byte[] g, Dictionary<int, int> map)
    {
        var p = 10;
        while (true)
        {
            var flags = BinaryPrimitives.ReadUInt16BigEndian(g.AsSpan(p));
            var old = BinaryPrimitives.ReadUInt16BigEndian(g.AsSpan(p + 2));
            BinaryPrimitives.WriteUInt16BigEndian(g.AsSpan(p + 2), (ushort)(map.TryGetValue(old, out var n) ? n : 0));
            p += 4 + ((flags & 0x0001) != 0 ? 4 : 2);
            if ((flags & 0x0008) != 0) p += 2;
            else if ((flags & 0x0040) != 0) p += 4;
            else if ((flags & 0x0080) != 0) p += 8;
            if ((flags & 0x0020) == 0) break;
        }
    }

    /// <summary>A (3,1) format-4 cmap with one segment per character (plus the 0xFFFF terminator).</summary>
    private static byte[] Cmap(List<(int Char, int Gid)> chars)
    {
        var segs = chars.Count + 1;
        var sub = new byte[16 + segs * 8];
        void W(int at, int v) => BinaryPrimitives.WriteUInt16BigEndian(sub.AsSpan(at), (ushort)v);
        W(0, 4);
        W(2, sub.Length);
        W(4, 0);
        W(6, segs * 2);
        var pow = 1;
        var log = 0;
        while (pow * 2 <= segs) { pow *= 2; log++; }
        W(8, pow * 2);
        W(10, log);
        W(12, segs * 2 - pow * 2);
        int ends = 14, starts = ends + segs * 2 + 2, deltas = starts + segs * 2, ranges = deltas + segs * 2;
        for (var i = 0; i < chars.Count; i++)
        {
            var (c, g) = chars[i];
            W(ends + i * 2, c);
            W(starts + i * 2, c);
            W(deltas + i * 2, (g - c) & 0xFFFF);
            W(ranges + i * 2, 0);
        }
        W(ends + chars.Count * 2, 0xFFFF);
        W(starts + chars.Count * 2, 0xFFFF);
        W(deltas + chars.Count * 2, 1);
        W(ranges + chars.Count * 2, 0);
        var table = new byte[4 + 8 + sub.Length];
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(0), 0);
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(6), 1);
        BinaryPrimitives.WriteUInt32BigEndian(table.AsSpan(8), 12);
        sub.CopyTo(table, 12);
        return table;
    }

    private static byte[] Write(SortedDictionary<string, byte[]> tables)
    {
        var n = tables.Count;
        var headerSize = 12 + n * 16;
        var total = headerSize + tables.Values.Sum(t => (t.Length + 3) & ~3);
        var font = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(font, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(font.AsSpan(4), (ushort)n);
        var pow = 1;
        var log = 0;
        while (pow * 2 <= n) { pow *= 2; log++; }
        BinaryPrimitives.WriteUInt16BigEndian(font.AsSpan(6), (ushort)(pow * 16));
        BinaryPrimitives.WriteUInt16BigEndian(font.AsSpan(8), (ushort)log);
        BinaryPrimitives.WriteUInt16BigEndian(font.AsSpan(10), (ushort)(n * 16 - pow * 16));
        var offset = headerSize;
        var i = 0;
        var headOffset = 0;
        foreach (var (tag, data) in tables)
        {
            var rec = 12 + i++ * 16;
            System.Text.Encoding.ASCII.GetBytes(tag, font.AsSpan(rec, 4));
            BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan(rec + 4), Checksum(data));
            BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan(rec + 8), (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan(rec + 12), (uint)data.Length);
            data.CopyTo(font, offset);
            if (tag == "head") headOffset = offset;
            offset += (data.Length + 3) & ~3;
        }
        BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan(headOffset + 8), unchecked(0xB1B0AFBA - Checksum(font)));
        return font;
    }

    private static uint Checksum(byte[] data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4) sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(i)));
        if (i < data.Length)
        {
            Span<byte> last = stackalloc byte[4];
            last.Clear();
            data.AsSpan(i).CopyTo(last);
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(last));
        }
        return sum;
    }
}
