using Oppdrift.Benefits;
using Oppdrift.Processes;

namespace Oppdrift.Tests.Processes;

/// <summary>The gain rules by worked examples: hours, kroner, prints, e-mails, CO2e, lead time, confidence and totals.</summary>
public sealed class ProcessGainTests
{
    private static readonly GainFactors Factors = new(550, new ClimateRange(0.0035, 0.005, 0.006), new ClimateRange(0.0003, 0.004, 0.010));

    private static MeasureSet Set(double? minutes, int? sample = null, double? prints = null, double? emails = null, double? errors = null, double? lead = null) =>
        new(minutes is { } m ? new MeasureValue(m, sample) : null, prints is { } p ? new MeasureValue(p, null) : null,
            emails is { } e ? new MeasureValue(e, null) : null, errors is { } r ? new MeasureValue(r, null) : null, lead is { } l ? new MeasureValue(l, null) : null);

    [Fact]
    public void Twelve_hundred_cases_fifteen_minutes_faster_save_three_hundred_hours_worth_the_hourly_cost()
    {
        var gain = ProcessGain.Compute(1200, Set(45, 20, prints: 6, emails: 8, errors: 12, lead: 14), Set(30, 25, prints: 1, emails: 2, errors: 4, lead: 6), Factors);

        Assert.Equal(300, gain.HoursSavedPerYear!.Value, 9);           // 1200 × 15 / 60
        Assert.Equal(165_000, gain.ValueNokPerYear!.Value, 6);          // 300 × 550
        Assert.Equal(6000, gain.PrintsAvoidedPerYear!.Value, 9);        // 1200 × 5
        Assert.Equal(7200, gain.EmailsAvoidedPerYear!.Value, 9);        // 1200 × 6
        Assert.Equal(96, gain.ErrorsAvoidedPerYear!.Value, 9);          // 1200 × 8 / 100
        Assert.Equal(-8, gain.LeadTimeChangeDays!.Value, 9);            // 6 − 14: eight days faster
        // 6000 pages × 5 g + 7200 e-mails × 4 g = 30 + 28.8 kg (central); low 21 + 2.16, high 36 + 72.
        Assert.Equal(58.8, gain.Co2eKgPerYear!.Value.Central, 9);
        Assert.Equal(23.16, gain.Co2eKgPerYear!.Value.Low, 9);
        Assert.Equal(108, gain.Co2eKgPerYear!.Value.High, 9);
        Assert.Equal(GainConfidence.Medium, gain.Confidence);
    }

    [Fact]
    public void The_hourly_cost_and_the_climate_factors_come_from_the_arguments()
    {
        var before = Set(60, 40, prints: 10);
        var after = Set(0, 40, prints: 0);

        var cheap = ProcessGain.Compute(100, before, after, Factors with { HourlyCost = 100, PrintedPage = new ClimateRange(1, 2, 3) });

        Assert.Equal(100, cheap.HoursSavedPerYear!.Value, 9);
        Assert.Equal(10_000, cheap.ValueNokPerYear!.Value, 9);
        Assert.Equal(new ClimateRange(1000, 2000, 3000), cheap.Co2eKgPerYear);
        Assert.Equal(GainConfidence.High, cheap.Confidence);
    }

    [Fact]
    public void A_measure_missing_on_either_side_leaves_its_figures_unknown_not_zero()
    {
        var gain = ProcessGain.Compute(500, Set(20, 10, prints: 3), Set(null, prints: null, emails: 1), Factors);

        Assert.Null(gain.HoursSavedPerYear);
        Assert.Null(gain.ValueNokPerYear);
        Assert.Null(gain.PrintsAvoidedPerYear);
        Assert.Null(gain.EmailsAvoidedPerYear);
        Assert.Null(gain.Co2eKgPerYear);
        Assert.Null(gain.LeadTimeChangeDays);
        Assert.Equal(GainConfidence.None, gain.Confidence);
        Assert.Equal(ProcessGainFigures.None, ProcessGain.Compute(500, MeasureSet.Empty, MeasureSet.Empty, Factors));
    }

    [Fact]
    public void A_process_that_got_slower_shows_a_loss()
    {
        var gain = ProcessGain.Compute(600, Set(10, 50), Set(12, 50), Factors);

        Assert.Equal(-20, gain.HoursSavedPerYear!.Value, 9);
        Assert.Equal(-11_000, gain.ValueNokPerYear!.Value, 9);
    }

    [Theory]
    [InlineData(null, null, false, GainConfidence.None)]
    [InlineData(30, 30, false, GainConfidence.None)] // no measure after yet
    [InlineData(null, 100, true, GainConfidence.Low)] // an estimate before
    [InlineData(100, null, true, GainConfidence.Low)] // an estimate after
    [InlineData(9, 100, true, GainConfidence.Low)]
    [InlineData(10, 100, true, GainConfidence.Medium)]
    [InlineData(100, 29, true, GainConfidence.Medium)]
    [InlineData(30, 30, true, GainConfidence.High)]
    [InlineData(1, 1, true, GainConfidence.Low)]
    public void Confidence_follows_the_smaller_number_of_timed_cases(int? before, int? after, bool measuredAfter, GainConfidence expected)
    {
        var b = new MeasureValue(40, before);
        MeasureValue? a = measuredAfter ? new MeasureValue(30, after) : null;

        Assert.Equal(expected, ProcessGain.Confidence(b, a));
    }

    [Fact]
    public void Totals_add_what_is_known_and_count_the_processes_with_a_gain()
    {
        var one = ProcessGain.Compute(1200, Set(45, 20, prints: 6), Set(30, 25, prints: 1), Factors);
        var two = ProcessGain.Compute(100, Set(60, 40), Set(30, 40), Factors);
        var none = ProcessGain.Compute(100, Set(60, 40), MeasureSet.Empty, Factors);

        var totals = ProcessGain.Sum([one, two, none]);

        Assert.Equal(3, totals.Processes);
        Assert.Equal(2, totals.WithGain);
        Assert.Equal(350, totals.HoursSavedPerYear, 9);
        Assert.Equal(350 * 550, totals.ValueNokPerYear, 6);
        Assert.Equal(6000, totals.PrintsAvoidedPerYear, 9);
        Assert.Equal(30, totals.Co2eKgPerYear.Central, 9);
        Assert.Equal(new GainTotals(0, 0, 0, 0, 0, 0, ClimateRange.Zero), ProcessGain.Sum([]));
    }
}
