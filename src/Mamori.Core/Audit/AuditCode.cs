namespace Mamori.Audit;

/// <summary>
/// Audit event codes in blocks of 100 per area. Stable forever: never renumber, never reuse.
/// Events carry ids only, never personal data.
/// </summary>
public enum AuditCode
{
    // 1000 staff sign-in
    LoginSucceeded = 1000,
    LoginFailed = 1001,
    Logout = 1002,
    SessionRevoked = 1003,
    PasswordChanged = 1004,
    LoginRateLimited = 1005,

    // 1100 staff accounts
    UserCreated = 1100,
    UserDisabled = 1101,
    UserEnabled = 1102,
    UserRolesChanged = 1103,
    UserPasswordReset = 1104,

    // 1200 API keys
    ApiKeyCreated = 1200,
    ApiKeyRevoked = 1201,

    // 1300 tenants and installation
    TenantCreated = 1300,
    DemoDataLoaded = 1301,

    // 1400 the audit chain itself
    AuditChainVerified = 1400,
    AuditChainBroken = 1401,

    /// <summary>The log exported as a CSV file (ReasonCode = the filters given, Categories = the number of events; SubjectId when filtered by one).</summary>
    AuditLogExported = 1402,

    // 1500 public pages and consent links (TargetId = the consent record or link purpose; Categories = cookie categories)
    CookieChoiceRecorded = 1500,
    SubjectLinkIssued = 1501,

    // 2000 policy
    PolicyPublished = 2000,

    // 3000 vault: subjects and their data
    SubjectCreated = 3000,
    SubjectCorrected = 3001,
    SubjectErased = 3002,
    SubjectImported = 3003,
    RetentionDestroyed = 3004,
    KeyRotated = 3005,
    /// <summary>The day an event a retention counts from was recorded (SubjectId; TargetId = event id).</summary>
    RetentionEventRecorded = 3006,
    /// <summary>A recorded event's day was corrected (SubjectId; TargetId = event id; ReasonCode = reason).</summary>
    RetentionEventCorrected = 3007,
    /// <summary>The installation's key ring was created (<c>mamori keys init</c>; TargetId = the first key's id), in every tenant's chain.</summary>
    KeyRingCreated = 3008,
    /// <summary>A key was removed from the ring (<c>mamori keys retire</c>; TargetId = the key's id), in every tenant's chain.</summary>
    KeyRetired = 3009,
    /// <summary>
    /// A lost key-encryption key was forgotten (<c>mamori keys forget</c>; TargetId = the key's id, Categories = how many of this
    /// tenant's persons' data it made unrecoverable), in every tenant's chain.
    /// </summary>
    KeyForgotten = 3010,
    /// <summary>A person's data became unrecoverable with a forgotten key (SubjectId; TargetId = the certificate; ReasonCode = key-lost; Categories = categories lost).</summary>
    SubjectDataLost = 3011,

    // 3100 access decisions: one event per decision; SubjectId, Purpose and Categories say what was read
    AccessAllowed = 3100,
    AccessDenied = 3101,

    // 5000 data-subject requests (TargetId = request id; ReasonCode = transition or item; SubjectId where a subject is touched)
    RequestReceived = 5000,
    RequestStatusChanged = 5001,
    RequestDocumentAdded = 5002,
    RequestDocumentChecked = 5003,
    RequestIdentityVerified = 5004,
    RequestCodeSent = 5005,
    RequestCodeRejected = 5006,
    RequestInvoiced = 5007,
    RequestPaymentConfirmed = 5008,
    RequestFeeWaived = 5009,
    RequestSubjectsMatched = 5010,
    RequestExecuted = 5011,
    RequestAnswerDownloaded = 5012,
    RequestFilesDestroyed = 5013,
    SubjectUseSuspended = 5014,
    SubjectProvisionStopped = 5015,
    RequestStatusLinkRejected = 5016,
    RequestDocumentOpened = 5017,
    /// <summary>The department handling a request was named (ReasonCode = department id, or <c>none</c>).</summary>
    RequestAssigned = 5018,
    NotificationQueued = 5050,
    NotificationSent = 5051,
    NotificationFailed = 5052,
    /// <summary>The file transport (no SMTP host) wrote the message to the outbox directory: nobody has received it.</summary>
    NotificationWritten = 5053,

