using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Tenancy;

/// <summary>Creates and finds tenants. A new tenant starts its audit chain with its creation, by <c>actor</c>.</summary>
public sealed class Tenants(MamoriDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Tenant> CreateAsync(string slug, string name, Actor actor, CancellationToken ct = default)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(slug, "^[a-z0-9][a-z0-9-]{0,62}$"))
            throw new MamoriException(ErrorCode.InvalidArgument, "A tenant slug is 1-63 lower-case letters, digits and hyphens.");
        if (await db.Tenants.AnyAsync(t => t.Slug == slug, ct))
            throw MamoriException.Conflict($"Tenant '{ErrorText.Id(slug)}' already exists.");
        var tenant = new Tenant { Id = Guid.CreateVersion7(clock.GetUtcNow()), Slug = slug, Name = name, CreatedAt = clock.GetUtcNow() };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Tenants.Add(tenant);
        db.Tenant.Set(tenant.Id);
        db.AuditHeads.Add(new AuditHead { TenantId = tenant.Id, LastSequence = 0, LastHash = AuditChain.GenesisHash });
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.TenantCreated, actor, TargetId: tenant.Id.ToString()), ct);
        await tx.CommitAsync(ct);
        return tenant;
    }

    public async Task<Tenant> GetAsync(string slug, CancellationToken ct = default) =>
        await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, ct)
        ?? throw new MamoriException(ErrorCode.UnknownTenant, $"There is no tenant '{ErrorText.Id(slug)}'.", 404);

    /// <summary>What <see cref="RecordPublicBaseUrlAsync"/> found: the address links now start with, and the one it replaced or kept.</summary>
    public sealed record PublicBaseUrlRecord(string Url, string? Replaced, string? Kept);

    /// <summary>
    /// Records where people open <paramref name="tenantId"/>'s public pages (see <see cref="Tenant.PublicBaseUrl"/>), when a
    /// server showing them starts. Several servers may show one company's pages from one database: the address is the company's,
    /// not the last server's. One the operator <paramref name="configured"/> (<c>Mamori:Requests:PublicBaseUrl</c>) replaces a
    /// recorded one (the company moved) and says which it replaced, so the server's banner can warn of servers that disagree; an
    /// address a server merely listens on (<c>--urls</c>, often an internal one) fills in only while none is recorded and
    /// otherwise leaves the recorded one in place, saying which it kept.
    /// </summary>
    public async Task<PublicBaseUrlRecord> RecordPublicBaseUrlAsync(Guid tenantId, string url, bool configured, CancellationToken ct = default)
    {
        url = url.TrimEnd('/');
        while (true)
        {
            var recorded = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.PublicBaseUrl).FirstOrDefaultAsync(ct);
            if (recorded == url) return new PublicBaseUrlRecord(url, null, null);
            if (recorded is not null && !configured) return new PublicBaseUrlRecord(recorded, null, recorded);
            // Compare and set: a server starting at the same moment that recorded another address is seen on the next turn.
            var changed = await db.Tenants.Where(t => t.Id == tenantId && t.PublicBaseUrl == recorded)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.PublicBaseUrl, url), ct);
            if (changed == 1) return new PublicBaseUrlRecord(url, recorded, null);
            if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) throw MamoriException.NotFound("The tenant");
        }
    }

    /// <summary>
    /// The address links to <paramref name="tenantId"/>'s people start with: the one its server recorded, else <paramref name="fallback"/>
    /// (this server's, for a company no server has recorded yet: one company's installation, or one whose server has not started since).
    /// </summary>
    public static async Task<string> PublicBaseUrlAsync(MamoriDbContext db, Guid tenantId, string fallback, CancellationToken ct = default) =>
        (await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.PublicBaseUrl).FirstOrDefaultAsync(ct) ?? fallback).TrimEnd('/');

    /// <summary>Finds the tenant and makes it the unit of work's tenant.</summary>
    public async Task<Tenant> UseAsync(string slug, CancellationToken ct = default)
    {
        var tenant = await GetAsync(slug, ct);
        db.Tenant.Set(tenant.Id);
        return tenant;
    }
}
