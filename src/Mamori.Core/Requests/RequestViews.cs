using Mamori.Policy;

namespace Mamori.Requests;

/// <summary>What the person (or an integration) sends to open a request.</summary>
public sealed record RequestIntake
{
    /// <summary>Kebab-case kind: purpose-notification, disclosure, provision-records, correction, suspension, erasure, stop-provision, anonymization, portability, complaint.</summary>
    public required string Kind { get; init; }
    public RequestChannel Channel { get; init; } = RequestChannel.WebForm;
    public RequesterRole RequesterRole { get; init; } = RequesterRole.Self;
    public DisclosureMethod Method { get; init; } = DisclosureMethod.Electronic;
    public string? Service { get; init; }
    public string Language { get; init; } = "ja";
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Address { get; init; }
    public string? AgentName { get; init; }
    public string? Details { get; init; }
    public IReadOnlyDictionary<string, string>? Corrections { get; init; }
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Anonymization: <c>mask</c> (default: hide characters) or <c>generalize</c> (keep a coarser value: year, prefecture, decade).</summary>
    public string? Processing { get; init; }

    /// <summary>The visitor's address on the public form, never read from a body: its network's messages are capped (<see cref="Notifications.RecipientQuota"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public System.Net.IPAddress? Client { get; init; }
}

/// <summary>
/// A document the policy requires (for a request: one it does not have yet); <paramref name="OneOf"/> one of the alternatives of
/// its group; <paramref name="MaxAge"/> the policy's ISO-8601 period (P1M) for integrators.
/// </summary>
public sealed record MissingDocument(DocumentGroup Group, string Name, string? NameEn, bool OneOf, string? MaxAge)
{
    public static MissingDocument Of(DocumentGroup group, RequiredDocument d) =>
        new(group, d.Name.Ja, d.Name.En, d.Requirement == DocumentRequirement.OneOf, d.MaxAge?.ToString());

    /// <summary>The age limit in the privacy notice's words: 「発行から1か月以内のもの」 / "issued within 1 month"; null when there is none.</summary>
    public string? IssuedWithin(NoticeLanguage lang) =>
        IsoPeriod.TryParse(MaxAge, out var age) ? Policy.Rendering.NoticePhrases.IssuedWithin(age, lang) : MaxAge;
}

/// <summary>A document held for a request; <paramref name="NameEn"/> the policy's English name for it (null when the policy gives none).</summary>
public sealed record DocumentView(Guid Id, DocumentGroup Group, string Name, DocumentSource Source, DateOnly? IssuedOn, string? ContentType, long Size,
    DateTimeOffset AddedAt, bool Destroyed, string? NameEn = null);

/// <summary>One status change; <paramref name="Sequence"/> orders the history (1 first).</summary>
public sealed record TransitionView(int Sequence, RequestStatus From, RequestStatus To, DateTimeOffset At, string? Reason);

/// <summary>A page of the queue and the number of requests the filter holds in all.</summary>
/// <param name="Unreadable">Requests of the page it could not read (MAMORI-1114), to mark instead of failing the queue.</param>
public sealed record RequestPage(List<RequestView> Items, int Total, IReadOnlyList<Data.UnreadableRow> Unreadable);

/// <summary>
/// A request as staff and integrations see it. <paramref name="SuitPossibleFrom"/>: the day from which the person may sue (Art.39),
/// null for a kind that article does not cover (<see cref="RequestKinds.SuitAfterTwoWeeks"/>).
/// </summary>
public sealed record RequestView(
    Guid Id, string Reference, RequestKind Kind, RequestStatus Status, RequestChannel Channel, RequesterRole RequesterRole, DisclosureMethod Method,
    string? Service, string? Department, DepartmentRoute DepartmentRoute, string Language, DateTimeOffset ReceivedAt, DateOnly ReceivedOn, DateOnly? DueOn, DateOnly ProjectedDueOn, DateOnly? SuitPossibleFrom,
    DeadlineState Deadline, int PausedDays, VerificationMethod Verification, DateTimeOffset? VerifiedAt, int FeeYen, bool FeeWaived,
    DateTimeOffset? InvoicedAt, DateTimeOffset? PaidAt, IReadOnlyList<Guid> Subjects, RequestOutcome Outcome, string? RefusalReason,
    DateTimeOffset? AnsweredAt, IReadOnlyList<DocumentView> Documents, IReadOnlyList<MissingDocument> MissingDocuments,
    IReadOnlyList<ArtifactKind> Answers, bool FilesDestroyed, IReadOnlyList<TransitionView> History);

