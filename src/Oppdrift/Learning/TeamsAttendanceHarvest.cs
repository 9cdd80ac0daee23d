using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>The harvest's settings and its Graph reader, made once for the app; the reader is null when the harvest cannot run.</summary>
public sealed class TeamsAttendanceConnection : IDisposable
{
    public TeamsAttendanceConnection(TeamsAttendanceOptions options, UsageGraphOptions graph, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        Options = options;
        Problems = TeamsAttendanceOptions.Problems(options, graph);
        Reader = Problems.Count == 0 ? TeamsAttendanceReader.Create(TeamsAttendanceOptions.App(graph), transport) : null;
    }

    public TeamsAttendanceOptions Options { get; }

    public IReadOnlyList<string> Problems { get; }

    public TeamsAttendanceReader? Reader { get; }

    public bool IsConfigured => Reader is not null;

    public void Dispose() => Reader?.Dispose();
}

/// <summary>
/// Records a session's attendance from the Teams reports Microsoft Graph holds for its meeting link, merging the reports
/// of a meeting that was restarted. Running it again with nothing new changes nothing.
/// </summary>
public sealed class TeamsAttendanceHarvest(OppdriftDb db, AttendanceImporter importer, TeamsAttendanceConnection connection, TimeProvider clock)
{
    /// <summary>The audit action of a harvest.</summary>
    public const string Action = "learning.attendance.teams";

    /// <summary>The actor the scheduled harvest writes in the audit log.</summary>
    public const string SystemActor = "system";

    public bool IsConfigured => connection.IsConfigured;

    /// <summary>Fetches and records the attendance of session <paramref name="sessionId"/>, or says why it cannot for a person.</summary>
    /// <param name="auditUnchanged">Whether a harvest that finds nothing new is still written to the audit log (a person asked for it).</param>
    public async Task<Result<AttendanceImportResult>> HarvestAsync(int sessionId, string actor, bool auditUnchanged, CancellationToken cancellationToken)
    {
        const string field = "session";
        if (connection.Reader is not { } reader)
        {
            return Result<AttendanceImportResult>.Fail(field, LearningText.Get("TeamsNotConfigured", string.Join("; ", connection.Problems)));
        }
        var session = await db.LearningSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return Result<AttendanceImportResult>.Fail(field, LearningText.Get("SessionNotFound"));
        }
        if (string.IsNullOrWhiteSpace(session.TeamsUrl))
        {
            return Result<AttendanceImportResult>.Fail(field, LearningText.Get("TeamsNoLink"));
        }
        if (TeamsMeetingLink.Parse(session.TeamsUrl) is not { } link)
        {
            return Result<AttendanceImportResult>.Fail(field, LearningText.Get("TeamsLinkWithoutOrganizer"));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (session.StartsAt > now)
        {
            return Result<AttendanceImportResult>.Fail(field, LearningText.Get("TeamsNotStarted"));
        }
        if (now - session.EndsAt > TeamsAttendanceReader.Retention)
        {
            return Result<AttendanceImportResult>.Fail(field, LearningText.Get("TeamsTooOld", LearningFormat.Date(session.EndsAt)));
        }
        var read = await reader.ReadAsync(link, session.StartsAt, session.EndsAt, cancellationToken);
        if (!read.Succeeded)
        {
            return Result<AttendanceImportResult>.Fail(field, read.Error!);
        }
        var meeting = read.Value!;
        var source = new AttendanceSource(TeamsAttendanceReader.SourceName(meeting.Reports.Count), meeting.Subject,
            [.. meeting.Reports.SelectMany(r => r.Participants)]);
        return Result<AttendanceImportResult>.Ok(await importer.RecordAsync(sessionId, source, actor, Action, auditUnchanged, cancellationToken));
    }

    /// <summary>
    /// The sessions the scheduled harvest fetches: with a Teams link, not cancelled, ended at least the configured delay ago
    /// and within the look-back, and without attendance imported from a file (a file someone chose wins over the harvest).
    /// </summary>
    public async Task<IReadOnlyList<int>> DueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var endedBefore = now.AddMinutes(-connection.Options.DelayMinutes);
        var endedAfter = now.AddDays(-connection.Options.LookBackDays);
        var candidates = await db.LearningSessions.AsNoTracking()
            .Where(s => s.TeamsUrl != null && s.CancelledAt == null && s.EndsAt <= endedBefore && s.EndsAt >= endedAfter)
            .OrderBy(s => s.EndsAt).Select(s => s.Id).ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }
        var fromFiles = await db.AttendanceImports.AsNoTracking().Where(i => candidates.Contains(i.SessionId) && !i.FileName.StartsWith("Microsoft Teams"))
            .Select(i => i.SessionId).ToListAsync(cancellationToken);
        return [.. candidates.Except(fromFiles)];
    }
}

/// <summary>What one pass of the scheduled harvest did.</summary>
public sealed record TeamsHarvestRun(int Sessions, int Changed, int Failed);

/// <summary>
/// Harvests attendance from Teams after sessions end: every <see cref="TeamsAttendanceOptions.IntervalMinutes"/> the node
/// holding the lease fetches each due session. Off unless <c>Learning:TeamsAttendance:Enabled</c> is set with the app registration.
/// </summary>
public sealed partial class TeamsAttendanceJob(TeamsAttendanceConnection connection, IServiceScopeFactory scopes, JobLeases leases, TimeProvider time,
    ILogger<TeamsAttendanceJob> logger) : BackgroundService
{
    /// <summary>The job's key, as its lease is named; also the key of a replacement network handler in the service container.</summary>
    public const string Key = "TeamsAttendanceHarvest";

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

    /// <summary>One pass now: fetches every due session; one failing is logged and the rest still run.</summary>
    public async Task<TeamsHarvestRun> RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var harvest = scope.ServiceProvider.GetRequiredService<TeamsAttendanceHarvest>();
        var due = await harvest.DueAsync(cancellationToken);
        int changed = 0, failed = 0;
        foreach (var id in due)
        {
            var result = await harvest.HarvestAsync(id, TeamsAttendanceHarvest.SystemActor, auditUnchanged: false, cancellationToken);
            if (!result.Succeeded)
            {
                failed++;
                LogSessionFailed(logger, id, result.Error!);
            }
            else if (!result.Value!.Unchanged)
            {
                changed++;
            }
        }
        LogFinished(logger, due.Count, changed, failed);
        return new TeamsHarvestRun(due.Count, changed, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attendance harvest from Teams is enabled but cannot run: {Problems}")]
    private static partial void LogIncomplete(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attendance of session {Session} could not be fetched from Teams: {Message}")]
    private static partial void LogSessionFailed(ILogger logger, int session, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Attendance harvest from Teams: {Sessions} sessions, {Changed} changed, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, int sessions, int changed, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attendance harvest from Teams failed; trying again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}
