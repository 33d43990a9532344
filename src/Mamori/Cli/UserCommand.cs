using System.CommandLine;
using Mamori.Audit;
using Mamori.Staff;

namespace Mamori.Cli;

public static class UserCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "The user's sign-in email", Required = true };
        var role = new Option<string[]>("--role")
        {
            Description = $"Role(s): at least one built-in role ({string.Join(", ", Roles.BuiltIn)}); the roles the policy declares (a category's viewers, My Number's designated roles) only widen what it may see unmasked: --role operator --role sms-manager",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (otherwise one is generated and printed once)" };
        var json = CliSupport.Json();
        var addActor = CliSupport.ActorOption();
        var add = new Command("add", "Create a staff user") { email, role, passwordStdin, json, addActor };
        add.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, addActor, sp, ct);
            var generated = !r.GetValue(passwordStdin);
            var password = generated ? PasswordHasher.Generate() : CliSupport.ReadSecretLine(Console.In);
            var roles = r.GetValue(role)!.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var user = await sp.GetRequiredService<StaffAccounts>().AddAsync(r.GetValue(email)!, roles, password, actor, ct);
            var o = r.InvocationConfiguration.Output;
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { user.Id, user.Email, user.Roles, password = generated ? password : null });
            else
            {
                o.WriteLine($"Created {user.Email} ({string.Join(", ", user.Roles)}).");
                if (generated) o.WriteLine($"Password (shown once): {password}");
            }
            return 0;
        }));

        var disableEmail = new Option<string>("--email") { Description = "The user's sign-in email", Required = true };
        var disableActor = CliSupport.ActorOption();
        var disable = new Command("disable", "Disable a user; their sessions and API keys end at once") { disableEmail, disableActor };
        disable.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, disableActor, sp, ct);
            var accounts = sp.GetRequiredService<StaffAccounts>();
            var user = await accounts.FindAsync(r.GetValue(disableEmail)!, ct);
            await accounts.DisableAsync(user, actor, ct);
            r.InvocationConfiguration.Output.WriteLine($"Disabled {user.Email}.");
            return 0;
        }));

        var enableEmail = new Option<string>("--email") { Description = "The user's sign-in email", Required = true };
        var enableActor = CliSupport.ActorOption();
        var enable = new Command("enable", "Enable a disabled user") { enableEmail, enableActor };
        enable.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, enableActor, sp, ct);
            var accounts = sp.GetRequiredService<StaffAccounts>();
            var user = await accounts.FindAsync(r.GetValue(enableEmail)!, ct);
            await accounts.EnableAsync(user, actor, ct);
            r.InvocationConfiguration.Output.WriteLine($"Enabled {user.Email}.");
            return 0;
        }));

        var resetEmail = new Option<string>("--email") { Description = "The user's sign-in email", Required = true };
        var resetStdin = new Option<bool>("--password-stdin") { Description = "Read the new password from standard input (otherwise one is generated and printed once)" };
        var resetActor = CliSupport.ActorOption();
        var reset = new Command("reset-password", "Set a new password; the user's sessions end") { resetEmail, resetStdin, resetActor };
        reset.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, resetActor, sp, ct);
            var accounts = sp.GetRequiredService<StaffAccounts>();
            var user = await accounts.FindAsync(r.GetValue(resetEmail)!, ct);
            var generated = !r.GetValue(resetStdin);
            var password = generated ? PasswordHasher.Generate() : CliSupport.ReadSecretLine(Console.In);
            await accounts.SetPasswordAsync(user, password, actor, null, ct);
            r.InvocationConfiguration.Output.WriteLine(generated ? $"New password for {user.Email} (shown once): {password}" : $"Password set for {user.Email}.");
            return 0;
        }));

        var listJson = CliSupport.Json();
        var list = new Command("list", "List staff users") { listJson };
        list.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var users = await sp.GetRequiredService<StaffAccounts>().ListAsync(ct);
            if (r.GetValue(listJson)) CliSupport.WriteJson(r, users.Select(u => new { u.Id, u.Email, u.Roles, u.Disabled, u.CreatedAt }));
            else foreach (var u in users) r.InvocationConfiguration.Output.WriteLine($"{u.Email}\t{string.Join(",", u.Roles)}\t{(u.Disabled ? "disabled" : "active")}");
            return 0;
        }));
        return new Command("user", "Manage staff users") { add, disable, enable, reset, list };
    }
}

