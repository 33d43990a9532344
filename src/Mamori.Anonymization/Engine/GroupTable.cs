using System.Runtime.CompilerServices;

namespace Mamori.Anonymization.Engine;

/// <summary>
/// The equivalence classes of one transformation: a flat open-addressing hash map from the
/// class's generalized ids (an int array of width D) to its size and the histograms of the
/// sensitive values. Built once from the rows at the bottom node and rolled up from a finer
/// transformation everywhere else.
/// </summary>
internal sealed class GroupTable
{
    private readonly int _d;
    private readonly int _w;
    private int[] _slots = [];   // class index + 1, 0 = empty
    private int[] _hashes = [];
    private long[] _packed = [];
    private int _mask;

    public GroupTable(int d, int histogramWidth, int capacity = 16)
    {
        _d = d;
        _w = histogramWidth;
        Keys = new int[Math.Max(1, capacity) * d];
        Sizes = new int[Math.Max(1, capacity)];
        Histograms = new int[Math.Max(1, capacity) * histogramWidth];
        _hashes = new int[Math.Max(1, capacity)];
        _packed = new long[Math.Max(1, capacity)];
        Resize(TableSizeFor(capacity));
    }

    public int Count { get; private set; }
    public int[] Keys { get; private set; }
    public int[] Sizes { get; private set; }
    public int[] Histograms { get; private set; }
    public int[] Levels { get; set; } = [];

    public ReadOnlySpan<int> Key(int c) => new(Keys, c * _d, _d);

    public ReadOnlySpan<int> Histogram(int c) => _w == 0 ? default : new(Histograms, c * _w, _w);

    public void Clear(int expected, bool usePacked = false)
    {
        Count = 0;
        var size = TableSizeFor(expected);
        if (size > _slots.Length) Resize(size);
        else Array.Clear(_slots);
        EnsureCapacity(expected);
        if (_w > 0) Array.Clear(Histograms, 0, Math.Min(Histograms.Length, expected * _w));
    }

    private static int TableSizeFor(int n)
    {
        var size = 16;
        while (size < n * 2) size <<= 1;
        return size;
    }

    private void Resize(int size)
    {
        _slots = new int[size];
        _mask = size - 1;
        for (var c = 0; c < Count; c++)
        {
            var i = _hashes[c] & _mask;
            while (_slots[i] != 0) i = (i + 1) & _mask;
            _slots[i] = c + 1;
        }
    }