/// <summary>
/// A new request; <paramref name="StatusUrl"/> is the person's private status link on the address of the company's public pages;
/// <paramref name="Replayed"/> when an earlier call with the same Idempotency-Key created it.
/// </summary>
public sealed record RequestCreated(RequestView Request, string StatusToken, string StatusUrl, bool Replayed = false);

/// <summary>What staff decide when executing (the person's own input is the default).</summary>
public sealed record ExecuteOptions
{
    /// <summary>
    /// Correction: the content staff found correct after investigation, for the items named; it replaces the person's content for
    /// those items only (the person's other items are corrected as asked), and the answer says which items got other content.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Corrections { get; init; }

    /// <summary>Anonymization: overrides the categories.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Anonymization: overrides the processing, <c>mask</c> or <c>generalize</c>.</summary>
    public string? Processing { get; init; }

    /// <summary>Complaint: the answer; for other kinds an optional note to the person.</summary>
    public string? AnswerText { get; init; }
}

/// <summary>
/// The answer of a non-package request (correction, suspension, erasure…) as a document. <paramref name="Items"/> in Japanese
/// (it prevails); <paramref name="ItemsEn"/> their English rendering, where the kind has one (erasure, correction).
/// </summary>
public sealed record RequestAnswer(
    string Format, string Reference, RequestKind Kind, RequestOutcome Outcome, string AnsweredOnJst, string Company,
    IReadOnlyList<string> Items, string? Note, string? RefusalCode, string? RefusalLaw, string? RefusalJa, string? RefusalEn,
    IReadOnlyList<string>? ItemsEn = null, string? RefusalLawJa = null)
{
    public const string FormatId = "mamori.answer/1";
}

public static class RequestKinds
{
    public static readonly IReadOnlyList<RequestKind> All = Enum.GetValues<RequestKind>();

    public static string Id(RequestKind k) => Errors.ErrorText.Enum(k);

    public static RequestKind? Parse(string? value) =>
        All.Cast<RequestKind?>().FirstOrDefault(k => string.Equals(Id(k!.Value), value, StringComparison.Ordinal) || string.Equals(k!.Value.ToString(), value, StringComparison.Ordinal));

    /// <summary>The kinds <paramref name="procedures"/> offers: a complaint always, the others when its <c>types</c> list them.</summary>
    public static bool Offers(RequestProcedures? procedures, RequestKind k) => PolicyType(k) is not { } t || procedures?.Types.Contains(t) == true;

    /// <summary>
    /// The kinds a request can be entered as under <paramref name="model"/>: offered by the company's procedures or by a service's
    /// own (intake checks the one that applies to the service chosen).
    /// </summary>
    public static IEnumerable<RequestKind> OfferedIn(PolicyModel? model) =>
        All.Where(k => Offers(model?.RequestProcedures, k) || (model?.Services.Any(s => Offers(s.RequestProcedures ?? model.RequestProcedures, k)) ?? false));

    /// <summary>The policy's request type behind a kind: offered only when the policy lists it; null = a complaint (always offered).</summary>
    public static RequestType? PolicyType(RequestKind k) => k switch
    {
        RequestKind.PurposeNotification => RequestType.PurposeNotification,
        RequestKind.Disclosure => RequestType.Disclosure,
        RequestKind.ProvisionRecords => RequestType.ProvisionRecords,
        RequestKind.Correction => RequestType.Correction,
        RequestKind.Suspension or RequestKind.Erasure => RequestType.Suspension,
        RequestKind.StopProvision => RequestType.StopProvision,
        RequestKind.Anonymization => RequestType.Anonymization,
        RequestKind.Portability => RequestType.Portability,
        _ => null,
    };

