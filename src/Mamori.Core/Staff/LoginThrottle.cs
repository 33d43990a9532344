using System.Security.Cryptography;
using System.Text;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Staff;

/// <summary>
/// Slows password guessing per account: after <see cref="MaxFailures"/> failures within <see cref="Window"/>, further
/// attempts for that address are refused until the window passes (per-address limits come from the rate limiter). The
/// failures are rows, so every server on the database counts the same ones: a throttle in each server's memory gave an
/// attacker <see cref="MaxFailures"/> guesses per server, and forgot them on a restart.
/// </summary>
public sealed class LoginThrottle(MamoriDbContext db, KeyRingProvider keys, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>By address alone, as sign-in finds the company from the address; counted for unknown addresses too, so the
    /// lockout does not tell which addresses have accounts. Stored as an HMAC under the blind-index key, never in clear.</summary>
    private byte[] Account(string email) =>
        HMACSHA256.HashData(keys.Current.BlindIndexKey, Encoding.UTF8.GetBytes("mamori-login:" + StaffAccounts.NormalizeEmail(email)));

    public async Task EnsureAllowedAsync(string email, CancellationToken ct = default)
    {
        var account = Account(email);
        var since = clock.GetUtcNow() - Window;
        if (await db.LoginFailures.CountAsync(f => f.Account == account && f.At > since, ct) >= MaxFailures)
            throw new MamoriException(ErrorCode.LoginRateLimited, "Too many failed sign-ins for this account; try again later.", 429);
    }

    public async Task FailedAsync(string email, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var expired = now - Window;
        // Each failure takes the expired ones with it: the table holds one window of failures at most.
        await db.LoginFailures.Where(f => f.At <= expired).ExecuteDeleteAsync(ct);
        db.LoginFailures.Add(new LoginFailure { Id = Guid.CreateVersion7(now), Account = Account(email), At = now });
        await db.SaveChangesAsync(ct);
    }

    public async Task SucceededAsync(string email, CancellationToken ct = default)
    {
        var account = Account(email);
        await db.LoginFailures.Where(f => f.Account == account).ExecuteDeleteAsync(ct);
    }
}

/// <summary>One failed sign-in (<see cref="LoginThrottle"/>); not a company's record: sign-in comes before the company is known.</summary>
public sealed class LoginFailure
{
    public Guid Id { get; set; }

    /// <summary>HMAC-SHA256 of the address typed (<see cref="LoginThrottle"/>).</summary>
    public required byte[] Account { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class LoginFailureConfiguration : IEntityTypeConfiguration<LoginFailure>
{
    public void Configure(EntityTypeBuilder<LoginFailure> b)
    {
        b.ToTable("LoginFailures");
        b.HasKey(f => f.Id);
        b.Property(f => f.Account).HasMaxLength(32);
        b.HasIndex(f => new { f.Account, f.At });
        b.HasIndex(f => f.At);
    }
}
