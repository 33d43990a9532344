using Mamori.Audit;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

/// <summary>
/// Minors (L-06, S-13) told by the date of birth the vault holds in a category flagged <c>birthDate</c>, whether it came through the API,
/// an import or a correction; and grants of purposes that ask for no consent (MAMORI-4007).
/// </summary>
public sealed class MinorConsentTests(PostgresCluster cluster)
{
    private static Dictionary<string, string> Fields(string born) => new() { ["sms-phone"] = NewPerson().Phone, ["birth-date"] = born };

    private static CreateSubjectRequest CouponUser(string born, IReadOnlyList<string>? consents = null, bool guardian = false) =>
        new("sms-user", "self-input", ["verification", "coupon-delivery"], Fields(born), "sms-verify", consents, GuardianConsent: guardian);

    private static Task<Guid> CreateAsync(TestApp app, Guid tenant, CreateSubjectRequest request) =>
        In(app, tenant, async sp => (await sp.GetRequiredService<Subjects>().CreateAsync(request, Actor.System, Ct)).Id);

    private static string YearsAgo(TestApp app, int years) =>
        DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddYears(-years).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_BirthDateInFlaggedCategory_GuardianRequiredUntilCorrectedToAdult(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var child = await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 9)));

        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, child, "purpose:coupon-delivery"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        (await In(app, tenant, sp => sp.GetRequiredService<Consents>().RecordAsync(child,
            new RecordConsentRequest(["purpose:coupon-delivery"], true, ConsentMethod.WebForm, GuardianConsent: true), Actor.System, Ct))).GuardianConsent.ShouldBeTrue();

        // The check reads what the vault holds now: a corrected date of birth counts.
        await In(app, tenant, async sp => { await sp.GetRequiredService<Subjects>().CorrectAsync(child, new Dictionary<string, string> { ["birth-date"] = YearsAgo(app, 30) }, "data-subject-request", Actor.System, Ct); return true; });
        (await GrantAsync(app, tenant, child, "purpose:coupon-delivery")).GuardianConsent.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_SeparateBirthDate_EncryptedInBirthDateCategoryNeverInClear(string provider)
    {
        // Regression: the separate birthDate (POST /api/subjects) was stored in clear on DataSubjects.
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var born = new DateOnly(2014, 7, 19);
        (await Should.ThrowAsync<MamoriException>(() => In(app, tenant, async sp => (await sp.GetRequiredService<Subjects>().CreateAsync(
                new CreateSubjectRequest("sms-user", "self-input", ["verification", "coupon-delivery"], new Dictionary<string, string> { ["sms-phone"] = NewPerson().Phone },
                    "sms-verify", ["purpose:coupon-delivery"], BirthDate: born), Actor.System, Ct)).Id)))
            .Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        var id = await CouponUserAsync(app, tenant, NewPerson(), born);

        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, "purpose:coupon-delivery"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<SubjectField>().Where(f => f.SubjectId == id).Select(f => f.Category).ToListAsync(Ct))).ShouldContain("birth-date");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Where(s => s.Id == id).Select(s => s.SealedBirthDate).SingleAsync(Ct))).ShouldBeNull();
        (await RawDatabase.ContainsAsync(app, cluster, born)).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_SeparateBirthDateAndFieldDiffer_RefusedBothAgreeingAccepted(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var e = await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser("1990-04-01") with { BirthDate = new DateOnly(1990, 4, 2) }));
        (e.Code, e.Reason).ShouldBe((ErrorCode.BirthDateConflict, "birth-date-conflict"));
        e.Message.ShouldNotContain("1990");
        await CreateAsync(app, tenant, CouponUser("1990/4/1") with { BirthDate = new DateOnly(1990, 4, 1) });
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_SeparateBirthDateWithoutCategoryToKeepIt_Refused(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        // The registrant's purposes do not use the date of birth: it may not be collected for them.
        (await Should.ThrowAsync<MamoriException>(() => RegistrantAsync(app, tenant, NewPerson(), new DateOnly(1990, 4, 1)))).Code.ShouldBe(ErrorCode.UnknownCategory);

        var model = Mamori.Policy.PolicyLoader.LoadDirectory(PolicyDir()).Policy!;
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Policy.PolicyStore>().PublishAsync(
            model with { DataCategories = [.. model.DataCategories.Select(c => c with { BirthDate = false })] }, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var e = await Should.ThrowAsync<MamoriException>(() => CouponUserAsync(app, tenant, NewPerson(), new DateOnly(1990, 4, 1)));
        (e.Code, e.Reason).ShouldBe((ErrorCode.BirthDateCategoryMissing, "birth-date-category"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_MinorWithConsentAtAcquisition_GuardianRequired(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;

        (await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser(YearsAgo(app, 10), ["purpose:coupon-delivery"]))))
            .Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 10), ["purpose:coupon-delivery"], guardian: true));
        await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 16), ["purpose:coupon-delivery"]));
    }

    [Fact]
    public async Task Import_MinorFromCsv_GuardianRequiredAndImpossibleDatesRejected()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "kids.csv");
        await File.WriteAllLinesAsync(csv, ["sms-phone,birth-date", $"090-3333-1212,{YearsAgo(app, 9).Replace('-', '/')}", "090-3333-1213,1988-02-30", "090-3333-1214,not a date"], Ct);

        var result = await In(app, tenant, sp => sp.GetRequiredService<SubjectImport>().RunAsync(csv,
            new ImportOptions("sms-user", ["verification", "coupon-delivery"], "self-input", "sms-verify"), Actor.System, null, Ct));

        result.Imported.ShouldBe(1);
        result.RejectedRows.Select(r => (r.Line, r.Code)).ShouldBe([(3L, "MAMORI-3003"), (4L, "MAMORI-3003")]);
        result.RejectedRows.ShouldAllBe(r => r.Reason.Contains("birth-date") && !r.Reason.Contains("1988"));
        var kid = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Select(s => s.Id).SingleAsync(Ct));
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, kid, "purpose:coupon-delivery"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
    }

    /// <summary>Publishes the test policy again with <c>company.guardianConsentUnderAge</c> set to <paramref name="age"/>.</summary>
    private static Task PublishGuardianAgeAsync(TestApp app, Guid tenant, int? age)
    {
        var model = Mamori.Policy.PolicyLoader.LoadDirectory(PolicyDir()).Policy!;
        return app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Policy.PolicyStore>().PublishAsync(
            model with { Company = model.Company with { GuardianConsentUnderAge = age } }, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_PolicySays18SettingSays16_PolicyAgeApplied(string provider)
    {
        // Regression: the age came from Mamori:Consent:MinorAge (16) while the notice promised guardian consent under 18.
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster, b => b.Configuration["Mamori:Consent:MinorAge"] = "16");
        await using var _ = app;
        await PublishGuardianAgeAsync(app, tenant, 18);

        (await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser(YearsAgo(app, 17), ["purpose:coupon-delivery"]))))
            .Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        var seventeen = await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 17)));
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, seventeen, "purpose:coupon-delivery"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 18), ["purpose:coupon-delivery"]));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_PolicyStatesNoAge_SettingApplied(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster, b => b.Configuration["Mamori:Consent:MinorAge"] = "13");
        await using var _ = app;
        await PublishGuardianAgeAsync(app, tenant, null);

        (await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser(YearsAgo(app, 12), ["purpose:coupon-delivery"]))))
            .Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 13), ["purpose:coupon-delivery"]));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CreateAndCorrect_BirthDateNotARealPastDay_RefusedWithReason(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        foreach (var bad in new[] { "not a date", "1988-02-30", "2016-4-1", "1899-12-31", YearsAgo(app, -1) })
        {
            var e = await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser(bad)));
            (e.Code, e.Reason).ShouldBe((ErrorCode.InvalidFieldValue, "birth-date"));
            e.Message.ShouldNotContain(bad);
        }
        var id = await CreateAsync(app, tenant, CouponUser("1990/4/1"));
        var c = await Should.ThrowAsync<MamoriException>(() => In(app, tenant, async sp =>
        {
            await sp.GetRequiredService<Subjects>().CorrectAsync(id, new Dictionary<string, string> { ["birth-date"] = "1990-04-31" }, "data-subject-request", Actor.System, Ct);
            return true;
        }));
        (c.Code, c.Reason).ShouldBe((ErrorCode.InvalidFieldValue, "birth-date"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_PurposeThatAsksNoConsent_RefusedButWithdrawable(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await IspCustomerAsync(app, tenant, NewPerson());

        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, "purpose:support"))).Code.ShouldBe(ErrorCode.ConsentNotRequired);
        (await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant,
            new CreateSubjectRequest("customer", "web-form", ["support"], new Dictionary<string, string> { ["name"] = "試験 花子" }, "isp", ["purpose:support"]))))
            .Code.ShouldBe(ErrorCode.ConsentNotRequired);
        // A withdrawal is never refused: the purpose may have asked for consent in an earlier version.
        (await WithdrawAsync(app, tenant, id, "purpose:support")).Scopes.Single().Granted.ShouldBeFalse();
        (await GrantAsync(app, tenant, id, "purpose:nonpayment-exchange")).Scopes.Single().Granted.ShouldBeTrue();
    }
}
