// Transcripts of recorded Teams sessions, fetched through Microsoft Graph so the knowledge bank covers what was said
// without anyone uploading the file. A transcript a person uploaded is never replaced.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Shared;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>The transcript fetch's settings and its Graph reader, made once for the app; the reader is null when the fetch cannot run.</summary>
public sealed class TeamsTranscriptConnection : IDisposable
{
    public TeamsTranscriptConnection(TeamsTranscriptOptions options, UsageGraphOptions graph, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        Options = options;
        Problems = TeamsTranscriptOptions.Problems(options, graph);
        Reader = Problems.Count == 0 ? TeamsTranscriptReader.Create(TeamsAttendanceOptions.App(graph), transport) : null;
    }

    public TeamsTranscriptOptions Options { get; }

    public IReadOnlyList<string> Problems { get; }

    public TeamsTranscriptReader? Reader { get; }

    public bool IsConfigured => Reader is not null;

    public void Dispose() => Reader?.Dispose();
}

/// <summary>What fetching a recording's transcript did.</summary>
public enum TranscriptFetch
{
    /// <summary>The transcript from Teams is stored and indexed.</summary>
    Stored,

    /// <summary>The recording already has a transcript (a person uploaded it, or it was fetched before): nothing changed.</summary>
    Kept,
}

/// <summary>The transcripts from Teams that belong to one of a session's recordings, and the Graph recording it is paired with.</summary>
public sealed record TranscriptShare(IReadOnlyList<TeamsTranscriptPart> Parts, TeamsMeetingRecording? Recording);