    /// <summary>
    /// The person chooses how the answer is disclosed (電磁的記録・書面, Art.33(1), applied to provision records by Art.33(5)).
    /// Other kinds take no method: intake ignores one given.
    /// </summary>
    public static bool TakesMethod(RequestKind k) => k is RequestKind.Disclosure or RequestKind.ProvisionRecords;

    /// <summary>The person names items and their correct content (<see cref="RequestIntake.Corrections"/>); other kinds ignore them.</summary>
    public static bool TakesCorrections(RequestKind k) => k == RequestKind.Correction;

    /// <summary>The person names the items to process (<see cref="RequestIntake.Categories"/>, <see cref="RequestIntake.Processing"/>); other kinds ignore them.</summary>
    public static bool TakesCategories(RequestKind k) => k == RequestKind.Anonymization;

    /// <summary>Kinds that act on the person's data and so need their identity verified (L-22).</summary>
    public static bool NeedsIdentity(RequestKind k) => k != RequestKind.Complaint;

    /// <summary>
    /// Kinds a fee may be charged for (Art.38(1): purpose notification and disclosure, provision records through Art.33(5)); the
    /// policy check allows fees for no other (PolicyValidator), so no other kind is invoiced or has a fee to waive.
    /// </summary>
    public static bool TakesFee(RequestKind k) => k is RequestKind.PurposeNotification or RequestKind.Disclosure or RequestKind.ProvisionRecords;

    /// <summary>
    /// Kinds whose request the person may take to court two weeks after it arrived (Art.39(1): requests under Art.33(1), also as
    /// Art.33(5) applies it to provision records, 34(1) and 35(1)(3)(5)). Not purpose notification (Art.32(2)), a complaint
    /// (Art.40), or anonymisation and portability, which go beyond the Act.
    /// </summary>
    public static bool SuitAfterTwoWeeks(RequestKind k) =>
        k is RequestKind.Disclosure or RequestKind.ProvisionRecords or RequestKind.Correction or RequestKind.Suspension or RequestKind.Erasure or RequestKind.StopProvision;

    public static (string Ja, string En) Name(RequestKind k) => k switch
    {
        RequestKind.PurposeNotification => ("利用目的の通知", "Notification of the purpose of use"),
        RequestKind.Disclosure => ("保有個人データの開示", "Disclosure of retained personal data"),
        RequestKind.ProvisionRecords => ("第三者提供記録の開示", "Disclosure of third-party provision records"),
        RequestKind.Correction => ("内容の訂正・追加・削除", "Correction, addition or deletion"),
        RequestKind.Suspension => ("利用の停止", "Suspension of use"),
        RequestKind.Erasure => ("消去", "Erasure"),
        RequestKind.StopProvision => ("第三者への提供の停止", "Stopping provision to third parties"),
        RequestKind.Anonymization => ("匿名化等の加工", "Anonymising processing"),
        RequestKind.Portability => ("データの移行（ポータビリティ）", "Data portability export"),
        _ => ("苦情・お問合せ", "Complaint or inquiry"),
    };

    public static (string Ja, string En) StatusName(RequestStatus s) => s switch
    {
        RequestStatus.Received => ("受付済み", "Received"),
        RequestStatus.Verifying => ("本人確認中", "Verifying identity"),
        RequestStatus.AwaitingDocuments => ("書類の提出待ち", "Awaiting documents"),
        RequestStatus.AwaitingPayment => ("手数料のお支払い待ち", "Awaiting payment"),
        RequestStatus.InProgress => ("対応中", "In progress"),
        RequestStatus.Answered => ("回答済み", "Answered"),
        RequestStatus.Refused => ("お断り（理由を通知済み）", "Refused (reason given)"),
        _ => ("取下げ", "Withdrawn"),
    };

    public static (string Ja, string En) ChannelName(RequestChannel c) => c switch
    {
        RequestChannel.CertifiedMail => ("簡易書留等の郵送", "Certified mail"),
        RequestChannel.Mail => ("郵送", "Mail"),
        RequestChannel.InPerson => ("窓口", "In person"),
        RequestChannel.WebForm => ("Webフォーム", "Web form"),
        RequestChannel.Email => ("電子メール", "Email"),
        RequestChannel.Phone => ("電話", "Phone"),
        _ => ("FAX", "Fax"),
    };
}
