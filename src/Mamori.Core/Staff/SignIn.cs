using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Staff;

public sealed class SessionSettings
{
    /// <summary>A session ends this long after sign-in, whatever happens.</summary>
    public TimeSpan Absolute { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan Idle { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>Who an authenticated request acts as.</summary>
public sealed record StaffPrincipal(Guid TenantId, Actor Actor, IReadOnlyList<string> Roles, Guid? UserId, Guid? SessionId, string? Email);

/// <summary>Password sign-in, opaque server-side sessions, and their validation on each request.</summary>
public sealed class SignIn(MamoriDbContext db, AuditLog audit, TimeProvider clock, SessionSettings settings)
{
    public sealed record SignedIn(StaffUser User, StaffSession Session, string Token);

    /// <summary>
    /// Checks the password of the staff member with this address, in whichever company (tenant) they work for: staff of
    /// every company sign in at the same /login, and the unit of work is then bound to their company. When the address has
    /// accounts in several companies, the one whose password matches is taken (<paramref name="preferredTenant"/>, the
    /// server's own company, first). A unit of work already bound to a tenant looks only there. Every failure looks the
    /// same to the caller (unknown user, wrong password, disabled) and is audited with its reason in the company of the
    /// account tried, or of <paramref name="preferredTenant"/> for an unknown address.
    /// </summary>
    public async Task<SignedIn> PasswordAsync(string email, string password, Guid? preferredTenant = null, CancellationToken ct = default)
    {
        email = StaffAccounts.NormalizeEmail(email);
        var accounts = db.Tenant.IsSet ? db.Users : db.Users.IgnoreQueryFilters();
        var candidates = (await accounts.Where(u => u.Email == email).ToListAsync(ct))
            .OrderBy(u => u.Disabled).ThenBy(u => u.TenantId == preferredTenant ? 0 : 1).ThenBy(u => u.CreatedAt).ToList();
        StaffUser? user = null;
        string? failure = null;
        if (candidates.Count == 0)
        {
            PasswordHasher.Verify(password, PasswordHasher.Decoy);
            failure = "unknown-user";
        }
        else
        {
            user = candidates.FirstOrDefault(u => PasswordHasher.Verify(password, u.PasswordHash));
            if (user is null)
            {
                user = candidates[0];
                failure = "wrong-password";
            }
            else if (user.Disabled) failure = "user-disabled";
        }
        if (!db.Tenant.IsSet)
        {
            // An address no company knows, on a server with no company yet: there is no chain to record the attempt in.
            if ((user?.TenantId ?? preferredTenant) is not { } tenant)
                throw new MamoriException(ErrorCode.InvalidCredentials, "The email or password is wrong.", 401);
            db.Tenant.Set(tenant);
        }

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (failure is not null)
        {
            await audit.AppendAsync(db, new AuditEntry(AuditCode.LoginFailed, Actor.Anonymous, AuditOutcome.Denied,
                TargetId: user?.Id.ToString(), ReasonCode: failure), ct);
            await tx.CommitAsync(ct);
            throw new MamoriException(ErrorCode.InvalidCredentials, "The email or password is wrong.", 401);
        }

        var token = SecretTokens.New();
        var session = new StaffSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = user!.Id,
            TokenHash = SecretTokens.HashOf(token),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + settings.Absolute,
        };
        db.Sessions.Add(session);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.LoginSucceeded, Actor.User(user.Id), TargetId: session.Id.ToString()), ct);
        await tx.CommitAsync(ct);
        return new SignedIn(user, session, token);
    }

    /// <summary>
    /// Resolves a session cookie. Runs before any tenant is known, so it reads across tenants by the
    /// token's hash (unique) and then binds the request to the session's tenant.
    /// </summary>
    public async Task<StaffPrincipal?> ValidateSessionAsync(string token, CancellationToken ct = default)
    {
        if (token.Length is < 20 or > 100) return null;
        var hash = SecretTokens.HashOf(token);
        var now = clock.GetUtcNow();
        var row = await db.Sessions.IgnoreQueryFilters()
            .Where(s => s.TokenHash == hash)
            .Join(db.Users.IgnoreQueryFilters(), s => s.UserId, u => u.Id, (s, u) => new { Session = s, User = u })
            .FirstOrDefaultAsync(ct);
        if (row is null || row.Session.RevokedAt is not null || row.User.Disabled) return null;
        if (row.Session.ExpiresAt <= now || row.Session.LastSeenAt + settings.Idle <= now) return null;
        if (now - row.Session.LastSeenAt > TimeSpan.FromMinutes(1))
        {
            // Coarse sliding expiry: one write a minute per session at most.
            var id = row.Session.Id;
            await db.Sessions.IgnoreQueryFilters().Where(s => s.Id == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        }
        return new StaffPrincipal(row.Session.TenantId, Actor.User(row.User.Id), row.User.Roles, row.User.Id, row.Session.Id, row.User.Email);
    }

    /// <summary>Ends a session of the current tenant (sign-out, or revoking one from the session list).</summary>
    public async Task RevokeSessionAsync(Guid sessionId, Actor actor, bool isLogout, CancellationToken ct = default)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct)
            ?? throw MamoriException.NotFound("The session");
        if (session.RevokedAt is not null) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        session.RevokedAt = clock.GetUtcNow();
        await audit.AppendAsync(db, new AuditEntry(isLogout ? AuditCode.Logout : AuditCode.SessionRevoked, actor, TargetId: session.Id.ToString()), ct);
        await tx.CommitAsync(ct);
    }

    public Task<List<StaffSession>> ActiveSessionsAsync(Guid userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt).ToListAsync(ct);
    }
}