public static class ApiKeyCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. crm-sync", Required = true };
        var role = new Option<string[]>("--role")
        {
            Description = $"One built-in role ({string.Join(", ", Roles.BuiltIn)}) and, beside it, any role the policy declares (a category's viewers, My Number's designated roles) to unmask what that role may see: --role operator --role sms-manager",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var expires = new Option<int?>("--expires") { Description = "Days until the key expires (default: never)" };
        var json = CliSupport.Json();
        var createActor = CliSupport.ActorOption();
        var create = new Command("create", "Create an API key; the key is printed once") { name, role, expires, json, createActor };
        create.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, createActor, sp, ct);
            var roles = r.GetValue(role)!.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
            // The built-in role is the key's role; the others are the policy's, checked as such (a policy role alone is refused with advice).
            var builtIn = roles.FirstOrDefault(Roles.IsBuiltIn) ?? roles.FirstOrDefault() ?? "";
            var created = await sp.GetRequiredService<ApiKeys>().CreateAsync(r.GetValue(name)!, builtIn, [.. roles.Where(x => x != builtIn)], r.GetValue(expires), null, actor, ct);
            if (r.GetValue(json)) CliSupport.WriteJson(r, new { created.Key.Id, created.Key.Name, created.Key.Prefix, created.Key.Role, created.Key.PolicyRoles, created.Key.ExpiresAt, key = created.Secret });
            else
            {
                r.InvocationConfiguration.Output.WriteLine($"Created API key {created.Key.Name} ({created.Key.Prefix}, {string.Join(", ", [created.Key.Role, .. created.Key.PolicyRoles])}). Shown once:");
                r.InvocationConfiguration.Output.WriteLine(created.Secret);
            }
            return 0;
        }));

        var listJson = CliSupport.Json();
        var list = new Command("list", "List API keys (never their secrets)") { listJson };
        list.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var keys = await sp.GetRequiredService<ApiKeys>().ListAsync(ct);
            if (r.GetValue(listJson))
                CliSupport.WriteJson(r, keys.Select(k => new { k.Id, k.Name, k.Prefix, k.Role, k.PolicyRoles, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt }));
            else
                foreach (var k in keys)
                    r.InvocationConfiguration.Output.WriteLine($"{k.Prefix}\t{k.Name}\t{string.Join(",", [k.Role, .. k.PolicyRoles])}\t{(k.RevokedAt is null ? "active" : "revoked")}\t{k.ExpiresAt?.ToString("u") ?? "no expiry"}");
            return 0;
        }));

        var which = new Argument<string>("key") { Description = "The key's id, prefix or name" };
        var revokeActor = CliSupport.ActorOption();
        var revoke = new Command("revoke", "Revoke an API key") { which, revokeActor };
        revoke.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, revokeActor, sp, ct);
            var keys = sp.GetRequiredService<ApiKeys>();
            var key = await keys.FindAsync(r.GetValue(which)!, ct);
            await keys.RevokeAsync(key, actor, ct);
            r.InvocationConfiguration.Output.WriteLine($"Revoked {key.Name} ({key.Prefix}).");
            return 0;
        }));
        return new Command("apikey", "Manage API keys for integrations") { create, list, revoke };
    }
}

