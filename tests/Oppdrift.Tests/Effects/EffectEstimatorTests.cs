using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Learning;
using Oppdrift.Tests.Processes;

namespace Oppdrift.Tests.Effects;

/// <summary>The estimates kept per intervention and metric, on figures stored in the database, on both databases.</summary>
public sealed class EffectEstimatorTests
{
    private static InterventionInput Input(string name, InterventionKind kind, DateOnly startsOn, params int[] agencies) =>
        new() { Name = name, Kind = kind, StartsOn = startsOn, AgencyIds = agencies };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_planted_jump_is_found_within_its_interval_and_a_workshop_that_changed_nothing_shows_no_effect(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);
        var training = (await log.SaveAsync(null, Input("Teams-uke", InterventionKind.Training, EffectSeed.JumpDay, ids["A00"]), ProcessUsers.Central, default)).Value!.Id;
        var workshop = (await log.SaveAsync(null, Input("Verksted", InterventionKind.Workshop, new DateOnly(2026, 5, 18), ids["A13"], ids["A27"]), ProcessUsers.Central, default)).Value!.Id;

        var written = await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        Assert.Equal(4, written); // two interventions, each on its kind's two default metrics
        var rows = await EffectSeed.Queries(db).ListAsync(null, null, default);
        var jump = rows.Single(r => r.Intervention.Id == training).Effects.Single(e => e.Result.Metric == "teams.active7").Result;
        Assert.Equal(EffectVerdict.Effect, jump.Verdict);
        Assert.InRange(EffectSeed.Jump, jump.Low!.Value, jump.High!.Value);
        Assert.InRange(jump.Estimate!.Value, 0.15, 0.25);
        Assert.True(jump.PreTrendOk);
        Assert.Equal([ids["A00"]], jump.Treated);
        Assert.Equal(5, jump.Comparison.Count);
        Assert.DoesNotContain(ids["A00"], jump.Comparison);
        Assert.Equal(EffectSeed.People(0), jump.TreatedPeople);
        // Every other agency of usable size, one at a time, but the workshop's two: they had a similar intervention in the window.
        Assert.Equal(42, jump.PlaceboSets);
        Assert.DoesNotContain(ids["A13"], jump.Comparison);
        Assert.Equal(new DateOnly(2026, 4, 6), jump.StartWeek);

