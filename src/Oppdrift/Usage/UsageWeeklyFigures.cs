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
        // Summed week by week in the database: a year of one metric is about 19,000 daily rows but 2,800 weekly sums.
        var first = firstMonday.DayNumber;
        var figures = db.UsageFigures.AsNoTracking()
            .Where(f => f.Period == 1 && f.Metric == metric && f.AgencyId != UsageFigure.Unplaced && f.Date >= firstMonday && f.Date <= last);
        var sums = await figures
            .GroupBy(f => new { f.AgencyId, Week = (f.Date.DayNumber - first) / 7 })
            .Select(g => new { g.Key.AgencyId, g.Key.Week, Value = g.Sum(f => f.Value), People = g.Sum(f => (long)f.People), Days = g.Count(), Last = g.Max(f => f.Date) })
            .ToListAsync(cancellationToken);
        if (sums.Count == 0)
        {
            return new UsageWeeks(metric, firstMonday, weeks, [], []);
        }

        // An agency's head count is its people on its latest day of figures in the window.
        var latest = sums.GroupBy(s => s.AgencyId).ToDictionary(g => g.Key, g => g.Max(s => s.Last));
        var earliestLatest = latest.Values.Min();
        var lastDays = await figures.Where(f => f.Date >= earliestLatest)
            .Select(f => new { f.AgencyId, f.Date, f.People })
            .ToListAsync(cancellationToken);
        var headCounts = lastDays.Where(r => latest[r.AgencyId] == r.Date).ToDictionary(r => r.AgencyId, r => r.People);

        var agencies = new List<UsageAgencyWeeks>();
        var tooSmall = new List<int>();
        foreach (var agency in sums.GroupBy(r => r.AgencyId).OrderBy(g => g.Key))
        {
            var headCount = headCounts[agency.Key];
            if (headCount < minimumGroupSize)
            {
                tooSmall.Add(agency.Key);
                continue;
            }
            var series = new double?[weeks];
            foreach (var week in agency)
            {
                series[week.Week] = week.Days >= DaysForAWeek && week.People > 0 ? (double)week.Value / week.People : null;
            }
            agencies.Add(new UsageAgencyWeeks(agency.Key, headCount, series));
        }
        return new UsageWeeks(metric, firstMonday, weeks, agencies, tooSmall);
    }
}
