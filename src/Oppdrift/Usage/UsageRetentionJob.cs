using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Usage;

/// <summary>
/// Deletes the pseudonymised per-person rows (<see cref="UsageActivity"/>) older than <c>Usage:RetentionDays</c> at start and
/// then once a day, so they go on time even when no report is imported for a while (an import prunes too). Figures per
/// agency are not touched. The pruning needs no pseudonymisation key.
/// </summary>
public sealed partial class UsageRetentionJob(IServiceScopeFactory scopes, UsageOptions options, JobLeases leases, TimeProvider time, ILogger<UsageRetentionJob> logger)
    : BackgroundService
{
    /// <summary>The job's key, as its lease is named.</summary>
    public const string Key = "UsageRetention";

    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Deletes what is past the retention now; returns the number of rows deleted.</summary>
    public static async Task<int> PruneAsync(OppdriftDb db, UsageOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var floor = RetentionFloor(options, time);
        return await db.UsageActivity.Where(a => a.Date < floor).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The first day still kept.</summary>
    public static DateOnly RetentionFloor(UsageOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        return DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-options.RetentionDays);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // The next day counts from the start of this pass, as the lease's due time does.
            var next = Task.Delay(Interval, time, stoppingToken);
            try
            {
                await leases.RunAsync(Key, Interval, async cancellationToken =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var deleted = await PruneAsync(scope.ServiceProvider.GetRequiredService<OppdriftDb>(), options, time, cancellationToken);
                    LogPruned(logger, deleted, options.RetentionDays);
                }, stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The database is away or a bug: try again at the next interval rather than stop the host.
                LogFailed(logger, error);
            }
            await next;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage retention: deleted {Rows} per-person rows older than {Days} days")]
    private static partial void LogPruned(ILogger logger, int rows, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage retention: pruning per-person rows failed; trying again in a day")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
