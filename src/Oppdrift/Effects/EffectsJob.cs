using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Usage;

namespace Oppdrift.Effects;

/// <summary>
/// Estimates the effects again whenever what they rest on has changed: the usage figures (an import, a Graph pull), the
/// attendance (an import), or the interventions themselves (one recorded, changed or deleted), checking every
/// <see cref="EffectsOptions.CheckEvery"/>, as the benefit measurements are taken. Each check first brings the
/// interventions derived from programmes, process moves and share migrations in step with their sources
/// (<see cref="InterventionSources"/>); a change there is a change of the interventions.
/// </summary>
public sealed partial class EffectsJob(IServiceProvider services, EffectsOptions options, UsageLoadStatus usageLoad, Shared.BackgroundLoadStatus modulesLoad,
    Shared.JobLeases leases,
    ILogger<EffectsJob> logger, TimeProvider clock) : BackgroundService
{
    /// <summary>The job's key, as its lease is named.</summary>
    public const string Key = "Effects";

    /// <summary>What the estimates were computed from: the current usage imports, the attendance rows and the interventions.</summary>
    public readonly record struct Inputs(UsageDataVersion Usage, (int Rows, int LastId) Attendance, int Interventions, DateTime? LastChange)
    {
        /// <summary>The inputs as the marker kept with the job's lease, the same on every node.</summary>
        public string Marker => FormattableString.Invariant(
            $"usage {Usage.Imports}/{Usage.IdSum}; attendance {Attendance.Rows}/{Attendance.LastId}; interventions {Interventions}; changed {LastChange:O}");
    }

    public static async Task<Inputs> InputsAsync(OppdriftDb db, LearningQueries learning, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(learning);
        var interventions = await db.Interventions.AsNoTracking().Select(i => new { i.Id, i.CreatedAt, i.UpdatedAt }).ToListAsync(cancellationToken);
        return new Inputs(await UsageDataVersion.ReadAsync(db, cancellationToken), await learning.AttendanceVersionAsync(cancellationToken), interventions.Sum(i => i.Id),
            interventions.Count == 0 ? null : interventions.Max(i => i.UpdatedAt is { } u && u > i.CreatedAt ? u : i.CreatedAt));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CheckEvery <= TimeSpan.Zero)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CheckEvery, clock, stoppingToken);
                if (usageLoad.Running || modulesLoad.Running)
                {
                    // Half a batch, or interventions derived from half loaded programmes, processes and shares, would be
                    // estimated again at once; wait for all of it.
                    continue;
                }
                // One node estimates; the inputs it estimated from are kept with the lease, so no node estimates them again.
                await leases.RunAsync(Key, options.CheckEvery, async (estimated, cancellationToken) =>
                {
                    await using var scope = services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
                    await scope.ServiceProvider.GetRequiredService<InterventionSources>().SyncAsync(cancellationToken);
                    var inputs = (await InputsAsync(db, scope.ServiceProvider.GetRequiredService<LearningQueries>(), cancellationToken)).Marker;
                    if (inputs == estimated)
                    {
                        return null;
                    }
                    var started = clock.GetTimestamp();
                    var written = await scope.ServiceProvider.GetRequiredService<EffectEstimator>().EstimateAllAsync(cancellationToken);
                    LogEstimated(logger, written, clock.GetElapsedTime(started).TotalSeconds);
                    return inputs;
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed run is logged and tried again at the next check; the app stays up.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Effects estimated: {Written} estimates in {Seconds:F2} s")]
    private static partial void LogEstimated(ILogger logger, int written, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Estimating the effects of the interventions failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
