using System.Security.Cryptography;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Staff;

/// <summary>API keys for integrations: created once (the secret is shown once), listed, revoked.</summary>
public sealed class ApiKeys(MamoriDbContext db, AuditLog audit, TimeProvider clock, StaffAccounts accounts, Vault.KeyRingProvider keyRing)
{
    public const string KeyPrefix = "mk_";

    public sealed record Created(ApiKey Key, string Secret);

    /// <summary>What a form's submission did: created a key (its secret, to show once), or found the key an earlier post of the same form created.</summary>
    public sealed record Submitted(Created? Created, ApiKey? Earlier);

    /// <summary>
    /// Creates a key with one built-in <paramref name="role"/> and, beside it, any <paramref name="policyRoles"/> the policy
    /// in force declares (they widen what the key may unmask, nothing else).
    /// </summary>
    public async Task<Created> CreateAsync(string name, string role, IReadOnlyCollection<string> policyRoles, int? expiresDays, Guid? ownerUserId, Actor actor, CancellationToken ct = default) =>
        (await CreateAsync(name, role, policyRoles, expiresDays, ownerUserId, actor, null, ct)).Created!;

    /// <summary>
    /// Creates a key from a console form whose single-use <paramref name="submission"/> id (a random id the page put in the form)
    /// makes a second post of the same form, by the same person, within <see cref="Vault.Idempotency.Window"/> (a reload of the
    /// page that showed the secret, a double click, the browser resending after a broken connection), answer the key the first
    /// post created instead of a second live key. That key's secret is not shown again: it was shown once and is kept only as a hash.
    /// </summary>
    public Task<Submitted> SubmitAsync(string submission, string name, string role, IReadOnlyCollection<string> policyRoles, int? expiresDays, Actor actor,
        CancellationToken ct = default) =>
        CreateAsync(name, role, policyRoles, expiresDays, null, actor, Vault.Idempotency.Of(db, keyRing.Current, "console-apikeys", actor, submission, "form"), ct);

    private async Task<Submitted> CreateAsync(string name, string role, IReadOnlyCollection<string> policyRoles, int? expiresDays, Guid? ownerUserId, Actor actor,
        Vault.Idempotency.Call? call, CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100) throw new MamoriException(ErrorCode.InvalidValue, "A key name is 1-100 characters.") { Reason = "key-name" };
        var known = await accounts.KnownRolesAsync(ct);
        if (!Roles.IsBuiltIn(role))
            throw known.Contains(role) ? StaffAccounts.PolicyRoleAlone(role) : StaffAccounts.Unknown(role, known);
        foreach (var extra in policyRoles)
        {
            if (Roles.IsBuiltIn(extra))
                throw new MamoriException(ErrorCode.UnknownRole, $"An API key takes one built-in role ({string.Join(", ", Roles.BuiltIn)}); create a key per role.") { Reason = "one-built-in-role" };
            if (!known.Contains(extra)) throw StaffAccounts.Unknown(extra, known);
        }
        if (expiresDays is <= 0 or > 3650) throw new MamoriException(ErrorCode.InvalidValue, "Expiry is 1-3650 days.") { Reason = "key-expiry" };
        await accounts.RequireMayGrantAsync([role], actor, ct);
        var now = clock.GetUtcNow();
        var prefix = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyz23456789", 12);
        var secret = SecretTokens.New();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Prefix = prefix,
            SecretHash = SecretTokens.HashOf(secret),
            Role = role,
            PolicyRoles = policyRoles.Distinct().Order(StringComparer.Ordinal).ToList(),
            OwnerUserId = ownerUserId,
            CreatedAt = now,
            ExpiresAt = expiresDays is { } d ? now.AddDays(d) : null,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (call is not null)
        {
            // The chain head serialises this with a second post of the same form: the second sees the first's record.
            await audit.LockHeadAsync(db, ct);
            if (await Vault.Idempotency.EarlierAsync(db, call, now, "reload the page for a new form.", sweep: true, ct) is { } earlier)
                return new Submitted(null, await db.ApiKeys.AsNoTracking().FirstAsync(k => k.Id == earlier.CreatedId, ct));
            db.Add(Vault.Idempotency.Record(db, call, key.Id, null, now));
        }
        db.ApiKeys.Add(key);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.ApiKeyCreated, actor, TargetId: key.Id.ToString(), ReasonCode: string.Join('+', [role, .. key.PolicyRoles])), ct);
        await tx.CommitAsync(ct);
        return new Submitted(new Created(key, $"{KeyPrefix}{prefix}_{secret}"), null);
    }

    public Task<List<ApiKey>> ListAsync(CancellationToken ct = default) =>
        db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);

    public async Task<ApiKey> FindAsync(string idOrPrefixOrName, CancellationToken ct = default)
    {
        var s = idOrPrefixOrName.Trim();
        if (s.StartsWith(KeyPrefix, StringComparison.Ordinal)) s = s[KeyPrefix.Length..].Split('_')[0];
        var byId = Guid.TryParse(s, out var id);
        var matches = await db.ApiKeys.Where(k => (byId && k.Id == id) || k.Prefix == s || k.Name == s).ToListAsync(ct);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw MamoriException.NotFound("The API key"),
            _ => throw MamoriException.Conflict("Several keys have that name; give the key's id or prefix."),
        };
    }

    public async Task RevokeAsync(ApiKey key, Actor actor, CancellationToken ct = default)
    {
        if (key.RevokedAt is not null) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        key.RevokedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(AuditCode.ApiKeyRevoked, actor, TargetId: key.Id.ToString()), ct);
        await tx.CommitAsync(ct);
    }

    public enum Failure { Malformed, Unknown, Revoked, Expired }

    // Every API request runs this query; compiled once instead of translated per request.
    private static readonly PerModel<Func<MamoriDbContext, string, CancellationToken, Task<ApiKey?>>> ByPrefix = new(() =>
        EF.CompileAsyncQuery((MamoriDbContext db, string prefix, CancellationToken ct) => db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefault(k => k.Prefix == prefix)));

    /// <summary>Checks a presented key across tenants (its prefix is unique) in fixed time on the secret.</summary>
    public async Task<(StaffPrincipal? Principal, Failure? Failure)> ValidateAsync(string presented, CancellationToken ct = default)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 100) return (null, Failure.Malformed);
        var rest = presented.AsSpan(KeyPrefix.Length);
        var sep = rest.IndexOf('_');
        if (sep <= 0) return (null, Failure.Malformed);
        var prefix = rest[..sep].ToString();
        var secret = rest[(sep + 1)..].ToString();
        var key = await ByPrefix.For(db)(db, prefix, ct);
        var expected = key?.SecretHash ?? new byte[32];
        var matches = CryptographicOperations.FixedTimeEquals(SecretTokens.HashOf(secret), expected);
        if (key is null || !matches) return (null, Failure.Unknown);
        var now = clock.GetUtcNow();
        if (key.RevokedAt is not null) return (null, Failure.Revoked);
        if (key.ExpiresAt is { } exp && exp <= now) return (null, Failure.Expired);
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            var id = key.Id;
            await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), ct);
        }
        return (new StaffPrincipal(key.TenantId, Actor.Key(key.Id), [key.Role, .. key.PolicyRoles], null, null, null), null);
    }
}
