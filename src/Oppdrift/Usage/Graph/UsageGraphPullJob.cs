using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Shared;

namespace Oppdrift.Usage.Graph;

/// <summary>A report the nightly pull could not fetch or import, with the message for a person.</summary>
public sealed record UsagePullFailure(UsagePull Pull, string Message);

/// <summary>What one run of the nightly pull did.</summary>
public sealed record UsagePullRun(DateTimeOffset Started, IReadOnlyList<UsagePull> Planned, IReadOnlyList<UsagePull> Imported, IReadOnlyList<UsagePullFailure> Failed);

/// <summary>
/// Pulls the usage reports from Microsoft Graph every night at the configured local time: plans what is missing,
/// downloads each report and hands it to the import. One report failing is recorded and the rest still run.
/// </summary>
public sealed partial class UsageGraphPullJob : BackgroundService
{
    /// <summary>The job's key, as a scheduled task's name in logs and settings.</summary>
    public const string Key = "UsageGraphPull";

    /// <summary>The default schedule: every night at 03:30 local time.</summary>
    public static readonly TimeOnly DefaultTime = new(3, 30);

    private readonly UsageGraphOptions options;
    private readonly GraphReportDownloader? downloader;
    private readonly Func<IReadOnlyList<UsageSource>, CancellationToken, Task> import;
    private readonly Func<CancellationToken, Task<IReadOnlySet<(string Report, DateOnly Date)>>> imported;
    private readonly JobLeases leases;
    private readonly TimeProvider time;
    private readonly ILogger<UsageGraphPullJob> logger;

    /// <param name="downloader">Null when the pull is not configured; the job then does nothing.</param>
    /// <param name="import">Imports the given reports; throws or fails on its own terms, which is recorded per report.</param>
    /// <param name="imported">The (report API name, day) pairs already imported successfully.</param>
    public UsageGraphPullJob(
        UsageGraphOptions options,
        GraphReportDownloader? downloader,
        Func<IReadOnlyList<UsageSource>, CancellationToken, Task> import,
        Func<CancellationToken, Task<IReadOnlySet<(string Report, DateOnly Date)>>> imported,
        JobLeases leases,
        TimeProvider time,
        ILogger<UsageGraphPullJob> logger)
    {
        this.leases = leases;
        this.options = options;
        this.downloader = downloader;
        this.import = import;
        this.imported = imported;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The latest finished run, for a status page; null before the first.</summary>
    public UsagePullRun? LastRun { get; private set; }

    public bool IsConfigured => options.IsConfigured && downloader is not null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        if (!IsConfigured)
        {
            LogIncomplete(logger, string.Join("; ", options.Problems()));
            return;
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = NextRun(now, options.NightlyTime, zone);
            LogNextRun(logger, next.ToOffset(zone.GetUtcOffset(next)));
            await Task.Delay(next - now, time, stoppingToken);
            try
            {
                // Every node wakes at the same time; the one that takes the lease pulls, and the others find it ran today.
                await leases.RunAsync(Key, TimeSpan.FromDays(1), cancellationToken => RunAsync(null, cancellationToken), stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Asking what is imported failed, or a bug; try again tomorrow rather than stop the host.
                LogRunFailed(logger, error);
            }
        }
    }

    /// <summary>The next time after <paramref name="now"/> the local clock in <paramref name="zone"/> shows <paramref name="at"/>.</summary>
    public static DateTimeOffset NextRun(DateTimeOffset now, TimeOnly at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        var day = DateOnly.FromDateTime(localNow.DateTime);
        for (var i = 0; i < 3; i++, day = day.AddDays(1))
        {
            var local = day.ToDateTime(at, DateTimeKind.Unspecified);
            // A time skipped by the spring change runs at the same wall-clock time an hour later.
            if (zone.IsInvalidTime(local))
            {
                local = local.AddHours(1);
            }
            var candidate = new DateTimeOffset(local, zone.GetUtcOffset(local));
            if (candidate > now)
            {
                return candidate.ToUniversalTime();
            }
        }
        throw new InvalidOperationException("No next run found within three days.");
    }

    /// <summary>Runs the pull once now: plan, then download and import each report in turn.</summary>
    public async Task<UsagePullRun> RunAsync(IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            LogIncomplete(logger, string.Join("; ", options.Problems()));
            return new UsagePullRun(time.GetUtcNow(), [], [], []);
        }
        using var run = OppdriftTelemetry.Start("oppdrift.usage.graph-pull");
        var started = time.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(started, zone).DateTime);
        var done = await imported(cancellationToken);
        var plan = UsagePullPlanner.Plan(done, today, options.BackfillDays, options.SelectedReports());
        LogPlanned(logger, plan.Count, today);

        var succeeded = new List<UsagePull>();
        var failed = new List<UsagePullFailure>();
        for (var i = 0; i < plan.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(100.0 * i / plan.Count);
            var pull = plan[i];
            var failure = await PullAsync(pull, cancellationToken);
            if (failure is null)
            {
                succeeded.Add(pull);
                LogImported(logger, pull.ToString());
            }
            else
            {
                failed.Add(new UsagePullFailure(pull, failure));
                LogPullFailed(logger, pull.ToString(), failure);
            }
        }
        progress?.Report(100);
        LogFinished(logger, succeeded.Count, failed.Count);
        run.Activity?.SetTag("oppdrift.reports.succeeded", succeeded.Count);
        run.Activity?.SetTag("oppdrift.reports.failed", failed.Count);
        run.Succeeded();
        return LastRun = new UsagePullRun(started, plan, succeeded, failed);
    }

    private async Task<string?> PullAsync(UsagePull pull, CancellationToken cancellationToken)
    {
        var request = pull.ToRequest();
        var download = await downloader!.DownloadAsync(request, cancellationToken);
        if (!download.Succeeded)
        {
            return download.Error;
        }
        var first = download.Value;
        try
        {
            // The first open takes the stream already downloaded; should the importer open again, download again.
            var source = new UsageSource(request.ToString(), async ct =>
            {
                if (Interlocked.Exchange(ref first, null) is { } stream)
                {
                    return stream;
                }
                var again = await downloader.DownloadAsync(request, ct);
                return again.Succeeded ? again.Value! : throw new HttpRequestException(again.Error);
            });
            await import([source], cancellationToken);
            return null;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogImportThrew(logger, request.ToString(), error);
            return error.Message;
        }
        finally
        {
            if (first is not null)
            {
                await first.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage pull from Microsoft Graph is off (Usage:Graph:Enabled is false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage pull from Microsoft Graph is enabled but cannot run: {Problems}")]
    private static partial void LogIncomplete(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Next usage pull from Microsoft Graph at {Next}")]
    private static partial void LogNextRun(ILogger logger, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage pull for {Today}: {Count} reports to fetch")]
    private static partial void LogPlanned(ILogger logger, int count, DateOnly today);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage report {Report} fetched and imported")]
    private static partial void LogImported(ILogger logger, string report);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage report {Report} failed: {Message}")]
    private static partial void LogPullFailed(ILogger logger, string report, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Importing usage report {Report} threw")]
    private static partial void LogImportThrew(ILogger logger, string report, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage pull finished: {Imported} imported, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, int imported, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage pull from Microsoft Graph failed; trying again at the next scheduled time")]
    private static partial void LogRunFailed(ILogger logger, Exception error);
}
