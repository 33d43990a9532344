using System.Text;

namespace Mamori.Anonymization;

/// <summary>Tabular data: a header and rows of string cells, all of the header's width.</summary>
public sealed class Table
{
    public Table(IReadOnlyList<string> header, IReadOnlyList<string[]> rows, IReadOnlyList<int>? lines = null)
    {
        Header = [.. header];
        Rows = rows;
        _lines = lines is not null && lines.Count == rows.Count ? lines : null;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != Header.Count)
                throw AnonymizationException.Of(AnonymizationErrors.CsvMalformed,
                    $"row {i + 1} has {rows[i].Length} fields, the header has {Header.Count}");
        }
    }

    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }
    public int RowCount => Rows.Count;

    /// <summary>The file the table was read from, or null.</summary>
    public string? Source { get; private init; }

    private readonly IReadOnlyList<int>? _lines;

    /// <summary>Where data row <paramref name="row"/> (0-based) is: "FILE: line N" (the line its record starts on) for a file, else "row N".</summary>
    public string Where(int row) => _lines is null ? $"row {row + 1}" : Source is null ? $"line {_lines[row]}" : $"{Source}: line {_lines[row]}";

    /// <summary>The file line a row starts on (a quoted cell may span lines), so that messages point where an editor shows it.</summary>
    public int LineOf(int row) => _lines?[row] ?? row + 2;

    /// <summary>The index of a column, or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Header.Count; i++)
            if (string.Equals(Header[i], column, StringComparison.Ordinal)) return i;
        return -1;
    }

    /// <summary>Reads delimiter-separated text with a header line. Quotes (") are honoured.</summary>
    public static Table ReadCsv(TextReader reader, char delimiter = ';', string source = "input")
    {
        var lines = new List<int>();
        var records = Csv.Read(reader, delimiter, source, lines);
        if (records.Count == 0)
            throw AnonymizationException.Of(AnonymizationErrors.CsvMalformed, $"{source}: no header line");
        var header = records[0];
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw AnonymizationException.Of(AnonymizationErrors.CsvMalformed,
                $"{source}: line {lines[0]}: the header names the column '{duplicate.Key}' twice; give every column its own name");
        var rows = records.GetRange(1, records.Count - 1);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != header.Length)
                throw AnonymizationException.Of(AnonymizationErrors.CsvMalformed,
                    $"{source}: line {lines[i + 1]} has {rows[i].Length} fields, the header has {header.Length}");
        }
        return new Table(header, rows, lines.GetRange(1, lines.Count - 1)) { Source = source };
    }

    public static Table ReadCsv(string path, char delimiter = ';')
    {
        using var reader = Csv.Open(path);
        return ReadCsv(reader, delimiter, path);
    }

    /// <summary>Writes the table with the delimiter, quoting cells that need it.</summary>
    public void WriteCsv(TextWriter writer, char delimiter = ';')
    {
        Csv.WriteRecord(writer, Header, delimiter);
        foreach (var row in Rows) Csv.WriteRecord(writer, row, delimiter);
    }
}

internal static class Csv
{
    /// <summary>Refuses bytes that are not UTF-8: replacement characters silently merged distinct Shift_JIS values.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? ReadLine(TextReader reader, string source, int line)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException)
        {
            throw AnonymizationException.Of(AnonymizationErrors.InputEncoding, $"{source}: not UTF-8 text (near line {line + 1})");
        }
    }

    public static StreamReader Open(string path)
    {
        try
        {
            return new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw AnonymizationException.Of(AnonymizationErrors.FileUnreadable, $"cannot read {path}: {e.GetType().Name}");
        }
    }

    /// <summary>Reads the records; <paramref name="lines"/>, when given, receives the file line each record starts on.</summary>
    public static List<string[]> Read(TextReader reader, char delimiter, string source, List<int>? lines = null)
    {
        var result = new List<string[]>();
        var fields = new List<string>();
        var cell = new StringBuilder();
        var line = 0;
        string? text;
        while ((text = ReadLine(reader, source, line)) is not null)
        {
            line++;
            if (text.Length == 0) continue;
            lines?.Add(line);
            fields.Clear();
            cell.Clear();
            var quoted = false;
            var i = 0;
            while (true)
            {
                if (i >= text.Length)
                {
                    if (quoted)
                    {
                        // A quoted cell spans lines.
                        var next = ReadLine(reader, source, line) ?? throw AnonymizationException.Of(
                            AnonymizationErrors.CsvMalformed, $"{source}: line {line}: unterminated quote");
                        line++;
                        cell.Append('\n');
                        text = next;
                        i = 0;
                        continue;
                    }
                    fields.Add(cell.ToString());
                    break;
                }
                var c = text[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i += 2; continue; }
                        quoted = false;
                        i++;
                        continue;
                    }
                    cell.Append(c);
                    i++;
                }
                else if (c == '"' && cell.Length == 0)
                {
                    quoted = true;
                    i++;
                }
                else if (c == delimiter)
                {
                    fields.Add(cell.ToString());
                    cell.Clear();
                    i++;
                }
                else
                {
                    cell.Append(c);
                    i++;
                }
            }
            result.Add([.. fields]);
        }
        return result;
    }

    public static void WriteRecord(TextWriter writer, IReadOnlyList<string> fields, char delimiter)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) writer.Write(delimiter);
            var f = fields[i];
            if (f.Contains(delimiter) || f.Contains('"') || f.Contains('\n') || f.Contains('\r'))
            {
                writer.Write('"');
                writer.Write(f.Replace("\"", "\"\"", StringComparison.Ordinal));
                writer.Write('"');
            }
            else
            {
                writer.Write(f);
            }
        }
        writer.Write('\n');
    }
}
