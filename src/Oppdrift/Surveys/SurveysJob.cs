// The pulse's clock: sends rounds when they open, reminds once some days before a round closes, schedules the next round
// of a recurring survey, and clears mapping-step uploads nobody finished.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.Surveys;

public sealed partial class SurveysJob(IServiceScopeFactory scopes, SurveyUploads uploads, JobLeases leases, TimeProvider clock, ILogger<SurveysJob> logger)
    : BackgroundService
{
    /// <summary>The job's key, as its lease is named.</summary>
    public const string Key = "Surveys";

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    public const string Actor = "surveys-job";

    /// <summary>A reminder goes this long before a round closes.</summary>
    public static readonly TimeSpan RemindBeforeClose = TimeSpan.FromDays(3);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The survey job failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await leases.RunEveryAsync(Key, Interval, clock, async cancellationToken =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await RunOnceAsync(scope.ServiceProvider.GetRequiredService<OppdriftDb>(), scope.ServiceProvider.GetRequiredService<SurveyPulse>(), clock, cancellationToken);
            uploads.DeleteOlderThan(clock.GetUtcNow().UtcDateTime.AddDays(-1));
        }, e => LogFailed(logger, e.Message), stoppingToken);
    }

    /// <summary>One pass: rounds due to be sent, rounds due a reminder, recurring surveys due their next round.</summary>
    public static async Task RunOnceAsync(OppdriftDb db, SurveyPulse pulse, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(pulse);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var remindFrom = now + RemindBeforeClose;
        var due = await db.SurveyRounds.AsNoTracking().Where(r => r.Kind == RoundKind.Pulse && r.SentAt == null && r.OpensAt <= now && r.ClosesAt > now)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await pulse.SendAsync(id, Actor, cancellationToken);
        }
        var remind = await db.SurveyRounds.AsNoTracking().Where(r => r.Kind == RoundKind.Pulse && r.SentAt != null && r.RemindedAt == null && r.ClosesAt > now && r.ClosesAt <= remindFrom)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in remind)
        {
            await pulse.RemindAsync(id, Actor, cancellationToken);
        }
        var recurring = await db.Surveys.AsNoTracking().Where(s => s.RecurrenceMonths != null).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var id in recurring)
        {
            // Only when every pulse round is sent: the next is scheduled once, when the latest has gone out.
            if (!await db.SurveyRounds.AnyAsync(r => r.SurveyId == id && r.Kind == RoundKind.Pulse && r.SentAt == null, cancellationToken))
            {
                await pulse.ScheduleNextAsync(id, Actor, cancellationToken);
            }
        }
    }
}
