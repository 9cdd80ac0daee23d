// Did moving a process change how it runs? A two-period difference in differences over processes, not agencies: a moved
// process's change in one measure (minutes per case, e-mails per case…) from before its move to after, less the mean
// change of processes measured over the same days that did not move.
//
// Each process's change is the natural logarithm of its mean after over its mean before, so processes of any size compare
// (a case of 50 minutes cut to 35 and one of 10 cut to 7 both fell by 30 %), and the estimate is reported as a percent
// change, exp(d) − 1. A municipality has a handful of comparison processes, not the dozens a placebo interval needs, so
// the interval is Student's t on the difference of mean changes, with the variance estimated from the comparison
// processes' changes: σ²(1/n_t + 1/n_c) on n_c − 1 degrees of freedom. With one moved process this is the prediction
// interval for one more process's change. It assumes the log changes are normal with the same variance for moved and
// unmoved processes; with three to five comparison processes the interval is wide, and it should be.
//
// Sources:
// - Card & Krueger (1994), "Minimum wages and employment: a case study of the fast-food industry in New Jersey and
//   Pennsylvania", American Economic Review 84(4): 772–793 (the two-period difference in differences).
// - Montgomery & Runger (2014), Applied Statistics and Probability for Engineers, 6th ed., Wiley, sections 8.4 and 10.3
//   (the prediction interval for a new observation, and the t interval for a difference of means with a pooled variance).
// - Bertrand, Duflo & Mullainathan (2004), "How much should we trust differences-in-differences estimates?", Quarterly
//   Journal of Economics 119(1): 249–275 (one change per unit, so that repeated measures do not pass for independent ones).
using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Oppdrift.Effects;

/// <summary>
/// One dated measure of a process: <see cref="After"/> when it was measured after the move the estimate is about (for a
/// moved process, its phase; for a comparison process, whether it was measured on or after the day).
/// </summary>
public sealed record ProcessPoint(DateOnly On, double Value, bool After);

/// <summary>One process's measures of one kind.</summary>
public sealed record ProcessPanel(int ProcessId, IReadOnlyList<ProcessPoint> Measures);

/// <summary>The days compared: measures before from <c>Day − PreDays</c> up to the day, after from the day to <c>Day + PostDays</c>.</summary>
public sealed record ProcessWindow(DateOnly Day, int PreDays, int PostDays)
{
    public DateOnly From => Day.AddDays(-PreDays);

    public DateOnly To => Day.AddDays(PostDays);
}

/// <summary>
/// One group's figures as the page's before-and-after table shows them: how many processes and measures, and the group's
/// mean change as a percent change (exp of the mean log change, less one).
/// </summary>
public sealed record ProcessGroupFigures(string Group, int Processes, int MeasuresBefore, int MeasuresAfter, double? MeanChange);

/// <summary>
/// A process-measure estimate. <see cref="Estimate"/>, <see cref="Low"/> and <see cref="High"/> are percent changes as
/// fractions (−0.30 is 30 % less than the comparison processes' change would give); <see cref="LogEstimate"/> is the
/// difference of mean log changes they come from. <see cref="PreTrend"/> is the moved processes' mean slope of the log
/// measure a year before the day, less the comparison processes'; null when it cannot be checked (one measure before).
/// </summary>
public sealed record ProcessEffect(
    EffectVerdict Verdict,
    CannotTellReason? Reason,
    IReadOnlyList<int> Treated,
    IReadOnlyList<int> Comparison,
    double? Estimate,
    double? Low,
    double? High,
    double? LogEstimate,
    double? TreatedBefore,
    double? TreatedAfter,
    double? PreTrend,
    bool? PreTrendOk,
    IReadOnlyList<ProcessGroupFigures> Groups);

public static class ProcessDifferenceInDifferences
{
    /// <summary>The fewest comparison processes the interval needs: two degrees of freedom for the variance.</summary>
    public const int MinimumComparisonProcesses = 3;

    private const double DaysPerYear = 365.25;

