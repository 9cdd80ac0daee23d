using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>A programme's completion rule, each person's completion, and completion per cohort and per agency with small groups hidden.</summary>
public sealed class CompletionTests
{
    private static Programmes Programmes(OppdriftDb db)
    {
        var storage = LearningSeed.Storage(Path.GetTempPath());
        return new Programmes(db, LearningSeed.Clock(), LearningSeed.Options(), storage, new KnowledgeSync(db, new Oppdrift.Learning.Knowledge.KnowledgeIndex(db), storage));
    }

    private static ProgrammeInput Input(Programme p, int? sessions, int? recordings) =>
        new(p.Name, p.Description, p.OwnerName, null, p.OwnerAgencyId, p.Audience, [], p.Topics, p.Tools, ["Møter", "Deling"], sessions, recordings);

    private sealed record Town(Programme Programme, LearningSession First, LearningSession Second, Recording Recording, Agency Health, Agency Building,
        List<Person> Nurses, List<Person> Builders, Cohort Spring, Cohort Autumn);

    /// <summary>
    /// Twenty nurses in the spring cohort (ten attended both held sessions, ten one; all watched the recording) and ten
    /// builders in the autumn cohort (all attended both and watched, one of them on two days).
    /// </summary>
    private static async Task<Town> SeedAsync(OppdriftDb db)
    {
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var agencies = await LearningSeed.AgenciesAsync(db, "HEL", "BYG");
        var nurses = await LearningSeed.PeopleAsync(db, 20, agencies[0].Id, "sykepleier");
        var builders = await LearningSeed.PeopleAsync(db, 10, agencies[1].Id, "bygg");
        var now = LearningSeed.Now.UtcDateTime;
        LearningSession Held(string title, int daysAgo) => new()
        {
            ProgrammeId = programme.Id,
            Title = title,
            StartsAt = now.AddDays(-daysAgo),
            EndsAt = now.AddDays(-daysAgo).AddHours(1),
            CalendarUid = Guid.NewGuid().ToString("N"),
        };
        var first = Held("Første økt", 14);
        var second = Held("Andre økt", 7);
        var cancelled = Held("Avlyst økt", 3);
        cancelled.CancelledAt = now.AddDays(-5);
        db.LearningSessions.AddRange(first, second, cancelled);
        var recording = new Recording { ProgrammeId = programme.Id, Title = "Opptak", Url = "https://nordvik.sharepoint.com/opptak.mp4", CreatedAt = now };
        var other = new Recording { ProgrammeId = programme.Id, Title = "Opptak 2", Url = "https://nordvik.sharepoint.com/opptak2.mp4", CreatedAt = now };
        var spring = new Cohort { ProgrammeId = programme.Id, Name = "Vår" };
        var autumn = new Cohort { ProgrammeId = programme.Id, Name = "Høst" };
        db.AddRange(recording, other, spring, autumn);
        await db.SaveChangesAsync();
        var import = new AttendanceImport { SessionId = first.Id, FileName = "oppmote.csv", ImportedAt = now, ImportedBy = "test" };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        void Attended(Person person, params LearningSession[] sessions)
        {
            foreach (var session in sessions)
            {
                db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 3000 });
            }
        }
        var day = ViewCounting.Day(now);
        for (var i = 0; i < nurses.Count; i++)
        {
            Attended(nurses[i], i < 10 ? new[] { first, second } : new[] { first });
            // A person in the attendance twice for one session (rejoined) still attended it once.
            Attended(nurses[i], first);
            db.RecordingViews.Add(new RecordingView { RecordingId = recording.Id, PersonId = nurses[i].Id, Day = day });
            db.Participants.Add(new Participant { ProgrammeId = programme.Id, PersonId = nurses[i].Id, CohortId = spring.Id, JoinedAt = now });
        }
        foreach (var builder in builders)
        {
            // The cancelled session does not count, even with attendance.
            Attended(builder, first, second, cancelled);
            db.RecordingViews.Add(new RecordingView { RecordingId = recording.Id, PersonId = builder.Id, Day = day });
            db.Participants.Add(new Participant { ProgrammeId = programme.Id, PersonId = builder.Id, CohortId = autumn.Id, JoinedAt = now });
        }
        db.RecordingViews.Add(new RecordingView { RecordingId = recording.Id, PersonId = builders[0].Id, Day = day.AddDays(-1) });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new Town(programme, first, second, recording, agencies[0], agencies[1], nurses, builders, spring, autumn);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_rule_is_set_on_the_programme_with_its_history_and_decides_who_has_completed(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var completion = new Completion(db, LearningSeed.Suppression);

        // No rule yet: nobody has completed, and the cohort page says nothing of it.
        Assert.False((await completion.SummaryAsync(town.Programme.Id, default))!.Rule.Defined);
        Assert.All(await new Cohorts(db, LearningSeed.Clock()).ProgressAsync(town.Programme.Id, town.Spring.Id, default), p => Assert.Null(p.Completed));

        Assert.Equal("CompletionSessions", (await Programmes(db).UpdateAsync(town.Programme.Id, Input(town.Programme, -1, null), "eier", default)).Field);
        var updated = await Programmes(db).UpdateAsync(town.Programme.Id, Input(town.Programme, 2, 1), "eier", default);
        Assert.True(updated.Succeeded, updated.Error);
        var history = await ProgrammeHistory.ReadAsync(db, town.Programme.Id, default);
        Assert.Equal("learning.programme.update", history[0].Action);
        using (var after = JsonDocument.Parse(history[0].After!))
        {
            Assert.Equal(["CompletionRecordings", "CompletionSessions"], after.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(2, after.RootElement.GetProperty("CompletionSessions").GetInt32());
        }
        Assert.Contains("CompletionSessions", ProgrammeHistory.Fields().Keys);
        // A bar of 0 is no bar.
        Assert.True((await Programmes(db).UpdateAsync(town.Programme.Id, Input(town.Programme, 2, 0), "eier", default)).Succeeded);
        db.ChangeTracker.Clear();
        Assert.Null((await db.Programmes.SingleAsync(p => p.Id == town.Programme.Id)).CompletionRecordings);
        Assert.True((await Programmes(db).UpdateAsync(town.Programme.Id, Input(town.Programme, 2, 1), "eier", default)).Succeeded);
        db.ChangeTracker.Clear();
        var programme = await db.Programmes.SingleAsync(p => p.Id == town.Programme.Id);

        Assert.Equal(new PersonCompletion(2, 1, true), await completion.ForPersonAsync(programme, town.Nurses[0].Id, default));
        Assert.Equal(new PersonCompletion(1, 1, false), await completion.ForPersonAsync(programme, town.Nurses[15].Id, default));
        Assert.Equal(new PersonCompletion(2, 1, true), await completion.ForPersonAsync(programme, town.Builders[0].Id, default));

        var progress = await new Cohorts(db, LearningSeed.Clock()).ProgressAsync(town.Programme.Id, town.Spring.Id, default);
        Assert.Equal(20, progress.Count);
        Assert.Equal(10, progress.Count(p => p.Completed == true));
        Assert.All(progress, p => Assert.Equal(1, p.Watched));

        var mine = await completion.MineAsync(town.Builders[0].Id, default);
        Assert.Equal(town.Programme.Id, Assert.Single(mine).Programme.Id);
        Assert.True(mine[0].Completion.Completed);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Completion_per_cohort_and_agency_is_shown_for_large_groups_and_hidden_for_small_ones_with_what_would_give_them_away(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        await db.Programmes.Where(p => p.Id == town.Programme.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.CompletionSessions, 2).SetProperty(p => p.CompletionRecordings, 1));
        var completion = new Completion(db, LearningSeed.Suppression);

        var summary = (await completion.SummaryAsync(town.Programme.Id, default))!;
        Assert.Equal(10, summary.MinimumGroupSize);
        var spring = summary.Cohorts.Single(c => c.Id == town.Spring.Id);
        Assert.Equal(20, spring.People);
        Assert.Equal(10, spring.Completed);
        Assert.Equal(0.5, spring.Share);
        var autumn = summary.Cohorts.Single(c => c.Id == town.Autumn.Id);
        Assert.Equal(10, autumn.People);
        Assert.Equal(1.0, autumn.Share);
        Assert.Equal(30, summary.Total.People);
        Assert.Equal(20, summary.Total.Completed);
        Assert.Equal([town.Building.Name, town.Health.Name], summary.Agencies.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal(10, summary.Agencies.Single(a => a.Id == town.Health.Id).Completed);

        // Three people of another agency, outside the cohorts, registered for a session; one of them completed.
        var school = (await LearningSeed.AgenciesAsync(db, "SKO"))[0];
        var pupils = await LearningSeed.PeopleAsync(db, 3, school.Id, "skole");
        var import = await db.AttendanceImports.OrderBy(i => i.Id).FirstAsync();
        foreach (var pupil in pupils)
        {
            db.Registrations.Add(new Registration { SessionId = town.Second.Id, PersonId = pupil.Id, RegisteredBy = "test", RegisteredAt = LearningSeed.Now.UtcDateTime });
        }
        db.Attendance.AddRange(
            new Attendance { SessionId = town.First.Id, ImportId = import.Id, PersonId = pupils[0].Id, Name = "Elev" },
            new Attendance { SessionId = town.Second.Id, ImportId = import.Id, PersonId = pupils[0].Id, Name = "Elev" });
        db.RecordingViews.Add(new RecordingView { RecordingId = town.Recording.Id, PersonId = pupils[0].Id, Day = ViewCounting.Day(LearningSeed.Now.UtcDateTime) });
        await db.SaveChangesAsync();

        summary = (await completion.SummaryAsync(town.Programme.Id, default))!;
        foreach (var (groups, small) in new[] { (summary.Cohorts, summary.Cohorts.Single(g => g.Id is null)), (summary.Agencies, summary.Agencies.Single(g => g.Id == school.Id)) })
        {
            Assert.True(small.Hidden);
            Assert.Null(small.People);
            Assert.Null(small.Completed);
            Assert.Null(small.Share);
            // With the totals shown, a single hidden figure would be the total minus the rest: at least two are hidden.
            Assert.True(groups.Count(g => g.People is null) >= 2, string.Join(", ", groups.Select(g => $"{g.Name} {g.People}")));
            Assert.True(groups.Count(g => g.Completed is null) >= 2, string.Join(", ", groups.Select(g => $"{g.Name} {g.Completed}")));
        }
        Assert.Equal(33, summary.Total.People);
        Assert.Equal(21, summary.Total.Completed);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Everyone_who_enrolled_holds_a_seat_attended_or_watched_is_counted_in_their_agency_and_no_one_else_is(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, seated) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        await db.Programmes.Where(p => p.Id == programme.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.CompletionSessions, 1));
        var agencies = await LearningSeed.AgenciesAsync(db, "ENR", "ATT", "SEA", "OUT");
        var enrolled = await LearningSeed.PeopleAsync(db, 10, agencies[0].Id, "enrolled");
        var attended = await LearningSeed.PeopleAsync(db, 11, agencies[1].Id, "attended");
        var seatHolders = await LearningSeed.PeopleAsync(db, 12, agencies[2].Id, "seat");
        var watchers = await LearningSeed.PeopleAsync(db, 13, null, "watcher");
        var waiting = await LearningSeed.PeopleAsync(db, 5, agencies[3].Id, "waiting");
        var cancelledOnly = await LearningSeed.PeopleAsync(db, 5, agencies[3].Id, "cancelled");
        var now = LearningSeed.Now.UtcDateTime;
        var held = new LearningSession { ProgrammeId = programme.Id, Title = "Holdt", StartsAt = now.AddDays(-7), EndsAt = now.AddDays(-7).AddHours(1), CalendarUid = "held" };
        var cancelled = new LearningSession
        {
            ProgrammeId = programme.Id,
            Title = "Avlyst",
            StartsAt = now.AddDays(-3),
            EndsAt = now.AddDays(-3).AddHours(1),
            CalendarUid = "cancelled",
            CancelledAt = now.AddDays(-5),
        };
        var recording = new Recording { ProgrammeId = programme.Id, Title = "Opptak", Url = "https://nordvik.sharepoint.com/opptak.mp4", CreatedAt = now };
        db.AddRange(held, cancelled, recording);
        await db.SaveChangesAsync();
        var import = new AttendanceImport { SessionId = held.Id, FileName = "oppmote.csv", ImportedAt = now, ImportedBy = "test" };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        Registration Seat(Person person, LearningSession session, RegistrationStatus status) =>
            new() { SessionId = session.Id, PersonId = person.Id, Status = status, RegisteredBy = "test", RegisteredAt = now };
        db.Participants.AddRange(enrolled.Select(p => new Participant { ProgrammeId = programme.Id, PersonId = p.Id, JoinedAt = now }));
        db.Attendance.AddRange(attended.Select(p => new Attendance { SessionId = held.Id, ImportId = import.Id, PersonId = p.Id, Name = p.DisplayName }));
        db.Registrations.AddRange(seatHolders.Select(p => Seat(p, seated, RegistrationStatus.Registered)));
        db.RecordingViews.AddRange(watchers.Select(p => new RecordingView { RecordingId = recording.Id, PersonId = p.Id, Day = ViewCounting.Day(now) }));
        // Not taking part: a place on a waiting list, and a seat in or attendance of a cancelled session only.
        db.Registrations.AddRange(waiting.Select(p => Seat(p, seated, RegistrationStatus.Waiting)));
        db.Registrations.AddRange(cancelledOnly.Select(p => Seat(p, cancelled, RegistrationStatus.Registered)));
        db.Attendance.AddRange(cancelledOnly.Select(p => new Attendance { SessionId = cancelled.Id, ImportId = import.Id, PersonId = p.Id, Name = p.DisplayName }));
        // A guest without a person is no one in the figures.
        db.Attendance.Add(new Attendance { SessionId = held.Id, ImportId = import.Id, Name = "Gjest" });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var summary = (await new Completion(db, LearningSeed.Suppression).SummaryAsync(programme.Id, default))!;

        Assert.Equal(
            new (int?, int, int)[] { (agencies[0].Id, 10, 0), (agencies[1].Id, 11, 11), (agencies[2].Id, 12, 0), (null, 13, 0) },
            summary.Agencies.Select(a => (a.Id, a.People!.Value, a.Completed!.Value)).OrderBy(a => a.Id ?? int.MaxValue));
        Assert.Equal(LearningText.Get("NoAgencyGroup"), summary.Agencies.Single(a => a.Id is null).Name);
        var everyone = Assert.Single(summary.Cohorts);
        Assert.Null(everyone.Id);
        Assert.Equal(46, everyone.People);
        Assert.Equal(11, everyone.Completed);
        Assert.Equal(46, summary.Total.People);
        Assert.Equal(11, summary.Total.Completed);
    }
}
