using Oppdrift.Surveys;
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

/// <summary>A survey round as the panel knows it: its name and the days it opened and closed.</summary>
public sealed record PanelRound(string Name, DateOnly Opens, DateOnly Closes);

/// <summary>
/// A survey measure per agency and round (<see cref="AgencyPanel.Weeks"/> holds the rounds, in the order they opened):
/// null where the agency had too few answers to be shown, as on the survey's results page.
/// </summary>
public sealed record RoundPanel(string Metric, IReadOnlyList<PanelRound> Rounds, IReadOnlyList<AgencyPanel> Agencies);

/// <summary>
/// Builds weekly panels from the usage module's weekly agency figures (<see cref="UsageWeeklyFigures"/>: daily agency
/// figures, never per-person rows), leaving out agencies under the minimum group size; and round panels from a survey's
/// measures per agency (<see cref="SurveyQueries.MeasureAsync(int, string, DateOnly, CancellationToken)"/>: counted in the
/// database, suppressed below the minimum group size before they leave the Surveys module).
/// </summary>
public sealed class EffectPanels(UsageWeeklyFigures usage, SurveyQueries surveys)
{
    /// <summary>The panel of <paramref name="metric"/> over the weeks from the one <paramref name="from"/> falls in to the one <paramref name="to"/> falls in.</summary>
    public async Task<WeeklyPanel> UsageAsync(string metric, DateOnly from, DateOnly to, int minimumGroupSize, CancellationToken cancellationToken)
    {
        var weeks = await usage.WeeksAsync(metric, from, to, minimumGroupSize, cancellationToken);
        return new WeeklyPanel(weeks.Metric, weeks.FirstMonday, weeks.Weeks, [.. weeks.Agencies.Select(a => new AgencyPanel(a.AgencyId, a.People, a.Weeks))], weeks.TooSmall);
    }

    /// <summary>
    /// The panel of a survey measure (<c>survey:ID:MEASURE</c>) over the rounds that closed by <paramref name="until"/>, each
    /// agency with its head count; empty when the survey or the measure no longer exists.
    /// </summary>
    public async Task<RoundPanel> SurveyAsync(string metric, DateOnly until, IReadOnlyDictionary<int, int> headCounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headCounts);
        if (EffectOutcomes.ParseSurvey(metric) is not { } code)
        {
            throw new ArgumentException($"'{metric}' is not a survey measure.", nameof(metric));
        }
        var points = (await surveys.MeasureAsync(code.SurveyId, code.Measure, until, cancellationToken))
            .OrderBy(p => p.Opens).ThenBy(p => p.Date).ToList();
        var agencies = points.SelectMany(p => p.Agencies.Keys).Distinct().Order()
            .Select(a => new AgencyPanel(a, headCounts.GetValueOrDefault(a), [.. points.Select(p => p.Agencies.GetValueOrDefault(a))]))
            .ToList();
        return new RoundPanel(metric, [.. points.Select(p => new PanelRound(p.Round, p.Opens, p.Date))], agencies);
    }
}
