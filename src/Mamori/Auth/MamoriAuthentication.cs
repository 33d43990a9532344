using System.Security.Claims;
using System.Text.Encodings.Web;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Http;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Mamori.Auth;

/// <summary>
/// One scheme for both kinds of caller: staff with an opaque session cookie, integrations with an
/// API key (<c>Authorization: Bearer mk_…</c> or <c>X-Api-Key</c>). Binds the request to the
/// caller's tenant. Challenges are problem details under <c>/api</c> and a sign-in redirect on pages.
/// </summary>
public sealed class MamoriAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Mamori";
    public const string SessionCookie = "mamori_session";
    public const string SecureSessionCookie = "__Host-mamori_session";
    private const string FailureKey = "mamori.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var http = Context;
        string? key = null;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) key = authorization[7..].Trim();
        else if (http.Request.Headers.TryGetValue("X-Api-Key", out var header)) key = header.ToString().Trim();

        StaffPrincipal? principal;
        if (key is not null)
        {
            var (p, failure) = await http.RequestServices.GetRequiredService<ApiKeys>().ValidateAsync(key, http.RequestAborted);
            if (p is null)
            {
                http.Items[FailureKey] = failure switch
                {
                    ApiKeys.Failure.Expired => ErrorCode.ApiKeyExpired,
                    ApiKeys.Failure.Revoked => ErrorCode.ApiKeyRevoked,
                    _ => ErrorCode.ApiKeyInvalid,
                };
                return AuthenticateResult.Fail("API key rejected.");
            }
            principal = p;
        }
        else
        {
            var token = http.Request.Cookies[SecureSessionCookie] ?? http.Request.Cookies[SessionCookie];
            if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();
            principal = await http.RequestServices.GetRequiredService<SignIn>().ValidateSessionAsync(token, http.RequestAborted);
            if (principal is null)
            {
                http.Items[FailureKey] = ErrorCode.SessionExpired;
                return AuthenticateResult.Fail("Session is not valid.");
            }
        }

        http.RequestServices.GetRequiredService<TenantContext>().Set(principal.TenantId);
        if (principal.UserId is { } uid)
        {
            // A role whose holder's training for it is overdue grants nothing while the setting is on (S-63).
            var suspended = await http.RequestServices.GetRequiredService<Governance.Training.TrainingSuspensions>()
                .SuspendedRolesAsync(http.RequestServices.GetRequiredService<Data.MamoriDbContext>(), uid, http.RequestAborted);
            if (suspended.Count > 0) principal = principal with { Roles = [.. principal.Roles.Where(r => !suspended.Contains(r))] };
        }
        http.Features.Set(principal);
        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, principal.Actor.ToString()));
        foreach (var role in principal.Roles) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsApi(Context.Request))
        {
            var code = Context.Items[FailureKey] as ErrorCode? ?? ErrorCode.Unauthenticated;
            Context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.WriteAsync(Context, code, 401, code switch
            {
                ErrorCode.ApiKeyExpired => "The API key has expired.",
                ErrorCode.ApiKeyRevoked => "The API key has been revoked.",
                ErrorCode.ApiKeyInvalid => "The API key is not valid.",
                ErrorCode.SessionExpired => "The session has ended; sign in again.",
                _ => "Sign in, or send an API key as 'Authorization: Bearer mk_…'.",
            });
        }
        var returnUrl = Context.Request.Path + Context.Request.QueryString;
        Context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (IsApi(Context.Request))
        {
            // An integrator reading the refusal should learn what the call needs, not only that it was refused.
            var needed = Context.GetEndpoint()?.Metadata.GetMetadata<RequiresPermission>()?.Permission;
            return Problems.WriteAsync(Context, ErrorCode.Forbidden, 403, needed is not { } p ? "Your role does not allow this."
                : $"Your role does not allow this: it needs the permission '{ErrorText.Enum(p)}', which the role(s) {string.Join(", ", RolePermissions.Granting(p))} grant.");
        }
        Context.Response.StatusCode = 403;
        return Web.Pages.WriteAsync(Context, Web.Pages.Forbidden(Context));
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");
}

public static class HttpContextPrincipal
{
    /// <summary>The authenticated caller; endpoints that require a permission always have one.</summary>
    public static StaffPrincipal Caller(this HttpContext http) =>
        http.Features.Get<StaffPrincipal>() ?? throw new MamoriException(ErrorCode.Unauthenticated, "Not signed in.", 401);

    public static Actor Actor(this HttpContext http) => http.Caller().Actor;
}

/// <summary>Authorization by permission: each endpoint names one; roles grant them.</summary>
public static class PermissionPolicies
{
    public static string Name(Permission p) => "perm:" + p;

    public static void AddPermissionPolicies(this Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        foreach (var p in Enum.GetValues<Permission>())
        {
            options.AddPolicy(Name(p), b => b
                .AddAuthenticationSchemes(MamoriAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireAssertion(ctx => p == Permission.Self || RolePermissions.Grants(
                    ctx.User.FindAll(ClaimTypes.Role).Select(c => c.Value), p)));
        }
    }

    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Name(permission)).WithMetadata(new RequiresPermission(permission));
}

/// <summary>Endpoint metadata read by the API reference page and the authorization tests.</summary>
public sealed record RequiresPermission(Permission Permission);
