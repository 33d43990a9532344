using Mamori.Data;
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
/// The company whose public pages this server shows (the privacy notice, the request and opt-out forms, the cookie
/// banner): the tenant named by <c>mamori serve --tenant</c> or <c>Mamori:DefaultTenant</c>, else the first company
/// created. Adding a company therefore never takes the first one's notice down; each further company's pages are served
/// by a server started with its <c>--tenant</c> (on the same database). Staff of every company sign in at any server's
/// /login: sign-in finds the company from the address (<see cref="SignIn.PasswordAsync"/>).
/// </summary>
public sealed class PublicTenant(IConfiguration configuration)
{
    public const string Setting = "Mamori:DefaultTenant";
    private Guid _cached;

    /// <summary>The slug configured for this server, if any.</summary>
    public string? ConfiguredSlug => configuration[Setting] is { Length: > 0 } slug ? slug : null;

    /// <summary>The public company, or null while there is none (no tenant yet, or the configured one does not exist).</summary>
    public async Task<Tenant?> FindAsync(MamoriDbContext db, CancellationToken ct)
    {
        var tenants = db.Tenants.AsNoTracking();
        if (_cached != Guid.Empty) return await tenants.FirstOrDefaultAsync(t => t.Id == _cached, ct);
        var tenant = ConfiguredSlug is { } slug
            ? await tenants.FirstOrDefaultAsync(t => t.Slug == slug, ct)
            : await tenants.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).FirstOrDefaultAsync(ct);
        if (tenant is not null) _cached = tenant.Id;
        return tenant;
    }

    public async Task<Guid> ResolveAsync(MamoriDbContext db, CancellationToken ct)
    {
        if (_cached != Guid.Empty) return _cached;
        return (await FindAsync(db, ct))?.Id ?? throw new MamoriException(ErrorCode.NotSetUp, ConfiguredSlug is { } slug
            ? $"There is no tenant '{ErrorText.Id(slug)}' ({Setting}); create it with 'mamori tenant add'."
            : "This server serves no company yet; create one with 'mamori tenant add'.", 503);
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
