using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Incidents2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NotifiedAt",
                table: "IncidentSubjects",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakedExport",
                table: "Incidents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ExportTraces",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ExportKind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ExportId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FirstSequence = table.Column<long>(type: "bigint", nullable: false),
                    LastSequence = table.Column<long>(type: "bigint", nullable: false),
                    SubjectCount = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportTraces", x => x.Id);
                });

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExportTraces");

            migrationBuilder.DropColumn(
                name: "NotifiedAt",
                table: "IncidentSubjects");

            migrationBuilder.DropColumn(
                name: "LeakedExport",
                table: "Incidents");
        }
    }
}
