using Mamori.Policy;

namespace Mamori.Access;

/// <summary>Legal exceptions to purpose limitation (S-20, L-02), each needing a written justification.</summary>
public enum LegalException
{
    Law,
    LifeBodyProperty,
    PublicHealthChildren,
    AuthorityCooperation,
}

/// <summary>The legal exceptions as the API spells them (kebab-case) and as people read them (Art.18(3), 27(1)).</summary>
public static class LegalExceptions
{
    public static string Id(LegalException e) => Errors.ErrorText.Enum(e);

    /// <summary>A stored exception in either form: records before 2026-12-07 kept the enum member ("Law"), later ones the API id ("law").</summary>
    public static LegalException? Parse(string? stored) =>
        stored is null ? null : Enum.GetValues<LegalException>().Cast<LegalException?>().FirstOrDefault(e => Id(e!.Value) == stored || e.ToString() == stored);

    /// <summary>A stored exception by name (<see cref="Parse"/>); a value this version does not know, as stored.</summary>
    public static (string Ja, string En) NameOf(string stored) => Parse(stored) is { } e ? Name(e) : (stored, stored);

    public static (string Ja, string En) Name(LegalException e) => e switch
    {
        LegalException.Law => ("法令に基づく場合", "Required by law"),
        LegalException.LifeBodyProperty => ("人の生命、身体又は財産の保護のために必要がある場合（本人の同意を得ることが困難なとき）",
            "To protect a person's life, body or property (when consent is hard to obtain)"),
        LegalException.PublicHealthChildren => ("公衆衛生の向上又は児童の健全な育成の推進のために特に必要がある場合（本人の同意を得ることが困難なとき）",
            "Specially needed for public health or the sound growth of children (when consent is hard to obtain)"),
        _ => ("国の機関等が法令の定める事務を遂行することに協力する必要がある場合",
            "Cooperating with a public authority carrying out duties set by law"),
    };
}

/// <summary>What a caller asks to do: read <see cref="Fields"/> of a subject for a declared purpose.</summary>
public sealed record DecisionRequest(
    Guid SubjectId,
    string Purpose,
    IReadOnlyList<string>? Fields,
    IReadOnlyList<string> Roles,
    bool RequireUnmasked = false,
    LegalException? Exception = null,
    string? Justification = null,
    ProvisionCheck? Provision = null);

/// <summary>
/// The context of a read for third-party provision (purpose <see cref="DecisionRules.ThirdPartyProvision"/>):
/// the recipient, the items it may receive, and the verdict of the per-subject basis check
/// (<c>null</c> = the basis holds, otherwise its refusal code). Built by <c>Mamori.Provision.Provisions</c>.
/// </summary>
public sealed record ProvisionCheck(string Recipient, IReadOnlyList<string> Categories, string? Refusal);

/// <summary>Per field: allowed, and whether the value is shown unmasked.</summary>
public sealed record FieldDecision(string Category, bool Unmasked);

/// <summary>The answer. <see cref="Reason"/> is a stable code (see docs/vault.md).</summary>
public sealed record Decision(bool Allowed, string Reason, IReadOnlyList<FieldDecision> Fields, string? DeniedCategory = null)
{
    /// <summary>Marks a category that was decided masked in an audit event's category list (<c>name,~phone</c>).</summary>
    public const char MaskedMarker = '~';

    public static Decision Deny(string reason, string? category = null) => new(false, reason, [], category);

    /// <summary>
    /// The categories an audit event records: allowed fields, masked ones prefixed with <see cref="MaskedMarker"/>
    /// so that access reviews read from the chain exactly what each caller unmasked; for a denial, the denied category.
    /// </summary>
    public string? AuditCategories() =>
        Allowed ? string.Join(',', Fields.Select(f => f.Unmasked ? f.Category : MaskedMarker + f.Category)) : DeniedCategory;
}

/// <summary>Stable reason codes of access decisions.</summary>
public static class DecisionReasons
{
    public const string Allowed = "allowed";
    public const string AllowedLegalException = "allowed-legal-exception";
    public const string SubjectNotFound = "subject-not-found";
    public const string SubjectErased = "subject-erased";

    /// <summary>
    /// The subject's data was lost with a key-encryption key forgotten for good (<c>mamori keys forget</c>): nobody asked for an
    /// erasure, so an integrator must not treat it as one (it is an incident to assess).
    /// </summary>
    public const string SubjectDataLost = "subject-data-lost";
    public const string PurposeUndeclared = "purpose-undeclared";
    public const string PurposeNotForSubjectType = "purpose-not-for-subject-type";
    public const string CategoryNotInPurpose = "category-not-in-purpose";
    public const string ConsentMissing = "consent-missing";
    public const string Suspended = "suspended";
    public const string UnmaskNotAllowed = "unmask-not-allowed";
    public const string MyNumberWrongPurpose = "mynumber-wrong-purpose";
    public const string MyNumberRole = "mynumber-role";
    public const string ExceptionWithoutJustification = "exception-without-justification";

