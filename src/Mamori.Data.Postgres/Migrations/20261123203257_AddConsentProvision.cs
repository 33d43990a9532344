using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddConsentProvision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ReceiptId",
                table: "ConsentRecords",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Seq",
                table: "ConsentRecords",
                type: "integer",
                nullable: false,
                defaultValue: 0);

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

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_TenantId_ReceiptId",
                table: "ConsentRecords",
                columns: new[] { "TenantId", "ReceiptId" });

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
                name: "IX_SharedUseMembers_TenantId",
                table: "SharedUseMembers",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SharedUseMembers_TenantId_GroupId",
                table: "SharedUseMembers",
                columns: new[] { "TenantId", "GroupId" });

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionRecords_TenantId",
                table: "SupervisionRecords",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionRecords_TenantId_RecipientId_HeldOn",
                table: "SupervisionRecords",
                columns: new[] { "TenantId", "RecipientId", "HeldOn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProvisionRecords");

            migrationBuilder.DropTable(
                name: "ProvisionRecordSubjects");

            migrationBuilder.DropTable(
                name: "ProvisionStopRequests");

            migrationBuilder.DropTable(
                name: "RecipientProfiles");

            migrationBuilder.DropTable(
                name: "SharedUseMembers");

            migrationBuilder.DropTable(
                name: "SupervisionRecords");

            migrationBuilder.DropIndex(
                name: "IX_ConsentRecords_TenantId_ReceiptId",
                table: "ConsentRecords");

            migrationBuilder.DropColumn(
                name: "ReceiptId",
                table: "ConsentRecords");

            migrationBuilder.DropColumn(
                name: "Seq",
                table: "ConsentRecords");
        }
    }
}
