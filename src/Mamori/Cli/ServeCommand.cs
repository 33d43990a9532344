using System.CommandLine;
using Mamori.Demo;
using Mamori.Errors;
using Mamori.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Mamori.Cli;

public static class ServeCommand
{
    public static Command Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Create (once) and serve a demo company with an admin account" };
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on (default http://127.0.0.1:5080)", AllowMultipleArgumentsPerToken = true };
        var noMigrate = new Option<bool>("--no-migrate") { Description = "Do not apply database migrations on start" };
        var cmd = new Command("serve", "Run the Mamori server: API, staff console and public pages") { demo, urls, noMigrate };
        cmd.SetAction(async (r, ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            return await CliSupport.RunAsync(r, ct, async _ =>
            {
                var settings = MamoriSettings.Resolve(r.GetValue(CliSupport.Db), r.GetValue(CliSupport.DataDir));
                var listen = r.GetValue(urls) is { Length: > 0 } u ? u : ["http://127.0.0.1:5080"];
                var app = MamoriServer.Build(new ServeOptions
                {
                    Settings = settings,
                    Urls = listen,
                    Demo = r.GetValue(demo),
                    Migrate = !r.GetValue(noMigrate),
                });
                var keys = app.Services.GetRequiredService<Vault.KeyRingProvider>();
                if (!keys.Exists)
                {
                    if (!r.GetValue(demo))
                        throw new MamoriException(ErrorCode.KeysMissing, await HoldsDataKeysAsync(app.Services, settings, ct)
                            ? $"No vault keys at {keys.FilePath}, and the database already holds data sealed under a key ring: the server will not start. {Vault.KeyRingOptions.NameExistingKeys} New keys could not read this data."
                            : $"No vault keys at {keys.FilePath}: the server will not start without them. Create them with '{keys.InitCommand}' and back them up apart from the database.");
                    keys.Save(Vault.KeyRing.Generate(TimeProvider.System));
                    await r.InvocationConfiguration.Error.WriteLineAsync($"mamori: WARNING: demo mode created vault keys in {keys.FilePath}; they protect the demo data only. Never use demo keys for real data.");
                }
                // After the key check: a mistyped --data-dir is not left behind as an empty directory.
                Directory.CreateDirectory(settings.DataDir);
                var primaryKey = keys.Current.Primary.Id;
                if (!r.GetValue(noMigrate)) await MamoriServices.MigrateAsync(app.Services, ct);
                // Before serving: subjects erased after the backup this database came from stay erased.
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var reapplied = await ErasuresCommand.ReapplyAllAsync(scope.ServiceProvider, ct);
                    if (reapplied.SubjectsReshredded > 0)
                        await r.InvocationConfiguration.Error.WriteLineAsync($"mamori: {reapplied.SubjectsReshredded} subject(s) came back from a backup taken before their erasure and were shredded again.");
                }
                DemoSeeder.Credentials? credentials = null;
                if (r.GetValue(demo)) credentials = await DemoSeeder.EnsureAsync(app.Services, ct);
                await app.StartAsync(ct);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? listen[0];
                await output.WriteLineAsync($"Mamori {MamoriCli.Version} is running on {settings.Provider.Describe(settings.Database.ConnectionString)}");
                await output.WriteLineAsync($"  Open:    {address}/login");
                await output.WriteLineAsync($"  Vault:   keys {keys.FilePath} (primary {primaryKey})");
                await output.WriteLineAsync($"  Links:   status links in messages to people start with {app.Services.GetRequiredService<IOptions<Requests.RequestSettings>>().Value.PublicBaseUrl} (Mamori:Requests:PublicBaseUrl)");
                if (credentials is not null)
                {
                    await output.WriteLineAsync($"  Sign in: {credentials.Email}");
                    await output.WriteLineAsync($"  Password (shown once, keep it): {credentials.Password}");
                }
                else if (r.GetValue(demo))
                    await output.WriteLineAsync($"  Sign in: {DemoSeeder.AdminEmail} (password shown at first start; reset with 'mamori user reset-password --email {DemoSeeder.AdminEmail}')");
                await output.WriteLineAsync("  Stop with Ctrl+C.");
                await app.WaitForShutdownAsync(ct);
                await app.DisposeAsync();
                return 0;
            }, requireMigrated: false);
        });
        return cmd;
    }

    /// <summary>Whether the database (if it exists yet) holds data keys, which only the key ring that wrapped them can open.</summary>
    private static async Task<bool> HoldsDataKeysAsync(IServiceProvider services, MamoriSettings settings, CancellationToken ct)
    {
        if (settings.Database.Provider == "sqlite" && !File.Exists(Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString))) return false;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
        if (!(await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetAppliedMigrationsAsync(db.Database, ct)).Any()) return false;
        return (await scope.ServiceProvider.GetRequiredService<Vault.VaultMaintenance>().KeyUsageAsync(ct)).Count > 0;
    }
}

public static class MigrateCommand
{
    public static Command Create()
    {
        var json = CliSupport.Json();
        var cmd = new Command("migrate", "Create or update the database schema (idempotent)") { json };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var db = sp.GetRequiredService<Data.MamoriDbContext>();
            var pending = (await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, ct)).ToList();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database, ct);
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { applied = pending });
            else r.InvocationConfiguration.Output.WriteLine(pending.Count == 0 ? "The database is up to date." : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
            return 0;
        }, requireMigrated: false));
        return cmd;
    }
}

public static class TenantCommand
{
    public static Command Create()
    {
        var slug = new Option<string>("--slug") { Description = "Short name, e.g. acme", Required = true };
        var name = new Option<string>("--name") { Description = "Company name", Required = true };
        var json = CliSupport.Json();
        var add = new Command("add", "Create a tenant (a company)") { slug, name, json };
        add.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var t = await sp.GetRequiredService<Tenancy.Tenants>().CreateAsync(r.GetValue(slug)!, r.GetValue(name)!, ct);
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { t.Id, t.Slug, t.Name });
            else r.InvocationConfiguration.Output.WriteLine($"Created tenant {t.Slug} ({t.Id}).");
            return 0;
        }));
        var listJson = CliSupport.Json();
        var list = new Command("list", "List tenants") { listJson };
        list.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var db = sp.GetRequiredService<Data.MamoriDbContext>();
            var all = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Tenants.OrderBy(t => t.Slug), ct);
            if (r.GetValue(listJson)) CliSupport.WriteJson(r, all.Select(t => new { t.Id, t.Slug, t.Name }));
            else foreach (var t in all) r.InvocationConfiguration.Output.WriteLine($"{t.Slug}\t{t.Name}\t{t.Id}");
            return 0;
        }));
        return new Command("tenant", "Manage tenants") { add, list };
    }
}
