using System.Text.Json;
using Mamori.Data;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Reliability.BackupSupport;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Reliability;

/// <summary>
/// <c>mamori backup</c>/<c>restore</c> on SQLite (online backup while the server writes) and
/// <c>pg_dump</c>/<c>pg_restore</c> on PostgreSQL: data and the audit chain survive the round trip;
/// keys travel separately.
/// </summary>
public sealed class BackupRestoreTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Backup_WhileServerWrites_RestoredCopyIsConsistentAndAuditVerifies()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var person = NewPerson();
        var id = await IspCustomerAsync(app, tenant, person);
        var dir = TempDir();
        var backup = Path.Combine(dir, "mamori-backup.db");

        // A writer keeps creating subjects (each with its audit event) while the backup runs.
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await SmsUserAsync(app, tenant, NewPerson());
                written++;
            }
        }, Ct);
        while (written < 5) await Task.Delay(20, Ct);
        var (code, stdout, err) = await CliAsync("backup", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--output", backup, "--json");
        await stop.CancelAsync();
        await writer;
        code.ShouldBe(0, err);
        var report = JsonDocument.Parse(stdout).RootElement;
        report.GetProperty("keysIncluded").GetBoolean().ShouldBeFalse();
        File.Exists(backup + "-wal").ShouldBeFalse("a backup is one self-contained file");
        File.ReadAllBytes(backup).AsSpan().IndexOf("SQLite format 3\0"u8).ShouldBe(0);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(backup).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Restore into a fresh place; the key ring is brought separately (copied), as docs/backup.md says.
        var restoredDir = TempDir();
        File.Copy(Path.Combine(app.Database.DataDir, "keys.json"), Path.Combine(restoredDir, "keys.json"));
        var target = new DatabaseTarget("sqlite", Path.Combine(restoredDir, "mamori.db"));
        (code, stdout, err) = await CliAsync("restore", backup, "--db", "sqlite:" + target.ConnectionString, "--data-dir", restoredDir, "--json");
        code.ShouldBe(0, err);
        var restored = JsonDocument.Parse(stdout).RootElement;
        restored.GetProperty("auditIntact").GetBoolean().ShouldBeTrue();
        restored.GetProperty("subjectsReshredded").GetInt32().ShouldBe(0);

        await using var sp = Services(target, restoredDir);
        (await DecryptAsync(sp, tenant, id))!["email"].ShouldBe(person.Email);
        (await CountAsync(sp, tenant)).ShouldBeGreaterThanOrEqualTo(1 + 5);
        (await VerifyAuditAsync(sp)).ShouldAllBe(v => v.Intact);
        (code, _, err) = await CliAsync("audit", "verify", "--db", "sqlite:" + target.ConnectionString, "--data-dir", restoredDir);
        code.ShouldBe(0, err);
    }

    [Fact]
    public async Task Restore_ServerRunningOnTarget_RefusedWith1322EvenWithForce()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        await SmsUserAsync(app, tenant, NewPerson());
        var backup = Path.Combine(TempDir(), "b.db");
        (await CliAsync("backup", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--output", backup)).Code.ShouldBe(0);

        var (code, _, err) = await CliAsync("restore", backup, "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--force");
        code.ShouldBe(1);
        err.ShouldContain("MAMORI-1322");
        err.Trim().Split('\n').Length.ShouldBe(1);
    }

    [Fact]
    public async Task Restore_ExistingDatabaseWithoutForce_RefusedWith1323ThenForceReplaces()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        var dbValue = app.Database.CliValue;
        var dataDir = Path.Combine(TempDir(), "data");
        Directory.CreateDirectory(dataDir);
        File.Copy(Path.Combine(app.Database.DataDir, "keys.json"), Path.Combine(dataDir, "keys.json"));
        var early = await SmsUserAsync(app, tenant, NewPerson());
        var backup = Path.Combine(TempDir(), "b.db");
        (await CliAsync("backup", "--db", dbValue, "--data-dir", dataDir, "--output", backup)).Code.ShouldBe(0);
        var (code, _, err) = await CliAsync("backup", "--db", dbValue, "--data-dir", dataDir, "--output", backup);
        code.ShouldBe(1);
        err.ShouldContain("MAMORI-1320");
        var late = await SmsUserAsync(app, tenant, NewPerson());
        var path = app.Database.SqlitePath;
        var copy = Path.Combine(dataDir, "live.db");
        (await CliAsync("backup", "--db", dbValue, "--data-dir", dataDir, "--output", copy)).Code.ShouldBe(0);
        await app.DisposeAsync();

        (code, _, err) = await CliAsync("restore", backup, "--db", "sqlite:" + copy, "--data-dir", dataDir);
        code.ShouldBe(1);
        err.ShouldContain("MAMORI-1323");
        (code, _, err) = await CliAsync("restore", backup, "--db", "sqlite:" + copy, "--data-dir", dataDir, "--force");
        code.ShouldBe(0, err);
        await using var sp = Services(new DatabaseTarget("sqlite", copy), dataDir);
        (await DecryptAsync(sp, tenant, early)).ShouldNotBeNull();
        await using (var scope = sp.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            db.Tenant.Set(tenant);
            (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Set<Mamori.Vault.DataSubject>(), s => s.Id == late, Ct))
                .ShouldBeFalse("the restore replaced the newer content");
        }
        File.Exists(path).ShouldBeFalse("the test database was removed with its app");
    }

    [Fact]
    public async Task Restore_FileThatIsNotABackup_RefusedWith1324()
    {
        var dir = TempDir();
        var junk = Path.Combine(dir, "junk.db");
        await File.WriteAllTextAsync(junk, "not a database at all", Ct);
        var (code, _, err) = await CliAsync("restore", junk, "--db", "sqlite:" + Path.Combine(dir, "m.db"), "--data-dir", dir);
        code.ShouldBe(1);
        err.ShouldContain("MAMORI-1324");
        File.Exists(Path.Combine(dir, "m.db")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("backup", "--output", "x.db")]
    [InlineData("restore", "x.db")]
    public async Task BackupOrRestore_OnPostgres_PointsToPgDumpWith1321(params string[] command)
    {
        var (code, _, err) = await CliAsync([.. command, "--db", "postgres:Host=127.0.0.1;Port=1;Username=x"]);
        code.ShouldBe(1);
        err.ShouldContain("MAMORI-1321");
        err.ShouldContain("pg_");
    }

    [Fact]
    public async Task PgDumpAndPgRestore_RoundTrip_DataReadableAndAuditVerifies()
    {
        var (app, tenant) = await StartAsync(Providers.Postgres, cluster);
        await using var owned = app;
        var person = NewPerson();
        var id = await EmployeeAsync(app, tenant, person);
        await SmsUserAsync(app, tenant, NewPerson());
        var dump = Path.Combine(TempDir(), "mamori.dump");
        // The documented commands (docs/backup.md): custom format, no owner, restored into an empty database.
        await PgToolAsync(cluster, "pg_dump", app.Database.Target.ConnectionString, "-Fc", "--no-owner", "-f", dump);
        var empty = await cluster.CreateEmptyDatabaseAsync(Ct);
        await PgToolAsync(cluster, "pg_restore", empty, "--no-owner", "--exit-on-error", dump);

        var keysDir = app.Database.DataDir;
        var target = new DatabaseTarget("postgres", empty);
        var (code, _, err) = await CliAsync("erasures", "reapply", "--db", "postgres:" + empty, "--data-dir", keysDir);
        code.ShouldBe(0, err);
        (code, _, err) = await CliAsync("audit", "verify", "--db", "postgres:" + empty, "--data-dir", keysDir);
        code.ShouldBe(0, err);
        await using var sp = Services(target, keysDir);
        var values = (await DecryptAsync(sp, tenant, id))!;
        values["my-number"].ShouldBe(person.MyNumber);
        values["address"].ShouldBe(person.Address);
        (await CountAsync(sp, tenant)).ShouldBe(2);
        (await VerifyAuditAsync(sp)).ShouldAllBe(v => v.Intact && v.Verified > 3);
    }
}
