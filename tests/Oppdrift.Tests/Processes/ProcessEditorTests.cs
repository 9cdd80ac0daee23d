using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Processes;

/// <summary>Registering, moving and measuring processes; what the editor refuses (naming the field, saving nothing); scoped reads and totals.</summary>
public sealed class ProcessEditorTests
{
    private static async Task<(int, int, int, int, int)> CountAsync(OppdriftDb db) =>
        (await db.Processes.CountAsync(), await db.ProcessMeasures.CountAsync(), await db.ProcessStateChanges.CountAsync(), await db.ProcessAgencies.CountAsync(),
            await db.AuditEntries.CountAsync());

    private static void Refused<T>(Result<T> result, string field, string why)
    {
        Assert.False(result.Succeeded, why);
        Assert.True(field == result.Field, $"{why}: the refusal names '{result.Field}', not '{field}'");
        Assert.False(string.IsNullOrWhiteSpace(result.Error), why);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_process_is_registered_moved_and_measured_with_each_state_kept_with_who_and_when(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new ProcessServices(db);
        var leader = ProcessUsers.Leader(ids["SYE"]);

        var id = await s.CreateAsync(ProcessServices.Input(ids["SYE"], ids["BNO"], ids["SYE"]), leader);
        Assert.True((await s.Editor.SetStateAsync(id, ProcessState.Analysed, null, leader, default)).Succeeded);
        s.Clock.Advance(TimeSpan.FromHours(2));
        await s.MoveAndMeasureAsync(id, new DateOnly(2026, 9, 1), leader);

        var detail = await s.Queries.FindAsync(id, null, default);
        Assert.NotNull(detail);
        var row = detail.Process;
        Assert.Equal(ProcessState.Measured, row.State);
        Assert.Equal(new DateOnly(2026, 9, 1), row.MovedOn);
        Assert.Equal(new DateOnly(2026, 3, 1), row.RegisteredOn);
        Assert.Equal("SYE", row.Owner.Code);
        Assert.Equal(["BNO"], row.Involved.Select(a => a.Code)); // the owner is not repeated among those involved
        Assert.Equal([ProcessState.Identified, ProcessState.Analysed, ProcessState.Moved, ProcessState.Measured], detail.History.Select(h => h.State));
        Assert.All(detail.History, h => Assert.Equal("leder", h.By));
        Assert.Equal(new DateOnly(2026, 9, 1), detail.History[2].MovedOn);
        Assert.Equal(s.Clock.GetUtcNow().UtcDateTime, detail.History[^1].At);
        Assert.Equal(new MeasureValue(45, 20), row.Before.MinutesPerCase);
        Assert.Equal(new MeasureValue(30, 25), row.After.MinutesPerCase);
        Assert.Equal(10, detail.Measures.Count);
        Assert.Equal(300, row.Gain.HoursSavedPerYear!.Value, 9);
        Assert.Equal(300 * 550, row.Gain.ValueNokPerYear!.Value, 6);
        Assert.Equal(GainConfidence.Medium, row.Gain.Confidence);

        var actions = await db.AuditEntries.Where(a => a.Action.StartsWith("processes.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["processes.create", "processes.state", "processes.state", "processes.measures", "processes.state"], actions);
        Assert.True(await ProcessQueries.VersionAsync(db, default) > 0);

        // Going back before the move clears the move date, and the history keeps the step.
        Assert.True((await s.Editor.SetStateAsync(id, ProcessState.Planned, null, ProcessUsers.Central, default)).Succeeded);
        var back = await s.Queries.FindAsync(id, null, default);
        Assert.Null(back!.Process.MovedOn);
        Assert.Equal(5, back.History.Count);
        Assert.Equal("endringsleder", back.History[^1].By);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_refusal_names_its_field_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        // Forty people in Byantikvaren: 40 × 1,695 hours is what they can work in a year.
        for (var i = 0; i < 40; i++)
        {
            db.People.Add(new Person
            {
                UserPrincipalName = $"p{i}@test.no",
                NormalizedUserPrincipalName = $"P{i}@TEST.NO",
                DisplayName = $"P {i}",
                IsActive = true,
                AccountEnabled = true,
                AgencyId = ids["BYA"],
            });
        }
        await db.SaveChangesAsync();
        var s = new ProcessServices(db);
        var editor = s.Editor;
        var central = ProcessUsers.Central;
        var existing = await s.CreateAsync(ProcessServices.Input(ids["SYE"]));
        var before = await CountAsync(db);
        var input = ProcessServices.Input(ids["SYE"]);

        Refused(await editor.SaveAsync(null, input with { Name = "  " }, central, default), "Name", "a process without a name");
        Refused(await editor.SaveAsync(null, input with { Name = new string('n', 301) }, central, default), "Name", "a name too long to store");
        Refused(await editor.SaveAsync(null, input with { ContactPerson = null }, central, default), "ContactPerson", "no contact person");
        Refused(await editor.SaveAsync(null, input with { OwnerAgencyId = ids["SYE"] + 1000 }, central, default), "OwnerAgencyId", "an owner that does not exist");
        Refused(await editor.SaveAsync(null, input with { AgencyIds = [ids["SYE"] + 1000] }, central, default), "AgencyIds", "an involved agency that does not exist");
        Refused(await editor.SaveAsync(null, input with { VolumePerYear = -1 }, central, default), "volumePerYear", "a negative volume");
        Refused(await editor.SaveAsync(null, input with { VolumePerYear = null }, central, default), "volumePerYear", "no volume");
        Refused(await editor.SaveAsync(null, input with { CurrentWay = (WorkingWay)99 }, central, default), "CurrentWay", "an unknown way of working");
        Refused(await editor.SaveAsync(null, input with { RegisteredOn = s.Today.AddDays(1) }, central, default), "RegisteredOn", "registered in the future");
        Refused(await editor.SaveAsync(null, input with { BenefitIds = [4711] }, central, default), "BenefitIds", "a benefit that does not exist");
        Refused(await editor.SaveAsync(null, input with { Before = ProcessServices.Measures(-5, 10) }, central, default), "minutesPerCaseBefore", "negative minutes");
        Refused(await editor.SaveAsync(null, input with { Before = ProcessServices.Measures(10, prints: -1) }, central, default), "printsPerCaseBefore", "negative prints");
        Refused(await editor.SaveAsync(null, input with { Before = ProcessServices.Measures(double.NaN) }, central, default), "minutesPerCaseBefore", "minutes that are not a number");
        Refused(await editor.SaveAsync(null, input with { Before = ProcessServices.Measures(102_000) }, central, default), "minutesPerCaseBefore", "more than a working year per case");
        Refused(await editor.SaveAsync(null, input with { Before = ProcessServices.Measures(10, leadTime: 4000) }, central, default), "leadTimeDaysBefore", "a lead time of over ten years");
        Refused(await editor.SaveAsync(null, input with { Before = ProcessServices.Measures(10, 0) }, central, default), "minutesPerCaseBefore", "a sample of no cases");
        Refused(await editor.SaveAsync(null, input with { Before = new Dictionary<ProcessMeasureKind, MeasureInput> { [ProcessMeasureKind.EmailsPerCase] = new(null, 10) } },
            central, default), "emailsPerCaseBefore", "a sample without a value");
        // 100,000 cases × 60 minutes = 100,000 hours: more than Byantikvaren's 40 people work in a year (67,800 hours).
        Refused(await editor.SaveAsync(null, input with { OwnerAgencyId = ids["BYA"], VolumePerYear = 100_000, Before = ProcessServices.Measures(60) }, central, default),
            "minutesPerCaseBefore", "more hours than the agencies involved work in a year");
        Refused(await editor.SaveAsync(null, input, ProcessUsers.Leader(ids["BNO"]), default), "OwnerAgencyId", "a leader registering for another agency");
        Refused(await editor.SaveAsync(null, input, ProcessUsers.SystemOwner, default), "OwnerAgencyId", "the system owner registering");
        Refused(await editor.SaveAsync(existing, input with { OwnerAgencyId = ids["BNO"] }, ProcessUsers.Leader(ids["BNO"]), default), "OwnerAgencyId",
            "a leader taking over another agency's process");
        Refused(await editor.SaveAsync(existing, input, ProcessUsers.Leader(ids["KUL"]), default), "OwnerAgencyId",
            "a leader changing another agency's process");
        Refused(await editor.SaveAsync(existing + 100, input, central, default), "", "a process that does not exist");

        Refused(await editor.SetStateAsync(existing, ProcessState.Moved, null, central, default), "MovedOn", "moved without a date");
        Refused(await editor.SetStateAsync(existing, ProcessState.Moved, new DateOnly(2026, 2, 28), central, default), "MovedOn", "moved before it was registered");
        Refused(await editor.SetStateAsync(existing, ProcessState.Moved, s.Today.AddDays(1), central, default), "MovedOn", "moved in the future");
        Refused(await editor.SetStateAsync(existing, ProcessState.Measured, s.Today, central, default), "State", "measured without measures after");
        Refused(await editor.SetStateAsync(existing, (ProcessState)42, null, central, default), "State", "an unknown state");
        Refused(await editor.SetStateAsync(existing, ProcessState.Analysed, null, ProcessUsers.Leader(ids["BNO"]), default), "OwnerAgencyId", "another agency's leader");
        Refused(await editor.SaveAfterAsync(existing, ProcessServices.Measures(30, 25), central, default), "State", "measures after before the move");

        Assert.Equal(before, await CountAsync(db));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Measures_after_are_checked_like_those_before_and_a_gain_needs_a_volume(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new ProcessServices(db);
        var editor = s.Editor;
        var central = ProcessUsers.Central;
        var zero = await s.CreateAsync(ProcessServices.Input(ids["SYE"]) with { VolumePerYear = 0 });
        Assert.True((await editor.SetStateAsync(zero, ProcessState.Moved, new DateOnly(2026, 6, 1), central, default)).Succeeded);
        var moved = await s.CreateAsync(ProcessServices.Input(ids["SYE"]));
        Assert.True((await editor.SetStateAsync(moved, ProcessState.Moved, new DateOnly(2026, 6, 1), central, default)).Succeeded);
        Assert.True((await editor.SaveAfterAsync(moved, ProcessServices.Measures(30, 25), central, default)).Succeeded);
        var before = await CountAsync(db);

        Refused(await editor.SaveAfterAsync(zero, ProcessServices.Measures(30, 25), central, default), "volumePerYear", "a volume of zero with a gain");
        Refused(await editor.SaveAfterAsync(moved, ProcessServices.Measures(-1, 25), central, default), "minutesPerCaseAfter", "negative minutes after");
        Refused(await editor.SaveAfterAsync(moved, ProcessServices.Measures(200_000, 25), central, default), "minutesPerCaseAfter", "more minutes after than a working year");
        Refused(await editor.SaveAfterAsync(moved, ProcessServices.Measures(20, -3), central, default), "minutesPerCaseAfter", "a negative sample");
        Refused(await editor.SaveAfterAsync(moved, ProcessServices.Measures(20, 5), ProcessUsers.Leader(ids["BNO"]), default), "OwnerAgencyId",
            "measures after by another agency's leader");
        // Changing the volume to zero under a recorded gain is refused too.
        Refused(await editor.SaveAsync(moved, ProcessServices.Input(ids["SYE"]) with { VolumePerYear = 0 }, central, default), "volumePerYear",
            "a process with a gain set to a volume of zero");
        // And the registration date cannot move past the move date.
        Refused(await editor.SaveAsync(moved, ProcessServices.Input(ids["SYE"]) with { RegisteredOn = new DateOnly(2026, 7, 1) }, central, default), "RegisteredOn",
            "a registration after the move");
        Assert.Equal(before, await CountAsync(db));

        // A volume of zero without a gain (nothing measured better after) is fine.
        Assert.True((await editor.SaveAfterAsync(zero, ProcessServices.Measures(45, 10), central, default)).Succeeded);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Leaders_read_the_processes_their_agencies_own_or_take_part_in_and_totals_add_up_per_owning_agency(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new ProcessServices(db);
        var sye = await s.CreateAsync(ProcessServices.Input(ids["SYE"], ids["KUL"]) with { Name = "Møtepapirer til styremøter" });
        var bno = await s.CreateAsync(ProcessServices.Input(ids["BNO"]) with { Name = "Byggesøknader i felles postkasse", VolumePerYear = 600 });
        var kul = await s.CreateAsync(ProcessServices.Input(ids["KUL"]) with { Name = "Timelister på papir" });
        await s.MoveAndMeasureAsync(sye, new DateOnly(2026, 6, 1));
        await s.MoveAndMeasureAsync(bno, new DateOnly(2026, 6, 1));

        var all = await s.Queries.ListAsync(new ProcessFilter(), ProcessAccess.Scope(ProcessUsers.SystemOwner), default);
        var kulLeader = await s.Queries.ListAsync(new ProcessFilter(), ProcessAccess.Scope(ProcessUsers.Leader(ids["KUL"])), default);
        var byState = await s.Queries.ListAsync(new ProcessFilter(State: ProcessState.Measured), null, default);
        var byAgency = await s.Queries.ListAsync(new ProcessFilter(AgencyId: ids["KUL"]), null, default);

        Assert.Equal(["Byggesøknader i felles postkasse", "Møtepapirer til styremøter", "Timelister på papir"], all.Select(r => r.Name));
        Assert.Equal(new[] { sye, kul }.Order(), kulLeader.Select(r => r.Id).Order());
        Assert.Equal(new[] { sye, bno }.Order(), byState.Select(r => r.Id).Order());
        Assert.Equal(new[] { sye, kul }.Order(), byAgency.Select(r => r.Id).Order());
        Assert.Null(await s.Queries.FindAsync(bno, ProcessAccess.Scope(ProcessUsers.Leader(ids["KUL"])), default));
        Assert.NotNull(await s.Queries.FindAsync(sye, ProcessAccess.Scope(ProcessUsers.Leader(ids["KUL"])), default));

        var totals = ProcessQueries.Totals(all);
        Assert.Equal(3, totals.Municipality.Processes);
        Assert.Equal(2, totals.Municipality.WithGain);
        Assert.Equal(300 + 150, totals.Municipality.HoursSavedPerYear, 9); // 1200 and 600 cases, 15 minutes saved each
        Assert.Equal(["Bydel Nord", "Kulturetaten", "Sykehjemsetaten"], totals.Agencies.Select(a => a.Agency.Name));
        Assert.Equal(150, totals.Agencies.Single(a => a.Agency.Code == "BNO").Totals.HoursSavedPerYear, 9);
        Assert.Equal(0, totals.Agencies.Single(a => a.Agency.Code == "KUL").Totals.WithGain);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_process_not_moved_is_measured_again_on_another_day_and_dates_must_agree_with_the_move(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new ProcessServices(db);
        var central = ProcessUsers.Central;
        var id = await s.CreateAsync(ProcessServices.Input(ids["SYE"]) with { Before = ProcessServices.Measures(45, 20) });

        // Still the old way: measured again in June, and the register shows the latest figure; the first one is kept.
        Assert.True((await s.Editor.RecordAsync(id, MeasurePhase.Before, new DateOnly(2026, 6, 1), ProcessServices.Measures(40, 30), central, default)).Succeeded);
        var detail = (await s.Queries.FindAsync(id, null, default))!;
        Assert.Equal([(new DateOnly(2026, 3, 1), 45.0), (new DateOnly(2026, 6, 1), 40.0)], detail.Measures.Select(m => (m.MeasuredOn, m.Value)));
        Assert.Equal(new MeasureValue(40, 30), detail.Process.Before.MinutesPerCase);
        // The form saved again without a date keeps the latest day's measures: nothing is added.
        Assert.True((await s.Editor.SaveAsync(id, ProcessServices.Input(ids["SYE"]) with { Before = ProcessServices.Measures(40, 30) }, central, default)).Succeeded);
        Assert.Equal(2, await db.ProcessMeasures.CountAsync());

        Refused(await s.Editor.RecordAsync(id, MeasurePhase.Before, s.Today.AddDays(1), ProcessServices.Measures(40), central, default), "beforeMeasuredOn",
            "a measure dated in the future");
        Refused(await s.Editor.RecordAsync(id, MeasurePhase.Before, new DateOnly(1999, 12, 31), ProcessServices.Measures(40), central, default), "beforeMeasuredOn",
            "a measure dated before 2000");
        Refused(await s.Editor.SaveAsync(id, ProcessServices.Input(ids["SYE"]) with { BeforeMeasuredOn = s.Today.AddDays(3) }, central, default), "beforeMeasuredOn",
            "the form's measures before dated in the future");
        Refused(await s.Editor.RecordAsync(id, MeasurePhase.After, new DateOnly(2026, 7, 1), ProcessServices.Measures(30), central, default), "State",
            "measures after before the move");
        Refused(await s.Editor.SetStateAsync(id, ProcessState.Moved, new DateOnly(2026, 5, 1), central, default), "MovedOn",
            "a move before the last measure before it");

        Assert.True((await s.Editor.SetStateAsync(id, ProcessState.Moved, new DateOnly(2026, 7, 1), central, default)).Succeeded);
        Refused(await s.Editor.RecordAsync(id, MeasurePhase.Before, new DateOnly(2026, 8, 1), ProcessServices.Measures(40), central, default), "beforeMeasuredOn",
            "a measure before dated after the move");
        Refused(await s.Editor.SaveAfterAsync(id, ProcessServices.Measures(30), central, default, new DateOnly(2026, 6, 30)), "afterMeasuredOn",
            "a measure after dated before the move");
        Assert.True((await s.Editor.SaveAfterAsync(id, ProcessServices.Measures(30, 25), central, default, new DateOnly(2026, 9, 1))).Succeeded);
        Refused(await s.Editor.SetStateAsync(id, ProcessState.Moved, new DateOnly(2026, 9, 15), central, default), "MovedOn",
            "a move after the first measure after it");
        Assert.Equal(3, await db.ProcessMeasures.CountAsync());
        var moved = (await s.Queries.FindAsync(id, null, default))!.Process;
        Assert.Equal((40.0, 30.0), (moved.Before.MinutesPerCase!.Value.Value, moved.After.MinutesPerCase!.Value.Value)); // the gain: latest before against latest after
    }
}
