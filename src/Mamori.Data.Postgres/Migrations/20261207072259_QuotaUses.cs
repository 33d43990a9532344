using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class QuotaUses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "QuotaUses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaUses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaUses_At",
                table: "QuotaUses",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_QuotaUses_TenantId",
                table: "QuotaUses",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_QuotaUses_TenantId_Key_At",
                table: "QuotaUses",
                columns: new[] { "TenantId", "Key", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuotaUses");
        }
    }
}
