using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DatasetK : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "K",
                table: "ProcessedDatasets",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "K",
                table: "ProcessedDatasets");
        }
    }
}
