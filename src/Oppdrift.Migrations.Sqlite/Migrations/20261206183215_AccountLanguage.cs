using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AccountLanguage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "accounts",
                type: "TEXT",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Language",
                table: "accounts");
        }
    }
}
