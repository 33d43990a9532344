using Mamori.Access;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// A retention sweep that destroys some of a person's categories and keeps the rest re-encrypts what it keeps under a fresh data
/// key: the kept fields stay readable, the destroyed ones are gone from the database's files, and nothing captured before the sweep
/// (the old ciphertexts, the old wrapped key) opens with any key the system still holds.
/// </summary>
public sealed class PartialDestructionTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Sweep_SomeCategoriesExpired_KeptReadableDestroyedGoneFromFilesOldCiphertextDead(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var person = NewPerson();
        var log = "verification-" + Guid.NewGuid().ToString("N")[..12] + " ok";
        // verification-log is kept six months, sms-phone a year.
        var id = await app.InTenantAsync(tenant, async (sp, _) => (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input",
            ["verification", "coupon-management"], new Dictionary<string, string> { ["sms-phone"] = person.Phone, ["verification-log"] = log }, "sms-verify"), Actor.System, Ct)).Id);
        var before = await app.InTenantAsync(tenant, async (_, db) => (
            await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == id, Ct),
            await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == id).ToDictionaryAsync(f => f.Category, f => f.Ciphertext, Ct)));
        var ring = app.App.Services.GetRequiredService<KeyRingProvider>().Current;
        var oldKey = VaultCrypto.Unwrap(ring, tenant, id, before.Item1.WrappedKey!);

        app.Clock.Advance(TimeSpan.FromDays(200));
        var swept = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Actor.System, Ct));
        (swept.FieldsDestroyed, swept.SubjectsErased).ShouldBe((1, 0));

        // What is kept reads as before, through a decision, under a new data key.
        var read = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>()
            .ReadAsync(new DecisionRequest(id, "verification", null, ["sms-manager", Roles.Operator], RequireUnmasked: false), Actor.System, Ct));
        read.Values.Keys.ShouldBe(["sms-phone"]);
        var after = await app.InTenantAsync(tenant, async (_, db) => (
            await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == id, Ct),
            await db.Set<SubjectField>().AsNoTracking().Where(f => f.SubjectId == id).ToDictionaryAsync(f => f.Category, f => f.Ciphertext, Ct)));
        after.Item2.Keys.ShouldBe(["sms-phone"]);
        after.Item1.WrappedKey.ShouldNotBe(before.Item1.WrappedKey);
        var newKey = VaultCrypto.Unwrap(ring, tenant, id, after.Item1.WrappedKey!);
        VaultCrypto.DecryptField(newKey, tenant, id, "sms-phone", after.Item2["sms-phone"]).ShouldBe(person.Phone);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectLookup>().CountAsync(l => l.SubjectId == id, Ct))).ShouldBe(1);

        // The old data key is destroyed: listed in the erasure ledger, so the wrapped copy a backup holds is refused.
        Should.Throw<MamoriException>(() => VaultCrypto.Unwrap(ring, tenant, id, before.Item1.WrappedKey!)).Code.ShouldBe(ErrorCode.ErasedKeyRestored);
        // Neither the destroyed nor the kept field's old ciphertext opens with any key the system still holds.
        foreach (var key in ring.Keks.Select(k => k.Key).Append(newKey))
            foreach (var (category, ciphertext) in before.Item2)
                Should.Throw<MamoriException>(() => VaultCrypto.DecryptField(key, tenant, id, category, ciphertext)).Code.ShouldBe(ErrorCode.VaultCorrupt);
        // Positive control: the captured ciphertext was the field's, under the key now destroyed.
        VaultCrypto.DecryptField(oldKey, tenant, id, "verification-log", before.Item2["verification-log"]).ShouldBe(log);

        var files = await RawDatabase.FilesAsync(app, cluster);
        RawDatabase.Contains(files, "acme Inc.").ShouldBeTrue("the scan must be able to find stored text");
        RawDatabase.Contains(files, log).ShouldBeFalse("the destroyed field's value is in a database file");
        RawDatabase.Contains(files, person.Phone).ShouldBeFalse("the kept field's value is in a database file in clear");
        var certificate = await app.InTenantAsync(tenant, (_, db) => db.Set<DestructionCertificate>().AsNoTracking().SingleAsync(c => c.SubjectId == id, Ct));
        (certificate.Kind, certificate.Destroyed).ShouldBe((DestructionKind.Retention, "verification-log"));
    }
}
