using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    ActorPrefix = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    From = table.Column<long>(type: "INTEGER", nullable: true),
                    To = table.Column<long>(type: "INTEGER", nullable: true),
                    LeakedExport = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EventsRead = table.Column<long>(type: "INTEGER", nullable: false),
                    VerifiedEvents = table.Column<long>(type: "INTEGER", nullable: false),
                    Persons = table.Column<long>(type: "INTEGER", nullable: false),
                    NewPersons = table.Column<long>(type: "INTEGER", nullable: false)
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
                    "ActorName" = (SELECT k."Name" FROM "ApiKeys" k WHERE lower(k."Id") = "IncidentBlastRadii"."ActorId"),
                    "ActorPrefix" = (SELECT 'mk_' || k."Prefix" || '_' FROM "ApiKeys" k WHERE lower(k."Id") = "IncidentBlastRadii"."ActorId")
                WHERE "ActorKind" = 'ApiKey'
                """);
            migrationBuilder.Sql("""
                UPDATE "IncidentBlastRadii" SET "ActorName" = (SELECT u."Email" FROM "Users" u WHERE lower(u."Id") = "IncidentBlastRadii"."ActorId")
                WHERE "ActorKind" = 'User'
                """);

            // SQLite drops the columns in place (3.35+), inside the migration's transaction: EF's DropColumn would rebuild Incidents with
            // foreign keys off, outside any transaction.
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "BlastComputedAt";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "BlastEventsRead";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "BlastFrom";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "BlastTo";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "BlastVerifiedEvents";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "CompromisedActorId";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "CompromisedActorKind";""");
            migrationBuilder.Sql("""ALTER TABLE "Incidents" DROP COLUMN "LeakedExport";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The computations are not copied back: the columns held only the last one.
            migrationBuilder.DropTable(
                name: "IncidentBlastRadii");

            migrationBuilder.AddColumn<long>(
                name: "BlastComputedAt",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BlastEventsRead",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BlastFrom",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BlastTo",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BlastVerifiedEvents",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompromisedActorId",
                table: "Incidents",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompromisedActorKind",
                table: "Incidents",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakedExport",
                table: "Incidents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }
    }
}
