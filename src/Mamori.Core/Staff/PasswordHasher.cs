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
        if (IsCommon(password))
            throw new MamoriException(ErrorCode.WeakPassword, "This password is one of the most common ones; choose one nobody would guess.") { Reason = "common" };
    }

    /// <summary>
    /// Words at the top of every breached-password list (NIST SP 800-63B asks to refuse them). A password is common when,
    /// lower-cased and without the digits and symbols people append ("Password2026!"), it is one of them or nothing at all.
    /// </summary>
    private static readonly HashSet<string> CommonWords = new(StringComparer.Ordinal)
    {
        "password", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "qwerty", "qwertyuiop", "qwertyuiopasdfghjkl", "asdfghjkl",
        "zxcvbnm", "1qaz2wsx", "1qaz2wsx3edc", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "zaq12wsx", "zaq1xsw2", "abc", "abcd",
        "abcdef", "abcdefg", "abcdefgh", "abcdefghijkl", "iloveyou", "welcome", "admin", "administrator", "adminadmin", "root",
        "letmein", "changeme", "trustno1", "monkey", "dragon", "sunshine", "princess", "football", "baseball", "superman",
        "master", "login", "secret", "test", "guest", "mamori", "passwordpassword",
    };

    private static bool IsCommon(string password)
    {
        var core = password.Trim().ToLowerInvariant().TrimEnd("0123456789!@#$%^&*()-_=+.,?~ ".ToCharArray());
        return core.Length == 0 || CommonWords.Contains(core) || CommonWords.Contains(core.TrimStart("0123456789!@#$%^&*()-_=+.,?~ ".ToCharArray()));
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
