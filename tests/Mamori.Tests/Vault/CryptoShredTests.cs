using Mamori.Audit;
using Mamori.Errors;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
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

        var files = await RawDatabase.FilesAsync(app, cluster);
        files.Count.ShouldBeGreaterThan(0);
        // Positive control: the scan does see what the database holds in the clear (the tenant's name).
        RawDatabase.Contains(files, "acme Inc.").ShouldBeTrue("the scan must be able to find stored text");
        foreach (var value in new[] { victim.Phone, victim.Phone.Replace("-", "", StringComparison.Ordinal), "+81" + victim.Phone[1..].Replace("-", "", StringComparison.Ordinal) })
            RawDatabase.Contains(files, value).ShouldBeFalse($"plaintext '{value}' found in a database file");

        // Every data key the system can still unwrap, and every key-encryption key, fails on the old ciphertext.
        var ring = app.App.Services.GetRequiredService<KeyRingProvider>().Current;
        var subjects = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().Where(s => s.WrappedKey != null).ToListAsync(Ct));
        var keys = subjects.Select(s => VaultCrypto.Unwrap(ring, s.TenantId, s.Id, s.WrappedKey!)).Concat(ring.Keks.Select(k => k.Key)).ToList();
        keys.Count.ShouldBeGreaterThan(1);
        foreach (var field in captured)
            foreach (var key in keys)
                Should.Throw<MamoriException>(() => VaultCrypto.DecryptField(key, tenant, id, field.Category, field.Ciphertext)).Code.ShouldBe(ErrorCode.VaultCorrupt);
    }
}
