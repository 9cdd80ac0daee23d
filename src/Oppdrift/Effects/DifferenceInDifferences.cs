// Did it work? A difference-in-differences estimate with matched comparison agencies and placebo inference over agencies.
//
// The estimate: for each treated agency, its gap to the mean of its nearest untreated agencies (matched on the outcome's
// path before the intervention, which is its level, trend and bend, and on size), week by week, averaged over the treated
// agencies. Adoption follows S-shaped curves that agencies climb at different times, so even well-matched agencies drift
// apart a little; the gap's own straight line through the weeks before is carried on through the weeks after, and the
// effect is how far the gap lies above or below that line after the intervention (difference in differences with a
// trend of its own for the treated group). Each agency is one unit: people within an agency are not independent draws, so
// the uncertainty comes from agencies, never from head counts.
//
// The interval: the same estimator applied to sets of untreated agencies as if they had been treated (placebo studies in
// space), with their comparison agencies matched from the rest. Their estimates show how large an "effect" the design
// finds where there was none; the interval is the estimate minus the extreme ranks of that distribution, an exact
// randomisation interval when agencies are exchangeable, and conservative by the rank it takes.
//
// The pre-trend check: a straight line only carries on if the gap moved along one before. How much the gap's slope bends
// between the first and the second half of the weeks before is compared with how much the placebo sets' slopes bend;
// beyond their range, the treated agencies changed course before anything was done, and the design cannot tell an
// effect from that change, and says so.
//
// A survey's few rounds a year are no weekly panel: there the design is the plain one (the gap's mean before is the
// baseline, parallel paths assumed), and the pre-trend check is the gap's slope over the rounds before, judged the same
// way against the placebo sets (see EffectDesign.TrendLine).
//
// Sources:
// - Card & Krueger (1994), "Minimum wages and employment: a case study of the fast-food industry in New Jersey and
//   Pennsylvania", American Economic Review 84(4): 772–793 (the two-period difference in differences).
// - Heckman, Ichimura & Todd (1997), "Matching as an econometric evaluation estimator: evidence from evaluating a job
//   training programme", Review of Economic Studies 64(4): 605–654 (difference-in-differences on a matched comparison).
// - Angrist & Pischke (2009), Mostly Harmless Econometrics, Princeton University Press, section 5.2 (differences in
//   differences, and group-specific linear trends as the check and the remedy when groups trend apart).
// - Abadie, Diamond & Hainmueller (2010), "Synthetic control methods for comparative case studies", Journal of the
//   American Statistical Association 105(490): 493–505 (placebo studies in space, for one treated unit among few).
// - Conley & Taber (2011), "Inference with 'difference in differences' with a small number of policy changes", Review of
//   Economics and Statistics 93(1): 113–125 (the interval from the estimator's distribution over untreated units).
// - Roth (2022), "Pretest with caution: event-study estimates after testing for parallel trends", American Economic
//   Review: Insights 4(3): 305–322 (a passed pre-trend check is a check, not a proof: the event study shows every week).
using MathNet.Numerics;
using MathNet.Numerics.Statistics;

namespace Oppdrift.Effects;

/// <summary>One agency's outcome week by week (null where no figure exists) and its head count.</summary>
public sealed record AgencyPanel(int AgencyId, int People, IReadOnlyList<double?> Weeks);

/// <summary>
/// The weeks compared: <c>[PreStart, PreEnd)</c> before the intervention and <c>[PostStart, PostEnd)</c> after it, as
/// indexes into <see cref="AgencyPanel.Weeks"/>. The weeks between (the week it started in) belong to neither.
/// </summary>
public sealed record EffectWindow(int PreStart, int PreEnd, int PostStart, int PostEnd)
{
    public int PreWeeks => PreEnd - PreStart;

    public int PostWeeks => PostEnd - PostStart;
}

/// <summary>The choices of the design, each with the default a change team would start from.</summary>
public sealed record EffectDesign
{
    /// <summary>How many untreated agencies each treated agency is compared with.</summary>
    public int NeighboursPerTreated { get; init; } = 5;

    /// <summary>The fewest untreated agencies with data there must be for an estimate with an interval.</summary>
    public int MinimumComparisonAgencies { get; init; } = 10;

    /// <summary>The fewest weeks with figures before (at least four: two for each half of the pre-trend check) and after.</summary>
    public int MinimumPreWeeks { get; init; } = 4;