        var flat = rows.Single(r => r.Intervention.Id == workshop).Effects.Single(e => e.Result.Metric == "teams.active7");
        Assert.Equal(EffectVerdict.NoEffect, flat.Result.Verdict);
        Assert.True(flat.Result.Low < 0 && flat.Result.High > 0);
        // The event study: twelve weeks before (−12 … −1) and eight after (1 … 8); the intervention's own week takes no part.
        Assert.Equal([.. Enumerable.Range(-12, 12), .. Enumerable.Range(1, 8)], flat.EventStudy.Select(w => w.Week));
        Assert.All(flat.EventStudy, w => Assert.True(w.Low <= w.High));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agencies_with_a_similar_intervention_inside_the_window_are_no_comparison_and_other_kinds_do_not_count(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);
        var training = (await log.SaveAsync(null, Input("Teams-uke", InterventionKind.Training, EffectSeed.JumpDay, ids["A00"]), ProcessUsers.Central, default)).Value!.Id;
        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);
        var alone = (await db.EffectResults.AsNoTracking().SingleAsync(r => r.InterventionId == training && r.Metric == "teams.active7")).Comparison;
        Assert.Equal(5, alone.Count);

        // The comparison agencies of the first run get a campaign (the same family) five weeks later, inside the window; one
        // of them also moves a process (another family), which alone would not count.
        await log.SaveAsync(null, Input("Kampanje", InterventionKind.Campaign, EffectSeed.JumpDay.AddDays(35), [.. alone.Take(3)]), ProcessUsers.Central, default);
        await log.SaveAsync(null, Input("Prosess", InterventionKind.ProcessMove, EffectSeed.JumpDay.AddDays(7), alone[3]), ProcessUsers.Central, default);
        // Outside the window (more than eight weeks after), the same family does not count either.
        await log.SaveAsync(null, Input("Senere kampanje", InterventionKind.Campaign, EffectSeed.JumpDay.AddDays(70), alone[4]), ProcessUsers.Central, default);
        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        var again = await db.EffectResults.AsNoTracking().SingleAsync(r => r.InterventionId == training && r.Metric == "teams.active7");
        Assert.Empty(again.Comparison.Intersect(alone.Take(3)));
        Assert.Contains(alone[3], again.Comparison);
        Assert.Contains(alone[4], again.Comparison);
        Assert.Equal(41, again.PlaceboSets);
        Assert.Equal(EffectVerdict.Effect, again.Verdict);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_under_the_minimum_group_size_gets_no_estimate_and_says_why(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var clock = EffectSeed.Clock();
        await EffectSeed.Log(db, clock).SaveAsync(null, Input("Hjelp", InterventionKind.Help, EffectSeed.JumpDay, ids[EffectSeed.Tiny]), ProcessUsers.Central, default);

        await EffectSeed.Estimator(db, clock).EstimateAllAsync(default);

        var results = await db.EffectResults.AsNoTracking().ToListAsync();
        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(EffectVerdict.CannotTell, r.Verdict);
            Assert.Equal(CannotTellReason.TreatedGroupTooSmall, r.Reason);
            Assert.Null(r.Estimate);
            Assert.Null(r.TreatedBefore);
            Assert.Equal(0, r.TreatedPeople);
            Assert.Equal("[]", r.EventStudy);
        });
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_programme_counts_the_agencies_its_attendance_reached_with_their_dose_and_leaves_those_reached_too_little_out_of_the_comparison(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var reached = await LearningSeed.PeopleAsync(db, EffectSeed.People(20), ids["A20"], "a20-");
        var brushed = await LearningSeed.PeopleAsync(db, EffectSeed.People(21), ids["A21"], "a21-");
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var import = new AttendanceImport { SessionId = session.Id, FileName = "oppmøte.csv", ImportedBy = "test", ImportedAt = LearningSeed.Now.UtcDateTime };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        // 30 of A20's 250 people (12 %) and 2 of A21's 260 (under 1 %), some twice; and a guest.
        foreach (var person in reached.Take(30).Concat(reached.Take(5)).Concat(brushed.Take(2)))
        {
            db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 1800 });
        }
        db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, Name = "Gjest", DurationSeconds = 600 });
        await db.SaveChangesAsync();
        var clock = EffectSeed.Clock();
        var saved = await EffectSeed.Log(db, clock).SaveAsync(null, new InterventionInput
        {
            Name = "Frokostwebinar",
            Kind = InterventionKind.Training,
            StartsOn = EffectSeed.JumpDay,
            ProgrammeId = programme.Id,
            Metrics = ["teams.active7"],
        }, ProcessUsers.Central, default);
        Assert.True(saved.Succeeded, saved.Error);

        Assert.Equal(1, await EffectSeed.Estimator(db, clock).EstimateAllAsync(default));

        var row = Assert.Single(await EffectSeed.Queries(db).ListAsync(null, null, default));
        Assert.Equal(["Etat A20"], row.Agencies.Select(a => a.Name));
        Assert.Equal("Frokostwebinar", row.Programme);
        var result = Assert.Single(row.Effects).Result;
        Assert.Equal(30.0 / 250, result.Dose!.Value, 9);
        Assert.Equal([ids["A20"]], result.Treated);
        Assert.DoesNotContain(ids["A21"], result.Comparison);
        Assert.Equal(43, result.PlaceboSets); // 45 agencies, less the treated and the one brushed by the programme
        // No planted jump in A20: nothing to find.
        Assert.Equal(EffectVerdict.NoEffect, result.Verdict);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_programme_counts_attendance_only_up_to_the_end_of_its_weeks_after_and_its_light_reach_spoils_no_other_comparison(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var reached = await LearningSeed.PeopleAsync(db, EffectSeed.People(20), ids["A20"], "a20-");
        var brushed = await LearningSeed.PeopleAsync(db, EffectSeed.People(21), ids["A21"], "a21-");
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        // A session long after the weeks judged (2 September 2026), which 40 of A21's 260 people attended.
        var late = new LearningSession
        {
            ProgrammeId = programme.Id,
            Title = "Oppfølging",
            StartsAt = new DateTime(2026, 9, 2, 8, 0, 0, DateTimeKind.Utc),
            EndsAt = new DateTime(2026, 9, 2, 9, 0, 0, DateTimeKind.Utc),
            Mode = SessionMode.Online,
            CalendarUid = "late@oppdrift",
        };
        db.LearningSessions.Add(late);
        await db.SaveChangesAsync();
        var import = new AttendanceImport { SessionId = session.Id, FileName = "oppmøte.csv", ImportedBy = "test", ImportedAt = LearningSeed.Now.UtcDateTime };
        var lateImport = new AttendanceImport { SessionId = late.Id, FileName = "oppmøte-2.csv", ImportedBy = "test", ImportedAt = LearningSeed.Now.UtcDateTime };
        db.AttendanceImports.AddRange(import, lateImport);
        await db.SaveChangesAsync();
        foreach (var person in reached.Take(30).Concat(brushed.Take(2)))
        {
            db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 1800 });
        }
        foreach (var person in brushed.Skip(2).Take(40))
        {
            db.Attendance.Add(new Attendance { SessionId = late.Id, ImportId = lateImport.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 1800 });
        }
        await db.SaveChangesAsync();
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);
        var webinar = await log.SaveAsync(null, new InterventionInput
        {
            Name = "Frokostwebinar",
            Kind = InterventionKind.Training,
            StartsOn = EffectSeed.JumpDay.AddDays(-7),
            ProgrammeId = programme.Id,
            Metrics = ["teams.active7"],
        }, ProcessUsers.Central, default);
        var week = await log.SaveAsync(null, Input("Teams-uke", InterventionKind.Training, EffectSeed.JumpDay, ids["A00"]) with { Metrics = ["teams.active7"] },
            ProcessUsers.Central, default);

        Assert.Equal(2, await EffectSeed.Estimator(db, clock).EstimateAllAsync(default));

        var results = await db.EffectResults.AsNoTracking().ToDictionaryAsync(r => r.InterventionId);
        // The late session is after the webinar's weeks: A21 is brushed (2 people), not treated (42).
        Assert.Equal([ids["A20"]], results[webinar.Value!.Id].Treated);
        Assert.Equal(42, results[webinar.Value.Id].PlaceboSets); // 45, less A20 treated, A21 brushed and A00 (the Teams week in its weeks)
        // For the Teams week, A20 (treated by a similar intervention in its weeks) is no comparison; A21, brushed, still is.
        Assert.Equal(43, results[week.Value!.Id].PlaceboSets); // 45, less A00 and A20
        Assert.Equal(EffectVerdict.Effect, results[week.Value.Id].Verdict);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_dose_resting_on_fewer_attendees_than_the_minimum_group_size_is_not_shown(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var people = await LearningSeed.PeopleAsync(db, EffectSeed.People(20), ids["A20"], "a20-");
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var import = new AttendanceImport { SessionId = session.Id, FileName = "oppmøte.csv", ImportedBy = "test", ImportedAt = LearningSeed.Now.UtcDateTime };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        // Five of A20's 250 people (2 %): treated under a dose threshold of 1 %, but five people are fewer than ten.
        foreach (var person in people.Take(5))
        {
            db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 1800 });
        }
        await db.SaveChangesAsync();
        var clock = EffectSeed.Clock();
        await EffectSeed.Log(db, clock).SaveAsync(null, new InterventionInput
        {
            Name = "Frokostwebinar",
            Kind = InterventionKind.Training,
            StartsOn = EffectSeed.JumpDay,
            ProgrammeId = programme.Id,
            Metrics = ["teams.active7"],
        }, ProcessUsers.Central, default);

        await EffectSeed.Estimator(db, clock, new EffectsOptions { MinimumDose = 0.01 }).EstimateAllAsync(default);

        var result = await db.EffectResults.AsNoTracking().SingleAsync();
        Assert.Equal([ids["A20"]], result.Treated);
        Assert.NotNull(result.Estimate); // 250 people treated: the estimate is shown
        Assert.Null(result.Dose); // five attended: how many is not
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Estimating_again_replaces_the_results_and_a_deleted_intervention_takes_its_results_with_it(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await EffectSeed.SeedAsync(db);
        var clock = EffectSeed.Clock();
        var log = EffectSeed.Log(db, clock);
        var first = (await log.SaveAsync(null, Input("Teams-uke", InterventionKind.Training, EffectSeed.JumpDay, ids["A00"]), ProcessUsers.Central, default)).Value!.Id;
        await log.SaveAsync(null, Input("Verksted", InterventionKind.Workshop, new DateOnly(2026, 5, 18), ids["A13"]), ProcessUsers.Central, default);
        var estimator = EffectSeed.Estimator(db, clock);
        await estimator.EstimateAllAsync(default);
        var before = await db.EffectResults.AsNoTracking().OrderBy(r => r.InterventionId).ThenBy(r => r.Metric).Select(r => new { r.InterventionId, r.Metric, r.Estimate, r.Low, r.High }).ToListAsync();

        clock.Advance(TimeSpan.FromHours(1));
        await estimator.EstimateAllAsync(default);
        var after = await db.EffectResults.AsNoTracking().OrderBy(r => r.InterventionId).ThenBy(r => r.Metric).Select(r => new { r.InterventionId, r.Metric, r.Estimate, r.Low, r.High }).ToListAsync();
        Assert.Equal(before, after); // the same figures give the same estimates and intervals
        Assert.Equal(clock.GetUtcNow().UtcDateTime, await EffectSeed.Queries(db).ComputedAtAsync(default));

        Assert.True((await log.DeleteAsync(first, ProcessUsers.Central, default)).Succeeded);
        Assert.Equal(2, await db.EffectResults.CountAsync());
        Assert.DoesNotContain(await db.EffectResults.Select(r => r.InterventionId).ToListAsync(), id => id == first);
    }
}
