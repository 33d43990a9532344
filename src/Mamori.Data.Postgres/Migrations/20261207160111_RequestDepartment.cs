using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RequestDepartment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DepartmentId",
                table: "DataSubjectRequests",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_TenantId_DepartmentId_Status",
                table: "DataSubjectRequests",
                columns: new[] { "TenantId", "DepartmentId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DataSubjectRequests_TenantId_DepartmentId_Status",
                table: "DataSubjectRequests");

            migrationBuilder.DropColumn(
                name: "DepartmentId",
                table: "DataSubjectRequests");
        }
    }
}
