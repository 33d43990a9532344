using System.Collections.Concurrent;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Policy;

/// <summary>
/// An immutable published version of the policy (S-06): its canonical JSON, content hash, the date it
/// takes effect and the date it was announced. Never updated; a change is a new version.
/// </summary>
public sealed class PolicyVersion : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>1, 2, 3… per tenant.</summary>
    public int Number { get; set; }

    /// <summary>SHA-256 (hex) of <see cref="CanonicalJson"/>.</summary>
    public required string ContentHash { get; set; }

    public required string CanonicalJson { get; set; }
    public DateOnly EffectiveFrom { get; set; }
    public DateOnly? AnnouncedOn { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
}

internal sealed class PolicyVersionConfiguration : IEntityTypeConfiguration<PolicyVersion>
{
    public void Configure(EntityTypeBuilder<PolicyVersion> b)
    {
        b.ToTable("PolicyVersions");
        b.HasKey(v => v.Id);
        b.HasIndex(v => new { v.TenantId, v.Number }).IsUnique();
        b.Property(v => v.ContentHash).HasMaxLength(64);
        b.Property(v => v.PublishedBy).HasMaxLength(80);
    }
}

/// <summary>A published version with its parsed model.</summary>
public sealed record PublishedPolicy(PolicyVersion Version, PolicyModel Model);

/// <summary>
/// Publishes versions and answers "which policy is in force": the newest version whose effective date
/// (JST) has come, or the first one while none has. Parsed models are cached by content hash.
/// </summary>
public sealed class PolicyStore(MamoriDbContext db, AuditLog audit, TimeProvider clock)
{
    private static readonly ConcurrentDictionary<string, PolicyModel> Parsed = new(StringComparer.Ordinal);

    /// <summary>
    /// The version in force per tenant, reused for a few seconds: every access decision needs it. A
    /// publication in this process clears it at once; other servers see it within <see cref="CurrentTtl"/>.
    /// </summary>
    private static readonly ConcurrentDictionary<Guid, (DateTimeOffset At, DateOnly Today, PublishedPolicy Policy)> Current = new();
    public static readonly TimeSpan CurrentTtl = TimeSpan.FromSeconds(5);
    public static readonly TimeZoneInfo Jst = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    public DateOnly TodayJst() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Jst).DateTime);

    public async Task<PolicyVersion> PublishAsync(PolicyModel model, DateOnly effective, DateOnly? announced, Actor actor, CancellationToken ct = default)
    {
        var json = PolicyCanonical.ToJson(model);
        var hash = PolicyCanonical.ContentHash(model);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var latest = await db.Set<PolicyVersion>().OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.ContentHash == hash)
            throw new MamoriException(ErrorCode.PolicyUnchanged,
                $"The policy is unchanged since version {latest.Number} (same content hash); nothing was published.", 409);
        if (latest is not null && effective < latest.EffectiveFrom)
            throw new MamoriException(ErrorCode.InvalidValue, $"The effective date comes before version {latest.Number}'s ({latest.EffectiveFrom:yyyy-MM-dd}).")
            {
                Reason = "effective-before",
                ReasonArgs = [latest.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), latest.EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)],
            };
        // The history shows when a change was made known before it took effect (S-06; Art.21(3) for purposes): a day after the
        // effective date shows a change that applied before anyone was told. (A day still to come is a planned announcement.)
        if (announced is { } a && a > effective)
            throw new MamoriException(ErrorCode.InvalidValue, "The announcement date comes after the effective date: a change is announced before it takes effect.")
            { Reason = "announced-after-effective" };
        var version = new PolicyVersion
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            Number = (latest?.Number ?? 0) + 1,
            ContentHash = hash,
            CanonicalJson = json,
            EffectiveFrom = effective,
            AnnouncedOn = announced,
            PublishedAt = clock.GetUtcNow(),
            PublishedBy = actor.ToString(),
        };
        db.Add(version);
        await audit.AppendAsync(db, new AuditEntry(AuditCode.PolicyPublished, actor, TargetId: version.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), ReasonCode: hash[..16]), ct);
        await tx.CommitAsync(ct);
        Parsed[hash] = model;
        Current.TryRemove(db.CurrentTenantId, out _);
        return version;
    }

    public Task<List<PolicyVersion>> VersionsAsync(CancellationToken ct = default) =>
        db.Set<PolicyVersion>().AsNoTracking().OrderBy(v => v.Number).ToListAsync(ct);

    public async Task<PublishedPolicy?> GetAsync(int number, CancellationToken ct = default)
    {
        var v = await db.Set<PolicyVersion>().AsNoTracking().FirstOrDefaultAsync(x => x.Number == number, ct);
        return v is null ? null : new PublishedPolicy(v, Model(v));
    }

    /// <summary>The newest version published, in force or not yet: the one a new version follows. Null before the first.</summary>
    public async Task<PublishedPolicy?> LatestAsync(CancellationToken ct = default)
    {
        var v = await db.Set<PolicyVersion>().AsNoTracking().OrderByDescending(x => x.Number).FirstOrDefaultAsync(ct);
        return v is null ? null : new PublishedPolicy(v, Model(v));
    }

    /// <summary>The version in force today (JST), or null when nothing was ever published.</summary>
    public async Task<PublishedPolicy?> CurrentAsync(CancellationToken ct = default)
    {
        var today = TodayJst();
        var now = clock.GetUtcNow();
        if (Current.TryGetValue(db.CurrentTenantId, out var cached) && cached.Today == today && now - cached.At < CurrentTtl && now >= cached.At)
            return cached.Policy;
        var v = await db.Set<PolicyVersion>().AsNoTracking().Where(x => x.EffectiveFrom <= today).OrderByDescending(x => x.Number).FirstOrDefaultAsync(ct)
                ?? await db.Set<PolicyVersion>().AsNoTracking().OrderBy(x => x.Number).FirstOrDefaultAsync(ct);
        if (v is null) return null;
        var published = new PublishedPolicy(v, Model(v));
        if (db.Tenant.IsSet) Current[db.CurrentTenantId] = (now, today, published);
        return published;
    }

    /// <summary>The policy in force, or a clear error when none was published yet.</summary>
    public async Task<PublishedPolicy> RequireCurrentAsync(CancellationToken ct = default) =>
        await CurrentAsync(ct) ?? throw new MamoriException(ErrorCode.PolicyNotPublished,
            "No policy has been published yet; run 'mamori policy publish DIR --effective DATE'.", 409);

    private static PolicyModel Model(PolicyVersion v) => Parsed.GetOrAdd(v.ContentHash, _ => PolicyCanonical.FromJson(v.CanonicalJson));
}
