using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Usage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageActivity",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Workload = table.Column<int>(type: "integer", nullable: false),
                    Pseudonym = table.Column<byte[]>(type: "bytea", maxLength: 16, nullable: false),
                    AgencyId = table.Column<int>(type: "integer", nullable: false),
                    LastActivity = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageActivity", x => new { x.Date, x.Workload, x.Pseudonym });
                });

            migrationBuilder.CreateTable(
                name: "UsageFigures",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    Metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AgencyId = table.Column<int>(type: "integer", nullable: false),
                    Value = table.Column<long>(type: "bigint", nullable: false),
                    People = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageFigures", x => new { x.Metric, x.Period, x.Date, x.AgencyId });
                });

            migrationBuilder.CreateTable(
                name: "UsageImports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Report = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReportDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    ImportedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    IsCurrent = table.Column<bool>(type: "boolean", nullable: false),
                    Rows = table.Column<int>(type: "integer", nullable: false),
                    Matched = table.Column<int>(type: "integer", nullable: false),
                    Unmatched = table.Column<int>(type: "integer", nullable: false),
                    Skipped = table.Column<int>(type: "integer", nullable: false),
                    Concealment = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Errors = table.Column<string>(type: "text", nullable: true),
                    Warnings = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageImports", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageFigures_Date_Period",
                table: "UsageFigures",
                columns: new[] { "Date", "Period" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageImports_Report_ReportDate_Period_IsCurrent",
                table: "UsageImports",
                columns: new[] { "Report", "ReportDate", "Period", "IsCurrent" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageImports_StartedAt",
                table: "UsageImports",
                column: "StartedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageActivity");

            migrationBuilder.DropTable(
                name: "UsageFigures");

            migrationBuilder.DropTable(
                name: "UsageImports");
        }
    }
}
