using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class AttendanceFolderImportTests
{
    private static readonly SessionCandidate Breakfast = new(1, "Bedre møter i Teams", new DateTime(2025, 3, 14, 7, 0, 0), new DateTime(2025, 3, 14, 7, 45, 0));
    private static readonly SessionCandidate NextWeek = new(2, "Bedre møter i Teams", new DateTime(2025, 3, 21, 7, 0, 0), new DateTime(2025, 3, 21, 7, 45, 0));
    private static readonly SessionCandidate Leaders = new(3, "Hybrid ledelse, modul 2: Dokumenter og deling", new DateTime(2025, 3, 14, 12, 0, 0), new DateTime(2025, 3, 14, 14, 0, 0));
    private static readonly SessionCandidate Parallel = new(4, "Dokumenter og deling", new DateTime(2025, 3, 14, 12, 0, 0), new DateTime(2025, 3, 14, 14, 0, 0));
    private static readonly SessionCandidate Twin = new(5, "Bedre møter i Teams", new DateTime(2025, 3, 14, 7, 0, 0), new DateTime(2025, 3, 14, 7, 45, 0));

    public static TheoryData<string?, DateTime?, SessionCandidate[], AttendanceFileOutcome, int?> Cases => new()
    {
        // The report's title holds the session's; it started a few minutes late.
        { "Frokostwebinar: Bedre møter i Teams", new DateTime(2025, 3, 14, 7, 0, 12), [Breakfast, NextWeek, Leaders], AttendanceFileOutcome.Imported, 1 },
        // Case and spacing do not matter; a week later is the next session of the series.
        { "frokostwebinar:  bedre MØTER i teams", new DateTime(2025, 3, 21, 6, 58, 0), [Breakfast, NextWeek], AttendanceFileOutcome.Imported, 2 },
        // An exact title wins over a shorter one standing in it.
        { "Hybrid ledelse, modul 2: Dokumenter og deling", new DateTime(2025, 3, 14, 12, 0, 5), [Leaders, Parallel], AttendanceFileOutcome.Imported, 3 },
        // Within the hour before or after the session's own times, not beyond.
        { "Bedre møter i Teams", new DateTime(2025, 3, 14, 6, 1, 0), [Breakfast], AttendanceFileOutcome.Imported, 1 },
        { "Bedre møter i Teams", new DateTime(2025, 3, 14, 5, 59, 0), [Breakfast], AttendanceFileOutcome.NoSessionAtThatTime, null },
        { "Bedre møter i Teams", new DateTime(2025, 3, 14, 8, 46, 0), [Breakfast], AttendanceFileOutcome.NoSessionAtThatTime, null },
        { "Lederforum", new DateTime(2025, 3, 14, 7, 0, 0), [Breakfast, Leaders], AttendanceFileOutcome.TitleDiffers, null },
        { null, new DateTime(2025, 3, 14, 7, 0, 0), [Breakfast], AttendanceFileOutcome.TitleDiffers, null },
        { "Bedre møter i Teams", null, [Breakfast], AttendanceFileOutcome.NoStartTime, null },
        { "Bedre møter i Teams", new DateTime(2025, 3, 14, 7, 0, 0), [Breakfast, Twin], AttendanceFileOutcome.Ambiguous, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_report_matches_the_one_session_with_its_title_at_its_start_time(string? title, DateTime? start, SessionCandidate[] sessions,
        AttendanceFileOutcome outcome, int? session)
    {
        var match = AttendanceFileMatch.Match(title, start, sessions);

        Assert.Equal(outcome, match.Outcome);
        Assert.Equal(session, match.Session?.Id);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_folder_lands_file_by_file_says_what_matched_and_can_be_run_again(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        // The en-us report started 3/14/25 8:00:12 AM in Oslo, the nb-no one 14.03.2025 13:00:05.
        var breakfast = Session(programme.Id, "Bedre møter i Teams", new DateTime(2025, 3, 14, 7, 0, 0));
        var leaders = Session(programme.Id, "Hybrid ledelse, modul 2: Dokumenter og deling", new DateTime(2025, 3, 14, 12, 0, 0));
        db.LearningSessions.AddRange(breakfast, leaders);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var folder = Directory.CreateTempSubdirectory("oppdrift-attendance-");
        try
        {
            File.Copy(TestFiles.Path("learning", "attendance-en-us-utf16le.csv"), Path.Combine(folder.FullName, "a-breakfast.csv"));
            File.Copy(TestFiles.Path("learning", "attendance-nb-no-utf16le.csv"), Path.Combine(folder.FullName, "b-leaders.csv"));
            File.Copy(TestFiles.Path("learning", "attendance-en-gb-utf16be.csv"), Path.Combine(folder.FullName, "c-no-session.csv"));
            File.Copy(TestFiles.Path("learning", "bad-attendance-duration.csv"), Path.Combine(folder.FullName, "d-broken.csv"));
            var import = new AttendanceFolderImport(db, new AttendanceImporter(db, LearningSeed.Clock()));

            var first = await import.ImportAsync(folder.FullName, "eier", null, TestContext.Current.CancellationToken);
            var attendance = await db.Attendance.CountAsync(TestContext.Current.CancellationToken);
            var second = await import.ImportAsync(folder.FullName, "eier", null, TestContext.Current.CancellationToken);

            Assert.Equal(["a-breakfast.csv", "b-leaders.csv", "c-no-session.csv", "d-broken.csv"], first.Select(r => r.File));
            Assert.Equal([AttendanceFileOutcome.Imported, AttendanceFileOutcome.Imported, AttendanceFileOutcome.NoSessionAtThatTime, AttendanceFileOutcome.Rejected],
                first.Select(r => r.Outcome));
            Assert.Equal([breakfast.Id, leaders.Id], first.Take(2).Select(r => r.Session!.Id));
            var broken = first[3].Errors[0];
            Assert.Equal(("d-broken.csv", 11, 4), (broken.File, broken.Line, broken.Column));
            Assert.Equal([AttendanceFileOutcome.Unchanged, AttendanceFileOutcome.Unchanged, AttendanceFileOutcome.NoSessionAtThatTime, AttendanceFileOutcome.Rejected],
                second.Select(r => r.Outcome));
            Assert.Equal(attendance, await db.Attendance.CountAsync(TestContext.Current.CancellationToken));
            Assert.Equal(2, await db.AttendanceImports.CountAsync(TestContext.Current.CancellationToken));
            Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "learning.attendance.import", TestContext.Current.CancellationToken));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static LearningSession Session(int programmeId, string title, DateTime startsAt) => new()
    {
        ProgrammeId = programmeId,
        Title = title,
        StartsAt = startsAt,
        EndsAt = startsAt.AddHours(2),
        Mode = SessionMode.Online,
        CalendarUid = Guid.NewGuid().ToString("N") + "@oppdrift",
    };
}
