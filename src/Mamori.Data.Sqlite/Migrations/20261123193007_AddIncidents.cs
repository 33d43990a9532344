using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Cause = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DiscoveredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AwareDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Categories = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    PersonsKnown = table.Column<long>(type: "INTEGER", nullable: true),
                    PersonsUpperBound = table.Column<long>(type: "INTEGER", nullable: true),
                    SpecialCare = table.Column<bool>(type: "INTEGER", nullable: false),
                    PropertyDamageRisk = table.Column<bool>(type: "INTEGER", nullable: false),
                    Suspected = table.Column<bool>(type: "INTEGER", nullable: false),
                    EncryptedKeysSafe = table.Column<bool>(type: "INTEGER", nullable: false),
                    MyNumber = table.Column<bool>(type: "INTEGER", nullable: false),
                    PubliclyExposed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    CauseDetails = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    SecondaryDamage = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    PersonsResponse = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Publication = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Prevention = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Measures = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    OtherNotes = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    ContactPoint = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OwnerUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Reportable = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reasons = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Exemption = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PreliminaryWarn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    PreliminaryDue = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    FinalDue = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    FinalPeriodDays = table.Column<int>(type: "INTEGER", nullable: true),
                    PreliminaryReportedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinalReportedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompromisedActorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    CompromisedActorId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    BlastFrom = table.Column<long>(type: "INTEGER", nullable: true),
                    BlastTo = table.Column<long>(type: "INTEGER", nullable: true),
                    BlastComputedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BlastEventsRead = table.Column<long>(type: "INTEGER", nullable: true),
                    BlastVerifiedEvents = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Incidents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IncidentSubjects",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false)
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
