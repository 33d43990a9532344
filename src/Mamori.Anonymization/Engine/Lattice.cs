namespace Mamori.Anonymization.Engine;

/// <summary>The generalization lattice: one node per combination of levels, indexed in mixed radix.</summary>
internal sealed class Lattice
{
    public Lattice(int[] heights)
    {
        Heights = heights;
        Strides = new int[heights.Length];
        long size = 1;
        for (var j = heights.Length - 1; j >= 0; j--)
        {
            Strides[j] = (int)size;
            size *= heights[j];
            if (size > 50_000_000)
                throw AnonymizationException.Of(AnonymizationErrors.InvalidParameter,
                    "the generalization lattice has more than 50 million nodes; use fewer quasi-identifiers or shorter hierarchies");
        }
        Size = (int)size;
    }

    public int[] Heights { get; }
    public int[] Strides { get; }
    public int Size { get; }
    public int D => Heights.Length;

    public void Decode(int node, int[] levels)
    {
        for (var j = 0; j < Heights.Length; j++) levels[j] = node / Strides[j] % Heights[j];
    }

    public int Encode(IReadOnlyList<int> levels)
    {
        var x = 0;
        for (var j = 0; j < Heights.Length; j++) x += levels[j] * Strides[j];
        return x;
    }

    public int HeightOf(int node)
    {
        var h = 0;
        for (var j = 0; j < Heights.Length; j++) h += node / Strides[j] % Heights[j];
        return h;
    }

    /// <summary>Sets <paramref name="bit"/> on the node and all its generalizations (upward closed set).</summary>
    public void TagUp(byte[] flags, int node, byte bit, Stack<int> stack)
    {
        if ((flags[node] & bit) != 0) return;
        flags[node] |= bit;
        stack.Push(node);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            for (var j = 0; j < Heights.Length; j++)
            {
                if (x / Strides[j] % Heights[j] + 1 < Heights[j])
                {
                    var y = x + Strides[j];
                    if ((flags[y] & bit) == 0)
                    {
                        flags[y] |= bit;
                        stack.Push(y);
                    }
                }
            }
        }
    }

    /// <summary>Sets <paramref name="bit"/> on the node and all its specializations (downward closed set).</summary>
    public void TagDown(byte[] flags, int node, byte bit, Stack<int> stack)
    {
        if ((flags[node] & bit) != 0) return;
        flags[node] |= bit;
        stack.Push(node);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            for (var j = 0; j < Heights.Length; j++)
            {
                if (x / Strides[j] % Heights[j] > 0)
                {
                    var y = x - Strides[j];
                    if ((flags[y] & bit) == 0)
                    {
                        flags[y] |= bit;
                        stack.Push(y);
                    }
                }
            }
        }
    }
}
