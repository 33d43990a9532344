using System.Security.Cryptography;
using System.Text.Json;
using Mamori.Vault;

namespace Mamori.Requests;

/// <summary>
/// A request's own data key, wrapped by the key ring like a subject's (<see cref="VaultCrypto"/>):
/// the requester's details, uploads and answer files are sealed with it and bound to the request and
/// the item (associated data), so a ciphertext moved to another row fails to open.
/// </summary>
public static class RequestSealing
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static string NewWrappedKey(KeyRing ring, Guid tenant, Guid request, out byte[] dataKey)
    {
        dataKey = VaultCrypto.NewDataKey();
        return VaultCrypto.Wrap(ring, tenant, request, dataKey);
    }

    public static byte[] Key(KeyRing ring, DataSubjectRequest r) => r.WrappedKey is { } wrapped
        ? VaultCrypto.Unwrap(ring, r.TenantId, r.Id, wrapped)
        : throw new Errors.MamoriException(Errors.ErrorCode.SubjectDataLost,
            "The request's details and files can never be opened again: the key that wrapped its key was lost and forgotten ('mamori keys forget').", 410)
        { Reason = "request-key-lost" };

    public static byte[] SealDetails(byte[] key, Guid tenant, Guid request, RequesterDetails details) =>
        VaultCrypto.EncryptField(key, tenant, request, "requester", JsonSerializer.Serialize(details, Json));

    public static RequesterDetails OpenDetails(byte[] key, DataSubjectRequest r) =>
        JsonSerializer.Deserialize<RequesterDetails>(VaultCrypto.DecryptField(key, r.TenantId, r.Id, "requester", r.SealedDetails)) ?? new RequesterDetails();

    /// <summary>Bytes sealed under the request key; the item name binds them (e.g. <c>doc:&lt;id&gt;</c>).</summary>
    public static byte[] SealBytes(byte[] key, Guid tenant, Guid request, string item, byte[] plain)
    {
        // VaultCrypto seals strings; files go through Base64 to reuse the same envelope and AAD layout.
        return VaultCrypto.EncryptField(key, tenant, request, item, Convert.ToBase64String(plain));
    }

    public static byte[] OpenBytes(byte[] key, Guid tenant, Guid request, string item, byte[] sealedBytes) =>
        Convert.FromBase64String(VaultCrypto.DecryptField(key, tenant, request, item, sealedBytes));

    public static void Forget(byte[] key) => CryptographicOperations.ZeroMemory(key);
}