    /// <summary>
    /// The subject was erased (Art.35) and what is left is kept only because a law requires it: no use but that law's
    /// (see <see cref="DecisionRules.KeepsFor"/>), the person's own requests and the notice of a leak.
    /// </summary>
    public const string ErasedLegalHold = "erased-legal-hold";

    /// <summary>A read for third-party provision without a provision and its basis check.</summary>
    public const string ProvisionBasisMissing = "provision-basis-missing";

    public static readonly IReadOnlyList<string> All =
    [
        Allowed, AllowedLegalException, SubjectNotFound, SubjectErased, SubjectDataLost, PurposeUndeclared, PurposeNotForSubjectType,
        CategoryNotInPurpose, ConsentMissing, Suspended, UnmaskNotAllowed, MyNumberWrongPurpose, MyNumberRole, ExceptionWithoutJustification,
        ProvisionBasisMissing, ErasedLegalHold,
    ];
}

/// <summary>
/// The one decision function, pure: the policy in force, the subject's facts and the caller's roles in;
/// allow or deny with a reason out. <see cref="AccessDecisions"/> feeds it and records every answer.
/// </summary>
public static class DecisionRules
{
    /// <summary>Built-in purpose for handling the person's own requests (開示等の請求); never suspended.</summary>
    public const string RequestHandling = "request-handling";

    /// <summary>
    /// Built-in purpose for providing data to a third party, entrustee or shared-use group: allowed only
    /// with a <see cref="ProvisionCheck"/> whose basis holds, only for the recipient's items; denied with
    /// the basis refusal code otherwise (docs/consent-provision.md).
    /// </summary>
    public const string ThirdPartyProvision = "third-party-provision";

    /// <summary>
    /// Built-in purpose for the notice to persons affected by a reportable leak (APPI 26(2)): a legal duty,
    /// so never suspended; only the fields asked for (the contact address), never My Number.
    /// </summary>
    public const string IncidentNotice = "incident-notice";

    /// <summary>The purposes Mamori itself defines, which no policy declares (see <see cref="BuiltInPurposeName"/>).</summary>
    public static readonly IReadOnlyList<string> BuiltInPurposes = [RequestHandling, IncidentNotice, ThirdPartyProvision];

    /// <summary>
    /// The name of a built-in purpose (<see cref="RequestHandling"/>, <see cref="IncidentNotice"/>, <see cref="ThirdPartyProvision"/>),
    /// which no policy declares; null for any other id. The one source for every page that names a purpose (the subject search,
    /// the audit log and its CSV) and for the decision itself.
    /// </summary>
    public static LocalizedText? BuiltInPurposeName(string? id) => id switch
    {
        RequestHandling => new LocalizedText("開示等の請求への対応", "Handling the person's requests"),
        IncidentNotice => new LocalizedText("漏えい等の本人への通知", "Notice to persons affected by a leak"),
        ThirdPartyProvision => new LocalizedText("第三者提供", "Third-party provision"),
        _ => null,
    };

    /// <param name="ErasedWithHold">An erasure kept categories under a legal hold (<c>DataSubject.ErasedWithHoldAt</c>).</param>
    /// <param name="PurposesShown">The purposes shown at acquisition: the holds that keep the data are theirs.</param>
    public sealed record SubjectFacts(string SubjectType, bool Erased, bool UseSuspended, IReadOnlyCollection<string> StoredCategories,
        bool ErasedWithHold, IReadOnlyCollection<string> PurposesShown);

    /// <summary>
    /// Whether <paramref name="purpose"/> is one for which a legal hold keeps an erased subject's data: a purpose shown at
    /// acquisition that declares the hold and is itself statutory work (<see cref="PurposeKind.Tax"/>, social security…), such
    /// as payroll-tax under the Income Tax Act. A hold declared by a general purpose (partner-contract, service-provision) names
    /// no purpose of its own: that purpose is the use the person asked to end, so the data serves only the law, through the
    /// <see cref="LegalException.Law"/> exception with its written justification (a tax audit).
    /// </summary>
    public static bool KeepsFor(IPolicyScope policy, SubjectFacts subject, string purpose) =>
        subject.PurposesShown.Contains(purpose)
        && policy.Purposes.FirstOrDefault(p => p.Id == purpose) is { Kind: not PurposeKind.General, Retention.LegalHold: not null };