/// <summary>
/// Stores the Teams transcripts of a recording's session as the recording's transcript when it has none, indexes it for the
/// knowledge bank, and counts the recording's expiry from when Graph says the recording was made (unless the owner set it).
/// Which of the session's transcripts belong to which of its recordings is <see cref="Share"/>'s rule; several become one
/// WebVTT on one timeline (<see cref="Merge"/>).
/// </summary>
public sealed partial class TeamsTranscriptHarvest(OppdriftDb db, KnowledgeSync knowledge, TeamsTranscriptConnection connection, IOptions<LearningOptions> options,
    TimeProvider clock)
{
    /// <summary>The audit action of a transcript stored from Teams.</summary>
    public const string Action = "learning.recording.transcript.teams";

    /// <summary>The name a transcript from Teams carries where an upload carries its file's name.</summary>
    public const string FileName = "Microsoft Teams.vtt";

    public bool IsConfigured => connection.IsConfigured;

    public async Task<Result<TranscriptFetch>> FetchAsync(int recordingId, string actor, CancellationToken cancellationToken)
    {
        const string field = "recording";
        if (connection.Reader is not { } reader)
        {
            return Result<TranscriptFetch>.Fail(field, LearningText.Get("TranscriptNotConfigured", string.Join("; ", connection.Problems)));
        }
        var recording = await db.Recordings.SingleOrDefaultAsync(r => r.Id == recordingId, cancellationToken);
        if (recording is null)
        {
            return Result<TranscriptFetch>.Fail(field, LearningText.Get("RecordingNotFound"));
        }
        if (recording.Transcript is not null)
        {
            return Result<TranscriptFetch>.Ok(TranscriptFetch.Kept);
        }
        var session = recording.SessionId is { } sid ? await db.LearningSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sid, cancellationToken) : null;
        if (session is null || string.IsNullOrWhiteSpace(session.TeamsUrl))
        {
            return Result<TranscriptFetch>.Fail(field, LearningText.Get("TeamsNoLink"));
        }
        if (TeamsMeetingLink.Parse(session.TeamsUrl) is not { } link)
        {
            return Result<TranscriptFetch>.Fail(field, LearningText.Get("TeamsLinkWithoutOrganizer"));
        }
        var read = await reader.ReadAsync(link, session.StartsAt, session.EndsAt, cancellationToken);
        if (!read.Succeeded)
        {
            return Result<TranscriptFetch>.Fail(field, read.Error!);
        }
        // Every recording of the session takes part in the pairing, with a transcript or without, so each keeps its place.
        var recordings = await db.Recordings.AsNoTracking().Where(r => r.SessionId == session.Id).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        var share = Share(recordings.Count, read.Value!.Parts, read.Value.Recordings)[recordings.IndexOf(recordingId)];
        if (share.Parts.Count == 0)
        {
            return Result<TranscriptFetch>.Fail(field, LearningText.Get("TranscriptNotForRecording", read.Value.Parts.Count, LearningFormat.Date(session.StartsAt)));
        }
        var vtt = Merge(share.Parts);
        // The knowledge bank's reader decides whether it is well-formed, as for an upload, so what is stored can be indexed.
        var cues = vtt.Succeeded ? WebVtt.Read(new MemoryStream(Encoding.UTF8.GetBytes(vtt.Value!)), FileName) : Result<IReadOnlyList<TranscriptCue>>.Fail(vtt.Field!, vtt.Error!);
        if (!cues.Succeeded)
        {
            return Result<TranscriptFetch>.Fail(field, cues.Error!);
        }
        recording.Transcript = vtt.Value;
        recording.TranscriptFileName = FileName;
        if (recording.ExpirySource != RecordingExpirySource.Owner && share.Recording?.CreatedAt is { } made)
        {
            var expires = RecordingExpiry.PolicyDate(made, options.Value.Recordings);
            if (expires != recording.ExpiresAt)
            {
                recording.ExpiryWarnedAt = null;
            }
            (recording.ExpiresAt, recording.ExpirySource) = (expires, RecordingExpirySource.Graph);
        }
        AuditLog.Record(db, clock, actor, Action, $"recording:{recordingId.ToString(CultureInfo.InvariantCulture)}",
            after: new { read.Value.MeetingId, TranscriptIds = share.Parts.Select(p => p.Id).ToArray(), Cues = cues.Value!.Count, recording.ExpiresAt });
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await db.SaveChangesAsync(cancellationToken);
        await knowledge.RecordingAsync(recordingId, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return Result<TranscriptFetch>.Ok(TranscriptFetch.Stored);
    }

    /// <summary>
    /// Which of a session's transcripts from Teams belong to which of its <paramref name="recordings"/> recordings in
    /// Oppdrift (in the order they were added), one share per recording in that order:
    /// <list type="bullet">
    /// <item>One recording takes every transcript, paired with the first recording Graph lists in the session's time.</item>
    /// <item>Several recordings are paired with Graph's recordings in the order each side made them (the first added with
    /// the first made, and so on; what is left over on either side stays unpaired). A transcript goes to the recording
    /// paired with the Graph recording that shares its <c>contentCorrelationId</c>; one without such a recording goes to
    /// the paired recording whose Graph recording was made closest in time to the transcript's start (the earlier on a tie).</item>
    /// <item>When Graph lists no recordings (or may not be asked), transcripts are paired with recordings in order, and
    /// any beyond the last recording go to the last.</item>
    /// </list>
    /// The expiry of a recording counts from its paired Graph recording.
    /// </summary>
    public static IReadOnlyList<TranscriptShare> Share(int recordings, IReadOnlyList<TeamsTranscriptPart> parts, IReadOnlyList<TeamsMeetingRecording> made)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordings, 1);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(made);
        if (recordings == 1)
        {
            return [new TranscriptShare(parts, made.Count > 0 ? made[0] : null)];
        }
        var paired = Math.Min(recordings, made.Count);
        var shares = Enumerable.Range(0, recordings).Select(_ => new List<TeamsTranscriptPart>()).ToList();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            int to;
            if (paired == 0)
            {
                to = Math.Min(i, recordings - 1);
            }
            else
            {
                to = part.ContentCorrelationId is { } id
                    ? Enumerable.Range(0, paired).FirstOrDefault(j => made[j].ContentCorrelationId == id, -1)
                    : -1;
                if (to < 0)
                {
                    to = Enumerable.Range(0, paired).MinBy(j => (made[j].CreatedAt - part.CreatedAt).Duration());
                }
            }
            shares[to].Add(part);
        }
        return [.. shares.Select((s, i) => new TranscriptShare(s, i < paired ? made[i] : null))];
    }

    /// <summary>
    /// One transcript as Teams gave it; several joined in time order into one WebVTT, each part's cue times moved by how
    /// long after the first it started, so they stay on one timeline, each after a note saying which part it is.
    /// </summary>
    public static Result<string> Merge(IReadOnlyList<TeamsTranscriptPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfZero(parts.Count);
        if (parts.Count == 1)
        {
            return Result<string>.Ok(parts[0].Vtt);
        }
        var ordered = parts.OrderBy(p => p.CreatedAt).ToList();
        var first = ordered[0].CreatedAt;
        // File content, not interface text: the note is English, its time UTC, as Graph gives it.
        return WebVtt.Join([.. ordered.Select((p, i) => new VttPart(p.Vtt, p.CreatedAt - first, string.Create(CultureInfo.InvariantCulture,
            $"Part {i + 1} of {ordered.Count}, started {p.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC, Teams transcript {p.Id}")))], FileName);
    }

    /// <summary>How many transcripts from Teams a recording's transcript was made from: 1 unless <see cref="Merge"/> joined several.</summary>
    public static int Parts(Recording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (recording.TranscriptFileName != FileName || recording.Transcript is null)
        {
            return 1;
        }
        var note = MergedNote().Match(recording.Transcript);
        return note.Success && int.TryParse(note.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 1;
    }

    // The start Merge writes; a file Teams gives starts with WEBVTT and its cues.
    [GeneratedRegex(@"\AWEBVTT\n\nNOTE Part 1 of (?<count>\d{1,4}),")]
    private static partial Regex MergedNote();

    /// <summary>
    /// The recordings the scheduled fetch looks at: of a session with a Teams link that ended at least the configured delay
    /// ago and within the look-back, without a transcript.
    /// </summary>
    public async Task<IReadOnlyList<int>> DueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var endedBefore = now.AddMinutes(-connection.Options.DelayMinutes);
        var endedAfter = now.AddDays(-connection.Options.LookBackDays);
        return await db.Recordings.AsNoTracking().Where(r => r.Transcript == null && r.SessionId != null)
            .Join(db.LearningSessions, r => r.SessionId, s => s.Id, (r, s) => new { r.Id, s.TeamsUrl, s.CancelledAt, s.EndsAt })
            .Where(x => x.TeamsUrl != null && x.CancelledAt == null && x.EndsAt <= endedBefore && x.EndsAt >= endedAfter)
            .OrderBy(x => x.EndsAt).Select(x => x.Id).ToListAsync(cancellationToken);
    }
}

