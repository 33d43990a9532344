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
        await ResponsibilitiesAsync(sp, ct);
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

    private static readonly string[] PeopleTypes = ["candidate", "employee", "employee-family", "retiree"];

    /// <summary>
    /// Who answers for what in the demo company, so the organisation and department pages have something to show: each service's
    /// purposes and categories go to the department of the same id (the example policy names them so), the purposes about
    /// candidates, staff and retirees to 人事総務部 (hr). The first department to use a category keeps it.
    /// </summary>
    private static async Task ResponsibilitiesAsync(IServiceProvider sp, CancellationToken ct)
    {
        var model = (await sp.GetRequiredService<Policy.PolicyStore>().RequireCurrentAsync(ct)).Model;
        var departments = model.PrivacyManagers?.Departments.Select(d => d.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        var owners = model.Services.Where(s => departments.Contains(s.Id)).SelectMany(s => s.Purposes.Select(p => (Department: s.Id, Purpose: p))).ToList();
        if (departments.Contains("hr")) owners.AddRange(model.Purposes.Where(p => p.SubjectTypes.Any(PeopleTypes.Contains)).Select(p => ("hr", p)));
        var organisation = sp.GetRequiredService<Governance.Organisation.Organisation>();
        var purposes = new HashSet<string>(StringComparer.Ordinal);
        var categories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (department, purpose) in owners)
        {
            if (purposes.Add(purpose.Id))
                await organisation.SetResponsibilityAsync(Governance.Organisation.ResponsibilityKind.Purpose, purpose.Id, department, null, Actor.System, ct);
            foreach (var category in purpose.Categories.Where(categories.Add))
                await organisation.SetResponsibilityAsync(Governance.Organisation.ResponsibilityKind.Category, category, department, null, Actor.System, ct);
        }
    }
}
