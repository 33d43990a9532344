using System.Text;
using Mamori.Discovery.Redaction;

namespace Mamori.Discovery;

/// <summary>A finding with its position in the whole stream: UTF-16 offsets and a 1-based line and column.</summary>
public readonly record struct StreamFinding(Finding Finding, long Start, long End, long Line, long Column);

/// <summary>
/// Scans a <see cref="TextReader"/> of any size in blocks of about <see cref="BlockSize"/> characters cut at
/// line ends, so memory stays bounded. Offsets are UTF-16 units from the start of the text (after any BOM).
/// A line longer than a block is analysed a block at a time, and each cut is made safe: the last
/// <see cref="Margin"/> characters (text that may go on in the next block) are analysed again with the next block,
/// the cut is moved back so it splits no finding, and <see cref="Context"/> characters before it are analysed again
/// as context (findings there were already reported).
/// </summary>
public sealed class StreamingScanner(PiiAnalyzer analyzer, int blockSize = 1 << 20)
{
    /// <summary>Longer than any entity the analyzer finds, so one that reaches into it is whole in the next block.</summary>
    internal const int Margin = 1024;

    /// <summary>Text kept before a cut inside a line, so that a label just before the cut still gives its context.</summary>
    internal const int Context = 256;

    public int BlockSize { get; } = blockSize < 4096 ? 4096 : blockSize;

    /// <summary>
    /// Scans <paramref name="reader"/>, calling <paramref name="onFinding"/> in order. When
    /// <paramref name="redactor"/> and <paramref name="redacted"/> are given, the redacted text is written there.
    /// Returns the number of characters read.
    /// </summary>
    public long Scan(TextReader reader, Action<StreamFinding>? onFinding, TextRedactor? redactor = null, TextWriter? redacted = null,
        Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var buffer = new char[BlockSize];
        var length = 0;
        var keep = 0; // characters at the start of the buffer that were committed already (context for a long line)
        long basePos = 0; // offset of buffer[0] in the whole text
        long line = 1;
        long lineStartAbs = 0;
        var findings = new List<Finding>();
        var local = new List<Finding>();
        var sb = redacted is null ? null : new StringBuilder(BlockSize + 1024);
        var eof = false;
        CsvColumns? columns = null; // the header row read from the first block, the context of every later block
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (!eof && length < buffer.Length)
            {
                var read = reader.Read(buffer, length, buffer.Length - length);
                if (read == 0) eof = true;
                else length += read;
            }
            if (length == keep) break;
            findings.Clear();
            int cut;
            var newline = eof ? -1 : buffer.AsSpan(keep, length - keep).LastIndexOf('\n');
            var longLine = !eof && newline < 0;
            if (longLine)
            {
                analyzer.Analyze(buffer.AsSpan(0, length), findings, columns);
                cut = SafeCut(buffer.AsSpan(0, length), findings, keep);
                findings.RemoveAll(f => f.End > cut);
            }
            else
            {
                cut = eof ? length : keep + newline + 1;
                analyzer.Analyze(buffer.AsSpan(0, cut), findings, columns);
            }
            // A finding in the context was reported with the previous block.
            findings.RemoveAll(f => f.End <= keep);
            var block = buffer.AsSpan(0, cut);
            if (columns is null)
            {
                var nl = block.IndexOf('\n');
                columns = (nl >= 0 ? CsvColumns.TryParse(block[..nl]) : null) ?? CsvColumns.None;
            }
            var pos = keep;
            if (onFinding is not null)
            {
                foreach (var f in findings)
                {
                    Advance(block, ref pos, Math.Max(f.Start, keep), basePos, ref line, ref lineStartAbs);
                    onFinding(new StreamFinding(f, basePos + f.Start, basePos + f.End, line, basePos + f.Start - lineStartAbs + 1));
                }
            }
            Advance(block, ref pos, cut, basePos, ref line, ref lineStartAbs);
            if (sb is not null)
            {
                local.Clear();
                foreach (var f in findings) local.Add(f with { Start = Math.Max(f.Start, keep) - keep, End = f.End - keep });
                sb.Clear();
                redactor!.Redact(block[keep..], local, sb, null);
                foreach (var chunk in sb.GetChunks()) redacted!.Write(chunk.Span);
            }
            var retain = longLine ? Math.Min(Context, cut) : 0;
            if (retain > 0 && char.IsLowSurrogate(buffer[cut - retain])) retain--;
            var drop = cut - retain;
            basePos += drop;
            Array.Copy(buffer, drop, buffer, 0, length - drop);
            length -= drop;
            keep = retain;
            progress?.Invoke(basePos + keep);
        }
        redacted?.Flush();
        return basePos + keep;
    }

    /// <summary>
    /// Where to end a block inside a line: <see cref="Margin"/> before the end of what was read, moved back to the start
    /// of any finding it would split (a spaced card number used to be cut at one of its spaces and missed).
    /// </summary>
    private static int SafeCut(ReadOnlySpan<char> text, List<Finding> findings, int keep)
    {
        var cut = text.Length - Margin;
        bool moved;
        do
        {
            moved = false;
            foreach (var f in findings)
                if (f.Start < cut && f.End > cut && f.Start > keep) { cut = f.Start; moved = true; }
        }
        while (moved);
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return cut;
    }

    private static void Advance(ReadOnlySpan<char> block, ref int pos, int to, long basePos, ref long line, ref long lineStartAbs)
    {
        if (to <= pos) return;
        var seg = block[pos..to];
        var count = seg.Count('\n');
        if (count > 0)
        {
            line += count;
            lineStartAbs = basePos + pos + seg.LastIndexOf('\n') + 1;
        }
        pos = to;
    }
}
