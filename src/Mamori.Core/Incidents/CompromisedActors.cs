using Mamori.Data;
using Mamori.Errors;
using Mamori.Staff;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Incidents;

/// <summary>
/// A user or API key of the tenant that a blast radius can be computed for. <see cref="Id"/> is what the audit chain records as the
/// actor; <see cref="Name"/> (and a key's <see cref="Prefix"/>, <c>mk_xxxx_</c>) is how staff know it: the key's name, the user's
/// sign-in address. <see cref="Ended"/>: the key was revoked or the user disabled, at <see cref="EndedAt"/>; a stolen key is usually
/// revoked before anyone asks what it read.
/// </summary>
public sealed record CompromisedActor(ActorKindCode Kind, string Id, string Name, string? Prefix, bool Ended, DateTimeOffset? EndedAt);

/// <summary>
/// Finds the actor a blast radius names. Only a user or key that exists in the tenant is accepted: the audit chain of a made-up id
/// holds nothing, and "0 persons, audit chain verified" recorded for it would be false evidence. A key is named by its id or its
/// public prefix (<c>mk_xxxx_</c>, as the console and <c>mamori apikey list</c> show it), never by its name, which a replacement
/// key often repeats; a user by id or sign-in address.
/// </summary>
public static class CompromisedActors
{
    public static async Task<CompromisedActor> ResolveAsync(MamoriDbContext db, ActorKindCode kind, string given, CancellationToken ct = default)
    {
        var s = given.Trim();
        var byId = Guid.TryParse(s, out var id);
        if (kind == ActorKindCode.ApiKey)
        {
            var prefix = s.StartsWith(ApiKeys.KeyPrefix, StringComparison.Ordinal) ? s[ApiKeys.KeyPrefix.Length..].Split('_')[0] : s.TrimEnd('_');
            var key = await db.ApiKeys.AsNoTracking().Where(k => (byId && k.Id == id) || k.Prefix == prefix).FirstOrDefaultAsync(ct);
            return key is not null ? Of(key)
                : throw new MamoriException(ErrorCode.IncidentUnknownActor,
                    "This tenant has no API key with this id or prefix. Give the key's prefix (mk_xxxx_, as the console's API keys page and " +
                    "'mamori apikey list' show it) or its id; a key's name is not accepted, as a replacement key often repeats it.") { Reason = "api-key" };
        }
        var email = s.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().Where(u => (byId && u.Id == id) || u.Email == email).FirstOrDefaultAsync(ct);
        return user is not null ? Of(user)
            : throw new MamoriException(ErrorCode.IncidentUnknownActor,
                "This tenant has no user with this id or sign-in address.") { Reason = "user" };
    }

    /// <summary>
    /// Every API key (revoked ones too) and user of the tenant, for the console's choice: names, prefixes and ids only, which is what
    /// incident handling needs (the API keys page itself needs ManageApiKeys).
    /// </summary>
    public static async Task<IReadOnlyList<CompromisedActor>> ListAsync(MamoriDbContext db, CancellationToken ct = default)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Name).ThenBy(k => k.CreatedAt).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        return [.. keys.Select(Of), .. users.Select(Of)];
    }

    private static CompromisedActor Of(ApiKey k) =>
        new(ActorKindCode.ApiKey, k.Id.ToString(), k.Name, $"{ApiKeys.KeyPrefix}{k.Prefix}_", k.RevokedAt is not null, k.RevokedAt);

    private static CompromisedActor Of(StaffUser u) => new(ActorKindCode.User, u.Id.ToString(), u.Email, null, u.Disabled, u.Disabled ? u.DisabledAt : null);
}
