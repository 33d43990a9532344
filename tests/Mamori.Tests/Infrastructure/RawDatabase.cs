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

    /// <summary>
    /// Every file of the database as someone holding the disk would read it: SQLite's database, WAL and shared-memory files (read
    /// while the server has them open), or, after a checkpoint, PostgreSQL's files of this database and its WAL.
    /// </summary>
    public static async Task<List<byte[]>> FilesAsync(TestApp app, PostgresCluster cluster)
    {
        if (app.Database.Provider == Providers.Sqlite)
        {
            var path = app.Database.SqlitePath;
            return new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Select(ReadShared).ToList();
        }
        await using var conn = new Npgsql.NpgsqlConnection(app.Database.Target.ConnectionString);
        await conn.OpenAsync(Ct);
        await using (var checkpoint = new Npgsql.NpgsqlCommand("CHECKPOINT", conn)) await checkpoint.ExecuteNonQueryAsync(Ct);
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = current_database()", conn);
        var oid = (uint)(await cmd.ExecuteScalarAsync(Ct))!;
        return Directory.EnumerateFiles(Path.Combine(cluster.DataDirectory, "base", oid.ToString(CultureInfo.InvariantCulture)))
            .Concat(Directory.EnumerateFiles(Path.Combine(cluster.DataDirectory, "pg_wal")))
            .Select(ReadShared).ToList();
    }

    /// <summary>Whether <paramref name="value"/> is in one of <paramref name="files"/> as UTF-8.</summary>
    public static bool Contains(IReadOnlyList<byte[]> files, string value)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return files.Any(f => f.AsSpan().IndexOf(needle) >= 0);
    }

    private static byte[] ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
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
