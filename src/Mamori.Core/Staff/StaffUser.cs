using Mamori.Tenancy;

namespace Mamori.Staff;

/// <summary>A member of the company's staff who signs in to the console or the API.</summary>
public sealed class StaffUser : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>Lower-cased sign-in address. Staff contact data, not vault data.</summary>
    public required string Email { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>Role names, comma separated in storage.</summary>
    public List<string> Roles { get; set; } = [];

    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset PasswordChangedAt { get; set; }
}

/// <summary>A server-side session behind an opaque cookie. Only the token's hash is stored.</summary>
public sealed class StaffSession : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// An integration credential: <c>mk_{Prefix}_{secret}</c>. The prefix is public and indexed; only a
/// SHA-256 of the 256-bit secret is kept, compared in fixed time.
/// </summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    /// <summary>The built-in role: what the key may do.</summary>
    public required string Role { get; set; }

    /// <summary>
    /// Roles the policy declares (a category's <c>viewers</c>, My Number's designated roles) that the key carries beside
    /// <see cref="Role"/>: they grant no permission, they only let the key see those categories unmasked, so that e.g. the
    /// system sending opted-in coupon SMS can read the numbers only a designated role may see.
    /// </summary>
    public List<string> PolicyRoles { get; set; } = [];

    public Guid? OwnerUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}
