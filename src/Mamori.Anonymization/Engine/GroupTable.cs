using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mamori.Anonymization.Engine;

/// <summary>
/// The equivalence classes of one transformation: a flat open-addressing hash map from the
/// class's generalized ids (an int array of width D) to its size and the distributions of the
/// sensitive values. Built once from the rows at the bottom node and rolled up from a finer
/// transformation everywhere else.
/// </summary>
/// <remarks>
/// A class's distribution of a sensitive attribute is sparse, as in ARX: only the values the class
/// holds, in ascending order, in one flat array per attribute (class c owns entries
/// <c>Start[c] .. Start[c + 1]</c>). A table therefore holds at most one entry per record and
/// attribute; a dense histogram per class (classes × distinct values) ran out of memory at 20,000
/// records with thousands of distinct values.
/// </remarks>
internal sealed class GroupTable
{
    private readonly int _d;
    private readonly SparseColumn[] _dist;
    private int[] _slots = [];   // class index + 1, 0 = empty
    private int[] _hashes = [];
    private long[] _packed = [];
    private int _mask;

    public GroupTable(int d, int sensitive, int capacity = 16)
    {
        _d = d;
        _dist = new SparseColumn[sensitive];
        for (var s = 0; s < sensitive; s++) _dist[s] = new SparseColumn();
        Keys = new int[Math.Max(1, capacity) * d];
        Sizes = new int[Math.Max(1, capacity)];
        _hashes = new int[Math.Max(1, capacity)];
        _packed = new long[Math.Max(1, capacity)];
        Resize(TableSizeFor(capacity));
    }

    public int Count { get; private set; }
    public int[] Keys { get; private set; }
    public int[] Sizes { get; private set; }
    public int[] Levels { get; set; } = [];

    /// <summary>The number of distribution entries (distinct sensitive values summed over the classes and attributes).</summary>
    public long DistributionEntries
    {
        get
        {
            long n = 0;
            foreach (var x in _dist) n += x.Start.Length > Count ? x.Start[Count] : 0;
            return n;
        }
    }

    public ReadOnlySpan<int> Key(int c) => new(Keys, c * _d, _d);

    /// <summary>The distinct values (ascending ids) of sensitive attribute <paramref name="s"/> in class <paramref name="c"/>.</summary>
    public ReadOnlySpan<int> Values(int s, int c)
    {
        var x = _dist[s];
        return new ReadOnlySpan<int>(x.Values, x.Start[c], x.Start[c + 1] - x.Start[c]);
    }

    /// <summary>How often each of <see cref="Values"/> occurs in the class.</summary>
    public ReadOnlySpan<int> Counts(int s, int c)
    {
        var x = _dist[s];
        return new ReadOnlySpan<int>(x.Counts, x.Start[c], x.Start[c + 1] - x.Start[c]);
    }

