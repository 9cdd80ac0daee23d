using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class RegistrationTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Two_hundred_people_registering_at_once_all_get_a_correct_answer_and_the_session_never_goes_over_capacity(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        const int capacity = 120;
        int sessionId;
        List<int> people;
        await using (var db = database.CreateContext())
        {
            var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
            people = [.. (await LearningSeed.PeopleAsync(db, 200, agency.Id)).Select(p => p.Id)];
            sessionId = (await LearningSeed.ProgrammeAsync(db, capacity)).Session.Id;
        }

        // Every registration on its own context and connection, all released at the same moment.
        using var start = new ManualResetEventSlim(false);
        var tasks = people.Select(personId => Task.Run(async () =>
        {
            start.Wait();
            await using var db = database.CreateContext();
            var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());
            return await registrations.RegisterAsync(sessionId, personId, "ansatt", default);
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(tasks);

        Assert.All(answers, a => Assert.True(a.Succeeded, a.Error));
        var seated = answers.Where(a => a.Value!.Status == RegistrationStatus.Registered).ToList();
        var waiting = answers.Where(a => a.Value!.Status == RegistrationStatus.Waiting).ToList();
        Assert.Equal(capacity, seated.Count);
        Assert.Equal(200 - capacity, waiting.Count);
        // Each waiting person was told a distinct place in line, 1 to 80, as the queue stood when they joined.
        Assert.Equal(Enumerable.Range(1, 200 - capacity), waiting.Select(a => a.Value!.WaitingPosition!.Value).Order());

        await using (var db = database.CreateContext())
        {
            Assert.Equal(capacity, await db.Registrations.CountAsync(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Registered));
            Assert.Equal(200 - capacity, await db.Registrations.CountAsync(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Waiting));
            Assert.Equal(capacity, (await db.LearningSessions.SingleAsync(s => s.Id == sessionId)).SeatsTaken);
            Assert.Equal(200, await db.OutgoingMail.CountAsync());
            Assert.Equal(capacity, await db.OutgoingMail.CountAsync(m => m.Calendar != null));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_same_person_registering_in_many_requests_at_once_gets_one_registration_and_one_seat(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        int sessionId;
        int personId;
        await using (var db = database.CreateContext())
        {
            var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
            personId = (await LearningSeed.PeopleAsync(db, 1, agency.Id))[0].Id;
            sessionId = (await LearningSeed.ProgrammeAsync(db, capacity: 5)).Session.Id;
        }

        using var start = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            await using var db = database.CreateContext();
            return await new Registrations(db, LearningSeed.Clock(), LearningSeed.Options()).RegisterAsync(sessionId, personId, "ansatt", default);
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(tasks);

        Assert.All(answers, a => Assert.True(a.Succeeded, a.Error));
        Assert.All(answers, a => Assert.Equal(RegistrationStatus.Registered, a.Value!.Status));
        Assert.Single(answers, a => a.Value!.Changed);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(1, await db.Registrations.CountAsync(r => r.SessionId == sessionId));
            Assert.Equal(1, (await db.LearningSessions.SingleAsync(s => s.Id == sessionId)).SeatsTaken);
            Assert.Equal(1, await db.OutgoingMail.CountAsync());
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "learning.register"));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_seat_counter_equals_the_seats_held_through_register_cancel_promote_and_capacity_change(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var people = await LearningSeed.PeopleAsync(db, 6, agency.Id);
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 3)).Session;
        var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());

        async Task AssertCounterAsync(int expected)
        {
            await using var check = database.CreateContext();
            var seated = await check.Registrations.CountAsync(r => r.SessionId == session.Id && r.Status == RegistrationStatus.Registered);
            Assert.Equal(expected, seated);
            Assert.Equal(seated, (await check.LearningSessions.SingleAsync(s => s.Id == session.Id)).SeatsTaken);
        }
        async Task<Result<LearningSession>> CapacityAsync(int? capacity)
        {
            await using var edit = database.CreateContext();
            var current = await edit.LearningSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id);
            var storage = LearningSeed.Storage(database.Folder);
            return await new Programmes(edit, LearningSeed.Clock(), LearningSeed.Options(), storage, new KnowledgeSync(edit, new KnowledgeIndex(edit), storage))
                .UpdateSessionAsync(session.Id, new SessionUpdate(current.Title, current.Description, current.StartsAt, current.EndsAt - current.StartsAt,
                    current.Mode, current.Location, current.TeamsUrl, capacity), "eier", default);
        }

        // Five register for three seats: three seated, two waiting; registering again changes nothing.
        foreach (var person in people.Take(5))
        {
            Assert.True((await registrations.RegisterAsync(session.Id, person.Id, "x", default)).Succeeded);
        }
        Assert.False((await registrations.RegisterAsync(session.Id, people[0].Id, "x", default)).Value!.Changed);
        await AssertCounterAsync(3);

        // A seat given up goes to the first waiting: still three.
        await registrations.CancelAsync(session.Id, people[0].Id, "x", default);
        await AssertCounterAsync(3);
        // A waiting place given up frees no seat.
        await registrations.CancelAsync(session.Id, people[4].Id, "x", default);
        await AssertCounterAsync(3);
        // Cancelling twice changes nothing.
        Assert.False((await registrations.CancelAsync(session.Id, people[4].Id, "x", default)).Value!.Changed);
        await AssertCounterAsync(3);

        // Two more seats: the one still waiting (people[0] came back) takes one, one stays free.
        Assert.Equal(RegistrationStatus.Waiting, (await registrations.RegisterAsync(session.Id, people[0].Id, "x", default)).Value!.Status);
        Assert.True((await CapacityAsync(5)).Succeeded);
        await AssertCounterAsync(4);
        Assert.Equal(RegistrationStatus.Registered, (await registrations.RegisterAsync(session.Id, people[5].Id, "x", default)).Value!.Status);
        await AssertCounterAsync(5);
        // A capacity below the seats held is refused and changes nothing.
        Assert.False((await CapacityAsync(4)).Succeeded);
        await AssertCounterAsync(5);

        // Unlimited: everyone who registers is seated, and the counter follows.
        await registrations.CancelAsync(session.Id, people[1].Id, "x", default);
        await AssertCounterAsync(4);
        Assert.True((await CapacityAsync(null)).Succeeded);
        Assert.Equal(RegistrationStatus.Registered, (await registrations.RegisterAsync(session.Id, people[4].Id, "x", default)).Value!.Status);
        Assert.Equal(RegistrationStatus.Registered, (await registrations.RegisterAsync(session.Id, people[1].Id, "x", default)).Value!.Status);
        await AssertCounterAsync(6);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrating_to_the_seat_counter_fills_it_from_the_seats_already_held(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var people = await LearningSeed.PeopleAsync(db, 4, agency.Id);
        var full = (await LearningSeed.ProgrammeAsync(db, capacity: 2)).Session;
        var empty = (await LearningSeed.ProgrammeAsync(db, capacity: 2)).Session;
        var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());
        foreach (var person in people)
        {
            await registrations.RegisterAsync(full.Id, person.Id, "x", default);
        }
        await registrations.CancelAsync(full.Id, people[3].Id, "x", default);

        // Back to the schema before the counter, and forward again: the migration counts the seats held.
        var migrations = db.Database.GetMigrations().ToList();
        var counter = migrations.FindIndex(m => m.EndsWith("_SessionSeatsTaken", StringComparison.Ordinal));
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[counter - 1]);
        await migrator.MigrateAsync(migrations[counter]);

        db.ChangeTracker.Clear();
        Assert.Equal(2, (await db.LearningSessions.SingleAsync(s => s.Id == full.Id)).SeatsTaken);
        Assert.Equal(0, (await db.LearningSessions.SingleAsync(s => s.Id == empty.Id)).SeatsTaken);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Cancelling_a_seat_gives_it_to_the_first_on_the_waiting_list(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var people = await LearningSeed.PeopleAsync(db, 4, agency.Id);
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 2)).Session;
        var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());

        foreach (var person in people)
        {
            Assert.True((await registrations.RegisterAsync(session.Id, person.Id, "x", default)).Succeeded);
        }
        var again = await registrations.RegisterAsync(session.Id, people[3].Id, "x", default);
        Assert.Equal(RegistrationStatus.Waiting, again.Value!.Status);
        Assert.Equal(2, again.Value.WaitingPosition);
        Assert.False(again.Value.Changed);

        await registrations.CancelAsync(session.Id, people[0].Id, "x", default);

        var statuses = await db.Registrations.AsNoTracking().Where(r => r.SessionId == session.Id).ToDictionaryAsync(r => r.PersonId, r => r.Status);
        Assert.Equal(RegistrationStatus.Cancelled, statuses[people[0].Id]);
        Assert.Equal(RegistrationStatus.Registered, statuses[people[2].Id]);
        Assert.Equal(RegistrationStatus.Waiting, statuses[people[3].Id]);
        var promoted = await db.OutgoingMail.AsNoTracking().Where(m => m.To == people[2].UserPrincipalName).OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(2, promoted.Count);
        Assert.Contains("METHOD:REQUEST", promoted[1].Calendar, StringComparison.Ordinal);
        var cancelled = await db.OutgoingMail.AsNoTracking().Where(m => m.To == people[0].UserPrincipalName).OrderBy(m => m.Id).LastAsync();
        Assert.Contains("METHOD:CANCEL", cancelled.Calendar, StringComparison.Ordinal);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "learning.promote"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_leader_registers_people_of_their_own_agency_and_is_told_which_lines_name_nobody(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await LearningSeed.AgenciesAsync(db, "SYE", "UDE");
        var own = await LearningSeed.PeopleAsync(db, 3, agencies[0].Id, "sye");
        var other = await LearningSeed.PeopleAsync(db, 1, agencies[1].Id, "ude");
        var leader = LearningSeed.Person("leder@nordvik.kommune.no", "Lene Leder", agencies[0].Id, leader: true);
        db.People.Add(leader);
        await db.SaveChangesAsync();
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 2)).Session;
        var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());

        var directory = new OrganisationDirectory(db);
        var result = await registrations.RegisterGroupAsync(session.Id, (await directory.PersonAsync(leader.Id, default))!,
            $"{own[0].UserPrincipalName}\n{own[1].UserPrincipalName.ToUpperInvariant()}; {own[2].UserPrincipalName}\n{other[0].UserPrincipalName}", leader.UserPrincipalName, default);

        Assert.True(result.Succeeded, result.Error);
        var lines = result.Value!;
        Assert.Equal(4, lines.Count);
        Assert.Equal([RegistrationStatus.Registered, RegistrationStatus.Registered, RegistrationStatus.Waiting], lines.Take(3).Select(l => l.Answer!.Status));
        Assert.Null(lines[3].Answer);
        Assert.NotNull(lines[3].Error);

        var employee = own[0];
        var refused = await registrations.RegisterGroupAsync(session.Id, (await directory.PersonAsync(employee.Id, default))!, own[1].UserPrincipalName, employee.UserPrincipalName, default);
        Assert.False(refused.Succeeded);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reminders_are_queued_once_for_seats_in_sessions_starting_within_the_window(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var people = await LearningSeed.PeopleAsync(db, 3, agency.Id);
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 2)).Session;
        var clock = LearningSeed.Clock();
        var registrations = new Registrations(db, clock, LearningSeed.Options());
        foreach (var person in people)
        {
            await registrations.RegisterAsync(session.Id, person.Id, "x", default);
        }

        Assert.Equal(0, await LearningMailJob.QueueRemindersAsync(db, LearningSeed.Options().Value, clock, default));
        clock.Advance(TimeSpan.FromDays(3.5));
        Assert.Equal(2, await LearningMailJob.QueueRemindersAsync(db, LearningSeed.Options().Value, clock, default));
        Assert.Equal(0, await LearningMailJob.QueueRemindersAsync(db, LearningSeed.Options().Value, clock, default));
        Assert.Equal(2, await db.OutgoingMail.CountAsync(m => m.Subject.StartsWith("Påminnelse")));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_registration_writes_its_row_its_mail_and_its_audit_entry_for_the_seat_or_the_waiting_place_it_got(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var people = await LearningSeed.PeopleAsync(db, 2, agency.Id);
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: 1)).Session;
        var clock = LearningSeed.Clock();
        clock.Advance(TimeSpan.FromMinutes(7));
        var registrations = new Registrations(db, clock, LearningSeed.Options());

        var seated = await registrations.RegisterAsync(session.Id, people[0].Id, "leder@nordvik.kommune.no", default);
        var waiting = await registrations.RegisterAsync(session.Id, people[1].Id, people[1].UserPrincipalName, default);

        Assert.Equal(new RegistrationAnswer(session.Id, people[0].Id, RegistrationStatus.Registered, null, true), seated.Value);
        Assert.Equal(new RegistrationAnswer(session.Id, people[1].Id, RegistrationStatus.Waiting, 1, true), waiting.Value);
        var now = clock.GetUtcNow().UtcDateTime;
        var read = await db.LearningSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id);
        Assert.Equal((1, 2), (read.SeatsTaken, read.RegistrationVersion));
        var rows = await db.Registrations.AsNoTracking().Where(r => r.SessionId == session.Id).OrderBy(r => r.Position).ToListAsync();
        Assert.Equal([(people[0].Id, RegistrationStatus.Registered, 1, "leder@nordvik.kommune.no"), (people[1].Id, RegistrationStatus.Waiting, 2, people[1].UserPrincipalName)],
            rows.Select(r => (r.PersonId, r.Status, r.Position, r.RegisteredBy)));
        Assert.All(rows, r => Assert.Equal((now, DateTimeKind.Utc, null, null), (r.RegisteredAt, r.RegisteredAt.Kind, r.CancelledAt, r.ReminderSentAt)));
        // Found by the time they were registered at, compared in the database, as the reminder job finds its rows.
        Assert.Equal(2, await db.Registrations.CountAsync(r => r.SessionId == session.Id && r.RegisteredAt >= now && r.RegisteredAt <= now));

        var directory = new OrganisationDirectory(db);
        var mail = await db.OutgoingMail.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
        var expected = new[]
        {
            LearningMail.ForRegistration(read, (await directory.PersonAsync(people[0].Id, default))!, RegistrationStatus.Registered, LearningSeed.Options().Value, now),
            LearningMail.ForRegistration(read, (await directory.PersonAsync(people[1].Id, default))!, RegistrationStatus.Waiting, LearningSeed.Options().Value, now),
        };
        Assert.Equal(expected.Select(m => (m.To, m.Subject, m.Body, m.Calendar, m.CreatedAt, 0, (DateTime?)null, (string?)null)),
            mail.Select(m => (m.To, m.Subject, m.Body, m.Calendar, m.CreatedAt, m.Attempts, m.SentAt, m.ClaimedBy)));
        Assert.NotNull(mail[0].Calendar);
        Assert.Null(mail[1].Calendar);

        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "learning.register" || a.Action == "learning.waitlist").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(
        [
            (now, "leder@nordvik.kommune.no", "learning.register", $"session:{session.Id}", (string?)null, $$"""{"person":"{{people[0].UserPrincipalName}}","status":"Registered"}"""),
            (now, people[1].UserPrincipalName, "learning.waitlist", $"session:{session.Id}", null, $$"""{"person":"{{people[1].UserPrincipalName}}","status":"Waiting"}"""),
        ], audit.Select(a => (a.At, a.Actor, a.Action, a.Target, a.Before, a.After)));
    }

    [Theory]
    [MemberData(nameof(SessionChanges))]
    public async Task A_session_changed_between_the_read_and_the_lock_is_answered_from_the_session_as_it_is_under_the_lock(DatabaseKind kind, string change)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        int sessionId;
        int personId;
        await using (var db = database.CreateContext())
        {
            var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
            personId = (await LearningSeed.PeopleAsync(db, 1, agency.Id))[0].Id;
            sessionId = (await LearningSeed.ProgrammeAsync(db, capacity: 3)).Session.Id;
        }
        // Right after the person is read, the last read before the lock, another request changes the session.
        var meanwhile = new AfterFirstCommand("people", async () =>
        {
            await using var other = database.CreateContext();
            var session = await other.LearningSessions.SingleAsync(s => s.Id == sessionId);
            switch (change)
            {
                case "title":
                    // Only the title, so that nothing but the title tells the session apart from what was read.
                    session.Title = "Bedre møter i Teams, nytt navn";
                    break;
                case "cancelled":
                    session.CancelledAt = LearningSeed.Now.UtcDateTime;
                    break;
                default:
                    session.Capacity = 0;
                    break;
            }
            await other.SaveChangesAsync();
        });

        Result<RegistrationAnswer> answer;
        await using (var db = new OppdriftDb(new DbContextOptionsBuilder<OppdriftDb>(DataServices.Options(database.Provider)).AddInterceptors(meanwhile).Options))
        {
            answer = await new Registrations(db, LearningSeed.Clock(), LearningSeed.Options()).RegisterAsync(sessionId, personId, "ansatt", default);
        }

        Assert.True(meanwhile.Ran);
        await using (var db = database.CreateContext())
        {
            var session = await db.LearningSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
            var mail = await db.OutgoingMail.AsNoTracking().ToListAsync();
            if (change == "cancelled")
            {
                Assert.False(answer.Succeeded);
                Assert.Equal(LearningText.Get("SessionIsCancelled"), answer.Error);
                Assert.Equal(0, await db.Registrations.CountAsync());
                Assert.Empty(mail);
                Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "learning.register" || a.Action == "learning.waitlist"));
                Assert.Equal((0, 0), (session.SeatsTaken, session.RegistrationVersion));
                return;
            }
            var status = change == "title" ? RegistrationStatus.Registered : RegistrationStatus.Waiting;
            Assert.Equal(status, answer.Value!.Status);
            Assert.Equal(status, (await db.Registrations.SingleAsync()).Status);
            Assert.Equal((change == "title" ? 1 : 0, 1), (session.SeatsTaken, session.RegistrationVersion));
            var person = (await new OrganisationDirectory(db).PersonAsync(personId, default))!;
            var expected = LearningMail.ForRegistration(session, person, status, LearningSeed.Options().Value, LearningSeed.Now.UtcDateTime);
            Assert.Equal((expected.Subject, expected.Body, expected.Calendar), (Assert.Single(mail).Subject, mail[0].Body, mail[0].Calendar));
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == (status == RegistrationStatus.Registered ? "learning.register" : "learning.waitlist")));
        }
    }

    public static TheoryData<DatabaseKind, string> SessionChanges =>
        new MatrixTheoryData<DatabaseKind, string>([DatabaseKind.Sqlite, DatabaseKind.Postgres], ["title", "cancelled", "full"]);

    /// <summary>Runs <paramref name="meanwhile"/> once, after the rows of the first command whose text contains <paramref name="text"/> are read.</summary>
    private sealed class AfterFirstCommand(string text, Func<Task> meanwhile) : DbCommandInterceptor
    {
        public bool Ran { get; private set; }

        public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
        {
            // When its rows are read and the reader is closing: the command is done and the connection free.
            if (!Ran && command.CommandText.Contains(text, StringComparison.Ordinal))
            {
                Ran = true;
                await meanwhile();
            }
            return result;
        }
    }
}
