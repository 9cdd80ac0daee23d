using MathNet.Numerics.Distributions;
using Oppdrift.Effects;

namespace Oppdrift.Tests.Effects;

/// <summary>A process measure as an outcome: moved processes against unmoved ones, with a t interval from the comparison processes' changes.</summary>
public sealed class ProcessOutcomeTests(ITestOutputHelper output)
{
    private static readonly DateOnly Day = new(2026, 6, 1);

    private static readonly ProcessWindow Window = new(Day, 365, 365);

    private static ProcessPanel Process(int id, double[] before, double[] after) => new(id,
    [
        .. before.Select((v, i) => new ProcessPoint(Day.AddDays(-200 + (100 * i)), v, After: false)),
        .. after.Select((v, i) => new ProcessPoint(Day.AddDays(60 + (100 * i)), v, After: true)),
    ]);

    [Fact]
    public void The_estimate_of_a_worked_example_is_the_moved_process_log_change_less_the_comparison_mean_with_a_t_interval()
    {
        // The moved process took 40 and 50 minutes a case before (mean 45) and 30 after: ln(30/45) = −0.405465. The three
        // comparison processes went 20 → 22, 10 → 9 and 60 → 60: ln 1.1 = 0.095310, ln 0.9 = −0.105361 and 0, mean
        // −0.003350. The difference is −0.402115, exp(−0.402115) − 1 = −33.11 %. Their standard deviation is 0.100377;
        // with one moved process and three compared, the standard error is 0.100377 × √(1 + 1/3) = 0.115906, and t(2) at
        // 97.5 % is 4.302653: ±0.498702, so −0.900817 to 0.096587 in logs, −59.38 % to +10.14 %: no effect the data can
        // tell from how much unmoved processes changed.
        var estimate = ProcessDifferenceInDifferences.Estimate(
            [Process(1, [40, 50], [30])],
            [Process(2, [20], [22]), Process(3, [10], [9]), Process(4, [60], [60])],
            Window);

        Assert.Equal(-0.4021149961569973, estimate.LogEstimate!.Value, 9);
        Assert.Equal(-0.3310961801013429, estimate.Estimate!.Value, 9);
        Assert.Equal(-0.5937623706944516, estimate.Low!.Value, 6);
        Assert.Equal(0.10140540412242927, estimate.High!.Value, 6);
        Assert.Equal(EffectVerdict.NoEffect, estimate.Verdict);
        Assert.Null(estimate.Reason);
        Assert.Equal(45, estimate.TreatedBefore!.Value, 9);
        Assert.Equal(30, estimate.TreatedAfter!.Value, 9);
        Assert.Equal([1], estimate.Treated);
        Assert.Equal([2, 3, 4], estimate.Comparison);
        // One measure before each comparison process: the pre-trend cannot be checked, and says so (null).
        Assert.Null(estimate.PreTrendOk);
        Assert.Equal([("treated", 1, 2, 1), ("comparison", 3, 3, 3)], estimate.Groups.Select(g => (g.Group, g.Processes, g.MeasuresBefore, g.MeasuresAfter)));
        Assert.Equal(-1 / 3.0, estimate.Groups[0].MeanChange!.Value, 9);
    }

