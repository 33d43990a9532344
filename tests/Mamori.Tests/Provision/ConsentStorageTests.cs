using System.Net;
using System.Net.Http.Json;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

/// <summary>The consent ledger on every provider: grants, withdrawals, "at time T", minors, foreign consent, receipts.</summary>
public sealed class ConsentStorageTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task At_GrantWithdrawRegrant_AnswersWhatHeldAtEachMoment(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await IspCustomerAsync(app, tenant, NewPerson());
        var t0 = app.Clock.GetUtcNow();
        await GrantAsync(app, tenant, id, "provision:carriers", at: t0.AddHours(-3));
        await WithdrawAsync(app, tenant, id, "provision:carriers", at: t0.AddHours(-2));
        await GrantAsync(app, tenant, id, "cookies:analytics", at: t0.AddHours(-2));
        await GrantAsync(app, tenant, id, "provision:carriers", at: t0.AddHours(-1));
        async Task<Dictionary<string, bool>> At(DateTimeOffset t) =>
            (await In(app, tenant, sp => sp.GetRequiredService<Consents>().AtAsync(id, t, Ct))).ToDictionary(s => s.Scope, s => s.Granted);

        (await At(t0.AddHours(-4))).ShouldBeEmpty();
        (await At(t0.AddHours(-3))).ShouldBe(new Dictionary<string, bool> { ["provision:carriers"] = true });
        (await At(t0.AddMinutes(-150)))["provision:carriers"].ShouldBeTrue();
        var two = await At(t0.AddHours(-2));
        two.Count.ShouldBe(2);
        two["provision:carriers"].ShouldBeFalse();
        two["cookies:analytics"].ShouldBeTrue();
        (await At(t0))["provision:carriers"].ShouldBeTrue();
        var events = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.ConsentGranted || e.Code == AuditCode.ConsentWithdrawn).CountAsync(Ct));
        events.ShouldBe(4);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_SameInstant_LaterRecordedEntryWins(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await IspCustomerAsync(app, tenant, NewPerson());
        var t = app.Clock.GetUtcNow();
        await GrantAsync(app, tenant, id, "provision:carriers", at: t);
        await WithdrawAsync(app, tenant, id, "provision:carriers", at: t);
        (await In(app, tenant, sp => new ConsentLedger(sp.GetRequiredService<Data.MamoriDbContext>()).HoldsAsync(id, "provision:carriers", t, Ct))).ShouldBeFalse();
        await GrantAsync(app, tenant, id, "provision:carriers", at: t);
        (await In(app, tenant, sp => new ConsentLedger(sp.GetRequiredService<Data.MamoriDbContext>()).HoldsAsync(id, "provision:carriers", t, Ct))).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_MinorW09_GuardianRequiredUntilSixteenthBirthdayInJst(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await CouponUserAsync(app, tenant, NewPerson(), new DateOnly(2010, 9, 1));
        // 2026-08-15 JST: 15 years old.
        var aug15 = new DateTimeOffset(2026, 8, 15, 3, 0, 0, TimeSpan.Zero);
        var e = await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, "purpose:coupon-delivery", at: aug15));
        e.Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        var withGuardian = await In(app, tenant, sp => sp.GetRequiredService<Consents>().RecordAsync(id,
            new RecordConsentRequest(["purpose:coupon-delivery"], true, ConsentMethod.Paper, GuardianConsent: true, EvidenceRef: "paper-2026-0815", At: aug15), Actor.System, Ct));
        withGuardian.GuardianConsent.ShouldBeTrue();
        // 2026-08-31 15:00 UTC is 2026-09-01 00:00 JST: the sixteenth birthday in Japan.
        (await GrantAsync(app, tenant, id, "purpose:coupon-delivery", at: new DateTimeOffset(2026, 8, 31, 15, 0, 0, TimeSpan.Zero))).GuardianConsent.ShouldBeFalse();
        // One minute earlier it was still 31 August in Japan.
        var before = await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, "purpose:coupon-delivery", at: new DateTimeOffset(2026, 8, 31, 14, 59, 0, TimeSpan.Zero)));
        before.Code.ShouldBe(ErrorCode.GuardianConsentRequired);
        // A minor may withdraw alone.
        (await WithdrawAsync(app, tenant, id, "purpose:coupon-delivery", at: new DateTimeOffset(2026, 8, 31, 14, 0, 0, TimeSpan.Zero))).Scopes[0].Granted.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_ForeignWithoutThreeItems_RefusedWithItRecorded(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await RegistrantAsync(app, tenant, NewPerson());
        var e = await Should.ThrowAsync<MamoriException>(() => In(app, tenant, sp => sp.GetRequiredService<Consents>().RecordAsync(id,
            new RecordConsentRequest(["foreign:icann"], true, ConsentMethod.WebForm, ForeignInfoShown: new ForeignItemsShown(true, true, false)), Actor.System, Ct)));
        e.Code.ShouldBe(ErrorCode.ForeignInfoNotShown);
        var receipt = await GrantAsync(app, tenant, id, "foreign:icann", foreignShown: true);
        receipt.ForeignInfoShown.ShouldBeTrue();
        receipt.Scopes[0].Details.Select(d => d.Ja).ShouldContain(d => d.StartsWith("国名：アメリカ合衆国", StringComparison.Ordinal));
        var state = (await In(app, tenant, sp => sp.GetRequiredService<Consents>().AtAsync(id, app.Clock.GetUtcNow(), Ct))).Single();
        state.ForeignInfoShown.ShouldBeTrue();
        state.PolicyVersion.ShouldBe(1);
    }

    // Regression: foreign: scopes given with POST /api/subjects skipped the three-items check the consent endpoint makes, and the
    // consent was recorded as if nothing had been shown.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CreateSubject_ForeignConsentWithoutThreeItems_RefusedAsTheConsentEndpointDoes(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var client = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var p = NewPerson();
        object Body(object? shown) => new
        {
            type = "registrant", service = "domain-registry", acquisition = "web-form", purposesShown = new[] { "registration" },
            fields = new Dictionary<string, string> { ["name"] = p.Name, ["domain-registration"] = "example.sakura ns1.example.jp", ["email"] = p.Email },
            consents = new[] { "foreign:icann" }, foreignInfoShown = shown,
        };
        await (await client.PostAsJsonAsync("/api/subjects", Body(null), Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4002");
        await (await client.PostAsJsonAsync("/api/subjects", Body(new { country = true, system = true, measures = false }), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4002");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Vault.DataSubject>().CountAsync(Ct))).ShouldBe(0);

        var created = await client.PostAsJsonAsync("/api/subjects", Body(new { country = true, system = true, measures = true }), Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetGuid();
        var state = (await In(app, tenant, sp => sp.GetRequiredService<Consents>().AtAsync(id, app.Clock.GetUtcNow(), Ct))).Single();
        state.Scope.ShouldBe("foreign:icann");
        state.ForeignInfoShown.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_UnknownScopesAndVersions_RefusedWithCodes(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await IspCustomerAsync(app, tenant, NewPerson());
        foreach (var scope in new[] { "purpose:nope", "provision:nobody", "foreign:carriers", "cookies:tracking", "everything", "purpose:registration" })
            (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, scope))).Code.ShouldBe(ErrorCode.InvalidConsentScope);
        (await Should.ThrowAsync<MamoriException>(() => In(app, tenant, sp => sp.GetRequiredService<Consents>().RecordAsync(id,
            new RecordConsentRequest(["special-care"], true, ConsentMethod.Oral, PolicyVersion: 7), Actor.System, Ct)))).Code.ShouldBe(ErrorCode.UnknownPolicyVersion);
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, id, "special-care", at: app.Clock.GetUtcNow().AddMinutes(5)))).Code.ShouldBe(ErrorCode.ConsentTimeInFuture);
        (await Should.ThrowAsync<MamoriException>(() => GrantAsync(app, tenant, Guid.NewGuid(), "special-care"))).Code.ShouldBe(ErrorCode.SubjectNotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Withdraw_PurposeConsent_NextDecisionDenied(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var id = await IspCustomerAsync(app, tenant, NewPerson());
        var request = new DecisionRequest(id, "nonpayment-exchange", ["name"], [Roles.Operator]);
        async Task<string> Decide() => (await In(app, tenant, sp => sp.GetRequiredService<AccessDecisions>().DecideAsync(request, Actor.System, Ct))).Decision.Reason;
        (await Decide()).ShouldBe(DecisionReasons.ConsentMissing);
        await GrantAsync(app, tenant, id, "purpose:nonpayment-exchange");
        (await Decide()).ShouldBe(DecisionReasons.Allowed);
        await WithdrawAsync(app, tenant, id, "purpose:nonpayment-exchange");
        (await Decide()).ShouldBe(DecisionReasons.ConsentMissing);
    }
}
