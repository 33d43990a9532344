using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class IncidentBlastPersons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BlastPersons",
                table: "Incidents",
                type: "bigint",
                nullable: true);

            // Incidents with a blast radius from before: its count is the number of subjects it recorded.
            migrationBuilder.Sql("""
                UPDATE "Incidents" SET "BlastPersons" = (SELECT COUNT(*) FROM "IncidentSubjects" s
                    WHERE s."TenantId" = "Incidents"."TenantId" AND s."IncidentId" = "Incidents"."Id")
                WHERE "BlastComputedAt" IS NOT NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BlastPersons",
                table: "Incidents");
        }
    }
}
