using Microsoft.Extensions.Compliance.Classification;

namespace Mamori.Logging;

/// <summary>
/// Data classes for redaction. Log parameters that may hold personal data or secrets carry one of
/// these attributes; the host's redactors erase them, so nothing classified reaches a log sink.
/// </summary>
public static class MamoriTaxonomy
{
    public const string Name = "Mamori";

    /// <summary>Anything about a data subject (個人情報): names, addresses, emails, phone numbers, free text.</summary>
    public static DataClassification PersonalData => new(Name, nameof(PersonalData));

    /// <summary>Passwords, tokens, keys.</summary>
    public static DataClassification Secret => new(Name, nameof(Secret));
}

public sealed class PersonalDataAttribute() : DataClassificationAttribute(MamoriTaxonomy.PersonalData);

public sealed class SecretAttribute() : DataClassificationAttribute(MamoriTaxonomy.Secret);
