using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LeaderGroupNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AgencyId",
                table: "learning_cohorts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "EndsOn",
                table: "learning_cohorts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "learning_cohort_notes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CohortId = table.Column<int>(type: "INTEGER", nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ModuleId = table.Column<int>(type: "INTEGER", nullable: true),
                    Author = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_cohort_notes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_cohort_notes_learning_cohorts_CohortId",
                        column: x => x.CohortId,
                        principalTable: "learning_cohorts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_cohort_notes_learning_modules_ModuleId",
                        column: x => x.ModuleId,
                        principalTable: "learning_modules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_learning_cohorts_AgencyId",
                table: "learning_cohorts",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_cohort_notes_CohortId_On",
                table: "learning_cohort_notes",
                columns: new[] { "CohortId", "On" });

            migrationBuilder.CreateIndex(
                name: "IX_learning_cohort_notes_ModuleId",
                table: "learning_cohort_notes",
                column: "ModuleId");

            migrationBuilder.AddForeignKey(
                name: "FK_learning_cohorts_agencies_AgencyId",
                table: "learning_cohorts",
                column: "AgencyId",
                principalTable: "agencies",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_learning_cohorts_agencies_AgencyId",
                table: "learning_cohorts");

            migrationBuilder.DropTable(
                name: "learning_cohort_notes");

            migrationBuilder.DropIndex(
                name: "IX_learning_cohorts_AgencyId",
                table: "learning_cohorts");

            migrationBuilder.DropColumn(
                name: "AgencyId",
                table: "learning_cohorts");

            migrationBuilder.DropColumn(
                name: "EndsOn",
                table: "learning_cohorts");
        }
    }
}
