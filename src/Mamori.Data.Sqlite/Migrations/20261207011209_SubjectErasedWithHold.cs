using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SubjectErasedWithHold : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ErasedWithHoldAt",
                table: "DataSubjects",
                type: "INTEGER",
                nullable: true);

            // Erased before this column existed with categories kept under a legal hold (an erasure certificate, kind 0, that
            // kept something, on a subject still holding a key): marked at its first such erasure, and what it keeps goes when the hold ends.
            migrationBuilder.Sql("""
                UPDATE "DataSubjects" SET "ErasedWithHoldAt" = (SELECT MIN(c."DestroyedAt") FROM "DestructionCertificates" c
                    WHERE c."TenantId" = "DataSubjects"."TenantId" AND c."SubjectId" = "DataSubjects"."Id" AND c."Kind" = 0 AND c."Kept" IS NOT NULL)
                WHERE "WrappedKey" IS NOT NULL AND "ErasedAt" IS NULL
                """);
            migrationBuilder.Sql("""
                UPDATE "SubjectFields" SET "RetainUntil" = "HeldUntil"
                WHERE "HeldUntil" IS NOT NULL AND "HeldUntil" < "RetainUntil" AND EXISTS (SELECT 1 FROM "DataSubjects" s
                    WHERE s."TenantId" = "SubjectFields"."TenantId" AND s."Id" = "SubjectFields"."SubjectId" AND s."ErasedWithHoldAt" IS NOT NULL)
                """);
            migrationBuilder.Sql("""
                UPDATE "DataSubjects" SET "NextExpiry" = (SELECT MIN(f."RetainUntil") FROM "SubjectFields" f
                    WHERE f."TenantId" = "DataSubjects"."TenantId" AND f."SubjectId" = "DataSubjects"."Id")
                WHERE "ErasedWithHoldAt" IS NOT NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ErasedWithHoldAt",
                table: "DataSubjects");
        }
    }
}
