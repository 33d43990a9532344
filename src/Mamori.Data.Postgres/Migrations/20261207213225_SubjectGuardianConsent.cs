using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
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
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "GuardianConsent",
                table: "DataSubjects",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "GuardianEvidenceRef",
                table: "DataSubjects",
                type: "character varying(200)",
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
