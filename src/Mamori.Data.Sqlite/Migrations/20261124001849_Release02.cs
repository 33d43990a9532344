using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Release02 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "DatasetId",
                table: "ProvisionRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecipientNotice",
                table: "ProvisionRecords",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NotifiedAt",
                table: "IncidentSubjects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakedExport",
                table: "Incidents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AccessReviewLines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Item = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UnmaskedCategories = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    UnmaskEvents = table.Column<int>(type: "INTEGER", nullable: false),
                    Flags = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LiveSessions = table.Column<int>(type: "INTEGER", nullable: false),
                    LiveKeys = table.Column<int>(type: "INTEGER", nullable: false),
                    DisabledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Decision = table.Column<int>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessReviewLines", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AccessReviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DepartmentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ScheduledOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PeriodFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    PeriodTo = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    ChainVerifiedTo = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessReviews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditChecklistItems",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    QuestionJa = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    QuestionEn = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    EvidenceJa = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    EvidenceEn = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Numerator = table.Column<int>(type: "INTEGER", nullable: true),
                    Denominator = table.Column<int>(type: "INTEGER", nullable: true),
                    Suggested = table.Column<int>(type: "INTEGER", nullable: false),
                    Result = table.Column<int>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChecklistItems", x => new { x.TenantId, x.RunId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "AuditFindings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ChecklistKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RaisedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ClosedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ClosureNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditFindings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditPlans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Auditor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Frequency = table.Column<int>(type: "INTEGER", nullable: false),
                    NextDueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    GraceDays = table.Column<int>(type: "INTEGER", nullable: false),
                    LastHeldOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditPlans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ScheduledOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    StartedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CompletedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Auditor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    EvidenceFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EvidenceTo = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PolicyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CorrectiveActions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FindingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    CompletedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CorrectiveActions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataResponsibilities",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DepartmentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataResponsibilities", x => new { x.TenantId, x.Kind, x.ItemId });
                });

            migrationBuilder.CreateTable(
                name: "Departments",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NameJa = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ManagerUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReviewEveryMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    ReviewGraceDays = table.Column<int>(type: "INTEGER", nullable: false),
                    NextReviewOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Departments", x => new { x.TenantId, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "EntrusteeAssessments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AssessedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Assessor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Answers = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    Result = table.Column<int>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EntrusteeAssessments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EntrusteeContractChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecipientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CheckedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Checker = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContractRef = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Confidentiality = table.Column<bool>(type: "INTEGER", nullable: false),
                    AuditRights = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReEntrustmentConditions = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReturnOrDeletion = table.Column<bool>(type: "INTEGER", nullable: false),
                    SecurityMeasures = table.Column<bool>(type: "INTEGER", nullable: false),
                    IncidentReporting = table.Column<bool>(type: "INTEGER", nullable: false),
                    PurposeLimited = table.Column<bool>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EntrusteeContractChecks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExportTraces",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExportKind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExportId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FirstSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    SubjectCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportTraces", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "GovernanceSettings",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepresentativeUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UnusedAccessDays = table.Column<int>(type: "INTEGER", nullable: false),
                    KeyMaxAgeDays = table.Column<int>(type: "INTEGER", nullable: false),
                    SuspendRolesWhileTrainingOverdue = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GovernanceSettings", x => x.TenantId);
                });

            migrationBuilder.CreateTable(
                name: "ProcessedDatasets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Items = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Replaced = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Deleted = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Purposes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SafetyMeasures = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ProvisionMethod = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    RowCount = table.Column<int>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    KeyDeletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedDatasets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StaffAssignments",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DepartmentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StaffAssignments", x => new { x.TenantId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "TrainingCompletions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CourseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CompletedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCompletions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TrainingCourses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TitleJa = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TitleEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EveryMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    GraceDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCourses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewLines_TenantId",
                table: "AccessReviewLines",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewLines_TenantId_ReviewId",
                table: "AccessReviewLines",
                columns: new[] { "TenantId", "ReviewId" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviews_TenantId",
                table: "AccessReviews",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviews_TenantId_DepartmentId_Status",
                table: "AccessReviews",
                columns: new[] { "TenantId", "DepartmentId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditChecklistItems_TenantId",
                table: "AuditChecklistItems",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditFindings_TenantId",
                table: "AuditFindings",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditFindings_TenantId_RunId",
                table: "AuditFindings",
                columns: new[] { "TenantId", "RunId" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditFindings_TenantId_Status_DueOn",
                table: "AuditFindings",
                columns: new[] { "TenantId", "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditPlans_TenantId",
                table: "AuditPlans",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditPlans_TenantId_NextDueOn",
                table: "AuditPlans",
                columns: new[] { "TenantId", "NextDueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditRuns_TenantId",
                table: "AuditRuns",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditRuns_TenantId_CompletedOn",
                table: "AuditRuns",
                columns: new[] { "TenantId", "CompletedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditRuns_TenantId_PlanId",
                table: "AuditRuns",
                columns: new[] { "TenantId", "PlanId" });

            migrationBuilder.CreateIndex(
                name: "IX_CorrectiveActions_TenantId",
                table: "CorrectiveActions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_CorrectiveActions_TenantId_FindingId",
                table: "CorrectiveActions",
                columns: new[] { "TenantId", "FindingId" });

            migrationBuilder.CreateIndex(
                name: "IX_DataResponsibilities_TenantId",
                table: "DataResponsibilities",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Departments_TenantId",
                table: "Departments",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_EntrusteeAssessments_TenantId",
                table: "EntrusteeAssessments",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_EntrusteeAssessments_TenantId_RecipientId_AssessedOn",
                table: "EntrusteeAssessments",
                columns: new[] { "TenantId", "RecipientId", "AssessedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_EntrusteeContractChecks_TenantId",
                table: "EntrusteeContractChecks",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_EntrusteeContractChecks_TenantId_RecipientId_CheckedOn",
                table: "EntrusteeContractChecks",
                columns: new[] { "TenantId", "RecipientId", "CheckedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_ExportTraces_TenantId",
                table: "ExportTraces",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ExportTraces_TenantId_ExportKind_ExportId",
                table: "ExportTraces",
                columns: new[] { "TenantId", "ExportKind", "ExportId" });

            migrationBuilder.CreateIndex(
                name: "IX_ExportTraces_TenantId_Sha256",
                table: "ExportTraces",
                columns: new[] { "TenantId", "Sha256" });

            migrationBuilder.CreateIndex(
                name: "IX_GovernanceSettings_TenantId",
                table: "GovernanceSettings",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedDatasets_TenantId",
                table: "ProcessedDatasets",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedDatasets_TenantId_CreatedAt",
                table: "ProcessedDatasets",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_StaffAssignments_TenantId",
                table: "StaffAssignments",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_StaffAssignments_TenantId_DepartmentId",
                table: "StaffAssignments",
                columns: new[] { "TenantId", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCompletions_TenantId",
                table: "TrainingCompletions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCompletions_TenantId_CourseId_UserId",
                table: "TrainingCompletions",
                columns: new[] { "TenantId", "CourseId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourses_TenantId",
                table: "TrainingCourses",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourses_TenantId_Code",
                table: "TrainingCourses",
                columns: new[] { "TenantId", "Code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessReviewLines");

            migrationBuilder.DropTable(
                name: "AccessReviews");

            migrationBuilder.DropTable(
                name: "AuditChecklistItems");

            migrationBuilder.DropTable(
                name: "AuditFindings");

            migrationBuilder.DropTable(
                name: "AuditPlans");

            migrationBuilder.DropTable(
                name: "AuditRuns");

            migrationBuilder.DropTable(
                name: "CorrectiveActions");

            migrationBuilder.DropTable(
                name: "DataResponsibilities");

            migrationBuilder.DropTable(
                name: "Departments");

            migrationBuilder.DropTable(
                name: "EntrusteeAssessments");

            migrationBuilder.DropTable(
                name: "EntrusteeContractChecks");

            migrationBuilder.DropTable(
                name: "ExportTraces");

            migrationBuilder.DropTable(
                name: "GovernanceSettings");

            migrationBuilder.DropTable(
                name: "ProcessedDatasets");

            migrationBuilder.DropTable(
                name: "StaffAssignments");

            migrationBuilder.DropTable(
                name: "TrainingCompletions");

            migrationBuilder.DropTable(
                name: "TrainingCourses");

            migrationBuilder.DropColumn(
                name: "DatasetId",
                table: "ProvisionRecords");

            migrationBuilder.DropColumn(
                name: "RecipientNotice",
                table: "ProvisionRecords");

            migrationBuilder.DropColumn(
                name: "NotifiedAt",
                table: "IncidentSubjects");

            migrationBuilder.DropColumn(
                name: "LeakedExport",
                table: "Incidents");
        }
    }
}