    /// <summary>
    /// Estimates the effect of a move on <paramref name="treated"/> against <paramref name="comparison"/> (processes that
    /// did not move inside the window: the caller leaves out those that did) at <paramref name="level"/>.
    /// </summary>
    public static ProcessEffect Estimate(IReadOnlyList<ProcessPanel> treated, IReadOnlyList<ProcessPanel> comparison, ProcessWindow window, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(window);
        if (treated.Count == 0)
        {
            return Nothing(CannotTellReason.NoTreatedProcess, [], []);
        }
        var moved = treated.Select(p => Change.Of(p, window)).OfType<Change>().ToList();
        if (moved.Count == 0)
        {
            // Not measured both before and after inside the window: too soon, or measured too long before.
            return Nothing(CannotTellReason.WindowTooShort, [], [.. Groups([], [])]);
        }
        // A mean of zero has no logarithm: prints per case that fell to none is a fall of 100 %, which no ratio of logs holds.
        var positive = moved.Where(c => c.Log is not null).ToList();
        if (positive.Count == 0)
        {
            return Nothing(CannotTellReason.ZeroMeasure, [.. moved.Select(c => c.ProcessId)], [.. Groups(moved, [])]);
        }
        var pool = comparison.Where(p => positive.All(t => t.ProcessId != p.ProcessId)).Select(p => Change.Of(p, window)).OfType<Change>()
            .Where(c => c.Log is not null).ToList();
        var treatedIds = positive.Select(c => c.ProcessId).Order().ToList();
        var comparisonIds = pool.Select(c => c.ProcessId).Order().ToList();
        var groups = Groups(positive, pool);
        double? before = positive.Average(c => c.Before);
        double? after = positive.Average(c => c.After);
        if (pool.Count == 0)
        {
            return new ProcessEffect(EffectVerdict.CannotTell, CannotTellReason.TooFewComparisonProcesses, treatedIds, comparisonIds,
                null, null, null, null, before, after, null, null, groups);
        }

        var treatedChanges = positive.Select(c => c.Log!.Value).ToArray();
        var comparisonChanges = pool.Select(c => c.Log!.Value).ToArray();
        var d = treatedChanges.Average() - comparisonChanges.Average();
        if (pool.Count < MinimumComparisonProcesses)
        {
            // The point estimate is shown; without a variance there is no interval, and no verdict.
            return new ProcessEffect(EffectVerdict.CannotTell, CannotTellReason.TooFewComparisonProcesses, treatedIds, comparisonIds,
                Math.Exp(d) - 1, null, null, d, before, after, null, null, groups);
        }
        if (Statistics.StandardDeviation(comparisonChanges) is not > 0)
        {
            // Every comparison process changed by exactly as much (most often: measured the same twice): nothing shows how
            // much processes vary, and an interval of no width would claim a certainty the data do not hold.
            return new ProcessEffect(EffectVerdict.CannotTell, CannotTellReason.NoVariation, treatedIds, comparisonIds,
                Math.Exp(d) - 1, null, null, d, before, after, null, null, groups);
        }
        var (low, high) = Interval(d, comparisonChanges, treatedChanges.Length, level);

        // The pre-trend check: where processes were measured on two or more days before, the slope of their log measure.
        var treatedSlopes = positive.Select(c => c.Slope).OfType<double>().ToArray();
        var comparisonSlopes = pool.Select(c => c.Slope).OfType<double>().ToArray();
        double? preTrend = null;
        bool? preTrendOk = null;
        if (treatedSlopes.Length > 0 && comparisonSlopes.Length >= MinimumComparisonProcesses && Statistics.StandardDeviation(comparisonSlopes) > 0)
        {
            preTrend = treatedSlopes.Average() - comparisonSlopes.Average();
            var (slopeLow, slopeHigh) = Interval(preTrend.Value, comparisonSlopes, treatedSlopes.Length, level);
            preTrendOk = slopeLow <= 0 && slopeHigh >= 0;
        }
        CannotTellReason? reason = preTrendOk == false ? CannotTellReason.PreTrendsDiffer : null;
        var verdict = reason is not null ? EffectVerdict.CannotTell : low > 0 || high < 0 ? EffectVerdict.Effect : EffectVerdict.NoEffect;
        return new ProcessEffect(verdict, reason, treatedIds, comparisonIds, Math.Exp(d) - 1, Math.Exp(low) - 1, Math.Exp(high) - 1, d, before, after,
            preTrend, preTrendOk, groups);
    }

    /// <summary>
    /// The t interval of a difference <paramref name="d"/> between the mean of <paramref name="treated"/> values and the
    /// mean of <paramref name="comparison"/> values, the variance estimated from the comparison values alone:
    /// d ± t(n_c − 1) · s · √(1/n_t + 1/n_c).
    /// </summary>
    internal static (double Low, double High) Interval(double d, double[] comparison, int treated, double level)
    {
        var s = Statistics.StandardDeviation(comparison);
        var t = StudentT.InvCDF(0, 1, comparison.Length - 1, 1 - ((1 - level) / 2));
        var half = t * s * Math.Sqrt((1.0 / treated) + (1.0 / comparison.Length));
        return (d - half, d + half);
    }

    private static ProcessEffect Nothing(CannotTellReason reason, IReadOnlyList<int> treated, IReadOnlyList<ProcessGroupFigures> groups) =>
        new(EffectVerdict.CannotTell, reason, treated, [], null, null, null, null, null, null, null, null, groups);

    private static List<ProcessGroupFigures> Groups(IReadOnlyList<Change> treated, IReadOnlyList<Change> comparison) =>
    [
        Group("treated", treated),
        Group("comparison", comparison),
    ];

    private static ProcessGroupFigures Group(string name, IReadOnlyList<Change> changes)
    {
        var logs = changes.Select(c => c.Log).OfType<double>().ToList();
        return new ProcessGroupFigures(name, changes.Count, changes.Sum(c => c.MeasuresBefore), changes.Sum(c => c.MeasuresAfter),
            logs.Count == 0 ? null : Math.Exp(logs.Average()) - 1);
    }

    /// <summary>One process's change across the window: its means before and after, their log ratio and its slope before.</summary>
    private sealed record Change(int ProcessId, double Before, double After, int MeasuresBefore, int MeasuresAfter, double? Log, double? Slope)
    {
        public static Change? Of(ProcessPanel panel, ProcessWindow window)
        {
            var before = panel.Measures.Where(m => !m.After && m.On >= window.From && m.On <= window.Day && double.IsFinite(m.Value)).ToList();
            var after = panel.Measures.Where(m => m.After && m.On >= window.Day && m.On <= window.To && double.IsFinite(m.Value)).ToList();
            if (before.Count == 0 || after.Count == 0)
            {
                return null;
            }
            var meanBefore = before.Average(m => m.Value);
            var meanAfter = after.Average(m => m.Value);
            double? log = meanBefore > 0 && meanAfter > 0 ? Math.Log(meanAfter / meanBefore) : null;
            double? slope = null;
            if (before.Select(m => m.On).Distinct().Count() >= 2 && before.All(m => m.Value > 0))
            {
                slope = Fit.Line([.. before.Select(m => (m.On.DayNumber - window.Day.DayNumber) / DaysPerYear)], [.. before.Select(m => Math.Log(m.Value))]).B;
            }
            return new Change(panel.ProcessId, meanBefore, meanAfter, before.Count, after.Count, log, slope);
        }
    }
}
