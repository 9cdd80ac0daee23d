using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class AttendanceByAgencyCacheTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agencys_attendance_is_kept_until_the_attendance_changes_and_for_a_minute_after_the_directory_does(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var clock = LearningSeed.Clock();
        var cache = new AttendanceByAgencyCache(clock);
        var agencies = await LearningSeed.AgenciesAsync(db, "KUL", "SYE");
        var (kul, sye) = (agencies[0].Id, agencies[1].Id);
        var culture = await LearningSeed.PeopleAsync(db, 14, kul, "kul");
        var care = await LearningSeed.PeopleAsync(db, 12, sye, "sye");
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var import = new AttendanceImport { SessionId = session.Id, FileName = "oppmote.csv", ImportedAt = LearningSeed.Now.UtcDateTime, ImportedBy = "test" };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        async Task AttendAsync(IEnumerable<Person> people)
        {
            db.Attendance.AddRange(people.Select(p => new Attendance { SessionId = session.Id, ImportId = import.Id, PersonId = p.Id, Name = p.DisplayName }));
            await db.SaveChangesAsync();
        }
        async Task<int?> CultureAttendeesAsync()
        {
            await using var request = database.CreateContext();
            var rows = await new LearningQueries(request, LearningSeed.Suppression, cache).AgencyParticipationAsync(kul, default);
            return Assert.Single(rows, r => r.ProgrammeId == programme.Id).People;
        }
        await AttendAsync([.. culture.Take(12), .. care]);
        Assert.Equal(12, await CultureAttendeesAsync());

        // New attendance is counted at once.
        await AttendAsync([culture[12]]);
        Assert.Equal(13, await CultureAttendeesAsync());

        // A person moved by the directory is counted where they are now within the minute the counts are kept.
        await db.People.Where(p => p.Id == culture[0].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.AgencyId, sye));
        Assert.Equal(13, await CultureAttendeesAsync());
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(12, await CultureAttendeesAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_programmes_results_show_the_kept_counts_of_that_programme_suppressed_as_the_agency_page_does(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var cache = new AttendanceByAgencyCache(LearningSeed.Clock());
        var agencies = await LearningSeed.AgenciesAsync(db, "BIG", "SMA", "MID");
        var big = await LearningSeed.PeopleAsync(db, 25, agencies[0].Id, "big");
        var small = await LearningSeed.PeopleAsync(db, 10, agencies[1].Id, "small");
        var mid = await LearningSeed.PeopleAsync(db, 12, agencies[2].Id, "mid");
        var unplaced = await LearningSeed.PeopleAsync(db, 4, null, "unplaced");
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var (other, otherSession) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var import = new AttendanceImport { SessionId = session.Id, FileName = "oppmote.csv", ImportedAt = LearningSeed.Now.UtcDateTime, ImportedBy = "test" };
        db.AttendanceImports.Add(import);
        await db.SaveChangesAsync();
        async Task AttendAsync(LearningSession at, IEnumerable<Person> people)
        {
            db.Attendance.AddRange(people.Select(p => new Attendance { SessionId = at.Id, ImportId = import.Id, PersonId = p.Id, Name = p.DisplayName }));
            await db.SaveChangesAsync();
        }
        async Task<(int? Big, int? Small, int? Mid, int? Total, int? SmallOnAgencyPage)> ResultsAsync(AttendanceByAgencyCache? kept)
        {
            await using var request = database.CreateContext();
            var queries = new LearningQueries(request, LearningSeed.Suppression, kept);
            var summary = await queries.AttendanceAsync(programme.Id, default);
            int? Of(Agency agency)
            {
                var row = summary.Agencies.Single(a => a.Agency == agency.Name);
                Assert.Equal(row.Hidden, row.People is null);
                return row.People;
            }
            var page = (await queries.AgencyParticipationAsync(agencies[1].Id, default)).Single(r => r.ProgrammeId == programme.Id);
            Assert.Equal(summary.TotalHidden, summary.TotalPeople is null);
            return (Of(agencies[0]), Of(agencies[1]), Of(agencies[2]), summary.TotalPeople, page.People);
        }

        // Three of the small agency, twice in the attendance (rejoined); those the directory places nowhere count in the total only.
        await AttendAsync(session, [.. big, .. small.Take(3), .. small.Take(3), .. mid, .. unplaced]);
        // Another programme's attendance is not this one's.
        await AttendAsync(otherSession, [.. small, .. unplaced]);
        // With the total shown, one hidden agency would be the total minus the rest: the next smallest is hidden with it.
        Assert.Equal((25, null, null, 44, null), await ResultsAsync(cache));
        Assert.Equal(await ResultsAsync(null), await ResultsAsync(cache));
        var elsewhere = await new LearningQueries(db, LearningSeed.Suppression, cache).AgencyParticipationAsync(agencies[1].Id, default);
        Assert.Equal(10, elsewhere.Single(r => r.ProgrammeId == other.Id).People);

        // New attendance is counted at once, and the small agency is shown on both pages once it is large enough.
        await AttendAsync(session, small.Skip(3));
        Assert.Equal((25, 10, 12, 51, 10), await ResultsAsync(cache));
        Assert.Equal(await ResultsAsync(null), await ResultsAsync(cache));
    }
}
