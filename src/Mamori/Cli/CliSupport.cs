using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Hosting;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Cli;

/// <summary>Options every database command shares, and the plumbing to run one.</summary>
public static class CliSupport
{
    public static readonly Option<string?> Db = new("--db")
    {
        Description = "Database: sqlite:PATH or postgres:CONNECTION-STRING (default: MAMORI_DB, appsettings, then sqlite:<data-dir>/mamori.db)",
        Recursive = true,
    };

    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Directory for the SQLite database, keys and outbox files (default: MAMORI_DATA_DIR or ./mamori-data)",
        Recursive = true,
    };

    public static readonly Option<string?> Tenant = new("--tenant")
    {
        Description = "Tenant slug (default: the only tenant, when there is one)",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON" };

    public static readonly JsonSerializerOptions JsonOut = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static void WriteJson(ParseResult r, object value) =>
        r.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(value, JsonOut));

    /// <summary>
    /// Runs a command body with a service scope on the chosen database. Expected failures become one
    /// line on stderr with the error code and exit code 1.
    /// </summary>
    public static async Task<int> RunAsync(ParseResult r, CancellationToken ct, Func<IServiceProvider, Task<int>> body, bool requireMigrated = true)
    {
        var err = r.InvocationConfiguration.Error;
        MamoriSettings? settings = null;
        try
        {
            settings = MamoriSettings.Resolve(r.GetValue(Db), r.GetValue(DataDir));
            // A mistyped --data-dir used to create that directory and then ask for 'mamori migrate', which would have made a
            // new, empty database in the wrong place.
            if (requireMigrated && settings.Database.Provider == "sqlite"
                && !File.Exists(Mamori.Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString)))
                throw new MamoriException(ErrorCode.DatabaseMissing,
                    $"There is no Mamori database at {Path.GetFullPath(Mamori.Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString))}; check --data-dir or --db ('mamori migrate' creates a new one).");
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMamoriCore(settings);
            await using var provider = services.BuildServiceProvider();
            await using var scope = provider.CreateAsyncScope();
            if (requireMigrated)
            {
                var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
                // Some other application's SQLite file: the advice to run 'mamori migrate' would add Mamori's tables into it.
                if (settings.Database.Provider == "sqlite" && !(await db.Database.GetAppliedMigrationsAsync(ct)).Any()
                    && await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table'").SingleAsync(ct) > 0)
                    throw new MamoriException(ErrorCode.DatabaseMissing,
                        $"{Path.GetFullPath(Mamori.Data.Sqlite.SqliteDatabaseProvider.PathOf(settings.Database.ConnectionString))} is not a Mamori database; check --data-dir or --db.");
                // A connection first: Npgsql's migration history check takes a missing PostgreSQL database for an empty one,
                // and 'run mamori migrate' cannot help where the role may not create databases.
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.CloseConnectionAsync();
                if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
                    throw new MamoriException(ErrorCode.PendingMigrations,
                        $"The database ({settings.Provider.Describe(settings.Database.ConnectionString)}) is not up to date; run 'mamori migrate' first.");
            }
            return await body(scope.ServiceProvider);
        }
        catch (MamoriException e)
        {
            await err.WriteLineAsync($"mamori: {e.Message} ({ErrorCodes.Format(e.Code)})");
            return 1;
        }
        catch (DbException e) when (settings?.Provider.Explain(e, settings.Database.ConnectionString) is { } explained)
        {
            await err.WriteLineAsync($"mamori: {explained.Message} ({ErrorCodes.Format(explained.Code)})");
            return 1;
        }
        catch (DbException e)
        {
            // The provider's code (SQLite result code, PostgreSQL SQLSTATE) says what failed; its message may quote data, so it stays out.
            var code = e switch
            {
                Microsoft.Data.Sqlite.SqliteException s => $", SQLite error {s.SqliteExtendedErrorCode}",
                { SqlState: { } state } => $", SQLSTATE {state}",
                _ => "",
            };
            await err.WriteLineAsync($"mamori: the database failed: {e.GetType().Name}{code} ({ErrorCodes.Format(ErrorCode.DatabaseUnavailable)})");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await err.WriteLineAsync("mamori: cancelled");
            return 130;
        }
    }

    /// <summary>Picks the tenant named by --tenant, or the only one.</summary>
    public static async Task<Tenant> UseTenantAsync(ParseResult r, IServiceProvider sp, CancellationToken ct)
    {
        var slug = r.GetValue(Tenant);
        var tenants = sp.GetRequiredService<Tenants>();
        // An unknown one is refused in the words every command uses (TenantsAsync), naming the tenants there are.
        if (!string.IsNullOrEmpty(slug)) return await tenants.UseAsync((await TenantsAsync(r, sp, ct))[0].Slug, ct);
        var db = sp.GetRequiredService<MamoriDbContext>();
        var all = await db.Tenants.AsNoTracking().OrderBy(t => t.Slug).Take(3).ToListAsync(ct);
        return all.Count switch
        {
            0 => throw new MamoriException(ErrorCode.UnknownTenant, "There is no tenant yet; create one with 'mamori tenant add' or start 'mamori serve --demo'."),
            1 => await tenants.UseAsync(all[0].Slug, ct),
            _ => throw new MamoriException(ErrorCode.UnknownTenant, "There are several tenants; name one with --tenant."),
        };
    }

    /// <summary>--actor, on each command that changes something.</summary>
    public static Option<string?> ActorOption() => new("--actor")
    {
        Description = "The staff user accountable for the change, by sign-in email (default: your operating-system account, shown as 'CLI: NAME')",
    };

    /// <summary>
    /// Who a change made with the CLI is recorded as (the audit chain, the policy's publisher, an incident's timeline): the
    /// staff user --actor names in the current tenant, else the operating-system account. Everything used to be recorded as
    /// 「システム」, which named nobody accountable.
    /// </summary>
    public static async Task<Actor> ActorAsync(ParseResult r, Option<string?> option, IServiceProvider sp, CancellationToken ct)
    {
        if (r.GetValue(option) is not { } email) return Actor.Cli(OperatingSystemAccount());
        var db = sp.GetRequiredService<MamoriDbContext>();
        var normalized = StaffAccounts.NormalizeEmail(email);
        var user = await db.Users.AsNoTracking().Where(u => u.Email == normalized).Select(u => new { u.Id, u.Disabled }).FirstOrDefaultAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.CurrentTenantId).Select(t => t.Slug).FirstAsync(ct);
        // The address is not repeated: error lines end up in logs, and the person typing it has it in front of them.
        if (user is null)
            throw new MamoriException(ErrorCode.UnknownUser, $"--actor: tenant {tenant} has no staff user with that email ('mamori user list --tenant {tenant}' lists them).", 404);
        if (user.Disabled)
            throw new MamoriException(ErrorCode.UserDisabled, $"--actor: that staff user of tenant {tenant} is disabled; name the person accountable now.", 401);
        return Actor.User(user.Id);
    }

    /// <summary>
    /// The person at the terminal: behind sudo (how a command is usually run as the service account that owns the data
    /// directory) the account that ran sudo, not the service account.
    /// </summary>
    public static string OperatingSystemAccount()
    {
        var name = Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } sudo ? sudo : Environment.UserName;
        // The audit chain keeps an actor id of at most 64 characters; control characters would garble the pages showing it.
        var clean = new string([.. name.Where(c => !char.IsControl(c)).Take(60)]).Trim();
        return clean.Length == 0 ? "unknown" : clean;
    }

    /// <summary>
    /// <see cref="TenantsAsync(ParseResult, IServiceProvider, CancellationToken)"/>, each with who the change there is recorded as
    /// (<see cref="ActorAsync"/>): all resolved before anything changes, so an --actor unknown in one tenant changes none.
    /// </summary>
    public static async Task<List<(Guid Id, string Slug, Actor Actor)>> TenantsAsync(ParseResult r, IServiceProvider sp, Option<string?> actor, CancellationToken ct)
    {
        var result = new List<(Guid, string, Actor)>();
        foreach (var (id, slug) in await TenantsAsync(r, sp, ct))
        {
            await using var scope = sp.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(id);
            result.Add((id, slug, await ActorAsync(r, actor, scope.ServiceProvider, ct)));
        }
        return result;
    }

    /// <summary>
    /// The tenants a command that works through the tenants one by one acts on: the one --tenant names, else every tenant
    /// (as <c>audit verify</c> does), by slug. A sweep used to go through every tenant whatever --tenant said.
    /// </summary>
    public static async Task<List<(Guid Id, string Slug)>> TenantsAsync(ParseResult r, IServiceProvider sp, CancellationToken ct)
    {
        var all = await AllTenantsAsync(sp, ct);
        var slug = r.GetValue(Tenant);
        if (string.IsNullOrEmpty(slug)) return all;
        return all.Where(t => t.Slug == slug).ToList() is [_] named
            ? named
            : throw new MamoriException(ErrorCode.UnknownTenant, all.Count == 0
                ? $"--tenant names '{ErrorText.Id(slug)}', and there is no tenant yet."
                : $"--tenant names '{ErrorText.Id(slug)}', which is not a tenant here; tenants: {string.Join(", ", all.Select(t => t.Slug))}.");
    }

    /// <summary>Every tenant, by slug: commands name a tenant by its slug, as <c>audit verify</c> does (the id only in JSON, beside it).</summary>
    public static async Task<List<(Guid Id, string Slug)>> AllTenantsAsync(IServiceProvider sp, CancellationToken ct) =>
        (await sp.GetRequiredService<MamoriDbContext>().Tenants.AsNoTracking().OrderBy(t => t.Slug).Select(t => new { t.Id, t.Slug }).ToListAsync(ct))
        .Select(t => (t.Id, t.Slug)).ToList();

    public static string ReadSecretLine(TextReader input) =>
        (input.ReadLine() ?? "").TrimEnd('\r', '\n');
}
