// Takes the automatic measurements of usage indicators: the measure for the municipality and each agency on every
// date of the indicator's schedule from its baseline up to the latest day with usage figures. Hidden (small-group)
// figures are not stored; a date already measured is measured again only when the usage figures changed.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

public sealed class BenefitsMeasurer(OppdriftDb db, UsageIndicatorQuery usage, TimeProvider clock)
{
    public const string Actor = "oppdrift";

    /// <summary>
    /// The dates a schedule measures on, from the baseline up to <paramref name="last"/>. The baseline date itself is
    /// measured too: it is each agency's own baseline (the indicator's is the municipality's).
    /// </summary>
    public static IEnumerable<DateOnly> Dates(MeasurementSchedule schedule, DateOnly baseline, DateOnly last)
    {
        for (var step = 0; ; step++)
        {
            var date = schedule switch
            {
                MeasurementSchedule.Weekly => baseline.AddDays(7 * step),
                MeasurementSchedule.Quarterly => baseline.AddMonths(3 * step),
                _ => baseline.AddMonths(step),
            };
            if (date > last)
            {
                yield break;
            }
            yield return date;
        }
    }

    /// <summary>Measures every usage indicator (or only <paramref name="only"/>); returns the number of measurements written.</summary>
    public async Task<int> MeasureAllAsync(CancellationToken cancellationToken, int? only = null)
    {
        if (await usage.SpanAsync(cancellationToken) is not { } span)
        {
            return 0;
        }
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.Source == IndicatorSource.Usage && (only == null || i.Id == only))
            .Select(i => new { i.Id, i.BenefitId, i.UsageMeasure, i.BaselineDate, i.Schedule }).ToListAsync(cancellationToken);
        var scopes = (await db.BenefitAgencies.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(a => a.BenefitId, a => a.AgencyId);
        var written = 0;
        foreach (var indicator in indicators)
        {
            if (UsageMeasures.Find(indicator.UsageMeasure) is not { } measure)
            {
                continue;
            }
            var scope = scopes[indicator.BenefitId].ToHashSet();
            var known = (await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == indicator.Id && m.Automatic)
                .Select(m => new { m.AgencyId, m.Date, m.Value }).ToListAsync(cancellationToken))
                .ToDictionary(m => (m.AgencyId, m.Date), m => m.Value);
            var fresh = new List<Measurement>();
            var stale = new List<(int? AgencyId, DateOnly Date)>();
            foreach (var date in Dates(indicator.Schedule, indicator.BaselineDate, span.Last))
            {
                var figures = await usage.AtAsync(measure.Column, date, cancellationToken);
                if (!figures.HasData)
                {
                    continue;
                }
                void Take(int? agencyId, UsageCell cell)
                {
                    var had = known.TryGetValue((agencyId, date), out var old);
                    if (cell.Value is not { } v)
                    {
                        if (had)
                        {
                            stale.Add((agencyId, date));
                        }
                        return;
                    }
                    var value = Math.Round(v, 4);
                    if (had && old == value)
                    {
                        return;
                    }
                    if (had)
                    {
                        stale.Add((agencyId, date));
                    }
                    fresh.Add(new Measurement
                    {
                        IndicatorId = indicator.Id,
                        AgencyId = agencyId,
                        Date = date,
                        Value = value,
                        Automatic = true,
                        EnteredBy = Actor,
                        EnteredAt = clock.GetUtcNow().UtcDateTime,
                    });
                }
                Take(null, figures.Municipality);
                foreach (var (agencyId, cell) in figures.Agencies)
                {
                    if (scope.Count == 0 || scope.Contains(agencyId))
                    {
                        Take(agencyId, cell);
                    }
                }
            }
            if (fresh.Count == 0 && stale.Count == 0)
            {
                continue;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var group in stale.GroupBy(s => s.Date))
            {
                var agencies = group.Where(s => s.AgencyId is not null).Select(s => s.AgencyId).ToList();
                var municipality = group.Any(s => s.AgencyId is null);
                await db.Measurements.Where(m => m.IndicatorId == indicator.Id && m.Automatic && m.Date == group.Key
                    && ((municipality && m.AgencyId == null) || agencies.Contains(m.AgencyId))).ExecuteDeleteAsync(cancellationToken);
            }
            db.Measurements.AddRange(fresh);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            written += fresh.Count;
        }
        return written;
    }
}

/// <summary>
/// Takes the automatic measurements whenever the usage figures have changed (an import, a Graph pull, the demo's
/// background load once it is done), checking every <see cref="BenefitsOptions.CheckEvery"/>.
/// </summary>
public sealed partial class BenefitsMeasurementJob(IServiceProvider services, BenefitsOptions options, Demo.DemoUsageStatus demo,
    ILogger<BenefitsMeasurementJob> logger, TimeProvider clock) : BackgroundService
{
    public const string Key = "BenefitsMeasure";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CheckEvery <= TimeSpan.Zero)
        {
            return;
        }
        UsageDataVersion? measured = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CheckEvery, clock, stoppingToken);
                if (demo.Running)
                {
                    continue; // half a demo load would be measured again at once; wait for all of it
                }
                await using var scope = services.CreateAsyncScope();
                var version = await UsageDataVersion.ReadAsync(scope.ServiceProvider.GetRequiredService<OppdriftDb>(), stoppingToken);
                if (version == measured)
                {
                    continue;
                }
                var written = await scope.ServiceProvider.GetRequiredService<BenefitsMeasurer>().MeasureAllAsync(stoppingToken);
                measured = version;
                LogMeasured(logger, written);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Benefit indicators measured from usage: {Written} measurements written")]
    private static partial void LogMeasured(ILogger logger, int written);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Measuring benefit indicators from usage failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
