// Where an indicator should be on a date (the linear path from the baseline through its targets), whether it is on
// track, and what a priced benefit's improvement is worth. Pure functions, so the rules are tested by worked examples.
namespace Oppdrift.Benefits;

public enum BenefitStatus
{
    /// <summary>No measurement yet, or no target to measure against.</summary>
    Unknown,
    OnTrack,
    AtRisk,
    OffTrack,
}

/// <summary>An indicator's baseline and targets: enough to draw its path and judge a measurement.</summary>
public sealed record IndicatorPlan(double BaselineValue, DateOnly BaselineDate, bool HigherIsBetter, IReadOnlyList<(DateOnly Date, double Value)> Targets)
{
    /// <summary>A shortfall up to this share of the planned change (baseline to final target) is still on track.</summary>
    public const double OnTrackTolerance = 0.10;

    /// <summary>A shortfall up to this share is at risk; beyond it, off track.</summary>
    public const double AtRiskTolerance = 0.25;

    private IEnumerable<(DateOnly Date, double Value)> Ordered => Targets.OrderBy(t => t.Date);

    /// <summary>The final target, or null when none is set.</summary>
    public (DateOnly Date, double Value)? FinalTarget => Targets.Count == 0 ? null : Ordered.Last();

    /// <summary>
    /// The value the path expects on <paramref name="date"/>: the baseline before it starts, a straight line from the
    /// baseline to the first target and from each target to the next, and the final target after its date.
    /// </summary>
    public double? Expected(DateOnly date)
    {
        if (Targets.Count == 0)
        {
            return null;
        }
        var (fromDate, fromValue) = (BaselineDate, BaselineValue);
        if (date <= fromDate)
        {
            return BaselineValue;
        }
        foreach (var (toDate, toValue) in Ordered)
        {
            if (date <= toDate)
            {
                var span = toDate.DayNumber - fromDate.DayNumber;
                return span <= 0 ? toValue : fromValue + ((toValue - fromValue) * (date.DayNumber - fromDate.DayNumber) / span);
            }
            (fromDate, fromValue) = (toDate, toValue);
        }
        return fromValue;
    }

    /// <summary>
    /// On track when the measurement is at or better than the path, or short of it by at most 10 % of the planned change;
    /// at risk when short by at most 25 %; off track beyond that. "Short" is below the path when higher is better and
    /// above it when lower is better.
    /// </summary>
    public BenefitStatus Status(DateOnly date, double value)
    {
        if (Expected(date) is not { } expected || FinalTarget is not { } final)
        {
            return BenefitStatus.Unknown;
        }
        var planned = Math.Abs(final.Value - BaselineValue);
        var shortfall = HigherIsBetter ? expected - value : value - expected;
        if (shortfall <= 0)
        {
            return BenefitStatus.OnTrack;
        }
        if (planned == 0)
        {
            return BenefitStatus.OffTrack;
        }
        var share = shortfall / planned;
        return share <= OnTrackTolerance + 1e-9 ? BenefitStatus.OnTrack
            : share <= AtRiskTolerance + 1e-9 ? BenefitStatus.AtRisk
            : BenefitStatus.OffTrack;
    }

    /// <summary>The improvement of <paramref name="value"/> over the baseline, positive when it moved the right way.</summary>
    public double Improvement(double value) => HigherIsBetter ? value - BaselineValue : BaselineValue - value;

    /// <summary>The worst of several statuses, ignoring unknown ones: what a benefit or goal shows at a glance.</summary>
    public static BenefitStatus Worst(IEnumerable<BenefitStatus> statuses)
    {
        var worst = BenefitStatus.Unknown;
        foreach (var status in statuses)
        {
            if (status > worst)
            {
                worst = status;
            }
        }
        return worst;
    }
}

/// <summary>What a priced benefit's indicator is worth in a year: hours saved and kroner, planned and realised.</summary>
public readonly record struct PricedValue(double PlannedHours, double RealisedHours, double HourlyCost)
{
    public double Planned => PlannedHours * HourlyCost;
    public double Realised => RealisedHours * HourlyCost;

    public static PricedValue operator +(PricedValue a, PricedValue b) =>
        new(a.PlannedHours + b.PlannedHours, a.RealisedHours + b.RealisedHours, a.HourlyCost);

    /// <summary>
    /// The value in the year ending on <paramref name="yearEnd"/>: planned is the improvement the path expects by then,
    /// realised the improvement of the latest measurement up to then (none: nothing realised yet), each times hours per
    /// employee and unit, times employees, times the hourly cost.
    /// </summary>
    public static PricedValue For(IndicatorPlan plan, double hoursPerUnit, int employees, double hourlyCost, DateOnly yearEnd, double? latest)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var planned = plan.Expected(yearEnd) is { } expected ? plan.Improvement(expected) : 0;
        var realised = latest is { } value ? plan.Improvement(value) : 0;
        return new PricedValue(planned * hoursPerUnit * employees, realised * hoursPerUnit * employees, hourlyCost);
    }
}
