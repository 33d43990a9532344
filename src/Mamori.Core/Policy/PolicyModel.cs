namespace Mamori.Policy;

// The policy model: what the company declares, as an immutable tree. Ids are strings
// (lower-case, digits and '-'), collections keep declaration order (it is the order of the
// public notice). docs/policy-reference.md documents every field and its YAML spelling.

/// <summary>
/// The whole validated policy (プライバシーポリシー): the company-wide sections, each service's
/// own sections and the My Number basic policy. Company-level sections already include what
/// mynumber.yaml declares (it takes precedence). Use <see cref="Resolve"/> for the effective
/// view of one service. Lists do not compare by value: compare versions with
/// <see cref="PolicyCanonical.ContentHash"/> and <see cref="PolicyDiff.Compare"/>.
/// </summary>
public sealed record PolicyModel : IPolicyScope
{
    /// <summary>Format version of the YAML/JSON form; currently 1.</summary>
    public int FormatVersion { get; init; } = 1;
    public required Company Company { get; init; }
    public Contact? Contact { get; init; }
    public PrivacyManagers? PrivacyManagers { get; init; }
    /// <summary>Names of the staff roles the policy refers to (<c>viewers</c>, <c>designatedRoles</c>); null when the policy declares none.</summary>
    public IReadOnlyList<StaffRole>? Roles { get; init; }
    public IReadOnlyList<SubjectType> SubjectTypes { get; init; } = [];
    public IReadOnlyList<DataCategory> DataCategories { get; init; } = [];
    public IReadOnlyList<AcquisitionMethod> AcquisitionMethods { get; init; } = [];
    public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    public Recipients Recipients { get; init; } = new();
    public OptOutProvision? OptOut { get; init; }
    public RequestProcedures? RequestProcedures { get; init; }
    public CookiePolicy? Cookies { get; init; }
    public IReadOnlyList<ExternalTag> ExternalTags { get; init; } = [];
    public SecurityMeasures? SecurityMeasures { get; init; }
    public DateOnly? Established { get; init; }
    public IReadOnlyList<Amendment> Amendments { get; init; } = [];
    public MyNumberPolicy? MyNumber { get; init; }
    public IReadOnlyList<ServicePolicy> Services { get; init; } = [];

    public ServicePolicy? FindService(string id) => Services.FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// The effective policy for one service: the company sections with the service's own entries
    /// replacing those with the same id (field by field, already merged at load) and the service's
    /// single sections (contact, opt-out, request procedures, cookies) replacing the company's.
    /// My Number entries were resolved at load time and win over both.
    /// </summary>
    public EffectivePolicy Resolve(string serviceId)
    {
        var s = FindService(serviceId) ?? throw new ArgumentException($"No service with id '{serviceId}'.", nameof(serviceId));
        return new EffectivePolicy
        {
            Service = s,
            Contact = s.Contact ?? Contact,
            SubjectTypes = Overlay(SubjectTypes, s.SubjectTypes, x => x.Id),
            DataCategories = Overlay(DataCategories, s.DataCategories, x => x.Id),
            AcquisitionMethods = Overlay(AcquisitionMethods, s.AcquisitionMethods, x => x.Id),
            Purposes = Overlay(Purposes, s.Purposes, x => x.Id),
            Recipients = new Recipients
            {
                Entrustees = Overlay(Recipients.Entrustees, s.Recipients.Entrustees, x => x.Id),
                SharedUse = Overlay(Recipients.SharedUse, s.Recipients.SharedUse, x => x.Id),
                ThirdParties = Overlay(Recipients.ThirdParties, s.Recipients.ThirdParties, x => x.Id),
                Foreign = Overlay(Recipients.Foreign, s.Recipients.Foreign, x => x.Id),
            },
            OptOut = s.OptOut ?? OptOut,
            RequestProcedures = s.RequestProcedures ?? RequestProcedures,
            Cookies = s.Cookies ?? Cookies,
            ExternalTags = Overlay(ExternalTags, s.ExternalTags, x => x.Id),
        };
    }

    internal static IReadOnlyList<T> Overlay<T>(IReadOnlyList<T> company, IReadOnlyList<T> service, Func<T, string> id)
    {
        if (service.Count == 0) return company;
        var own = service.ToDictionary(id, StringComparer.Ordinal);
        var result = new List<T>(company.Count + service.Count);
        foreach (var c in company) result.Add(own.Remove(id(c), out var o) ? o : c);
        result.AddRange(service.Where(x => own.ContainsKey(id(x))));
        return result;
    }
}

