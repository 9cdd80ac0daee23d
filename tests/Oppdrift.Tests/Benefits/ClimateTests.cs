using Microsoft.EntityFrameworkCore;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;

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

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_refused_factor_or_activity_names_its_field_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var climate = new BenefitsServices(db).Climate;
        var central = BenefitsUsers.Central;
        var year = 2026;

        foreach (var (result, field, why) in new[]
        {
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, 0.002, 0.003, "Egen måling", BenefitsUsers.Leader(ids["SYE"]), default), "", "a leader"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, 0.002, 0.003, "Egen måling", BenefitsUsers.SystemOwner, default), "", "the system owner"),
            (await climate.SaveFactorAsync("fax", 0.001, 0.002, 0.003, "Egen måling", central, default), "Key", "an unknown factor"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.003, 0.002, 0.001, "Egen måling", central, default), "Low", "high to low"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, -0.001, 0.002, 0.003, "Egen måling", central, default), "Low", "a negative factor"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, null, 0.003, "Egen måling", central, default), "Low", "no central value"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, double.NaN, 0.003, "Egen måling", central, default), "Low", "a central value that is not a number"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, 0.002, double.PositiveInfinity, "Egen måling", central, default), "Low", "an infinite high value"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, 0.002, 0.003, " ", central, default), "Source", "no source"),
            (await climate.SaveFactorAsync(ClimateFactors.EmailSent, 0.001, 0.002, 0.003, new string('s', 1001), central, default), "Source", "a source too long to store"),
        })
        {
            Assert.False(result.Succeeded, why);
            Assert.Equal(field, result.Field);
        }
        foreach (var (result, field, why) in new[]
        {
            (await climate.SaveActivityAsync(year, ids["BNO"], 100, 10, BenefitsUsers.Leader(ids["SYE"]), default), "AgencyId", "a leader for another agency"),
            (await climate.SaveActivityAsync(year, null, 100, 10, BenefitsUsers.Leader(ids["SYE"]), default), "AgencyId", "a leader for the municipality"),
            (await climate.SaveActivityAsync(year, ids["SYE"], 100, 10, BenefitsUsers.SystemOwner, default), "AgencyId", "the system owner"),
            (await climate.SaveActivityAsync(1999, null, 100, 10, central, default), "Year", "a year before 2000"),
            (await climate.SaveActivityAsync(year + 1, null, 100, 10, central, default), "Year", "next year"),
            (await climate.SaveActivityAsync(year, null, -1, 10, central, default), "PrintedPages", "negative pages"),
            (await climate.SaveActivityAsync(year, null, null, 10, central, default), "PrintedPages", "no pages"),
            (await climate.SaveActivityAsync(year, null, 100, double.NaN, central, default), "PrintedPages", "kilometres that are not a number"),
        })
        {
            Assert.False(result.Succeeded, why);
            Assert.Equal(field, result.Field);
        }

        await using var check = database.CreateContext();
        Assert.Equal((0, 0, 0), (await check.ClimateFactors.CountAsync(), await check.ClimateActivities.CountAsync(), await check.AuditEntries.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_changed_factor_and_entered_figures_change_the_footprint_and_each_change_is_audited(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var leader = BenefitsUsers.Leader(ids["SYE"]);

        var factor = await s.Climate.SaveFactorAsync(ClimateFactors.PrintedPage, 0.004, 0.006, 0.008, "Skrivertjenestens miljørapport 2026", BenefitsUsers.Central, default);
        var first = await s.Climate.SaveActivityAsync(2026, ids["SYE"], 1_000, 40, leader, default);
        var second = await s.Climate.SaveActivityAsync(2026, ids["SYE"], 2_000, 50, leader, default);
        var footprint = await s.Climate.FootprintAsync(ids["SYE"], s.Today, default);
        var municipality = await s.Climate.FootprintAsync(null, s.Today, default);

        Assert.True(factor.Succeeded && first.Succeeded && second.Succeeded);
        var rows = await s.Climate.FactorsAsync(default);
        Assert.Equal((0.004, 0.006, 0.008, true), rows.Where(r => r.Key == ClimateFactors.PrintedPage).Select(r => (r.Low, r.Central, r.High, r.Changed)).Single());
        Assert.All(rows.Where(r => r.Key != ClimateFactors.PrintedPage), r => Assert.False(r.Changed));
        // The later figures for the same year replace the first: 2,000 pages at 6 g, 50 km avoided at 0.17 kg.
        Assert.Equal(1, await db.ClimateActivities.CountAsync());
        Assert.Equal((2_000L, 12.0), (footprint.PrintedPages, Math.Round(footprint.Printing.Central, 9)));
        Assert.Equal(8.5, footprint.TravelAvoided.Central, 9);
        Assert.Equal((0L, 0.0), (municipality.PrintedPages, municipality.Printing.Central));
        var entries = await db.AuditEntries.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["benefits.climate.factor", "benefits.climate.activity", "benefits.climate.activity"], entries.Select(e => e.Action));
        Assert.Contains("\"Central\":0.005", entries[0].Before, StringComparison.Ordinal);
        Assert.Contains("\"Source\":\"Skrivertjenestens miljørapport 2026\"", entries[0].After, StringComparison.Ordinal);
        Assert.Null(entries[1].Before);
        Assert.Contains("\"PrintedPages\":1000", entries[2].Before, StringComparison.Ordinal);
        Assert.Contains("\"PrintedPages\":2000", entries[2].After, StringComparison.Ordinal);
        Assert.Equal("leder", entries[2].Actor);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_footprint_reads_its_three_totals_at_once_and_they_equal_each_total_read_alone_for_every_agency(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);
        var from = s.Today.AddDays(-364);
        string[] emails = ["exchange.sent"];
        string[] links = ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"];
        string[] storage = ["exchange.storageBytes", "onedrive.storageBytes", "sharepoint.storageBytes"];

        foreach (var agencyId in ids.Values.Select(id => (int?)id).Append(null))
        {
            var footprint = await s.Climate.FootprintAsync(agencyId, s.Today, default);
            // Each total on its own, with a cache of its own: what the footprint read before it read them together.
            var alone = new List<Oppdrift.Usage.UsageCell>();
            foreach (var metrics in new[] { emails, links, storage })
            {
                alone.Add(await s.Usage.TotalAsync(metrics, agencyId, from, s.Today, default));
            }
            Assert.Equal((alone[0].Value, alone[1].Value, alone[2].Value / 1e9), (footprint.EmailsSent, footprint.LinksShared, footprint.StoredGb));
            Assert.Equal(alone.Any(c => c.IsSuppressed), footprint.Hidden);
        }

        // Worked out from the seed: Sykehjemsetaten's 600 people every day of the 60, its storage on the last day; the
        // ombuds of 4 and 3 people are hidden.
        var days = Enumerable.Range(0, 60).Select(n => UsageSeed.LastDay.AddDays(-n)).ToList();
        var sye = await s.Climate.FootprintAsync(ids["SYE"], s.Today, default);
        Assert.Equal(days.Sum(d => (double)UsageSeed.Value("exchange.sent", 600, d)), sye.EmailsSent);
        Assert.Equal(links.Sum(m => days.Sum(d => (double)UsageSeed.Value(m, 600, d))), sye.LinksShared);
        Assert.Equal(storage.Sum(m => (double)UsageSeed.Value(m, 600, UsageSeed.LastDay)) / 1e9, sye.StoredGb!.Value, 9);
        Assert.False(sye.Hidden);
        foreach (var code in new[] { "MOB", "ELO" })
        {
            var hidden = await s.Climate.FootprintAsync(ids[code], s.Today, default);
            Assert.True(hidden.Hidden);
            Assert.Equal((0.0, 0.0), (hidden.Emails.Central, hidden.Storage.Central));
        }
    }
}
