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

    [Fact]
    public void The_fetch_says_what_is_missing_before_it_runs()
    {
        var problems = TeamsTranscriptOptions.Problems(new TeamsTranscriptOptions(), new Oppdrift.Usage.Graph.UsageGraphOptions());

        Assert.Contains(problems, p => p.Contains("Learning:TeamsTranscripts:Enabled", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Usage:Graph:TenantId", StringComparison.Ordinal));
        Assert.Empty(TeamsTranscriptOptions.Problems(new TeamsTranscriptOptions { Enabled = true }, RecordedExchanges.Options()));
    }
}