/// <summary>The sections that a company file, a service file and the effective view share.</summary>
public interface IPolicyScope
{
    Contact? Contact { get; }
    IReadOnlyList<SubjectType> SubjectTypes { get; }
    IReadOnlyList<DataCategory> DataCategories { get; }
    IReadOnlyList<AcquisitionMethod> AcquisitionMethods { get; }
    IReadOnlyList<Purpose> Purposes { get; }
    Recipients Recipients { get; }
    OptOutProvision? OptOut { get; }
    RequestProcedures? RequestProcedures { get; }
    CookiePolicy? Cookies { get; }
    IReadOnlyList<ExternalTag> ExternalTags { get; }
}

/// <summary>The policy in force for one service (company ⊕ service ⊕ My Number), for enforcement.</summary>
public sealed record EffectivePolicy : IPolicyScope
{
    public required ServicePolicy Service { get; init; }
    public Contact? Contact { get; init; }
    public IReadOnlyList<SubjectType> SubjectTypes { get; init; } = [];
    public IReadOnlyList<DataCategory> DataCategories { get; init; } = [];
    public IReadOnlyList<AcquisitionMethod> AcquisitionMethods { get; init; } = [];
    public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    public Recipients Recipients { get; init; } = new();
    public OptOutProvision? OptOut { get; init; }
    public RequestProcedures? RequestProcedures { get; init; }
    public CookiePolicy? Cookies { get; init; }
    public IReadOnlyList<ExternalTag> ExternalTags { get; init; } = [];
}

/// <summary>
/// One service's document (S-03). Lists hold only the entries the service file declares, each
/// already merged field by field over the company entry with the same id (and under My Number).
/// </summary>
public sealed record ServicePolicy : IPolicyScope
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public LocalizedText? Description { get; init; }
    public string? Url { get; init; }
    public Contact? Contact { get; init; }
    public IReadOnlyList<SubjectType> SubjectTypes { get; init; } = [];
    public IReadOnlyList<DataCategory> DataCategories { get; init; } = [];
    public IReadOnlyList<AcquisitionMethod> AcquisitionMethods { get; init; } = [];
    public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    public Recipients Recipients { get; init; } = new();
    public OptOutProvision? OptOut { get; init; }
    public RequestProcedures? RequestProcedures { get; init; }
    public CookiePolicy? Cookies { get; init; }
    public IReadOnlyList<ExternalTag> ExternalTags { get; init; } = [];
}

/// <summary>A Japanese text with its English rendering. Japanese is authoritative.</summary>
public sealed record LocalizedText(string Ja, string? En = null)
{
    /// <summary>The text in <paramref name="lang"/>; English falls back to Japanese when missing.</summary>
    public string Get(NoticeLanguage lang) => lang == NoticeLanguage.En && !string.IsNullOrWhiteSpace(En) ? En : Ja;
    public override string ToString() => Ja;
}

public enum NoticeLanguage { Ja, En }

/// <summary>個人情報取扱事業者 — Art.32(1) items.</summary>
public sealed record Company
{
    public LocalizedText? LegalName { get; init; }
    public LocalizedText? Address { get; init; }
    public LocalizedText? Representative { get; init; }
    /// <summary>法人番号, 13 digits with check digit.</summary>
    public string? CorporateNumber { get; init; }
    public string? Website { get; init; }
    /// <summary>認定個人情報保護団体 (Art.32(1), Order 10) if the company belongs to one.</summary>
    public AccreditedBody? AccreditedBody { get; init; }
    /// <summary>Persons under this age provide data only with a guardian's consent (S-13); null = not stated.</summary>
    public int? GuardianConsentUnderAge { get; init; }
}

public sealed record AccreditedBody(LocalizedText Name, LocalizedText? Contact = null);

