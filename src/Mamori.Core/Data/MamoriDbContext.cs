using System.Linq.Expressions;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Data;

/// <summary>
/// The one EF Core model, shared by every provider. Each feature configures its own entities with
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes in its folder. Every
/// <see cref="ITenantOwned"/> entity is filtered by the current tenant.
/// </summary>
public class MamoriDbContext(DbContextOptions<MamoriDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    // Contexts are pooled (see AddPooled): a leased context is bound to its unit of work's
    // tenant, and a returned one is unbound before anything else can lease it.
    private TenantContext tenant = new();

    /// <summary>
    /// Registers the context as a scoped service leased from a pool: building a context (its
    /// options, its internal service scope) was the largest allocation of an API request.
    /// </summary>
    public static void AddPooled(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
    {
        services.AddPooledDbContextFactory<MamoriDbContext>(configure);
        services.AddScoped(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<MamoriDbContext>>().CreateDbContext();
            db.tenant = sp.GetRequiredService<TenantContext>();
            return db;
        });
    }

    public override void Dispose()
    {
        tenant = new TenantContext();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        tenant = new TenantContext();
        return base.DisposeAsync();
    }

    /// <summary>ASP.NET data-protection keys (antiforgery), shared by every server on one database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Read by the query filters on every query (EF parameterizes it).</summary>
    public Guid CurrentTenantId => tenant.TenantId;

    public TenantContext Tenant => tenant;

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<StaffUser> Users => Set<StaffUser>();
    public DbSet<StaffSession> Sessions => Set<StaffSession>();
    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditHead> AuditHeads => Set<AuditHead>();
    public DbSet<Incidents.Incident> Incidents => Set<Incidents.Incident>();
    public DbSet<Incidents.IncidentSubject> IncidentSubjects => Set<Incidents.IncidentSubject>();
    public DbSet<Incidents.IncidentTimelineEntry> IncidentTimeline => Set<Incidents.IncidentTimelineEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MamoriDbContext).Assembly);
        StrictEnums.Apply(modelBuilder.Model);

        foreach (var type in modelBuilder.Model.GetEntityTypes().Select(t => t.ClrType).ToList())
        {
            if (!typeof(ITenantOwned).IsAssignableFrom(type)) continue;
            // e => e.TenantId == this.CurrentTenantId
            var e = Expression.Parameter(type, "e");
            var body = Expression.Equal(
                Expression.Property(e, nameof(ITenantOwned.TenantId)),
                Expression.Property(Expression.Constant(this), nameof(CurrentTenantId)));
            modelBuilder.Entity(type).HasQueryFilter(Expression.Lambda(body, e));
            modelBuilder.Entity(type).HasIndex(nameof(ITenantOwned.TenantId));
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>New rows get the current tenant; a row of another tenant is never written through this context.</summary>
    private void StampTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
            {
                if (!tenant.IsSet) throw new InvalidOperationException($"No tenant is set for a new {entry.Entity.GetType().Name}.");
                entry.Entity.TenantId = tenant.TenantId;
            }
            if (tenant.IsSet && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity.TenantId != tenant.TenantId)
                throw new InvalidOperationException($"A {entry.Entity.GetType().Name} of another tenant cannot be written in this unit of work.");
        }
    }

    /// <summary>Stores a string list as one comma-separated column (roles and similar short lists).</summary>
    internal static void CommaList<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> b,
        Expression<Func<T, List<string>>> property) where T : class
    {
        b.Property(property).HasConversion(
            v => string.Join(',', v),
            v => v.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(),
            new ValueComparer<List<string>>((a, c) => a!.SequenceEqual(c!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode())), v => v.ToList()));
    }
}
