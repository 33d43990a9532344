using System.Data.Common;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Hosting;
using Mamori.Tenancy;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Shouldly;
using static Mamori.Tests.Reliability.BackupSupport;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Reliability;

/// <summary>
/// Upgrade from the previous release (v0.1.0, whose schema is each provider's <c>Initial</c> migration):
/// a database with only <c>Initial</c> applied is filled with representative data, migrated to the
/// latest schema, and must keep every row, decrypt every subject and verify its audit chain. The data
/// is produced by the real feature classes in a scratch database and copied, column by column, into
/// the columns v0.1.0 has (SQL only: ATTACH on SQLite, binary COPY on PostgreSQL), so the test follows
/// whatever migrations come after <c>Initial</c> without being edited.
/// </summary>
public sealed class MigrationFromV01Tests(PostgresCluster cluster)
{
    private const string PreviousRelease = "Initial";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_FromV010InitialWithData_PreservesRowsAndAuditVerifies(string provider)
    {
        // Representative data: tenant, staff, API key, policy versions, subjects of several kinds with
        // lookups and consents, an erasure with its certificate, and the audit chain over all of it.
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var owned = app;
        await app.UserAsync(tenant, Staff.Roles.Admin);
        await app.ApiKeyAsync(tenant, Staff.Roles.Auditor);
        var people = Enumerable.Range(0, 3).Select(_ => NewPerson()).ToList();
        var customer = await IspCustomerAsync(app, tenant, people[0]);
        var employee = await EmployeeAsync(app, tenant, people[1]);
        var sms = await SmsUserAsync(app, tenant, people[2], couponConsent: true);
        var erased = await SmsUserAsync(app, tenant, NewPerson());
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(erased, "data-subject-request", Actor.System, Ct));
        var heldErased = await IspCustomerAsync(app, tenant, NewPerson());
        var heldCertificate = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(heldErased, "data-subject-request", Actor.System, Ct));

        // v0.1.0 counted every period from acquisition, so each field had its end date: give the fields that now wait for an
        // event (the demo policy names them) the dates v0.1.0 would have written, or they cannot exist in its schema.
        await app.InTenantAsync(tenant, async (_, db) =>
        {
            foreach (var f in await db.Set<SubjectField>().Where(f => f.RetainUntil == null || (f.HoldBasis != null && f.HeldUntil == null)).ToListAsync(Ct))
            {
                f.RetainUntil ??= f.UpdatedAt.AddYears(10);
                if (f.HoldBasis is not null) f.HeldUntil ??= f.UpdatedAt.AddYears(7);
                f.AwaitingEvents = null;
            }
            return await db.SaveChangesAsync(Ct);
        });

        // The v0.1.0 database.
        var target = provider == Providers.Sqlite
            ? new DatabaseTarget("sqlite", Path.Combine(TempDir(), "v010.db"))
            : new DatabaseTarget("postgres", await cluster.CreateEmptyDatabaseAsync(Ct));
        await using (var db = Context(target))
        {
            await db.GetService<IMigrator>().MigrateAsync(PreviousRelease, cancellationToken: Ct);
            (await db.Database.GetAppliedMigrationsAsync(Ct)).ShouldHaveSingleItem().ShouldEndWith("_" + PreviousRelease);
        }
        var copied = provider == Providers.Sqlite
            ? await CopySqliteAsync(app.Database.SqlitePath, target.ConnectionString)
            : await CopyPostgresAsync(app.Database.Target.ConnectionString, target.ConnectionString);
        copied.ShouldContainKey("DataSubjects");
        copied["DataSubjects"].ShouldBe(5);
        copied.ShouldContainKey("AuditEvents");
        copied.ShouldContainKey("ConsentRecords");
        copied.Values.Sum().ShouldBeGreaterThan(20);

        // Upgrade to the latest schema, as 'mamori migrate' / 'mamori serve' do.
        await using (var db = Context(target))
        {
            (await db.Database.GetPendingMigrationsAsync(Ct)).ShouldBe(db.Database.GetMigrations().Skip(1));
            await db.Database.MigrateAsync(Ct);
            (await db.Database.GetPendingMigrationsAsync(Ct)).ShouldBeEmpty();
        }
        var after = await CountRowsAsync(target, copied.Keys);
        foreach (var (table, count) in copied) after[table].ShouldBe(count, $"rows of {table} after the upgrade");

        await using var sp = Services(target, app.Database.DataDir);
        (await DecryptAsync(sp, tenant, customer))!["email"].ShouldBe(people[0].Email);
        (await DecryptAsync(sp, tenant, employee))!["my-number"].ShouldBe(people[1].MyNumber);
        (await DecryptAsync(sp, tenant, sms))!["sms-phone"].ShouldBe(people[2].Phone);
        (await DecryptAsync(sp, tenant, erased)).ShouldBeNull();
        // Erased before the column existed with data under a legal hold: the upgrade marks it, so its use is the law's only.
        (await DecryptAsync(sp, tenant, heldErased))!.Keys.Order().ShouldBe(["email", "name", "phone"]);
        await using (var scope = sp.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
            db.Tenant.Set(tenant);
            var marks = await db.Set<DataSubject>().AsNoTracking().Where(s => s.ErasedWithHoldAt != null).Select(s => new { s.Id, s.ErasedWithHoldAt }).ToListAsync(Ct);
            marks.ShouldHaveSingleItem().ShouldBe(new { Id = heldErased, ErasedWithHoldAt = (DateTimeOffset?)heldCertificate.DestroyedAt });
        }
        var chains = await VerifyAuditAsync(sp);
        chains.ShouldAllBe(c => c.Intact);
        chains.Sum(c => c.Verified).ShouldBe(copied["AuditEvents"]);
        var (code, _, err) = await CliAsync("audit", "verify", "--db", $"{target.Provider}:{target.ConnectionString}", "--data-dir", app.Database.DataDir);
        code.ShouldBe(0, err);
    }

    private static MamoriDbContext Context(DatabaseTarget target)
    {
        var options = new DbContextOptionsBuilder<MamoriDbContext>();
        MamoriSettings.ProviderFor(target).Configure(options, target.ConnectionString);
        return new MamoriDbContext(options.Options);
    }

    /// <summary>Copies the columns both schemas have, table by table, with foreign keys off during the copy.</summary>
    private static async Task<Dictionary<string, long>> CopySqliteAsync(string source, string target)
    {
        SqliteConnection.ClearAllPools();
        await using var c = new SqliteConnection($"Data Source={target};Pooling=False");
        await c.OpenAsync(Ct);
        await ExecAsync(c, "PRAGMA foreign_keys=OFF");
        await ExecAsync(c, $"ATTACH DATABASE '{source.Replace("'", "''", StringComparison.Ordinal)}' AS src");
        var copied = new Dictionary<string, long>();
        foreach (var table in await ListAsync(c, "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsHistory'"))
        {
            var columns = (await ListAsync(c, $"SELECT name FROM pragma_table_info('{table}', 'main')"))
                .Intersect(await ListAsync(c, $"SELECT name FROM pragma_table_info('{table}', 'src')")).ToList();
            if (columns.Count == 0) continue; // a table the current schema dropped
            var list = string.Join(", ", columns.Select(x => $"\"{x}\""));
            await ExecAsync(c, $"INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM src.\"{table}\"");
            copied[table] = await ScalarAsync(c, $"SELECT COUNT(*) FROM main.\"{table}\"");
        }
        (await ListAsync(c, "SELECT \"table\" FROM pragma_foreign_key_check")).ShouldBeEmpty();
        await ExecAsync(c, "DETACH DATABASE src");
        return copied;
    }

    /// <summary>Binary COPY of the shared columns; foreign-key triggers off (replica role), identity sequences moved past the copied ids.</summary>
    private static async Task<Dictionary<string, long>> CopyPostgresAsync(string source, string target)
    {
        await using var from = new NpgsqlConnection(source);
        await using var to = new NpgsqlConnection(target);
        await from.OpenAsync(Ct);
        await to.OpenAsync(Ct);
        await ExecAsync(to, "SET session_replication_role = replica");
        const string Tables = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '__EFMigrationsHistory' ORDER BY 1";
        const string Columns = "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{0}' ORDER BY ordinal_position";
        var copied = new Dictionary<string, long>();
        var sourceTables = (await ListAsync(from, Tables)).ToHashSet(StringComparer.Ordinal);
        foreach (var table in await ListAsync(to, Tables))
        {
            if (!sourceTables.Contains(table)) continue;
            var columns = (await ListAsync(to, string.Format(System.Globalization.CultureInfo.InvariantCulture, Columns, table)))
                .Intersect(await ListAsync(from, string.Format(System.Globalization.CultureInfo.InvariantCulture, Columns, table))).ToList();
            var list = string.Join(", ", columns.Select(x => $"\"{x}\""));
            await using (var reader = await from.BeginRawBinaryCopyAsync($"COPY \"{table}\" ({list}) TO STDOUT (FORMAT BINARY)", Ct))
            await using (var writer = await to.BeginRawBinaryCopyAsync($"COPY \"{table}\" ({list}) FROM STDIN (FORMAT BINARY)", Ct))
                await reader.CopyToAsync(writer, Ct);
            copied[table] = await ScalarAsync(to, $"SELECT COUNT(*) FROM \"{table}\"");
        }
        var identities = await ListAsync(to, "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval%')");
        foreach (var tc in identities)
        {
            var (table, column) = (tc.Split('.')[0], tc.Split('.')[1]);
            await ExecAsync(to, $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), COALESCE(MAX(\"{column}\"), 0) + 1, false) FROM \"{table}\"");
        }
        await ExecAsync(to, "SET session_replication_role = origin");
        return copied;
    }

    private static async Task<Dictionary<string, long>> CountRowsAsync(DatabaseTarget target, IEnumerable<string> tables)
    {
        await using var db = Context(target);
        var c = db.Database.GetDbConnection();
        await c.OpenAsync(Ct);
        var counts = new Dictionary<string, long>();
        foreach (var t in tables) counts[t] = await ScalarAsync(c, $"SELECT COUNT(*) FROM \"{t}\"");
        return counts;
    }

    private static async Task ExecAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> ScalarAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> ListAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(Ct);
        var list = new List<string>();
        while (await r.ReadAsync(Ct)) list.Add(r.GetString(0));
        return list;
    }
}
