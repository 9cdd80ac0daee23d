using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>A programme's cohorts: made, changed and deleted, filled from the directory, participants moved and removed, their progress, and the audit.</summary>
public sealed class CohortsTests
{
    private static Cohorts Service(OppdriftDb db) => new(db, LearningSeed.Clock());

    private sealed record Town(Programme Programme, LearningSession Session, Agency Health, Agency School, Unit Ward, List<Person> Nurses, Person Leader, Person Teacher,
        Person SchoolLeader, Person Gone);

    /// <summary>Two agencies: health with a ward of three nurses and a leader, school with a teacher and a leader, and someone no longer active.</summary>
    private static async Task<Town> SeedAsync(OppdriftDb db)
    {
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var agencies = await LearningSeed.AgenciesAsync(db, "HEL", "SKO");
        var ward = new Unit { AgencyId = agencies[0].Id, Name = "Avdeling 2" };
        db.Units.Add(ward);
        await db.SaveChangesAsync();
        var nurses = Enumerable.Range(1, 3).Select(i => LearningSeed.Person($"sykepleier{i}@nordvik.kommune.no", $"Sykepleier {i}", agencies[0].Id)).ToList();
        nurses.ForEach(n => n.UnitId = ward.Id);
        var leader = LearningSeed.Person("leder.hel@nordvik.kommune.no", "Leder Helse", agencies[0].Id, leader: true);
        var teacher = LearningSeed.Person("laerer@nordvik.kommune.no", "Lærer Ås", agencies[1].Id);
        var schoolLeader = LearningSeed.Person("rektor@nordvik.kommune.no", "Rektor Øien", agencies[1].Id, leader: true);
        var gone = LearningSeed.Person("sluttet@nordvik.kommune.no", "Sluttet Person", agencies[1].Id, leader: true);
        gone.IsActive = false;
        db.People.AddRange([.. nurses, leader, teacher, schoolLeader, gone]);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new Town(programme, session, agencies[0], agencies[1], ward, nurses, leader, teacher, schoolLeader, gone);
    }

    private static async Task<HashSet<int>> MembersAsync(OppdriftDb db, int cohortId) =>
        [.. await db.Participants.AsNoTracking().Where(p => p.CohortId == cohortId).Select(p => p.PersonId).ToListAsync()];

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Creating_renaming_and_deleting_a_cohort_is_audited_in_the_programmes_history_and_deleting_keeps_its_people_without_a_cohort(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);

        var created = await service.CreateAsync(town.Programme.Id, new CohortInput("  Kull 1 ", new DateOnly(2025, 4, 1)), "eier", default);
        Assert.True(created.Succeeded, created.Error);
        Assert.Equal("Kull 1", created.Value!.Name);
        Assert.True((await service.UpdateAsync(created.Value.Id, new CohortInput("Kull 1 våren", new DateOnly(2025, 4, 8)), "eier", default)).Succeeded);
        // Saving the same again records nothing.
        Assert.True((await service.UpdateAsync(created.Value.Id, new CohortInput("Kull 1 våren", new DateOnly(2025, 4, 8)), "eier", default)).Succeeded);
        Assert.True((await service.EnrolAsync(created.Value.Id, new EnrolmentRequest([town.Teacher.Id]), "eier", default)).Succeeded);

        var deleted = await service.DeleteAsync(created.Value.Id, "eier", default);
        Assert.True(deleted.Succeeded, deleted.Error);
        Assert.Equal(1, deleted.Value);
        db.ChangeTracker.Clear();
        Assert.False(await db.Cohorts.AnyAsync());
        var participant = await db.Participants.SingleAsync();
        Assert.Equal(town.Teacher.Id, participant.PersonId);
        Assert.Null(participant.CohortId);

        var history = await ProgrammeHistory.ReadAsync(db, town.Programme.Id, default);
        Assert.Equal(["learning.cohort.delete", "learning.cohort.enrol", "learning.cohort.update", "learning.cohort.create"], history.Take(4).Select(e => e.Action));
        Assert.All(history.Take(4), e => Assert.Equal("eier", e.Actor));
        using var update = JsonDocument.Parse(history[2].After!);
        Assert.Equal(["Cohort", "CohortStartsOn"], update.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Kull 1 våren", update.RootElement.GetProperty("Cohort").GetString());
        Assert.All(history.Take(4), e => Assert.True(ProgrammeHistory.ActionKeys.ContainsKey(e.Action)));

        Assert.Equal("Name", (await service.CreateAsync(town.Programme.Id, new CohortInput(" ", null), "eier", default)).Field);
        Assert.Equal("programme", (await service.CreateAsync(999_999, new CohortInput("Kull", null), "eier", default)).Field);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Enrolling_by_person_unit_agency_and_leaders_takes_the_active_people_the_directory_names_and_enrolling_again_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);
        var first = (await service.CreateAsync(town.Programme.Id, new CohortInput("Kull 1", null), "eier", default)).Value!;
        var leaders = (await service.CreateAsync(town.Programme.Id, new CohortInput("Ledergruppe skole", null), "eier", default)).Value!;

