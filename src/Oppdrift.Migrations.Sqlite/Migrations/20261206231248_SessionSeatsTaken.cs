using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SessionSeatsTaken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "SeatsTaken",
                table: "learning_sessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // The counter starts from the seats already held.
            migrationBuilder.Sql("""
                UPDATE learning_sessions SET "SeatsTaken" = (SELECT COUNT(*) FROM learning_registrations r
                    WHERE r."SessionId" = learning_sessions."Id" AND r."Status" = 'Registered');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SeatsTaken",
                table: "learning_sessions");
        }
    }
}
