using System.Security.Cryptography;
using System.Text;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Errors;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mamori.Vault;

/// <summary>
/// What a call under an <c>Idempotency-Key</c> created (<c>POST /api/subjects</c>: a subject, <c>POST /api/requests</c>: a
/// data-subject request): a retry with the same key, by the same caller, within <see cref="Idempotency.Window"/>, answers it
/// instead of creating it a second time. Keyed hashes only: the key a client chose may be anything, an e-mail address
/// included, and the request holds personal data.
/// </summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>HMAC (the blind-index key) of the tenant, the endpoint, the caller and the key the client sent.</summary>
    public required string Key { get; set; }

    /// <summary>HMAC (the blind-index key) of the request as bound, so a key reused for another person is refused.</summary>
    public required string Request { get; set; }

    /// <summary>The id of what the first call created: the subject, or the data-subject request.</summary>
    public Guid CreatedId { get; set; }

    /// <summary>The receipt of the consents given with a subject, if any, so a retry answers it too.</summary>
    public Guid? ReceiptId { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("IdempotencyRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.Key).HasMaxLength(64);
        b.Property(r => r.Request).HasMaxLength(64);
        b.HasIndex(r => new { r.TenantId, r.Key }).IsUnique();
        b.HasIndex(r => r.At);
    }
}

/// <summary>
/// The <c>Idempotency-Key</c> header of the endpoints that create something: a client whose connection broke after sending
/// cannot know whether it was created, and a plain retry made a duplicate. Keys are per tenant, endpoint and caller.
/// </summary>
public static class Idempotency
{
    /// <summary>How long a retry with the same key answers what the first call created.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public const int MaxKeyLength = 200;

    /// <summary>A call's keyed hashes: <see cref="IdempotencyRecord.Key"/> and <see cref="IdempotencyRecord.Request"/>.</summary>
    public sealed record Call(string Key, string Request);

    /// <summary>The hashes of a call with <paramref name="key"/> to <paramref name="endpoint"/>; MAMORI-1392 for a key that is not 1-200 visible ASCII characters.</summary>
    public static Call Of(MamoriDbContext db, KeyRing ring, string endpoint, Actor actor, string key, object request)
    {
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            throw new MamoriException(ErrorCode.IdempotencyKeyInvalid,
                $"Idempotency-Key is 1 to {MaxKeyLength} visible ASCII characters (a UUID is a good key).");
        return new Call(Keyed(db, ring, "key", $"{endpoint}\n{actor}\n{key}"),
            Keyed(db, ring, "request", System.Text.Json.JsonSerializer.Serialize(request, request.GetType())));
    }

    /// <summary>
    /// The record of an earlier call with the same key, or null; MAMORI-1391 (<paramref name="reused"/> says what to do) when
    /// that call sent another request. Records older than <see cref="Window"/> are deleted first when <paramref name="sweep"/>.
    /// </summary>
    public static async Task<IdempotencyRecord?> EarlierAsync(MamoriDbContext db, Call call, DateTimeOffset now, string reused, bool sweep, CancellationToken ct)
    {
        if (sweep) await db.Set<IdempotencyRecord>().Where(r => r.At <= now - Window).ExecuteDeleteAsync(ct);
        var earlier = await db.Set<IdempotencyRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.Key == call.Key && r.At > now - Window, ct);
        if (earlier is not null && earlier.Request != call.Request)
            throw new MamoriException(ErrorCode.IdempotencyKeyReused, $"This Idempotency-Key was used with another request in the last 24 hours: {reused}", 422);
        return earlier;
    }

    public static IdempotencyRecord Record(MamoriDbContext db, Call call, Guid createdId, Guid? receiptId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), TenantId = db.CurrentTenantId, Key = call.Key, Request = call.Request, CreatedId = createdId, ReceiptId = receiptId, At = now,
    };

    /// <summary>
    /// A secret derived from the key the client sent, for an answer that must be the same on a retry but is stored only as its
    /// hash (a request's private status link): nobody can derive it again without both the blind-index key and the client's
    /// key, which is stored nowhere.
    /// </summary>
    public static string Secret(MamoriDbContext db, KeyRing ring, string endpoint, Guid createdId, Actor actor, string key) =>
        Staff.SecretTokens.Base64Url(HMACSHA256.HashData(ring.BlindIndexKey,
            Encoding.UTF8.GetBytes($"idempotency-secret:{db.CurrentTenantId:N}:{createdId:N}:{endpoint}\n{actor}\n{key}")));

    private static string Keyed(MamoriDbContext db, KeyRing ring, string what, string value) => Convert.ToHexString(HMACSHA256.HashData(ring.BlindIndexKey,
        Encoding.UTF8.GetBytes($"idempotency-{what}:{db.CurrentTenantId:N}:{value}")));
}
