using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Tenancy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Notifications;

/// <summary>
/// One message counted against a cap (<see cref="RecipientQuota"/>): which cap, as a keyed hash of what it counts (never the
/// address or the client itself), and when. Rows older than the longest window are deleted as new ones are counted.
/// </summary>
public sealed class QuotaUse : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>HMAC (the blind-index key) of the message kind, the cap's scope and the destination address or client network.</summary>
    public required string Key { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class QuotaUseConfiguration : IEntityTypeConfiguration<QuotaUse>
{
    public void Configure(EntityTypeBuilder<QuotaUse> b)
    {
        b.ToTable("QuotaUses");
        b.HasKey(u => u.Id);
        b.Property(u => u.Key).HasMaxLength(64);
        b.HasIndex(u => new { u.TenantId, u.Key, u.At });
        b.HasIndex(u => u.At);
    }
}

/// <summary>
/// Caps the messages online requests make the company send (security review F6 and its follow-up): the public form takes any
/// address, unverified, so without caps it would mail receipts and codes to a victim as often as it is posted. A cap per
/// destination address only throttles (a few an hour), so that a flood cannot lock the real person out for a day; a cap per
/// client network a day stops one attacker from keeping an address throttled. The counts live in the database, so every
/// server sharing it counts together and a restart forgets nothing. Counting and checking are one step under the tenant's
/// audit chain head lock: concurrent submissions, on one server or several, were each let through on the same count.
/// </summary>
public sealed class RecipientQuota(MamoriDbContext db, AuditLog audit, KeyRingProvider keys, TimeProvider clock)
{
    /// <summary>Messages of a kind to one address per <see cref="DestinationWindow"/>.</summary>
    public const int PerDestination = 3;
    public static readonly TimeSpan DestinationWindow = TimeSpan.FromHours(1);

    /// <summary>Messages of a kind one client network may cause per <see cref="ClientWindow"/>.</summary>
    public const int PerClient = 10;
    public static readonly TimeSpan ClientWindow = TimeSpan.FromDays(1);

    /// <summary>Which cap refused a message, and when the oldest use it counts leaves the window.</summary>
    public sealed record Refusal(bool ByClient, DateTimeOffset RetryAt);

    /// <summary>
    /// Counts one message of <paramref name="kind"/> to <paramref name="address"/>, caused by <paramref name="client"/> (the
    /// visitor's address; null for staff). Null when counted; the cap reached otherwise (nothing counted).
    /// </summary>
    public async Task<Refusal?> TryTakeAsync(string kind, string address, IPAddress? client, CancellationToken ct = default)
    {
        // The head lock serialises every tenant's writer on both providers (a row lock on PostgreSQL, the write lock on
        // SQLite), so the count read below is still the count when the use is added. A lock of its own would need a table,
        // and taking the head first keeps the one lock order every audited change follows (no deadlock with them).
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.LockHeadAsync(db, ct);
        var now = clock.GetUtcNow();
        var caps = new List<(string Key, int Max, TimeSpan Window, bool ByClient)> { (KeyOf(kind, "to", Destination(address)), PerDestination, DestinationWindow, false) };
        if (client is not null) caps.Add((KeyOf(kind, "from", Network(client)), PerClient, ClientWindow, true));
        foreach (var (key, max, window, byClient) in caps)
        {
            var since = now - window;
            var uses = await db.Set<QuotaUse>().AsNoTracking().Where(u => u.Key == key && u.At > since).OrderBy(u => u.At).Select(u => u.At).Take(max).ToListAsync(ct);
            if (uses.Count >= max) return new Refusal(byClient, uses[0] + window); // nothing written: the transaction rolls back
        }
        var expired = now - ClientWindow;
        await db.Set<QuotaUse>().Where(u => u.At <= expired).ExecuteDeleteAsync(ct);
        foreach (var (key, _, _, _) in caps) db.Add(new QuotaUse { Id = Guid.CreateVersion7(now), TenantId = db.CurrentTenantId, Key = key, At = now });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private string KeyOf(string kind, string scope, string value) =>
        Convert.ToHexString(HMACSHA256.HashData(keys.Current.BlindIndexKey, Encoding.UTF8.GetBytes($"quota:{db.CurrentTenantId:N}:{kind}:{scope}:{value}")));

    /// <summary>
    /// The address as one key whatever its spelling: the form the vault stores (<see cref="BlindIndex.Stored"/>, NFKC), lower-cased.
    /// Requests stored before addresses were kept so still hold full-width forms, and a code re-sent for one of them must count
    /// against the same cap as the address typed today.
    /// </summary>
    internal static string Destination(string address) => BlindIndex.Stored(address).ToLowerInvariant();

    /// <summary>An IPv4 address, or the /64 of an IPv6 one (one household or host holds a whole /64).</summary>
    internal static string Network(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client.ToString();
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
