using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class AttendanceImporterTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Attendees_are_matched_to_people_guests_are_kept_and_reimporting_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        db.People.AddRange(
            LearningSeed.Person("ola.nordmann@nordvik.kommune.no", "Ola Nordmann", agency.Id),
            LearningSeed.Person("kari.hansen@nordvik.kommune.no", "Kari Hansen", agency.Id),
            LearningSeed.Person("lise.as@nordvik.kommune.no", "Lise Ås", agency.Id));
        await db.SaveChangesAsync();
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: null)).Session;
        var importer = new AttendanceImporter(db, LearningSeed.Clock());

        for (var round = 0; round < 2; round++)
        {
            await using var file = TestFiles.Open("learning", "attendance-en-us-utf16le.csv");
            var result = await importer.ImportAsync(session.Id, file, "attendance-en-us-utf16le.csv", "eier", default);
            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            Assert.Equal(4, result.Import!.Attendees);
            Assert.Equal(3, result.Import.Matched);
            Assert.Equal(1, result.Import.Guests);
        }

        var rows = await db.Attendance.AsNoTracking().Where(a => a.SessionId == session.Id).ToListAsync();
        Assert.Equal(4, rows.Count);
        Assert.Equal(1, await db.AttendanceImports.CountAsync());
        var guest = Assert.Single(rows, r => r.PersonId is null);
        Assert.Equal("Berg, Per Olav (Ekstern)", guest.Name);
        // Matched by the participant id (the UPN) even when its case differs from the directory.
        Assert.Contains(rows, r => r.Name == "Lise Ås" && r.PersonId is not null);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_malformed_report_writes_nothing_and_keeps_the_last_good_import(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: null)).Session;
        var importer = new AttendanceImporter(db, LearningSeed.Clock());
        await using (var good = TestFiles.Open("learning", "attendance-nb-no-utf16le.csv"))
        {
            Assert.True((await importer.ImportAsync(session.Id, good, "good.csv", "eier", default)).Succeeded);
        }

        foreach (var bad in new[] { "bad-attendance-utf8.csv", "bad-attendance-missing-participants.csv", "bad-attendance-unknown-column.csv", "bad-attendance-duration.csv" })
        {
            await using var file = TestFiles.Open("learning", bad);
            var result = await importer.ImportAsync(session.Id, file, bad, "eier", default);
            Assert.False(result.Succeeded);
            Assert.All(result.Errors, e => Assert.Equal(bad, e.File));
        }

        Assert.Equal(3, await db.Attendance.CountAsync());
        Assert.Equal("good.csv", (await db.AttendanceImports.SingleAsync()).FileName);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Attendance_per_agency_hides_agencies_with_fewer_people_than_the_minimum_group_size(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await LearningSeed.AgenciesAsync(db, "BIG", "SMA", "MID");
        var big = await LearningSeed.PeopleAsync(db, 25, agencies[0].Id, "big");
        var small = await LearningSeed.PeopleAsync(db, 3, agencies[1].Id, "small");
        var mid = await LearningSeed.PeopleAsync(db, 12, agencies[2].Id, "mid");
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var import = new Oppdrift.Learning.AttendanceImport { SessionId = session.Id, FileName = "x.csv", ImportedBy = "t" };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        foreach (var person in big.Concat(small).Concat(mid))
        {
            db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = person.Id, Name = person.DisplayName, DurationSeconds = 600 });
        }
        db.Attendance.Add(new Attendance { SessionId = session.Id, ImportId = import.Id, Name = "Gjest", DurationSeconds = 60 });
        await db.SaveChangesAsync();

        var summary = await new LearningQueries(db, LearningSeed.Suppression).AttendanceAsync(programme.Id, default);

        Assert.Equal(41, summary.Sessions.Single().Attended);
        Assert.Equal(1, summary.Sessions.Single().Guests);
        Assert.Equal(25, summary.Agencies.Single(a => a.Agency == "Etat BIG").People);
        Assert.True(summary.Agencies.Single(a => a.Agency == "Etat SMA").Hidden);
        Assert.Null(summary.Agencies.Single(a => a.Agency == "Etat SMA").People);
        // With the total published, one hidden agency would be the total minus the rest: a second one is hidden too.
        Assert.True(summary.Agencies.Single(a => a.Agency == "Etat MID").Hidden);
        Assert.Equal(40, summary.TotalPeople);
    }
}
