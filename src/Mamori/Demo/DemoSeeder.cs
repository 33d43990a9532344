using Mamori.Audit;
using Mamori.Data;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Demo;

/// <summary>
/// <c>serve --demo</c>: creates, once, a demo company with an admin whose generated password is
/// shown once, and loads the demo data the feature areas add.
/// </summary>
public static class DemoSeeder
{
    public const string TenantSlug = "demo";
    public const string TenantName = "株式会社サクラネット (demo)";
    public const string AdminEmail = "admin@demo.mamori.example";

    /// <summary>The demo policy, copied next to the executable from policy/examples.</summary>
    public static string PolicyDirectory => Path.Combine(AppContext.BaseDirectory, "policy", "examples");

    public sealed record Credentials(string Email, string Password);

    /// <summary>Returns the admin's credentials when they were created now, null when the demo already existed.</summary>
    public static async Task<Credentials?> EnsureAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<MamoriDbContext>();
        if (await db.Tenants.AnyAsync(t => t.Slug == TenantSlug, ct)) return null;

        await sp.GetRequiredService<Tenants>().CreateAsync(TenantSlug, TenantName, Actor.System, ct);
        var password = PasswordHasher.Generate();
        var admin = await sp.GetRequiredService<StaffAccounts>().AddAsync(AdminEmail, [Roles.Admin, Roles.PrivacyOfficer], password, Actor.System, ct);
        var store = sp.GetRequiredService<Policy.PolicyStore>();
        await Cli.PolicyPublishCommand.PublishDirectoryAsync(sp, PolicyDirectory, store.TodayJst(), store.TodayJst(), Actor.System, ct);
        // Governance: the admin is the management representative; one annual course for all staff.
        await sp.GetRequiredService<Governance.Organisation.Organisation>().SetRepresentativeAsync(admin.Id, Actor.System, ct);
        await sp.GetRequiredService<Governance.Training.TrainingRecords>().SaveCourseAsync("privacy-basics",
            new Governance.Training.CourseChange("個人情報保護の基礎研修", "Privacy basics", 12, 30, []), Actor.System, ct);
        var subjects = await DemoData.LoadAsync(sp, ct);
        await DatabaseStatistics.RefreshAsync(db, sp.GetRequiredService<IDatabaseProvider>(), ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await sp.GetRequiredService<AuditLog>().AppendAsync(db, new AuditEntry(AuditCode.DemoDataLoaded, Actor.System,
                Categories: subjects.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
            await tx.CommitAsync(ct);
        }
        return new Credentials(AdminEmail, password);
    }
}
