using System.Text;
using Mamori.Discovery.Redaction;

namespace Mamori.Discovery;

/// <summary>A finding with its position in the whole stream: UTF-16 offsets and a 1-based line and column.</summary>
public readonly record struct StreamFinding(Finding Finding, long Start, long End, long Line, long Column);

/// <summary>
/// Scans a <see cref="TextReader"/> of any size in blocks of about <see cref="BlockSize"/> characters cut at
/// line ends, so memory stays bounded. Offsets are UTF-16 units from the start of the text (after any BOM).
/// A block is cut at a newline, else at a space; a single line longer than a block with no space in it is
/// cut hard, and an entity straddling that cut can be missed.
/// </summary>
public sealed class StreamingScanner(PiiAnalyzer analyzer, int blockSize = 1 << 20)
{
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
        long basePos = 0;
        long line = 1;
        long lineStartAbs = 0;
        var findings = new List<Finding>();
        var sb = redacted is null ? null : new StringBuilder(BlockSize + 1024);
        var eof = false;
        CsvColumns? columns = null; // the header row read from the first block, the context of every later block
        while (!eof || length > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (!eof && length < buffer.Length)
            {
                var read = reader.Read(buffer, length, buffer.Length - length);
                if (read == 0) eof = true;
                else length += read;
            }
            if (length == 0) break;
            var cut = eof ? length : Cut(buffer.AsSpan(0, length));
            var block = buffer.AsSpan(0, cut);
            findings.Clear();
            analyzer.Analyze(block, findings, columns);
            if (columns is null)
            {
                var nl = block.IndexOf('\n');
                columns = (nl >= 0 ? CsvColumns.TryParse(block[..nl]) : null) ?? CsvColumns.None;
            }
            var pos = 0;
            if (onFinding is not null)
            {
                foreach (var f in findings)
                {
                    Advance(block, ref pos, f.Start, basePos, ref line, ref lineStartAbs);
                    onFinding(new StreamFinding(f, basePos + f.Start, basePos + f.End, line, basePos + f.Start - lineStartAbs + 1));
                }
            }
            Advance(block, ref pos, cut, basePos, ref line, ref lineStartAbs);
            if (sb is not null)
            {
                sb.Clear();
                redactor!.Redact(block, findings, sb, null);
                foreach (var chunk in sb.GetChunks()) redacted!.Write(chunk.Span);
            }
            basePos += cut;
            Array.Copy(buffer, cut, buffer, 0, length - cut);
            length -= cut;
            progress?.Invoke(basePos);
        }
        redacted?.Flush();
        return basePos;
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

    private static int Cut(ReadOnlySpan<char> buffer)
    {
        var nl = buffer.LastIndexOf('\n');
        if (nl >= 0) return nl + 1;
        var sp = buffer.LastIndexOfAny(' ', '\t', '\u3000');
        var cut = sp > buffer.Length / 2 ? sp + 1 : buffer.Length - 256;
        if (char.IsHighSurrogate(buffer[cut - 1])) cut--;
        return cut;
    }
}
