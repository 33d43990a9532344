using Mamori.Access;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Consent;
using Mamori.Provision;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

/// <summary>
/// Intent methods for consent and provision tests. The published policy is the demo policy plus a
/// third party that links cookie data to persons (Art.31) and an acquisition method "received by
/// another business's opt-out", which the demo lacks.
/// </summary>
public static class ProvisionScenario
{
    public const string OptOutRecipient = "fraud-partner";

    public static async Task<(TestApp App, Guid Tenant)> StartAsync(string provider, PostgresCluster cluster, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var app = await TestApp.StartAsync(provider, cluster, b =>
        {
            b.Configuration["Mamori:DefaultTenant"] = "acme";
            configure?.Invoke(b);
        });
        var tenant = await app.CreateTenantAsync("acme");
        var dir = PolicyDir();
        await app.InTenantAsync(tenant.Id, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, dir, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        await app.InTenantAsync(tenant.Id, (sp, _) => sp.GetRequiredService<RecipientRegistry>().SaveProfileAsync(OptOutRecipient,
            new RecipientProfileRequest(RecipientKind.OptOut, "不正検知パートナー株式会社", "東京都港区芝一丁目1番1号", "代表取締役 検知 太郎"), Actor.System, Ct));
        return (app, tenant.Id);
    }

    private static readonly Lazy<string> Dir = new(() =>
    {
        var dir = CopyOfExamples();
        var company = Path.Combine(dir, "company.yaml");
        var text = File.ReadAllText(company);
        text = text.Replace("  shareholder-registry: {name:", "  opt-out-purchase: {name: {ja: 他社のオプトアウトによる提供を受けて取得, en: Bought from another business's opt-out provision}}\n  shareholder-registry: {name:", StringComparison.Ordinal);
        text = text.Replace("""
              basis: law
          foreign:
        """, """
              basis: law
            ad-partner:
              name: {ja: 広告パートナー株式会社, en: "Ad Partner K.K."}
              categories: [browsing]
              purpose: {ja: 会員情報と結び付けた広告配信, en: Advertising linked to member accounts}
              basis: consent
          foreign:
        """, StringComparison.Ordinal);
        if (!text.Contains("ad-partner", StringComparison.Ordinal) || !text.Contains("opt-out-purchase", StringComparison.Ordinal))
            throw new InvalidOperationException("The demo policy changed; update ProvisionScenario.");
        File.WriteAllText(company, text);
        var sms = Path.Combine(dir, "services", "sms-verify.yaml");
        var smsText = File.ReadAllText(sms);
        // Verification data bought from another business's opt-out provision: the purpose lists that method (S-10).
        var verification = "    categories: [sms-phone, verification-log]\n    acquisitionMethods: [self-input, automatic]\n";
        if (!smsText.Contains(verification, StringComparison.Ordinal)) throw new InvalidOperationException("The demo policy changed; update ProvisionScenario.");
        File.WriteAllText(sms, smsText.Replace(verification, verification.Replace("automatic]", "automatic, opt-out-purchase]", StringComparison.Ordinal), StringComparison.Ordinal));
        return dir;
    });

    public static string PolicyDir() => Dir.Value;

    public static Task<T> In<T>(TestApp app, Guid tenant, Func<IServiceProvider, Task<T>> work) => app.InTenantAsync(tenant, (sp, _) => work(sp));

    public static Task<ConsentReceipt> GrantAsync(TestApp app, Guid tenant, Guid subject, string scope, bool foreignShown = false, DateTimeOffset? at = null) =>
        In(app, tenant, sp => sp.GetRequiredService<Consents>().RecordAsync(subject,
            new RecordConsentRequest([scope], true, ConsentMethod.WebForm, ForeignInfoShown: foreignShown ? new ForeignItemsShown(true, true, true) : null, At: at), Actor.System, Ct));

    public static Task<ConsentReceipt> WithdrawAsync(TestApp app, Guid tenant, Guid subject, string scope, DateTimeOffset? at = null) =>
        In(app, tenant, sp => sp.GetRequiredService<Consents>().RecordAsync(subject,
            new RecordConsentRequest([scope], false, ConsentMethod.WebForm, At: at), Actor.System, Ct));

    public static Task<ProvisionResult> ProvideAsync(TestApp app, Guid tenant, ProvisionRequest request, params string[] roles) =>
        In(app, tenant, sp => sp.GetRequiredService<Provisions>().ProvideAsync(request, roles.Length == 0 ? [Roles.PrivacyOfficer] : roles, Actor.System, Ct));

    /// <summary>An SMS-verification user with a verification log (the opt-out items).</summary>
    /// <summary>
    /// An SMS user whose verification log may be provided by opt-out. Bought from another business (not <c>self-input</c>), the
    /// record holds the log only: an SMS number comes from the person alone (S-14).
    /// </summary>
    public static Task<Guid> OptOutUserAsync(TestApp app, Guid tenant, Person p, string acquisition = "self-input") => In(app, tenant, async sp =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", acquisition, ["verification", "fraud-signal-provision"],
            acquisition == "self-input"
                ? new Dictionary<string, string> { ["sms-phone"] = p.Phone, ["verification-log"] = "2026-11-01 ok" }
                : new Dictionary<string, string> { ["verification-log"] = "2026-11-01 ok" }, "sms-verify"), Actor.System, Ct)).Id);

    /// <summary>A company-wide customer whose browsing data is combined with their identity (S-21).</summary>
    public static Task<Guid> MemberAsync(TestApp app, Guid tenant, Person p) => In(app, tenant, async sp =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("customer", "web-form", ["marketing"],
            new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email, ["browsing"] = "cookie=abc123; /products/fiber" }), Actor.System, Ct)).Id);

    /// <summary>A domain registrant (provided to ICANN abroad on consent, W-10).</summary>
    public static Task<Guid> RegistrantAsync(TestApp app, Guid tenant, Person p, DateOnly? birth = null) => In(app, tenant, async sp =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("registrant", "web-form", ["registration"],
            new Dictionary<string, string> { ["name"] = p.Name, ["domain-registration"] = "example.sakura ns1.example.jp", ["email"] = p.Email }, "domain-registry",
            BirthDate: birth), Actor.System, Ct)).Id);

    /// <summary>An SMS-verification user who may opt in to coupons, with the date of birth given as the separate <c>birthDate</c>.</summary>
    public static Task<Guid> CouponUserAsync(TestApp app, Guid tenant, Person p, DateOnly? birth, bool guardian = false) => In(app, tenant, async sp =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input", ["verification", "coupon-delivery"],
            new Dictionary<string, string> { ["sms-phone"] = p.Phone }, "sms-verify", BirthDate: birth, GuardianConsent: guardian), Actor.System, Ct)).Id);

    public static ProvisionRequest ToCarriers(params Guid[] subjects) =>
        new("carriers", ProvisionBasisKind.Consent, ["name", "phone"], subjects);

    public static ProvisionRequest OptOut(params Guid[] subjects) =>
        new(OptOutRecipient, ProvisionBasisKind.OptOut, ["verification-log"], subjects);
}
