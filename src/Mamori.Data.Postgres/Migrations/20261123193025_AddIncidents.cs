using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddIncidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IncidentSubjects");

            migrationBuilder.DropTable(
                name: "IncidentTimeline");

            migrationBuilder.DropTable(
                name: "Incidents");
        }
    }
}
