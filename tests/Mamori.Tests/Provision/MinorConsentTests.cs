using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Staff;
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
        var child = await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 9), guardian: true));

        // The guardian's consent to the acquisition is not a consent to coupons.
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
        var id = await CouponUserAsync(app, tenant, NewPerson(), born, guardian: true);

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

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_MinorProvidingDataForPurposesAskingNoConsent_GuardianRequiredAndRecorded(string provider)
    {
        // Regression: the notice promises that under-16s provide data only with a guardian's consent, yet a minor's data acquired for
        // purposes that ask no consent of the person (SMS verification) was accepted with none.
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;

        var e = await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser(YearsAgo(app, 15))));
        (e.Code, e.Reason).ShouldBe((ErrorCode.GuardianConsentRequired, "guardian-acquisition"));
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(0);

        var child = await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 15), guardian: true) with { EvidenceRef = "guardian-form-0042" });
        var adult = await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 16)));
        var stored = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().OrderBy(s => s.CreatedAt).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.GuardianConsent, s.GuardianEvidenceRef }).ToListAsync(Ct));
        stored.Single(s => s.Id == child).ShouldBe(new { Id = child, GuardianConsent = true, GuardianEvidenceRef = (string?)"guardian-form-0042" });
        stored.Single(s => s.Id == adult).ShouldBe(new { Id = adult, GuardianConsent = false, GuardianEvidenceRef = (string?)null });
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_MinorOverHttpWithoutGuardian_ProblemNamesTheRule(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.Operator);

        var body = new { type = "sms-user", service = "sms-verify", acquisition = "self-input", purposesShown = new[] { "verification", "coupon-delivery" },
            fields = new Dictionary<string, string> { ["sms-phone"] = "090-4444-0101" }, birthDate = YearsAgo(app, 11) };
        var response = await client.PostAsJsonAsync("/api/subjects", body, Ct);
        var problem = await response.ShouldBeProblemAsync(System.Net.HttpStatusCode.BadRequest, "MAMORI-4001");
        problem.ToString().ShouldNotContain("0101");

        var accepted = await client.PostAsJsonAsync("/api/subjects", new
        {
            body.type, body.service, body.acquisition, body.purposesShown, body.fields, body.birthDate, guardianConsent = true, evidenceRef = "guardian-form-0043",
        }, Ct);
        accepted.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Import_MinorFromCsv_GuardianRequiredAndImpossibleDatesRejected()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "kids.csv");
        await File.WriteAllLinesAsync(csv, ["sms-phone,birth-date", $"090-3333-1212,{YearsAgo(app, 9).Replace('-', '/')}", "090-3333-1213,1988-02-30", "090-3333-1214,not a date"], Ct);
        var options = new ImportOptions("sms-user", ["verification", "coupon-delivery"], "self-input", "sms-verify");

        var result = await In(app, tenant, sp => sp.GetRequiredService<SubjectImport>().RunAsync(csv, options, Actor.System, null, Ct));

        result.Imported.ShouldBe(0);
        result.RejectedRows.Select(r => (r.Line, r.Code)).ShouldBe([(2L, "MAMORI-4001"), (3L, "MAMORI-3003"), (4L, "MAMORI-3003")]);
        result.RejectedRows.Skip(1).ShouldAllBe(r => r.Reason.Contains("birth-date") && !r.Reason.Contains("1988"));

        // The operator checks the guardians' forms and imports the rejected rows saying where they are kept.
        var again = await In(app, tenant, sp => sp.GetRequiredService<SubjectImport>().RunAsync(result.RejectedFile!,
            options with { GuardianEvidenceRef = "guardian-forms-2026" }, Actor.System, null, Ct));
        again.Imported.ShouldBe(1);
        again.Run.GuardianEvidenceRef.ShouldBe("guardian-forms-2026");
        var kid = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Select(s => new { s.Id, s.GuardianConsent, s.GuardianEvidenceRef }).SingleAsync(Ct));
        (kid.GuardianConsent, kid.GuardianEvidenceRef).ShouldBe((true, "guardian-forms-2026"));
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, kid.Id, "purpose:coupon-delivery"))).Code.ShouldBe(ErrorCode.GuardianConsentRequired);
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
        // The notice's age also applies to data acquired for purposes that ask no consent.
        var e = await Should.ThrowAsync<MamoriException>(() => CreateAsync(app, tenant, CouponUser(YearsAgo(app, 17))));
        (e.Code, e.Reason, e.ReasonArgs.Single()).ShouldBe((ErrorCode.GuardianConsentRequired, "guardian-acquisition", "18"));
        var seventeen = await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 17), guardian: true));
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
        // A notice that promises nothing about minors' data does not make Mamori refuse a minor's acquisition without consents.
        await CreateAsync(app, tenant, CouponUser(YearsAgo(app, 12)));
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
