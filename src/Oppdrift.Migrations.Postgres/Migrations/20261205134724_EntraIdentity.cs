using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class EntraIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_accounts_ExternalId",
                table: "accounts");

            migrationBuilder.AddColumn<bool>(
                name: "DisabledInDirectory",
                table: "accounts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "EntraRoles",
                table: "accounts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "TenantId",
                table: "accounts",
                type: "character varying(36)",
                maxLength: 36,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_accounts_ExternalId_TenantId",
                table: "accounts",
                columns: new[] { "ExternalId", "TenantId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_accounts_ExternalId_TenantId",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "DisabledInDirectory",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "EntraRoles",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "TenantId",
                table: "accounts");

            migrationBuilder.CreateIndex(
                name: "IX_accounts_ExternalId",
                table: "accounts",
                column: "ExternalId");
        }
    }
}
