// Takes the automatic measurements of usage indicators: the measure for the municipality and each agency on every
// date of the indicator's schedule from its baseline up to the latest day with usage figures. Hidden (small-group)
// figures are not stored; a date already measured is measured again only when the usage figures changed.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

public sealed class BenefitsMeasurer(OppdriftDb db, UsageIndicatorQuery usage, TimeProvider clock, BenefitsOptions? options = null, SurveyQueries? surveys = null)
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

    /// <summary>
    /// Measures every usage, migration and process indicator (or only <paramref name="only"/>); returns the number of
    /// measurements written.
    /// </summary>
    public async Task<int> MeasureAllAsync(CancellationToken cancellationToken, int? only = null) =>
        await MeasureUsageAsync(only, cancellationToken) + await MeasureMigrationAsync(only, cancellationToken) + await MeasureProcessesAsync(only, cancellationToken)
            + await MeasureSurveysAsync(only, cancellationToken);

    /// <summary>Survey indicators are measured at each round that has closed since the baseline, as the results page shows it (hidden stays unmeasured).</summary>
    private async Task<int> MeasureSurveysAsync(int? only, CancellationToken cancellationToken)
    {
        var (indicators, scopes) = await IndicatorsAsync(IndicatorSource.Survey, only, cancellationToken);
        if (indicators.Count == 0)
        {
            return 0;
        }
        var queries = surveys ?? new SurveyQueries(db, new OrganisationDirectory(db), new SurveysOptions());
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var written = 0;
        foreach (var indicator in indicators)
        {
            if (SurveyMeasures.Parse(indicator.Measure) is not { } measure)
            {
                continue;
            }
            var values = await SurveyMeasures.ValuesAsync(queries, measure, indicator.BaselineDate, today, scopes[indicator.BenefitId].ToHashSet(), cancellationToken);
            written += await StoreAsync(indicator.Id, values, cancellationToken);
        }
        return written;
    }

    private sealed record Scoped(int Id, int BenefitId, string? Measure, DateOnly BaselineDate, MeasurementSchedule Schedule);

    private async Task<(List<Scoped> Indicators, ILookup<int, int> Scopes)> IndicatorsAsync(IndicatorSource source, int? only, CancellationToken cancellationToken)
    {
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.Source == source && (only == null || i.Id == only))
            .Select(i => new Scoped(i.Id, i.BenefitId, i.UsageMeasure, i.BaselineDate, i.Schedule)).ToListAsync(cancellationToken);
        var scopes = (await db.BenefitAgencies.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(a => a.BenefitId, a => a.AgencyId);
        return (indicators, scopes);
    }

    private async Task<int> MeasureUsageAsync(int? only, CancellationToken cancellationToken)
    {
        if (await usage.SpanAsync(cancellationToken) is not { } span)
        {
            return 0;
        }
        var (indicators, scopes) = await IndicatorsAsync(IndicatorSource.Usage, only, cancellationToken);
        var written = 0;
        foreach (var indicator in indicators)
        {
            if (UsageMeasures.Find(indicator.Measure) is not { } measure)
            {
                continue;
            }
            var scope = scopes[indicator.BenefitId].ToHashSet();
            var values = new List<(DateOnly Date, int? AgencyId, double? Value)>();
            foreach (var date in Dates(indicator.Schedule, indicator.BaselineDate, span.Last))
            {
                var figures = await usage.AtAsync(measure.Column, date, cancellationToken);
                if (!figures.HasData)
                {
                    continue;
                }
                values.Add((date, null, figures.Municipality.Value));
                values.AddRange(figures.Agencies.Where(a => scope.Count == 0 || scope.Contains(a.Key)).Select(a => (date, (int?)a.Key, a.Value.Value)));
            }
            written += await StoreAsync(indicator.Id, values, cancellationToken);
        }
        return written;
    }

    /// <summary>Migration indicators are measured on their schedule up to today, from the plan as it stood on each date.</summary>
    private async Task<int> MeasureMigrationAsync(int? only, CancellationToken cancellationToken)
    {
        var (indicators, scopes) = await IndicatorsAsync(IndicatorSource.Migration, only, cancellationToken);
        if (indicators.Count == 0)
        {
            return 0;
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var migration = new MigrationQueries(db);
        var pictures = new Dictionary<DateOnly, MigrationProgressPicture>();
        var written = 0;
        foreach (var indicator in indicators)
        {
            if (MigrationMeasures.Find(indicator.Measure) is not { } measure)
            {
                continue;
            }
            var scope = scopes[indicator.BenefitId].ToHashSet();
            var values = new List<(DateOnly Date, int? AgencyId, double? Value)>();
            foreach (var date in Dates(indicator.Schedule, indicator.BaselineDate, today))
            {
                if (!pictures.TryGetValue(date, out var picture))
                {
                    pictures[date] = picture = await migration.ProgressAsync(date, cancellationToken);
                }
                values.Add((date, null, measure.Municipality(picture)));
                if (measure.Agency is { } perAgency)
                {
                    values.AddRange(picture.Agencies.Where(a => a.Shares.Count > 0 && (scope.Count == 0 || scope.Contains(a.AgencyId)))
                        .Select(a => (date, (int?)a.AgencyId, perAgency(a))));
                }
            }
            written += await StoreAsync(indicator.Id, values, cancellationToken);
        }
        return written;
    }

    /// <summary>
    /// Process indicators are measured on their schedule up to today: the sum over the processes linked to the benefit
    /// that had moved by each date, for the municipality and for each agency that owns one of them (within the benefit's
    /// agencies, when it names some).
    /// </summary>
    private async Task<int> MeasureProcessesAsync(int? only, CancellationToken cancellationToken)
    {
        var (indicators, scopes) = await IndicatorsAsync(IndicatorSource.Process, only, cancellationToken);
        if (indicators.Count == 0)
        {
            return 0;
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var linked = (await new ProcessQueries(db, options ?? new BenefitsOptions()).LinkedAsync([.. indicators.Select(i => i.BenefitId).Distinct()], cancellationToken))
            .ToLookup(l => l.BenefitId);
        var written = 0;
        foreach (var indicator in indicators)
        {
            if (ProcessMeasures.Find(indicator.Measure) is not { } measure)
            {
                continue;
            }
            var scope = scopes[indicator.BenefitId].ToHashSet();
            var processes = linked[indicator.BenefitId].ToList();
            var owners = processes.Select(p => p.OwnerAgencyId).Distinct().Where(a => scope.Count == 0 || scope.Contains(a)).ToList();
            var values = new List<(DateOnly Date, int? AgencyId, double? Value)>();
            foreach (var date in Dates(indicator.Schedule, indicator.BaselineDate, today))
            {
                values.Add((date, null, measure.Sum(ProcessMeasures.MovedBy(processes, date))));
                values.AddRange(owners.Select(a => (date, (int?)a, (double?)measure.Sum(ProcessMeasures.MovedBy(processes, date, a)))));
            }
            written += await StoreAsync(indicator.Id, values, cancellationToken);
        }
        return written;
    }

    /// <summary>
    /// Writes the values that are new or changed, and removes automatic measurements whose value is gone (hidden or no
    /// longer known), in one transaction per indicator; returns the number written.
    /// </summary>
    private async Task<int> StoreAsync(int indicatorId, List<(DateOnly Date, int? AgencyId, double? Value)> values, CancellationToken cancellationToken)
    {
        var known = (await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == indicatorId && m.Automatic)
            .Select(m => new { m.AgencyId, m.Date, m.Value }).ToListAsync(cancellationToken))
            .ToDictionary(m => (m.AgencyId, m.Date), m => m.Value);
        var fresh = new List<Measurement>();
        var stale = new List<(int? AgencyId, DateOnly Date)>();
        foreach (var (date, agencyId, raw) in values)
        {
            var had = known.TryGetValue((agencyId, date), out var old);
            if (raw is not { } v)
            {
                if (had)
                {
                    stale.Add((agencyId, date));
                }
                continue;
            }
            var value = Math.Round(v, 4);
            if (had && old == value)
            {
                continue;
            }
            if (had)
            {
                stale.Add((agencyId, date));
            }
            fresh.Add(new Measurement
            {
                IndicatorId = indicatorId,
                AgencyId = agencyId,
                Date = date,
                Value = value,
                Automatic = true,
                EnteredBy = Actor,
                EnteredAt = clock.GetUtcNow().UtcDateTime,
            });
        }
        if (fresh.Count == 0 && stale.Count == 0)
        {
            return 0;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var group in stale.GroupBy(s => s.Date))
        {
            var agencies = group.Where(s => s.AgencyId is not null).Select(s => s.AgencyId).ToList();
            var municipality = group.Any(s => s.AgencyId is null);
            await db.Measurements.Where(m => m.IndicatorId == indicatorId && m.Automatic && m.Date == group.Key
                && ((municipality && m.AgencyId == null) || agencies.Contains(m.AgencyId))).ExecuteDeleteAsync(cancellationToken);
        }
        db.Measurements.AddRange(fresh);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return fresh.Count;
    }
}

