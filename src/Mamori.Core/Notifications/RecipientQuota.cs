using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Mamori.Notifications;

/// <summary>
/// Caps the messages online requests make the company send to one address (security review F6): the public form takes
/// any address, unverified, so without a cap it would mail receipts and codes to a victim as often as it is posted. At most
/// <see cref="PerDay"/> messages of a kind (receipt, code) a day per address and company. Addresses are kept only as hashes; in memory, per process, like the
/// sign-in throttle: a restart forgets, which costs an attacker nothing they could not get by waiting a day.
/// </summary>
public sealed class RecipientQuota(TimeProvider clock)
{
    public const int PerDay = 5;
    private static readonly TimeSpan Window = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _sent = new();

    /// <summary>Counts one message of <paramref name="kind"/> to <paramref name="address"/>; false (nothing counted) when the day's cap is reached.</summary>
    public bool TryTake(Guid tenant, string kind, string address)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant:N}:{kind}:{address.Trim().ToLowerInvariant()}")));
        var list = _sent.GetOrAdd(key, _ => []);
        var now = clock.GetUtcNow();
        lock (list)
        {
            list.RemoveAll(t => now - t >= Window);
            if (list.Count >= PerDay) return false;
            list.Add(now);
            return true;
        }
    }
}
