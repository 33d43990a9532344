namespace Mamori.Tenancy;

/// <summary>A company using Mamori. Every row of company data carries its <see cref="Id"/>.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }

    /// <summary>Short stable name used on the command line (<c>--tenant demo</c>).</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Where people open this company's public pages, recorded by the server that serves them when it starts (<c>mamori serve
    /// --tenant</c>); null until one has. Links to people (status links, personal cookie links) start with it whichever server makes them.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>Marks an entity that belongs to one tenant; the DbContext filters it by tenant.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}

/// <summary>
/// The tenant the current unit of work acts for. Set once per request (from the authenticated
/// principal or the public host) or per CLI command. Unset means "no tenant": queries see nothing.
/// </summary>
public sealed class TenantContext
{
    public Guid TenantId { get; private set; }

    public bool IsSet => TenantId != Guid.Empty;

    public void Set(Guid tenantId)
    {
        if (tenantId == Guid.Empty) throw new ArgumentException("Tenant id must not be empty.", nameof(tenantId));
        if (IsSet && TenantId != tenantId)
            throw new InvalidOperationException("The tenant of a unit of work cannot change once set.");
        TenantId = tenantId;
    }
}
