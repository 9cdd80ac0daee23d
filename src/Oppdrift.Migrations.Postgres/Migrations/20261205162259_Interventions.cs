using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: true),
                    Metrics = table.Column<List<string>>(type: "text[]", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InterventionId = table.Column<int>(type: "integer", nullable: false),
                    Metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Verdict = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Treated = table.Column<List<int>>(type: "integer[]", nullable: false),
                    Comparison = table.Column<List<int>>(type: "integer[]", nullable: false),
                    TreatedPeople = table.Column<int>(type: "integer", nullable: false),
                    Dose = table.Column<double>(type: "double precision", nullable: true),
                    Estimate = table.Column<double>(type: "double precision", nullable: true),
                    Low = table.Column<double>(type: "double precision", nullable: true),
                    High = table.Column<double>(type: "double precision", nullable: true),
                    TreatedBefore = table.Column<double>(type: "double precision", nullable: true),
                    TreatedAfter = table.Column<double>(type: "double precision", nullable: true),
                    Drift = table.Column<double>(type: "double precision", nullable: true),
                    PreTrendOk = table.Column<bool>(type: "boolean", nullable: true),
                    PlaceboSets = table.Column<int>(type: "integer", nullable: false),
                    StartWeek = table.Column<DateOnly>(type: "date", nullable: false),
                    EventStudy = table.Column<string>(type: "text", nullable: false)
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
                    InterventionId = table.Column<int>(type: "integer", nullable: false),
                    AgencyId = table.Column<int>(type: "integer", nullable: false)
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
