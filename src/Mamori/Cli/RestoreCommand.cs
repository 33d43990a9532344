using System.CommandLine;
using Mamori.Audit;
using Mamori.Data.Sqlite;
using Mamori.Errors;
using Mamori.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori restore FILE</c>: replaces the SQLite database with a backup from <c>mamori backup</c>,
/// refusing while a server runs on it and asking for <c>--force</c> before replacing an existing one;
/// then migrates it, re-applies the erasure ledger (subjects erased after the backup stay erased) and
/// verifies the audit chain. The keys are not in the backup: the current key ring is used.
/// </summary>
public static class RestoreCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A backup written by 'mamori backup'" };
        var force = new Option<bool>("--force") { Description = "Replace the existing database" };
        var json = CliSupport.Json();
        var cmd = new Command("restore", "Restore the SQLite database from a backup, then migrate, re-apply erasures and verify the audit chain") { file, force, json };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var settings = MamoriSettings.Resolve(r.GetValue(CliSupport.Db), r.GetValue(CliSupport.DataDir));
            if (settings.Database.Provider != "sqlite")
                throw new MamoriException(ErrorCode.BackupNotSupported,
                    "mamori restore restores SQLite databases; for PostgreSQL use pg_restore, then 'mamori erasures reapply' (see docs/backup.md).");
            var backup = Path.GetFullPath(r.GetValue(file)!);
            if (!File.Exists(backup)) throw new MamoriException(ErrorCode.BackupInvalid, $"There is no file {backup}.");
            if (SqliteBackup.IntegrityProblem(backup) is { } problem)
                throw new MamoriException(ErrorCode.BackupInvalid, $"{backup} is not a usable backup: {problem}.");
            var db = sp.GetRequiredService<Data.MamoriDbContext>();
            var applied = SqliteBackup.AppliedMigrations(backup);
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            if (applied.Count == 0) throw new MamoriException(ErrorCode.BackupInvalid, $"{backup} is not a Mamori database (it has no migrations).");
            if (applied.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
                throw new MamoriException(ErrorCode.BackupInvalid, $"{backup} has schema {unknown}, newer than this build of mamori; restore it with that version.");

            var target = Path.GetFullPath(SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString));
            using (var held = ServerLock.TryAcquire(ServerLock.PathFor(target))
                              ?? throw new MamoriException(ErrorCode.RestoreTargetInUse, $"A Mamori server is running on {target}; stop it before restoring."))
            {
                if (File.Exists(target) && new FileInfo(target).Length > 0 && !r.GetValue(force))
                    throw new MamoriException(ErrorCode.RestoreTargetExists, $"{target} already exists; pass --force to replace it with the backup.");
                SqliteBackup.Restore(backup, target);

                var pending = await Vault.VaultUpgrade.MigrateAsync(sp, ct);
                // The operating-system account, not --actor: the users are the backup's, known only once it is back, and the
                // erasures must be re-applied whatever they are.
                var operatorAccount = Audit.Actor.Cli(CliSupport.OperatingSystemAccount());
                var erasures = await ErasuresCommand.ReapplyAsync(sp, (await CliSupport.AllTenantsAsync(sp, ct)).Select(t => (t.Id, t.Slug, operatorAccount)), ct);
                var chains = await AuditVerify.VerifyAllAsync(db, ct);
                var intact = chains.All(c => c.Intact);
                if (r.GetValue(json))
                    CliSupport.WriteJson(r, new
                    {
                        restored = target, from = backup, migrated = pending, subjectsReshredded = erasures.SubjectsReshredded,
                        auditIntact = intact, events = chains.Sum(c => c.Verified),
                    });
                else
                {
                    var o = r.InvocationConfiguration.Output;
                    o.WriteLine($"Restored {target} from {backup}.");
                    if (pending.Count > 0) o.WriteLine($"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
                    o.WriteLine($"Erasures re-applied: {erasures.SubjectsReshredded} subject(s) erased after this backup was taken were shredded again.");
                    foreach (var c in chains)
                        o.WriteLine(c.Intact ? $"{c.TenantSlug}: audit chain intact, {c.Verified} events" : $"{c.TenantSlug}: audit chain broken at {c.BrokenAt}: {c.Problem}");
                }
                if (!intact)
                    await r.InvocationConfiguration.Error.WriteLineAsync($"mamori: the restored audit chain does not verify ({ErrorCodes.Format(ErrorCode.AuditChainBroken)})");
                return intact ? 0 : 1;
            }
        }, requireMigrated: false));
        return cmd;
    }
}
