using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
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
                type: "text",
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
