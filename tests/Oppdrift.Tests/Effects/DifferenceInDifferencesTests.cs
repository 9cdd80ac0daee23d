using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearRegression;
using Oppdrift.Demo;
using Oppdrift.Effects;

namespace Oppdrift.Tests.Effects;

public sealed class DifferenceInDifferencesTests
{
    private static AgencyPanel Agency(int id, params double[] weeks) => new(id, 100, [.. weeks.Select(w => (double?)w)]);

    /// <summary>Two treated and three comparison agencies, four weeks before and two after, worked by hand.</summary>
    private static readonly AgencyPanel[] Worked =
    [
        Agency(1, 1, 2, 3, 4, 8, 9),
        Agency(2, 3, 3, 3, 3, 5, 5),
        Agency(3, 0, 0, 0, 0, 0, 0),
        Agency(4, 1, 1, 1, 1, 1, 1),
        Agency(5, 2, 2, 2, 2, 2, 2),
    ];

    private static readonly EffectDesign Small = new() { NeighboursPerTreated = 3, MinimumComparisonAgencies = 1, MinimumPostWeeks = 1 };

    [Fact]
    public void The_estimate_of_a_worked_example_is_how_far_the_gap_leaves_the_line_it_followed_before()
    {
        // The comparison's mean is 1 every week. Agency 1's gap: 0, 1, 2, 3, then 7, 8; agency 2's: 2, 2, 2, 2, then 4, 4.
        // The treated gap (their mean): 1, 1.5, 2, 2.5, then 5.5, 6. The line through the weeks before: 1 + 0.5·week,
        // carried on to 3 and 3.5 in weeks 4 and 5; the gap lies 2.5 above it in both. (Agency 1 was already rising one a
        // week: the plain difference of the changes in means, 4, would credit the intervention with that rise.)
        var estimate = DifferenceInDifferences.Estimate(Worked, new HashSet<int> { 1, 2 }, new EffectWindow(0, 4, 4, 6), Small);

        Assert.Equal(2.5, estimate.Estimate!.Value, 9);
        Assert.Equal(0.5, estimate.Drift!.Value, 9);
        Assert.Equal(2.75, estimate.TreatedBefore!.Value, 9);
        Assert.Equal(6.75, estimate.TreatedAfter!.Value, 9);
        Assert.Equal([3, 4, 5], estimate.Comparison);
        // The slope of the first half (0.5) and of the second (0.5): no bend.
        Assert.Equal(0, estimate.PreTrend!.Value, 9);
        Assert.Equal([0, 0, 0, 0, 2.5, 2.5], estimate.EventStudy.Select(w => Math.Round(w.Difference, 9)));
        // Three comparison agencies give three placebo pairs: far too few for an interval, and it says so.
        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.TooFewComparisonAgencies, estimate.Reason);
        Assert.Null(estimate.Low);
    }

    [Fact]
    public void The_estimate_equals_the_mean_of_the_after_weeks_coefficients_of_the_event_study_regression()
    {
        // The regression form: the treated gap on a constant, the week and one indicator for each week after, by least
        // squares (Math.NET's QR solver). The weeks before fix the line; each week after gets its own coefficient.
        var gap = new double[6];
        for (var week = 0; week < 6; week++)
        {
            var treated = Worked.Where(a => a.AgencyId <= 2).Average(a => a.Weeks[week]!.Value);
            var comparison = Worked.Where(a => a.AgencyId > 2).Average(a => a.Weeks[week]!.Value);
            gap[week] = treated - comparison;
        }
        var rows = Enumerable.Range(0, 6).Select(w => new double[] { 1, w, w == 4 ? 1 : 0, w == 5 ? 1 : 0 }).ToArray();
        var coefficients = MultipleRegression.QR(rows, gap);

        var estimate = DifferenceInDifferences.Estimate(Worked, new HashSet<int> { 1, 2 }, new EffectWindow(0, 4, 4, 6), Small);

        Assert.Equal((coefficients[2] + coefficients[3]) / 2, estimate.Estimate!.Value, 9);
    }

    [Theory]
    [InlineData(39, 0.95, 1)]
    [InlineData(38, 0.95, 0)]
    [InlineData(999, 0.95, 25)]
    [InlineData(99, 0.90, 5)]
    public void The_interval_takes_the_rank_that_keeps_each_tail_within_its_share(int sets, double level, int rank) =>
        Assert.Equal(rank, DifferenceInDifferences.RankOfBounds(sets, level));

    [Fact]
    public void A_treated_group_below_the_minimum_group_size_shows_no_estimate()
    {
        AgencyPanel[] panel = [new(1, 4, [1, 1, 1, 1, 9, 9]), .. Enumerable.Range(2, 30).Select(i => Agency(i, 1, 1, 1, 1, 1, 1))];

        var estimate = DifferenceInDifferences.Estimate(panel, new HashSet<int> { 1 }, new EffectWindow(0, 4, 4, 6), new EffectDesign { MinimumPostWeeks = 1 });

        Assert.Equal(CannotTellReason.TreatedGroupTooSmall, estimate.Reason);
        Assert.Null(estimate.Estimate);
        Assert.Null(estimate.TreatedBefore);
        Assert.Empty(estimate.EventStudy);
    }

    [Fact]
    public void Too_few_weeks_with_figures_cannot_tell()
    {
        var panel = Enumerable.Range(1, 40).Select(i => new AgencyPanel(i, 100, [null, null, 1, 1, 2, 2])).ToList();

        var estimate = DifferenceInDifferences.Estimate(panel, new HashSet<int> { 1 }, new EffectWindow(0, 4, 4, 6), new EffectDesign());

        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.WindowTooShort, estimate.Reason);
    }

    /// <summary>
    /// Each of the demo's four training jumps, under three draws of noise: the planted size lies within the interval
    /// every time, and the verdict is "effect" in all but at most one of the twelve (the demo's Bydel Øst trained at the
    /// steepest point of its own adoption curve, which its comparison agencies follow least well).
    /// </summary>
    [Fact]
    public void The_demos_planted_training_jumps_are_found_and_their_size_lies_within_the_interval()
    {
        var verdicts = new List<string>();
        foreach (var seed in new[] { 7, 8, 9 })
        {
            var panel = DemoPanels.TeamsAdoption(seed);
            foreach (var training in DemoUsage.TrainingJumps)
            {
                var window = DemoPanels.WindowAround(training.Date);
                var treated = DemoPanels.IdOf(training.AgencyCode);

                var estimate = DifferenceInDifferences.Estimate(DemoPanels.WithoutOtherTraining(panel, training.AgencyCode), new HashSet<int> { treated }, window,
                    new EffectDesign());

                var planted = DemoPanels.PlantedEffect(training.AgencyCode, window);
                Assert.InRange(planted, 0.2, 0.31);
                Assert.True(estimate.Low <= planted && planted <= estimate.High, $"{training.AgencyCode}, seed {seed}: planted {planted:F3}, {estimate}");
                Assert.True(estimate.PreTrendOk);
                Assert.Equal(5, estimate.Comparison.Count);
                Assert.All(estimate.EventStudy.Where(w => w.Week < window.PreEnd), w => Assert.InRange(w.Difference, -0.1, 0.1));
                Assert.True(estimate.EventStudy.Where(w => w.Week >= window.PostStart).Average(w => w.Difference) > 0.1);
                verdicts.Add($"{training.AgencyCode}/{seed}: {estimate.Verdict} [{estimate.Low:F3}, {estimate.High:F3}]");
            }
        }
        Assert.True(verdicts.Count(v => !v.Contains(": Effect ", StringComparison.Ordinal)) <= 1, string.Join('\n', verdicts));
    }

    [Fact]
    public void A_placebo_intervention_on_random_agencies_at_a_random_date_finds_no_effect_in_at_least_95_percent_of_draws()
    {
        var panel = DemoPanels.TeamsAdoption(seed: 11);
        var random = new Random(2026);
        var trainedIds = DemoUsage.TrainingJumps.Select(t => DemoPanels.IdOf(t.AgencyCode)).ToHashSet();
        var untrained = panel.Select(p => p.AgencyId).Where(id => !trainedIds.Contains(id)).ToArray();
        const int Draws = 200;
        var effects = 0;
        for (var draw = 0; draw < Draws; draw++)
        {
            var size = random.Next(1, 4);
            var treated = untrained.OrderBy(_ => random.Next()).Take(size).ToHashSet();
            var week = random.Next(DemoPanels.PreWeeks, DemoPanels.Weeks - DemoPanels.PostWeeks - 1);
            var window = DemoPanels.WindowAt(week);
            // As in use: agencies trained inside the window are not comparison agencies.
            var usable = panel.Where(p => !trainedIds.Contains(p.AgencyId)).ToList();
            var estimate = DifferenceInDifferences.Estimate(usable, treated, window, new EffectDesign { PlaceboDraws = 200 });
            if (estimate.Verdict == EffectVerdict.Effect)
            {
                effects++;
            }
        }
        Assert.True(effects <= Draws * 5 / 100, $"{effects} of {Draws} placebo interventions were called an effect");
    }

    [Fact]
    public void Pre_trends_made_to_differ_cannot_tell()
    {
        var training = DemoUsage.TrainingJumps.Single(t => t.AgencyCode == "BOS");
        var window = DemoPanels.WindowAround(training.Date);
        var treated = DemoPanels.IdOf("BOS");
        // BOS moved with its comparison for six weeks and then, six weeks before the training, started climbing eight
        // points a week faster than anyone else: a reorganisation, say, and not the training.
        var panel = DemoPanels.WithoutOtherTraining(DemoPanels.TeamsAdoption(seed: 7), "BOS")
            .Select(p => p.AgencyId != treated ? p : p with
            {
                Weeks = [.. p.Weeks.Select((v, w) => w >= window.PreStart && w < window.PreEnd ? v - (0.08 * Math.Min(6, window.PreEnd - w)) : v)],
            })
            .ToList();

        var estimate = DifferenceInDifferences.Estimate(panel, new HashSet<int> { treated }, window, new EffectDesign());

        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.PreTrendsDiffer, estimate.Reason);
        Assert.False(estimate.PreTrendOk);
        Assert.NotNull(estimate.Estimate);
    }

    [Fact]
    public void The_same_figures_always_give_the_same_interval()
    {
        var panel = DemoPanels.TeamsAdoption(seed: 3);
        var window = DemoPanels.WindowAt(30);
        HashSet<int> treated = [DemoPanels.IdOf("BNO"), DemoPanels.IdOf("BSO")];

        var first = DifferenceInDifferences.Estimate(panel, treated, window, new EffectDesign { PlaceboDraws = 300 });
        var second = DifferenceInDifferences.Estimate(panel, treated, window, new EffectDesign { PlaceboDraws = 300 });

        Assert.Equal(300, first.PlaceboSets);
        Assert.Equal((first.Estimate, first.Low, first.High), (second.Estimate, second.Low, second.High));
    }
}

