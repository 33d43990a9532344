namespace Mamori.Errors;

/// <summary>
/// Stable error codes, rendered as <c>MAMORI-nnnn</c>. Numbers are never reused or renumbered;
/// each feature owns a block (see docs/errors.md). Tests assert on these, never on message text.
/// </summary>
public enum ErrorCode
{
    // 1000-1099 request shape and general HTTP
    MalformedJson = 1001,
    UnknownField = 1002,
    WrongType = 1003,
    BodyTooLarge = 1004,
    MissingField = 1005,
    InvalidValue = 1006,
    NotFound = 1007,
    UnsupportedMediaType = 1008,
    TooManyRequests = 1009,
    MethodNotAllowed = 1010,
    Conflict = 1011,
    AntiforgeryFailed = 1012,
    InternalError = 1099,

    // 1100-1199 authentication and authorization
    Unauthenticated = 1100,
    InvalidCredentials = 1101,
    Forbidden = 1102,
    SessionExpired = 1103,
    ApiKeyInvalid = 1104,
    ApiKeyExpired = 1105,
    ApiKeyRevoked = 1106,
    UserDisabled = 1107,
    WeakPassword = 1108,
    UnknownRole = 1109,
    UserExists = 1110,
    UnknownUser = 1111,
    LoginRateLimited = 1112,
    UserExistsElsewhere = 1113,
    UnknownStoredValue = 1114,
    OfficerRoleGrantedByOfficer = 1117,
    AdminRoleGrantedByAdmin = 1123,

    // 1200-1299 audit chain
    AuditChainBroken = 1200,
    AuditOutsideTransaction = 1201,

    // 1300-1399 configuration, tenants and the command line
    InvalidConnectionString = 1300,
    DatabaseUnavailable = 1301,
    UnknownTenant = 1302,
    InvalidArgument = 1303,
    PendingMigrations = 1304,
    DatabaseMissing = 1305,
    NotSetUp = 1306,
    ForwardedHeadersInvalid = 1307,

    // 1375-1399 reliability (issue 13: fuzzing, rate limits)
    UnexpectedCliFailure = 1375,
    IdempotencyKeyReused = 1391,
    IdempotencyKeyInvalid = 1392,
    // 1320-1349 backup, restore and the erasure ledger (issue #13, rel-backup)
    BackupFailed = 1320,
    BackupNotSupported = 1321,
    RestoreTargetInUse = 1322,
    RestoreTargetExists = 1323,
    BackupInvalid = 1324,
    ErasureLedgerInvalid = 1325,
    ErasedKeyRestored = 1326,

    // 1400-1499 staff console and public pages
    SubjectLinkInvalid = 1400,
    UnknownCookieCategory = 1401,
    CookieChoiceInvalid = 1402,

    // 1450-1499 console: consents and provision records
    RecordExportInvalidFilter = 1450,

    // 2000-2199 policy (validation diagnostics are listed in Policy/PolicyCodes.cs; these are operations)
    PolicyInvalid = 2190,
    PolicyUnchanged = 2191,
    PolicyNotPublished = 2192,

