using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>
/// "Hybrid ledelse" run for leader groups: a cohort as an agency's leader group, its end date after which it goes on as a
/// network, and the dated notes of what the group agreed, each change audited in the programme's history.
/// </summary>
public sealed class CohortNotesTests
{
    private static Cohorts Service(OppdriftDb db) => new(db, LearningSeed.Clock());

    private static CohortNotes Notes(OppdriftDb db) => new(db, LearningSeed.Clock());

    private static readonly DateOnly Today = DateOnly.FromDateTime(LearningSeed.Now.UtcDateTime);

    private sealed record Town(Programme Programme, Agency Health, Agency School, Person HealthLeader, Person Nurse, Person SchoolLeader, Person Gone);

    /// <summary>Two agencies: health with a leader, a nurse and a leader who has left, school with a leader.</summary>
    private static async Task<Town> SeedAsync(OppdriftDb db)
    {
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var agencies = await LearningSeed.AgenciesAsync(db, "HEL", "SKO");
        var healthLeader = LearningSeed.Person("leder.hel@nordvik.kommune.no", "Leder Helse", agencies[0].Id, leader: true);
        var nurse = LearningSeed.Person("sykepleier@nordvik.kommune.no", "Sykepleier Ås", agencies[0].Id);
        var gone = LearningSeed.Person("sluttet@nordvik.kommune.no", "Sluttet Leder", agencies[0].Id, leader: true);
        gone.IsActive = false;
        var schoolLeader = LearningSeed.Person("rektor@nordvik.kommune.no", "Rektor Øien", agencies[1].Id, leader: true);
        db.People.AddRange(healthLeader, nurse, gone, schoolLeader);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new Town(programme, agencies[0], agencies[1], healthLeader, nurse, schoolLeader, gone);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_leader_group_enrols_its_agencys_active_leaders_and_its_end_date_makes_it_a_network_after_the_day(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);

        // The end before the start, and an agency that does not exist, are refused by field before anything is written.
        var early = await service.CreateAsync(town.Programme.Id, new CohortInput("Ledergruppe", new DateOnly(2025, 3, 1), new DateOnly(2025, 2, 28), town.Health.Id), "eier", default);
        Assert.Equal("EndsOn", early.Field);
        Assert.False(string.IsNullOrWhiteSpace(early.Error));
        Assert.Equal("AgencyId", (await service.CreateAsync(town.Programme.Id, new CohortInput("Ledergruppe", null, null, 999_999), "eier", default)).Field);
        Assert.False(await db.Cohorts.AnyAsync());

        var group = (await service.CreateAsync(town.Programme.Id, new CohortInput("Ledergruppe helse", new DateOnly(2025, 1, 6), Today, town.Health.Id), "eier", default)).Value!;
        Assert.Equal(town.Health.Id, group.AgencyId);
        // The end date is the last day: still running on it, a network from the day after.
        Assert.False(Cohorts.HasEnded(group, Today));
        Assert.True(Cohorts.HasEnded(group, Today.AddDays(1)));
        Assert.False(Cohorts.HasEnded(new Cohort { Name = "Uten slutt", StartsOn = new DateOnly(2020, 1, 1) }, Today));

        // Enrolling the group takes the agency's active leaders: not the nurse, not the leader who left, not the school's.
        var enrolled = await service.EnrolLeaderGroupAsync(group.Id, "eier", default);
        Assert.True(enrolled.Succeeded, enrolled.Error);
        Assert.Equal(new EnrolmentOutcome(1, 0, 0), enrolled.Value);
        Assert.Equal([town.HealthLeader.Id], await db.Participants.Where(p => p.CohortId == group.Id).Select(p => p.PersonId).ToListAsync());
        Assert.Equal(new EnrolmentOutcome(0, 1, 0), (await service.EnrolLeaderGroupAsync(group.Id, "eier", default)).Value);

        var plain = (await service.CreateAsync(town.Programme.Id, new CohortInput("Kull uten virksomhet", null), "eier", default)).Value!;
        Assert.Equal("AgencyId", (await service.EnrolLeaderGroupAsync(plain.Id, "eier", default)).Field);
        Assert.Equal("cohort", (await service.EnrolLeaderGroupAsync(999_999, "eier", default)).Field);

        // Moving the group to the school and ending it earlier: one entry naming both, in the programme's history.
        Assert.True((await service.UpdateAsync(group.Id, new CohortInput("Ledergruppe helse", new DateOnly(2025, 1, 6), new DateOnly(2025, 3, 1), town.School.Id), "eier", default))
            .Succeeded);
        db.ChangeTracker.Clear();
        var stored = await db.Cohorts.SingleAsync(c => c.Id == group.Id);
        Assert.True(Cohorts.HasEnded(stored, Today));
        Assert.Equal(town.School.Id, stored.AgencyId);
        // Nothing is deleted when a group ends: its members stay.
        Assert.Equal(1, await db.Participants.CountAsync(p => p.CohortId == group.Id));

        var history = await ProgrammeHistory.ReadAsync(db, town.Programme.Id, default);
        var update = history.First(e => e.Action == "learning.cohort.update");
        using var after = JsonDocument.Parse(update.After!);
        Assert.Equal(["CohortAgencyId", "CohortEndsOn"], after.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var values = ProgrammeHistory.Values(new Dictionary<int, string> { [town.School.Id] = "Skoleetaten" });
        Assert.Equal("Skoleetaten", values("CohortAgencyId", town.School.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(ProgrammeHistory.Fields().ContainsKey("CohortEndsOn"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Notes_are_added_changed_and_deleted_with_an_entry_each_and_listed_newest_first_between_the_modules(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var modules = await db.ProgrammeModules.Where(m => m.ProgrammeId == town.Programme.Id).OrderBy(m => m.Position).ToListAsync();
        Assert.Equal(["Møter", "Deling"], modules.Select(m => m.Title));
        // The first module's gathering was on 1 February, the second's is on 20 March.
        var storage = LearningSeed.Storage(database.Folder);
        var programmes = new Programmes(db, LearningSeed.Clock(), LearningSeed.Options(), storage,
            new KnowledgeSync(db, new Oppdrift.Learning.Knowledge.KnowledgeIndex(db), storage));
        foreach (var (module, day) in new[] { (modules[0], new DateTime(2025, 2, 1, 11, 0, 0, DateTimeKind.Utc)), (modules[1], new DateTime(2025, 3, 20, 11, 0, 0, DateTimeKind.Utc)) })
        {
            Assert.True((await programmes.AddSessionsAsync(town.Programme.Id, new SessionInput($"Samling: {module.Title}", "", day, TimeSpan.FromHours(3), SessionMode.Hybrid,
                "Rådhuset", null, 40, ModuleId: module.Id), "eier", default)).Succeeded);
        }
        var group = (await Service(db).CreateAsync(town.Programme.Id, new CohortInput("Ledergruppe helse", new DateOnly(2025, 1, 6), new DateOnly(2025, 2, 28), town.Health.Id),
            "eier", default)).Value!;
        var notes = Notes(db);

        var first = await notes.AddAsync(group.Id, new CohortNoteInput(new DateOnly(2025, 1, 15), CohortNoteTopic.MeetingRules, "  Vi starter alle møter i Teams.  ", null), "eier", default);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal("Vi starter alle møter i Teams.", first.Value!.Text);
        Assert.Equal("eier", first.Value.Author);
        Assert.Equal(LearningSeed.Now.UtcDateTime, first.Value.CreatedAt);
        var second = (await notes.AddAsync(group.Id, new CohortNoteInput(new DateOnly(2025, 2, 10), CohortNoteTopic.DocumentLocation, "Dokumentene ligger i SharePoint.", null),
            "eier", default)).Value!;
        // The group has ended (28 February); as a network it still writes down what it agrees, here tied to a module by hand.
        var third = (await notes.AddAsync(group.Id, new CohortNoteInput(new DateOnly(2025, 3, 5), CohortNoteTopic.SharingPractice, "Vi deler i kanalen, ikke på e-post.", modules[1].Id),
            "leder", default)).Value!;

        var listed = await notes.ListAsync(group.Id, default);
        Assert.Equal([third.Id, second.Id, first.Value.Id], listed.Select(n => n.Note.Id));
        // Given: after the second module, the last. From the date: between the first and the second; before the first.
        Assert.Equal(("Deling", (string?)null), (listed[0].After?.Title, listed[0].Before?.Title));
        Assert.Equal(("Møter", "Deling"), (listed[1].After?.Title, listed[1].Before?.Title));
        Assert.Equal(((string?)null, "Møter"), (listed[2].After?.Title, listed[2].Before?.Title));

        // Each field is checked, named, and nothing is written.
        var tooLong = new string('a', CohortNotes.MaxText + 1);
        var (other, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var foreignModule = await db.ProgrammeModules.Where(m => m.ProgrammeId == other.Id).Select(m => m.Id).FirstAsync();
        var cases = new (CohortNoteInput Input, string Field)[]
        {
            (new CohortNoteInput(null, CohortNoteTopic.Other, "Tekst", null), "On"),
            (new CohortNoteInput(Today, null, "Tekst", null), "Topic"),
            (new CohortNoteInput(Today, (CohortNoteTopic)42, "Tekst", null), "Topic"),
            (new CohortNoteInput(Today, CohortNoteTopic.Other, "   ", null), "Text"),
            (new CohortNoteInput(Today, CohortNoteTopic.Other, tooLong, null), "Text"),
            (new CohortNoteInput(Today, CohortNoteTopic.Other, "Tekst", foreignModule), "ModuleId"),
        };
        foreach (var (input, field) in cases)
        {
            var refused = await notes.AddAsync(group.Id, input, "eier", default);
            Assert.Equal(field, refused.Field);
            Assert.False(string.IsNullOrWhiteSpace(refused.Error));
        }
        Assert.Contains(CohortNotes.MaxText.ToString(System.Globalization.CultureInfo.CurrentCulture),
            (await notes.AddAsync(group.Id, cases[4].Input, "eier", default)).Error, StringComparison.Ordinal);
        // Line breaks count once each, as the text box counts them.
        var lines = string.Join("\r\n", Enumerable.Repeat(new string('b', 99), 20));
        Assert.True((await notes.UpdateAsync(group.Id, second.Id, new CohortNoteInput(second.On, second.Topic, lines, null), "eier", default)).Succeeded);
        Assert.Equal(3, await db.CohortNotes.CountAsync());

        // Changing one: only what changed is recorded, with the cohort named; saving the same again records nothing.
        var changed = await notes.UpdateAsync(group.Id, first.Value.Id, new CohortNoteInput(new DateOnly(2025, 1, 15), CohortNoteTopic.MeetingRules, "Vi starter alle møter presis.",
            modules[0].Id), "leder", default);
        Assert.True(changed.Succeeded, changed.Error);
        Assert.NotNull(changed.Value!.UpdatedAt);
        var entries = await db.AuditEntries.CountAsync();
        Assert.True((await notes.UpdateAsync(group.Id, first.Value.Id, new CohortNoteInput(new DateOnly(2025, 1, 15), CohortNoteTopic.MeetingRules, "Vi starter alle møter presis.",
            modules[0].Id), "leder", default)).Succeeded);
        Assert.Equal(entries, await db.AuditEntries.CountAsync());
        // A note is reached through its own cohort only.
        var otherGroup = (await Service(db).CreateAsync(town.Programme.Id, new CohortInput("Ledergruppe skole", null, null, town.School.Id), "eier", default)).Value!;
        Assert.Equal("note", (await notes.UpdateAsync(otherGroup.Id, third.Id, new CohortNoteInput(Today, CohortNoteTopic.Other, "Kapret", null), "eier", default)).Field);
        Assert.Equal("note", (await notes.DeleteAsync(otherGroup.Id, third.Id, "eier", default)).Field);

        Assert.True((await notes.DeleteAsync(group.Id, third.Id, "leder", default)).Succeeded);
        Assert.Equal(2, await db.CohortNotes.CountAsync());

        var history = await ProgrammeHistory.ReadAsync(db, town.Programme.Id, default);
        var noteEntries = history.Where(e => e.Action.StartsWith("learning.cohort.note.", StringComparison.Ordinal)).ToList();
        Assert.Equal([CohortNotes.DeleteAction, CohortNotes.UpdateAction, CohortNotes.UpdateAction, CohortNotes.CreateAction, CohortNotes.CreateAction, CohortNotes.CreateAction],
            noteEntries.Select(e => e.Action));
        Assert.All(noteEntries, e => Assert.True(ProgrammeHistory.ActionKeys.ContainsKey(e.Action)));
        using (var update = JsonDocument.Parse(noteEntries[1].After!))
        {
            Assert.Equal(["Cohort", "NoteModule", "NoteText"], update.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("Ledergruppe helse", update.RootElement.GetProperty("Cohort").GetString());
            Assert.Equal("Møter", update.RootElement.GetProperty("NoteModule").GetString());
        }
        using (var deleted = JsonDocument.Parse(noteEntries[0].Before!))
        {
            Assert.Equal("SharingPractice", deleted.RootElement.GetProperty("NoteTopic").GetString());
            Assert.Equal("Deling", deleted.RootElement.GetProperty("NoteModule").GetString());
        }
        Assert.Equal("leder", noteEntries[0].Actor);
        Assert.Equal(LearningText.Get("NoteTopicSharingPractice"), ProgrammeHistory.Values(new Dictionary<int, string>())("NoteTopic", "SharingPractice"));

        // Deleting the cohort takes its notes with it, and the entry counts them.
        Assert.True((await Service(db).DeleteAsync(group.Id, "eier", default)).Succeeded);
        db.ChangeTracker.Clear();
        Assert.False(await db.CohortNotes.AnyAsync());
        var gone = await db.AuditEntries.Where(a => a.Action == "learning.cohort.delete").SingleAsync();
        using var before = JsonDocument.Parse(gone.Before!);
        Assert.Equal(2, before.RootElement.GetProperty("Notes").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_note_for_a_cohort_that_does_not_exist_is_refused(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var result = await Notes(db).AddAsync(999_999, new CohortNoteInput(Today, CohortNoteTopic.Other, "Tekst", null), "eier", default);
        Assert.Equal("cohort", result.Field);
        Assert.Empty(await Notes(db).ListAsync(999_999, default));
        Assert.Equal(CohortNoteTopic.DocumentLocation, CohortNotes.ParseTopic(" documentlocation "));
        Assert.Null(CohortNotes.ParseTopic("1"));
        Assert.Null(CohortNotes.ParseTopic("MeetingRules, Other"));
        Assert.Null(CohortNotes.ParseTopic(null));
    }
}
