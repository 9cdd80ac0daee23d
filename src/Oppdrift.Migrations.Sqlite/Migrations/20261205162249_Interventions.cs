using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Interventions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Interventions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProgrammeId = table.Column<int>(type: "INTEGER", nullable: true),
                    Metrics = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Interventions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Interventions_learning_programmes_ProgrammeId",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "EffectResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InterventionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Verdict = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Treated = table.Column<string>(type: "TEXT", nullable: false),
                    Comparison = table.Column<string>(type: "TEXT", nullable: false),
                    TreatedPeople = table.Column<int>(type: "INTEGER", nullable: false),
                    Dose = table.Column<double>(type: "REAL", nullable: true),
                    Estimate = table.Column<double>(type: "REAL", nullable: true),
                    Low = table.Column<double>(type: "REAL", nullable: true),
                    High = table.Column<double>(type: "REAL", nullable: true),
                    TreatedBefore = table.Column<double>(type: "REAL", nullable: true),
                    TreatedAfter = table.Column<double>(type: "REAL", nullable: true),
                    Drift = table.Column<double>(type: "REAL", nullable: true),
                    PreTrendOk = table.Column<bool>(type: "INTEGER", nullable: true),
                    PlaceboSets = table.Column<int>(type: "INTEGER", nullable: false),
                    StartWeek = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EventStudy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EffectResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EffectResults_Interventions_InterventionId",
                        column: x => x.InterventionId,
                        principalTable: "Interventions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InterventionAgencies",
                columns: table => new
                {
                    InterventionId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InterventionAgencies", x => new { x.InterventionId, x.AgencyId });
                    table.ForeignKey(
                        name: "FK_InterventionAgencies_Interventions_InterventionId",
                        column: x => x.InterventionId,
                        principalTable: "Interventions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InterventionAgencies_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EffectResults_InterventionId_Metric",
                table: "EffectResults",
                columns: new[] { "InterventionId", "Metric" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InterventionAgencies_AgencyId",
                table: "InterventionAgencies",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_Interventions_ProgrammeId",
                table: "Interventions",
                column: "ProgrammeId");

            migrationBuilder.CreateIndex(
                name: "IX_Interventions_StartsOn",
                table: "Interventions",
                column: "StartsOn");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EffectResults");

            migrationBuilder.DropTable(
                name: "InterventionAgencies");

            migrationBuilder.DropTable(
                name: "Interventions");
        }
    }
}