/// <summary>苦情・お問合せ窓口 (Art.32(1)/Order 10, S-80).</summary>
public sealed record Contact
{
    public LocalizedText? Name { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public LocalizedText? Hours { get; init; }
    public LocalizedText? Address { get; init; }
    public string? FormUrl { get; init; }
}

/// <summary>個人情報保護管理者 overall and per department (S-08).</summary>
public sealed record PrivacyManagers
{
    public required Manager Overall { get; init; }
    public IReadOnlyList<DepartmentManager> Departments { get; init; } = [];
}

public sealed record Manager(LocalizedText Title, LocalizedText? Name = null);

public sealed record DepartmentManager(string Id, LocalizedText Department, LocalizedText Title);

/// <summary>
/// A staff role the policy refers to by id (who may unmask a category, who handles My Number), with the name people read.
/// The four built-in roles (admin, privacy-officer, operator, auditor) are named by Mamori and cannot be declared.
/// </summary>
public sealed record StaffRole(string Id, LocalizedText Name, LocalizedText? Description = null);

/// <summary>A kind of person whose data is handled (customer, employee, shareholder…), S-02.</summary>
public sealed record SubjectType(string Id, LocalizedText Name);

/// <summary>A data category (個人情報の項目) with the flags that drive enforcement.</summary>
public sealed record DataCategory
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public LocalizedText? Description { get; init; }
    /// <summary>要配慮個人情報 (L-05).</summary>
    public bool SpecialCare { get; init; }
    /// <summary>個人番号 / 特定個人情報 (L-28).</summary>
    public bool MyNumber { get; init; }
    public bool PaymentCard { get; init; }
    /// <summary>Phone number acquired for SMS verification (S-14, S-24, S-61).</summary>
    public bool SmsPhone { get; init; }
    /// <summary>閲覧情報 (pages, mail opens, clicks, browser) S-21, S-22.</summary>
    public bool Browsing { get; init; }
    public bool CallRecording { get; init; }
    /// <summary>
    /// 生年月日: values are dates (YYYY-MM-DD), and a consent is checked against the person's age by them (L-06, S-13). Left out
    /// of the canonical form when false, so that the content hash of every version published before the flag stays the same.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool BirthDate { get; init; }
    /// <summary>Roles allowed to unmask this category; empty = any role the purpose allows.</summary>
    public IReadOnlyList<string> Viewers { get; init; } = [];
}

/// <summary>How data is acquired (S-10): web form, paper, orally, by the person's own input…</summary>
public sealed record AcquisitionMethod
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    /// <summary>Directly from the person by contract or form: the purpose is shown beforehand (Art.21(2), S-11).</summary>
    public bool Direct { get; init; }
}

public enum PurposeKind { General, Tax, SocialSecurity, Disaster }

/// <summary>A purpose of use (利用目的) for given subject types (Art.17, 21).</summary>
public sealed record Purpose
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public LocalizedText? Description { get; init; }
    public PurposeKind Kind { get; init; } = PurposeKind.General;
    public IReadOnlyList<string> SubjectTypes { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> AcquisitionMethods { get; init; } = [];
    public bool ConsentRequired { get; init; }
    /// <summary>Browsing data is combined with identifying data for this purpose (S-21).</summary>
    public bool CombinesBrowsing { get; init; }
    /// <summary>保有個人データ subject to disclosure requests (S-07, Art.32(1)(ii)). Default true.</summary>
    public bool Disclosable { get; init; } = true;
    public Retention? Retention { get; init; }
}

/// <summary>Retention period (S-50) and the statutory hold that may extend it (L-07).</summary>
public sealed record Retention
{
    /// <summary>The <see cref="Event"/> that means the day the data is entered (取得日).</summary>
    public const string Acquisition = "acquisition";

    /// <summary>
    /// The <see cref="Event"/> that means the day the person withdraws the opt-in of the purpose (オプトインの撤回日): Mamori records it
    /// itself from the consent ledger when no purpose shown to the person that counts from it still has their consent.
    /// </summary>
    public const string OptInWithdrawn = "opt-in-withdrawn";

    public required IsoPeriod Period { get; init; }
    /// <summary>What the period counts from, as the notice says it (e.g. 契約終了日).</summary>
    public LocalizedText? From { get; init; }
    /// <summary>
    /// The event the period and the legal hold count from, recorded per person (<c>contract-end</c>, <c>retirement</c>);
    /// null when they count from acquisition. Until the event is recorded the data is kept.
    /// </summary>
    public string? Event { get; init; }
    public LegalHold? LegalHold { get; init; }
}

public sealed record LegalHold(LocalizedText Law, IsoPeriod Period);

public sealed record Recipients
{
    public IReadOnlyList<Entrustee> Entrustees { get; init; } = [];
    public IReadOnlyList<SharedUse> SharedUse { get; init; } = [];
    public IReadOnlyList<ThirdParty> ThirdParties { get; init; } = [];
    public IReadOnlyList<ForeignRecipient> Foreign { get; init; } = [];
}

