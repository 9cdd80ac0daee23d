using Oppdrift.Usage;

namespace Oppdrift.Effects;

/// <summary>
/// Agencies' outcome week by week from <see cref="FirstMonday"/>: what the estimator compares. <see cref="TooSmall"/> are
/// the agencies with figures left out for being under the minimum group size.
/// </summary>
public sealed record WeeklyPanel(string Metric, DateOnly FirstMonday, int Weeks, IReadOnlyList<AgencyPanel> Agencies, IReadOnlyList<int> TooSmall)
{
    /// <summary>The index of the week (Monday to Sunday) a date falls in; negative before the panel.</summary>
    public int WeekOf(DateOnly date) => (int)Math.Floor((date.DayNumber - FirstMonday.DayNumber) / 7.0);

    public DateOnly MondayOf(int week) => FirstMonday.AddDays(7 * week);
}

/// <summary>
/// Builds weekly panels from the usage module's weekly agency figures (<see cref="UsageWeeklyFigures"/>: daily agency
/// figures, never per-person rows), leaving out agencies under the minimum group size.
/// </summary>
public sealed class EffectPanels(UsageWeeklyFigures usage)
{
    /// <summary>The panel of <paramref name="metric"/> over the weeks from the one <paramref name="from"/> falls in to the one <paramref name="to"/> falls in.</summary>
    public async Task<WeeklyPanel> UsageAsync(string metric, DateOnly from, DateOnly to, int minimumGroupSize, CancellationToken cancellationToken)
    {
        var weeks = await usage.WeeksAsync(metric, from, to, minimumGroupSize, cancellationToken);
        return new WeeklyPanel(weeks.Metric, weeks.FirstMonday, weeks.Weeks, [.. weeks.Agencies.Select(a => new AgencyPanel(a.AgencyId, a.People, a.Weeks))], weeks.TooSmall);
    }
}
