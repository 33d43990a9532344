using System.CommandLine;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Hosting;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Cli;

/// <summary><c>mamori keys init|status|rotate|retire|forget</c>: the vault's key ring.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var initActor = CliSupport.ActorOption();
        var init = new Command("init", "Create the vault key ring (keys.json in the data directory, or MAMORI_KEYS_FILE)") { initActor };
        init.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var keys = Provider(r);
            if (keys.Exists) throw new MamoriException(ErrorCode.KeyInUse, $"A key ring already exists at {keys.FilePath}; it is never overwritten.");
            // Who it is recorded as in each company's chain, resolved before anything changes: an unknown --actor creates no ring.
            var chains = await ChainsAsync(r, sp, initActor, ct);
            var ring = KeyRing.Generate(TimeProvider.System);
            keys.Save(ring);
            keys.Ledger.EnsureExists();
            await RecordAsync(sp, chains, AuditCode.KeyRingCreated, ring.Primary.Id, ct);
            r.InvocationConfiguration.Output.WriteLine($"Created {keys.FilePath} and {keys.Ledger.Path} (mode 600). Back them up apart from the database: without the keys the data cannot be read.");
            return 0;
        }, requireMigrated: false));

        var statusJson = CliSupport.Json();
        var status = new Command("status", "Show the keys, how many data keys each still wraps, and the pseudonymization keys with their datasets") { statusJson };
        status.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var keys = Provider(r);
            var ring = keys.Current;
            if (keys.ReadableByOthersWarning() is { } loose) await r.InvocationConfiguration.Error.WriteLineAsync("mamori: " + loose);
            var usage = await sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(ct);
            var rows = ring.Keks.Select(k => new { k.Id, k.Created, primary = k.Id == ring.Primary.Id, dataKeys = usage.GetValueOrDefault(k.Id) }).ToList();
            // Data keys wrapped by a key this ring lacks (an outdated copy of the ring, or a key retired elsewhere) stay unreadable here.
            var missing = VaultMaintenance.MissingFrom(ring, usage).Select(u => new { Id = u.Key, dataKeys = u.Value }).ToList();
            // A pseudonymization key belongs to one pseudonymized dataset (across tenants: the ring is the server's).
            var datasets = await sp.GetRequiredService<Data.MamoriDbContext>().Set<Datasets.ProcessedDataset>().IgnoreQueryFilters()
                .Where(d => d.KeyId != null && d.KeyDeletedAt == null).Select(d => new { d.KeyId, d.Id, d.Name }).ToListAsync(ct);
            var pseudonymization = ring.PseudonymizationKeys.Select(k => new
            {
                k.Id, k.Created,
                datasets = datasets.Where(d => d.KeyId == k.Id).Select(d => new { d.Id, d.Name }).ToList(),
            }).ToList();
            if (r.GetValue(statusJson)) CliSupport.WriteJson(r, new { source = ring.Source, keys = rows, missingKeys = missing, pseudonymizationKeys = pseudonymization });
            else
            {
                var output = r.InvocationConfiguration.Output;
                // Japan time, as the console shows it (the JSON keeps the instant).
                static string Jst(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Policy.PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm:ss 'JST'", System.Globalization.CultureInfo.InvariantCulture);
                foreach (var k in rows) output.WriteLine($"{k.Id}\t{Jst(k.Created)}\t{(k.primary ? "primary" : "old")}\t{k.dataKeys} data keys");
                foreach (var k in missing) output.WriteLine($"{k.Id}\t-\tMISSING from {ring.Source}\t{k.dataKeys} data keys (unreadable here)");
                foreach (var k in pseudonymization)
                    output.WriteLine($"{k.Id}\t{Jst(k.Created)}\tpseudonymization\t{(k.datasets.Count == 0 ? "no dataset" : string.Join(", ", k.datasets.Select(d => $"{d.Name} ({d.Id})")))}");
            }
            return 0;
        }));

        var rotateActor = CliSupport.ActorOption();
        var rotate = new Command("rotate", "Add a new primary key and re-wrap every data key with it, or only --tenant's (old keys stay until retired)") { rotateActor };
        rotate.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            // The tenants first: a mistyped --tenant changes nothing, not even the key ring.
            var tenants = await CliSupport.TenantsAsync(r, sp, rotateActor, ct);
            var keys = Provider(r);
            var ring = keys.Current.WithNewKey(TimeProvider.System);
            keys.Save(ring);
            var total = 0;
            foreach (var (tenant, _, actor) in tenants)
            {
                await using var scope = sp.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Tenant.Set(tenant);
                total += await scope.ServiceProvider.GetRequiredService<VaultMaintenance>().RewrapAsync(actor, ct);
            }
            r.InvocationConfiguration.Output.WriteLine($"New primary key {ring.Primary.Id}; re-wrapped {total} data keys. Retire old keys with 'mamori keys retire ID' once servers have reloaded.");
            return 0;
        }));

        var id = new Argument<string>("id") { Description = "The key to remove" };
        var retireActor = CliSupport.ActorOption();
        var retire = new Command("retire", "Remove an old key; refused while any data key is still wrapped by it") { id, retireActor };
        retire.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var keys = Provider(r);
            var keyId = r.GetValue(id)!;
            var usage = await sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(ct);
            if (usage.GetValueOrDefault(keyId) is > 0 and var n)
                throw new MamoriException(ErrorCode.KeyInUse, $"Key {keyId} still wraps {n} data keys; run 'mamori keys rotate' (or wait for the servers' re-wrap job) first.");
            var chains = await ChainsAsync(r, sp, retireActor, ct);
            keys.Save(keys.Current.Without(keyId));
            await RecordAsync(sp, chains, AuditCode.KeyRetired, keyId, ct);
            r.InvocationConfiguration.Output.WriteLine($"Retired {keyId}.");
            return 0;
        }));
        var lostId = new Argument<string>("id") { Description = "The lost key, as 'mamori keys status' lists it (MISSING)" };
        var confirm = new Option<bool>("--confirm") { Description = "Make the data it wraps unrecoverable for good; without it only report what would be lost" };
        var forgetActor = CliSupport.ActorOption();
        var forget = new Command("forget",
            "Last resort for a key lost for good (no backup): record every person's data it wraps as lost, so the servers start again")
        {
            lostId, confirm, forgetActor,
        };
        forget.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var keys = Provider(r);
            var keyId = r.GetValue(lostId)!;
            if (keys.Current.Find(keyId) is not null)
                throw new MamoriException(ErrorCode.KeyForgetPresent,
                    $"The key ring in {keys.Current.Source} has key '{ErrorText.Id(keyId)}': its data is readable, nothing is lost. Rotate ('mamori keys rotate') and retire it instead.");
            var wrapped = (await sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(ct)).GetValueOrDefault(keyId);
            var output = r.InvocationConfiguration.Output;
            if (!r.GetValue(confirm))
            {
                output.WriteLine($"Key {ErrorText.Id(keyId)} wraps {wrapped} data key(s) (of persons, requests and queued messages). Forgetting it makes that data unrecoverable for good: "
                    + "first look for the key in every backup of keys.json and on every server.");
                throw new MamoriException(ErrorCode.KeyForgetUnconfirmed,
                    $"Nothing was changed. If the key is truly lost, run 'mamori keys forget {ErrorText.Id(keyId)} --confirm' as a privacy officer.");
            }
            var chains = await ChainsAsync(r, sp, forgetActor, ct);
            // Giving up persons' data is the privacy officer's decision (個人情報保護管理者), and the chain names them, not a shell account.
            foreach (var (tenant, actor) in chains)
                if (actor.Kind != ActorKind.User || await sp.GetRequiredService<Data.MamoriDbContext>().Users.IgnoreQueryFilters().AsNoTracking()
                        .FirstOrDefaultAsync(u => u.TenantId == tenant && u.Id == Guid.Parse(actor.Id!), ct) is not { } officer
                    || !officer.Roles.Contains(Staff.Roles.PrivacyOfficer, StringComparer.Ordinal))
                    throw new MamoriException(ErrorCode.KeyForgetNotOfficer,
                        "Nothing was changed: name the privacy officer who decides this with --actor EMAIL (a staff user with the privacy-officer role in every company).");
            var (persons, requests, messages) = (0, 0, 0);
            foreach (var (tenant, actor) in chains)
            {
                await using var scope = sp.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Tenant.Set(tenant);
                var report = await scope.ServiceProvider.GetRequiredService<VaultMaintenance>().ForgetKeyAsync(keyId, actor, ct);
                (persons, requests, messages) = (persons + report.Persons, requests + report.Requests, messages + report.MessagesGivenUp);
            }
            output.WriteLine($"Forgot key {ErrorText.Id(keyId)}: the data of {persons} person(s) is recorded as lost (certificates of kind KeyLost; reads answer MAMORI-3024). "
                + (requests + messages == 0 ? "" : $"{requests} request(s) lost their requester's details and files, {messages} queued message(s) were given up. ")
                + "This is a loss of personal data: assess it as an incident ('mamori incident assess') and decide whom to notify.");
            return 0;
        }));
        return new Command("keys", "The vault's key ring: create, rotate, retire, forget a lost key") { init, status, rotate, retire, forget };
    }

    /// <summary>
    /// Every company's audit chain, with who the change is recorded as there: the key ring is the installation's, so creating it
    /// or retiring a key concerns them all, whatever --tenant says. None before the database exists (a first start creates the
    /// keys before 'mamori migrate') or while it is not migrated.
    /// </summary>
    private static async Task<List<(Guid Id, Actor Actor)>> ChainsAsync(ParseResult r, IServiceProvider sp, Option<string?> actor, CancellationToken ct)
    {
        var settings = MamoriSettings.Resolve(r.GetValue(CliSupport.Db), r.GetValue(CliSupport.DataDir));
        // Opening a SQLite file that is not there would create it.
        if (settings.Database.Provider == "sqlite" && !File.Exists(Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString))) return [];
        var db = sp.GetRequiredService<Data.MamoriDbContext>();
        try
        {
            if ((await db.Database.GetPendingMigrationsAsync(ct)).Any()) return [];
        }
        catch (System.Data.Common.DbException)
        {
            // keys init works before the database server is reachable, as it always did; it says what it could not record.
            await r.InvocationConfiguration.Error.WriteLineAsync("mamori: the database could not be reached, so no audit chain records this change.");
            return [];
        }
        var chains = new List<(Guid, Actor)>();
        foreach (var (tenant, _) in await CliSupport.AllTenantsAsync(sp, ct))
        {
            await using var scope = sp.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Tenant.Set(tenant);
            chains.Add((tenant, await CliSupport.ActorAsync(r, actor, scope.ServiceProvider, ct)));
        }
        return chains;
    }

    private static async Task RecordAsync(IServiceProvider sp, List<(Guid Id, Actor Actor)> chains, AuditCode code, string keyId, CancellationToken ct)
    {
        foreach (var (tenant, actor) in chains)
        {
            await using var scope = sp.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Tenant.Set(tenant);
            await scope.ServiceProvider.GetRequiredService<VaultMaintenance>().RecordKeyRingChangeAsync(code, keyId, actor, ct);
        }
    }

    private static KeyRingProvider Provider(ParseResult r) =>
        new(KeyRingOptions.From(MamoriSettings.Resolve(r.GetValue(CliSupport.Db), r.GetValue(CliSupport.DataDir)).DataDir));
}

