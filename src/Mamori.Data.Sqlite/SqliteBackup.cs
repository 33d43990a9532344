using Microsoft.Data.Sqlite;

namespace Mamori.Data.Sqlite;

/// <summary>
/// Consistent copies of a SQLite database through SQLite's online backup API: the copy is one
/// snapshot even while a server keeps writing (WAL readers are never blocked), and it is a
/// self-contained file (no -wal/-shm beside it).
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies <paramref name="sourcePath"/> into a new file <paramref name="destinationPath"/> (mode 600) and checks it.</summary>
    public static void Copy(string sourcePath, string destinationPath)
    {
        var tmp = destinationPath + ".partial";
        File.Delete(tmp);
        try
        {
            using (var source = Open(sourcePath, SqliteOpenMode.ReadWrite))
            using (var destination = Open(tmp, SqliteOpenMode.ReadWriteCreate))
            {
                source.BackupDatabase(destination);
                // A backup is one file: leave WAL mode in the copy so nothing is needed beside it.
                Execute(destination, "PRAGMA journal_mode=DELETE;");
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var problem = IntegrityProblem(tmp);
            if (problem is not null) throw new InvalidDataException($"The copy failed SQLite's integrity check: {problem}");
            File.Move(tmp, destinationPath, overwrite: false);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(tmp);
        }
    }

    /// <summary>
    /// Replaces the content of <paramref name="targetPath"/> with the backup, page by page, through the
    /// backup API (so an existing WAL is handled by SQLite, not by deleting files).
    /// </summary>
    public static void Restore(string backupPath, string targetPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(targetPath));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        try
        {
            using var backup = Open(backupPath, SqliteOpenMode.ReadWrite);
            using var target = Open(targetPath, SqliteOpenMode.ReadWriteCreate);
            backup.BackupDatabase(target);
            Execute(target, "PRAGMA journal_mode=WAL;");
            Execute(target, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(targetPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Null when <c>PRAGMA integrity_check</c> says ok (or the file is not a database: the message says so).</summary>
    public static string? IntegrityProblem(string path)
    {
        try
        {
            using var c = Open(path, SqliteOpenMode.ReadWrite);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check;";
            var result = cmd.ExecuteScalar() as string;
            return result == "ok" ? null : result ?? "no result";
        }
        catch (SqliteException e)
        {
            return $"not a readable SQLite database (SQLite error {e.SqliteErrorCode})";
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>The migrations recorded in a database file (empty when it has none).</summary>
    public static IReadOnlyList<string> AppliedMigrations(string path)
    {
        try
        {
            using var c = Open(path, SqliteOpenMode.ReadWrite);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"";
            using var reader = cmd.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read()) ids.Add(reader.GetString(0));
            return ids;
        }
        catch (SqliteException)
        {
            return [];
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        c.Open();
        // Microsoft.Data.Sqlite retries busy commands itself but sets no busy handler, and the backup API is no
        // command: a lock it meets (another connection recovering or checkpointing the WAL) fails it at once. A backup
        // beside a writing server failed that way once in a full test run under load; with a busy handler SQLite waits.
        Execute(c, "PRAGMA busy_timeout=30000;");
        return c;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