/// <summary>委託先 (Art.27(5)(i), S-35).</summary>
public sealed record Entrustee
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public LocalizedText? Task { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Purposes { get; init; } = [];
    public EntrustmentContract Contract { get; init; } = new();
}

public sealed record EntrustmentContract
{
    public bool Confidentiality { get; init; }
    public bool AuditRights { get; init; }
    /// <summary>Chosen for protection at least as good as the company's own (S-35).</summary>
    public bool SafeguardsAtLeastOwn { get; init; }
    /// <summary>Re-entrustment only with permission (MNA Art.10).</summary>
    public bool SubEntrustmentRequiresPermission { get; init; }
    public DateOnly? ContractDate { get; init; }
    public LocalizedText? Supervision { get; init; }
}

/// <summary>共同利用 (Art.27(5)(iii), L-12, S-34): every item must be published.</summary>
public sealed record SharedUse
{
    public required string Id { get; init; }
    public LocalizedText? Name { get; init; }
    /// <summary>The shared items, as category ids.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
    /// <summary>The scope of the sharers.</summary>
    public LocalizedText? Scope { get; init; }
    public LocalizedText? Purposes { get; init; }
    public ResponsibleParty? ResponsibleParty { get; init; }
    public DateOnly? Since { get; init; }
}

public sealed record ResponsibleParty
{
    public LocalizedText? Name { get; init; }
    public LocalizedText? Address { get; init; }
    public LocalizedText? Representative { get; init; }
}

public enum ProvisionBasis { Consent, Law, LifeBodyProperty, PublicHealth, StateCooperation }

/// <summary>A domestic third party to which data is provided (Art.27(1), S-31), e.g. WHOIS publication (S-38).</summary>
public sealed record ThirdParty
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public LocalizedText? Purpose { get; init; }
    public ProvisionBasis Basis { get; init; } = ProvisionBasis.Consent;
    /// <summary>The data is published (e.g. WHOIS) rather than given to one recipient.</summary>
    public bool Publication { get; init; }
    public string? Url { get; init; }
}

public enum ForeignProvisionBasis { Consent, EquivalentMeasures, AdequateCountry, LawException }

/// <summary>外国にある第三者 (Art.28, L-14, S-33).</summary>
public sealed record ForeignRecipient
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public Country? Country { get; init; }
    public ForeignProvisionBasis? Basis { get; init; }
    /// <summary>The country's personal-information protection system.</summary>
    public LocalizedText? CountrySystem { get; init; }
    /// <summary>The recipient's protection measures.</summary>
    public LocalizedText? RecipientMeasures { get; init; }
    public LocalizedText? Task { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Purposes { get; init; } = [];
    /// <summary>For equivalent measures: how often and how the measures are checked (Rules 18).</summary>
    public LocalizedText? MeasuresCheck { get; init; }
}

public sealed record Country(string Code, LocalizedText Name);

public enum DeliveryMethod { Paper, ElectronicTransmission, ExternalMedia, ServerAccess }

