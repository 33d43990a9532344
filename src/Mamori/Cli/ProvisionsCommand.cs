using System.CommandLine;
using Mamori.Audit;
using Mamori.Hosting;
using Mamori.Provision;
using Microsoft.Extensions.Options;

namespace Mamori.Cli;

/// <summary><c>mamori provisions sweep</c>: delete provision and receipt records whose retention has ended (L-15, L-16).</summary>
public static class ProvisionsCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count the records whose retention has ended" };
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var sweep = new Command("sweep", "Delete provision/receipt records kept past their retention (contract-as-record 1 year, else 3 years; from the day after the anniversary), in every tenant or --tenant's") { dryRun, json, actor };
        sweep.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var settings = new ProvisionSettings();
            MamoriSettings.LoadConfiguration().GetSection(ProvisionSettings.Section).Bind(settings);
            var reports = new List<object>();
            foreach (var (tenantId, tenant, by) in await CliSupport.TenantsAsync(r, sp, actor, ct))
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
                db.Tenant.Set(tenantId);
                var records = new ProvisionRecords(db, scope.ServiceProvider.GetRequiredService<AuditLog>(), scope.ServiceProvider.GetRequiredService<Policy.PolicyStore>(),
                    scope.ServiceProvider.GetRequiredService<TimeProvider>(), Options.Create(settings));
                var report = await records.SweepAsync(r.GetValue(dryRun), by, ct);
                reports.Add(new { tenant, tenantId, report.Swept, today = report.Today, report.DryRun });
                if (!r.GetValue(json))
                    r.InvocationConfiguration.Output.WriteLine(report.DryRun
                        ? $"{tenant}: {report.Swept} records are past their retention (dry run: nothing deleted)."
                        : $"{tenant}: deleted {report.Swept} records past their retention.");
            }
            if (r.GetValue(json)) CliSupport.WriteJson(r, reports);
            return 0;
        }));
        return new Command("provisions", "Third-party provision records (Art.29/30)") { sweep };
    }
}
