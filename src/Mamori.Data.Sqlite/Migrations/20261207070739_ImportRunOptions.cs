using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ImportRunOptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Acquisition",
                table: "ImportRuns",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Encoding",
                table: "ImportRuns",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Purposes",
                table: "ImportRuns",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServiceId",
                table: "ImportRuns",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Acquisition",
                table: "ImportRuns");

            migrationBuilder.DropColumn(
                name: "Encoding",
                table: "ImportRuns");

            migrationBuilder.DropColumn(
                name: "Purposes",
                table: "ImportRuns");

            migrationBuilder.DropColumn(
                name: "ServiceId",
                table: "ImportRuns");
        }
    }
}
