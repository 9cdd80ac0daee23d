using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SecurityPrivacy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "learning_feedback_given",
                columns: table => new
                {
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_feedback_given", x => new { x.SessionId, x.PersonId });
                    table.ForeignKey(
                        name: "FK_learning_feedback_given_learning_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "learning_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_feedback_given_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Who has answered moves to its own table, unlinked from the answers; the answers keep only their day.
            migrationBuilder.Sql("""INSERT INTO learning_feedback_given ("SessionId", "PersonId") SELECT DISTINCT "SessionId", "PersonId" FROM learning_feedback;""");
            migrationBuilder.Sql("""UPDATE learning_feedback SET "GivenAt" = date_trunc('day', "GivenAt");""");

            migrationBuilder.DropForeignKey(
                name: "FK_learning_feedback_people_PersonId",
                table: "learning_feedback");

            migrationBuilder.DropIndex(
                name: "IX_learning_feedback_PersonId",
                table: "learning_feedback");

            migrationBuilder.DropIndex(
                name: "IX_learning_feedback_SessionId_PersonId",
                table: "learning_feedback");

            migrationBuilder.DropColumn(
                name: "PersonId",
                table: "learning_feedback");

            migrationBuilder.CreateIndex(
                name: "IX_learning_feedback_SessionId",
                table: "learning_feedback",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_feedback_given_PersonId",
                table: "learning_feedback_given",
                column: "PersonId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The answers were stored without their people on purpose; they cannot be linked again, so going back drops them.
            migrationBuilder.Sql("DELETE FROM learning_feedback;");

            migrationBuilder.DropTable(
                name: "learning_feedback_given");

            migrationBuilder.DropIndex(
                name: "IX_learning_feedback_SessionId",
                table: "learning_feedback");

            migrationBuilder.AddColumn<int>(
                name: "PersonId",
                table: "learning_feedback",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_learning_feedback_PersonId",
                table: "learning_feedback",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_feedback_SessionId_PersonId",
                table: "learning_feedback",
                columns: new[] { "SessionId", "PersonId" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_learning_feedback_people_PersonId",
                table: "learning_feedback",
                column: "PersonId",
                principalTable: "people",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
