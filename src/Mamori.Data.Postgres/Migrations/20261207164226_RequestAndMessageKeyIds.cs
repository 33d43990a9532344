using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RequestAndMessageKeyIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "OutboxMessages",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "DataSubjectRequests",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            // The key-encryption key of rows written before the column: the id inside their wrapped key (v1:<keyId>:…).
            migrationBuilder.Sql(@"UPDATE ""DataSubjectRequests"" SET ""KeyId"" = split_part(""WrappedKey"", ':', 2) WHERE ""WrappedKey"" LIKE 'v1:%:%';");
            migrationBuilder.Sql(@"UPDATE ""OutboxMessages"" SET ""KeyId"" = split_part(""WrappedKey"", ':', 2) WHERE ""WrappedKey"" LIKE 'v1:%:%';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "DataSubjectRequests");
        }
    }
}
