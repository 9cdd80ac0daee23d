using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Oppdrift.Data;
using Oppdrift.Processes;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;

namespace Oppdrift.Tests.Processes;

/// <summary>The migration that dates process measures keeps every measure, dated the day it was entered and never on the wrong side of its process's move.</summary>
public sealed class ProcessMeasuredOnMigrationTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Existing_measures_keep_their_values_and_get_the_day_they_were_entered(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        int waiting, moved;
        await using (var db = database.CreateContext())
        {
            var agencies = await LearningSeed.AgenciesAsync(db, "BOS", "SYE");
            var s = new ProcessServices(db);
            waiting = await s.CreateAsync(ProcessServices.Input(agencies[0].Id) with { Before = new Dictionary<ProcessMeasureKind, MeasureInput>() });
            moved = await s.CreateAsync(ProcessServices.Input(agencies[1].Id) with { Before = new Dictionary<ProcessMeasureKind, MeasureInput>() });
            Assert.True((await s.Editor.SetStateAsync(moved, ProcessState.Moved, new DateOnly(2026, 6, 1), ProcessUsers.Central, default)).Succeeded);

            // Back to the schema before measures were dated, with measures as that version kept them.
            await db.GetService<IMigrator>().MigrateAsync("AuditActionIndex");
            async Task InsertAsync(int process, string phase, double value, int? sample, DateTime enteredAt) =>
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ProcessMeasures" ("ProcessId", "Phase", "Kind", "Value", "SampleCases", "EnteredBy", "EnteredAt")
                    VALUES ({process}, {phase}, {"MinutesPerCase"}, {value}, {sample}, {"leder"}, {enteredAt})
                    """);
            // Late in the evening UTC: the day is the UTC day, whatever the server's time zone.
            await InsertAsync(waiting, "Before", 45, 20, new DateTime(2026, 3, 5, 23, 30, 0, DateTimeKind.Utc));
            // Registered after the move: the measure before is dated the move day, not after it.
            await InsertAsync(moved, "Before", 50, null, new DateTime(2026, 7, 1, 9, 0, 0, DateTimeKind.Utc));
            await InsertAsync(moved, "After", 30, 25, new DateTime(2026, 8, 15, 12, 0, 0, DateTimeKind.Utc));
            await db.Database.MigrateAsync();
        }

        await using (var db = database.CreateContext())
        {
            var measures = (await db.ProcessMeasures.AsNoTracking().ToListAsync()).OrderBy(m => m.ProcessId).ThenBy(m => m.Phase).ToList();
            Assert.Equal(
            [
                (waiting, MeasurePhase.Before, 45.0, (int?)20, new DateOnly(2026, 3, 5)),
                (moved, MeasurePhase.Before, 50.0, (int?)null, new DateOnly(2026, 6, 1)),
                (moved, MeasurePhase.After, 30.0, (int?)25, new DateOnly(2026, 8, 15)),
            ], measures.Select(m => (m.ProcessId, m.Phase, m.Value, m.SampleCases, m.MeasuredOn)));
            Assert.Equal(new DateTime(2026, 3, 5, 23, 30, 0, DateTimeKind.Utc), measures[0].EnteredAt);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
    }
}