    // 3000-3099 vault and access decisions
    KeysMissing = 3000,
    KeyInUse = 3001,
    VaultCorrupt = 3002,
    InvalidFieldValue = 3003,
    UnknownSubjectType = 3004,
    UnknownCategory = 3005,
    UnknownPurpose = 3006,
    SubjectNotFound = 3007,
    SubjectErased = 3008,
    UnknownService = 3009,
    AccessDenied = 3010,
    SpecialCareWithoutConsent = 3011,
    MyNumberPurposeRequired = 3012,
    UnknownAcquisitionMethod = 3013,
    InvalidReason = 3014,
    ImportFailed = 3015,
    DuplicateSubject = 3016,
    RetentionEventUnknown = 3017,
    RetentionEventDate = 3018,
    AcquisitionNotForPurpose = 3019,
    BirthDateConflict = 3020,
    BirthDateCategoryMissing = 3021,
    /// <summary>The subject's data key was wrapped by a key-encryption key that was lost and forgotten (<c>mamori keys forget</c>): unrecoverable.</summary>
    SubjectDataLost = 3024,
    /// <summary><c>mamori keys forget</c> without <c>--confirm</c>: it only reports what would become unrecoverable.</summary>
    KeyForgetUnconfirmed = 3025,
    /// <summary><c>mamori keys forget</c> of a key the ring still has: nothing is lost, retire it instead.</summary>
    KeyForgetPresent = 3026,
    /// <summary><c>mamori keys forget --confirm</c> without <c>--actor</c> naming a privacy officer of every tenant.</summary>
    KeyForgetNotOfficer = 3027,
    /// <summary>A retention event's day ends a retention period already: the data would be destroyed at the next sweep, so it needs confirming.</summary>
    RetentionEventEndsRetention = 3028,

    // 5000-5099 data-subject requests (開示等の請求) and notifications
    RequestUnknownKind = 5000,
    RequestKindNotOffered = 5001,
    RequestChannelNotAccepted = 5002,
    RequestContactMissing = 5003,
    RequestNotFound = 5004,
    RequestStatusLinkInvalid = 5005,
    RequestInvalidTransition = 5006,
    RequestDocumentsMissing = 5007,
    RequestDocumentTooOld = 5008,
    RequestUploadTooLarge = 5009,
    RequestUploadType = 5010,
    RequestUnknownDocument = 5011,
    RequestCodeInvalid = 5012,
    RequestCodeExpired = 5013,
    RequestCodeAttempts = 5014,
    RequestNoVaultContact = 5015,
    RequestPaymentRequired = 5016,
    RequestUnknownRefusalReason = 5017,
    RequestNotVerified = 5018,
    RequestAnswerNotReady = 5019,
    RequestPdfFontMissing = 5020,
    RequestClosed = 5021,
    RequestInvalidInput = 5022,
    RequestSettingsInvalid = 5023,
    NotificationSendFailed = 5024,
    RequestFilesDestroyed = 5025,
    RequestCodeSendLimit = 5026,
    RequestCodeTooSoon = 5027,
    RequestCodeThrottled = 5028,
    RequestCodeClientLimit = 5029,

    // 4000-4099 consent ledger and third-party provision (docs/consent-provision.md)
    // 4000-4019 consent
    InvalidConsentScope = 4000,
    GuardianConsentRequired = 4001,
    ForeignInfoNotShown = 4002,
    UnknownPolicyVersion = 4003,
    ConsentTimeInFuture = 4004,
    ConsentReceiptNotFound = 4005,
    InvalidEvidenceRef = 4006,
    ConsentNotRequired = 4007,

    // 4020-4049 provision requests (the whole request is refused; nothing leaves)
    UnknownRecipient = 4020,
    BasisNotForRecipient = 4021,
    CategoryNotForRecipient = 4022,
    JustificationRequired = 4023,
    OptOutNotAvailable = 4024,
    OptOutSpecialCare = 4025,
    EntrusteeContractMissing = 4026,
    SharedUseItemsMissing = 4027,
    PseudonymizedProvision = 4028,
    PersonRelatedConfirmationMissing = 4029,
    TooManySubjects = 4030,
    InvalidExportFormat = 4031,
    ReceiptItemsMissing = 4032,
    InvalidRecipientProfile = 4033,
    ProvisionRecordNotFound = 4034,
    InvalidOptOutStop = 4035,

    // 4050-4079 per-subject refusals of a provision (returned in the refused list, never thrown)
    ProvisionSubjectNotFound = 4050,
    ProvisionSubjectErased = 4051,
    ProvisionStopped = 4052,
    ProvisionUseSuspended = 4053,
    ProvisionConsentMissing = 4054,
    ForeignConsentMissing = 4055,
    ForeignConsentInfoNotShown = 4056,
    OptOutAcquiredData = 4057,
    ProvisionNoData = 4058,
    PersonRelatedUnconfirmed = 4059,
    ProvisionDecisionDenied = 4060,
    BasisNotDeclaredForSubject = 4061,
    ProvisionSpecialCareHeld = 4062,