    public static Decision Decide(IPolicyScope policy, DecisionRequest request, SubjectFacts subject, Func<string, bool> consentHolds)
    {
        if (subject.Erased) return Decision.Deny(DecisionReasons.SubjectErased);
        var categories = policy.DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var fields = request.Fields is { Count: > 0 } f ? f.Distinct(StringComparer.Ordinal).ToList() : null;

        var exception = request.Exception is not null;
        if (exception && string.IsNullOrWhiteSpace(request.Justification))
            return Decision.Deny(DecisionReasons.ExceptionWithoutJustification);

        // Erased, with data kept only for a law (Art.35): the person's own requests and a leak notice are duties owed to them;
        // anything else is that law's statutory purpose, or a use under the law exception (recorded as such below).
        var heldForLaw = subject.ErasedWithHold && request.Purpose is not (RequestHandling or IncidentNotice) && !KeepsFor(policy, subject, request.Purpose);
        if (heldForLaw && request.Exception != LegalException.Law) return Decision.Deny(DecisionReasons.ErasedLegalHold);

        Purpose? purpose;
        if (request.Purpose == RequestHandling)
        {
            purpose = new Purpose { Id = RequestHandling, Name = BuiltInPurposeName(RequestHandling)!, Categories = [.. categories.Keys] };
        }
        else if (request.Purpose == IncidentNotice)
        {
            if (request.Fields is not { Count: > 0 }) return Decision.Deny(DecisionReasons.CategoryNotInPurpose);
            purpose = new Purpose { Id = IncidentNotice, Name = BuiltInPurposeName(IncidentNotice)!, Categories = [.. categories.Keys] };
        }
        else if (request.Purpose == ThirdPartyProvision)
        {
            if (request.Provision is not { } provision) return Decision.Deny(DecisionReasons.ProvisionBasisMissing);
            if (provision.Refusal is { } refusal) return Decision.Deny(refusal);
            if (subject.UseSuspended && !exception) return Decision.Deny(DecisionReasons.Suspended);
            purpose = new Purpose { Id = ThirdPartyProvision, Name = BuiltInPurposeName(ThirdPartyProvision)!, Categories = provision.Categories };
        }
        else
        {
            purpose = policy.Purposes.FirstOrDefault(p => p.Id == request.Purpose);
            if (purpose is null && !exception) return Decision.Deny(DecisionReasons.PurposeUndeclared);
            if (purpose is not null && purpose.SubjectTypes.Count > 0 && !purpose.SubjectTypes.Contains(subject.SubjectType) && !exception)
                return Decision.Deny(DecisionReasons.PurposeNotForSubjectType);
            if (subject.UseSuspended && !exception) return Decision.Deny(DecisionReasons.Suspended);
            if (purpose is { ConsentRequired: true } && !exception && !consentHolds(Consent.ConsentScopes.Purpose(purpose.Id)))
                return Decision.Deny(DecisionReasons.ConsentMissing);
        }

        fields ??= purpose is null ? [.. subject.StoredCategories] : purpose.Categories.Where(subject.StoredCategories.Contains).ToList();
        var result = new List<FieldDecision>(fields.Count);
        foreach (var id in fields)
        {
            if (!categories.TryGetValue(id, out var category)) return Decision.Deny(DecisionReasons.CategoryNotInPurpose, id);
            if (purpose is not null && !purpose.Categories.Contains(id) && !exception)
                return Decision.Deny(DecisionReasons.CategoryNotInPurpose, id);
            var viewer = category.Viewers.Count == 0 || category.Viewers.Any(request.Roles.Contains);
            if (category.MyNumber)
            {
                // My Number Act Art.9/19/20: only tax, social-security and disaster affairs, only designated staff.
                var kind = purpose?.Kind ?? PurposeKind.General;
                if (kind == PurposeKind.General && request.Purpose != RequestHandling) return Decision.Deny(DecisionReasons.MyNumberWrongPurpose, id);
                if (!viewer) return Decision.Deny(DecisionReasons.MyNumberRole, id);
            }
            if (!viewer && request.RequireUnmasked) return Decision.Deny(DecisionReasons.UnmaskNotAllowed, id);
            result.Add(new FieldDecision(id, viewer));
        }
        var outOfPurpose = heldForLaw || purpose is null || fields.Any(id => !purpose.Categories.Contains(id))
                           || (purpose.SubjectTypes.Count > 0 && !purpose.SubjectTypes.Contains(subject.SubjectType));
        return new Decision(true, exception && outOfPurpose ? DecisionReasons.AllowedLegalException : DecisionReasons.Allowed, result);
    }
}
