using Mamori.Data;
using System.Collections.Concurrent;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Auth;

/// <summary>
/// The session cookie: an opaque random token (its hash is the only server copy), HttpOnly,
/// SameSite=Lax, and on HTTPS Secure with the <c>__Host-</c> prefix (S-91).
/// </summary>
public static class SessionCookies
{
    public static void Issue(HttpContext http, string token, DateTimeOffset expires)
    {
        var secure = http.Request.IsHttps;
        http.Response.Cookies.Append(secure ? MamoriAuthenticationHandler.SecureSessionCookie : MamoriAuthenticationHandler.SessionCookie, token,
            new CookieOptions { HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Lax, Path = "/", Expires = expires, IsEssential = true });
    }

    public static void Clear(HttpContext http)
    {
        http.Response.Cookies.Delete(MamoriAuthenticationHandler.SessionCookie, new CookieOptions { Path = "/" });
        if (http.Request.IsHttps)
            http.Response.Cookies.Delete(MamoriAuthenticationHandler.SecureSessionCookie, new CookieOptions { Path = "/", Secure = true });
    }
}

/// <summary>
/// Slows password guessing per account: after <see cref="MaxFailures"/> failures within
/// <see cref="Window"/> further attempts for that account are refused until the window passes.
/// Per-address limits come from the rate limiter. Kept in memory: per process, by design.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _failures = new();

    private static string Key(Guid tenant, string email) => tenant + "|" + StaffAccounts.NormalizeEmail(email);

    public void EnsureAllowed(Guid tenant, string email)
    {
        if (!_failures.TryGetValue(Key(tenant, email), out var list)) return;
        var now = clock.GetUtcNow();
        lock (list)
        {
            list.RemoveAll(t => now - t > Window);
            if (list.Count >= MaxFailures)
                throw new MamoriException(ErrorCode.LoginRateLimited, "Too many failed sign-ins for this account; try again later.", 429);
        }
    }

    public void Failed(Guid tenant, string email)
    {
        var list = _failures.GetOrAdd(Key(tenant, email), _ => []);
        lock (list) list.Add(clock.GetUtcNow());
    }

    public void Succeeded(Guid tenant, string email) => _failures.TryRemove(Key(tenant, email), out _);
}

/// <summary>
/// The tenant that anonymous visitors (sign-in page, public pages) belong to: the configured
/// <c>Mamori:DefaultTenant</c>, or the only tenant when there is just one.
/// </summary>
public sealed class PublicTenant(IConfiguration configuration)
{
    private Guid _cached;

    public async Task<Guid> ResolveAsync(MamoriDbContext db, CancellationToken ct)
    {
        if (_cached != Guid.Empty) return _cached;
        var slug = configuration["Mamori:DefaultTenant"];
        Guid id;
        if (!string.IsNullOrEmpty(slug))
            id = await db.Tenants.Where(t => t.Slug == slug).Select(t => t.Id).FirstOrDefaultAsync(ct);
        else
        {
            var ids = await db.Tenants.OrderBy(t => t.Id).Select(t => t.Id).Take(2).ToListAsync(ct);
            id = ids.Count == 1 ? ids[0] : Guid.Empty;
        }
        if (id == Guid.Empty)
            throw new MamoriException(ErrorCode.UnknownTenant, "This server has no default tenant; set Mamori:DefaultTenant.", 404);
        _cached = id;
        return id;
    }

    /// <summary>Binds the request to the public tenant.</summary>
    public async Task<Guid> UseAsync(HttpContext http)
    {
        var db = http.RequestServices.GetRequiredService<MamoriDbContext>();
        var id = await ResolveAsync(db, http.RequestAborted);
        var ctx = http.RequestServices.GetRequiredService<TenantContext>();
        if (!ctx.IsSet) ctx.Set(id);
        return ctx.TenantId;
    }
}
