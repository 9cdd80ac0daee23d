using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage.Graph;

namespace Oppdrift.Tests.Learning;

public sealed class TeamsAttendanceTests
{
    private const string JoinUrl = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzY0ZjFhYjItOWM3Mi00ZjQ2LTg1ZDMtMmE5YjFjN2Q4ZTBm%40thread.v2/0"
        + "?context=%7b%22Tid%22%3a%225b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07%22%2c%22Oid%22%3a%22a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b%22%7d";

    private const string Organizer = "a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

    private static readonly string[] Folder = ["learning", "graph"];

    // The seeded session runs 14 March 2025 09:00–09:45 UTC; the harvest runs that day at noon.
    private static readonly DateTimeOffset AfterSession = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static TeamsAttendanceConnection Connection(RecordedExchanges network) =>
        new(new TeamsAttendanceOptions { Enabled = true }, RecordedExchanges.Options(), network);

    private static async Task<int> SessionAsync(OppdriftDb db, string? teamsUrl = JoinUrl)
    {
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        db.People.AddRange(
            LearningSeed.Person("ola.nordmann@nordvik.kommune.no", "Ola Nordmann", agency.Id),
            LearningSeed.Person("kari.hansen@nordvik.kommune.no", "Kari Hansen", agency.Id),
            LearningSeed.Person("lise.as@nordvik.kommune.no", "Lise Ås", agency.Id));
        await db.SaveChangesAsync();
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: null)).Session;
        await db.LearningSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.TeamsUrl, teamsUrl));
        return session.Id;
    }

    [Theory]
    [InlineData(JoinUrl, Organizer, "5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07")]
    [InlineData("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7B%22Tid%22%3A%22t%22%2C%22Oid%22%3A%22A1C2E3F4-5B6D-4E7F-8A9B-0C1D2E3F4A5B%22%7D", Organizer, null)]
    [InlineData("https://teams.microsoft.com/l/meetup-join/19:meeting_abc@thread.v2/0?context={\"Tid\":\"5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07\",\"Oid\":\"a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b\"}", Organizer, "5b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07")]
    [InlineData("https://teams.microsoft.com/meet/3486154829357?p=Xq9Tz2", null, null)]
    [InlineData("https://teams.microsoft.com/l/meetup-join/abc", null, null)]
    [InlineData("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a", null, null)]
    [InlineData("http://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Oid%22%3a%22a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b%22%7d", null, null)]
    [InlineData("Rådhuset, møterom 3", null, null)]
    public void A_join_link_names_its_organiser_in_its_context(string url, string? organizer, string? tenant)
    {
        var link = TeamsMeetingLink.Parse(url);

        Assert.Equal(organizer, link?.OrganizerId);
        Assert.Equal(tenant, link?.TenantId);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_restarted_meeting_is_merged_across_pages_and_fetching_again_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var sessionId = await SessionAsync(db);
        var clock = new FakeTimeProvider(AfterSession);
        string[] run = ["meeting-by-link.json", "reports.json", "records-first-page.json", "records-second-page.json", "records-after-restart.json"];
        var network = RecordedExchanges.In(Folder, ["token.json", .. run, .. run]);
        using var connection = Connection(network);
        var harvest = new TeamsAttendanceHarvest(db, new AttendanceImporter(db, clock), connection, clock);

        var first = await harvest.HarvestAsync(sessionId, "eier", auditUnchanged: false, TestContext.Current.CancellationToken);
        var second = await harvest.HarvestAsync(sessionId, "eier", auditUnchanged: false, TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);
        Assert.True(first.Succeeded, first.Error);
        Assert.False(first.Value!.Unchanged);
        Assert.True(second.Succeeded, second.Error);
        Assert.True(second.Value!.Unchanged);
        Assert.All(network.Sent.Where(r => r.Url.Host == "graph.microsoft.com"), r => Assert.StartsWith("Bearer ", r.Authorization, StringComparison.Ordinal));

        var import = await db.AttendanceImports.AsNoTracking().SingleAsync();
        Assert.Equal("Microsoft Teams (2)", import.FileName);
        Assert.Equal("Frokostwebinar: Bedre møter i Teams", import.MeetingTitle);
        Assert.Equal((5, 3, 2), (import.Attendees, import.Matched, import.Guests));
        var rows = await db.Attendance.AsNoTracking().Where(a => a.SessionId == sessionId).ToListAsync(TestContext.Current.CancellationToken);
        // Ola was in both reports: one row, both stretches of time.
        var ola = Assert.Single(rows, r => r.Name == "Ola Nordmann");
        Assert.NotNull(ola.PersonId);
        Assert.Equal(1082 + 1363, ola.DurationSeconds);
        Assert.Equal(new DateTime(2025, 3, 14, 9, 2, 3), ola.FirstJoin);
        Assert.Equal(new DateTime(2025, 3, 14, 9, 45, 59), ola.LastLeave);
        // Matched by e-mail whatever its case; the guest and the organiser outside the directory keep their names.
        Assert.NotNull(Assert.Single(rows, r => r.Name == "Kari Hansen").PersonId);
        Assert.Null(Assert.Single(rows, r => r.Name == "Berg, Per Olav (Ekstern)").PersonId);
        Assert.Equal("Organizer", Assert.Single(rows, r => r.Name == "Anne Vert").Role);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == TeamsAttendanceHarvest.Action, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_refused_harvest_says_what_to_set_up_and_keeps_the_attendance_held(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var sessionId = await SessionAsync(db);
        var clock = new FakeTimeProvider(AfterSession);
        var importer = new AttendanceImporter(db, clock);
        await using (var file = TestFiles.Open("learning", "attendance-nb-no-utf16le.csv"))
        {
            Assert.True((await importer.ImportAsync(sessionId, file, "oppmøte.csv", "eier", TestContext.Current.CancellationToken)).Succeeded);
        }
        var held = await db.Attendance.CountAsync(TestContext.Current.CancellationToken);
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-forbidden.json");
        using var connection = Connection(network);

        var result = await new TeamsAttendanceHarvest(db, importer, connection, clock).HarvestAsync(sessionId, "eier", auditUnchanged: true, TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.False(result.Succeeded);
        Assert.Contains("403", result.Error, StringComparison.Ordinal);
        Assert.Contains("OnlineMeetingArtifact.Read.All", result.Error, StringComparison.Ordinal);
        Assert.Contains(Organizer, result.Error, StringComparison.Ordinal);
        Assert.Contains("No application access policy found for this app.", result.Error, StringComparison.Ordinal);
        Assert.Equal(held, await db.Attendance.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal("oppmøte.csv", (await db.AttendanceImports.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken)).FileName);
    }

    [Fact]
    public async Task A_meeting_that_is_gone_is_reported_as_such()
    {
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "reports-not-found.json");
        using var reader = TeamsAttendanceReader.Create(TeamsAttendanceOptions.App(RecordedExchanges.Options()), network);

        var result = await reader.ReadAsync(TeamsMeetingLink.Parse(JoinUrl)!, new DateTime(2025, 3, 14, 9, 0, 0), new DateTime(2025, 3, 14, 9, 45, 0),
            TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.False(result.Succeeded);
        Assert.Contains("404", result.Error, StringComparison.Ordinal);
        Assert.Contains("The meeting was not found.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_older_than_the_50_most_recent_reports_is_sent_to_the_file_import()
    {
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "reports-fifty.json");
        using var reader = TeamsAttendanceReader.Create(TeamsAttendanceOptions.App(RecordedExchanges.Options()), network);

        // The series' 50 weekly reports reach back to 19 April 2024; this session was in March.
        var result = await reader.ReadAsync(TeamsMeetingLink.Parse(JoinUrl)!, new DateTime(2024, 3, 1, 9, 0, 0), new DateTime(2024, 3, 1, 9, 45, 0),
            TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.False(result.Succeeded);
        Assert.Contains("50", result.Error, StringComparison.Ordinal);
        Assert.Contains("2024", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(network.Sent, r => r.Url.AbsolutePath.EndsWith("/attendanceRecords", StringComparison.Ordinal));
        Assert.Equal(0, network.Unused);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Sessions_past_the_one_year_retention_or_without_a_usable_link_never_reach_Graph(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var sessionId = await SessionAsync(db);
        var network = RecordedExchanges.In(Folder);
        using var connection = Connection(network);

        var late = new FakeTimeProvider(AfterSession.AddDays(400));
        var tooOld = await new TeamsAttendanceHarvest(db, new AttendanceImporter(db, late), connection, late).HarvestAsync(sessionId, "eier", false, TestContext.Current.CancellationToken);
        await db.LearningSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.TeamsUrl, "https://teams.microsoft.com/meet/3486154829357?p=Xq9Tz2"),
            TestContext.Current.CancellationToken);
        var clock = new FakeTimeProvider(AfterSession);
        var shortLink = await new TeamsAttendanceHarvest(db, new AttendanceImporter(db, clock), connection, clock).HarvestAsync(sessionId, "eier", false, TestContext.Current.CancellationToken);

        Assert.False(tooOld.Succeeded);
        Assert.Contains("Teams", tooOld.Error, StringComparison.Ordinal);
        Assert.Contains("2025", tooOld.Error, StringComparison.Ordinal);
        Assert.False(shortLink.Succeeded);
        Assert.Contains("/meet/", shortLink.Error, StringComparison.Ordinal);
        Assert.Empty(network.Sent);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_scheduled_harvest_takes_ended_sessions_with_a_link_and_leaves_file_imports_alone(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var sessionId = await SessionAsync(db);
        using var connection = Connection(RecordedExchanges.In(Folder));

        async Task<IReadOnlyList<int>> DueAt(DateTimeOffset now) =>
            await new TeamsAttendanceHarvest(db, new AttendanceImporter(db, new FakeTimeProvider(now)), connection, new FakeTimeProvider(now)).DueAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await DueAt(new DateTimeOffset(2025, 3, 14, 9, 50, 0, TimeSpan.Zero)));
        Assert.Equal([sessionId], await DueAt(AfterSession));
        Assert.Empty(await DueAt(AfterSession.AddDays(8)));
        var clock = new FakeTimeProvider(AfterSession);
        await using (var file = TestFiles.Open("learning", "attendance-nb-no-utf16le.csv"))
        {
            Assert.True((await new AttendanceImporter(db, clock).ImportAsync(sessionId, file, "oppmøte.csv", "eier", TestContext.Current.CancellationToken)).Succeeded);
        }
        Assert.Empty(await DueAt(AfterSession));
    }
}
