using System.Security.Cryptography;
using Mamori.Errors;

namespace Mamori.Staff;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a per-password salt, stored as
/// <c>pbkdf2-sha256$iterations$salt$hash</c> so the work factor can rise without a migration.
/// </summary>
public static class PasswordHasher
{
    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256.</summary>
    public const int Iterations = 600_000;
    public const int MinimumLength = 12;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Scheme = "pbkdf2-sha256";

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A hash that no password matches, verified against to keep unknown-user logins as slow as real ones.</summary>
    public static readonly string Decoy = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public static void EnsureStrong(string password)
    {
        if (password.Length < MinimumLength)
            throw new MamoriException(ErrorCode.WeakPassword, $"A password needs at least {MinimumLength} characters.");
        if (password.Distinct().Count() < 5)
            throw new MamoriException(ErrorCode.WeakPassword, "A password needs more varied characters.");
    }

    /// <summary>A random password for generated accounts (demo admin, resets): 20 characters, ~119 bits.</summary>
    public static string Generate()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }
}

/// <summary>Opaque random tokens for sessions and API key secrets; only their hashes are stored.</summary>
public static class SecretTokens
{
    public static string New(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static byte[] HashOf(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