        // All leaders of the school: the active person with a leader title, not the teacher, not the leader who left.
        var outcome = await service.EnrolAsync(leaders.Id, new EnrolmentRequest([], LeadersOfAgencyId: town.School.Id), "eier", default);
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(new EnrolmentOutcome(1, 0, 0), outcome.Value);
        Assert.Equal([town.SchoolLeader.Id], await MembersAsync(db, leaders.Id));

        // A unit and one person by id.
        outcome = await service.EnrolAsync(first.Id, new EnrolmentRequest([town.Teacher.Id], UnitId: town.Ward.Id), "eier", default);
        Assert.Equal(new EnrolmentOutcome(4, 0, 0), outcome.Value);
        Assert.Equal([.. town.Nurses.Select(n => n.Id), town.Teacher.Id], await MembersAsync(db, first.Id));

        // The whole school: the teacher is already in, the school leader stays in the leader group.
        outcome = await service.EnrolAsync(first.Id, new EnrolmentRequest([], AgencyId: town.School.Id), "eier", default);
        Assert.Equal(new EnrolmentOutcome(0, 1, 1), outcome.Value);
        // The whole health agency: the leader is new.
        outcome = await service.EnrolAsync(first.Id, new EnrolmentRequest([], AgencyId: town.Health.Id), "eier", default);
        Assert.Equal(new EnrolmentOutcome(1, 3, 0), outcome.Value);

        // Again: nothing changes, no duplicates, no audit entry.
        var audits = await db.AuditEntries.CountAsync(a => a.Action == "learning.cohort.enrol");
        outcome = await service.EnrolAsync(first.Id, new EnrolmentRequest([town.Teacher.Id, town.Teacher.Id], UnitId: town.Ward.Id, AgencyId: town.Health.Id), "eier", default);
        Assert.Equal(new EnrolmentOutcome(0, 5, 0), outcome.Value);
        Assert.Equal(audits, await db.AuditEntries.CountAsync(a => a.Action == "learning.cohort.enrol"));
        Assert.Equal(6, await db.Participants.CountAsync(p => p.ProgrammeId == town.Programme.Id));

