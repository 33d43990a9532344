namespace Mamori.Anonymization;

/// <summary>
/// A failure of the anonymization engine with a stable code from the block MAMORI-8000..8099
/// (see docs/errors.md). Messages name files, attributes, rows and columns, never data values.
/// </summary>
public sealed class AnonymizationException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;

    /// <summary>The message without the code.</summary>
    public string Detail { get; } = message;

    /// <summary>For a value that does not fit a hierarchy rule: its 0-based position in the values the rule was given (the data row).</summary>
    public int? Row { get; init; }

    internal static AnonymizationException Of(string code, string message) => new(code, message);
}

/// <summary>The error codes of the anonymization part.</summary>
public static class AnonymizationErrors
{
    /// <summary>A hierarchy file or row set is malformed (empty, ragged rows, empty file).</summary>
    public const string HierarchyMalformed = "MAMORI-8001";
    /// <summary>A hierarchy is not a tree: one value at a level generalizes to two values at a higher level.</summary>
    public const string HierarchyInconsistent = "MAMORI-8002";
    /// <summary>A hierarchy lists the same original value twice.</summary>
    public const string HierarchyDuplicate = "MAMORI-8003";
    /// <summary>A data value of a quasi-identifier is not in the attribute's hierarchy.</summary>
    public const string ValueNotInHierarchy = "MAMORI-8004";
    /// <summary>The configuration names an attribute that is not in the data.</summary>
    public const string UnknownAttribute = "MAMORI-8005";
    /// <summary>A privacy model, suppression limit, metric or weight has an invalid parameter.</summary>
    public const string InvalidParameter = "MAMORI-8006";
    /// <summary>No attribute is quasi-identifying.</summary>
    public const string NoQuasiIdentifier = "MAMORI-8007";
    /// <summary>An l-diversity or t-closeness model names an attribute that is not sensitive.</summary>
    public const string NotSensitive = "MAMORI-8008";
    /// <summary>A fixed transformation has the wrong number of levels or a level outside a hierarchy.</summary>
    public const string InvalidTransformation = "MAMORI-8009";
    /// <summary>No transformation satisfies the privacy models within the suppression limit.</summary>
    public const string NoSolution = "MAMORI-8010";
    /// <summary>A CSV input is malformed (row with a different number of fields, unterminated quote, no header).</summary>
    public const string CsvMalformed = "MAMORI-8011";
    /// <summary>A hierarchy rule (interval, date or masking) is invalid or a value does not fit it.</summary>
    public const string RuleInvalid = "MAMORI-8012";
    /// <summary>An input file is not text in its encoding (UTF-8 unless told otherwise): it is refused, never read with replacement characters.</summary>
    public const string InputEncoding = "MAMORI-8013";
    /// <summary>The anonymize configuration file is invalid; the message names file, line and column.</summary>
    public const string ConfigInvalid = "MAMORI-8020";
    /// <summary>A file named by the CLI or the configuration cannot be read or written.</summary>
    public const string FileUnreadable = "MAMORI-8021";
    /// <summary>A pseudonymization key is missing or shorter than 32 bytes.</summary>
    public const string PseudonymKeyInvalid = "MAMORI-8030";
    /// <summary>A pseudonymization column plan names a column that is not in the data.</summary>
    public const string PseudonymColumnUnknown = "MAMORI-8031";
}
