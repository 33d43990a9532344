using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Staff;

/// <summary>Staff accounts of the current tenant: create, disable, enable, passwords.</summary>
public sealed class StaffAccounts(MamoriDbContext db, AuditLog audit, TimeProvider clock, Policy.PolicyStore policies)
{
    /// <summary>The built-in roles and those the policy in force names (e.g. a category's viewers).</summary>
    public async Task<HashSet<string>> KnownRolesAsync(CancellationToken ct = default)
    {
        var known = new HashSet<string>(Roles.BuiltIn, StringComparer.Ordinal);
        if (await policies.CurrentAsync(ct) is { } current)
        {
            foreach (var role in current.Model.DataCategories.SelectMany(c => c.Viewers)) known.Add(role);
            foreach (var role in current.Model.Services.SelectMany(x => x.DataCategories).SelectMany(c => c.Viewers)) known.Add(role);
            foreach (var role in current.Model.MyNumber?.DesignatedRoles ?? []) known.Add(role);
            foreach (var role in current.Model.Roles ?? []) known.Add(role.Id);
        }
        return known;
    }

    internal static MamoriException Unknown(string role, IEnumerable<string> known) =>
        new(ErrorCode.UnknownRole, $"Unknown role '{ErrorText.Id(role)}'. Roles: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");

