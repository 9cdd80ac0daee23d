using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobLeasesAndMailClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "learning_outgoing_mail",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedUntil",
                table: "learning_outgoing_mail",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_leases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastStartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Runs = table.Column<long>(type: "INTEGER", nullable: false),
                    Marker = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_leases", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_leases");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "learning_outgoing_mail");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "learning_outgoing_mail");
        }
    }
}