    // 4000 consent ledger (SubjectId = subject; TargetId = receipt id; ReasonCode = scope)
    ConsentGranted = 4000,
    ConsentWithdrawn = 4001,

    /// <summary>Staff read a person's consent ledger (and provision records) in the console; ReasonCode says which.</summary>
    ConsentLedgerViewed = 4002,

    // 4100 third-party provision and its records (TargetId = record id; ReasonCode = basis or refusal)
    ProvisionMade = 4100,
    ProvisionRefused = 4101,
    ReceiptRecorded = 4102,
    ProvisionStopRequested = 4103,
    ProvisionRecordsSwept = 4104,
    RecipientProfileSaved = 4105,
    SupervisionRecorded = 4106,
    SharedUseMemberSaved = 4107,

    /// <summary>Staff read a recipient's records or one record (TargetId = recipient or record id; Categories = records or subjects listed).</summary>
    ProvisionRecordsViewed = 4108,

    /// <summary>Provision records exported as CSV (ReasonCode = all, recipient or subject; Categories = number of records).</summary>
    ProvisionRecordsExported = 4109,

    // 6000 incidents (TargetId = incident id; ReasonCode = what changed)
    IncidentCreated = 6000,
    IncidentFactsUpdated = 6001,
    IncidentTimelineEntryAdded = 6002,
    IncidentStatusChanged = 6003,
    IncidentBlastRadiusComputed = 6004,
    IncidentBlastRadiusRefused = 6005,
    IncidentNoticesQueued = 6006,
    IncidentExportBlastRadiusComputed = 6007,

    // 6100 export traces: what a file with personal data contained (TargetId = export id; Purpose = export kind)
    ExportProduced = 6100,
    ExportSubjectIncluded = 6101,

    // 9000 governance: organisation, access reviews, training (TargetId = department, review, line, course or user id; ReasonCode = what)
    OrganisationChanged = 9000,
    AccessReviewStarted = 9010,
    AccessReviewLineConfirmed = 9011,
    AccessReviewLineRevoked = 9012,
    AccessReviewCompleted = 9013,
    TrainingCourseSaved = 9020,
    TrainingCompletionRecorded = 9021,

    /// <summary>Training completions exported as CSV (TargetId = the staff member or department filtered on; ReasonCode = the period; Categories = the count).</summary>
    TrainingCompletionsExported = 9022,

    // 8000 pseudonymized and anonymized datasets (TargetId = dataset id; ReasonCode = key id or purpose; Categories = the items, never values)
    DatasetPseudonymized = 8000,
    DatasetAnonymizedRegistered = 8001,
    DatasetKeyDeleted = 8002,
    DatasetKeyExportRefused = 8003,
    DatasetUsed = 8004,
    DatasetUseRefused = 8005,
    DatasetProvided = 8006,
    DatasetProvisionRefused = 8007,
    DatasetProvisionMethodSet = 8008,

    // 8050 processing of a subject's stored fields on request (S-40; SubjectId = subject, TargetId = request id, ReasonCode = method)
    SubjectFieldsProcessed = 8050,

    // 9050 governance: internal audits and entrustee supervision (TargetId = plan, run, finding or recipient id; ReasonCode = what)
    AuditPlanSaved = 9050,
    AuditRunStarted = 9051,
    ChecklistItemAnswered = 9052,
    AuditRunCompleted = 9053,
    FindingRaised = 9054,
    FindingClosed = 9055,
    CorrectiveActionSaved = 9056,
    EntrusteeAssessed = 9057,
    EntrusteeContractChecked = 9058,
}

public enum ActorKind
{
    System = 0,
    User = 1,
    ApiKey = 2,
    DataSubject = 3,
    Anonymous = 4,

    /// <summary>
    /// Someone at the server's command line who named no staff user with <c>--actor</c>: the id is their operating-system
    /// account, so that a change made with <c>mamori</c> still says who made it.
    /// </summary>
    Cli = 5,
}

public enum AuditOutcome
{
    Success = 0,
    Denied = 1,
    Failed = 2,
}
