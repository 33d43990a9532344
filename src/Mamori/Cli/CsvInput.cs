using System.CommandLine;
using Mamori.Anonymization;
using Mamori.Vault;

namespace Mamori.Cli;

/// <summary>
/// The input table of <c>mamori anonymize</c> and <c>mamori pseudonymize</c>, read in UTF-8 or Shift_JIS (what Excel in Japan saves)
/// and never with replacement characters: a Shift_JIS file read as UTF-8 merged 福島県 and 福岡県, and 136 surnames into one value.
/// </summary>
internal static class CsvInput
{
    public static Option<string> EncodingOption()
    {
        var option = new Option<string>("--encoding")
        {
            Description = "auto (UTF-8, else Shift_JIS when the file is not UTF-8), utf-8 or shift_jis / 文字コード",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "utf-8", "shift_jis");
        return option;
    }

    /// <summary>Reads the table; a file that is not text in the encoding is refused naming the first line that does not decode (MAMORI-8013).</summary>
    public static async Task<Table> ReadAsync(string path, char delimiter, string encoding, CancellationToken ct)
    {
        TextFileCheck check;
        try
        {
            check = await TextFileEncoding.InspectAsync(path, shiftJis: encoding != "utf-8", ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AnonymizationException(AnonymizationErrors.FileUnreadable, $"cannot read {path}: {e.GetType().Name}");
        }
        System.Text.Encoding chosen;
        if (check.Bom || !check.NonAscii || (encoding == "auto" && check.Utf8BadLine == 0) || (encoding == "utf-8" && check.Utf8BadLine == 0))
        {
            if (check.Utf8BadLine > 0) throw NotUtf8(path, check.Utf8BadLine);
            chosen = TextFileEncoding.StrictUtf8;
        }
        else if (encoding == "shift_jis" && check.Utf8BadLine == 0)
        {
            throw new AnonymizationException(AnonymizationErrors.InputEncoding, $"{path}: the file is UTF-8 text, not Shift_JIS: give --encoding utf-8 or auto.");
        }
        else if (encoding != "utf-8" && check.ShiftJisBadLine == 0)
        {
            chosen = TextFileEncoding.StrictShiftJis;
        }
        else
        {
            throw encoding == "shift_jis"
                ? new AnonymizationException(AnonymizationErrors.InputEncoding,
                    $"{path}: line {check.ShiftJisBadLine} is not Shift_JIS text, so nothing was processed. Save the file from Excel as 「CSV UTF-8（コンマ区切り）」.")
                : NotUtf8(path, check.Utf8BadLine);
        }
        using var reader = new StreamReader(path, chosen, detectEncodingFromByteOrderMarks: true);
        return Table.ReadCsv(reader, delimiter, path);
    }

    private static AnonymizationException NotUtf8(string path, long line) => new(AnonymizationErrors.InputEncoding,
        $"{path}: line {line} is not UTF-8 text, so nothing was processed. Excel's 「CSV（コンマ区切り）」 saves Shift_JIS: give --encoding shift_jis "
        + "(auto reads it when it is not UTF-8), or save the file as 「CSV UTF-8（コンマ区切り）」.");
}
