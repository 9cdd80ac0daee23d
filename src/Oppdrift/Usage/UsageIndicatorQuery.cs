// The figures other modules (Benefits) measure indicators with: one usage measure (a metric, or a share or ratio of
// metrics) for every agency and the municipality on a date, over a window, suppressed exactly as the usage pages are.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Usage;

/// <summary>A usage measure's value on one date: per agency id and for the municipality; hidden values have no number.</summary>
public sealed record UsageIndicatorFigures(DateOnly Date, int DaysWithData, UsageCell Municipality, IReadOnlyDictionary<int, UsageCell> Agencies)
{
    public bool HasData => DaysWithData > 0;
}

public sealed class UsageIndicatorQuery(OppdriftDb db, UsageQueries queries)
{
    /// <summary>The window a measure is summed over: the one the usage overview shows by default.</summary>
    public const int Window = UsageQueries.DefaultWindow;

    /// <summary>The first and last day with figures from daily reports, or null when none are imported.</summary>
    public async Task<(DateOnly First, DateOnly Last)?> SpanAsync(CancellationToken cancellationToken)
    {
        var span = await db.UsageFigures.AsNoTracking().Where(f => f.Period == 1).GroupBy(f => 1)
            .Select(g => new { First = g.Min(f => f.Date), Last = g.Max(f => f.Date) }).SingleOrDefaultAsync(cancellationToken);
        return span is null ? null : (span.First, span.Last);
    }

    /// <summary>
    /// The measure on <paramref name="date"/> for every agency and the municipality. Figures over fewer people than the
    /// minimum group size (and those hidden with them) come back without a value, as on every usage page.
    /// </summary>
    public async Task<UsageIndicatorFigures> AtAsync(UsageTableColumn measure, DateOnly date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measure);
        var table = await queries.TableAsync([measure], date, Window, null, cancellationToken);
        return new UsageIndicatorFigures(date, table.DaysWithData, table.Municipality.Cells[0],
            table.Rows.ToDictionary(r => r.AgencyId, r => r.Cells[0]));
    }

    /// <summary>
    /// The sum of daily figures of <paramref name="metrics"/> (snapshots: the last day's value) from
    /// <paramref name="from"/> to <paramref name="to"/> for one agency or, for null, the municipality. Hidden when any
    /// day's figure is hidden; no value when no day has figures.
    /// </summary>
    public async Task<UsageCell> TotalAsync(IReadOnlyList<string> metrics, int? agencyId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        (await TotalsAsync([metrics], agencyId, from, to, cancellationToken))[0];

    /// <summary>
    /// <see cref="TotalAsync"/> for several groups of metrics at once, in the order given: one read of the figures and
    /// their suppression for all of them, as a page showing several totals needs.
    /// </summary>
    public async Task<IReadOnlyList<UsageCell>> TotalsAsync(IReadOnlyList<IReadOnlyList<string>> groups, int? agencyId, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var set = await queries.SeriesAsync(agencyId, [.. groups.SelectMany(g => g)], from, to, cancellationToken);
        var byMetric = set.Series.ToDictionary(s => s.Metric);
        return [.. groups.Select(g => Total([.. g.Distinct().Select(m => byMetric[m])]))];
    }

    private static UsageCell Total(IEnumerable<UsageSeries> group)
    {
        double? total = null;
        foreach (var series in group)
        {
            var points = UsageMetrics.Get(series.Metric).Kind == UsageMetricKind.Sum ? series.Points : series.Points.TakeLast(1);
            foreach (var point in points)
            {
                if (point.Cell.IsSuppressed)
                {
                    return new UsageCell(null, point.Cell.Reason);
                }
                if (point.Cell.Value is { } v)
                {
                    total = (total ?? 0) + v;
                }
            }
        }
        return new UsageCell(total, Shared.Privacy.SuppressionReason.None);
    }
}