public static class RetentionCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count what has expired" };
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var sweep = new Command("sweep", "Destroy data whose retention has ended and write destruction certificates (every tenant, or --tenant's)") { dryRun, json, actor };
        sweep.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var reports = new List<object>();
            foreach (var (tenantId, tenant, by) in await CliSupport.TenantsAsync(r, sp, actor, ct))
            {
                await using var scope = sp.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>().Tenant.Set(tenantId);
                var report = await scope.ServiceProvider.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(r.GetValue(dryRun), by, ct);
                reports.Add(new { tenant, tenantId, report.Subjects, report.FieldsDestroyed, report.SubjectsErased, certificates = report.Certificates.Count, report.DryRun });
                if (!r.GetValue(json))
                    r.InvocationConfiguration.Output.WriteLine(report.DryRun
                        ? $"{tenant}: {report.FieldsDestroyed} fields of {report.Subjects} subjects have expired (dry run: nothing destroyed)."
                        : $"{tenant}: destroyed {report.FieldsDestroyed} fields of {report.Subjects} subjects ({report.SubjectsErased} fully erased), {report.Certificates.Count} certificates.");
            }
            if (r.GetValue(json)) CliSupport.WriteJson(r, reports);
            return 0;
        }));
        return new Command("retention", "Retention periods from the policy") { sweep, Events() };
    }

    /// <summary><c>mamori retention events FILE.csv</c>: record many persons' contract ends, retirements… from a file (e.g. an HR export).</summary>
    private static Command Events()
    {
        var file = new Argument<string>("file") { Description = "CSV with a header row: subject,date (yyyy-MM-dd, Japan) and optionally event and reason" };
        var ev = new Option<string?>("--event") { Description = "The event id from the policy (contract-end, retirement…) for rows without an event column" };
        var reason = new Option<string?>("--reason") { Description = "Reason code for rows that correct a day already recorded (e.g. wrong-date)" };
        var confirmExpired = new Option<bool>("--confirm-expired")
        {
            Description = "Record rows whose day ends a retention period already (their data is destroyed at the next sweep); without it they are refused (MAMORI-3028)",
        };
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var cmd = new Command("events",
            "Record the day each person's retention starts (the event the policy counts it from); exit 3 when a row was refused")
        {
            file, ev, reason, confirmExpired, json, actor,
        };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var recorder = await CliSupport.ActorAsync(r, actor, sp, ct);
            var path = r.GetValue(file)!;
            if (!File.Exists(path)) throw new Errors.MamoriException(Errors.ErrorCode.ImportFailed, $"No such file: {path}");
            using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
            var result = await sp.GetRequiredService<RetentionEvents>().RecordFileAsync(reader, r.GetValue(ev), r.GetValue(reason), recorder, ct, r.GetValue(confirmExpired));
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { result.Recorded, result.Unchanged, rejected = result.Rejected });
            else
            {
                var o = r.InvocationConfiguration.Output;
                o.WriteLine($"Recorded {result.Recorded} events ({result.Unchanged} already recorded with the same day); refused {result.Rejected.Count} rows.");
                foreach (var row in result.Rejected) o.WriteLine($"  line {row.Line}: {row.Reason} ({row.Code})");
            }
            return result.Rejected.Count > 0 ? 3 : 0;
        }));
        return cmd;
    }
}
