using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Mamori.Errors;
using Mamori.Vault;

namespace Mamori.Consent;

/// <summary>
/// Opaque links that let a known person act on their own consent (cookie preferences) without signing in
/// and without their subject id appearing in a URL: <c>mst1.</c> + base64url(nonce ‖ AES-256-GCM(tenant ‖
/// subject ‖ expiry ‖ purpose)). The key is derived from the key ring's blind-index key, so a token cannot be
/// forged, read, moved to another tenant or reused after it expires. Used by the public preference page and
/// the embeddable banner.
/// </summary>
public sealed class SubjectLinks(KeyRingProvider keys, TimeProvider clock)
{
    public const string Prefix = "mst1.";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);
    private const int NonceSize = 12, TagSize = 16, PlainSize = 16 + 16 + 8 + 1;

    /// <summary>What the token lets its holder do.</summary>
    public enum Use : byte { CookiePreferences = 1 }

    public sealed record Holder(Guid TenantId, Guid SubjectId, DateTimeOffset ExpiresAt);

    private byte[] Key() => HMACSHA256.HashData(keys.Current.BlindIndexKey, "mamori-subject-link-v1"u8);

    public string Issue(Guid tenantId, Guid subjectId, Use use = Use.CookiePreferences, TimeSpan? lifetime = null)
    {
        var expires = clock.GetUtcNow() + (lifetime ?? DefaultLifetime);
        Span<byte> plain = stackalloc byte[PlainSize];
        tenantId.TryWriteBytes(plain[..16]);
        subjectId.TryWriteBytes(plain[16..32]);
        BinaryPrimitives.WriteInt64BigEndian(plain[32..40], expires.ToUnixTimeSeconds());
        plain[40] = (byte)use;
        var output = new byte[NonceSize + PlainSize + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(Key(), TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize, PlainSize), output.AsSpan(NonceSize + PlainSize), "mst1"u8);
        return Prefix + Base64Url.EncodeToString(output);
    }

    /// <summary>Opens a token for <paramref name="tenantId"/>; any failure is the same error, so a token reveals nothing.</summary>
    public Holder Open(string? token, Guid tenantId, Use use = Use.CookiePreferences)
    {
        if (TryOpen(token, tenantId, use) is { } holder) return holder;
        throw new MamoriException(ErrorCode.SubjectLinkInvalid, "The personal link is not valid or has expired; ask for a new one.", 400);
    }

    public Holder? TryOpen(string? token, Guid tenantId, Use use = Use.CookiePreferences)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return null;
        byte[] raw;
        try { raw = Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length)); }
        catch (FormatException) { return null; }
        if (raw.Length != NonceSize + PlainSize + TagSize) return null;
        Span<byte> plain = stackalloc byte[PlainSize];
        try
        {
            using var aes = new AesGcm(Key(), TagSize);
            aes.Decrypt(raw.AsSpan(0, NonceSize), raw.AsSpan(NonceSize, PlainSize), raw.AsSpan(NonceSize + PlainSize), plain, "mst1"u8);
        }
        catch (AuthenticationTagMismatchException) { return null; }
        var tenant = new Guid(plain[..16]);
        var subject = new Guid(plain[16..32]);
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(plain[32..40]));
        if (tenant != tenantId || plain[40] != (byte)use || expires <= clock.GetUtcNow()) return null;
        return new Holder(tenant, subject, expires);
    }
}
