using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Effects;

public sealed class EffectPanelsTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_weeks_figure_is_the_sum_of_its_days_over_their_head_counts_and_small_agencies_and_the_unplaced_take_no_part(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        Dictionary<string, int> ids;
        await using (var db = database.CreateContext())
        {
            ids = await UsageSeed.SeedAsync(db, days: 30);
        }
        // The seed's last day is Tuesday 24 November 2026: its week has two days of figures, too few for a figure.
        var from = UsageSeed.LastDay.AddDays(-36);

        await using var context = database.CreateContext();
        var panel = await new EffectPanels(new UsageWeeklyFigures(context), EffectSeed.SurveyQueries(context)).UsageAsync("teams.chatMessages", from, UsageSeed.LastDay, minimumGroupSize: 5, default);

        Assert.Equal(new DateOnly(2026, 10, 19), panel.FirstMonday);
        Assert.Equal(6, panel.Weeks);
        Assert.Equal(["BNO", "BYA", "KUL", "SYE"], panel.Agencies.Select(a => ids.Single(i => i.Value == a.AgencyId).Key).Order());
        var sye = panel.Agencies.Single(a => a.AgencyId == ids["SYE"]);
        Assert.Equal(600, sye.People);
        // Week 2, Monday 2 to Sunday 8 November: every day has figures.
        var monday = panel.MondayOf(2);
        Assert.Equal(new DateOnly(2026, 11, 2), monday);
        var expected = Enumerable.Range(0, 7).Sum(d => (double)UsageSeed.Value("teams.chatMessages", 600, monday.AddDays(d))) / (7 * 600);
        Assert.Equal(expected, sye.Weeks[2]!.Value, 9);
        // The first week starts on 19 October but the figures on the 26th: none; the last has two days: none.
        Assert.Null(sye.Weeks[0]);
        Assert.NotNull(sye.Weeks[1]);
        Assert.Null(sye.Weeks[5]);
        Assert.Equal(5, panel.WeekOf(UsageSeed.LastDay));
        Assert.Equal(-1, panel.WeekOf(new DateOnly(2026, 10, 18)));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Weeks_run_Monday_to_Sunday_and_an_agencys_head_count_is_its_people_on_its_latest_day(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var monday = new DateOnly(2026, 3, 2);
        await using (var db = database.CreateContext())
        {
            // Agency 7: two full weeks, growing from 100 to 130 people, its last figures on Sunday 15 March.
            // Agency 8: stops a week earlier with 3 people on its last day, so it is too small although it had 40 before.
            for (var d = 0; d < 14; d++)
            {
                db.UsageFigures.Add(new UsageFigure { Date = monday.AddDays(d), Period = 1, Metric = "teams.chatMessages", AgencyId = 7, Value = 10 * (d + 1), People = d == 13 ? 130 : 100 });
            }
            for (var d = 0; d < 7; d++)
            {
                db.UsageFigures.Add(new UsageFigure { Date = monday.AddDays(d), Period = 1, Metric = "teams.chatMessages", AgencyId = 8, Value = 5, People = d == 6 ? 3 : 40 });
            }
            // Another metric and a weekly report's figure on the same days take no part.
            db.UsageFigures.Add(new UsageFigure { Date = monday, Period = 1, Metric = "teams.active7", AgencyId = 7, Value = 1000, People = 100 });
            db.UsageFigures.Add(new UsageFigure { Date = monday, Period = 7, Metric = "teams.chatMessages", AgencyId = 7, Value = 1000, People = 100 });
            await db.SaveChangesAsync();
        }

        await using var context = database.CreateContext();
        var weeks = await new UsageWeeklyFigures(context).WeeksAsync("teams.chatMessages", monday.AddDays(3), monday.AddDays(20), minimumGroupSize: 5, default);

        Assert.Equal(monday, weeks.FirstMonday);
        Assert.Equal(3, weeks.Weeks);
        Assert.Equal([8], weeks.TooSmall);
        var agency = Assert.Single(weeks.Agencies);
        Assert.Equal(7, agency.AgencyId);
        Assert.Equal(130, agency.People);
        Assert.Equal((10.0 + 20 + 30 + 40 + 50 + 60 + 70) / 700, agency.Weeks[0]!.Value, 12);
        Assert.Equal((80.0 + 90 + 100 + 110 + 120 + 130 + 140) / (600 + 130), agency.Weeks[1]!.Value, 12);
        Assert.Null(agency.Weeks[2]);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_unknown_metric_is_refused_with_its_name(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var context = database.CreateContext();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            new EffectPanels(new UsageWeeklyFigures(context), EffectSeed.SurveyQueries(context)).UsageAsync("teams.nope", new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1), 5, default));

        Assert.Contains("teams.nope", refused.Message, StringComparison.Ordinal);
    }
}
