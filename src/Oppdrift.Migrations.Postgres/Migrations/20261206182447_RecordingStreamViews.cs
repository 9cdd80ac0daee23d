using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RecordingStreamViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Viewers",
                table: "learning_recordings",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ViewsReadAt",
                table: "learning_recordings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ViewsSource",
                table: "learning_recordings",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Entered");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Viewers",
                table: "learning_recordings");

            migrationBuilder.DropColumn(
                name: "ViewsReadAt",
                table: "learning_recordings");

            migrationBuilder.DropColumn(
                name: "ViewsSource",
                table: "learning_recordings");
        }
    }
}