        var entry = await db.AuditEntries.Where(a => a.Action == "learning.cohort.enrol").OrderBy(a => a.Id).FirstAsync();
        using var after = JsonDocument.Parse(entry.After!);
        Assert.Equal("Ledergruppe skole", after.RootElement.GetProperty("Cohort").GetString());
        Assert.Equal(1, after.RootElement.GetProperty("Enrolled").GetInt32());
        Assert.Contains("Etat SKO", after.RootElement.GetProperty("EnrolledFrom").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_unknown_person_unit_or_agency_is_refused_by_field_and_nothing_is_enrolled(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);
        var cohort = (await service.CreateAsync(town.Programme.Id, new CohortInput("Kull 1", null), "eier", default)).Value!;

        var cases = new (EnrolmentRequest Request, string Field)[]
        {
            (new EnrolmentRequest([]), "personIds"),
            (new EnrolmentRequest([town.Teacher.Id, 999_999]), "personIds"),
            (new EnrolmentRequest([town.Gone.Id]), "personIds"),
            (new EnrolmentRequest([town.Teacher.Id], UnitId: 999_999), "unit"),
            (new EnrolmentRequest([town.Teacher.Id], AgencyId: 999_999), "agency"),
            (new EnrolmentRequest([], LeadersOfAgencyId: 999_999), "leadersOf"),
        };
        foreach (var (request, field) in cases)
        {
            var result = await service.EnrolAsync(cohort.Id, request, "eier", default);
            Assert.False(result.Succeeded);
            Assert.Equal(field, result.Field);
            Assert.False(string.IsNullOrWhiteSpace(result.Error));
        }
        Assert.Contains("999999", (await service.EnrolAsync(cohort.Id, new EnrolmentRequest([999_999]), "eier", default)).Error, StringComparison.Ordinal);
        Assert.Equal("cohort", (await service.EnrolAsync(999_999, new EnrolmentRequest([town.Teacher.Id]), "eier", default)).Field);
        Assert.False(await db.Participants.AnyAsync());
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "learning.cohort.enrol"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_participant_is_moved_within_the_programme_only_and_removed_with_an_audit_entry_each(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);
        var first = (await service.CreateAsync(town.Programme.Id, new CohortInput("Kull 1", null), "eier", default)).Value!;
        var second = (await service.CreateAsync(town.Programme.Id, new CohortInput("Kull 2", null), "eier", default)).Value!;
        var (other, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var foreign = (await service.CreateAsync(other.Id, new CohortInput("Annet kull", null), "eier", default)).Value!;
        await service.EnrolAsync(first.Id, new EnrolmentRequest([town.Teacher.Id, town.Leader.Id]), "eier", default);
        var participant = await db.Participants.AsNoTracking().SingleAsync(p => p.PersonId == town.Teacher.Id);

        Assert.Equal("cohortId", (await service.MoveAsync(participant.Id, foreign.Id, "eier", default)).Field);
        Assert.True((await service.MoveAsync(participant.Id, second.Id, "eier", default)).Succeeded);
        Assert.Equal([town.Teacher.Id], await MembersAsync(db, second.Id));
        Assert.True((await service.MoveAsync(participant.Id, null, "eier", default)).Succeeded);
        db.ChangeTracker.Clear();
        Assert.Null((await db.Participants.SingleAsync(p => p.Id == participant.Id)).CohortId);
        // Enrolling someone without a cohort places them.
        Assert.Equal(new EnrolmentOutcome(1, 0, 0), (await service.EnrolAsync(second.Id, new EnrolmentRequest([town.Teacher.Id]), "eier", default)).Value);

        Assert.True((await service.RemoveAsync(participant.Id, "eier", default)).Succeeded);
        Assert.Equal("participant", (await service.RemoveAsync(participant.Id, "eier", default)).Field);
        Assert.Equal([town.Leader.Id], await db.Participants.Where(p => p.ProgrammeId == town.Programme.Id).Select(p => p.PersonId).ToListAsync());

        var moves = await db.AuditEntries.Where(a => a.Action == "learning.participant.move").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, moves.Count);
        Assert.Contains("laerer@nordvik.kommune.no", moves[0].Before!, StringComparison.Ordinal);
        Assert.Contains("Kull 2", moves[0].After!, StringComparison.Ordinal);
        var removed = await db.AuditEntries.SingleAsync(a => a.Action == "learning.participant.remove");
        Assert.Equal(Programmes.ProgrammeTarget(town.Programme.Id), removed.Target);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Progress_counts_the_programmes_sessions_each_participant_holds_a_seat_in_and_attended(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);
        var cohort = (await service.CreateAsync(town.Programme.Id, new CohortInput("Kull 1", null), "eier", default)).Value!;
        await service.EnrolAsync(cohort.Id, new EnrolmentRequest([], UnitId: town.Ward.Id), "eier", default);

        var registrations = new Registrations(db, LearningSeed.Clock(), LearningSeed.Options());
        Assert.True((await registrations.RegisterAsync(town.Session.Id, town.Nurses[0].Id, "test", default)).Succeeded);
        Assert.True((await registrations.RegisterAsync(town.Session.Id, town.Nurses[1].Id, "test", default)).Succeeded);
        Assert.True((await registrations.CancelAsync(town.Session.Id, town.Nurses[1].Id, "test", default)).Succeeded);
        var import = new AttendanceImport { SessionId = town.Session.Id, FileName = "rapport.csv", ImportedBy = "test", ImportedAt = LearningSeed.Now.UtcDateTime };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        // Two rows for the same person in one session count as one session attended.
        db.Attendance.AddRange(
            new Attendance { SessionId = town.Session.Id, ImportId = import.Id, PersonId = town.Nurses[0].Id, Name = "Sykepleier 1" },
            new Attendance { SessionId = town.Session.Id, ImportId = import.Id, PersonId = town.Nurses[0].Id, Name = "Sykepleier 1" },
            new Attendance { SessionId = town.Session.Id, ImportId = import.Id, PersonId = town.Nurses[2].Id, Name = "Sykepleier 3" });
        await db.SaveChangesAsync();

        var rows = await service.ProgressAsync(town.Programme.Id, cohort.Id, default);
        Assert.Equal(["Sykepleier 1", "Sykepleier 2", "Sykepleier 3"], rows.Select(r => r.Person.DisplayName));
        Assert.Equal([(1, 1), (0, 0), (0, 1)], rows.Select(r => (r.Registered, r.Attended)));
        Assert.Empty(await service.ProgressAsync(town.Programme.Id, null, default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Searching_the_directory_finds_active_people_by_name_or_address_in_any_case(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var town = await SeedAsync(db);
        var service = Service(db);

        Assert.Equal(["Rektor Øien"], (await service.SearchPeopleAsync("rEKTOR", 10, default)).Select(p => p.DisplayName));
        Assert.Equal(["Lærer Ås"], (await service.SearchPeopleAsync("LAERER@", 10, default)).Select(p => p.DisplayName));
        Assert.Equal(3, (await service.SearchPeopleAsync("sykepleier", 10, default)).Count);
        Assert.Equal(2, (await service.SearchPeopleAsync("sykepleier", 2, default)).Count);
        Assert.Empty(await service.SearchPeopleAsync("sluttet", 10, default));
        Assert.Empty(await service.SearchPeopleAsync("  ", 10, default));
    }
}
