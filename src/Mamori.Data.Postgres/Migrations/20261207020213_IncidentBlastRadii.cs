using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class IncidentBlastRadii : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IncidentBlastRadii",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActorKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ActorName = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    ActorPrefix = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    From = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    To = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeakedExport = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    EventsRead = table.Column<long>(type: "bigint", nullable: false),
                    VerifiedEvents = table.Column<long>(type: "bigint", nullable: false),
                    Persons = table.Column<long>(type: "bigint", nullable: false),
                    NewPersons = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentBlastRadii", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentBlastRadii_Incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentBlastRadii_IncidentId",
                table: "IncidentBlastRadii",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentBlastRadii_TenantId",
                table: "IncidentBlastRadii",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentBlastRadii_TenantId_IncidentId_Number",
                table: "IncidentBlastRadii",
                columns: new[] { "TenantId", "IncidentId", "Number" },
                unique: true);

            // Each incident's one computation so far becomes its first row (its persons are all "new"), with the key's or user's name
            // where it still exists; then the columns that held it go.
            migrationBuilder.Sql("""
                INSERT INTO "IncidentBlastRadii" ("Id", "TenantId", "IncidentId", "Number", "ComputedAt", "ActorKind", "ActorId", "From", "To", "LeakedExport",
                    "EventsRead", "VerifiedEvents", "Persons", "NewPersons")
                SELECT "Id", "TenantId", "Id", 1, "BlastComputedAt", "CompromisedActorKind", "CompromisedActorId", "BlastFrom", "BlastTo", "LeakedExport",
                    COALESCE("BlastEventsRead", 0), COALESCE("BlastVerifiedEvents", 0), COALESCE("BlastPersons", 0), COALESCE("BlastPersons", 0)
                FROM "Incidents" WHERE "BlastComputedAt" IS NOT NULL
                """);
            migrationBuilder.Sql("""
                UPDATE "IncidentBlastRadii" SET
                    "ActorName" = (SELECT k."Name" FROM "ApiKeys" k WHERE k."Id"::text = "IncidentBlastRadii"."ActorId"),
                    "ActorPrefix" = (SELECT 'mk_' || k."Prefix" || '_' FROM "ApiKeys" k WHERE k."Id"::text = "IncidentBlastRadii"."ActorId")
                WHERE "ActorKind" = 'ApiKey'
                """);
            migrationBuilder.Sql("""
                UPDATE "IncidentBlastRadii" SET "ActorName" = (SELECT u."Email" FROM "Users" u WHERE u."Id"::text = "IncidentBlastRadii"."ActorId")
                WHERE "ActorKind" = 'User'
                """);

            migrationBuilder.DropColumn(
                name: "BlastComputedAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "BlastEventsRead",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "BlastFrom",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "BlastTo",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "BlastVerifiedEvents",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "CompromisedActorId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "CompromisedActorKind",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "LeakedExport",
                table: "Incidents");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The computations are not copied back: the columns held only the last one.
            migrationBuilder.DropTable(
                name: "IncidentBlastRadii");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BlastComputedAt",
                table: "Incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BlastEventsRead",
                table: "Incidents",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BlastFrom",
                table: "Incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BlastTo",
                table: "Incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BlastVerifiedEvents",
                table: "Incidents",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompromisedActorId",
                table: "Incidents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompromisedActorKind",
                table: "Incidents",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakedExport",
                table: "Incidents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);
        }
    }
}
