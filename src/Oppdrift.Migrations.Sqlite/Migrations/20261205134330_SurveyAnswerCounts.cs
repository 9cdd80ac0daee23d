using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SurveyAnswerCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SurveyAnswerCounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoundId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: true),
                    QuestionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<int>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyAnswerCounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyAnswerCounts_SurveyQuestions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "SurveyQuestions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyAnswerCounts_SurveyRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SurveyRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyAnswerCounts_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyAnswerCounts_AgencyId",
                table: "SurveyAnswerCounts",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyAnswerCounts_QuestionId",
                table: "SurveyAnswerCounts",
                column: "QuestionId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyAnswerCounts_RoundId_QuestionId_AgencyId_Value",
                table: "SurveyAnswerCounts",
                columns: new[] { "RoundId", "QuestionId", "AgencyId", "Value" });

            // The counts of the answers already stored: per value, and the respondents per question (no value).
            migrationBuilder.Sql("""
                INSERT INTO "SurveyAnswerCounts" ("RoundId", "AgencyId", "QuestionId", "Value", "Count")
                SELECT r."RoundId", r."AgencyId", a."QuestionId", a."Value", COUNT(*)
                FROM "SurveyAnswers" a JOIN "SurveyResponses" r ON r."Id" = a."ResponseId"
                WHERE a."Value" IS NOT NULL
                GROUP BY r."RoundId", r."AgencyId", a."QuestionId", a."Value";
                INSERT INTO "SurveyAnswerCounts" ("RoundId", "AgencyId", "QuestionId", "Value", "Count")
                SELECT r."RoundId", r."AgencyId", a."QuestionId", NULL, COUNT(DISTINCT a."ResponseId")
                FROM "SurveyAnswers" a JOIN "SurveyResponses" r ON r."Id" = a."ResponseId"
                GROUP BY r."RoundId", r."AgencyId", a."QuestionId";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SurveyAnswerCounts");
        }
    }
}
