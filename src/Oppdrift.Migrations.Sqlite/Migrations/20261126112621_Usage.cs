using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
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
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Workload = table.Column<int>(type: "INTEGER", nullable: false),
                    Pseudonym = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: false),
                    LastActivity = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageActivity", x => new { x.Date, x.Workload, x.Pseudonym });
                });

            migrationBuilder.CreateTable(
                name: "UsageFigures",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false),
                    People = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageFigures", x => new { x.Metric, x.Period, x.Date, x.AgencyId });
                });

            migrationBuilder.CreateTable(
                name: "UsageImports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Report = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReportDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IsCurrent = table.Column<bool>(type: "INTEGER", nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    Matched = table.Column<int>(type: "INTEGER", nullable: false),
                    Unmatched = table.Column<int>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    Concealment = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Errors = table.Column<string>(type: "TEXT", nullable: true),
                    Warnings = table.Column<string>(type: "TEXT", nullable: true)
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
