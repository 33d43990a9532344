using Mamori.Audit;
using Mamori.Cli;
using Mamori.Tests.Backbone;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;

namespace Mamori.Tests.Vault;

/// <summary>Intent methods for vault tests: a tenant with the demo policy published, subjects of each kind.</summary>
public static class VaultScenario
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A copy of the demo policy in a new temporary folder, for a test to change before publishing it.</summary>
    public static string CopyOfExamples()
    {
        var dir = Directory.CreateTempSubdirectory("mamori-policy-").FullName;
        foreach (var f in Directory.GetFiles(ExamplesDir, "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(ExamplesDir, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        return dir;
    }

    public static string ExamplesDir => Path.Combine(ServerTests.RepoRoot(), "policy", "examples");

    public static async Task<(TestApp App, Guid Tenant)> StartAsync(string provider, PostgresCluster cluster)
    {
        var app = await TestApp.StartAsync(provider, cluster, b => b.Configuration["Mamori:DefaultTenant"] = "acme");
        var tenant = await app.CreateTenantAsync("acme");
        await app.InTenantAsync(tenant.Id, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        return (app, tenant.Id);
    }

    /// <summary>A unique fictional person per call, so raw-file scans cannot match another test's data.</summary>
    public sealed record Person(string Name, string Email, string Phone, string Address, string MyNumber);

    public static Person NewPerson()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var digits = string.Concat(Guid.NewGuid().ToByteArray().Take(4).Select(b => (b % 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new Person($"試験{tag} 花子", $"hanako.{tag}@example.jp", $"090-{digits}-{digits[..2]}{digits[2..]}".Replace("--", "-", StringComparison.Ordinal)[..13],
            $"東京都千代田区{tag}1-2-3", Mamori.Demo.DemoData.MyNumber(new Random(tag.GetHashCode(StringComparison.Ordinal))));
    }

    public static Task<Guid> IspCustomerAsync(TestApp app, Guid tenant, Person p) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("customer", "web-form", ["service-provision", "support"],
            new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email, ["phone"] = p.Phone, ["inquiry"] = "回線速度について" }, "isp"), Actor.System, Ct)).Id);

    public static Task<Guid> EmployeeAsync(TestApp app, Guid tenant, Person p) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("employee", "paper", ["employment", "payroll-tax"],
            new Dictionary<string, string> { ["name"] = p.Name, ["address"] = p.Address, ["my-number"] = p.MyNumber }), Actor.System, Ct)).Id);

    /// <summary>Records that <paramref name="eventId"/> happened for the subject on the fake clock's day in Japan (or <paramref name="day"/>).</summary>
    public static Task<RetentionEventView> RecordEventAsync(TestApp app, Guid tenant, Guid subject, string eventId, DateOnly? day = null, string? reason = null) =>
        app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<RetentionEvents>().RecordAsync(subject, eventId, day ?? Today(app), reason, Actor.System, Ct));

    /// <summary>The fake clock's day in Japan.</summary>
    public static DateOnly Today(TestApp app) => Mamori.Incidents.JapanTime.DayOf(app.Clock.GetUtcNow(), Mamori.Policy.PolicyStore.Jst);

    public static Task<Guid> SmsUserAsync(TestApp app, Guid tenant, Person p, bool couponConsent = false) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input",
            couponConsent ? ["verification", "coupon-management", "coupon-delivery"] : ["verification", "coupon-management"],
            new Dictionary<string, string> { ["sms-phone"] = p.Phone, ["verification-log"] = "2026-11-01 ok" }, "sms-verify",
            couponConsent ? ["purpose:coupon-delivery"] : null), Actor.System, Ct)).Id);
}
