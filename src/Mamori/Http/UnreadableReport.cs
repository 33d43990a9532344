using Mamori.Data;
using Mamori.Errors;

namespace Mamori.Http;

/// <summary>
/// What a list does with the rows it could not read (MAMORI-1114): logs each by id and column (never a value: a column changed
/// by hand could hold anything), and names them to API callers in the <c>Mamori-Unreadable</c> header, the body keeping its shape.
/// </summary>
public static partial class UnreadableReport
{
    public const string Header = "Mamori-Unreadable";

    public static void Mark(HttpContext http, IReadOnlyList<UnreadableRow> rows)
    {
        if (rows.Count == 0) return;
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnreadableReport));
        foreach (var row in rows) LeftOut(logger, row.Id, row.Column);
        http.Response.Headers[Header] = string.Join(", ", rows.Select(r => $"{r.Id}; column={r.Column}; code={ErrorCodes.Format(ErrorCode.UnknownStoredValue)}"));
    }

    [LoggerMessage(EventId = 1114, Level = LogLevel.Warning,
        Message = "Record {Id} was left out of a list (MAMORI-1114): its {Column} holds a value this version of Mamori does not know")]
    private static partial void LeftOut(ILogger logger, Guid id, string column);
}
