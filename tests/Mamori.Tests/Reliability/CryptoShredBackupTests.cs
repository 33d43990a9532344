using System.Text;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Reliability.BackupSupport;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Crypto-shred proof beyond the live database (issue #13 part 4): a backup or dump made before an
/// erasure, restored afterwards with the current key ring, yields nothing of the erased subject. The
/// current key-encryption key can still unwrap the old copy of the data key (shown below as the
/// gap); the erasure ledger beside the key ring is what refuses it and re-shreds it on restore, and
/// retiring the KEK makes the old copy cryptographically dead.
/// </summary>
public sealed class CryptoShredBackupTests(PostgresCluster cluster)
{
    [Fact]
    public async Task BackupBeforeErasure_RestoredWithCurrentKeys_SubjectStaysErased()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var victim = NewPerson();
        var bystander = NewPerson();
        var id = await SmsUserAsync(app, tenant, victim);
        var other = await SmsUserAsync(app, tenant, bystander);
        var backup = Path.Combine(TempDir(), "before-erasure.db");
        (await CliAsync("backup", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--output", backup)).Code.ShouldBe(0);
        var oldWrapped = await WrappedKeyAsync(app, tenant, id);

        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));

        // The gap the ledger closes: the current KEK still unwraps the key copied into the backup ...
        var ring = app.App.Services.GetRequiredService<KeyRingProvider>().Current;
        VaultCrypto.UnwrapIgnoringLedger(ring, tenant, id, oldWrapped).Length.ShouldBe(32);
        // ... but every unwrap Mamori does refuses it.
        Should.Throw<MamoriException>(() => VaultCrypto.Unwrap(ring, tenant, id, oldWrapped)).Code.ShouldBe(ErrorCode.ErasedKeyRestored);
        // The ledger lives beside the keys and holds ids and a fingerprint, never personal data.
        var ledger = await File.ReadAllTextAsync(Path.Combine(app.Database.DataDir, "erasures.jsonl"), Ct);
        ledger.ShouldContain(id.ToString());
        foreach (var value in Values(victim)) ledger.ShouldNotContain(value);
        ledger.ShouldNotContain(oldWrapped.Split(':')[2]);

        // Restore the pre-erasure backup elsewhere with the current keys and ledger.
        var restoredDb = Path.Combine(TempDir(), "restored.db");
        var (code, stdout, err) = await CliAsync("restore", backup, "--db", "sqlite:" + restoredDb, "--data-dir", app.Database.DataDir, "--json");
        code.ShouldBe(0, err);
        JsonDocument.Parse(stdout).RootElement.GetProperty("subjectsReshredded").GetInt32().ShouldBe(1);

        await using var sp = Services(new DatabaseTarget("sqlite", restoredDb), app.Database.DataDir);
        (await DecryptAsync(sp, tenant, id)).ShouldBeNull();
        (await DecryptAsync(sp, tenant, other))!["sms-phone"].ShouldBe(bystander.Phone);
        await AssertErasedRowsAsync(sp, tenant, id);
        (await VerifyAuditAsync(sp)).ShouldAllBe(v => v.Intact);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var raw = new[] { restoredDb, restoredDb + "-wal" }.Where(File.Exists).Select(File.ReadAllBytes).ToList();
        foreach (var value in Values(victim)) Contains(raw, value).ShouldBeFalse($"'{value}' in the restored database");
        Contains(raw, "acme Inc.").ShouldBeTrue("positive control: the scan sees stored text");
    }

    [Fact]
    public async Task BackupBeforeErasure_CopiedBackByHand_RefusedUntilReappliedThenShredded()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var id = await SmsUserAsync(app, tenant, NewPerson());
        var backup = Path.Combine(TempDir(), "before.db");
        (await CliAsync("backup", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--output", backup)).Code.ShouldBe(0);
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));

        // An operator copies the file back by hand, bypassing 'mamori restore'.
        var copied = Path.Combine(TempDir(), "copied.db");
        File.Copy(backup, copied);
        await using var sp = Services(new DatabaseTarget("sqlite", copied), app.Database.DataDir);
        (await Should.ThrowAsync<MamoriException>(() => DecryptAsync(sp, tenant, id))).Code.ShouldBe(ErrorCode.ErasedKeyRestored);
        await using (var scope = sp.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(tenant);
            var read = await Should.ThrowAsync<MamoriException>(() => scope.ServiceProvider.GetRequiredService<Subjects>()
                .ReadAsync(new Access.DecisionRequest(id, "verification", null, [Staff.Roles.PrivacyOfficer]), Actor.System, Ct));
            read.Code.ShouldBe(ErrorCode.ErasedKeyRestored);
            read.Status.ShouldBe(410);
        }

        // What 'mamori serve' does at start and 'mamori erasures reapply' does on demand.
        var (code, _, err) = await CliAsync("erasures", "reapply", "--db", "sqlite:" + copied, "--data-dir", app.Database.DataDir);
        code.ShouldBe(0, err);
        (await DecryptAsync(sp, tenant, id)).ShouldBeNull();
        await AssertErasedRowsAsync(sp, tenant, id);
        (await VerifyAuditAsync(sp)).ShouldAllBe(v => v.Intact);
        // Idempotent: nothing left to do the second time.
        (code, var again, _) = await CliAsync("erasures", "reapply", "--db", "sqlite:" + copied, "--data-dir", app.Database.DataDir, "--json");
        code.ShouldBe(0);
        JsonDocument.Parse(again).RootElement.GetProperty("subjectsReshredded").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task BackupBeforePartialErasure_Restored_HeldCategoriesKeptRestDestroyed()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);
        var backup = Path.Combine(TempDir(), "before.db");
        (await CliAsync("backup", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--output", backup)).Code.ShouldBe(0);
        var certificate = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        certificate.Destroyed.ShouldBe("inquiry");

        var restoredDb = Path.Combine(TempDir(), "restored.db");
        var (code, _, err) = await CliAsync("restore", backup, "--db", "sqlite:" + restoredDb, "--data-dir", app.Database.DataDir);
        code.ShouldBe(0, err);
        await using var sp = Services(new DatabaseTarget("sqlite", restoredDb), app.Database.DataDir);
        var values = (await DecryptAsync(sp, tenant, id))!;
        values.Keys.Order().ShouldBe(["email", "name", "phone"]);
        values["email"].ShouldBe(p.Email);

        // Regression (H3): the backup predates the erasure's mark, so the re-shredded customer was usable for support again.
        // The ledger line says an erasure destroyed the key: what the re-shred keeps serves only the law, as after the erasure.
        await using var scope = sp.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(tenant);
        var denied = await Should.ThrowAsync<MamoriException>(() => scope.ServiceProvider.GetRequiredService<Subjects>()
            .ReadAsync(new Access.DecisionRequest(id, "support", null, [Staff.Roles.Operator]), Actor.System, Ct));
        denied.Reason.ShouldBe(Access.DecisionReasons.ErasedLegalHold);
        (await scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == id, Ct))
            .ErasedWithHoldAt.ShouldNotBeNull();
    }

    /// <summary>A sweep re-applied after a restore is no erasure: what it keeps stays in use for its purposes.</summary>
    [Fact]
    public async Task BackupBeforeRetentionSweep_Restored_KeptCategoriesStayInUse()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var p = NewPerson();
        var id = await SmsUserAsync(app, tenant, p);             // verification-log P6M, sms-phone P1Y
        var backup = Path.Combine(TempDir(), "before.db");
        (await CliAsync("backup", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--output", backup)).Code.ShouldBe(0);
        app.Clock.Advance(TimeSpan.FromDays(200));
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Actor.System, Ct))).FieldsDestroyed.ShouldBe(1);

        var restoredDb = Path.Combine(TempDir(), "restored.db");
        var (code, stdout, err) = await CliAsync("restore", backup, "--db", "sqlite:" + restoredDb, "--data-dir", app.Database.DataDir, "--json");
        code.ShouldBe(0, err);
        JsonDocument.Parse(stdout).RootElement.GetProperty("subjectsReshredded").GetInt32().ShouldBe(1);
        await using var sp = Services(new DatabaseTarget("sqlite", restoredDb), app.Database.DataDir);
        (await DecryptAsync(sp, tenant, id))!.Keys.ShouldBe(["sms-phone"]);
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(tenant);
        (await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == id, Ct)).ErasedWithHoldAt.ShouldBeNull();
        (await db.Set<DestructionCertificate>().AsNoTracking().Where(c => c.SubjectId == id).Select(c => c.Kind).ToListAsync(Ct)).ShouldBe([DestructionKind.Retention]);
    }

    [Fact]
    public async Task PgDumpBeforeErasure_RestoredWithCurrentKeys_SubjectStaysErasedAndDumpAfterHasNoTrace()
    {
        var (app, tenant) = await StartAsync(Providers.Postgres, cluster);
        await using var owned = app;
        var victim = NewPerson();
        var bystander = NewPerson();
        var id = await SmsUserAsync(app, tenant, victim);
        var other = await SmsUserAsync(app, tenant, bystander);
        var dir = TempDir();
        var before = Path.Combine(dir, "before.dump");
        await PgToolAsync(cluster, "pg_dump", app.Database.Target.ConnectionString, "-Fc", "--no-owner", "-f", before);
        var oldWrapped = await WrappedKeyAsync(app, tenant, id);

        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));

        // A dump taken after the erasure: no value, no ciphertext row, no copy of the data key.
        var after = Path.Combine(dir, "after.sql");
        await PgToolAsync(cluster, "pg_dump", app.Database.Target.ConnectionString, "-Fp", "--no-owner", "-f", after);
        var afterText = await File.ReadAllTextAsync(after, Ct);
        afterText.ShouldContain(other.ToString());
        foreach (var value in Values(victim)) afterText.ShouldNotContain(value);
        afterText.ShouldNotContain(oldWrapped.Split(':')[2]);

        // The dump from before, restored into an empty database with the current keys.
        var restored = await cluster.CreateEmptyDatabaseAsync(Ct);
        await PgToolAsync(cluster, "pg_restore", restored, "--no-owner", "--exit-on-error", before);
        await using var sp = Services(new DatabaseTarget("postgres", restored), app.Database.DataDir);
        (await Should.ThrowAsync<MamoriException>(() => DecryptAsync(sp, tenant, id))).Code.ShouldBe(ErrorCode.ErasedKeyRestored);
        var (code, stdout, err) = await CliAsync("erasures", "reapply", "--db", "postgres:" + restored, "--data-dir", app.Database.DataDir, "--json");
        code.ShouldBe(0, err);
        JsonDocument.Parse(stdout).RootElement.GetProperty("subjectsReshredded").GetInt32().ShouldBe(1);
        (await DecryptAsync(sp, tenant, id)).ShouldBeNull();
        (await DecryptAsync(sp, tenant, other))!["sms-phone"].ShouldBe(bystander.Phone);
        await AssertErasedRowsAsync(sp, tenant, id);
        (await VerifyAuditAsync(sp)).ShouldAllBe(v => v.Intact);
        var redump = Path.Combine(dir, "restored.sql");
        await PgToolAsync(cluster, "pg_dump", restored, "-Fp", "--no-owner", "-f", redump);
        (await File.ReadAllTextAsync(redump, Ct)).ShouldNotContain(oldWrapped.Split(':')[2]);
    }

    [Fact]
    public async Task ErasureThenKekRotatedAndRetired_OldBackupKeyCannotBeUnwrappedAtAll()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var owned = app;
        var id = await SmsUserAsync(app, tenant, NewPerson());
        await SmsUserAsync(app, tenant, NewPerson());
        var oldWrapped = await WrappedKeyAsync(app, tenant, id);
        var oldKek = VaultCrypto.KeyIdOf(oldWrapped);
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));

        var args = new[] { "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir };
        (await CliAsync(["keys", "rotate", .. args])).Code.ShouldBe(0);
        var (code, _, err) = await CliAsync(["keys", "retire", oldKek, .. args]);
        code.ShouldBe(0, err);

        var ring = new KeyRingProvider(new KeyRingOptions(Path.Combine(app.Database.DataDir, "keys.json"), null)).Current;
        ring.Find(oldKek).ShouldBeNull();
        Should.Throw<MamoriException>(() => VaultCrypto.UnwrapIgnoringLedger(ring, tenant, id, oldWrapped)).Code.ShouldBe(ErrorCode.KeysMissing);
    }

    private static string[] Values(Person p) =>
        [p.Phone, p.Phone.Replace("-", "", StringComparison.Ordinal), "+81" + p.Phone[1..].Replace("-", "", StringComparison.Ordinal)];

    private static bool Contains(IReadOnlyList<byte[]> files, string value)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return files.Any(f => f.AsSpan().IndexOf(needle) >= 0);
    }

    private static Task<string> WrappedKeyAsync(TestApp app, Guid tenant, Guid id) =>
        app.InTenantAsync(tenant, async (_, db) => (await db.Set<DataSubject>().AsNoTracking().FirstAsync(s => s.Id == id, Ct)).WrappedKey!);

    private static async Task AssertErasedRowsAsync(IServiceProvider sp, Guid tenant, Guid id)
    {
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
        db.Tenant.Set(tenant);
        var s = await db.Set<DataSubject>().AsNoTracking().FirstAsync(x => x.Id == id, Ct);
        s.WrappedKey.ShouldBeNull();
        s.ErasedAt.ShouldNotBeNull();
        (await db.Set<SubjectField>().CountAsync(f => f.SubjectId == id, Ct)).ShouldBe(0);
        (await db.Set<SubjectLookup>().CountAsync(l => l.SubjectId == id, Ct)).ShouldBe(0);
        (await db.Set<AuditEvent>().CountAsync(e => e.SubjectId == id.ToString() && e.ReasonCode == "erasure-reapplied", Ct)).ShouldBe(1);
    }
}
