using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InAppViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "learning_document_downloads",
                columns: table => new
                {
                    DocumentId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_document_downloads", x => new { x.DocumentId, x.PersonId, x.Day });
                    table.ForeignKey(
                        name: "FK_learning_document_downloads_learning_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "learning_documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_document_downloads_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "learning_recording_views",
                columns: table => new
                {
                    RecordingId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learning_recording_views", x => new { x.RecordingId, x.PersonId, x.Day });
                    table.ForeignKey(
                        name: "FK_learning_recording_views_learning_recordings_RecordingId",
                        column: x => x.RecordingId,
                        principalTable: "learning_recordings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_learning_recording_views_people_PersonId",
                        column: x => x.PersonId,
                        principalTable: "people",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_learning_document_downloads_PersonId",
                table: "learning_document_downloads",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_learning_recording_views_PersonId",
                table: "learning_recording_views",
                column: "PersonId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "learning_document_downloads");

            migrationBuilder.DropTable(
                name: "learning_recording_views");
        }
    }
}
