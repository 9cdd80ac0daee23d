// Views of recordings in Stream, read from Microsoft Graph so the programme's results need no figures copied by hand.
// A figure the owner entered is kept by the scheduled read; the owner's own "read from Stream" replaces it.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>The Stream views read's settings and its Graph reader, made once for the app; the reader is null when the read cannot run.</summary>
public sealed class StreamViewsConnection : IDisposable
{
    public StreamViewsConnection(StreamViewsOptions options, UsageGraphOptions graph, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        Options = options;
        Problems = StreamViewsOptions.Problems(options, graph);
        Reader = Problems.Count == 0 ? StreamViewsReader.Create(TeamsAttendanceOptions.App(graph), transport) : null;
    }

    public StreamViewsOptions Options { get; }

    public IReadOnlyList<string> Problems { get; }

    public StreamViewsReader? Reader { get; }

    public bool IsConfigured => Reader is not null;

    public void Dispose() => Reader?.Dispose();
}

/// <summary>What reading a recording's views from Stream did.</summary>
public enum StreamViewsFetch
{
    /// <summary>Graph's figures are stored on the recording.</summary>
    Stored,

    /// <summary>The owner entered the figure and the scheduled read does not replace it: nothing changed, Graph was not asked.</summary>
    KeptEntered,
}

/// <summary>Who asks for the read: the rule for a figure the owner entered depends on it.</summary>
public enum StreamViewsReadBy
{
    /// <summary>The scheduled read: keeps a figure the owner entered.</summary>
    Schedule,

    /// <summary>The programme owner, from the recording's page: Graph's figure replaces one they entered, since they asked for it.</summary>
    Owner,
}

/// <summary>Reads a recording's views and viewers from Stream (through Graph) and keeps where and when they came from.</summary>
public sealed class StreamViewsHarvest(OppdriftDb db, StreamViewsConnection connection, TimeProvider clock)
{
    /// <summary>The audit action of views read from Stream that changed the recording's figures.</summary>
    public const string Action = "learning.recording.views.stream";

    public bool IsConfigured => connection.IsConfigured;

    public async Task<Result<StreamViewsFetch>> FetchAsync(int recordingId, string actor, StreamViewsReadBy by, CancellationToken cancellationToken)
    {
        const string field = "recording";
        if (connection.Reader is not { } reader)
        {
            return Result<StreamViewsFetch>.Fail(field, LearningText.Get("StreamViewsNotConfigured", string.Join("; ", connection.Problems)));
        }
        var recording = await db.Recordings.SingleOrDefaultAsync(r => r.Id == recordingId, cancellationToken);
        if (recording is null)
        {
            return Result<StreamViewsFetch>.Fail(field, LearningText.Get("RecordingNotFound"));
        }
        if (by == StreamViewsReadBy.Schedule && IsEntered(recording))
        {
            return Result<StreamViewsFetch>.Ok(StreamViewsFetch.KeptEntered);
        }
        var read = await reader.ReadAsync(recording.Url, cancellationToken);
        if (!read.Succeeded)
        {
            return Result<StreamViewsFetch>.Fail(field, read.Error!);
        }
        var before = new { recording.Views, recording.Viewers, Source = recording.ViewsSource.ToString() };
        var now = clock.GetUtcNow().UtcDateTime;
        // Whole seconds, as the other harvests keep times, so the date compares equal on every database.
        recording.ViewsReadAt = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        recording.Views = read.Value!.Views;
        recording.Viewers = read.Value.Viewers;
        recording.ViewsSource = RecordingViewsSource.Graph;
        var after = new { recording.Views, recording.Viewers, Source = recording.ViewsSource.ToString() };
        if (!before.Equals(after))
        {
            AuditLog.Record(db, clock, actor, Action, $"recording:{recordingId.ToString(CultureInfo.InvariantCulture)}", before: before,
                after: new { after.Views, after.Viewers, after.Source, read.Value.DriveId, read.Value.ItemId });
        }
        await db.SaveChangesAsync(cancellationToken);
        return Result<StreamViewsFetch>.Ok(StreamViewsFetch.Stored);
    }

    /// <summary>
    /// The recordings the scheduled read looks at: those whose address is a file in SharePoint or OneDrive, that have not
    /// expired, and whose figure the owner did not enter. Others are left out: Graph cannot count them.
    /// </summary>
    public async Task<IReadOnlyList<int>> DueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Recordings.AsNoTracking()
            .Where(r => (r.ExpiresAt == null || r.ExpiresAt > now) && !(r.Views != null && r.ViewsSource == RecordingViewsSource.Entered))
            .OrderBy(r => r.Id).Select(r => new { r.Id, r.Url }).ToListAsync(cancellationToken);
        // Whether an address is a SharePoint file is decided in one place, the reader, rather than in SQL.
        return [.. candidates.Where(r => StreamViewsReader.IsStreamFile(r.Url)).Select(r => r.Id)];
    }

    /// <summary>A figure the owner entered, which the scheduled read keeps.</summary>
    public static bool IsEntered(Recording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return recording.Views is not null && recording.ViewsSource == RecordingViewsSource.Entered;
    }
}

/// <summary>
/// Reads the views of recordings in Stream: every <see cref="StreamViewsOptions.IntervalHours"/> the node holding the lease
/// reads each due recording. Off unless <c>Learning:StreamViews:Enabled</c> is set with the app registration.
/// </summary>
public sealed partial class StreamViewsJob(StreamViewsConnection connection, IServiceScopeFactory scopes, JobLeases leases, TimeProvider time,
    ILogger<StreamViewsJob> logger) : BackgroundService
{
    /// <summary>The job's key, as its lease is named; also the key of a replacement network handler in the service container.</summary>
    public const string Key = "StreamViewsHarvest";

    /// <summary>The actor the scheduled read writes in the audit log.</summary>
    public const string SystemActor = "system";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!connection.Options.Enabled)
        {
            return;
        }
        if (!connection.IsConfigured)
        {
            LogIncomplete(logger, string.Join("; ", connection.Problems));
            return;
        }
        var interval = TimeSpan.FromHours(connection.Options.IntervalHours);
        await leases.RunEveryAsync(Key, interval, time, RunAsync, error => LogRunFailed(logger, error), stoppingToken);
    }

    /// <summary>One pass now: reads every due recording's views; one failing is logged and the rest still run.</summary>
    public async Task<(int Recordings, int Stored, int Failed)> RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var harvest = scope.ServiceProvider.GetRequiredService<StreamViewsHarvest>();
        var due = await harvest.DueAsync(cancellationToken);
        int stored = 0, failed = 0;
        foreach (var id in due)
        {
            var result = await harvest.FetchAsync(id, SystemActor, StreamViewsReadBy.Schedule, cancellationToken);
            if (!result.Succeeded)
            {
                failed++;
                LogRecordingFailed(logger, id, result.Error!);
            }
            else if (result.Value == StreamViewsFetch.Stored)
            {
                stored++;
            }
        }
        LogFinished(logger, due.Count, stored, failed);
        return (due.Count, stored, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading recording views from Stream is enabled but cannot run: {Problems}")]
    private static partial void LogIncomplete(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "The views of recording {Recording} could not be read from Stream: {Message}")]
    private static partial void LogRecordingFailed(ILogger logger, int recording, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording views from Stream: {Recordings} recordings, {Stored} stored, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, int recordings, int stored, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading recording views from Stream failed; trying again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}
