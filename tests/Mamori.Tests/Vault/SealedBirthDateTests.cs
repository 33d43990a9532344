using System.Globalization;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// Regression: the date of birth that earlier versions kept in clear, sealed by the upgrade into <see cref="DataSubject.SealedBirthDate"/>
/// beside the fields, was missing from the disclosure answer (開示) and could not be corrected (訂正): personal data held but neither
/// disclosed nor correctable. It is disclosed as <c>birthDate</c>, corrected under that name, and moves into the policy's date-of-birth
/// category once a purpose shown uses one.
/// </summary>
public sealed class SealedBirthDateTests(PostgresCluster cluster)
{
    private static readonly DateOnly ChildBorn = new(2014, 7, 19);

    /// <summary>What the upgrade leaves for a subject whose clear date it sealed (see <see cref="VaultUpgrade"/>).</summary>
    private static Task SealAsync(TestApp app, Guid tenant, Guid id, DateOnly born) => app.InTenantAsync(tenant, async (sp, db) =>
    {
        var s = await db.Set<DataSubject>().SingleAsync(x => x.Id == id, Ct);
        var key = VaultCrypto.Unwrap(sp.GetRequiredService<KeyRingProvider>().Current, s.TenantId, s.Id, s.WrappedKey!);
        s.SealedBirthDate = VaultCrypto.EncryptField(key, s.TenantId, s.Id, BirthDates.SealedField, born.ToString(BirthDates.Format, CultureInfo.InvariantCulture));
        return await db.SaveChangesAsync(Ct);
    });

    private static async Task<IReadOnlyList<PackageField>> DisclosedAsync(TestApp app, Guid tenant, Guid id) =>
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<DisclosureBuilder>().BuildAsync("R-TEST-0001", RequestKind.Disclosure, [id], Actor.System, Ct)))
        .Subjects.ShouldHaveSingleItem().Fields;

    private static Task CorrectAsync(TestApp app, Guid tenant, Guid id, Dictionary<string, string> fields) =>
        app.InTenantAsync(tenant, async (sp, _) =>
        {
            await sp.GetRequiredService<Subjects>().CorrectAsync(id, fields, "data-subject-request", Actor.System, Ct);
            return 0;
        });

    private static Task<byte[]?> SealedAsync(TestApp app, Guid tenant, Guid id) =>
        app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Where(s => s.Id == id).Select(s => s.SealedBirthDate).SingleAsync(Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DisclosureAndCorrection_SealedBirthDateWithoutCategory_DisclosedAndCorrectedInPlace(string provider)
    {
        var (app, tenant) = await Mamori.Tests.Provision.ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        // A registrant: no purpose of theirs uses a date-of-birth category, so the sealed date is the only one held.
        var id = await RegistrantAsync(app, tenant, NewPerson());
        await SealAsync(app, tenant, id, ChildBorn);

        var field = (await DisclosedAsync(app, tenant, id)).Single(f => f.Category == BirthDates.ApiField);
        (field.Name, field.Value, field.NameEn).ShouldBe(("生年月日", "2014-07-19", "Date of birth"));
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, "provision:whois-public"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);

        (await Should.ThrowAsync<MamoriException>(() => CorrectAsync(app, tenant, id, new() { [BirthDates.ApiField] = "2014-02-30" }))).Code.ShouldBe(ErrorCode.InvalidFieldValue);
        await CorrectAsync(app, tenant, id, new() { [BirthDates.ApiField] = "1987/3/5" });

        (await DisclosedAsync(app, tenant, id)).Single(f => f.Category == BirthDates.ApiField).Value.ShouldBe("1987-03-05");
        (await SealedAsync(app, tenant, id)).ShouldNotBeNull();
        (await GrantAsync(app, tenant, id, "provision:whois-public")).GuardianConsent.ShouldBeFalse();
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Code == AuditCode.SubjectCorrected && e.SubjectId == id.ToString(), Ct)))
            .Categories.ShouldBe(BirthDates.ApiField);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Correction_SealedBirthDateAndPolicyNowHasCategory_MovedIntoTheCategory(string provider)
    {
        var (app, tenant) = await Mamori.Tests.Provision.ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        // Coupon delivery uses the date-of-birth category: data acquired before the policy had it holds only the sealed date.
        var id = await CouponUserAsync(app, tenant, NewPerson(), birth: null);
        await SealAsync(app, tenant, id, ChildBorn);
        (await DisclosedAsync(app, tenant, id)).Single(f => f.Category == BirthDates.ApiField).Value.ShouldBe("2014-07-19");

        (await Should.ThrowAsync<MamoriException>(() => CorrectAsync(app, tenant, id, new() { [BirthDates.ApiField] = "2014-07-20", ["birth-date"] = "2014-07-21" })))
            .Code.ShouldBe(ErrorCode.BirthDateConflict);
        await CorrectAsync(app, tenant, id, new() { [BirthDates.ApiField] = "2014-07-20" });

        (await SealedAsync(app, tenant, id)).ShouldBeNull();
        var fields = await DisclosedAsync(app, tenant, id);
        fields.ShouldNotContain(f => f.Category == BirthDates.ApiField);
        fields.Single(f => f.Category == "birth-date").Value.ShouldBe("2014-07-20");
    }
}