public static class AuditCommand
{
    public static Command Create()
    {
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var verify = new Command("verify", "Check every link of the audit chain and record the check in it; print each chain's head (sequence and hash) to note and compare later; exit 1 naming the first broken sequence") { json, actor };
        verify.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var db = sp.GetRequiredService<Data.MamoriDbContext>();
            // An unknown --tenant or --actor is refused before anything is checked or recorded.
            var tenants = await CliSupport.TenantsAsync(r, sp, actor, ct);
            var results = new List<AuditVerification>();
            foreach (var (id, slug, _) in tenants) results.Add(await AuditVerify.VerifyTenantAsync(db, id, slug, ct));
            var intact = results.All(x => x.Intact);
            if (r.GetValue(json))
                CliSupport.WriteJson(r, new
                {
                    intact,
                    events = results.Sum(x => x.Verified),
                    tenants = results.Select(x => new
                    {
                        tenant = x.TenantSlug, x.Intact, x.Verified, x.BrokenAt, x.Problem,
                        headSequence = x.HeadSequence,
                        headHash = x.HeadHash,
                    }),
                });
            else
            {
                foreach (var x in results)
                {
                    if (x.Intact)
                        r.InvocationConfiguration.Output.WriteLine(x.HeadHash is null
                            ? $"{x.TenantSlug}: intact, {x.Verified} events"
                            : $"{x.TenantSlug}: intact, {x.Verified} events; head #{x.HeadSequence} {x.HeadHash}");
                    else r.InvocationConfiguration.Error.WriteLine($"mamori: audit chain of {x.TenantSlug} is broken at sequence {x.BrokenAt}: {x.Problem} (MAMORI-1200)");
                }
            }
            if (intact)
            {
                var clock = sp.GetRequiredService<TimeProvider>();
                foreach (var x in results) await AuditVerify.CheckpointAsync(db, x.TenantId, x.TenantSlug, clock, ct);
            }
            // Recorded as the dashboard's "verify now" is, so its last verification and the internal audit's checklist see this one.
            foreach (var (x, who) in results.Zip(tenants.Select(t => t.Actor)))
            {
                await using var scope = sp.CreateAsyncScope();
                var tenantDb = scope.ServiceProvider.GetRequiredService<Data.MamoriDbContext>();
                tenantDb.Tenant.Set(x.TenantId);
                await AuditVerify.RecordAsync(tenantDb, scope.ServiceProvider.GetRequiredService<AuditLog>(), x, who, ct);
            }
            return intact ? 0 : 1;
        }));

        var cpJson = CliSupport.Json();
        var checkpoint = new Command("checkpoint", "Verify from the newest checkpoint, record a new one at the chain's end and print it for anchoring outside the database (every tenant, or --tenant's)") { cpJson };
        checkpoint.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var db = sp.GetRequiredService<Data.MamoriDbContext>();
            var clock = sp.GetRequiredService<TimeProvider>();
            var rows = new List<object>();
            var intact = true;
            foreach (var (id, slug) in await CliSupport.TenantsAsync(r, sp, ct))
            {
                var (result, cp) = await AuditVerify.CheckpointAsync(db, id, slug, clock, ct);
                intact &= result.Intact;
                if (!result.Intact)
                    await r.InvocationConfiguration.Error.WriteLineAsync($"mamori: audit chain of {slug} is broken at sequence {result.BrokenAt}: {result.Problem} (MAMORI-1200)");
                else if (cp is not null)
                {
                    rows.Add(new { tenant = slug, tenantId = id, sequence = cp.Sequence, hash = Convert.ToHexStringLower(cp.Hash), at = cp.CreatedAt });
                    if (!r.GetValue(cpJson)) r.InvocationConfiguration.Output.WriteLine($"{slug}\t{cp.Sequence}\t{Convert.ToHexStringLower(cp.Hash)}");
                }
            }
            if (r.GetValue(cpJson)) CliSupport.WriteJson(r, rows);
            return intact ? 0 : 1;
        }));
        return new Command("audit", "The tamper-evident audit chain") { verify, checkpoint };
    }
}
