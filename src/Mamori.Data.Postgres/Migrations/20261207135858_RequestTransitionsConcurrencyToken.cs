using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mamori.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RequestTransitionsConcurrencyToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
