using Oppdrift.Benefits;

namespace Oppdrift.Tests.Benefits;

public sealed class BenefitProgressTests
{
    private static readonly DateOnly Baseline = new(2026, 1, 1);

    // Baseline 40 % on 1 Jan 2026, 50 % on 1 Jan 2027 (365 days later), 60 % on 1 Jan 2028.
    private static IndicatorPlan Rising => new(40, Baseline, HigherIsBetter: true, [(new DateOnly(2027, 1, 1), 50), (new DateOnly(2028, 1, 1), 60)]);

    [Fact]
    public void The_path_runs_straight_from_the_baseline_through_each_target_and_stays_at_the_last()
    {
        var plan = Rising;

        Assert.Equal(40, plan.Expected(new DateOnly(2025, 6, 1)));
        Assert.Equal(40, plan.Expected(Baseline));
        // 2 Jul 2026 is day 182 of 365: 40 + 10 × 182/365 = 44.986…
        Assert.Equal(40 + (10.0 * 182 / 365), plan.Expected(new DateOnly(2026, 7, 2))!.Value, 9);
        Assert.Equal(50, plan.Expected(new DateOnly(2027, 1, 1)));
        // Half-way through 2027 (day 181 of 365) on the second leg, from 50 to 60.
        Assert.Equal(50 + (10.0 * 181 / 365), plan.Expected(new DateOnly(2027, 7, 1))!.Value, 9);
        Assert.Equal(60, plan.Expected(new DateOnly(2029, 1, 1)));
    }

    [Theory]
    // On 1 Jan 2027 the path expects 50; the planned change (baseline to final target) is 20, so 10 % is 2 and 25 % is 5.
    [InlineData(52, BenefitStatus.OnTrack)]   // better than the path
    [InlineData(50, BenefitStatus.OnTrack)]   // on the path
    [InlineData(48, BenefitStatus.OnTrack)]   // short by 2 = 10 %
    [InlineData(47.9, BenefitStatus.AtRisk)]  // short by 2.1
    [InlineData(45, BenefitStatus.AtRisk)]    // short by 5 = 25 %
    [InlineData(44.9, BenefitStatus.OffTrack)]
    [InlineData(38, BenefitStatus.OffTrack)]  // worse than the baseline
    public void A_measurement_is_judged_by_its_shortfall_against_the_path_as_a_share_of_the_planned_change(double value, BenefitStatus expected)
    {
        Assert.Equal(expected, Rising.Status(new DateOnly(2027, 1, 1), value));
    }

    [Theory]
    // Lower is better: 40 pages per person, target 20 a year later; half-way the path expects 30, the planned change is 20.
    [InlineData(30, BenefitStatus.OnTrack)]
    [InlineData(32, BenefitStatus.OnTrack)]
    [InlineData(35, BenefitStatus.AtRisk)]
    [InlineData(36, BenefitStatus.OffTrack)]
    [InlineData(25, BenefitStatus.OnTrack)]
    public void When_lower_is_better_a_value_above_the_path_is_the_shortfall(double value, BenefitStatus expected)
    {
        var plan = new IndicatorPlan(40, Baseline, HigherIsBetter: false, [(Baseline.AddDays(200), 20)]);
        Assert.Equal(expected, plan.Status(Baseline.AddDays(100), value));
    }

    [Fact]
    public void Without_targets_nothing_can_be_judged()
    {
        var plan = new IndicatorPlan(40, Baseline, true, []);
        Assert.Null(plan.Expected(Baseline.AddDays(10)));
        Assert.Equal(BenefitStatus.Unknown, plan.Status(Baseline.AddDays(10), 99));
    }

    [Fact]
    public void A_benefit_or_goal_shows_its_worst_known_status()
    {
        Assert.Equal(BenefitStatus.AtRisk, IndicatorPlan.Worst([BenefitStatus.OnTrack, BenefitStatus.Unknown, BenefitStatus.AtRisk]));
        Assert.Equal(BenefitStatus.Unknown, IndicatorPlan.Worst([]));
    }

    [Fact]
    public void A_priced_indicator_is_worth_its_improvement_times_hours_per_unit_times_employees_times_the_hourly_cost()
    {
        // 0.5 hours per employee and year for each percentage point, 1,000 employees, 550 kr an hour.
        // At the end of 2026 the path expects 40 + 10 × 364/365 = 49.9726 % (improvement 9.9726 points);
        // the latest measurement is 46 % (improvement 6 points).
        var value = PricedValue.For(Rising, hoursPerUnit: 0.5, employees: 1000, hourlyCost: 550, new DateOnly(2026, 12, 31), latest: 46);

        Assert.Equal(10.0 * 364 / 365 * 0.5 * 1000, value.PlannedHours, 6);
        Assert.Equal(3000, value.RealisedHours, 6);
        Assert.Equal(3000 * 550, value.Realised, 6);
        Assert.Equal(10.0 * 364 / 365 * 500 * 550, value.Planned, 6);
    }

    [Fact]
    public void Nothing_is_realised_before_the_first_measurement_and_a_fall_below_the_baseline_counts_against()
    {
        var none = PricedValue.For(Rising, 1, 100, 500, new DateOnly(2026, 12, 31), latest: null);
        var worse = PricedValue.For(Rising, 1, 100, 500, new DateOnly(2026, 12, 31), latest: 38);

        Assert.Equal(0, none.Realised);
        Assert.Equal(-2 * 100 * 500, worse.Realised);
    }

    [Fact]
    public void Priced_values_add_up_hours_and_kroner()
    {
        var total = new PricedValue(10, 4, 500) + new PricedValue(20, 6, 500);
        Assert.Equal((30, 10, 15000.0, 5000.0), (total.PlannedHours, total.RealisedHours, total.Planned, total.Realised));
    }

    [Fact]
    public void Scheduled_measurement_dates_step_from_the_baseline_up_to_the_last_day_with_data()
    {
        Assert.Equal([Baseline, new(2026, 2, 1), new(2026, 3, 1), new(2026, 4, 1)],
            BenefitsMeasurer.Dates(MeasurementSchedule.Monthly, Baseline, new DateOnly(2026, 4, 20)));
        Assert.Equal([Baseline, new(2026, 1, 8), new(2026, 1, 15)], BenefitsMeasurer.Dates(MeasurementSchedule.Weekly, Baseline, new DateOnly(2026, 1, 20)));
        Assert.Equal([Baseline], BenefitsMeasurer.Dates(MeasurementSchedule.Quarterly, Baseline, new DateOnly(2026, 3, 31)));
    }
}