    public void Clear(int expected)
    {
        Count = 0;
        var size = TableSizeFor(expected);
        if (size > _slots.Length) Resize(size);
        else Array.Clear(_slots);
        EnsureCapacity(expected);
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
        var t = reuse ?? new GroupTable(d, data.Sensitive.Length, 1024);
        var radices = Radices(data, levels);
        t.Clear(1024);
        t.Levels = (int[])levels.Clone();
        var key = new int[d];
        var up = new int[d][];
        for (var j = 0; j < d; j++) up[j] = data.Dimensions[j].Up[levels[j]];
        var codes = data.Codes;
        var sens = data.Sensitive;
        if (sens.Length > 0) classOfRow ??= new int[data.Rows];
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
            if (classOfRow is not null) classOfRow[r] = c;
        }
        if (sens.Length > 0)
        {
            // The rows of each class in one list (a counting sort by class), then each class's values.
            var start = new int[t.Count + 1];
            for (var c = 0; c < t.Count; c++) start[c + 1] = start[c] + t.Sizes[c];
            var next = (int[])start.Clone();
            var members = new int[data.Rows];
            for (var r = 0; r < data.Rows; r++) members[next[classOfRow![r]]++] = r;
            for (var s = 0; s < sens.Length; s++)
            {
                var valueOfRow = sens[s].ValueOfRow;
                var dist = t._dist[s];
                dist.Reset(t.Count, data.Rows);
                var acc = new Accumulator(sens[s].Cardinality);
                for (var c = 0; c < t.Count; c++)
                {
                    for (var i = start[c]; i < start[c + 1]; i++) acc.Add(valueOfRow[members[i]], 1);
                    acc.Emit(dist, c);
                }
                acc.Dispose();
            }
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
        var t = reuse ?? new GroupTable(d, data.Sensitive.Length, expected);
        var radices = Radices(data, levels);
        t.Clear(expected);
        t.Levels = (int[])levels.Clone();
        var maps = new int[d][];
        for (var j = 0; j < d; j++) maps[j] = data.Dimensions[j].RollUp[source.Levels[j]][levels[j]];
        var key = new int[d];
        var sens = data.Sensitive;
        var target = sens.Length > 0 ? ArrayPool<int>.Shared.Rent(source.Count) : null;
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
            if (target is not null) target[c] = n;
        }
        if (target is not null)
        {
            // The source classes of each new class in one list (a counting sort), then their merged values.
            var start = new int[t.Count + 1];
            for (var c = 0; c < source.Count; c++) start[target[c] + 1]++;
            for (var n = 0; n < t.Count; n++) start[n + 1] += start[n];
            var next = (int[])start.Clone();
            var members = ArrayPool<int>.Shared.Rent(source.Count);
            for (var c = 0; c < source.Count; c++) members[next[target[c]]++] = c;
            for (var s = 0; s < sens.Length; s++)
            {
                var from = source._dist[s];
                var dist = t._dist[s];
                dist.Reset(t.Count, from.Start[source.Count]);
                var acc = new Accumulator(sens[s].Cardinality);
                for (var n = 0; n < t.Count; n++)
                {
                    for (var i = start[n]; i < start[n + 1]; i++)
                    {
                        var c = members[i];
                        for (var e = from.Start[c]; e < from.Start[c + 1]; e++) acc.Add(from.Values[e], from.Counts[e]);
                    }
                    acc.Emit(dist, n);
                }
                acc.Dispose();
            }
            ArrayPool<int>.Shared.Return(members);
            ArrayPool<int>.Shared.Return(target);
        }
        return t;
    }

    /// <summary>One sensitive attribute's distributions of all classes (see the remarks on <see cref="GroupTable"/>).</summary>
    private sealed class SparseColumn
    {
        public int[] Start = [0];
        public int[] Values = [];
        public int[] Counts = [];

        /// <summary>Makes room for <paramref name="classes"/> classes and at most <paramref name="entries"/> entries.</summary>
        public void Reset(int classes, int entries)
        {
            if (Start.Length < classes + 1) Start = new int[Math.Max(classes + 1, Start.Length * 2)];
            Start[0] = 0;
            if (Values.Length < entries)
            {
                Values = new int[entries];
                Counts = new int[entries];
            }
        }
    }

    /// <summary>Sums the counts of one class's values in a pooled dense buffer and writes them out sparse, in ascending order.</summary>
    private struct Accumulator(int cardinality) : IDisposable
    {
        private readonly int[] _sum = Rent(cardinality);
        private readonly int[] _seen = ArrayPool<int>.Shared.Rent(Math.Max(1, cardinality));
        private int _distinct;

        private static int[] Rent(int n)
        {
            var a = ArrayPool<int>.Shared.Rent(Math.Max(1, n));
            Array.Clear(a, 0, n);
            return a;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int value, int count)
        {
            if (_sum[value] == 0) _seen[_distinct++] = value;
            _sum[value] += count;
        }

        /// <summary>Appends the summed values as class <paramref name="c"/> and clears the buffer.</summary>
        public void Emit(SparseColumn dist, int c)
        {
            Array.Sort(_seen, 0, _distinct);
            var at = dist.Start[c];
            for (var i = 0; i < _distinct; i++)
            {
                var v = _seen[i];
                dist.Values[at] = v;
                dist.Counts[at] = _sum[v];
                _sum[v] = 0;
                at++;
            }
            dist.Start[c + 1] = at;
            _distinct = 0;
        }

        public readonly void Dispose()
        {
            ArrayPool<int>.Shared.Return(_sum);
            ArrayPool<int>.Shared.Return(_seen);
        }
    }
}

