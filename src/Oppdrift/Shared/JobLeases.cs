// Scheduled jobs take a lease in the database before each pass, so that with several web nodes on one database exactly
// one node runs each pass, and another takes over once a dead holder's lease has expired.
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;

namespace Oppdrift.Shared;

/// <summary>
/// One scheduled job's lease: who holds it (or held it last) and until when, when its last pass started and finished,
/// and how many passes have run. A lease whose <see cref="ExpiresAt"/> has passed is free.
/// </summary>
public sealed class JobLease
{
    public const int MaxNameLength = 100;
    public const int MaxOwnerLength = 200;
    public const int MaxMarkerLength = 400;
    public const int MaxErrorLength = 1000;

    /// <summary>The job's key (<c>UsageGraphPull</c>, <c>LearningMail</c>, …).</summary>
    public required string Name { get; set; }

    /// <summary>The node that holds the lease, or held it last: machine name, process id and a random part.</summary>
    public required string Owner { get; set; }

    public DateTime ExpiresAt { get; set; }
    public DateTime? LastStartedAt { get; set; }
    public DateTime? LastFinishedAt { get; set; }
    public long Runs { get; set; }

    /// <summary>What the last pass handled, for a job that runs only when its inputs change (a version of them).</summary>
    public string? Marker { get; set; }

    /// <summary>Why the last pass failed; null when it succeeded.</summary>
    public string? LastError { get; set; }

    public static void Map(ModelBuilder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Entity<JobLease>(e =>
        {
            e.ToTable("job_leases");
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(MaxNameLength);
            e.Property(l => l.Owner).HasMaxLength(MaxOwnerLength);
            e.Property(l => l.Marker).HasMaxLength(MaxMarkerLength);
            e.Property(l => l.LastError).HasMaxLength(MaxErrorLength);
        });
    }
}

/// <summary>
/// A lease held by this node for one pass of a job; <paramref name="Run"/> numbers the pass among all the job's passes on
/// every node, and <paramref name="StartedAt"/> is when it took the lease.
/// </summary>
public sealed record HeldLease(string Job, string Owner, string? Marker, long Run = 0, DateTime StartedAt = default);

/// <summary>The lease expired while a pass ran (it was not renewed in time), so another node may run it; the pass was stopped.</summary>
public sealed class JobLeaseLostException(string job) : Exception($"The lease of job {job} was lost while its pass ran; the pass was stopped.");

/// <summary>
/// Takes, renews and releases job leases, each with one conditional statement that is atomic on SQLite and PostgreSQL
/// alike (an insert that on conflict updates only a free or own lease), so two nodes can never both take one.
/// Embedded SQLite is one process, but the lease is taken there too: it costs one small write per pass, keeps one code
/// path, and still keeps a command-line run beside the app from running the same pass at the same time.
/// Nodes compare times from their own clocks, so they should keep them in step (NTP); a lease lasts minutes, not seconds.
/// </summary>
public sealed partial class JobLeases
{
    /// <summary>A pass is due when the last one started at least this share of the job's interval ago, so timers a little early still run.</summary>
    private const double DueShare = 0.9;

    private readonly DbContextOptions<OppdriftDb> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<JobLeases> _logger;

    public JobLeases(DatabaseProvider database, TimeProvider clock, ILogger<JobLeases> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _options = DataServices.Options(database);
        _clock = clock;
        _logger = logger;
        Owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
    }

    /// <summary>This node's name in the leases it holds.</summary>
    public string Owner { get; }

