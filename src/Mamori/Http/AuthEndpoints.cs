using Mamori.Auth;
using Mamori.Errors;
using Mamori.Staff;

namespace Mamori.Http;

public static partial class AuthEndpoints
{
    public sealed record LoginRequest(string Email, string Password);

    public sealed record PasswordChangeRequest(string CurrentPassword, string NewPassword);

    public sealed record MeResponse(string Actor, string? Email, IReadOnlyList<string> Roles, Guid TenantId);

    public sealed record SessionResponse(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt, bool Current);

    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/auth").WithTags("Auth");

        g.MapPost("/login", async (LoginRequest body, HttpContext http) =>
        {
            var result = await LoginAsync(http, body.Email, body.Password);
            return TypedResults.Ok(new MeResponse(result.User.Id.ToString(), result.User.Email, result.User.Roles, result.User.TenantId));
        }).AllowAnonymous().RequireRateLimiting("login")
          .WithSummary("Sign in with email and password; sets the session cookie.");

        g.MapPost("/logout", async (HttpContext http, SignIn signIn) =>
        {
            var caller = http.Caller();
            if (caller.SessionId is { } sid) await signIn.RevokeSessionAsync(sid, caller.Actor, isLogout: true, http.RequestAborted);
            SessionCookies.Clear(http);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.Self).WithSummary("End the current session.");

        g.MapGet("/me", (HttpContext http) =>
        {
            var c = http.Caller();
            return TypedResults.Ok(new MeResponse(c.Actor.ToString(), c.Email, c.Roles, c.TenantId));
        }).RequirePermission(Permission.Self).WithSummary("Who the caller is.");

        g.MapGet("/sessions", async (HttpContext http, SignIn signIn) =>
        {
            var c = http.Caller();
            if (c.UserId is not { } uid) return TypedResults.Ok(Array.Empty<SessionResponse>());
            var sessions = await signIn.ActiveSessionsAsync(uid, http.RequestAborted);
            return TypedResults.Ok(sessions.Select(s => new SessionResponse(s.Id, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.Id == c.SessionId)).ToArray());
        }).RequirePermission(Permission.Self).WithSummary("The caller's active sessions.");

        g.MapDelete("/sessions/{id:guid}", async (Guid id, HttpContext http, SignIn signIn) =>
        {
            var c = http.Caller();
            var own = c.UserId is { } uid && (await signIn.ActiveSessionsAsync(uid, http.RequestAborted)).Any(s => s.Id == id);
            if (!own) throw MamoriException.NotFound("The session");
            await signIn.RevokeSessionAsync(id, c.Actor, isLogout: false, http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.Self).WithSummary("End one of the caller's sessions.");

        g.MapPost("/password", async (PasswordChangeRequest body, HttpContext http, StaffAccounts accounts) =>
        {
            var c = http.Caller();
            if (c.UserId is not { } uid) throw MamoriException.Forbidden("API keys have no password.");
            var user = await accounts.GetAsync(uid, http.RequestAborted);
            if (!PasswordHasher.Verify(body.CurrentPassword, user.PasswordHash))
                throw new MamoriException(ErrorCode.InvalidCredentials, "The current password is wrong.", 400);
            await accounts.SetPasswordAsync(user, body.NewPassword, c.Actor, c.SessionId, http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.Self).WithSummary("Change the caller's password; other sessions end.");

        return api;
    }

    /// <summary>Shared by the JSON endpoint and the sign-in form.</summary>
    public static async Task<SignIn.SignedIn> LoginAsync(HttpContext http, string email, string password)
    {
        var db = http.RequestServices.GetRequiredService<Data.MamoriDbContext>();
        var serverTenant = await http.RequestServices.GetRequiredService<PublicTenant>().FindAsync(db, http.RequestAborted);
        var throttle = http.RequestServices.GetRequiredService<LoginThrottle>();
        try
        {
            await throttle.EnsureAllowedAsync(email, http.RequestAborted);
            var result = await http.RequestServices.GetRequiredService<SignIn>().PasswordAsync(email, password, serverTenant?.Id, http.RequestAborted);
            await throttle.SucceededAsync(email, http.RequestAborted);
            SessionCookies.Issue(http, result.Token, result.Session.ExpiresAt);
            http.Features.Set(new StaffPrincipal(result.User.TenantId, Audit.Actor.User(result.User.Id), result.User.Roles, result.User.Id, result.Session.Id, result.User.Email));
            return result;
        }
        catch (MamoriException e) when (e.Code is ErrorCode.InvalidCredentials or ErrorCode.LoginRateLimited)
        {
            // Not the request's token: a client that hangs up right after its guess must still have it counted.
            if (e.Code == ErrorCode.InvalidCredentials) await throttle.FailedAsync(email, CancellationToken.None);
            // The client's address (a staff member's or an attacker's, never a data subject's) lets an operator attribute and
            // block credential stuffing; the address typed stays out of the log.
            LogSignInRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mamori.SignIn"),
                ErrorCodes.Format(e.Code), http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused ({Code}) from {ClientAddress}")]
    private static partial void LogSignInRefused(ILogger logger, string code, string clientAddress);
}
