using Oppdrift.Benefits;

namespace Oppdrift.Tests.Benefits;

public sealed class ClimateTests
{
    private static Dictionary<string, ClimateRange> Defaults() =>
        ClimateFactors.Defaults.ToDictionary(d => d.Key, d => new ClimateRange(d.Low, d.Central, d.High));

    [Fact]
    public void The_footprint_is_a_range_from_the_low_central_and_high_factors()
    {
        // A year (365 days): 1,000,000 e-mails, 200,000 links, 5,000 GB stored, 100,000 pages, 10,000 km avoided.
        var f = ClimateFootprint.Compute(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), 1_000_000, 200_000, 5_000, 100_000, 10_000, Defaults(), hidden: false);

        // E-mail: 0.3 g, 4 g, 10 g each → 300, 4,000, 10,000 kg.
        Assert.Equal(300, f.Emails.Low, 6);
        Assert.Equal(4000, f.Emails.Central, 6);
        Assert.Equal(10000, f.Emails.High, 6);
        // Storage: 5,000 GB for one year at 0.003 / 0.005 / 0.007 kg → 15, 25, 35 kg.
        Assert.Equal((15, 25, 35), (Math.Round(f.Storage.Low, 6), Math.Round(f.Storage.Central, 6), Math.Round(f.Storage.High, 6)));
        // Printing: 3.5 g, 5 g, 6 g a page → 350, 500, 600 kg.
        Assert.Equal((350, 500, 600), (Math.Round(f.Printing.Low, 6), Math.Round(f.Printing.Central, 6), Math.Round(f.Printing.High, 6)));
        Assert.Equal(300 + 15 + 350, f.Footprint.Low, 6);
        Assert.Equal(10000 + 35 + 600, f.Footprint.High, 6);
        // Avoided: links 0 / 23 g / 46 g → 0, 4,600, 9,200 kg; travel 0.118 / 0.17 / 0.27 kg a km → 1,180, 1,700, 2,700 kg.
        Assert.Equal((1180, 6300, 11900), (Math.Round(f.Avoided.Low, 6), Math.Round(f.Avoided.Central, 6), Math.Round(f.Avoided.High, 6)));
    }

    [Fact]
    public void Storage_counts_only_the_part_of_a_year_the_period_covers()
    {
        var f = ClimateFootprint.Compute(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 1), 0, 0, 365, 0, 0, Defaults(), hidden: false);
        // 60 days of 365 GB: 60 GB-years… of 365 → 60 GB-years at 0.005 kg = 0.3 kg.
        Assert.Equal(0.3, f.Storage.Central, 9);
    }

    [Fact]
    public void Every_default_factor_names_its_source_and_is_ordered_low_to_high()
    {
        Assert.All(ClimateFactors.Defaults, d =>
        {
            Assert.True(d.Low <= d.Central && d.Central <= d.High, d.Key);
            Assert.False(string.IsNullOrWhiteSpace(d.Source));
        });
    }
}