    /// <summary>A policy role (e.g. a category's viewers) given without the built-in role it widens.</summary>
    internal static MamoriException PolicyRoleAlone(string role) =>
        new(ErrorCode.UnknownRole, $"'{ErrorText.Id(role)}' is a role of the policy: it only widens what a built-in role may see unmasked and grants nothing alone. Add a built-in role ({string.Join(", ", Roles.BuiltIn)}), e.g. operator.") { Reason = "policy-role-alone" };

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>
    /// Separation of duties (職務の分離): the privacy-officer role reads every person's data, erases, answers requests and
    /// incidents, so it is granted (to a user or an API key) only by a privacy officer, never by an admin alone: an admin who
    /// could mint an officer's account or key would hold every power their own role keeps from them. Likewise the admin role
    /// (users, keys) is granted only by an admin: the officer issues keys for the work they supervise, and one who could mint an
    /// admin key would manage staff accounts. The installation's operator on the command line (actor System or the OS account)
    /// may grant both, as for the first officer.
    /// </summary>
    internal async Task RequireMayGrantAsync(IEnumerable<string> roles, Actor actor, CancellationToken ct)
    {
        var guarded = roles.Where(r => r is Roles.PrivacyOfficer or Roles.Admin or Roles.ExternalAuditor).ToList();
        if (guarded.Count == 0 || actor.Kind is ActorKind.System or ActorKind.Cli) return;
        IReadOnlyCollection<string> grantor = actor.Kind switch
        {
            ActorKind.User when Guid.TryParse(actor.Id, out var userId) =>
                (await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct))?.Roles ?? [],
            ActorKind.ApiKey when Guid.TryParse(actor.Id, out var keyId) =>
                await db.ApiKeys.AsNoTracking().Where(k => k.Id == keyId).Select(k => k.Role).ToListAsync(ct),
            _ => [],
        };
        if (guarded.Contains(Roles.PrivacyOfficer) && !MayGrant(grantor, Roles.PrivacyOfficer))
            throw new MamoriException(ErrorCode.OfficerRoleGrantedByOfficer,
                "Only a privacy officer grants the privacy-officer role (separation of duties): ask a privacy officer to create this user or key.", 403)
            {
                Reason = "officer-grant",
            };
        if (guarded.Contains(Roles.Admin) && !MayGrant(grantor, Roles.Admin))
            throw new MamoriException(ErrorCode.AdminRoleGrantedByAdmin,
                "Only an admin grants the admin role (separation of duties): ask an admin to create this user or key.", 403)
            {
                Reason = "admin-grant",
            };
        if (guarded.Contains(Roles.ExternalAuditor) && !MayGrant(grantor, Roles.ExternalAuditor))
            throw new MamoriException(ErrorCode.ExternalAuditorGrantedByOfficerOrAdmin,
                "Only an admin or a privacy officer grants the external-auditor role: ask one of them to create this user or key.", 403)
            {
                Reason = "external-auditor-grant",
            };
    }

    /// <summary>Whether a caller holding <paramref name="grantor"/> may give <paramref name="role"/> (see <see cref="RequireMayGrantAsync"/>).</summary>
    public static bool MayGrant(IReadOnlyCollection<string> grantor, string role) => role switch
    {
        Roles.PrivacyOfficer or Roles.Admin => grantor.Contains(role, StringComparer.Ordinal),
        // Someone from outside the company reads its whole management system: the people who answer for access decide that.
        Roles.ExternalAuditor => grantor.Contains(Roles.Admin, StringComparer.Ordinal) || grantor.Contains(Roles.PrivacyOfficer, StringComparer.Ordinal),
        _ => true,
    };

    public async Task<StaffUser> AddAsync(string email, IReadOnlyCollection<string> roles, string password, Actor actor, CancellationToken ct = default)
    {
        email = NormalizeEmail(email);
        if (!Vault.EmailAddress.IsValid(email))
            throw new MamoriException(ErrorCode.InvalidValue, "The email address is not valid.") { Reason = "email" };
        if (roles.Count == 0) throw new MamoriException(ErrorCode.UnknownRole, "A user needs at least one role.");
        var known = await KnownRolesAsync(ct);
        foreach (var role in roles)
            if (!known.Contains(role)) throw Unknown(role, known);
        // A policy role grants no permission: an account with policy roles only could sign in and do nothing.
        if (!roles.Any(Roles.IsBuiltIn)) throw PolicyRoleAlone(roles.First());
        await RequireMayGrantAsync(roles, actor, ct);
        PasswordHasher.EnsureStrong(password);
        if (await db.Users.AnyAsync(u => u.Email == email, ct))
            throw new MamoriException(ErrorCode.UserExists, "A user with that email already exists.", 409);
        // Sign-in finds the company from the address. A company's admin may not claim an address that signs in to another
        // company (security review F7: failed sign-ins and the lockout would be shared with that person's account); the
        // installation's operator (`mamori user add --tenant`, actor System) may, for a consultant serving both.
        if (actor.Kind != ActorKind.System && await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == email && u.TenantId != db.CurrentTenantId, ct))
            throw new MamoriException(ErrorCode.UserExistsElsewhere, "That email address signs in to another company on this installation; use another address.", 409);

        var now = clock.GetUtcNow();
        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(now),
            Email = email,
            PasswordHash = PasswordHasher.Hash(password),
            Roles = roles.Distinct().Order(StringComparer.Ordinal).ToList(),
            CreatedAt = now,
            PasswordChangedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Users.Add(user);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.UserCreated, actor, TargetId: user.Id.ToString(), ReasonCode: string.Join('+', user.Roles)), ct);
        await tx.CommitAsync(ct);
        return user;
    }

    public async Task<StaffUser> FindAsync(string email, CancellationToken ct = default)
    {
        email = NormalizeEmail(email);
        return await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct)
            ?? throw new MamoriException(ErrorCode.UnknownUser, "There is no user with that email.", 404);
    }

    public async Task<StaffUser> GetAsync(Guid id, CancellationToken ct = default) =>
        await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct)
        ?? throw new MamoriException(ErrorCode.UnknownUser, "There is no such user.", 404);

    public Task<List<StaffUser>> ListAsync(CancellationToken ct = default) =>
        db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);

    /// <summary>
    /// Disables the account and, in the same transaction, revokes its sessions and the API keys it
    /// owns or created: a person who left loses access at once (S-62).
    /// </summary>
    public async Task DisableAsync(StaffUser user, Actor actor, CancellationToken ct = default)
    {
        if (user.Disabled) return;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.Disabled = true;
        user.DisabledAt = now;
        var sessions = await db.Sessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).ToListAsync(ct);
        foreach (var s in sessions) s.RevokedAt = now;
        // Keys the user owns, and keys they created (they saw the secret once): the chain names the creator.
        var uid = user.Id.ToString();
        var created = (await db.AuditEvents.AsNoTracking()
                .Where(e => e.Code == AuditCode.ApiKeyCreated && e.ActorKind == ActorKind.User && e.ActorId == uid)
                .Select(e => e.TargetId).ToListAsync(ct))
            .Select(t => Guid.TryParse(t, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        var keys = await db.ApiKeys.Where(k => (k.OwnerUserId == user.Id || created.Contains(k.Id)) && k.RevokedAt == null).ToListAsync(ct);
        foreach (var k in keys) k.RevokedAt = now;
        var entries = new List<AuditEntry> { new(AuditCode.UserDisabled, actor, TargetId: user.Id.ToString()) };
        entries.AddRange(sessions.Select(s => new AuditEntry(AuditCode.SessionRevoked, actor, TargetId: s.Id.ToString(), ReasonCode: "user-disabled")));
        entries.AddRange(keys.Select(k => new AuditEntry(AuditCode.ApiKeyRevoked, actor, TargetId: k.Id.ToString(), ReasonCode: "owner-disabled")));
        await audit.AppendManyAsync(db, entries, ct);
        await tx.CommitAsync(ct);
    }

    public async Task EnableAsync(StaffUser user, Actor actor, CancellationToken ct = default)
    {
        if (!user.Disabled) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.Disabled = false;
        user.DisabledAt = null;
        await audit.AppendAsync(db, new AuditEntry(AuditCode.UserEnabled, actor, TargetId: user.Id.ToString()), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Sets a new password and ends every other session of the user.</summary>
    public async Task SetPasswordAsync(StaffUser user, string password, Actor actor, Guid? keepSession, CancellationToken ct = default)
    {
        PasswordHasher.EnsureStrong(password);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.PasswordHash = PasswordHasher.Hash(password);
        user.PasswordChangedAt = now;
        var sessions = await db.Sessions.Where(s => s.UserId == user.Id && s.RevokedAt == null && s.Id != keepSession).ToListAsync(ct);
        foreach (var s in sessions) s.RevokedAt = now;
        var self = actor.Kind == ActorKind.User && actor.Id == user.Id.ToString();
        await audit.AppendAsync(db, new AuditEntry(self ? AuditCode.PasswordChanged : AuditCode.UserPasswordReset, actor, TargetId: user.Id.ToString()), ct);
        await tx.CommitAsync(ct);
    }
}
