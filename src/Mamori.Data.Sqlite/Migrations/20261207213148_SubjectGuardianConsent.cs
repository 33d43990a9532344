using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SubjectGuardianConsent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "GuardianEvidenceRef",
                table: "ImportRuns",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "GuardianConsent",
                table: "DataSubjects",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "GuardianEvidenceRef",
                table: "DataSubjects",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "GuardianEvidenceRef",
                table: "ImportRuns");

            migrationBuilder.DropColumn(
                name: "GuardianConsent",
                table: "DataSubjects");

            migrationBuilder.DropColumn(
                name: "GuardianEvidenceRef",
                table: "DataSubjects");
        }
    }
}
