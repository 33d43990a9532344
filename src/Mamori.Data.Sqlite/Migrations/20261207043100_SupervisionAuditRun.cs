using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SupervisionAuditRun : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AuditRunId",
                table: "SupervisionRecords",
                type: "TEXT",
                nullable: true);

            // Records an entrustee audit wrote before this column kept the audit as a path in Actions
            // ('/governance/audits/runs/' and the run's id, lower case); SQLite holds Guids as upper-case text.
            migrationBuilder.Sql("""
                UPDATE "SupervisionRecords" SET "AuditRunId" = upper(substr("Actions", 25)), "Actions" = NULL
                WHERE "Actions" LIKE '/governance/audits/runs/%' AND length("Actions") = 60
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AuditRunId",
                table: "SupervisionRecords");
        }
    }
}