    // 6000-6099 incidents
    IncidentInvalidFacts = 6000,
    IncidentUnknownCause = 6001,
    IncidentInvalidDate = 6002,
    IncidentSettingsInvalid = 6003,
    IncidentChainBroken = 6004,
    IncidentInvalidWindow = 6005,
    IncidentInvalidActor = 6006,
    IncidentNotReportable = 6007,
    IncidentInvalidDocument = 6008,
    IncidentClosed = 6009,
    IncidentInvalidStatus = 6010,
    IncidentUnknownCategory = 6011,
    IncidentUnknownActor = 6012,
    IncidentFinalReportIncomplete = 6013,
    IncidentPreliminaryNotReported = 6014,

    // 6050-6099 incidents: exports, notices, PDF
    IncidentPdfUnavailable = 6050,
    IncidentExportNotFound = 6051,
    IncidentInvalidExport = 6052,
    IncidentExportTraceMismatch = 6053,
    IncidentNoAffectedSubjects = 6054,

    // Numbered in the incidents block only because it was free when the role came (documented under 1100).
    ExternalAuditorGrantedByOfficerOrAdmin = 6055,
    // 9000-9049 governance: organisation, access reviews, training (docs/governance.md)
    UnknownDepartment = 9000,
    NotDepartmentReviewer = 9001,
    AccessReviewAlreadyOpen = 9002,
    AccessReviewIncomplete = 9003,
    AccessReviewClosed = 9004,
    AccessReviewChainBroken = 9005,
    UnknownTrainingCourse = 9006,
    UnknownPolicyItem = 9007,
    InvalidGovernanceSetting = 9008,
    AccessReviewOwnLine = 9009,
    TrainingCompletionTooEarly = 9010,
    NotDepartmentManager = 9011,
    // 8050-8099 pseudonymized and anonymized datasets (仮名加工情報・匿名加工情報; docs/anonymization.md).
    // 8000-8049 belong to the engine (Mamori.Anonymization.AnonymizationErrors).
    DatasetNotFound = 8050,
    DatasetInvalid = 8051,
    PseudonymizationKeyNotExportable = 8052,
    PseudonymizationKeyDeleted = 8053,
    DatasetPurposeNotDeclared = 8054,
    PseudonymizedContactItem = 8055,
    DatasetContactRefused = 8056,
    DatasetProcessingFailed = 8057,
    DatasetKindMismatch = 8058,
    DatasetIdentifiersInValues = 8059,
    DatasetIdentifyingColumn = 8060,
    DatasetNameTaken = 8061,
    AnonymizationOutOfMemory = 8065,

    // 9050-9099 governance: internal audits, entrustee supervision, management review (docs/governance-audits.md)
    AuditPlanInvalid = 9050,
    AuditPlanNotFound = 9051,
    AuditRunNotFound = 9052,
    AuditRunCompleted = 9053,
    ChecklistItemUnknown = 9054,
    ChecklistIncomplete = 9055,
    FindingInvalid = 9056,
    FindingNotFound = 9057,
    FindingActionsOpen = 9058,
    CorrectiveActionInvalid = 9059,
    CorrectiveActionNotFound = 9060,
    EntrusteeNotFound = 9061,
    AssessmentInvalid = 9062,
    ContractCheckInvalid = 9063,
    ReviewPeriodInvalid = 9064,
    ReviewPdfUnavailable = 9065,
    FindingClosed = 9066,
    AuditRunOpen = 9067,
}

public static class ErrorCodes
{
    public static string Format(ErrorCode code) => $"MAMORI-{(int)code:D4}";
}
