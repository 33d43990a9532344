using System.Text;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// After erasure no plaintext of the subject is in any database file (SQLite main file and WAL;
/// PostgreSQL's database directory and WAL), and the ciphertext captured before erasure cannot be
/// decrypted with any key the system still holds.
/// </summary>
public sealed class CryptoShredTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_RawDatabaseFiles_HoldNoPlaintextAndCiphertextIsUndecryptable(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var victim = NewPerson();
        var bystander = NewPerson();
        var id = await SmsUserAsync(app, tenant, victim);
        await SmsUserAsync(app, tenant, bystander);
        var captured = await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == id).ToListAsync(Ct));
        captured.Count.ShouldBe(2);

        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));

        var files = await DatabaseFilesAsync(app, provider);
        files.Count.ShouldBeGreaterThan(0);
        // Positive control: the scan does see what the database holds in the clear (the tenant's name).
        Contains(files, "acme Inc.").ShouldBeTrue("the scan must be able to find stored text");
        foreach (var value in new[] { victim.Phone, victim.Phone.Replace("-", "", StringComparison.Ordinal), "+81" + victim.Phone[1..].Replace("-", "", StringComparison.Ordinal) })
            Contains(files, value).ShouldBeFalse($"plaintext '{value}' found in a database file");

        // Every data key the system can still unwrap, and every key-encryption key, fails on the old ciphertext.
        var ring = app.App.Services.GetRequiredService<KeyRingProvider>().Current;
        var subjects = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().Where(s => s.WrappedKey != null).ToListAsync(Ct));
        var keys = subjects.Select(s => VaultCrypto.Unwrap(ring, s.TenantId, s.Id, s.WrappedKey!)).Concat(ring.Keks.Select(k => k.Key)).ToList();
        keys.Count.ShouldBeGreaterThan(1);
        foreach (var field in captured)
            foreach (var key in keys)
                Should.Throw<MamoriException>(() => VaultCrypto.DecryptField(key, tenant, id, field.Category, field.Ciphertext)).Code.ShouldBe(ErrorCode.VaultCorrupt);
    }

    private static bool Contains(IReadOnlyList<byte[]> files, string value)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return files.Any(f => f.AsSpan().IndexOf(needle) >= 0);
    }

    private async Task<List<byte[]>> DatabaseFilesAsync(TestApp app, string provider)
    {
        if (provider == Providers.Sqlite)
        {
            var path = app.Database.SqlitePath;
            // Read while the server still has the database open, so the WAL is there as it would be on disk.
            return new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Select(ReadShared).ToList();
        }
        await using var conn = new NpgsqlConnection(app.Database.Target.ConnectionString);
        await conn.OpenAsync(Ct);
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", conn)) await checkpoint.ExecuteNonQueryAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = current_database()", conn);
        var oid = (uint)(await cmd.ExecuteScalarAsync(Ct))!;
        var data = cluster.DataDirectory;
        return Directory.EnumerateFiles(Path.Combine(data, "base", oid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Concat(Directory.EnumerateFiles(Path.Combine(data, "pg_wal")))
            .Select(ReadShared).ToList();
    }

    private static byte[] ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
