using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Usage;

namespace Oppdrift.Effects;

/// <summary>Agencies' outcome week by week from <see cref="FirstMonday"/>: what the estimator compares.</summary>
public sealed record WeeklyPanel(string Metric, DateOnly FirstMonday, int Weeks, IReadOnlyList<AgencyPanel> Agencies)
{
    /// <summary>The index of the week (Monday to Sunday) a date falls in; negative before the panel.</summary>
    public int WeekOf(DateOnly date) => (int)Math.Floor((date.DayNumber - FirstMonday.DayNumber) / 7.0);

    public DateOnly MondayOf(int week) => FirstMonday.AddDays(7 * week);
}

/// <summary>
/// Builds weekly panels from the daily agency figures the usage import keeps (never from per-person rows): a week's
/// figure is the sum of its days' values over the sum of their head counts, so a count of people becomes the share of
/// the agency's people, and a sum (messages, files shared) becomes a figure per person per day.
/// </summary>
public sealed class EffectPanels(OppdriftDb db)
{
    /// <summary>A week needs figures on this many of its seven days to have a figure.</summary>
    public const int DaysForAWeek = 5;

    /// <summary>
    /// The panel of <paramref name="metric"/> over the weeks from the one <paramref name="from"/> falls in to the one
    /// <paramref name="to"/> falls in. People the directory could not place, and agencies smaller than
    /// <paramref name="minimumGroupSize"/>, take no part.
    /// </summary>
    public async Task<WeeklyPanel> UsageAsync(string metric, DateOnly from, DateOnly to, int minimumGroupSize, CancellationToken cancellationToken)
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

        var panels = new List<AgencyPanel>();
        foreach (var agency in rows.GroupBy(r => r.AgencyId).OrderBy(g => g.Key))
        {
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
            var headCount = agency.OrderBy(r => r.Date).Last().People;
            if (headCount < minimumGroupSize)
            {
                continue;
            }
            var series = new double?[weeks];
            for (var w = 0; w < weeks; w++)
            {
                series[w] = days[w] >= DaysForAWeek && people[w] > 0 ? values[w] / people[w] : null;
            }
            panels.Add(new AgencyPanel(agency.Key, headCount, series));
        }
        return new WeeklyPanel(metric, firstMonday, weeks, panels);
    }
}
