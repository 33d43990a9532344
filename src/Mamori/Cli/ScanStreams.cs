using System.Text;

namespace Mamori.Cli;

/// <summary>
/// Decodes a stream that can be read only once (standard input) without knowing its encoding in advance: a BOM wins,
/// then a forced encoding; otherwise ASCII is passed through (it reads the same in UTF-8 and Shift_JIS) and the choice
/// is made at the first non-ASCII byte, on that byte and up to 64 KiB after it: UTF-8 when they are valid UTF-8, else
/// Shift_JIS (CP932). Memory stays bounded however long the ASCII part is.
/// </summary>
internal sealed class DetectingReader(Stream stream, Encoding? forced) : TextReader
{
    private const int Window = 1 << 16;
    private readonly byte[] buffer = new byte[2 * Window];
    private int start, end;
    private bool eof, started;
    private Decoder? decoder;
    private Encoding? encoding;

    /// <summary>The encoding decided so far (UTF-8 while only ASCII has been read).</summary>
    public Encoding CurrentEncoding => encoding ?? forced ?? new UTF8Encoding(false);

    public static Encoding? ByBom(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? new UTF8Encoding(true)
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Encoding.Unicode
        : head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode
        : null;

    /// <summary>The length of <paramref name="bytes"/> without a UTF-8 sequence cut off at its end.</summary>
    public static int CompletePrefix(ReadOnlySpan<byte> bytes)
    {
        var cut = bytes.Length;
        var k = 0;
        while (k < 3 && cut > 0 && (bytes[cut - 1] & 0xC0) == 0x80) { cut--; k++; }
        // Continuation bytes with no lead byte before them are invalid wherever the buffer ends: keep them in.
        return cut > 0 && bytes[cut - 1] >= 0xC0 ? cut - 1 : bytes.Length;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> destination)
    {
        if (destination.IsEmpty) return 0;
        if (!started)
        {
            started = true;
            while (!eof && end < 3) Fill();
            if (ByBom(buffer.AsSpan(0, end)) is { } bom)
            {
                Choose(bom);
                start = bom.GetPreamble().Length;
            }
            else if (forced is not null) Choose(forced);
        }
        while (true)
        {
            if (start == end && !eof) Fill();
            if (decoder is null)
            {
                if (start == end) return 0;
                var ascii = buffer.AsSpan(start, end - start).IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                if (ascii != 0)
                {
                    var n = Math.Min(destination.Length, ascii < 0 ? end - start : ascii);
                    Encoding.ASCII.GetChars(buffer.AsSpan(start, n), destination);
                    start += n;
                    return n;
                }
                while (!eof && end - start < Window) Fill();
                var window = buffer.AsSpan(start, end - start);
                Choose(System.Text.Unicode.Utf8.IsValid(eof ? window : window[..CompletePrefix(window)]) ? new UTF8Encoding(false) : Encoding.GetEncoding(932));
            }
            decoder!.Convert(buffer.AsSpan(start, end - start), destination, flush: eof, out var used, out var chars, out _);
            start += used;
            if (chars > 0 || (eof && start == end)) return chars;
        }
    }

    private void Choose(Encoding chosen)
    {
        encoding = chosen;
        decoder = chosen.GetDecoder();
    }

    private void Fill()
    {
        if (start > 0 && (start == end || end == buffer.Length))
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }
        var read = stream.Read(buffer, end, buffer.Length - end);
        if (read == 0) eof = true;
        else end += read;
    }
}

/// <summary>
/// A redacted copy. It is written to a new temporary file next to its place and moved there when complete, so an
/// existing file (in the worst case an input) is never opened for writing or left half-written. The file is created on
/// the first write, when the input's encoding is known.
/// </summary>
internal sealed class RedactedCopy(string target, Func<Encoding> encoding) : TextWriter
{
    private readonly string temp = Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + "." + Path.GetRandomFileName() + ".tmp");
    private StreamWriter? writer;
    private bool committed;

    public override Encoding Encoding => encoding();

    private StreamWriter Writer => writer ??= Open();

    public override void Write(char value) => Writer.Write(value);
    public override void Write(char[] buffer, int index, int count) => Writer.Write(buffer, index, count);
    public override void Write(ReadOnlySpan<char> buffer) => Writer.Write(buffer);
    public override void Write(string? value) => Writer.Write(value);
    public override void Flush() => writer?.Flush();

    public void Commit()
    {
        try
        {
            Writer.Dispose();
            File.Move(temp, target, overwrite: true);
            committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Mamori.Discovery.DiscoveryException(Mamori.Discovery.DiscoveryErrors.OutputUnwritable, $"the redacted copy '{target}' cannot be written.");
        }
    }

    private StreamWriter Open()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            return new StreamWriter(new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), encoding(), 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Mamori.Discovery.DiscoveryException(Mamori.Discovery.DiscoveryErrors.OutputUnwritable, $"the redacted copy '{target}' cannot be written.");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            writer?.Dispose();
            if (!committed && writer is not null) File.Delete(temp);
        }
        base.Dispose(disposing);
    }
}
