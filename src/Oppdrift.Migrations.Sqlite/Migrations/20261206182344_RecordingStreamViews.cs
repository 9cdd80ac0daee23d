using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ViewsReadAt",
                table: "learning_recordings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ViewsSource",
                table: "learning_recordings",
                type: "TEXT",
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
