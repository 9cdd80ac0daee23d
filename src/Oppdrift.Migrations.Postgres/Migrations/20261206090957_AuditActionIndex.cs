using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AuditActionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_audit_log_Action_Id",
                table: "audit_log",
                columns: new[] { "Action", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_log_Action_Id",
                table: "audit_log");
        }
    }
}
