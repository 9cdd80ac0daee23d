using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage.Graph;

namespace Oppdrift.Tests.Learning;

public sealed class TeamsTranscriptTests
{
    private const string JoinUrl = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzY0ZjFhYjItOWM3Mi00ZjQ2LTg1ZDMtMmE5YjFjN2Q4ZTBm%40thread.v2/0"
        + "?context=%7b%22Tid%22%3a%225b3c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07%22%2c%22Oid%22%3a%22a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b%22%7d";

    private static readonly string[] Folder = ["learning", "graph"];

    // The seeded session runs 14 March 2025 09:00–09:45 UTC; the fetch runs that day at noon.
    private static readonly DateTimeOffset AfterSession = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static async Task<(Programmes Service, int SessionId)> SessionAsync(OppdriftDb db, TestDatabase database)
    {
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: null)).Session;
        await db.LearningSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.TeamsUrl, JoinUrl));
        var storage = LearningSeed.Storage(database.Folder);
        var service = new Programmes(db, new FakeTimeProvider(AfterSession), LearningSeed.Options(), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
        return (service, session.Id);
    }

    private static TeamsTranscriptHarvest Harvest(OppdriftDb db, TeamsTranscriptConnection connection) =>
        new(db, new KnowledgeSync(db, new KnowledgeIndex(db), LearningSeed.Storage(Path.GetTempPath())), connection, LearningSeed.Options(), new FakeTimeProvider(AfterSession));

    private static async Task<Recording> RecordingAsync(OppdriftDb db, Programmes service, int sessionId, string title) =>
        (await service.AddRecordingAsync((await db.LearningSessions.SingleAsync(s => s.Id == sessionId)).ProgrammeId,
            new RecordingInput(title, "https://nordvik-my.sharepoint.com/personal/anne_vert/opptak.mp4", TimeSpan.FromMinutes(45), sessionId, null),
            null, null, "eier", default)).Value!;

    private static async Task<string> HitAsync(OppdriftDb db, string text) =>
        Assert.Single((await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = text }, TestContext.Current.CancellationToken)).Hits).Url;

    private static void AllUsed(RecordedExchanges network)
    {
        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);
    }

    private static TeamsTranscriptPart Part(string id, int minute, string? correlation) =>
        new(id, new DateTime(2025, 3, 14, 9, minute, 0, DateTimeKind.Utc), null, correlation, "WEBVTT\n");

    private static TeamsTranscriptConnection Connection(RecordedExchanges network) =>
        new(new TeamsTranscriptOptions { Enabled = true }, RecordedExchanges.Options(), network);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_sessions_Teams_transcript_becomes_the_recordings_searchable_transcript_and_its_expiry_counts_from_Graphs_recording(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        var recording = (await service.AddRecordingAsync((await db.LearningSessions.SingleAsync(s => s.Id == sessionId)).ProgrammeId,
            new RecordingInput("Opptak: bedre møter", "https://nordvik-my.sharepoint.com/personal/anne_vert/opptak.mp4", TimeSpan.FromMinutes(45), sessionId, null),
            null, null, "eier", default)).Value!;
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "transcripts.json", "transcript-content.json", "recordings.json");
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(recording.Id, Assert.Single(await harvest.DueAsync(ct)));
        var first = await harvest.FetchAsync(recording.Id, TeamsTranscriptJob.SystemActor, ct);
        var again = await harvest.FetchAsync(recording.Id, TeamsTranscriptJob.SystemActor, ct);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(TranscriptFetch.Stored, first.Value);
        Assert.Equal(TranscriptFetch.Kept, again.Value);
        Assert.Empty(await harvest.DueAsync(ct));
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, ct);
        Assert.Equal(TeamsTranscriptHarvest.FileName, stored.TranscriptFileName);
        Assert.Equal(3, KnowledgeSync.Cues(stored).Count);
        // The recording Graph lists for the transcript was made at 09:01:57; the policy's 120 days count from then.
        Assert.Equal(new DateTime(2025, 3, 14, 9, 1, 57, DateTimeKind.Utc).AddDays(120), stored.ExpiresAt);
        Assert.Equal(RecordingExpirySource.Graph, stored.ExpirySource);
        var hit = Assert.Single((await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = "bibliotek utløper" }, ct)).Hits);
        Assert.Equal($"/learning/recordings/{recording.Id}#t581", hit.Url);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == TeamsTranscriptHarvest.Action, ct));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_transcript_a_person_uploaded_is_never_replaced_and_Graph_is_not_asked(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        const string uploaded = "WEBVTT\n\n00:00:05.000 --> 00:00:12.000\n<v Marianne Røsby>Rettet tekst fra programeieren.</v>\n";
        var recording = (await service.AddRecordingAsync((await db.LearningSessions.SingleAsync(s => s.Id == sessionId)).ProgrammeId,
            new RecordingInput("Opptak: bedre møter", "https://nordvik-my.sharepoint.com/personal/anne_vert/opptak.mp4", TimeSpan.FromMinutes(45), sessionId, null),
            new MemoryStream(Encoding.UTF8.GetBytes(uploaded)), "rettet.vtt", "eier", default)).Value!;
        var network = RecordedExchanges.In(Folder);
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);

        Assert.Empty(await harvest.DueAsync(TestContext.Current.CancellationToken));
        var result = await harvest.FetchAsync(recording.Id, "eier", TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(TranscriptFetch.Kept, result.Value);
        Assert.Empty(network.Sent);
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, TestContext.Current.CancellationToken);
        Assert.Equal(uploaded, stored.Transcript);
        Assert.Equal("rettet.vtt", stored.TranscriptFileName);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Three_transcripts_of_a_session_with_one_recording_become_one_searchable_transcript_on_the_sessions_timeline(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        var recording = await RecordingAsync(db, service, sessionId, "Opptak: bedre møter");
        // Transcription was stopped at 09:17 and 09:31 and started again at 09:20:12 and 09:33:40; Graph lists the parts out of order.
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "transcripts-three.json", "transcript-content.json",
            "transcript-part-2.json", "transcript-part-3.json", "recordings.json");
        using var connection = Connection(network);
        var ct = TestContext.Current.CancellationToken;

        var result = await Harvest(db, connection).FetchAsync(recording.Id, TeamsTranscriptJob.SystemActor, ct);

        AllUsed(network);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(TranscriptFetch.Stored, result.Value);
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, ct);
        Assert.Equal(3, TeamsTranscriptHarvest.Parts(stored));
        Assert.Contains("\nNOTE Part 2 of 3, started 2025-03-14 09:20:12 UTC, Teams transcript MSMjMCMjYjNjNGQ1ZTYtZjdhOC00YjljLThkMGUtMWYyYTNiNGM1ZDZl\n",
            stored.Transcript, StringComparison.Ordinal);
        // The second part started 18:02 after the first, the third 31:30 after: their cues move by as much.
        Assert.Equal(
        [
            TimeSpan.Parse("00:00:02.160", CultureInfo.InvariantCulture), TimeSpan.Parse("00:00:07.400", CultureInfo.InvariantCulture),
            TimeSpan.Parse("00:09:41.220", CultureInfo.InvariantCulture), TimeSpan.Parse("00:18:06.100", CultureInfo.InvariantCulture),
            TimeSpan.Parse("00:19:14.300", CultureInfo.InvariantCulture), TimeSpan.Parse("00:32:35.500", CultureInfo.InvariantCulture),
        ], KnowledgeSync.Cues(stored).Select(c => c.Start));
        Assert.Equal(TimeSpan.Parse("00:32:41.200", CultureInfo.InvariantCulture), KnowledgeSync.Cues(stored)[^1].End);
        Assert.Contains("00:18:06.100 --> 00:18:11.850\n<v Anne Vert>", stored.Transcript, StringComparison.Ordinal);
        Assert.Equal($"/learning/recordings/{recording.Id}#t581", await HitAsync(db, "bibliotek utløper"));
        Assert.Equal($"/learning/recordings/{recording.Id}#t1086", await HitAsync(db, "redigere"));
        Assert.Equal($"/learning/recordings/{recording.Id}#t1955", await HitAsync(db, "kalenderdeling"));
        Assert.Equal(new DateTime(2025, 3, 14, 9, 1, 57, DateTimeKind.Utc).AddDays(120), stored.ExpiresAt);
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == TeamsTranscriptHarvest.Action, ct);
        Assert.Contains("\"Cues\":6", audit.After, StringComparison.Ordinal);
        Assert.Contains("MSMjMCMjNGQ3ZTFiMmMtOGE5Zi00YjZlLTljMGQtMWUyZjNhNGI1YzZk\",\"MSMjMCMjYjNjNGQ1ZTYtZjdhOC00YjljLThkMGUtMWYyYTNiNGM1ZDZl\","
            + "\"MSMjMCMjZDVlNmY3YTgtYjljMC00ZDFlLWFmMmEtM2I0YzVkNmU3Zjgw\"", audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Two_recordings_of_a_session_each_get_the_transcript_made_with_their_own_recording_in_Teams(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        var first = await RecordingAsync(db, service, sessionId, "Opptak: bedre møter, del 1");
        var second = await RecordingAsync(db, service, sessionId, "Opptak: bedre møter, del 2");
        // The recording was restarted at 09:24:51; Graph lists the newer recording first.
        string[] fetch = ["meeting-by-link.json", "transcripts-two-recordings.json", "transcript-content.json", "transcript-restarted.json", "recordings-two.json"];
        var network = RecordedExchanges.In(Folder, ["token.json", .. fetch, .. fetch]);
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);
        var ct = TestContext.Current.CancellationToken;

        var secondFetch = await harvest.FetchAsync(second.Id, TeamsTranscriptJob.SystemActor, ct);
        var firstFetch = await harvest.FetchAsync(first.Id, TeamsTranscriptJob.SystemActor, ct);

        AllUsed(network);
        Assert.True(firstFetch.Succeeded, firstFetch.Error);
        Assert.True(secondFetch.Succeeded, secondFetch.Error);
        var stored = await db.Recordings.AsNoTracking().Where(r => r.SessionId == sessionId).OrderBy(r => r.Id).ToListAsync(ct);
        Assert.Equal(await File.ReadAllTextAsync(TestFiles.Path("learning", "graph", "transcript.vtt"), ct), stored[0].Transcript);
        Assert.Equal(await File.ReadAllTextAsync(TestFiles.Path("learning", "graph", "transcript-restarted.vtt"), ct), stored[1].Transcript);
        Assert.All(stored, r => Assert.Equal(1, TeamsTranscriptHarvest.Parts(r)));
        Assert.Equal(new DateTime(2025, 3, 14, 9, 1, 57, DateTimeKind.Utc).AddDays(120), stored[0].ExpiresAt);
        Assert.Equal(new DateTime(2025, 3, 14, 9, 24, 51, DateTimeKind.Utc).AddDays(120), stored[1].ExpiresAt);
        Assert.Equal($"/learning/recordings/{first.Id}#t581", await HitAsync(db, "bibliotek utløper"));
        Assert.Equal($"/learning/recordings/{second.Id}#t6", await HitAsync(db, "skjerm møterommet"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_recording_that_none_of_the_sessions_transcripts_belongs_to_is_told_so_and_gets_none(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        await RecordingAsync(db, service, sessionId, "Opptak: bedre møter, del 1");
        await RecordingAsync(db, service, sessionId, "Opptak: bedre møter, del 2");
        // A third recording added by hand: Teams made two, so none is paired with it.
        var third = await RecordingAsync(db, service, sessionId, "Opptak fra møterommet");
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "transcripts-two-recordings.json", "transcript-content.json",
            "transcript-restarted.json", "recordings-two.json");
        using var connection = Connection(network);
        var ct = TestContext.Current.CancellationToken;

        var result = await Harvest(db, connection).FetchAsync(third.Id, TeamsTranscriptJob.SystemActor, ct);

        AllUsed(network);
        Assert.False(result.Succeeded);
        Assert.Equal(LearningText.Get("TranscriptNotForRecording", 2, LearningFormat.Date(new DateTime(2025, 3, 14, 9, 0, 0, DateTimeKind.Utc))), result.Error);
        Assert.Null((await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == third.Id, ct)).Transcript);
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == TeamsTranscriptHarvest.Action, ct));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_paged_list_of_transcripts_is_followed_to_its_last_page(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        var recording = await RecordingAsync(db, service, sessionId, "Opptak: bedre møter");
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "transcripts-first-page.json", "transcripts-second-page.json",
            "transcript-content.json", "transcript-part-2.json", "recordings.json");
        using var connection = Connection(network);
        var ct = TestContext.Current.CancellationToken;

        var result = await Harvest(db, connection).FetchAsync(recording.Id, TeamsTranscriptJob.SystemActor, ct);

        AllUsed(network);
        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(network.Sent, r => r.Url.Query.Contains("skiptoken", StringComparison.Ordinal));
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, ct);
        Assert.Equal(2, TeamsTranscriptHarvest.Parts(stored));
        Assert.Equal(5, KnowledgeSync.Cues(stored).Count);
        Assert.Equal($"/learning/recordings/{recording.Id}#t1086", await HitAsync(db, "redigere"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Transcripts_of_the_series_other_occurrences_are_neither_read_nor_stored(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (service, sessionId) = await SessionAsync(db, database);
        var recording = await RecordingAsync(db, service, sessionId, "Opptak: bedre møter");
        // Fetched after the next week's session: Graph lists the week before's and the week after's transcripts too.
        var network = RecordedExchanges.In(Folder, "token.json", "meeting-by-link.json", "transcripts-series.json", "transcript-content.json", "recordings.json");
        using var connection = Connection(network);
        var ct = TestContext.Current.CancellationToken;

        var result = await Harvest(db, connection).FetchAsync(recording.Id, TeamsTranscriptJob.SystemActor, ct);

        // Only the session's own transcript's content was asked for, and it is stored as Teams gave it.
        AllUsed(network);
        Assert.True(result.Succeeded, result.Error);
        Assert.Single(network.Sent, r => r.Url.AbsolutePath.EndsWith("/content", StringComparison.Ordinal));
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, ct);
        Assert.Equal(await File.ReadAllTextAsync(TestFiles.Path("learning", "graph", "transcript.vtt"), ct), stored.Transcript);
        Assert.Equal(1, TeamsTranscriptHarvest.Parts(stored));
    }

    [Fact]
    public void A_transcript_without_its_own_recording_goes_to_the_recording_made_closest_in_time()
    {
        TeamsMeetingRecording[] made = [new(new DateTime(2025, 3, 14, 9, 2, 0, DateTimeKind.Utc), "a"), new(new DateTime(2025, 3, 14, 9, 25, 0, DateTimeKind.Utc), "b")];
        // "c" belongs to no recording Graph lists; "x" to a third recording, which has no recording in Oppdrift to pair with.
        // Part 6 was made nearer the second recording, but with the first.
        TeamsTranscriptPart[] parts = [Part("1", 3, "a"), Part("2", 12, "c"), Part("3", 22, null), Part("6", 24, "a"), Part("4", 26, "b"), Part("5", 40, "x")];

        var shares = TeamsTranscriptHarvest.Share(3, parts, [.. made, new(new DateTime(2025, 3, 14, 9, 39, 0, DateTimeKind.Utc), "x")]);

        Assert.Equal(["1", "2", "6"], shares[0].Parts.Select(p => p.Id));
        Assert.Equal(["3", "4"], shares[1].Parts.Select(p => p.Id));
        Assert.Equal(["5"], shares[2].Parts.Select(p => p.Id));
        Assert.Equal("b", shares[1].Recording!.ContentCorrelationId);
        var two = TeamsTranscriptHarvest.Share(2, parts, made);
        Assert.Equal(["1", "2", "6"], two[0].Parts.Select(p => p.Id));
        Assert.Equal(["3", "4", "5"], two[1].Parts.Select(p => p.Id));
    }

    [Fact]
    public void Without_Graphs_recordings_transcripts_go_to_recordings_in_order_and_the_last_takes_the_rest()
    {
        TeamsTranscriptPart[] parts = [Part("1", 3, "a"), Part("2", 20, "b"), Part("3", 30, "c")];

        var shares = TeamsTranscriptHarvest.Share(2, parts, []);
        var one = Assert.Single(TeamsTranscriptHarvest.Share(1, parts, []));

        Assert.Equal(["1"], shares[0].Parts.Select(p => p.Id));
        Assert.Equal(["2", "3"], shares[1].Parts.Select(p => p.Id));
        Assert.All(shares, s => Assert.Null(s.Recording));
        Assert.Equal(3, one.Parts.Count);
    }

    [Fact]
    public void The_fetch_says_what_is_missing_before_it_runs()
    {
        var problems = TeamsTranscriptOptions.Problems(new TeamsTranscriptOptions(), new Oppdrift.Usage.Graph.UsageGraphOptions());

        Assert.Contains(problems, p => p.Contains("Learning:TeamsTranscripts:Enabled", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Usage:Graph:TenantId", StringComparison.Ordinal));
        Assert.Empty(TeamsTranscriptOptions.Problems(new TeamsTranscriptOptions { Enabled = true }, RecordedExchanges.Options()));
    }
}