/// <summary>
/// Weekly Teams adoption of the demo municipality's agencies, from the demo's own adoption curves
/// (<see cref="DemoUsage.ProfileOf"/>: a logistic curve per agency and the planted training jumps), observed as a
/// binomial draw over the agency's head count plus week-to-week noise, so the planted effects are known exactly.
/// </summary>
internal static class DemoPanels
{
    public static readonly DateOnly FirstMonday = new(2025, 11, 3);

    public const int Weeks = 56;

    public const int PreWeeks = 12;

    public const int PostWeeks = 8;

    public static int IdOf(string code) => DemoCatalogue.Agencies.Select((a, i) => (a, i)).Single(x => x.a.Code == code).i + 1;

    /// <summary>The head count of each agency in the generated demo municipality.</summary>
    private static readonly Lazy<Dictionary<string, int>> Sizes = new(() =>
        DemoMunicipality.Generate().People.Where(p => p.Agency is not null).GroupBy(p => p.Agency!.Code).ToDictionary(g => g.Key, g => g.Count()));

    public static List<AgencyPanel> TeamsAdoption(int seed)
    {
        var random = new Random(seed);
        var panels = new List<AgencyPanel>();
        foreach (var agency in DemoCatalogue.Agencies)
        {
            var profile = DemoUsage.ProfileOf(agency);
            var size = Sizes.Value[agency.Code];
            if (size < 5)
            {
                continue; // as EffectPanels leaves out agencies under the minimum group size
            }
            var weeks = new double?[Weeks];
            for (var w = 0; w < Weeks; w++)
            {
                var share = WeekMean(profile, w);
                weeks[w] = (Binomial.Sample(random, share, size) / (double)size) + Normal.Sample(random, 0, 0.01);
            }
            panels.Add(new AgencyPanel(IdOf(agency.Code), size, weeks));
        }
        return panels;
    }