    public int MinimumPostWeeks { get; init; } = 2;

    /// <summary>The most placebo sets drawn; when there are fewer possible sets, every one is used.</summary>
    public int PlaceboDraws { get; init; } = 1000;

    /// <summary>The interval's coverage.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>The privacy threshold: a treated group of fewer people shows no estimate.</summary>
    public int MinimumGroupSize { get; init; } = 5;

    /// <summary>Placebo sets are drawn from this seed, so the same figures always give the same interval.</summary>
    public int Seed { get; init; } = 20_261_205;

    /// <summary>
    /// Whether the gap's own line through the periods before is carried on (weekly panels, where adoption curves drift
    /// apart), or its mean before is the baseline (plain difference in differences, parallel paths assumed): for the few
    /// periods of a survey, where a line through one or two rounds says nothing. Without the line the pre-trend check is
    /// the gap's slope over the periods before (at least two), and <see cref="MinimumPreWeeks"/> may be one.
    /// </summary>
    public bool TrendLine { get; init; } = true;

    /// <summary>How many placebo sets the interval needs at <see cref="Level"/>: one beyond each end of it.</summary>
    public int PlaceboSetsNeeded => (int)Math.Ceiling(2 / (1 - Level)) - 1;
}

public enum EffectVerdict
{
    /// <summary>The interval lies wholly above or below zero and the groups moved in parallel before.</summary>
    Effect,

    /// <summary>The interval includes zero: no change the design can tell from the placebo agencies' chance movements.</summary>
    NoEffect,

    /// <summary>The data cannot answer: see <see cref="EffectEstimate.Reason"/>.</summary>
    CannotTell,
}

public enum CannotTellReason
{
    /// <summary>The treated agencies are fewer people than the minimum group size: nothing is shown.</summary>
    TreatedGroupTooSmall,

    /// <summary>No treated agency has figures for the weeks compared.</summary>
    NoData,

    /// <summary>Too few weeks with figures before or after the intervention.</summary>
    WindowTooShort,

    /// <summary>Too few untreated agencies to compare with, or to build the interval from.</summary>
    TooFewComparisonAgencies,

    /// <summary>The treated agencies' gap to their comparison changed course before the intervention, further than chance.</summary>
    PreTrendsDiffer,

    /// <summary>A process measure: no process was moved by the intervention (see <see cref="ProcessDifferenceInDifferences"/>).</summary>
    NoTreatedProcess,

    /// <summary>A process measure: the moved process's mean is zero before or after, so it has no log change.</summary>
    ZeroMeasure,

    /// <summary>A process measure: fewer than three unmoved processes measured before and after to compare with.</summary>
    TooFewComparisonProcesses,

    /// <summary>A process measure: every comparison process changed by exactly as much, so there is no variance for an interval.</summary>
    NoVariation,

    /// <summary>The units it was done to hold too small a share of their agencies' people for the agencies' figures to show it.</summary>
    DoseTooLow,
}

/// <summary>
/// One week of the event study: how far the treated agencies' gap to their comparison lies from the line it followed
/// before, with the interval from the placebo sets for that week.
/// </summary>
public sealed record EventStudyWeek(int Week, double Difference, double? Low, double? High);

/// <summary>
/// An estimate and everything needed to judge it. <see cref="Estimate"/> is in the outcome's own unit (share points,
/// messages per person per day…); null when the treated group is too small to show or has no data.
/// <see cref="Drift"/> is how much the treated agencies' gap to their comparison grew a week before the intervention
/// (zero when they moved in parallel); <see cref="PreTrend"/> how much that slope bent between the first and the second
/// half of the weeks before, which <see cref="PreTrendOk"/> judges against the placebo sets.
/// </summary>
public sealed record EffectEstimate(
    EffectVerdict Verdict,
    CannotTellReason? Reason,
    IReadOnlyList<int> Treated,
    IReadOnlyList<int> Comparison,
    int TreatedPeople,
    double? Estimate,
    double? Low,
    double? High,
    double? TreatedBefore,
    double? TreatedAfter,
    double? Drift,
    double? PreTrend,
    bool? PreTrendOk,
    int PlaceboSets,
    IReadOnlyList<EventStudyWeek> EventStudy)
{
    /// <summary>The estimate relative to the treated agencies' level before: +0.25 is a quarter more.</summary>
    public double? Relative => Estimate is { } e && TreatedBefore is { } before && before != 0 ? e / before : null;

    internal static EffectEstimate Nothing(CannotTellReason reason, IReadOnlyList<int> treated, int people) =>
        new(EffectVerdict.CannotTell, reason, treated, [], people, null, null, null, null, null, null, null, null, 0, []);
}