    /// <summary>How long a lease lasts without renewal: how long the others wait before taking over from a node that died.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Takes the lease of <paramref name="job"/> when it is free (or already this node's) and its last pass started at
    /// least about <paramref name="every"/> ago or never finished (its node died); null when another node holds it or
    /// has just run the pass.
    /// </summary>
    public async Task<HeldLease?> TryAcquireAsync(string job, TimeSpan every, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        var now = _clock.GetUtcNow().UtcDateTime;
        var expires = now + Duration;
        var due = now - every * DueShare;
        await using var db = new OppdriftDb(_options);
        var taken = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO job_leases ("Name", "Owner", "ExpiresAt", "LastStartedAt", "Runs")
            VALUES ({job}, {Owner}, {expires}, {now}, 1)
            ON CONFLICT ("Name") DO UPDATE SET "Owner" = excluded."Owner", "ExpiresAt" = excluded."ExpiresAt",
                "LastStartedAt" = excluded."LastStartedAt", "Runs" = job_leases."Runs" + 1
            WHERE (job_leases."ExpiresAt" <= {now} OR job_leases."Owner" = {Owner})
                AND (job_leases."LastStartedAt" IS NULL OR job_leases."LastStartedAt" <= {due}
                    OR job_leases."LastFinishedAt" IS NULL OR job_leases."LastFinishedAt" < job_leases."LastStartedAt")
            """, cancellationToken);
        if (taken == 0)
        {
            return null;
        }
        var held = await db.Set<JobLease>().AsNoTracking().Where(l => l.Name == job).Select(l => new { l.Marker, l.Runs }).SingleAsync(cancellationToken);
        return new HeldLease(job, Owner, held.Marker, held.Runs, now);
    }

    /// <summary>
    /// Extends a held lease by <see cref="Duration"/> from now; false when it has expired meanwhile, as another node may
    /// then have taken it.
    /// </summary>
    public async Task<bool> RenewAsync(HeldLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = _clock.GetUtcNow().UtcDateTime;
        var expires = now + Duration;
        await using var db = new OppdriftDb(_options);
        return await db.Database.ExecuteSqlAsync($"""
            UPDATE job_leases SET "ExpiresAt" = {expires} WHERE "Name" = {lease.Job} AND "Owner" = {lease.Owner} AND "ExpiresAt" > {now}
            """, cancellationToken) == 1;
    }

    /// <summary>Frees a held lease at the end of a pass, recording when it finished, what it handled and how it ended.</summary>
    public async Task ReleaseAsync(HeldLease lease, string? marker, string? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = _clock.GetUtcNow().UtcDateTime;
        var keep = marker is null;
        marker = marker is { Length: > JobLease.MaxMarkerLength } ? marker[..JobLease.MaxMarkerLength] : marker;
        error = error is { Length: > JobLease.MaxErrorLength } ? error[..JobLease.MaxErrorLength] : error;
        await using var db = new OppdriftDb(_options);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE job_leases SET "ExpiresAt" = {now}, "LastFinishedAt" = {now}, "LastError" = {error},
                "Marker" = CASE WHEN {keep} THEN "Marker" ELSE {marker} END
            WHERE "Name" = {lease.Job} AND "Owner" = {lease.Owner}
            """, cancellationToken);
    }

    /// <summary>
    /// A scheduled job's life: a pass at once, then one every <paramref name="interval"/> by <paramref name="clock"/> until
    /// the app stops, each run by whichever node gets the lease. A pass that fails is handed to <paramref name="failed"/>
    /// (to log) and the next tick tries again, so a database away for a while does not stop the job.
    /// </summary>
    public async Task RunEveryAsync(string job, TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> pass, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(failed);
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await RunAsync(job, interval, pass, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs one pass of <paramref name="job"/> when this node gets its lease; false when the pass was not this node's to run.</summary>
    public Task<bool> RunAsync(string job, TimeSpan every, Func<CancellationToken, Task> pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return RunAsync(job, every, async (_, ct) =>
        {
            await pass(ct);
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs one pass of <paramref name="job"/> when this node gets its lease, renewing the lease while the pass lasts
    /// longer than a third of it, and releasing it at the end. The pass gets the marker the last pass left (whichever
    /// node ran it) and returns the new one, or null to keep it. A pass that throws is recorded and the exception passes
    /// on; should the lease be lost meanwhile, the pass is cancelled and <see cref="JobLeaseLostException"/> thrown.
    /// </summary>
    public async Task<bool> RunAsync(string job, TimeSpan every, Func<string?, CancellationToken, Task<string?>> pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var lease = await TryAcquireAsync(job, every, cancellationToken);
        if (lease is null)
        {
            LogSkipped(_logger, job);
            return false;
        }
        LogStarted(_logger, job, lease.Run, Owner, lease.StartedAt);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var renewing = new CancellationTokenSource();
        var lost = false;
        var renewal = RenewWhileRunningAsync(lease, () =>
        {
            lost = true;
            running.Cancel();
        }, renewing.Token);
        string? marker = null;
        string? error = null;
        try
        {
            marker = await pass(lease.Marker, running.Token);
            return true;
        }
        catch (OperationCanceledException) when (lost && !cancellationToken.IsCancellationRequested)
        {
            error = "lease lost";
            throw new JobLeaseLostException(job);
        }
        catch (Exception e)
        {
            error = e.Message;
            throw;
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
            if (!lost)
            {
                try
                {
                    // Also on shutdown: the next node need not wait for the lease to expire.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await ReleaseAsync(lease, marker, error, timeout.Token);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException)
                {
                    // The lease expires on its own.
                    LogReleaseFailed(_logger, job, e);
                }
            }
        }
    }

    private async Task RenewWhileRunningAsync(HeldLease lease, Action onLost, CancellationToken stop)
    {
        var every = Duration / 3;
        var expires = _clock.GetUtcNow() + Duration;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _clock, stop);
                if (await RenewAsync(lease, stop))
                {
                    expires = _clock.GetUtcNow() + Duration;
                    continue;
                }
                LogLost(_logger, lease.Job);
                onLost();
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                // The database is away for a moment: keep the pass while the lease still holds, stop it once it may have gone.
                LogRenewFailed(_logger, lease.Job, e);
                if (_clock.GetUtcNow() >= expires)
                {
                    onLost();
                    return;
                }
            }
        }
    }

    /// <summary>Every lease, for administrators: who holds or held each job and when it last ran.</summary>
    public static async Task<IReadOnlyList<JobLease>> ListAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Set<JobLease>().AsNoTracking().OrderBy(l => l.Name).ToListAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job}: another node holds the lease or has just run the pass; skipped here")]
    private static partial void LogSkipped(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job}: pass {Run} runs on this node ({Owner}), started {StartedAt:O}")]
    private static partial void LogStarted(ILogger logger, string job, long run, string owner, DateTime startedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: the lease expired while the pass ran here, so another node may take it; the pass is stopped")]
    private static partial void LogLost(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: renewing the lease failed; trying again")]
    private static partial void LogRenewFailed(ILogger logger, string job, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: releasing the lease failed; it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, string job, Exception error);
}
