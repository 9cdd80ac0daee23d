using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RecordingExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiresAt",
                table: "learning_recordings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExpirySource",
                table: "learning_recordings",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Policy");

            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiryWarnedAt",
                table: "learning_recordings",
                type: "TEXT",
                nullable: true);

            // Recordings added before expiry was recorded get Teams' default: 120 days after they were made (the session's
            // start when that is earlier than when the link was added). The owner corrects any of them on its page.
            migrationBuilder.Sql("""
                UPDATE learning_recordings SET "ExpiresAt" = datetime(COALESCE(
                    (SELECT MIN(s."StartsAt", learning_recordings."CreatedAt") FROM learning_sessions s WHERE s."Id" = learning_recordings."SessionId"),
                    "CreatedAt"), '+120 days');
                """);

            migrationBuilder.CreateIndex(
                name: "IX_learning_recordings_ExpiresAt",
                table: "learning_recordings",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_learning_recordings_ExpiresAt",
                table: "learning_recordings");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "learning_recordings");

            migrationBuilder.DropColumn(
                name: "ExpirySource",
                table: "learning_recordings");

            migrationBuilder.DropColumn(
                name: "ExpiryWarnedAt",
                table: "learning_recordings");
        }
    }
}
