using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Benefits;

public sealed class BenefitsQueriesTests
{
    // The survey's path: 3.4 on 1 Jun 2026 to 4.0 on 1 Jun 2027.
    private static readonly DateOnly Baseline = new(2026, 6, 1);
    private static readonly DateOnly September = new(2026, 9, 1);
    private static readonly DateOnly October = new(2026, 10, 1);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_picture_on_a_date_holds_what_was_measured_by_then_and_judges_the_latest(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var indicator = await s.SurveyAsync(benefitId, Baseline);
        // On 1 Sep the path expects 3.4 + 0.6 × 92/365 = 3.55: 3.8 is ahead. On 1 Oct it expects 3.60: 3.2 is short by 0.4, more than 25 % of 0.6.
        await s.MeasureAsync(indicator, null, September, 3.8);
        await s.MeasureAsync(indicator, null, October, 3.2);

        var before = await s.Queries.PictureAsync(null, Baseline.AddMonths(2), default);
        var between = await s.Queries.PictureAsync(null, new DateOnly(2026, 9, 15), default);
        var today = await s.Queries.PictureAsync(null, null, default);

        var early = before.Benefits.Single().Indicators.Single();
        Assert.Empty(early.Measurements);
        Assert.Equal(BenefitStatus.Unknown, early.Status);
        var view = between.Benefits.Single().Indicators.Single();
        Assert.Equal(new DateOnly(2026, 9, 15), between.Date);
        Assert.Equal((September, 3.8), (view.Latest!.Date, view.Latest.Value));
        Assert.Equal(3.4 + (0.6 * 92 / 365), view.Plan.Expected(September)!.Value, 9);
        Assert.Equal(BenefitStatus.OnTrack, view.Status);
        Assert.Equal(BenefitStatus.OnTrack, between.Goals.Single().Status);
        Assert.Equal(s.Today, today.Date);
        Assert.Equal([September, October], today.Benefits.Single().Indicators.Single().Measurements.Select(m => m.Date));
        Assert.Equal(BenefitStatus.OffTrack, today.Benefits.Single().Status);
        Assert.Equal(BenefitStatus.OffTrack, today.Goals.Single().Status);
        Assert.Equal(BenefitsText.Get("WholeMunicipality"), today.ScopeName);
        Assert.Equal(BenefitsOptions.DefaultHourlyCost, today.HourlyCost);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_sees_the_municipalitys_benefits_and_its_own_each_with_its_own_measurements_and_head_count(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        for (var n = 0; n < 15; n++)
        {
            db.People.Add(new Person
            {
                UserPrincipalName = $"p{n}@k.no",
                NormalizedUserPrincipalName = $"P{n}@K.NO",
                DisplayName = $"P {n}",
                IsActive = true,
                AgencyId = n < 12 ? ids["SYE"] : ids["BNO"],
            });
        }
        await db.SaveChangesAsync();
        var s = new BenefitsServices(db);
        var (_, whole) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var (_, forSye) = await s.BenefitAsync("Færre utskrifter i Sykehjemsetaten", Baseline, ids["SYE"]);
        var (_, forBno) = await s.BenefitAsync("Færre utskrifter i Bydel Nord", Baseline, ids["BNO"]);
        var indicator = await s.SurveyAsync(whole, Baseline);
        await s.MeasureAsync(indicator, null, September, 3.8);
        await s.MeasureAsync(indicator, ids["SYE"], September, 3.5);
        await s.MeasureAsync(indicator, ids["BNO"], September, 3.9);

        var municipality = await s.Queries.PictureAsync(null, null, default);
        var sye = await s.Queries.PictureAsync(ids["SYE"], null, default);
        var bno = await s.Queries.PictureAsync(ids["BNO"], null, default);
        var one = await s.Queries.PictureAsync(null, null, default, benefitId: forBno);

        Assert.Equal([whole, forSye, forBno], municipality.Benefits.Select(b => b.Benefit.Id).Order());
        Assert.Equal([whole, forSye], sye.Benefits.Select(b => b.Benefit.Id).Order());
        Assert.Equal([whole, forBno], bno.Benefits.Select(b => b.Benefit.Id).Order());
        Assert.Equal([forBno], one.Benefits.Select(b => b.Benefit.Id));
        Assert.Equal("Sykehjemsetaten", sye.ScopeName);
        Assert.Equal(ids["SYE"], sye.AgencyId);
        static double Latest(BenefitsPicture p, int benefit) => p.Benefits.Single(b => b.Benefit.Id == benefit).Indicators.Single().Latest!.Value;
        Assert.Equal(3.8, Latest(municipality, whole));
        Assert.Equal(3.5, Latest(sye, whole));
        Assert.Equal(3.9, Latest(bno, whole));
        // Head counts: the agency's own in its picture; the benefit's agencies, or everyone, in the municipality's.
        Assert.Equal(12, sye.Benefits.Single(b => b.Benefit.Id == whole).Employees);
        Assert.Equal(15, municipality.Benefits.Single(b => b.Benefit.Id == whole).Employees);
        Assert.Equal(3, municipality.Benefits.Single(b => b.Benefit.Id == forBno).Employees);
        var named = municipality.Benefits.Single(b => b.Benefit.Id == forSye);
        Assert.Equal([(ids["SYE"], "SYE", "Sykehjemsetaten")], named.Agencies);
        Assert.Equal("Sykehjemsetaten", named.AgencyNames);
        Assert.Equal(BenefitsText.Get("WholeMunicipality"), municipality.Benefits.Single(b => b.Benefit.Id == whole).AgencyNames);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Each_agency_in_the_callers_scope_gets_its_status_per_goal_from_its_own_measurements(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, whole) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        await s.BenefitAsync("Færre utskrifter i Bydel Nord", Baseline, ids["BNO"]);
        var indicator = await s.SurveyAsync(whole, Baseline);
        await s.MeasureAsync(indicator, ids["SYE"], October, 3.2);
        await s.MeasureAsync(indicator, ids["BNO"], October, 3.7);

        var scoped = await s.Queries.AgencyStatusAsync(new HashSet<int> { ids["SYE"], ids["BNO"] }, s.Today, default);
        var all = await s.Queries.AgencyStatusAsync(null, s.Today, default);

        // In Norwegian order; the first goal is the survey's, the second has a benefit for Bydel Nord only, with no indicator.
        Assert.Equal(["Bydel Nord", "Sykehjemsetaten"], scoped.Select(x => x.Agency.Name));
        Assert.Equal([BenefitStatus.OnTrack, BenefitStatus.Unknown], scoped[0].Goals);
        Assert.Equal([BenefitStatus.OffTrack, BenefitStatus.Unknown], scoped[1].Goals);
        Assert.Equal(UsageSeed.Agencies.Length, all.Count);
        Assert.Equal([BenefitStatus.Unknown, BenefitStatus.Unknown], all.Single(x => x.Agency.Code == "KUL").Goals);
        // Read in one pass, each agency's status is the one its own picture shows.
        foreach (var (agency, goals) in all)
        {
            var picture = await s.Queries.PictureAsync(agency.Id, s.Today, default);
            Assert.Equal(picture.Goals.Select(g => g.Status), goals);
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_overview_read_at_once_shows_the_municipalitys_picture_and_each_agencys_status_as_read_apart(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, whole) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var (_, forBno) = await s.BenefitAsync("Færre utskrifter i Bydel Nord", Baseline, ids["BNO"]);
        var indicator = await s.SurveyAsync(whole, Baseline);
        var own = await s.SurveyAsync(forBno, Baseline);
        await s.MeasureAsync(indicator, null, September, 3.8);
        await s.MeasureAsync(indicator, null, October, 3.2);
        await s.MeasureAsync(indicator, ids["SYE"], September, 3.5);
        await s.MeasureAsync(indicator, ids["SYE"], October, 3.2);
        await s.MeasureAsync(indicator, ids["BNO"], October, 3.7);
        await s.MeasureAsync(own, ids["BNO"], September, 3.3);
        await s.MeasureAsync(indicator, ids["KUL"], September, 4.2);

        foreach (var (scope, date) in new (IReadOnlySet<int>?, DateOnly?)[]
        {
            (null, null), (null, new DateOnly(2026, 9, 15)), (new HashSet<int> { ids["SYE"], ids["BNO"] }, null), (new HashSet<int> { ids["KUL"] }, September),
        })
        {
            var (picture, agencies) = await s.Queries.MunicipalityOverviewAsync(scope, date, default);
            var apart = await s.Queries.PictureAsync(null, date, default);
            var statuses = await s.Queries.AgencyStatusAsync(scope, apart.Date, default);

            Assert.Equal(apart.Date, picture.Date);
            Assert.Equal(Shape(apart), Shape(picture));
            Assert.Equal(statuses.Select(a => (a.Agency.Code, string.Join(",", a.Goals))), agencies.Select(a => (a.Agency.Code, string.Join(",", a.Goals))));
        }
        // Not the same everywhere, so the comparison has something to tell apart: the municipality is off track in October,
        // Kulturetaten on track in September, Bydel Nord's own benefit measured.
        var (today, all) = await s.Queries.MunicipalityOverviewAsync(null, null, default);
        Assert.Equal(BenefitStatus.OffTrack, today.Benefits.Single(b => b.Benefit.Id == whole).Status);
        Assert.Equal([September, October], today.Benefits.Single(b => b.Benefit.Id == whole).Indicators.Single().Measurements.Select(m => m.Date));
        Assert.Equal(UsageSeed.Agencies.Length, all.Count);
        Assert.Contains(BenefitStatus.OnTrack, all.Single(a => a.Agency.Code == "KUL").Goals);
        Assert.NotEqual(all.Single(a => a.Agency.Code == "KUL").Goals, all.Single(a => a.Agency.Code == "SYE").Goals);

        static List<string> Shape(BenefitsPicture p) =>
            [.. p.Goals.Select(g => $"{g.Goal.Id}:{g.Status}"), .. p.Benefits.SelectMany(b => b.Indicators.Select(i =>
                $"{b.Benefit.Id}/{i.Indicator.Id}:{i.Plan.BaselineValue}:{i.Status}:" + string.Join(";", i.Measurements.Select(m => $"{m.Id}@{m.Date}={m.Value}/{m.Status}"))))];
    }
}
