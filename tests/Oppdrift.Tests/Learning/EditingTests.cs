using System.Text.Json;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>Changing and deleting programmes and sessions after they were made: audit, mail to those registered, and what is refused.</summary>
public sealed class EditingTests
{
    private static Programmes Service(OppdriftDb db, TestDatabase database, TimeProvider? clock = null)
    {
        var storage = LearningSeed.Storage(database.Folder);
        return new Programmes(db, clock ?? LearningSeed.Clock(), LearningSeed.Options(), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
    }

    private static ProgrammeInput Input(Programme p) =>
        new(p.Name, p.Description, p.OwnerName, null, p.OwnerAgencyId, p.Audience, [], p.Topics, p.Tools, ["Møter", "Deling"]);

    private static SessionUpdate Edit(LearningSession s) =>
        new(s.Title, s.Description, s.StartsAt, s.EndsAt - s.StartsAt, s.Mode, s.Location, s.TeamsUrl, s.Capacity);

    private static async Task<List<int>> RegisterAsync(OppdriftDb db, int sessionId, int count, string prefix = "ansatt")
    {
        var agency = (await LearningSeed.AgenciesAsync(db, prefix.ToUpperInvariant()[..3]))[0];
        var people = await LearningSeed.PeopleAsync(db, count, agency.Id, prefix);
        var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());
        foreach (var person in people)
        {
            Assert.True((await registrations.RegisterAsync(sessionId, person.Id, "ansatt", default)).Succeeded);
        }
        db.ChangeTracker.Clear();
        return [.. people.Select(p => p.Id)];
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Updating_a_programme_changes_its_fields_and_audits_only_those_that_changed(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];

        var result = await Service(db, database).UpdateAsync(programme.Id, Input(programme) with
        {
            Name = "Frokostwebinar våren 2025",
            AgencyIds = [agency.Id],
            Modules = ["Gode møter", "Deling", "OneNote"],
        }, "eier", default);
        Assert.True(result.Succeeded, result.Error);

        db.ChangeTracker.Clear();
        var stored = await db.Programmes.Include(p => p.Agencies).Include(p => p.Modules).AsSplitQuery().SingleAsync(p => p.Id == programme.Id);
        Assert.Equal("Frokostwebinar våren 2025", stored.Name);
        Assert.Equal("Sentralt M365-team", stored.OwnerName);
        Assert.Equal([agency.Id], stored.Agencies.Select(a => a.AgencyId));
        Assert.Equal(["Gode møter", "Deling", "OneNote"], stored.Modules.OrderBy(m => m.Position).Select(m => m.Title));

        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "learning.programme.update");
        Assert.Equal($"programme:{programme.Id}", entry.Target);
        Assert.Equal("eier", entry.Actor);
        using var before = JsonDocument.Parse(entry.Before!);
        using var after = JsonDocument.Parse(entry.After!);
        Assert.Equal(["Agencies", "Modules", "Name"], after.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Frokostwebinar", before.RootElement.GetProperty("Name").GetString());
        Assert.Equal("Frokostwebinar våren 2025", after.RootElement.GetProperty("Name").GetString());

        // Saving the same values again changes nothing and records nothing.
        Assert.True((await Service(db, database).UpdateAsync(programme.Id, Input(stored) with { AgencyIds = [agency.Id], Modules = ["Gode møter", "Deling", "OneNote"] },
            "eier", default)).Succeeded);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "learning.programme.update"));

        // The programme's history finds its creation and the change, newest first.
        var history = await ProgrammeHistory.ReadAsync(db, programme.Id, default);
        Assert.Equal(["learning.programme.update", "learning.session.create", "learning.programme.create"], history.Select(e => e.Action));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Moving_a_session_sends_everyone_registered_the_invitation_again_with_the_same_uid_and_a_higher_sequence(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var people = await RegisterAsync(db, session.Id, 3);
        var mailsBefore = await db.OutgoingMail.Select(m => m.Id).ToListAsync();
        var sequence = session.CalendarSequence;

        var later = session.StartsAt.AddDays(1).AddHours(2);
        var result = await Service(db, database).UpdateSessionAsync(session.Id, Edit(session) with
        {
            StartsAt = later,
            TeamsUrl = "https://teams.microsoft.com/l/meetup-join/ny",
        }, "eier", default);
        Assert.True(result.Succeeded, result.Error);

        db.ChangeTracker.Clear();
        var stored = await db.LearningSessions.SingleAsync(s => s.Id == session.Id);
        Assert.Equal(later, stored.StartsAt);
        Assert.Equal(sequence + 1, stored.CalendarSequence);
        var mails = await db.OutgoingMail.Where(m => !mailsBefore.Contains(m.Id)).ToListAsync();
        Assert.Equal(people.Count, mails.Count);
        Assert.Equal(people.Count, mails.Select(m => m.To).Distinct().Count());
        foreach (var mail in mails)
        {
            var calendar = Calendar.Load(mail.Calendar!)!;
            Assert.Equal("REQUEST", calendar.Method);
            var invitation = Assert.Single(calendar.Events);
            Assert.Equal(session.CalendarUid, invitation.Uid);
            Assert.Equal(sequence + 1, invitation.Sequence);
            Assert.Equal(later, invitation.DtStart!.AsUtc);
            Assert.Contains("meetup-join/ny", invitation.Description, StringComparison.Ordinal);
        }

        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "learning.session.update");
        Assert.Equal($"session:{session.Id}", entry.Target);
        using var after = JsonDocument.Parse(entry.After!);
        Assert.Equal(["EndsAt", "StartsAt", "TeamsUrl"], after.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        // A change of title alone is not news to send.
        var count = await db.OutgoingMail.CountAsync();
        Assert.True((await Service(db, database).UpdateSessionAsync(session.Id, Edit(stored) with { Title = "Bedre møter i Teams (del 1)" }, "eier", default)).Succeeded);
        Assert.Equal(count, await db.OutgoingMail.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Cancelling_a_session_sends_everyone_registered_a_cancellation_for_the_same_event(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var people = await RegisterAsync(db, session.Id, 2);
        var mailsBefore = await db.OutgoingMail.Select(m => m.Id).ToListAsync();

        Assert.True(await Service(db, database).CancelSessionAsync(session.Id, "eier", default));

        var mails = await db.OutgoingMail.Where(m => !mailsBefore.Contains(m.Id)).ToListAsync();
        Assert.Equal(people.Count, mails.Count);
        foreach (var mail in mails)
        {
            Assert.Contains("STATUS:CANCELLED", mail.Calendar, StringComparison.Ordinal);
            var calendar = Calendar.Load(mail.Calendar!)!;
            Assert.Equal("CANCEL", calendar.Method);
            var cancelled = Assert.Single(calendar.Events);
            Assert.Equal(session.CalendarUid, cancelled.Uid);
            Assert.Equal(session.CalendarSequence + 1, cancelled.Sequence);
        }
        // A cancelled session is not changed afterwards.
        var stored = await db.LearningSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id);
        Assert.False((await Service(db, database).UpdateSessionAsync(session.Id, Edit(stored) with { Location = "Rådhuset" }, "eier", default)).Succeeded);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_capacity_below_the_seats_taken_is_refused_and_more_seats_go_to_the_waiting_list(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, session) = await LearningSeed.ProgrammeAsync(db, capacity: 3);
        await RegisterAsync(db, session.Id, 5);
        var mailsBefore = await db.OutgoingMail.CountAsync();

        var lower = await Service(db, database).UpdateSessionAsync(session.Id, Edit(session) with { Capacity = 2 }, "eier", default);
        Assert.False(lower.Succeeded);
        Assert.Equal("Capacity", lower.Field);
        Assert.Contains("3", lower.Error, StringComparison.Ordinal);
        db.ChangeTracker.Clear();
        Assert.Equal(3, (await db.LearningSessions.SingleAsync(s => s.Id == session.Id)).Capacity);
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "learning.session.update"));

        var higher = await Service(db, database).UpdateSessionAsync(session.Id, Edit(session) with { Capacity = 4 }, "eier", default);
        Assert.True(higher.Succeeded, higher.Error);
        db.ChangeTracker.Clear();
        Assert.Equal(4, await db.Registrations.CountAsync(r => r.SessionId == session.Id && r.Status == RegistrationStatus.Registered));
        Assert.Equal(1, await db.Registrations.CountAsync(r => r.SessionId == session.Id && r.Status == RegistrationStatus.Waiting));
        // The one promoted is told, with the invitation; nobody else hears of a change in seats.
        Assert.Equal(mailsBefore + 1, await db.OutgoingMail.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_session_that_has_started_keeps_its_time(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var clock = new FakeTimeProvider(session.StartsAt.AddMinutes(10));

        var moved = await Service(db, database, clock).UpdateSessionAsync(session.Id, Edit(session) with { StartsAt = session.StartsAt.AddDays(1) }, "eier", default);
        Assert.False(moved.Succeeded);
        Assert.Equal("Date", moved.Field);

        // Its description can still be put right.
        var described = await Service(db, database, clock).UpdateSessionAsync(session.Id, Edit(session) with { Description = "Agenda og opptak." }, "eier", default);
        Assert.True(described.Succeeded, described.Error);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Deleting_a_programme_with_attendance_is_refused_and_one_not_yet_held_is_deleted_with_word_to_those_registered(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (held, heldSession) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var import = new AttendanceImport { SessionId = heldSession.Id, FileName = "deltakere.csv", ImportedBy = "eier", ImportedAt = LearningSeed.Now.UtcDateTime };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        db.Attendance.Add(new Attendance { SessionId = heldSession.Id, ImportId = import.Id, Name = "Gjest", DurationSeconds = 600 });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var refused = await Service(db, database).DeleteAsync(held.Id, "eier", default);
        Assert.False(refused.Succeeded);
        Assert.Contains(held.Name, refused.Error, StringComparison.Ordinal);
        Assert.True(await db.Programmes.AnyAsync(p => p.Id == held.Id));
        Assert.False((await Service(db, database).DeleteSessionAsync(heldSession.Id, "eier", default)).Succeeded);

        var (coming, comingSession) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var people = await RegisterAsync(db, comingSession.Id, 2, "deltaker");
        Assert.False((await Service(db, database).DeleteSessionAsync(comingSession.Id, "eier", default)).Succeeded);
        var mailsBefore = await db.OutgoingMail.Select(m => m.Id).ToListAsync();

        var deleted = await Service(db, database).DeleteAsync(coming.Id, "eier", default);
        Assert.True(deleted.Succeeded, deleted.Error);
        Assert.False(await db.Programmes.AnyAsync(p => p.Id == coming.Id));
        Assert.False(await db.LearningSessions.AnyAsync(s => s.Id == comingSession.Id));
        var mails = await db.OutgoingMail.Where(m => !mailsBefore.Contains(m.Id)).ToListAsync();
        Assert.Equal(people.Count, mails.Count);
        Assert.All(mails, m => Assert.Contains("METHOD:CANCEL", m.Calendar, StringComparison.Ordinal));
        Assert.Equal($"programme:{coming.Id}", (await db.AuditEntries.SingleAsync(a => a.Action == "learning.programme.delete")).Target);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_session_nobody_registered_for_can_be_deleted(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);

        var deleted = await Service(db, database).DeleteSessionAsync(session.Id, "eier", default);

        Assert.True(deleted.Succeeded, deleted.Error);
        Assert.Equal(programme.Id, deleted.Value);
        Assert.False(await db.LearningSessions.AnyAsync(s => s.Id == session.Id));
        Assert.Equal($"programme:{programme.Id}", (await db.AuditEntries.SingleAsync(a => a.Action == "learning.session.delete")).Target);
    }
}