/// <summary>
/// Takes the automatic measurements whenever the usage figures have changed (an import, a Graph pull, a background
/// batch such as the demo's history once it has ended), the migration plan has (a scan attached, a mapping or its
/// state changed), the process register has (a process, its state or its measures changed), or a new day has begun, checking every <see cref="BenefitsOptions.CheckEvery"/>.
/// It waits while modules' data load in the background (<see cref="Shared.BackgroundLoadStatus"/>).
/// </summary>
public sealed partial class BenefitsMeasurementJob(IServiceProvider services, BenefitsOptions options, UsageLoadStatus usageLoad,
    Shared.BackgroundLoadStatus modulesLoad, Shared.JobLeases leases, ILogger<BenefitsMeasurementJob> logger, TimeProvider clock) : BackgroundService
{
    public const string Key = "BenefitsMeasure";

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
                    continue; // half a batch, or half a migration plan or process register, would be measured again at once; wait for all of it
                }
                // One node measures; the version it measured is kept with the lease, so no node measures it again.
                await leases.RunAsync(Key, options.CheckEvery, async (measured, cancellationToken) =>
                {
                    await using var scope = services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
                    // The day is part of the version: migration indicators are measured up to today, so a new day can bring a
                    // new measurement date even when the plan has not changed.
                    var usage = await UsageDataVersion.ReadAsync(db, cancellationToken);
                    var version = FormattableString.Invariant(
                        $"usage {usage.Imports}/{usage.IdSum}; migration {await MigrationQueries.VersionAsync(db, cancellationToken)}; processes {await ProcessQueries.VersionAsync(db, cancellationToken)}; day {DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime):yyyy-MM-dd}");
                    if (version == measured)
                    {
                        return null;
                    }
                    var written = await scope.ServiceProvider.GetRequiredService<BenefitsMeasurer>().MeasureAllAsync(cancellationToken);
                    LogMeasured(logger, written);
                    return version;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Benefit indicators measured from usage, the migration plan and the process register: {Written} measurements written")]
    private static partial void LogMeasured(ILogger logger, int written);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Measuring benefit indicators from usage, the migration plan and the process register failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
