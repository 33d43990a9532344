using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Anonymization2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "DatasetId",
                table: "ProvisionRecords",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecipientNotice",
                table: "ProvisionRecords",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ProcessedDatasets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Items = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Replaced = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Deleted = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Purposes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    SafetyMeasures = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ProvisionMethod = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RowCount = table.Column<int>(type: "integer", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    KeyDeletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedDatasets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedDatasets_TenantId",
                table: "ProcessedDatasets",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedDatasets_TenantId_CreatedAt",
                table: "ProcessedDatasets",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProcessedDatasets");

            migrationBuilder.DropColumn(
                name: "DatasetId",
                table: "ProvisionRecords");

            migrationBuilder.DropColumn(
                name: "RecipientNotice",
                table: "ProvisionRecords");
        }
    }
}