    [Fact]
    public void Measures_outside_the_window_do_not_count_and_a_moved_process_not_measured_on_both_sides_cannot_tell()
    {
        var late = new ProcessPanel(1, [new(Day.AddDays(-400), 40, false), new(Day.AddDays(30), 30, true)]);
        var comparison = new[] { Process(2, [20], [22]), Process(3, [10], [9]), Process(4, [60], [60]) };

        var estimate = ProcessDifferenceInDifferences.Estimate([late], comparison, Window);

        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.WindowTooShort, estimate.Reason);
        Assert.Null(estimate.Estimate);
        Assert.Equal(CannotTellReason.NoTreatedProcess, ProcessDifferenceInDifferences.Estimate([], comparison, Window).Reason);
        Assert.Equal(CannotTellReason.ZeroMeasure, ProcessDifferenceInDifferences.Estimate([Process(1, [3], [0])], comparison, Window).Reason);
    }

    [Fact]
    public void Fewer_than_three_comparison_processes_cannot_tell_and_show_no_interval()
    {
        var estimate = ProcessDifferenceInDifferences.Estimate([Process(1, [40, 50], [30])], [Process(2, [20], [22]), Process(3, [10], [9])], Window);

        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.TooFewComparisonProcesses, estimate.Reason);
        Assert.Null(estimate.Low);
        Assert.Null(estimate.High);
        // The point estimate is still the worked one's kind: ln(2/3) less the mean of ln 1.1 and ln 0.9.
        Assert.Equal(Math.Log(2 / 3.0) - ((Math.Log(1.1) + Math.Log(0.9)) / 2), estimate.LogEstimate!.Value, 9);
        // Comparison processes that all changed by exactly as much give no variance: no interval of no width.
        var same = ProcessDifferenceInDifferences.Estimate([Process(1, [40], [30])], [Process(2, [20], [20]), Process(3, [10], [10]), Process(4, [7], [7])], Window);
        Assert.Equal((EffectVerdict.CannotTell, CannotTellReason.NoVariation), (same.Verdict, same.Reason));
        Assert.Null(same.Low);
        Assert.Equal(-0.25, same.Estimate!.Value, 9);
        // A comparison process measured only before the day is no comparison.
        var onlyBefore = new ProcessPanel(5, [new(Day.AddDays(-30), 12, false), new(Day.AddDays(-10), 12, false)]);
        Assert.Equal(CannotTellReason.TooFewComparisonProcesses,
            ProcessDifferenceInDifferences.Estimate([Process(1, [40], [30])], [Process(2, [20], [22]), Process(3, [10], [9]), onlyBefore], Window).Reason);
    }

    [Fact]
    public void A_moved_process_already_falling_faster_before_the_move_cannot_tell_when_the_comparison_was_measured_twice_before()
    {
        // Five comparison processes steady before (slopes near zero); the moved process fell by half in the months before.
        var comparison = Enumerable.Range(2, 5).Select(i => Process(i, [20 + i, 20 + i + ((i % 2 == 0) ? 0.4 : -0.4)], [20 + i])).ToArray();
        var estimate = ProcessDifferenceInDifferences.Estimate([Process(1, [60, 30], [20])], comparison, Window);

        Assert.False(estimate.PreTrendOk);
        Assert.Equal(EffectVerdict.CannotTell, estimate.Verdict);
        Assert.Equal(CannotTellReason.PreTrendsDiffer, estimate.Reason);
        Assert.NotNull(estimate.PreTrend);
    }

    /// <summary>
    /// One moved process and six unmoved ones, each of its own size (lognormal around 40 minutes), measured twice before
    /// and twice after the day: every process drifts by a change of its own (σ 0.10 in logs) on a common trend of −5 %, and
    /// each measure has its own noise (σ 0.15, a sample of cases timed).
    /// </summary>
    private static (ProcessPanel Treated, ProcessPanel[] Comparison) Draw(Random random, double planted)
    {
        ProcessPanel Simulated(int id, double effect)
        {
            var level = Math.Log(40) + Normal.Sample(random, 0, 0.5);
            var own = Normal.Sample(random, 0, 0.10);
            double Measure(double shift) => Math.Exp(level + shift + Normal.Sample(random, 0, 0.15));
            return Process(id, [Measure(0), Measure(0)], [Measure(Math.Log(0.95) + own + effect), Measure(Math.Log(0.95) + own + effect)]);
        }
        return (Simulated(1, Math.Log(1 + planted)), [.. Enumerable.Range(2, 6).Select(i => Simulated(i, 0))]);
    }

    [Fact]
    public void A_planted_cut_of_thirty_percent_in_minutes_per_case_lies_within_its_interval_in_at_least_nine_draws_of_ten()
    {
        var random = new Random(20_261_206);
        const int draws = 400;
        var covered = 0;
        var found = 0;
        for (var d = 0; d < draws; d++)
        {
            var (treated, comparison) = Draw(random, -0.30);
            var estimate = ProcessDifferenceInDifferences.Estimate([treated], comparison, Window);
            Assert.NotNull(estimate.Low);
            covered += estimate.Low <= -0.30 && estimate.High >= -0.30 ? 1 : 0;
            found += estimate.Verdict == EffectVerdict.Effect ? 1 : 0;
        }
        output.WriteLine($"The planted −30 % lay within its interval in {covered} of {draws} draws; found as an effect in {found}.");
        Assert.True(covered >= 0.90 * draws, $"The planted −30 % lay within its interval in {covered} of {draws} draws.");
        Assert.True(found > 0, "A cut of 30 % is found as an effect in some draws.");
    }

    [Fact]
    public void An_unmoved_process_taken_as_moved_is_called_an_effect_in_at_most_five_percent_of_draws()
    {
        var random = new Random(20_261_207);
        const int draws = 1000;
        var effects = 0;
        for (var d = 0; d < draws; d++)
        {
            var (placebo, comparison) = Draw(random, 0);
            effects += ProcessDifferenceInDifferences.Estimate([placebo], comparison, Window).Verdict == EffectVerdict.Effect ? 1 : 0;
        }
        output.WriteLine($"Placebo moves were called effects in {effects} of {draws} draws.");
        Assert.True(effects <= 0.05 * draws, $"Placebo moves were called effects in {effects} of {draws} draws.");
    }
}