/// <summary>オプトアウトによる第三者提供 (Art.27(2), L-13, S-32).</summary>
public sealed record OptOutProvision
{
    /// <summary>The purpose id whose purpose is provision to third parties (L-13(2)).</summary>
    public string? Purpose { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public LocalizedText? ItemsNote { get; init; }
    public LocalizedText? Recipients { get; init; }
    public IReadOnlyList<string> AcquisitionMethods { get; init; } = [];
    public IReadOnlyList<DeliveryMethod> DeliveryMethods { get; init; } = [];
    public LocalizedText? StopOnRequest { get; init; }
    public LocalizedText? RequestMethod { get; init; }
    public LocalizedText? UpdateMethod { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? PpcNotifiedOn { get; init; }
}

/// <summary>
/// The request procedures a policy offers. The first five are statutory and required; <see cref="ProvisionRecords"/> too when
/// the company provides; <see cref="Anonymization"/> (ぼかし・匿名化等の加工, S-40) and <see cref="Portability"/> (S-46) go beyond
/// the Act and are offered only by a company that promises them.
/// </summary>
public enum RequestType { PurposeNotification, Disclosure, Correction, Suspension, StopProvision, ProvisionRecords, Anonymization, Portability }

public enum RequestChannel { CertifiedMail, Mail, InPerson, WebForm, Email, Phone, Fax }

public enum DocumentRequirement { All, OneOf }

/// <summary>開示等の請求手続 (Art.32(1)(iii), 37, 38; S-40…S-43).</summary>
public sealed record RequestProcedures
{
    public IReadOnlyList<RequestType> Types { get; init; } = [];
    public IReadOnlyList<RequestChannel> Channels { get; init; } = [];
    public IReadOnlyList<RequestChannel> NotAccepted { get; init; } = [];
    public LocalizedText? Forms { get; init; }
    public IReadOnlyList<RequiredDocument> IdentityDocuments { get; init; } = [];
    public IReadOnlyList<RequiredDocument> ProxyDocuments { get; init; } = [];
    public IReadOnlyList<RequiredDocument> LegalRepresentativeDocuments { get; init; } = [];
    public IReadOnlyList<RequestFee> Fees { get; init; } = [];
    public LocalizedText? PaymentMethod { get; init; }
    public LocalizedText? AnswerMethod { get; init; }
    public LocalizedText? ResponseTime { get; init; }
    public LocalizedText? SendTo { get; init; }

    /// <summary>
    /// Whether the person themself, asking online (web form, e-mail), may verify their identity by a one-time code sent to the
    /// e-mail address the vault holds instead of documents. On by default, and then stated in the notice; a company whose
    /// procedure requires documents turns it off. Null means on, so that the canonical form (and content hash) of a policy that
    /// does not mention it stays as it was.
    /// </summary>
    public bool? VerifyByEmailCode { get; init; }

    /// <summary>Whether a code to the vault's e-mail address verifies the person themself asking online (web form or e-mail).</summary>
    public static bool EmailCodeOffered(RequestProcedures? p) =>
        p is null || (p.VerifyByEmailCode != false && (p.Channels.Count == 0 || p.Channels.Contains(RequestChannel.WebForm) || p.Channels.Contains(RequestChannel.Email)));
}

public sealed record RequiredDocument
{
    public required LocalizedText Name { get; init; }
    /// <summary>Maximum age of the document when received (e.g. P1M for 住民票).</summary>
    public IsoPeriod? MaxAge { get; init; }
    public DocumentRequirement Requirement { get; init; } = DocumentRequirement.All;
}

public sealed record RequestFee
{
    public required RequestType Type { get; init; }
    public required int AmountYen { get; init; }
    public bool TaxIncluded { get; init; } = true;
    public LocalizedText? Per { get; init; }
}

/// <summary>Cookie notice (S-90, S-91).</summary>
public sealed record CookiePolicy
{
    public required LocalizedText Notice { get; init; }
    public LocalizedText? SessionCookies { get; init; }
}

public enum TagCategory { Essential, Functional, Analytics, Advertising }

/// <summary>外部送信 (TBA 27-12, L-27): one tag or SDK that sends user data elsewhere.</summary>
public sealed record ExternalTag
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public required LocalizedText Recipient { get; init; }
    public required LocalizedText InformationSent { get; init; }
    public required LocalizedText Purpose { get; init; }
    public TagCategory Category { get; init; } = TagCategory.Analytics;
    public string? OptOutUrl { get; init; }
    public bool ConsentRequired { get; init; }
}

/// <summary>安全管理措置 (Art.23, 32(1), Order 10(1); L-08, L-18(4)).</summary>
public sealed record SecurityMeasures
{
    public IReadOnlyList<LocalizedText> BasicPolicy { get; init; } = [];
    public IReadOnlyList<LocalizedText> Rules { get; init; } = [];
    public IReadOnlyList<LocalizedText> Organizational { get; init; } = [];
    public IReadOnlyList<LocalizedText> Human { get; init; } = [];
    public IReadOnlyList<LocalizedText> Physical { get; init; } = [];
    public IReadOnlyList<LocalizedText> Technical { get; init; } = [];
    public IReadOnlyList<LocalizedText> ForeignEnvironment { get; init; } = [];
}

public sealed record Amendment(DateOnly Date, LocalizedText Summary);

/// <summary>特定個人情報等の適正な取扱いに関する基本方針 (S-04): wins over company and services.</summary>
public sealed record MyNumberPolicy
{
    public required LocalizedText Statement { get; init; }
    public LocalizedText? Compliance { get; init; }
    /// <summary>Roles of the designated staff (事務取扱担当者) allowed to handle My Number.</summary>
    public IReadOnlyList<string> DesignatedRoles { get; init; } = [];
    public SecurityMeasures? SecurityMeasures { get; init; }
    public Contact? Contact { get; init; }
}
