namespace Mamori.Policy;

/// <summary>
/// Stable diagnostic codes of the policy part (block MAMORI-2000..2199). Never renumber;
/// docs/errors.md lists them. Tests assert on codes, not message text.
/// </summary>
public static class PolicyCodes
{
    // 2000-2009: files and YAML syntax
    public const string DirectoryNotFound = "MAMORI-2000";
    public const string CompanyFileMissing = "MAMORI-2001";
    public const string InputTooLarge = "MAMORI-2002";
    public const string YamlSyntax = "MAMORI-2003";
    public const string AliasNotAllowed = "MAMORI-2004";
    public const string NestingTooDeep = "MAMORI-2005";
    public const string DuplicateKey = "MAMORI-2006";
    public const string NotASingleMapping = "MAMORI-2007";
    public const string TagNotAllowed = "MAMORI-2008";
    public const string FileUnreadable = "MAMORI-2009";

    // 2010-2029: shape of the model
    public const string UnknownField = "MAMORI-2010";
    public const string MissingField = "MAMORI-2011";
    public const string WrongType = "MAMORI-2012";
    public const string InvalidValue = "MAMORI-2013";
    public const string InvalidPeriod = "MAMORI-2014";
    public const string InvalidDate = "MAMORI-2015";
    public const string UnknownReference = "MAMORI-2016";
    public const string DuplicateService = "MAMORI-2017";
    public const string InvalidId = "MAMORI-2018";
    public const string InvalidCorporateNumber = "MAMORI-2020";

    // 2030-2069: legal rules
    public const string RetentionMissing = "MAMORI-2030";
    public const string SpecialCareWithoutConsent = "MAMORI-2031";
    public const string OptOutForbiddenCategory = "MAMORI-2032";
    public const string MyNumberPurposeNotAllowed = "MAMORI-2033";
    public const string ForeignBasisMissing = "MAMORI-2034";
    public const string ForeignConsentInfoMissing = "MAMORI-2035";
    public const string SharedUseItemMissing = "MAMORI-2036";
    public const string PublicMatterMissing = "MAMORI-2037";
    public const string EnglishMissing = "MAMORI-2038";
    public const string OptOutItemMissing = "MAMORI-2039";
    public const string BrowsingNotDeclared = "MAMORI-2040";
    public const string SmsPhoneViewersMissing = "MAMORI-2041";
    public const string MyNumberViewersMissing = "MAMORI-2042";
    public const string FeeNotAllowed = "MAMORI-2045";
    public const string RequestTypeMissing = "MAMORI-2046";
    public const string EntrustmentContractIncomplete = "MAMORI-2047";
    public const string OptOutNotNotifiedBeforeStart = "MAMORI-2048";
    public const string CategoryUnused = "MAMORI-2050";
    public const string MyNumberPolicyMissing = "MAMORI-2051";
    public const string MyNumberProvisionNotAllowed = "MAMORI-2052";
    public const string SubjectTypeWithoutPurpose = "MAMORI-2053";
    public const string MyNumberViewerNotDesignated = "MAMORI-2054";
    public const string RoleBuiltIn = "MAMORI-2055";
    public const string RoleUnnamed = "MAMORI-2056";
    public const string BirthDateCategoryMissing = "MAMORI-2057";
    public const string RepresentationDocumentsMissing = "MAMORI-2058";
    public const string RetentionFromText = "MAMORI-2059";
    public const string EnglishNotUpdated = "MAMORI-2060";

    // 2100-2119: command line
    public const string CliOutputFailed = "MAMORI-2100";
    public const string CliPolicyInvalid = "MAMORI-2101";

    // 2120-2139: canonical form
    public const string CanonicalJsonInvalid = "MAMORI-2120";
}
