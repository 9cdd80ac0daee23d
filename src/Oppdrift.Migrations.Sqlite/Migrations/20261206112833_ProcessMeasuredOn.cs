using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Oppdrift.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ProcessMeasuredOn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ProcessMeasures_ProcessId_Phase_Kind",
                table: "ProcessMeasures");

            migrationBuilder.AddColumn<DateOnly>(
                name: "MeasuredOn",
                table: "ProcessMeasures",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            // Measures kept so far get the day they were entered; those of a moved process that were entered on the wrong
            // side of its move (registered after the move, or the move date changed later) get the move date, so measures
            // before never lie after the move nor measures after before it.
            migrationBuilder.Sql("""
                UPDATE ProcessMeasures SET MeasuredOn = substr(EnteredAt, 1, 10);
                UPDATE ProcessMeasures SET MeasuredOn = (SELECT p.MovedOn FROM Processes AS p WHERE p.Id = ProcessMeasures.ProcessId)
                WHERE EXISTS (SELECT 1 FROM Processes AS p
                    WHERE p.Id = ProcessMeasures.ProcessId AND p.MovedOn IS NOT NULL AND p.State IN ('Moved', 'Measured')
                      AND ((ProcessMeasures.Phase = 'Before' AND ProcessMeasures.MeasuredOn > p.MovedOn)
                        OR (ProcessMeasures.Phase = 'After' AND ProcessMeasures.MeasuredOn < p.MovedOn)));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_ProcessMeasures_Kind_MeasuredOn",
                table: "ProcessMeasures",
                columns: new[] { "Kind", "MeasuredOn" });

            migrationBuilder.CreateIndex(
                name: "IX_ProcessMeasures_ProcessId_Phase_Kind_MeasuredOn",
                table: "ProcessMeasures",
                columns: new[] { "ProcessId", "Phase", "Kind", "MeasuredOn" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ProcessMeasures_Kind_MeasuredOn",
                table: "ProcessMeasures");

            migrationBuilder.DropIndex(
                name: "IX_ProcessMeasures_ProcessId_Phase_Kind_MeasuredOn",
                table: "ProcessMeasures");

            // One measure per phase and kind again: the latest of each.
            migrationBuilder.Sql("""
                DELETE FROM ProcessMeasures WHERE EXISTS (SELECT 1 FROM ProcessMeasures AS o
                WHERE o.ProcessId = ProcessMeasures.ProcessId AND o.Phase = ProcessMeasures.Phase AND o.Kind = ProcessMeasures.Kind
                  AND o.MeasuredOn > ProcessMeasures.MeasuredOn);
                """);

            migrationBuilder.DropColumn(
                name: "MeasuredOn",
                table: "ProcessMeasures");

            migrationBuilder.CreateIndex(
                name: "IX_ProcessMeasures_ProcessId_Phase_Kind",
                table: "ProcessMeasures",
                columns: new[] { "ProcessId", "Phase", "Kind" },
                unique: true);
        }
    }
}
