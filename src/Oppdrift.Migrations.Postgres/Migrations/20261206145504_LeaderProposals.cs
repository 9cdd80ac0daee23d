using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LeaderProposals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "NewLeadersSince",
                table: "learning_programmes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "leader_arrivals",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AgencyId = table.Column<int>(type: "integer", nullable: false),
                    FromAgencyId = table.Column<int>(type: "integer", nullable: true),
                    DirectoryImportId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leader_arrivals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_leader_arrivals_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_leader_arrivals_agencies_FromAgencyId",
                        column: x => x.FromAgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_leader_arrivals_directory_imports_DirectoryImportId",
                        column: x => x.DirectoryImportId,
                        principalTable: "directory_imports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_leader_arrivals_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_leader_proposal_decisions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgrammeId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    Accepted = table.Column<bool>(type: "boolean", nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_leader_proposal_decisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_learning_leader_proposal_decisions_learning_programmes_Prog~",
                        column: x => x.ProgrammeId,
                        principalTable: "learning_programmes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_leader_proposal_decisions_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_leader_arrivals_AgencyId",
                table: "leader_arrivals",
                column: "AgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_leader_arrivals_At",
                table: "leader_arrivals",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_leader_arrivals_DirectoryImportId",
                table: "leader_arrivals",
                column: "DirectoryImportId");

            migrationBuilder.CreateIndex(
                name: "IX_leader_arrivals_FromAgencyId",
                table: "leader_arrivals",
                column: "FromAgencyId");

            migrationBuilder.CreateIndex(
                name: "IX_leader_arrivals_PersonId",
                table: "leader_arrivals",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_leader_proposal_decisions_PersonId",
                table: "learning_leader_proposal_decisions",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_leader_proposal_decisions_ProgrammeId_PersonId",
                table: "learning_leader_proposal_decisions",
                columns: new[] { "ProgrammeId", "PersonId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "leader_arrivals");

            migrationBuilder.DropTable(
                name: "learning_leader_proposal_decisions");

            migrationBuilder.DropColumn(
                name: "NewLeadersSince",
                table: "learning_programmes");
        }
    }
}
