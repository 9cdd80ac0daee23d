// The figures other modules (Effects) compare agencies with week by week: one metric per agency and week, from the daily
// agency figures (never per-person rows), over the agency's head count.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Usage;

/// <summary>One agency's figure week by week (null for a week with too few days of figures) and its latest head count.</summary>
public sealed record UsageAgencyWeeks(int AgencyId, int People, IReadOnlyList<double?> Weeks);

/// <summary>
/// A metric's weeks from <see cref="FirstMonday"/> for every agency of usable size; <see cref="TooSmall"/> names the
/// agencies with figures that were left out for being under the minimum group size (their figures are not given).
/// </summary>
public sealed record UsageWeeks(string Metric, DateOnly FirstMonday, int Weeks, IReadOnlyList<UsageAgencyWeeks> Agencies, IReadOnlyList<int> TooSmall);

/// <summary>
/// A week's figure is the sum of its days' values over the sum of their head counts, so a count of people becomes the
/// share of the agency's people, and a sum (messages, files shared) becomes a figure per person per day.
/// </summary>
public sealed class UsageWeeklyFigures(OppdriftDb db)
{
    /// <summary>A week needs figures on this many of its seven days to have a figure.</summary>
    public const int DaysForAWeek = 5;

    /// <summary>
    /// The weeks of <paramref name="metric"/> from the one <paramref name="from"/> falls in to the one
    /// <paramref name="to"/> falls in. People the directory could not place, and agencies whose latest head count is
    /// under <paramref name="minimumGroupSize"/>, take no part.
    /// </summary>
    public async Task<UsageWeeks> WeeksAsync(string metric, DateOnly from, DateOnly to, int minimumGroupSize, CancellationToken cancellationToken)
    {
        _ = UsageMetrics.Get(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        var firstMonday = from.AddDays(-(((int)from.DayOfWeek + 6) % 7));
        var weeks = ((to.DayNumber - firstMonday.DayNumber) / 7) + 1;
        var last = firstMonday.AddDays((7 * weeks) - 1);
        var rows = await db.UsageFigures.AsNoTracking()
            .Where(f => f.Period == 1 && f.Metric == metric && f.AgencyId != UsageFigure.Unplaced && f.Date >= firstMonday && f.Date <= last)
            .Select(f => new { f.AgencyId, f.Date, f.Value, f.People })
            .ToListAsync(cancellationToken);

        var agencies = new List<UsageAgencyWeeks>();
        var tooSmall = new List<int>();
        foreach (var agency in rows.GroupBy(r => r.AgencyId).OrderBy(g => g.Key))
        {
            var headCount = agency.MaxBy(r => r.Date)!.People;
            if (headCount < minimumGroupSize)
            {
                tooSmall.Add(agency.Key);
                continue;
            }
            var values = new double[weeks];
            var people = new long[weeks];
            var days = new int[weeks];
            foreach (var row in agency)
            {
                var week = (row.Date.DayNumber - firstMonday.DayNumber) / 7;
                values[week] += row.Value;
                people[week] += row.People;
                days[week]++;
            }
            var series = new double?[weeks];
            for (var w = 0; w < weeks; w++)
            {
                series[w] = days[w] >= DaysForAWeek && people[w] > 0 ? values[w] / people[w] : null;
            }
            agencies.Add(new UsageAgencyWeeks(agency.Key, headCount, series));
        }
        return new UsageWeeks(metric, firstMonday, weeks, agencies, tooSmall);
    }
}