    public static List<AgencyPanel> WithoutOtherTraining(List<AgencyPanel> panel, string code)
    {
        var others = DemoUsage.TrainingJumps.Where(t => t.AgencyCode != code).Select(t => IdOf(t.AgencyCode)).ToHashSet();
        return [.. panel.Where(p => !others.Contains(p.AgencyId))];
    }

    public static int WeekOf(DateOnly date) => (date.DayNumber - FirstMonday.DayNumber) / 7;

    /// <summary>Twelve weeks before the week it happened in, and eight after it.</summary>
    public static EffectWindow WindowAt(int week) => new(week - PreWeeks, week, week + 1, week + 1 + PostWeeks);

    public static EffectWindow WindowAround(DateOnly date) => WindowAt(WeekOf(date));

    /// <summary>The true effect of the agency's training over the window: its curve with the jump less its curve without.</summary>
    public static double PlantedEffect(string code, EffectWindow window)
    {
        var profile = DemoUsage.ProfileOf(DemoCatalogue.Agencies.Single(a => a.Code == code));
        var without = profile with { Training = null };
        double Gap(int w) => WeekMean(profile, w) - WeekMean(without, w);
        var after = Enumerable.Range(window.PostStart, window.PostWeeks).Average(Gap);
        var before = Enumerable.Range(window.PreStart, window.PreWeeks).Average(Gap);
        return after - before;
    }

    private static double WeekMean(DemoAdoptionProfile profile, int week) =>
        Enumerable.Range(0, 5).Average(d => profile.ShareOn(FirstMonday.AddDays((7 * week) + d).DayNumber));
}
