using System.CommandLine;
using Mamori.Demo;
using Mamori.Errors;
using Mamori.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
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
                    Tenant = r.GetValue(CliSupport.Tenant),
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
                if (keys.ReadableByOthersWarning() is { } loose) await r.InvocationConfiguration.Error.WriteLineAsync("mamori: " + loose);
                // After the key check: a mistyped --data-dir is not left behind as an empty directory.
                Data.OwnerOnly.CreateDirectory(settings.DataDir);
                // An installation whose keys were made before 'keys init' created the ledger gets it now, so the backup of both works.
                keys.Ledger.EnsureExists();
                var primaryKey = keys.Current.Primary.Id;
                if (!r.GetValue(noMigrate)) await MamoriServices.MigrateAsync(app.Services, ct);
                await RefuseOutdatedKeyRingAsync(app.Services, keys.Current, ct);
                await EnsureFormKeyAsync(app.Services, ct);
                // Before serving: subjects erased after the backup this database came from stay erased.
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var reapplied = await ErasuresCommand.ReapplyAsync(scope.ServiceProvider,
                        (await CliSupport.AllTenantsAsync(scope.ServiceProvider, ct)).Select(t => (t.Id, t.Slug, Audit.Actor.System)), ct);
                    if (reapplied.SubjectsReshredded > 0)
                        await r.InvocationConfiguration.Error.WriteLineAsync($"mamori: {reapplied.SubjectsReshredded} subject(s) came back from a backup taken before their erasure and were shredded again.");
                }
                DemoSeeder.Credentials? credentials = null;
                if (r.GetValue(demo)) credentials = await DemoSeeder.EnsureAsync(app.Services, ct);
                IReadOnlyList<string> setup;
                (string Links, string? Warning) links;
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    setup = await SetupAsync(scope.ServiceProvider, ct);
                    links = await RecordPublicAddressAsync(scope.ServiceProvider, ct);
                }
                if (links.Warning is { } mismatch) await r.InvocationConfiguration.Error.WriteLineAsync("mamori: WARNING: " + mismatch);
                await app.StartAsync(ct);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? listen[0];
                await output.WriteLineAsync($"Mamori {MamoriCli.Version} is running on {settings.Provider.Describe(settings.Database.ConnectionString)}");
                await output.WriteLineAsync($"  Open:    {address}/login");
                foreach (var line in setup) await output.WriteLineAsync(line);
                await output.WriteLineAsync($"  Vault:   keys {keys.FilePath} (primary {primaryKey})");
                await output.WriteLineAsync($"  Mail:    {app.Services.GetRequiredService<Notifications.IMailSink>().Describe()}");
                await output.WriteLineAsync($"  Links:   status links in messages to people start with {links.Links} (Mamori:Requests:PublicBaseUrl)");
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

    /// <summary>
    /// Links to the people of the company whose pages this server shows start with that company's address whichever server makes
    /// them (its staff may sign in on another company's server): records this server's (see
    /// <see cref="Tenancy.Tenants.RecordPublicBaseUrlAsync"/>) and returns the address links start with, and a warning when
    /// another server sharing the database recorded a different one. A system-chosen port names nothing people can open.
    /// </summary>
    public static async Task<(string Links, string? Warning)> RecordPublicAddressAsync(IServiceProvider services, CancellationToken ct)
    {
        var here = services.GetRequiredService<IOptions<Requests.RequestSettings>>().Value.PublicBaseUrl.TrimEnd('/');
        var configured = services.GetRequiredService<Hosting.PublicBaseUrlSource>().Configured;
        var serverHasAddress = configured || services.GetRequiredService<IConfiguration>()[$"{Requests.RequestSettings.Section}:{nameof(Requests.RequestSettings.PublicBaseUrl)}"] is { Length: > 0 };
        if (!serverHasAddress || await services.GetRequiredService<Auth.PublicTenant>().FindAsync(services.GetRequiredService<Data.MamoriDbContext>(), ct) is not { } served)
            return (here, null);
        var record = await services.GetRequiredService<Tenancy.Tenants>().RecordPublicBaseUrlAsync(served.Id, here, configured, ct);
        return record switch
        {
            { Replaced: { } before } => (record.Url,
                $"links to {served.Slug}'s people started with {before} (recorded by this or another server sharing this database); they now start with {record.Url}, this server's Mamori:Requests:PublicBaseUrl. If another server still shows these pages at {before}, give both the same address: else the last one started decides."),
            { Kept: { } kept } => (record.Url,
                $"links to {served.Slug}'s people start with {kept}, recorded by another server sharing this database, not with {here} where this server listens; set Mamori:Requests:PublicBaseUrl to change the company's address."),
            _ => (record.Url, null),
        };
    }

    /// <summary>
    /// The start banner's lines on the companies served: whose public pages this server shows, and for a fresh
    /// installation what is still missing with the commands that add it (a walkthrough started a production server per the
    /// README and was told to open /login, with no company, policy or user to sign in with). Refuses a --tenant or
    /// Mamori:DefaultTenant that names no company.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SetupAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<Data.MamoriDbContext>();
        var publicTenant = services.GetRequiredService<Auth.PublicTenant>();
        var tenants = await db.Tenants.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct);
        if (publicTenant.ConfiguredSlug is { } slug && tenants.All(t => t.Slug != slug))
            throw new MamoriException(ErrorCode.UnknownTenant, tenants.Count == 0
                ? $"--tenant (or {Auth.PublicTenant.Setting}) names '{ErrorText.Id(slug)}', and there is no tenant yet; create it with 'mamori tenant add --slug {ErrorText.Id(slug)} --name NAME'."
                : $"--tenant (or {Auth.PublicTenant.Setting}) names '{ErrorText.Id(slug)}', which is not a tenant here; tenants: {string.Join(", ", tenants.Select(t => t.Slug))}.");
        const string indent = "             ";
        if (tenants.Count == 0)
            return
            [
                "  Setup:   there is no company yet: public pages say \"not open yet\" and nobody can sign in. Run, with this server's --db and --data-dir:",
                indent + "mamori tenant add --slug SLUG --name \"COMPANY NAME\"",
                indent + "mamori policy publish POLICY-DIR --effective YYYY-MM-DD     (start from policy/examples; docs/policy-reference.md)",
                indent + "mamori user add --email EMAIL --role admin                  (prints the password once)",
                indent + "No restart is needed.",
            ];
        var shown = await publicTenant.FindAsync(db, ct) ?? tenants[0];
        var lines = new List<string>
        {
            $"  Public:  /privacy, /requests, /optout and the cookie banner are {shown.Slug}'s ({shown.Name})"
            + (tenants.Count > 1 && publicTenant.ConfiguredSlug is null ? ", the first company; another company's pages need a server started with --tenant SLUG" : ""),
        };
        if (tenants.Count > 1) lines.Add($"  Sign-in: staff of {string.Join(", ", tenants.Select(t => t.Slug))} sign in at /login");
        foreach (var t in tenants)
        {
            var option = tenants.Count > 1 ? $" --tenant {t.Slug}" : "";
            if (!await db.Set<Policy.PolicyVersion>().IgnoreQueryFilters().AnyAsync(v => v.TenantId == t.Id, ct))
                lines.Add($"  Setup:   {t.Slug} has no published policy; /privacy says \"not published yet\": mamori policy publish POLICY-DIR --effective YYYY-MM-DD{option}");
            if (!await db.Users.IgnoreQueryFilters().AnyAsync(u => u.TenantId == t.Id && !u.Disabled, ct))
                lines.Add($"  Setup:   {t.Slug} has no staff user to sign in with: mamori user add --email EMAIL --role admin{option}");
        }
        return lines;
    }

    /// <summary>
    /// Refuses a key ring that lacks a key wrapping data keys in the database: a copy from before a rotation done elsewhere.
    /// A walkthrough started a server with such a copy; it answered 500 for everyone re-wrapped since, and wrapped new people's
    /// data keys with the retired key, which no other server could open any more.
    /// </summary>
    internal static async Task RefuseOutdatedKeyRingAsync(IServiceProvider services, Vault.KeyRing ring, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        if (!(await scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Database.GetAppliedMigrationsAsync(ct)).Any()) return;
        var missing = Vault.VaultMaintenance.MissingFrom(ring, await scope.ServiceProvider.GetRequiredService<Vault.VaultMaintenance>().KeyUsageAsync(ct));
        if (missing.Count > 0)
            throw new MamoriException(ErrorCode.KeysMissing,
                $"The key ring in {ring.Source} lacks {string.Join(", ", missing.Select(m => $"{m.Key} ({m.Value} data keys)"))}, which the database uses: "
                + "it is older than the database (keys rotated since?). The server will not start. Copy the current keys.json from where 'mamori keys rotate' ran, or add the missing keys to it. "
                + $"Only if a key is lost for good (no backup anywhere): 'mamori keys forget {missing[0].Key} --confirm' records its data as lost (docs/backup.md).");
    }

    /// <summary>
    /// Creates the key that protects form tokens (ASP.NET Data Protection, kept in the database) before serving, one server at a
    /// time. Two servers started together on a fresh database each made their own first key and used it until their key ring
    /// was next read (a day later), so a form shown by one server was refused by the other (MAMORI-1012).
    /// </summary>
    public static async Task EnsureFormKeyAsync(IServiceProvider services, CancellationToken ct)
    {
        var settings = services.GetRequiredService<MamoriSettings>();
        var keys = services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>();
        var lifetime = services.GetRequiredService<IOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>().Value.NewKeyLifetime;
        await using var turn = await settings.Provider.LockAsync(settings.Database.ConnectionString, FormKeyLock, ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            keys.CreateNewKey(now, now + lifetime);
    }

    /// <summary>The advisory lock's id for <see cref="EnsureFormKeyAsync"/>: "mamori-dp" in ASCII.</summary>
    private const long FormKeyLock = 0x6d616d6f72692d64;

    /// <summary>Whether the database (if it exists yet) holds data keys, which only the key ring that wrapped them can open.</summary>
    private static async Task<bool> HoldsDataKeysAsync(IServiceProvider services, MamoriSettings settings, CancellationToken ct)
    {
        if (settings.Database.Provider == "sqlite" && !File.Exists(Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString))) return false;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
        if (!(await db.Database.GetAppliedMigrationsAsync(ct)).Any()) return false;
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
            var pending = await Vault.VaultUpgrade.MigrateAsync(sp, ct);
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
            // No --actor: the new tenant has no staff user yet.
            var t = await sp.GetRequiredService<Tenancy.Tenants>().CreateAsync(r.GetValue(slug)!, r.GetValue(name)!, Audit.Actor.Cli(CliSupport.OperatingSystemAccount()), ct);
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(r, new { t.Id, t.Slug, t.Name });
                return 0;
            }
            var output = r.InvocationConfiguration.Output;
            output.WriteLine($"Created tenant {t.Slug} ({t.Id}).");
            // What a second company means was said nowhere; a walkthrough lost sign-in and the first company's notice.
            var db = sp.GetRequiredService<Data.MamoriDbContext>();
            var first = await db.Tenants.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id).FirstAsync(ct);
            if (first.Id == t.Id)
                output.WriteLine("Next: mamori policy publish POLICY-DIR --effective YYYY-MM-DD, then mamori user add --email EMAIL --role admin.");
            else
            {
                output.WriteLine("Its staff sign in at /login on any server. A server shows one company's public pages (/privacy, /requests, /optout,");
                output.WriteLine($"the cookie banner): without --tenant it stays {first.Slug}. Serve {t.Slug}'s with 'mamori serve --tenant {t.Slug}' on its own address.");
                output.WriteLine($"Next: mamori policy publish POLICY-DIR --effective YYYY-MM-DD --tenant {t.Slug}, then mamori user add --email EMAIL --role admin --tenant {t.Slug}.");
            }
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
