using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Tests.Infrastructure;

/// <summary>Looks for a value in the database's own files, as someone holding a copy of the disk would, below the SQL layer.</summary>
public static class RawDatabase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Whether <paramref name="date"/> is stored as a date anywhere in the files: SQLite's database and write-ahead log (as text,
    /// its form there), or PostgreSQL's files of the <c>DataSubjects</c> table (as the day number of its <c>date</c> type).
    /// </summary>
    public static async Task<bool> ContainsAsync(TestApp app, PostgresCluster cluster, DateOnly date)
    {
        if (app.Database.Provider == Providers.Sqlite)
        {
            var text = Encoding.ASCII.GetBytes(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            return Contains(app.Database.SqlitePath, text) || Contains(app.Database.SqlitePath + "-wal", text);
        }
        var file = await app.InTenantAsync(Guid.Empty, async (_, db) =>
        {
            await db.Database.ExecuteSqlRawAsync("CHECKPOINT", Ct);
            return await db.Database.SqlQueryRaw<string>("""SELECT pg_relation_filepath('"DataSubjects"') AS "Value" """).SingleAsync(Ct);
        });
        var days = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(days, date.DayNumber - new DateOnly(2000, 1, 1).DayNumber);
        return Directory.GetFiles(Path.GetDirectoryName(Path.Combine(cluster.DataDirectory, file))!, Path.GetFileName(file) + "*").Any(f => Contains(f, days));
    }

    private static bool Contains(string path, byte[] needle)
    {
        if (!File.Exists(path)) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0;
    }
}
