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
}