/// <summary>
/// Fetches the transcripts of recorded Teams sessions: every <see cref="TeamsTranscriptOptions.IntervalMinutes"/> the node
/// holding the lease fetches each due recording. Off unless <c>Learning:TeamsTranscripts:Enabled</c> is set with the app registration.
/// </summary>
public sealed partial class TeamsTranscriptJob(TeamsTranscriptConnection connection, IServiceScopeFactory scopes, JobLeases leases, TimeProvider time,
    ILogger<TeamsTranscriptJob> logger) : BackgroundService
{
    /// <summary>The job's key, as its lease is named; also the key of a replacement network handler in the service container.</summary>
    public const string Key = "TeamsTranscriptHarvest";

    /// <summary>The actor the scheduled fetch writes in the audit log.</summary>
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
        var interval = TimeSpan.FromMinutes(connection.Options.IntervalMinutes);
        await leases.RunEveryAsync(Key, interval, time, RunAsync, error => LogRunFailed(logger, error), stoppingToken);
    }

    /// <summary>One pass now: fetches every due recording's transcript; one failing is logged and the rest still run.</summary>
    public async Task<(int Recordings, int Stored, int Failed)> RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var harvest = scope.ServiceProvider.GetRequiredService<TeamsTranscriptHarvest>();
        var due = await harvest.DueAsync(cancellationToken);
        int stored = 0, failed = 0;
        foreach (var id in due)
        {
            var result = await harvest.FetchAsync(id, SystemActor, cancellationToken);
            if (!result.Succeeded)
            {
                failed++;
                LogRecordingFailed(logger, id, result.Error!);
            }
            else if (result.Value == TranscriptFetch.Stored)
            {
                stored++;
            }
        }
        LogFinished(logger, due.Count, stored, failed);
        return (due.Count, stored, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcript fetch from Teams is enabled but cannot run: {Problems}")]
    private static partial void LogIncomplete(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "The transcript of recording {Recording} could not be fetched from Teams: {Message}")]
    private static partial void LogRecordingFailed(ILogger logger, int recording, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcript fetch from Teams: {Recordings} recordings, {Stored} stored, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, int recordings, int stored, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transcript fetch from Teams failed; trying again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}
