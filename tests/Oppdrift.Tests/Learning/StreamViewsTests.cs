using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage.Graph;

namespace Oppdrift.Tests.Learning;

public sealed class StreamViewsTests
{
    /// <summary>The Teams recording in the organiser's OneDrive that the recorded exchanges answer for.</summary>
    public const string VideoUrl = "https://nordvik-my.sharepoint.com/personal/anne_vert/Documents/Recordings/Bedre%20m%C3%B8ter-20250314_090157-Meeting%20Recording.mp4";

    private static readonly string[] Folder = ["learning", "graph"];

    private static readonly DateTimeOffset ReadAt = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private static async Task<int> RecordingAsync(OppdriftDb db, TestDatabase database, string url, int? views)
    {
        var session = (await LearningSeed.ProgrammeAsync(db, capacity: null)).Session;
        var storage = LearningSeed.Storage(database.Folder);
        var service = new Programmes(db, new FakeTimeProvider(ReadAt), LearningSeed.Options(), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
        return (await service.AddRecordingAsync(session.ProgrammeId, new RecordingInput("Opptak: bedre møter", url, TimeSpan.FromMinutes(45), session.Id, views),
            null, null, "eier", default)).Value!.Id;
    }

    private static StreamViewsConnection Connection(RecordedExchanges network) =>
        new(new StreamViewsOptions { Enabled = true }, RecordedExchanges.Options(), network);

    private static StreamViewsHarvest Harvest(OppdriftDb db, StreamViewsConnection connection) => new(db, connection, new FakeTimeProvider(ReadAt));

    [Fact]
    public void A_sharing_address_is_encoded_as_the_shares_API_takes_it()
    {
        // "u!" and the address in unpadded base64url: the C# rule Microsoft Learn gives, applied to its own example address.
        Assert.Equal("u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjMxMjQ0MTkzOTEyITEyJmF1dGhLZXk9MTIwMTkxOSExMjkyMSEx",
            StreamViewsReader.ShareId("https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1"));
        Assert.DoesNotContain("=", StreamViewsReader.ShareId(VideoUrl), StringComparison.Ordinal);
        Assert.True(StreamViewsReader.IsStreamFile(VideoUrl));
        Assert.True(StreamViewsReader.IsStreamFile("https://nordvik.sharepoint.com/sites/leder/Delte dokumenter/opptak.mp4"));
        Assert.False(StreamViewsReader.IsStreamFile("https://web.microsoftstream.com/video/4b2c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07"));
        Assert.False(StreamViewsReader.IsStreamFile("http://nordvik.sharepoint.com/opptak.mp4"));
        Assert.False(StreamViewsReader.IsStreamFile("https://www.youtube.com/watch?v=abc"));
        Assert.False(StreamViewsReader.IsStreamFile("https://sharepoint.com.example.org/opptak.mp4"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Views_read_from_Stream_are_kept_with_their_viewers_source_and_time(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var id = await RecordingAsync(db, database, VideoUrl, views: null);
        var network = RecordedExchanges.In(Folder, "token.json", "stream-share.json", "stream-analytics.json");
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(id, Assert.Single(await harvest.DueAsync(ct)));
        var result = await harvest.FetchAsync(id, StreamViewsJob.SystemActor, StreamViewsReadBy.Schedule, ct);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(StreamViewsFetch.Stored, result.Value);
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        Assert.Equal(137, stored.Views);
        Assert.Equal(96, stored.Viewers);
        Assert.Equal(RecordingViewsSource.Graph, stored.ViewsSource);
        Assert.Equal(ReadAt.UtcDateTime, stored.ViewsReadAt);
        Assert.Equal(StreamViewsJob.SystemActor, (await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == StreamViewsHarvest.Action, ct)).Actor);
        // A figure from Graph is read again at the next run.
        Assert.Equal(id, Assert.Single(await harvest.DueAsync(ct)));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_recording_outside_SharePoint_is_skipped_with_a_reason_and_Graph_is_not_asked(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var id = await RecordingAsync(db, database, "https://web.microsoftstream.com/video/4b2c8a1e-7d42-4f0e-9c61-2a8e4f1d9b07", views: null);
        var network = RecordedExchanges.In(Folder);
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);
        var ct = TestContext.Current.CancellationToken;

        Assert.Empty(await harvest.DueAsync(ct));
        var result = await harvest.FetchAsync(id, "eier", StreamViewsReadBy.Owner, ct);

        Assert.False(result.Succeeded);
        Assert.Contains("ikke en fil i SharePoint eller OneDrive", result.Error, StringComparison.Ordinal);
        Assert.Empty(network.Sent);
        Assert.Null((await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == id, ct)).Views);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Forbidden_and_missing_files_get_clear_errors_and_change_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var id = await RecordingAsync(db, database, VideoUrl, views: null);
        var network = RecordedExchanges.In(Folder, "token.json", "stream-share-forbidden.json", "stream-share-not-found.json");
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);
        var ct = TestContext.Current.CancellationToken;

        var forbidden = await harvest.FetchAsync(id, StreamViewsJob.SystemActor, StreamViewsReadBy.Schedule, ct);
        var missing = await harvest.FetchAsync(id, StreamViewsJob.SystemActor, StreamViewsReadBy.Schedule, ct);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        Assert.Equal(0, network.Unused);
        Assert.False(forbidden.Succeeded);
        Assert.Contains("nektet tilgang (403)", forbidden.Error, StringComparison.Ordinal);
        Assert.Contains("Files.Read.All", forbidden.Error, StringComparison.Ordinal);
        Assert.Contains("accessDenied", forbidden.Error, StringComparison.Ordinal);
        Assert.False(missing.Succeeded);
        Assert.Contains("finner ikke videofilen", missing.Error, StringComparison.Ordinal);
        Assert.Contains("itemNotFound", missing.Error, StringComparison.Ordinal);
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        Assert.Null(stored.Views);
        Assert.Null(stored.ViewsReadAt);
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == StreamViewsHarvest.Action, ct));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_figure_the_owner_entered_is_kept_by_the_schedule_and_replaced_only_when_the_owner_asks(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var id = await RecordingAsync(db, database, VideoUrl, views: 42);
        var network = RecordedExchanges.In(Folder, "token.json", "stream-share.json", "stream-analytics.json");
        using var connection = Connection(network);
        var harvest = Harvest(db, connection);
        var ct = TestContext.Current.CancellationToken;
        var entered = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        Assert.Equal(RecordingViewsSource.Entered, entered.ViewsSource);
        Assert.Null(entered.ViewsReadAt);

        Assert.Empty(await harvest.DueAsync(ct));
        var scheduled = await harvest.FetchAsync(id, StreamViewsJob.SystemActor, StreamViewsReadBy.Schedule, ct);

        Assert.Equal(StreamViewsFetch.KeptEntered, scheduled.Value);
        Assert.Empty(network.Sent);
        Assert.Equal(42, (await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == id, ct)).Views);

        var asked = await harvest.FetchAsync(id, "eier", StreamViewsReadBy.Owner, ct);

        Assert.True(asked.Succeeded, asked.Error);
        Assert.Equal(0, network.Unused);
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        Assert.Equal((137, RecordingViewsSource.Graph), (stored.Views!.Value, stored.ViewsSource));
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == StreamViewsHarvest.Action, ct);
        Assert.Equal("eier", audit.Actor);
    }

    [Fact]
    public void The_read_says_what_is_missing_before_it_runs()
    {
        var problems = StreamViewsOptions.Problems(new StreamViewsOptions(), new Oppdrift.Usage.Graph.UsageGraphOptions());

        Assert.Contains(problems, p => p.Contains("Learning:StreamViews:Enabled", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Usage:Graph:TenantId", StringComparison.Ordinal));
        Assert.Empty(StreamViewsOptions.Problems(new StreamViewsOptions { Enabled = true }, RecordedExchanges.Options()));
    }
}
