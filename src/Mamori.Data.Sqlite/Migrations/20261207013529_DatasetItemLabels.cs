using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DatasetItemLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ItemLabels",
                table: "ProcessedDatasets",
                type: "TEXT",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ItemLabels",
                table: "ProcessedDatasets");
        }
    }
}
