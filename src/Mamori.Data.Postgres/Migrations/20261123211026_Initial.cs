using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SecretHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    Role = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OwnerUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditCheckpoints",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditCheckpoints", x => new { x.TenantId, x.Sequence });
                });

            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    Time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Code = table.Column<int>(type: "integer", nullable: false),
                    ActorKind = table.Column<int>(type: "integer", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SubjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TargetId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Categories = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Outcome = table.Column<int>(type: "integer", nullable: false),
                    ReasonCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PreviousHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => new { x.TenantId, x.Sequence });
                });

            migrationBuilder.CreateTable(
                name: "AuditHeads",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    LastSequence = table.Column<long>(type: "bigint", nullable: false),
                    LastHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditHeads", x => x.TenantId);
                });

            migrationBuilder.CreateTable(
                name: "ConsentRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Granted = table.Column<bool>(type: "boolean", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PolicyVersion = table.Column<int>(type: "integer", nullable: false),
                    Method = table.Column<int>(type: "integer", nullable: false),
                    EvidenceRef = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    GuardianConsent = table.Column<bool>(type: "boolean", nullable: false),
                    ForeignInfoShown = table.Column<bool>(type: "boolean", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    ReceiptId = table.Column<Guid>(type: "uuid", nullable: true),
                    Seq = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsentRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataSubjectRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reference = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<int>(type: "integer", nullable: false),
                    RequesterRole = table.Column<int>(type: "integer", nullable: false),
                    Method = table.Column<int>(type: "integer", nullable: false),
                    ServiceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    PolicyVersion = table.Column<int>(type: "integer", nullable: false),
                    StatusTokenHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    WrappedKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    SealedDetails = table.Column<byte[]>(type: "bytea", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: true),
                    SuitPossibleFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    PausedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    PausedDays = table.Column<int>(type: "integer", nullable: false),
                    Verification = table.Column<int>(type: "integer", nullable: false),
                    VerifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CodeHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    CodeExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CodeAttempts = table.Column<int>(type: "integer", nullable: false),
                    FeeYen = table.Column<int>(type: "integer", nullable: false),
                    FeeWaived = table.Column<bool>(type: "boolean", nullable: false),
                    FeeWaiverReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    InvoicedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PaidAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PaymentReference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SubjectIds = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Outcome = table.Column<int>(type: "integer", nullable: false),
                    RefusalReason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FilesDestroyedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataSubjectRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataSubjects",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ServiceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AcquisitionMethod = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PurposesShown = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    PolicyVersion = table.Column<int>(type: "integer", nullable: false),
                    WrappedKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    KeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ErasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    NextExpiry = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UseSuspended = table.Column<bool>(type: "boolean", nullable: false),
                    ProvisionStopped = table.Column<bool>(type: "boolean", nullable: false),
                    BirthDate = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataSubjects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DestructionCertificates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    DestroyedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Destroyed = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Kept = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DestroyedKeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DestructionCertificates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExceptionRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Basis = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Justification = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Actor = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExceptionRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImportRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    FileHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LastLine = table.Column<long>(type: "bigint", nullable: false),
                    Imported = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Incidents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Cause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DiscoveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AwareDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Categories = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PersonsKnown = table.Column<long>(type: "bigint", nullable: true),
                    PersonsUpperBound = table.Column<long>(type: "bigint", nullable: true),
                    SpecialCare = table.Column<bool>(type: "boolean", nullable: false),
                    PropertyDamageRisk = table.Column<bool>(type: "boolean", nullable: false),
                    Suspected = table.Column<bool>(type: "boolean", nullable: false),
                    EncryptedKeysSafe = table.Column<bool>(type: "boolean", nullable: false),
                    MyNumber = table.Column<bool>(type: "boolean", nullable: false),
                    PubliclyExposed = table.Column<bool>(type: "boolean", nullable: false),
                    Summary = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    CauseDetails = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    SecondaryDamage = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    PersonsResponse = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    Publication = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    Prevention = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    Measures = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    OtherNotes = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    ContactPoint = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    OwnerUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Reportable = table.Column<bool>(type: "boolean", nullable: false),
                    Reasons = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Exemption = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PreliminaryWarn = table.Column<DateOnly>(type: "date", nullable: true),
                    PreliminaryDue = table.Column<DateOnly>(type: "date", nullable: true),
                    FinalDue = table.Column<DateOnly>(type: "date", nullable: true),
                    FinalPeriodDays = table.Column<int>(type: "integer", nullable: true),
                    PreliminaryReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FinalReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompromisedActorKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CompromisedActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    BlastFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BlastTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BlastComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BlastEventsRead = table.Column<long>(type: "bigint", nullable: true),
                    BlastVerifiedEvents = table.Column<long>(type: "bigint", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Incidents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutboxMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Topic = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    Template = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WrappedKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SealedEnvelope = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeadAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PolicyVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CanonicalJson = table.Column<string>(type: "text", nullable: false),
                    EffectiveFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    AnnouncedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PublishedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProvisionRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Direction = table.Column<int>(type: "integer", nullable: false),
                    Basis = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CounterpartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CounterpartyName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CounterpartyAddress = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    CounterpartyRepresentative = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    Items = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    SubjectCount = table.Column<int>(type: "integer", nullable: false),
                    RefusedCount = table.Column<int>(type: "integer", nullable: false),
                    ConsentRef = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    OptOutFacts = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LegalException = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Justification = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AcquisitionHistory = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ContractRef = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ContractAsRecord = table.Column<bool>(type: "boolean", nullable: false),
                    LastProvisionOn = table.Column<DateOnly>(type: "date", nullable: true),
                    PersonRelatedConfirmation = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    StatutoryRecord = table.Column<bool>(type: "boolean", nullable: false),
                    PolicyVersion = table.Column<int>(type: "integer", nullable: false),
                    KeepThrough = table.Column<DateOnly>(type: "date", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisionRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProvisionRecordSubjects",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisionRecordSubjects", x => new { x.TenantId, x.RecordId, x.SubjectId });
                });

            migrationBuilder.CreateTable(
                name: "ProvisionStopRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Stopped = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisionStopRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecipientProfiles",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecipientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Representative = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Confidentiality = table.Column<bool>(type: "boolean", nullable: false),
                    AuditClause = table.Column<bool>(type: "boolean", nullable: false),
                    ReEntrustmentClause = table.Column<bool>(type: "boolean", nullable: false),
                    ContractStart = table.Column<DateOnly>(type: "date", nullable: true),
                    ContractEnd = table.Column<DateOnly>(type: "date", nullable: true),
                    ContractRef = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecipientProfiles", x => new { x.TenantId, x.RecipientId });
                });

            migrationBuilder.CreateTable(
                name: "RequestArtifacts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DestroyedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestArtifacts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RequestDocuments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    Group = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Source = table.Column<int>(type: "integer", nullable: false),
                    IssuedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ContentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "bytea", nullable: true),
                    AddedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DestroyedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestDocuments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RequestTransitions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    From = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestTransitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    TokenHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SharedUseMembers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    GroupId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Representative = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    JoinedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    LeftOn = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SharedUseMembers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SubjectFields",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RetainUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HeldUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HoldBasis = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubjectFields", x => new { x.TenantId, x.SubjectId, x.Category });
                });

            migrationBuilder.CreateTable(
                name: "SubjectLookups",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubjectLookups", x => new { x.TenantId, x.SubjectId, x.Category });
                });

            migrationBuilder.CreateTable(
                name: "SupervisionRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecipientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    HeldOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Findings = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Actions = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    NextDue = table.Column<DateOnly>(type: "date", nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupervisionRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tenants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Slug = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tenants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Users",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    PasswordHash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Roles = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Disabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DisabledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PasswordChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Users", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IncidentSubjects",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentSubjects", x => new { x.TenantId, x.IncidentId, x.SubjectId });
                    table.ForeignKey(
                        name: "FK_IncidentSubjects_Incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentTimeline",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentTimeline", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentTimeline_Incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Prefix",
                table: "ApiKeys",
                column: "Prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_TenantId",
                table: "ApiKeys",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_TenantId_Name",
                table: "ApiKeys",
                columns: new[] { "TenantId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditCheckpoints_TenantId",
                table: "AuditCheckpoints",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_TenantId",
                table: "AuditEvents",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_TenantId_ActorId_Time",
                table: "AuditEvents",
                columns: new[] { "TenantId", "ActorId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_TenantId_SubjectId_Time",
                table: "AuditEvents",
                columns: new[] { "TenantId", "SubjectId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_TenantId_Time",
                table: "AuditEvents",
                columns: new[] { "TenantId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditHeads_TenantId",
                table: "AuditHeads",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_TenantId",
                table: "ConsentRecords",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_TenantId_ReceiptId",
                table: "ConsentRecords",
                columns: new[] { "TenantId", "ReceiptId" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_TenantId_SubjectId_Scope_At",
                table: "ConsentRecords",
                columns: new[] { "TenantId", "SubjectId", "Scope", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_StatusTokenHash",
                table: "DataSubjectRequests",
                column: "StatusTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_TenantId",
                table: "DataSubjectRequests",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_TenantId_ClosedAt",
                table: "DataSubjectRequests",
                columns: new[] { "TenantId", "ClosedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_TenantId_Reference",
                table: "DataSubjectRequests",
                columns: new[] { "TenantId", "Reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_TenantId_Status_DueOn",
                table: "DataSubjectRequests",
                columns: new[] { "TenantId", "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjects_TenantId",
                table: "DataSubjects",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjects_TenantId_KeyId",
                table: "DataSubjects",
                columns: new[] { "TenantId", "KeyId" });

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjects_TenantId_NextExpiry",
                table: "DataSubjects",
                columns: new[] { "TenantId", "NextExpiry" });

            migrationBuilder.CreateIndex(
                name: "IX_DestructionCertificates_TenantId",
                table: "DestructionCertificates",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_DestructionCertificates_TenantId_SubjectId",
                table: "DestructionCertificates",
                columns: new[] { "TenantId", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_ExceptionRecords_TenantId",
                table: "ExceptionRecords",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ExceptionRecords_TenantId_SubjectId",
                table: "ExceptionRecords",
                columns: new[] { "TenantId", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportRuns_TenantId",
                table: "ImportRuns",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportRuns_TenantId_FileHash",
                table: "ImportRuns",
                columns: new[] { "TenantId", "FileHash" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId",
                table: "Incidents",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId_Status_FinalDue",
                table: "Incidents",
                columns: new[] { "TenantId", "Status", "FinalDue" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentSubjects_IncidentId",
                table: "IncidentSubjects",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentSubjects_TenantId",
                table: "IncidentSubjects",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTimeline_IncidentId",
                table: "IncidentTimeline",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTimeline_TenantId",
                table: "IncidentTimeline",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTimeline_TenantId_IncidentId_Time",
                table: "IncidentTimeline",
                columns: new[] { "TenantId", "IncidentId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_TenantId",
                table: "OutboxMessages",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_TenantId_SentAt_NextAttemptAt",
                table: "OutboxMessages",
                columns: new[] { "TenantId", "SentAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PolicyVersions_TenantId",
                table: "PolicyVersions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_PolicyVersions_TenantId_Number",
                table: "PolicyVersions",
                columns: new[] { "TenantId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionRecords_TenantId",
                table: "ProvisionRecords",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionRecords_TenantId_At",
                table: "ProvisionRecords",
                columns: new[] { "TenantId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionRecords_TenantId_KeepThrough",
                table: "ProvisionRecords",
                columns: new[] { "TenantId", "KeepThrough" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionRecordSubjects_TenantId",
                table: "ProvisionRecordSubjects",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionRecordSubjects_TenantId_SubjectId",
                table: "ProvisionRecordSubjects",
                columns: new[] { "TenantId", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionStopRequests_TenantId",
                table: "ProvisionStopRequests",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionStopRequests_TenantId_At",
                table: "ProvisionStopRequests",
                columns: new[] { "TenantId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RecipientProfiles_TenantId",
                table: "RecipientProfiles",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_RequestArtifacts_TenantId",
                table: "RequestArtifacts",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_RequestArtifacts_TenantId_RequestId",
                table: "RequestArtifacts",
                columns: new[] { "TenantId", "RequestId" });

            migrationBuilder.CreateIndex(
                name: "IX_RequestDocuments_TenantId",
                table: "RequestDocuments",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_RequestDocuments_TenantId_RequestId",
                table: "RequestDocuments",
                columns: new[] { "TenantId", "RequestId" });

            migrationBuilder.CreateIndex(
                name: "IX_RequestTransitions_TenantId",
                table: "RequestTransitions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_RequestTransitions_TenantId_RequestId_At",
                table: "RequestTransitions",
                columns: new[] { "TenantId", "RequestId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_TenantId",
                table: "Sessions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_TenantId_UserId",
                table: "Sessions",
                columns: new[] { "TenantId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_TokenHash",
                table: "Sessions",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SharedUseMembers_TenantId",
                table: "SharedUseMembers",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SharedUseMembers_TenantId_GroupId",
                table: "SharedUseMembers",
                columns: new[] { "TenantId", "GroupId" });

            migrationBuilder.CreateIndex(
                name: "IX_SubjectFields_TenantId",
                table: "SubjectFields",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SubjectLookups_TenantId",
                table: "SubjectLookups",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SubjectLookups_TenantId_Kind_Hash",
                table: "SubjectLookups",
                columns: new[] { "TenantId", "Kind", "Hash" });

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionRecords_TenantId",
                table: "SupervisionRecords",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionRecords_TenantId_RecipientId_HeldOn",
                table: "SupervisionRecords",
                columns: new[] { "TenantId", "RecipientId", "HeldOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_Slug",
                table: "Tenants",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Users_TenantId",
                table: "Users",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Users_TenantId_Email",
                table: "Users",
                columns: new[] { "TenantId", "Email" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AuditCheckpoints");

            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropTable(
                name: "AuditHeads");

            migrationBuilder.DropTable(
                name: "ConsentRecords");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "DataSubjectRequests");

            migrationBuilder.DropTable(
                name: "DataSubjects");

            migrationBuilder.DropTable(
                name: "DestructionCertificates");

            migrationBuilder.DropTable(
                name: "ExceptionRecords");

            migrationBuilder.DropTable(
                name: "ImportRuns");

            migrationBuilder.DropTable(
                name: "IncidentSubjects");

            migrationBuilder.DropTable(
                name: "IncidentTimeline");

            migrationBuilder.DropTable(
                name: "OutboxMessages");

            migrationBuilder.DropTable(
                name: "PolicyVersions");

            migrationBuilder.DropTable(
                name: "ProvisionRecords");

            migrationBuilder.DropTable(
                name: "ProvisionRecordSubjects");

            migrationBuilder.DropTable(
                name: "ProvisionStopRequests");

            migrationBuilder.DropTable(
                name: "RecipientProfiles");

            migrationBuilder.DropTable(
                name: "RequestArtifacts");

            migrationBuilder.DropTable(
                name: "RequestDocuments");

            migrationBuilder.DropTable(
                name: "RequestTransitions");

            migrationBuilder.DropTable(
                name: "Sessions");

            migrationBuilder.DropTable(
                name: "SharedUseMembers");

            migrationBuilder.DropTable(
                name: "SubjectFields");

            migrationBuilder.DropTable(
                name: "SubjectLookups");

            migrationBuilder.DropTable(
                name: "SupervisionRecords");

            migrationBuilder.DropTable(
                name: "Tenants");

            migrationBuilder.DropTable(
                name: "Users");

            migrationBuilder.DropTable(
                name: "Incidents");
        }
    }
}
