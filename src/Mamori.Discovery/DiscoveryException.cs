namespace Mamori.Discovery;

/// <summary>Stable error codes of the discovery part (block MAMORI-7000..7099). Messages never carry personal data.</summary>
public static class DiscoveryErrors
{
    public const string PathNotFound = "MAMORI-7001";
    public const string FileUnreadable = "MAMORI-7002";
    public const string HashKeyMissing = "MAMORI-7003";
    public const string TokenizerMissing = "MAMORI-7004";
    public const string InvalidOperator = "MAMORI-7005";
    public const string InvalidOption = "MAMORI-7006";
    public const string OutputUnwritable = "MAMORI-7007";
    public const string InvalidRedactMode = "MAMORI-7008";
    public const string PresidioTextMissing = "MAMORI-7010";
    public const string PresidioLanguageUnsupported = "MAMORI-7011";
    public const string UnknownEntity = "MAMORI-7012";
    public const string PresidioResultOutOfRange = "MAMORI-7013";
    public const string PresidioThresholdInvalid = "MAMORI-7015";
    public const string NotPlainText = "MAMORI-7030";
    public const string NotRegularFile = "MAMORI-7031";
    public const string DirectoryLinkNotFollowed = "MAMORI-7032";
    public const string OutputOverwritesInput = "MAMORI-7033";
    public const string CopyPathClash = "MAMORI-7034";
    public const string TokenKeyInvalid = "MAMORI-7020";
    public const string TokenInvalid = "MAMORI-7021";
    public const string DictionaryMissing = "MAMORI-7090";
}

/// <summary>A discovery error with a stable <see cref="Code"/>.</summary>
public sealed class DiscoveryException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;
    public string Detail { get; } = message;
}
