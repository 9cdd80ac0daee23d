using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class EffectsInterventionSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "SourceId",
                table: "Interventions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceKind",
                table: "Interventions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Interventions_SourceKind_SourceId",
                table: "Interventions",
                columns: new[] { "SourceKind", "SourceId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Interventions_SourceKind_SourceId",
                table: "Interventions");

            migrationBuilder.DropColumn(
                name: "SourceId",
                table: "Interventions");

            migrationBuilder.DropColumn(
                name: "SourceKind",
                table: "Interventions");
        }
    }
}
