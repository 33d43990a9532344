using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Mamori.Errors;

namespace Mamori.Vault;

/// <summary>
/// Envelope encryption. A subject's 256-bit data key encrypts its fields with AES-256-GCM, the tenant,
/// subject and category bound as associated data (a ciphertext moved to another row fails to
/// decrypt). The data key is wrapped by a key-encryption key into <c>v1:&lt;keyId&gt;:&lt;base64&gt;</c>.
/// </summary>
public static class VaultCrypto
{
    private const byte FieldVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(32);

    public static string Wrap(KeyRing ring, Guid tenant, Guid subject, byte[] dataKey)
    {
        var kek = ring.Primary;
        return $"v1:{kek.Id}:{Convert.ToBase64String(Seal(kek.Key, dataKey, WrapAad(tenant, subject)))}";
    }

    /// <summary>
    /// Unwraps a data key. A key listed in the erasure ledger (destroyed by an erasure, back from a
    /// restored backup) is refused with <see cref="ErrorCode.ErasedKeyRestored"/>.
    /// </summary>
    public static byte[] Unwrap(KeyRing ring, Guid tenant, Guid subject, string wrapped)
    {
        var key = UnwrapIgnoringLedger(ring, tenant, subject, wrapped);
        if (ring.Erased is { } ledger && ledger.Contains(ErasureLedger.Fingerprint(key)))
        {
            CryptographicOperations.ZeroMemory(key);
            throw new MamoriException(ErrorCode.ErasedKeyRestored,
                "This subject's data key was destroyed by an erasure; the copy in this database comes from an older backup and is refused.", 410);
        }
        return key;
    }

    /// <summary>Unwraps without consulting the erasure ledger: only for destroying a key or checking it against the ledger.</summary>
    internal static byte[] UnwrapIgnoringLedger(KeyRing ring, Guid tenant, Guid subject, string wrapped)
    {
        var parts = wrapped.Split(':', 3);
        if (parts.Length != 3 || parts[0] != "v1")
            throw new MamoriException(ErrorCode.VaultCorrupt, "A wrapped data key has an unknown format.", 500);
        var kek = ring.Find(parts[1]) ?? throw new MamoriException(ErrorCode.KeysMissing,
            $"The key '{parts[1]}' that wraps this subject's data key is not in the key ring.", 500);
        return Open(kek, Convert.FromBase64String(parts[2]), WrapAad(tenant, subject));
    }

    public static string KeyIdOf(string wrapped) => wrapped.Split(':', 3)[1];

    public static byte[] EncryptField(byte[] dataKey, Guid tenant, Guid subject, string category, string value) =>
        Seal(dataKey, Encoding.UTF8.GetBytes(value), FieldAad(tenant, subject, category));

    public static string DecryptField(byte[] dataKey, Guid tenant, Guid subject, string category, byte[] ciphertext)
    {
        using var key = FieldKey(dataKey, tenant, subject);
        return key.Decrypt(category, ciphertext);
    }

    /// <summary>
    /// One subject's data key set up once for several fields (a batch read decrypts three or more per
    /// subject; setting up the cipher is the larger part of decrypting a short field).
    /// </summary>
    public static SubjectFieldKey FieldKey(byte[] dataKey, Guid tenant, Guid subject) => new(new AesGcm(dataKey, TagSize), tenant, subject);

    public sealed class SubjectFieldKey(AesGcm gcm, Guid tenant, Guid subject) : IDisposable
    {
        public string Decrypt(string category, byte[] ciphertext) =>
            Encoding.UTF8.GetString(Open(gcm, ciphertext, FieldAad(tenant, subject, category)));

        public void Dispose() => gcm.Dispose();
    }

    private static byte[] Seal(byte[] key, byte[] plaintext, byte[] aad)
    {
        var output = new byte[1 + NonceSize + plaintext.Length + TagSize];
        output[0] = FieldVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(1 + NonceSize + plaintext.Length), aad);
        return output;
    }

    private static byte[] Open(byte[] key, byte[] sealedBytes, byte[] aad)
    {
        using var gcm = new AesGcm(key, TagSize);
        return Open(gcm, sealedBytes, aad);
    }

    private static byte[] Open(AesGcm gcm, byte[] sealedBytes, byte[] aad)
    {
        if (sealedBytes.Length < 1 + NonceSize + TagSize || sealedBytes[0] != FieldVersion)
            throw new MamoriException(ErrorCode.VaultCorrupt, "A ciphertext has an unknown format.", 500);
        var length = sealedBytes.Length - 1 - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            gcm.Decrypt(sealedBytes.AsSpan(1, NonceSize), sealedBytes.AsSpan(1 + NonceSize, length), sealedBytes.AsSpan(1 + NonceSize + length), plaintext, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new MamoriException(ErrorCode.VaultCorrupt, "A ciphertext failed authentication (tampered, or moved to another row).", 500);
        }
        return plaintext;
    }

    private static byte[] WrapAad(Guid tenant, Guid subject)
    {
        var aad = new byte[1 + 32];
        aad[0] = (byte)'W';
        tenant.TryWriteBytes(aad.AsSpan(1), bigEndian: true, out _);
        subject.TryWriteBytes(aad.AsSpan(17), bigEndian: true, out _);
        return aad;
    }

    private static byte[] FieldAad(Guid tenant, Guid subject, string category)
    {
        var c = Encoding.UTF8.GetBytes(category);
        var aad = new byte[1 + 32 + 4 + c.Length];
        aad[0] = (byte)'F';
        tenant.TryWriteBytes(aad.AsSpan(1), bigEndian: true, out _);
        subject.TryWriteBytes(aad.AsSpan(17), bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(33), c.Length);
        c.CopyTo(aad.AsSpan(37));
        return aad;
    }
}
