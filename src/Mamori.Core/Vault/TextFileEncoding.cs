using System.Security.Cryptography;
using System.Text;

namespace Mamori.Vault;

/// <summary>
/// What <see cref="TextFileEncoding.InspectAsync"/> found: the file's SHA-256, whether it starts with a UTF-8 byte-order mark or
/// holds any byte above ASCII, and the first line that does not decode as UTF-8 or as Shift_JIS (0: all of it decodes).
/// </summary>
public sealed record TextFileCheck(string Hash, bool Bom, bool NonAscii, long Utf8BadLine, long ShiftJisBadLine);

/// <summary>
/// The encodings of CSV files from Excel in Japan: UTF-8 (「CSV UTF-8」) or Shift_JIS (Windows-31J, 「CSV（コンマ区切り）」). Read strictly:
/// a Shift_JIS file read as UTF-8 turns every Japanese character into U+FFFD, silently merging distinct names and values.
/// Used by <c>mamori import</c>, <c>mamori anonymize</c> and <c>mamori pseudonymize</c>.
/// </summary>
public static class TextFileEncoding
{
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Encoding StrictShiftJis { get; } = CodePagesEncodingProvider.Instance.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;

    /// <summary>Reads the whole file once: its hash, and whether all of it decodes as UTF-8 and (when <paramref name="shiftJis"/>) as Shift_JIS.</summary>
    public static async Task<TextFileCheck> InspectAsync(string path, bool shiftJis, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var utf8 = StrictUtf8.GetDecoder();
        var sjis = StrictShiftJis.GetDecoder();
        var chars = new char[64 * 1024 + 4];
        long line = 1, utf8BadLine = 0, sjisBadLine = 0;
        bool nonAscii = false, bom = false, first = true;
        await using (var s = File.OpenRead(path))
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await s.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                var chunk = buffer.AsSpan(0, n);
                if (first) bom = chunk.StartsWith("\uFEFF"u8);
                first = false;
                if (utf8BadLine == 0) utf8BadLine = Decodes(utf8, chunk, chars, line);
                if (sjisBadLine == 0 && shiftJis) sjisBadLine = Decodes(sjis, chunk, chars, line);
                nonAscii |= chunk.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) >= 0;
                line += chunk.Count((byte)'\n');
            }
            if (utf8BadLine == 0) utf8BadLine = Decodes(utf8, [], chars, line, flush: true);
            if (sjisBadLine == 0 && shiftJis) sjisBadLine = Decodes(sjis, [], chars, line, flush: true);
        }
        return new TextFileCheck(Convert.ToHexStringLower(sha.GetHashAndReset()), bom, nonAscii, utf8BadLine, sjisBadLine);

        // The line of the first byte that does not decode, or 0. A sequence cut by the chunk boundary waits in the decoder.
        static long Decodes(Decoder decoder, ReadOnlySpan<byte> bytes, char[] chars, long line, bool flush = false)
        {
            try
            {
                decoder.GetChars(bytes, chars, flush);
                return 0;
            }
            catch (DecoderFallbackException e)
            {
                return line + bytes[..Math.Clamp(e.Index, 0, bytes.Length)].Count((byte)'\n');
            }
        }
    }
}
