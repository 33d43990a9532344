using Mamori.Auth;
using Mamori.Staff;

namespace Mamori.Http;

/// <summary>Staff accounts and API keys, for admins.</summary>
public static class AdminEndpoints
{
    public sealed record UserResponse(Guid Id, string Email, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

    public sealed record CreateUserRequest(string Email, IReadOnlyList<string> Roles, string Password);

    public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, string Role, IReadOnlyList<string> PolicyRoles, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

    /// <param name="Role">One built-in role: what the key may do.</param>
    /// <param name="PolicyRoles">Roles the policy declares (e.g. a category's viewers) that the key carries beside it, to unmask those categories.</param>
    public sealed record CreateApiKeyRequest(string Name, string Role, int? ExpiresDays = null, IReadOnlyList<string>? PolicyRoles = null);

    public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Secret);

    private static UserResponse ToResponse(StaffUser u) => new(u.Id, u.Email, u.Roles, u.Disabled, u.CreatedAt, u.DisabledAt);

    internal static ApiKeyResponse ToResponse(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Role, k.PolicyRoles, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);

    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequirePermission(Permission.ManageUsers);
        users.MapGet("/", async (StaffAccounts accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListAsync(ct)).Select(ToResponse).ToArray())).WithSummary("List staff users.");
        users.MapPost("/", async (CreateUserRequest body, HttpContext http, StaffAccounts accounts) =>
        {
            var user = await accounts.AddAsync(body.Email, body.Roles.ToList(), body.Password, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/users/{user.Id}", ToResponse(user));
        }).WithSummary("Create a staff user.");
        users.MapPost("/{id:guid}/disable", async (Guid id, HttpContext http, StaffAccounts accounts) =>
        {
            var user = await accounts.GetAsync(id, http.RequestAborted);
            await accounts.DisableAsync(user, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(user));
        }).WithSummary("Disable a user: their sessions and keys end at once.");
        users.MapPost("/{id:guid}/enable", async (Guid id, HttpContext http, StaffAccounts accounts) =>
        {
            var user = await accounts.GetAsync(id, http.RequestAborted);
            await accounts.EnableAsync(user, http.Actor(), http.RequestAborted);
            return TypedResults.Ok(ToResponse(user));
        }).WithSummary("Enable a disabled user.");

        var keys = api.MapGroup("/apikeys").WithTags("API keys").RequirePermission(Permission.ManageApiKeys);
        keys.MapGet("/", async (ApiKeys apiKeys, CancellationToken ct) =>
            TypedResults.Ok((await apiKeys.ListAsync(ct)).Select(ToResponse).ToArray())).WithSummary("List API keys (never their secrets).");
        keys.MapPost("/", async (CreateApiKeyRequest body, HttpContext http, ApiKeys apiKeys) =>
        {
            var created = await apiKeys.CreateAsync(body.Name, body.Role, body.PolicyRoles ?? [], body.ExpiresDays, null, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/apikeys/{created.Key.Id}", new CreatedApiKeyResponse(ToResponse(created.Key), created.Secret));
        }).WithSummary("Create an API key; the secret is returned once.");
        keys.MapDelete("/{id:guid}", async (Guid id, HttpContext http, ApiKeys apiKeys) =>
        {
            var key = await apiKeys.FindAsync(id.ToString(), http.RequestAborted);
            await apiKeys.RevokeAsync(key, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).WithSummary("Revoke an API key.");
        return api;
    }
}