public static class DifferenceInDifferences
{
    /// <summary>
    /// Estimates the effect on <paramref name="treated"/> agencies of something done between the window's before and after
    /// weeks, against the other agencies of <paramref name="panel"/> (which must not have had the same or a similar
    /// intervention in the window: the caller leaves those out).
    /// </summary>
    public static EffectEstimate Estimate(IReadOnlyList<AgencyPanel> panel, IReadOnlySet<int> treated, EffectWindow window, EffectDesign design)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(design);
        if (panel.Count == 0)
        {
            // No agency has figures of this outcome at all (a report not imported): nothing to compare.
            return EffectEstimate.Nothing(CannotTellReason.NoData, [.. treated.Order()], 0);
        }
        var length = panel.Max(p => p.Weeks.Count);
        if (window.PreStart < 0 || window.PreEnd < window.PreStart || window.PostStart < window.PreEnd || window.PostEnd < window.PostStart
            || window.PostEnd > length)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must lie within the panel, before before after.");
        }

        var treatedPanels = panel.Where(p => treated.Contains(p.AgencyId)).OrderBy(p => p.AgencyId).ToList();
        var treatedIds = treatedPanels.Select(p => p.AgencyId).ToList();
        var treatedPeople = treatedPanels.Sum(p => p.People);
        if (treatedPanels.Count == 0)
        {
            return EffectEstimate.Nothing(CannotTellReason.NoData, treatedIds, treatedPeople);
        }
        if (treatedPeople < design.MinimumGroupSize)
        {
            return EffectEstimate.Nothing(CannotTellReason.TreatedGroupTooSmall, treatedIds, treatedPeople);
        }

        // The weeks compared are those with a figure for every treated agency; an agency without a figure in one of
        // them takes no part.
        var pre = Enumerable.Range(window.PreStart, window.PreWeeks).Where(w => treatedPanels.All(p => Has(p, w))).ToArray();
        var post = Enumerable.Range(window.PostStart, window.PostWeeks).Where(w => treatedPanels.All(p => Has(p, w))).ToArray();
        if (pre.Length == 0 && post.Length == 0)
        {
            return EffectEstimate.Nothing(CannotTellReason.NoData, treatedIds, treatedPeople);
        }
        if (pre.Length < Math.Max(design.TrendLine ? 4 : 1, design.MinimumPreWeeks) || post.Length < Math.Max(1, design.MinimumPostWeeks))
        {
            return EffectEstimate.Nothing(CannotTellReason.WindowTooShort, treatedIds, treatedPeople);
        }
        int[] weeks = [.. pre, .. post];
        var units = panel.Where(p => weeks.All(w => Has(p, w)))
            .OrderBy(p => p.AgencyId)
            .Select(p => new Unit(p.AgencyId, p.People, [.. weeks.Select(w => p.Weeks[w]!.Value)]))
            .ToList();
        var treatedUnits = units.Where(u => treated.Contains(u.AgencyId)).ToList();
        var pool = units.Where(u => !treated.Contains(u.AgencyId)).ToList();
        var layout = new Layout(pre.Length, post.Length, [.. weeks.Select(w => (double)w)]);
        Features.Standardise(units, pool, layout);
        Features.Rank(units, pool);

        if (pool.Count < Math.Max(design.MinimumComparisonAgencies, 1))
        {
            var alone = pool.Count == 0 ? null : Compute(treatedUnits, pool, [], layout, design);
            return Result(design, weeks, window, treatedUnits, pool, alone, placebos: null, CannotTellReason.TooFewComparisonAgencies);
        }

        var result = Compute(treatedUnits, pool, [], layout, design);
        var placebos = Placebos(treatedUnits.Count, pool, layout, design);
        var reason = placebos.Count < design.PlaceboSetsNeeded ? CannotTellReason.TooFewComparisonAgencies : (CannotTellReason?)null;
        return Result(design, weeks, window, treatedUnits, pool, result, reason is null ? placebos : null, reason);
    }

    private static bool Has(AgencyPanel panel, int week) => week < panel.Weeks.Count && panel.Weeks[week] is { } value && double.IsFinite(value);

    /// <summary>
    /// The estimator on one treated set against the pool less the pool agencies at <paramref name="left"/> (a placebo set
    /// is matched from the rest of the pool): the effect, the pre-trend and the gap week by week.
    /// </summary>
    private static Computed Compute(IReadOnlyList<Unit> treated, IReadOnlyList<Unit> pool, int[] left, Layout layout, EffectDesign design)
    {
        var neighbours = design.NeighboursPerTreated;
        var gap = new double[layout.Weeks];
        var comparison = new SortedSet<int>();
        foreach (var unit in treated)
        {
            var nearest = Nearest(unit, pool, left, neighbours);
            comparison.UnionWith(nearest.Select(n => n.AgencyId));
            for (var w = 0; w < layout.Weeks; w++)
            {
                var counterfactual = 0.0;
                foreach (var n in nearest)
                {
                    counterfactual += n.Values[w];
                }
                gap[w] += (unit.Values[w] - (counterfactual / nearest.Count)) / treated.Count;
            }
        }
        if (!design.TrendLine)
        {
            // Plain difference in differences: the gap's mean before is the baseline, and the pre-trend check is how far
            // the gap moved per period before (its least-squares slope; not checkable with a single period).
            var baseline = Mean(gap, 0, layout.Pre);
            var plain = new double[layout.Weeks];
            for (var w = 0; w < layout.Weeks; w++)
            {
                plain[w] = gap[w] - baseline;
            }
            var moved = layout.Pre >= 2 ? Fit.Line(layout.Times[..layout.Pre], gap[..layout.Pre]).B : double.NaN;
            return new Computed(Mean(plain, layout.Pre, layout.Post), moved, plain, null, [.. comparison]);
        }

        // The gap's own path before: a line through the weeks before, carried on through the weeks after. What the gap
        // does beyond that line after the intervention is the effect; how much its slope bends between the first and the
        // second half of the weeks before is the pre-trend check.
        var (intercept, slope) = Fit.Line(layout.Times[..layout.Pre], gap[..layout.Pre]);
        var eventStudy = new double[layout.Weeks];
        for (var w = 0; w < layout.Weeks; w++)
        {
            eventStudy[w] = gap[w] - (intercept + (slope * layout.Times[w]));
        }
        var half = layout.Pre / 2;
        var early = Fit.Line(layout.Times[..half], gap[..half]).B;
        var late = Fit.Line(layout.Times[(layout.Pre - half)..layout.Pre], gap[(layout.Pre - half)..layout.Pre]).B;
        var after = Mean(eventStudy, layout.Pre, layout.Post);
        var preTrend = late - early;
        return new Computed(after, preTrend, eventStudy, slope, [.. comparison]);
    }

    /// <summary>
    /// The <paramref name="count"/> pool agencies nearest to <paramref name="unit"/> before the intervention (see
    /// <see cref="Features"/>; ties to the lower agency id), leaving out the pool agencies at <paramref name="left"/>. The
    /// pool's order by nearness to each agency is ranked once per estimate (<see cref="Features.Rank"/>), so a placebo set
    /// takes the first of that order not in the set, as sorting the rest of the pool would give.
    /// </summary>
    private static List<Unit> Nearest(Unit unit, IReadOnlyList<Unit> pool, int[] left, int count)
    {
        var take = Math.Max(1, count);
        var nearest = new List<Unit>(take);
        foreach (var index in unit.Nearness)
        {
            if (Array.IndexOf(left, index) >= 0)
            {
                continue;
            }
            nearest.Add(pool[index]);
            if (nearest.Count == take)
            {
                break;
            }
        }
        return nearest;
    }

    /// <summary>
    /// The estimator applied to sets of pool agencies of the treated set's size, each matched from the rest of the pool:
    /// every possible set when there are at most <see cref="EffectDesign.PlaceboDraws"/>, otherwise that many drawn at random.
    /// The sets are drawn first, in order from the seed; each set's estimate depends on that set alone, so they are computed
    /// side by side and kept in the order drawn: the same sets and estimates as one after the other, on any number of cores.
    /// </summary>
    private static List<Computed> Placebos(int size, IReadOnlyList<Unit> pool, Layout layout, EffectDesign design)
    {
        if (pool.Count - size < 1)
        {
            return [];
        }
        var possible = SpecialFunctions.Binomial(pool.Count, size);
        var sets = (possible <= design.PlaceboDraws ? AllSets(pool.Count, size) : RandomSets(pool.Count, size, design.PlaceboDraws, design.Seed)).ToArray();
        var placebos = new Computed[sets.Length];
        Parallel.For(0, sets.Length, i => placebos[i] = Compute([.. sets[i].Select(s => pool[s])], pool, sets[i], layout, design));
        return [.. placebos];
    }

    private static IEnumerable<int[]> AllSets(int n, int k)
    {
        var set = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return [.. set];
            var i = k - 1;
            while (i >= 0 && set[i] == n - k + i)
            {
                i--;
            }
            if (i < 0)
            {
                yield break;
            }
            set[i]++;
            for (var j = i + 1; j < k; j++)
            {
                set[j] = set[j - 1] + 1;
            }
        }
    }

    private static IEnumerable<int[]> RandomSets(int n, int k, int draws, int seed)
    {
        var random = new Random(seed);
        var indexes = Enumerable.Range(0, n).ToArray();
        for (var d = 0; d < draws; d++)
        {
            // A partial Fisher–Yates shuffle: the first k are a uniform random k-subset.
            for (var i = 0; i < k; i++)
            {
                var j = random.Next(i, n);
                (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
            }
            yield return [.. indexes[..k].Order()];
        }
    }

    private static EffectEstimate Result(EffectDesign design, int[] weeks, EffectWindow window, List<Unit> treated, List<Unit> pool,
        Computed? result, List<Computed>? placebos, CannotTellReason? reason)
    {
        var layout = new Layout(weeks.Count(w => w < window.PreEnd), weeks.Count(w => w >= window.PostStart), [.. weeks.Select(w => (double)w)]);
        var treatedIds = treated.Select(u => u.AgencyId).ToList();
        var people = treated.Sum(u => u.People);
        double? before = treated.Average(u => Mean(u.Values, 0, layout.Pre));
        double? after = treated.Average(u => Mean(u.Values, layout.Pre, layout.Post));
        if (result is null)
        {
            return new EffectEstimate(EffectVerdict.CannotTell, reason, treatedIds, [], people, null, null, null, before, after, null, null, null, 0, []);
        }
        var rank = placebos is null ? 0 : RankOfBounds(placebos.Count, design.Level);
        (double Low, double High)? Bounds(Func<Computed, double> of)
        {
            if (rank < 1)
            {
                return null;
            }
            var sorted = placebos!.Select(of).Order().ToArray();
            return (sorted[rank - 1], sorted[^rank]);
        }

        var spread = Bounds(c => c.Effect);
        // A single period before has no slope: the pre-trend is not checked (null), and the page says so.
        var preSpread = double.IsNaN(result.PreTrend) ? null : Bounds(c => c.PreTrend);
        double? low = spread is { } s ? result.Effect - s.High : null;
        double? high = spread is { } t ? result.Effect - t.Low : null;
        bool? preTrendOk = preSpread is { } p ? result.PreTrend >= p.Low && result.PreTrend <= p.High : null;
        var eventStudy = new List<EventStudyWeek>(weeks.Length);
        for (var i = 0; i < weeks.Length; i++)
        {
            var week = i;
            var band = Bounds(c => c.EventStudy[week]);
            var difference = result.EventStudy[i];
            eventStudy.Add(new EventStudyWeek(weeks[i], difference, band is { } b ? difference - b.High : null, band is { } c ? difference - c.Low : null));
        }

        if (reason is null && preTrendOk == false)
        {
            reason = CannotTellReason.PreTrendsDiffer;
        }
        var verdict = reason is not null || low is null
            ? EffectVerdict.CannotTell
            : low > 0 || high < 0 ? EffectVerdict.Effect : EffectVerdict.NoEffect;
        return new EffectEstimate(verdict, verdict == EffectVerdict.CannotTell ? reason ?? CannotTellReason.TooFewComparisonAgencies : null,
            treatedIds, result.Comparison, people, result.Effect, low, high, before, after, result.Drift, double.IsNaN(result.PreTrend) ? null : result.PreTrend, preTrendOk,
            placebos?.Count ?? 0, eventStudy);
    }

    /// <summary>
    /// The rank k (from each end) of the placebo estimates that bounds the interval: the largest k with
    /// k / (sets + 1) ≤ (1 − level) / 2, so each end is missed with at most that chance when agencies are exchangeable.
    /// </summary>
    internal static int RankOfBounds(int sets, double level) => (int)Math.Floor((1 - level) / 2 * (sets + 1) + 1e-9);

    private static double Mean(double[] values, int from, int count)
    {
        var sum = 0.0;
        for (var i = from; i < from + count; i++)
        {
            sum += values[i];
        }
        return count == 0 ? 0 : sum / count;
    }

    private sealed record Layout(int Pre, int Post, double[] Times)
    {
        public int Weeks => Pre + Post;
    }

    private sealed record Computed(double Effect, double PreTrend, double[] EventStudy, double? Drift, int[] Comparison);

    private sealed class Unit(int agencyId, int people, double[] values)
    {
        public int AgencyId { get; } = agencyId;

        public int People { get; } = people;

        public double[] Values { get; } = values;

        /// <summary>The weeks before, scaled by the pool's spread of figures (see <see cref="Features"/>).</summary>
        public double[] Before { get; set; } = [];

        /// <summary>The logarithm of the head count, scaled by its spread over the pool.</summary>
        public double Size { get; set; }

        /// <summary>The pool's indexes, nearest to this agency first (see <see cref="Features.Rank"/>).</summary>
        public int[] Nearness { get; set; } = [];
    }

    /// <summary>
    /// Matching: two agencies are close when their figures followed the same path week by week before the intervention
    /// (the root mean square of the weekly differences: level, trend and bend at once, each week weighted by its place,
    /// 1 for the first and n for the last, since the weeks just before say most about the weeks just after), and, with a
    /// quarter of the weight, when they are of a size (the difference of the logarithms of their head counts). Each is
    /// scaled by its spread over the pool, so neither outweighs the other by its unit. Weighting the recent weeks was
    /// chosen on the demo's adoption curves: with equal weights, an agency that climbed steeply in the weeks before was
    /// matched with agencies whose early weeks fitted and whose late weeks did not, and the pre-trend check missed it.
    /// </summary>
    private static class Features
    {
        private const double SizeWeight = 0.25;

        public static double Distance(Unit a, Unit b)
        {
            var sum = 0.0;
            var weights = 0.0;
            for (var i = 0; i < a.Before.Length; i++)
            {
                var d = a.Before[i] - b.Before[i];
                sum += (i + 1) * d * d;
                weights += i + 1;
            }
            return Math.Sqrt(sum / weights) + (SizeWeight * Math.Abs(a.Size - b.Size));
        }

        /// <summary>
        /// Orders the pool by <see cref="Distance"/> from each agency, ties to the lower agency id: every match of the
        /// estimate and of its placebo sets is a prefix of one of these orders, less the placebo set.
        /// </summary>
        public static void Rank(List<Unit> units, List<Unit> pool)
        {
            foreach (var unit in units)
            {
                var distances = new double[pool.Count];
                var order = new int[pool.Count];
                for (var i = 0; i < pool.Count; i++)
                {
                    distances[i] = Distance(unit, pool[i]);
                    order[i] = i;
                }
                Array.Sort(order, (x, y) => distances[x].CompareTo(distances[y]) is var c && c != 0 ? c : pool[x].AgencyId.CompareTo(pool[y].AgencyId));
                unit.Nearness = order;
            }
        }

        public static void Standardise(List<Unit> units, List<Unit> pool, Layout layout)
        {
            var reference = pool.Count >= 2 ? pool : units;
            var figureScale = Scale(reference.SelectMany(u => u.Values[..layout.Pre]));
            var sizeScale = Scale(reference.Select(u => LogSize(u)));
            foreach (var unit in units)
            {
                unit.Before = [.. unit.Values[..layout.Pre].Select(v => v / figureScale)];
                unit.Size = LogSize(unit) / sizeScale;
            }
        }

        private static double LogSize(Unit unit) => Math.Log(Math.Max(1, unit.People));

        private static double Scale(IEnumerable<double> values)
        {
            var array = values.ToArray();
            var deviation = array.Length >= 2 ? Statistics.StandardDeviation(array) : 0;
            return deviation > 0 && double.IsFinite(deviation) ? deviation : 1;
        }
    }
}
