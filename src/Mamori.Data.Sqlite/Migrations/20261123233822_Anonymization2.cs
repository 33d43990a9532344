using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecipientNotice",
                table: "ProvisionRecords",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

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
