using Microsoft.EntityFrameworkCore;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Benefits;

public sealed class BenefitsMeasurerTests
{
    private static readonly DateOnly Last = UsageSeed.LastDay;
    private static readonly DateOnly BaselineDate = Last.AddDays(-35);

    /// <summary>The baseline and five weeks after it, up to the last day with figures.</summary>
    private static readonly DateOnly[] WeeklyDates = [.. Enumerable.Range(0, 6).Select(w => BaselineDate.AddDays(7 * w))];

    private static IndicatorInput TeamsActive(int benefitId) =>
        new(benefitId, "Andel aktive i Teams", null, null, true, IndicatorSource.Usage, "teamsActive", BaselineDate, null, MeasurementSchedule.Weekly,
            null, null, null, [new TargetInput(BaselineDate.AddYears(1), 95)]);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_benefit_for_some_agencies_is_measured_for_them_and_the_municipality_on_its_schedule_and_only_once(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);
        // Mobbeombudet has four people: too few to be measured, even when the benefit names it.
        var (_, benefitId) = await s.BenefitAsync("Alle bruker Teams", BaselineDate, ids["SYE"], ids["MOB"]);
        var saved = await s.Editor.SaveIndicatorAsync(null, TeamsActive(benefitId), BenefitsUsers.Central, default);
        var survey = await s.SurveyAsync(benefitId, BaselineDate);
        var manual = await s.MeasureAsync(survey, ids["SYE"], Last, 3.9);
        var migration = await s.Editor.SaveIndicatorAsync(null, new IndicatorInput(benefitId, "Flyttet fra filserver", null, null, true, IndicatorSource.Migration,
            MigrationMeasures.BytesMoved, BaselineDate, null, MeasurementSchedule.Monthly, null, null, null, [new TargetInput(BaselineDate.AddYears(1), 100)]),
            BenefitsUsers.Central, default);
        Assert.True(saved.Succeeded && migration.Succeeded, saved.Error ?? migration.Error);

        var written = await s.Measurer.MeasureAllAsync(default);
        var again = await s.Measurer.MeasureAllAsync(default);
        var onlyTheSurvey = await s.Measurer.MeasureAllAsync(default, only: survey);

        Assert.Equal(WeeklyDates.Length * 2, written);
        Assert.Equal(0, again);
        Assert.Equal(0, onlyTheSurvey);
        await using var check = database.CreateContext();
        var automatic = await check.Measurements.Where(m => m.Automatic).ToListAsync();
        Assert.All(automatic, m => Assert.Equal(saved.Value!.Id, m.IndicatorId));
        Assert.Equal(WeeklyDates, automatic.Where(m => m.AgencyId == null).Select(m => m.Date).Order());
        Assert.Equal(WeeklyDates, automatic.Where(m => m.AgencyId == ids["SYE"]).Select(m => m.Date).Order());
        Assert.All(automatic, m => Assert.Equal(BenefitsMeasurer.Actor, m.EnteredBy));
        // The manual measurement is the measurer's business in no way; nothing is measured off the file servers before a scan.
        Assert.Equal(3.9, (await check.Measurements.SingleAsync(m => m.Id == manual)).Value);
        Assert.False(await check.Measurements.AnyAsync(m => m.IndicatorId == migration.Value!.Id));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_changed_usage_figure_rewrites_only_the_measurements_it_changes_and_a_hidden_one_is_removed(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await s.BenefitAsync("Alle bruker Teams", BaselineDate);
        var indicator = (await s.Editor.SaveIndicatorAsync(null, TeamsActive(benefitId), BenefitsUsers.Central, default)).Value!.Id;
        Assert.Equal(WeeklyDates.Length * 5, await s.Measurer.MeasureAllAsync(default));
        var first = await db.Measurements.AsNoTracking().ToDictionaryAsync(m => (m.AgencyId, m.Date), m => (m.Id, m.Value));

        // A report for the last day imported again with fewer active people in Sykehjemsetaten.
        await db.UsageFigures.Where(f => f.Date == Last && f.AgencyId == ids["SYE"] && f.Metric == "teams.active28")
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.Value, f => f.Value - 60));
        var changed = await s.Measurer.MeasureAllAsync(default);

        Assert.Equal(2, changed);
        var second = await db.Measurements.AsNoTracking().ToDictionaryAsync(m => (m.AgencyId, m.Date), m => (m.Id, m.Value));
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (key, (id, value)) in first)
        {
            var rewritten = key.Date == Last && (key.AgencyId == ids["SYE"] || key.AgencyId == null);
            Assert.True(rewritten == (second[key].Id != id), $"{key}: rewritten {second[key].Id != id}");
            Assert.True(rewritten == (second[key].Value != value), $"{key}: value changed {second[key].Value != value}");
        }
        Assert.Equal(Math.Round(100.0 * (UsageSeed.Value("teams.active28", 600, Last) - 60) / 600, 4), second[(ids["SYE"], Last)].Value, 6);

        // Fewer than ten people on the last day: the agency's figure is hidden, and a hidden figure is no measurement.
        await db.UsageFigures.Where(f => f.Date == Last && f.AgencyId == ids["SYE"]).ExecuteUpdateAsync(u => u.SetProperty(f => f.People, 5));
        await s.Measurer.MeasureAllAsync(default);

        var third = await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == indicator).ToListAsync();
        Assert.DoesNotContain(third, m => m.AgencyId == ids["SYE"] && m.Date == Last);
        Assert.Equal(WeeklyDates.Length - 1, third.Count(m => m.AgencyId == ids["SYE"]));
        Assert.Contains(third, m => m.AgencyId == null && m.Date == Last);
    }

    [Theory]
    // A month's end steps to the next month's end or last day; quarterly steps keep the day where the month has it.
    [InlineData(MeasurementSchedule.Monthly, "2026-01-31", "2026-05-01", new[] { "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30" })]
    [InlineData(MeasurementSchedule.Quarterly, "2025-11-30", "2026-08-30", new[] { "2025-11-30", "2026-02-28", "2026-05-30", "2026-08-30" })]
    [InlineData(MeasurementSchedule.Weekly, "2025-12-24", "2026-01-13", new[] { "2025-12-24", "2025-12-31", "2026-01-07" })]
    [InlineData(MeasurementSchedule.Monthly, "2026-03-01", "2026-03-01", new[] { "2026-03-01" })]
    [InlineData(MeasurementSchedule.Monthly, "2026-03-01", "2026-02-28", new string[0])]
    public void Measurement_dates_step_from_the_baseline_on_the_schedule_up_to_the_last_day(MeasurementSchedule schedule, string baseline, string last, string[] expected)
    {
        var dates = BenefitsMeasurer.Dates(schedule, DateOnly.Parse(baseline, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected.Select(d => DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture)), dates);
    }
}
