using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RequestTransitionSequence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RequestTransitions_TenantId_RequestId_At",
                table: "RequestTransitions");

            migrationBuilder.AddColumn<int>(
                name: "Sequence",
                table: "RequestTransitions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Transitions",
                table: "DataSubjectRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Existing histories keep the order they were shown in (time, then id); each request's count is its next sequence.
            migrationBuilder.Sql("""
                UPDATE "RequestTransitions" SET "Sequence" = (SELECT COUNT(*) FROM "RequestTransitions" AS t
                  WHERE t."RequestId" = "RequestTransitions"."RequestId"
                    AND (t."At" < "RequestTransitions"."At" OR (t."At" = "RequestTransitions"."At" AND t."Id" <= "RequestTransitions"."Id")))
                """);
            migrationBuilder.Sql("""
                UPDATE "DataSubjectRequests" SET "Transitions" = (SELECT COUNT(*) FROM "RequestTransitions" AS t WHERE t."RequestId" = "DataSubjectRequests"."Id")
                """);

            migrationBuilder.CreateIndex(
                name: "IX_RequestTransitions_TenantId_RequestId_Sequence",
                table: "RequestTransitions",
                columns: new[] { "TenantId", "RequestId", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RequestTransitions_TenantId_RequestId_Sequence",
                table: "RequestTransitions");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "RequestTransitions");

            migrationBuilder.DropColumn(
                name: "Transitions",
                table: "DataSubjectRequests");

            migrationBuilder.CreateIndex(
                name: "IX_RequestTransitions_TenantId_RequestId_At",
                table: "RequestTransitions",
                columns: new[] { "TenantId", "RequestId", "At" });
        }
    }
}
