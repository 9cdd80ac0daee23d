using Microsoft.EntityFrameworkCore;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Benefits;

public sealed class BenefitsTemplateTests
{
    private static readonly DateOnly BaselineDate = UsageSeed.LastDay.AddDays(-35);

    private static async Task<(int Goals, int Benefits, int Indicators, int Targets, int Audit)> CountAsync(OppdriftDb db) =>
        (await db.BenefitGoals.CountAsync(), await db.Benefits.CountAsync(), await db.Indicators.CountAsync(), await db.IndicatorTargets.CountAsync(),
            await db.AuditEntries.CountAsync());

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_template_loads_the_four_goals_with_baselines_from_the_usage_history_once(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);

        var loaded = await s.Template.LoadAsync(BenefitsUsers.Central, BaselineDate, default);
        var counts = await CountAsync(db);
        var again = await s.Template.LoadAsync(BenefitsUsers.Central, BaselineDate, default);

        Assert.True(loaded.Succeeded, loaded.Error);
        Assert.Equal(10, loaded.Value);
        Assert.Equal((4, 9, 10, 20), (counts.Goals, counts.Benefits, counts.Indicators, counts.Targets));
        Assert.False(again.Succeeded);
        await using var check = database.CreateContext();
        Assert.Equal(counts, await CountAsync(check));

        var goals = await check.BenefitGoals.OrderBy(g => g.SortOrder).Select(g => g.Name).ToListAsync();
        Assert.Equal(["Arbeide mer effektivt", "Bedre sikkerhet og personvern", "Økt medarbeidertilfredshet", "Redusert klimaavtrykk"], goals);
        var indicators = await check.Indicators.AsNoTracking().Include(i => i.Targets).ToListAsync();
        Assert.Equal(5, indicators.Count(i => i.Source == IndicatorSource.Usage));
        Assert.Equal(2, indicators.Count(i => i.Source == IndicatorSource.Migration));
        Assert.Equal(1, indicators.Count(i => i.Source == IndicatorSource.Manual));
        // Hours saved by the processes linked to the benefit: none are linked yet, so it starts from nothing.
        var processes = Assert.Single(indicators, i => i.Source == IndicatorSource.Process);
        Assert.Equal((ProcessMeasures.HoursSaved, 0.0), (processes.UsageMeasure, processes.BaselineValue));
        // Satisfaction follows the starter pulse's overall rating at each round, from a baseline set by hand.
        var satisfaction = indicators.Single(i => i.Source == IndicatorSource.Survey);
        Assert.Equal(("survey:mean:rating-overall@Digital arbeidshverdag", 3.4), (satisfaction.UsageMeasure, satisfaction.BaselineValue));
        Assert.All(indicators, i => Assert.Equal(BaselineDate, i.BaselineDate));
        Assert.All(indicators, i => Assert.All(i.Targets, t => Assert.True(t.Date > i.BaselineDate)));
        // A usage indicator starts from the municipality's figure on the baseline date, as the editor would take it.
        var teams = indicators.Single(i => i.UsageMeasure == "teamsActive");
        var figure = await s.Usage.AtAsync(UsageMeasures.Find("teamsActive")!.Column, BaselineDate, default);
        Assert.Equal(Math.Round(figure.Municipality.Value!.Value, 2), teams.BaselineValue);
        // Ten and twenty points more after one and two years, never beyond 100 %.
        Assert.Equal([Math.Round(Math.Min(100, teams.BaselineValue + 10), 2), Math.Round(Math.Min(100, teams.BaselineValue + 20), 2)],
            teams.Targets.OrderBy(t => t.Date).Select(t => t.Value));
        Assert.Equal([BaselineDate.AddYears(1), BaselineDate.AddYears(2)], teams.Targets.OrderBy(t => t.Date).Select(t => t.Date));
        // Before anything is scanned nothing has moved off the file servers.
        Assert.All(indicators.Where(i => i.Source == IndicatorSource.Migration), i => Assert.Equal(0, i.BaselineValue));
        Assert.Equal(10, await check.AuditEntries.CountAsync(a => a.Action == "benefits.indicator.create" && a.Actor == "endringsleder"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_template_is_refused_without_usage_figures_or_the_central_team_and_a_failure_half_way_leaves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var s = new BenefitsServices(db);

        var noUsage = await s.Template.LoadAsync(BenefitsUsers.Central, null, default);
        var ids = await UsageSeed.SeedAsync(db);
        var byLeader = await s.Template.LoadAsync(BenefitsUsers.Leader(ids["SYE"]), null, default);
        var bySystemOwner = await s.Template.LoadAsync(BenefitsUsers.SystemOwner, null, default);
        // The goals and the first benefits are saved before the first usage indicator finds no figures on this date.
        var beforeTheFigures = await s.Template.LoadAsync(BenefitsUsers.Central, UsageSeed.LastDay.AddDays(-200), default);

        Assert.False(noUsage.Succeeded);
        Assert.False(byLeader.Succeeded);
        Assert.False(bySystemOwner.Succeeded);
        Assert.False(beforeTheFigures.Succeeded);
        Assert.Contains(BenefitsEditor.Format(UsageSeed.LastDay), beforeTheFigures.Error, StringComparison.Ordinal);
        await using var check = database.CreateContext();
        Assert.Equal((0, 0, 0, 0, 0), await CountAsync(check));

        // Without a date the baseline is the first day with a full 28-day window.
        var loaded = await new BenefitsServices(check).Template.LoadAsync(BenefitsUsers.Central, null, default);
        Assert.True(loaded.Succeeded, loaded.Error);
        Assert.Equal(UsageSeed.LastDay.AddDays(-59).AddDays(UsageIndicatorQuery.Window - 1), (await check.Indicators.OrderBy(i => i.Id).FirstAsync()).BaselineDate);
    }
}
