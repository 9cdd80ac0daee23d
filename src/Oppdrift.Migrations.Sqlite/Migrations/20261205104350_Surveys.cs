using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Surveys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Surveys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RecurrenceMonths = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Surveys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SurveyRounds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SurveyId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Population = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PopulationAgencyId = table.Column<int>(type: "INTEGER", nullable: true),
                    PopulationUnitId = table.Column<int>(type: "INTEGER", nullable: true),
                    OpensAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClosesAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RemindedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyRounds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyRounds_Surveys_SurveyId",
                        column: x => x.SurveyId,
                        principalTable: "Surveys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyRounds_agencies_PopulationAgencyId",
                        column: x => x.PopulationAgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurveyRounds_units_PopulationUnitId",
                        column: x => x.PopulationUnitId,
                        principalTable: "units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SurveyThemes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SurveyId = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NameNb = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyThemes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyThemes_Surveys_SurveyId",
                        column: x => x.SurveyId,
                        principalTable: "Surveys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SurveyImports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoundId = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ImportedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyImports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyImports_SurveyRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SurveyRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SurveyInvitations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoundId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    GroupAgencyId = table.Column<int>(type: "INTEGER", nullable: true),
                    RemindedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Used = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyInvitations_SurveyRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SurveyRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyInvitations_agencies_GroupAgencyId",
                        column: x => x.GroupAgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurveyInvitations_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SurveyRoundGroups",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoundId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: true),
                    Invited = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyRoundGroups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyRoundGroups_SurveyRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SurveyRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyRoundGroups_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SurveyQuestions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SurveyId = table.Column<int>(type: "INTEGER", nullable: false),
                    ThemeId = table.Column<int>(type: "INTEGER", nullable: true),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    LibraryKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TextNb = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    TextEn = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ScaleMax = table.Column<int>(type: "INTEGER", nullable: false),
                    OptionsNb = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    OptionsEn = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Required = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyQuestions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyQuestions_SurveyThemes_ThemeId",
                        column: x => x.ThemeId,
                        principalTable: "SurveyThemes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_SurveyQuestions_Surveys_SurveyId",
                        column: x => x.SurveyId,
                        principalTable: "Surveys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SurveyResponses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<int>(type: "INTEGER", nullable: true),
                    ImportId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyResponses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyResponses_SurveyImports_ImportId",
                        column: x => x.ImportId,
                        principalTable: "SurveyImports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyResponses_SurveyRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SurveyRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyResponses_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SurveyAnswers",
                columns: table => new
                {
                    ResponseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    QuestionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Choice = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<int>(type: "INTEGER", nullable: true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyAnswers", x => new { x.ResponseId, x.QuestionId, x.Choice });
                    table.ForeignKey(
                        name: "FK_SurveyAnswers_SurveyQuestions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "SurveyQuestions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyAnswers_SurveyResponses_ResponseId",
                        column: x => x.ResponseId,
                        principalTable: "SurveyResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyAnswers_QuestionId",
                table: "SurveyAnswers",
                column: "QuestionId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyImports_RoundId_Sha256",
                table: "SurveyImports",
                columns: new[] { "RoundId", "Sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyInvitations_GroupAgencyId",
                table: "SurveyInvitations",
                column: "GroupAgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyInvitations_PersonId",
                table: "SurveyInvitations",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyInvitations_RoundId_PersonId",
                table: "SurveyInvitations",
                columns: new[] { "RoundId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyInvitations_TokenHash",
                table: "SurveyInvitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyQuestions_SurveyId_SortOrder",
                table: "SurveyQuestions",
                columns: new[] { "SurveyId", "SortOrder" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyQuestions_ThemeId",
                table: "SurveyQuestions",
                column: "ThemeId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_AgencyId",
                table: "SurveyResponses",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_ImportId",
                table: "SurveyResponses",
                column: "ImportId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_RoundId_AgencyId",
                table: "SurveyResponses",
                columns: new[] { "RoundId", "AgencyId" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRoundGroups_AgencyId",
                table: "SurveyRoundGroups",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRoundGroups_RoundId_AgencyId",
                table: "SurveyRoundGroups",
                columns: new[] { "RoundId", "AgencyId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRounds_PopulationAgencyId",
                table: "SurveyRounds",
                column: "PopulationAgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRounds_PopulationUnitId",
                table: "SurveyRounds",
                column: "PopulationUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRounds_SurveyId_Number",
                table: "SurveyRounds",
                columns: new[] { "SurveyId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Surveys_Name",
                table: "Surveys",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyThemes_SurveyId_Key",
                table: "SurveyThemes",
                columns: new[] { "SurveyId", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SurveyAnswers");

            migrationBuilder.DropTable(
                name: "SurveyInvitations");

            migrationBuilder.DropTable(
                name: "SurveyRoundGroups");

            migrationBuilder.DropTable(
                name: "SurveyQuestions");

            migrationBuilder.DropTable(
                name: "SurveyResponses");

            migrationBuilder.DropTable(
                name: "SurveyThemes");

            migrationBuilder.DropTable(
                name: "SurveyImports");

            migrationBuilder.DropTable(
                name: "SurveyRounds");

            migrationBuilder.DropTable(
                name: "Surveys");
        }
    }
}
