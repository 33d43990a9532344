using System.CommandLine;
using System.Security.Cryptography;
using Mamori.Data.Sqlite;
using Mamori.Errors;
using Mamori.Hosting;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori backup --output FILE</c>: a consistent copy of the SQLite database through SQLite's online
/// backup API, safe while a server runs. The vault keys are never in it (docs/backup.md).
/// </summary>
public static class BackupCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "The backup file to write (must not exist)", Required = true };
        var json = CliSupport.Json();
        var cmd = new Command("backup", "Write a consistent copy of the SQLite database while the server runs (keys are not included; back them up apart)") { output, json };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, _ =>
        {
            var settings = MamoriSettings.Resolve(r.GetValue(CliSupport.Db), r.GetValue(CliSupport.DataDir));
            if (settings.Database.Provider != "sqlite")
                throw new MamoriException(ErrorCode.BackupNotSupported,
                    "mamori backup copies SQLite databases; for PostgreSQL use pg_dump -Fc (see docs/backup.md).");
            var source = SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString);
            if (!File.Exists(source))
                throw new MamoriException(ErrorCode.DatabaseUnavailable, $"There is no database at {Path.GetFullPath(source)}.");
            var target = Path.GetFullPath(r.GetValue(output)!);
            if (File.Exists(target))
                throw new MamoriException(ErrorCode.BackupFailed, $"{target} already exists; a backup never overwrites a file.");
            try
            {
                SqliteBackup.Copy(source, target);
            }
            catch (InvalidDataException e)
            {
                throw new MamoriException(ErrorCode.BackupFailed, e.Message);
            }
            catch (IOException e)
            {
                throw new MamoriException(ErrorCode.BackupFailed, $"The backup could not be written: {e.GetType().Name}.");
            }
            var migrations = SqliteBackup.AppliedMigrations(target);
            var bytes = new FileInfo(target).Length;
            string sha256;
            using (var stream = File.OpenRead(target)) sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { output = target, bytes, sha256, schema = migrations.LastOrDefault(), keysIncluded = false });
            else
            {
                r.InvocationConfiguration.Output.WriteLine($"Wrote {target} ({bytes:N0} bytes, schema {migrations.LastOrDefault() ?? "none"}, sha256 {sha256}).");
                r.InvocationConfiguration.Output.WriteLine("The vault keys are not in the backup: keep keys.json (and erasures.jsonl) backed up apart from it.");
            }
            return Task.FromResult(0);
        }, requireMigrated: false));
        return cmd;
    }
}