    private void EnsureCapacity(int n)
    {
        if (Sizes.Length >= n) return;
        var cap = Math.Max(n, Sizes.Length * 2);
        var keys = new int[cap * _d];
        Array.Copy(Keys, keys, Count * _d);
        Keys = keys;
        var sizes = new int[cap];
        Array.Copy(Sizes, sizes, Count);
        Sizes = sizes;
        var hashes = new int[cap];
        Array.Copy(_hashes, hashes, Count);
        _hashes = hashes;
        var packed = new long[cap];
        Array.Copy(_packed, packed, Count);
        _packed = packed;
        if (_w > 0)
        {
            var hist = new int[cap * _w];
            Array.Copy(Histograms, hist, Count * _w);
            Histograms = hist;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<int> key)
    {
        uint h = 2166136261;
        foreach (var k in key) h = (h ^ (uint)k) * 0x9E3779B1u;
        h ^= h >> 15;
        h *= 0x85EBCA77u;
        h ^= h >> 13;
        return (int)(h & 0x7FFFFFFF);
    }

    /// <summary>Returns the class of the key, adding an empty class when it is new.</summary>
    public int FindOrAdd(ReadOnlySpan<int> key)
    {
        var hash = Hash(key);
        var i = hash & _mask;
        while (true)
        {
            var slot = _slots[i];
            if (slot == 0) break;
            var c = slot - 1;
            if (_hashes[c] == hash && key.SequenceEqual(new ReadOnlySpan<int>(Keys, c * _d, _d))) return c;
            i = (i + 1) & _mask;
        }
        if (Count + 1 > Sizes.Length) EnsureCapacity(Count + 1);
        if ((Count + 1) * 2 > _slots.Length)
        {
            Resize(_slots.Length * 2);
            i = hash & _mask;
            while (_slots[i] != 0) i = (i + 1) & _mask;
        }
        var n = Count++;
        key.CopyTo(new Span<int>(Keys, n * _d, _d));
        Sizes[n] = 0;
        _hashes[n] = hash;
        if (_w > 0) Array.Clear(Histograms, n * _w, _w);
        _slots[i] = n + 1;
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(long packed)
    {
        var h = (ulong)packed * 0x9E3779B97F4A7C15UL;
        return (int)((h ^ (h >> 29)) >> 1) & 0x7FFFFFFF;
    }

    /// <summary>
    /// Like <see cref="FindOrAdd(ReadOnlySpan{int})"/> for a key also given as one mixed-radix long
    /// (when the level cardinalities multiply to less than 2^62), which is cheaper to hash and compare.
    /// </summary>
    public int FindOrAdd(ReadOnlySpan<int> key, long packed)
    {
        var hash = Hash(packed);
        var i = hash & _mask;
        while (true)
        {
            var slot = _slots[i];
            if (slot == 0) break;
            var c = slot - 1;
            if (_packed[c] == packed) return c;
            i = (i + 1) & _mask;
        }
        if (Count + 1 > Sizes.Length) EnsureCapacity(Count + 1);
        if ((Count + 1) * 2 > _slots.Length)
        {
            Resize(_slots.Length * 2);
            i = hash & _mask;
            while (_slots[i] != 0) i = (i + 1) & _mask;
        }
        var n = Count++;
        key.CopyTo(new Span<int>(Keys, n * _d, _d));
        Sizes[n] = 0;
        _hashes[n] = hash;
        _packed[n] = packed;
        if (_w > 0) Array.Clear(Histograms, n * _w, _w);
        _slots[i] = n + 1;
        return n;
    }

    /// <summary>The radices of the mixed-radix packing at these levels, or null when the product overflows.</summary>
    public static int[]? Radices(EncodedData data, int[] levels)
    {
        var radices = new int[data.D];
        double product = 1;
        for (var j = 0; j < data.D; j++)
        {
            radices[j] = data.Dimensions[j].Cardinality[levels[j]];
            product *= radices[j];
        }
        return product < 4e18 ? radices : null;
    }

    /// <summary>Groups the rows at the given levels (one pass over the data).</summary>
    public static GroupTable FromRows(EncodedData data, int[] levels, GroupTable? reuse = null, int[]? classOfRow = null)
    {
        var d = data.D;
        var t = reuse ?? new GroupTable(d, data.HistogramWidth, 1024);
        var radices = Radices(data, levels);
        t.Clear(1024, radices is not null);
        t.Levels = (int[])levels.Clone();
        var key = new int[d];
        var up = new int[d][];
        for (var j = 0; j < d; j++) up[j] = data.Dimensions[j].Up[levels[j]];
        var codes = data.Codes;
        var sens = data.Sensitive;
        for (var r = 0; r < data.Rows; r++)
        {
            var b = r * d;
            int c;
            if (radices is not null)
            {
                long packed = 0;
                for (var j = 0; j < d; j++)
                {
                    var k = up[j][codes[b + j]];
                    key[j] = k;
                    packed = packed * radices[j] + k;
                }
                c = t.FindOrAdd(key, packed);
            }
            else
            {
                for (var j = 0; j < d; j++) key[j] = up[j][codes[b + j]];
                c = t.FindOrAdd(key);
            }
            t.Sizes[c]++;
            if (sens.Length > 0)
            {
                var hb = c * t._w;
                foreach (var s in sens) t.Histograms[hb + s.Offset + s.ValueOfRow[r]]++;
            }
            if (classOfRow is not null) classOfRow[r] = c;
        }
        return t;
    }

    /// <summary>Rolls the classes of a finer transformation up to the given (coarser or equal) levels.</summary>
    public static GroupTable RollUp(EncodedData data, GroupTable source, int[] levels, GroupTable? reuse = null)
    {
        var d = data.D;
        // The product of the cardinalities bounds the number of classes; high nodes have few.
        double bound = 1;
        for (var j = 0; j < d && bound < source.Count; j++) bound *= data.Dimensions[j].Cardinality[levels[j]];
        var expected = (int)Math.Min(Math.Min(source.Count, bound), 256); // grows on demand
        var t = reuse ?? new GroupTable(d, data.HistogramWidth, expected);
        var radices = Radices(data, levels);
        t.Clear(expected, radices is not null);
        t.Levels = (int[])levels.Clone();
        var maps = new int[d][];
        for (var j = 0; j < d; j++) maps[j] = data.Dimensions[j].RollUp[source.Levels[j]][levels[j]];
        var key = new int[d];
        var w = data.HistogramWidth;
        var sk = source.Keys;
        for (var c = 0; c < source.Count; c++)
        {
            var b = c * d;
            int n;
            if (radices is not null)
            {
                long packed = 0;
                for (var j = 0; j < d; j++)
                {
                    var k = maps[j][sk[b + j]];
                    key[j] = k;
                    packed = packed * radices[j] + k;
                }
                n = t.FindOrAdd(key, packed);
            }
            else
            {
                for (var j = 0; j < d; j++) key[j] = maps[j][sk[b + j]];
                n = t.FindOrAdd(key);
            }
            t.Sizes[n] += source.Sizes[c];
            if (w > 0)
            {
                var src = new ReadOnlySpan<int>(source.Histograms, c * w, w);
                var dst = new Span<int>(t.Histograms, n * w, w);
                for (var i = 0; i < w; i++) dst[i] += src[i];
            }
        }
        return t;
    }
}

