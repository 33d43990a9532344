using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CertificateKeptItems : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeptItems",
                table: "DestructionCertificates",
                type: "TEXT",
                maxLength: 8000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "KeptItems",
                table: "DestructionCertificates");
        }
    }
}
