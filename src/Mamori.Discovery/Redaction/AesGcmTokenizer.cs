using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mamori.Discovery.Redaction;

/// <summary>
/// Reversible tokens with AES-256-GCM under a supplied key: <c>tok1.&lt;keyId&gt;.&lt;base64url(nonce|ciphertext|tag)&gt;</c>.
/// The entity name is bound as associated data, so a token cannot be replayed as another entity.
/// The vault replaces this with its own <see cref="Tokenizer"/>; this one makes the mode real without it.
/// </summary>
public sealed class AesGcmTokenizer
{
    private const int NonceSize = 12, TagSize = 16;
    private readonly byte[] key;
    private readonly string keyId;

    public AesGcmTokenizer(byte[] key, string keyId = "k1")
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32) throw new DiscoveryException(DiscoveryErrors.TokenKeyInvalid, "The token key must be 32 bytes (AES-256).");
        if (string.IsNullOrEmpty(keyId) || keyId.Contains('.')) throw new DiscoveryException(DiscoveryErrors.TokenKeyInvalid, "The key id must be non-empty and contain no '.'.");
        this.key = (byte[])key.Clone();
        this.keyId = keyId;
    }

    public Tokenizer AsTokenizer() => Tokenize;

    public string Tokenize(string entity, string value)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var buffer = new byte[NonceSize + plain.Length + TagSize];
        var nonce = buffer.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
            aes.Encrypt(nonce, plain, buffer.AsSpan(NonceSize, plain.Length), buffer.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(entity));
        CryptographicOperations.ZeroMemory(plain);
        return $"tok1.{keyId}.{Base64Url.EncodeToString(buffer)}";
    }

    /// <summary>Recovers the value; fails closed (MAMORI-7021) on a wrong key, entity or any tampering.</summary>
    public string Detokenize(string entity, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != "tok1" || parts[1] != keyId)
            throw new DiscoveryException(DiscoveryErrors.TokenInvalid, "The token is not one of this tokenizer's tokens.");
        byte[] buffer;
        try { buffer = Base64Url.DecodeFromChars(parts[2]); }
        catch (FormatException) { throw new DiscoveryException(DiscoveryErrors.TokenInvalid, "The token is not valid base64url."); }
        if (buffer.Length < NonceSize + TagSize) throw new DiscoveryException(DiscoveryErrors.TokenInvalid, "The token is too short.");
        var plainLen = buffer.Length - NonceSize - TagSize;
        var plain = new byte[plainLen];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(buffer.AsSpan(0, NonceSize), buffer.AsSpan(NonceSize, plainLen), buffer.AsSpan(NonceSize + plainLen), plain, Encoding.UTF8.GetBytes(entity));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new DiscoveryException(DiscoveryErrors.TokenInvalid, "The token failed authentication.");
        }
        return Encoding.UTF8.GetString(plain);
    }
}
