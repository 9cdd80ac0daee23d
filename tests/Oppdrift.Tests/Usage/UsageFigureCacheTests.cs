using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

/// <summary>
/// The suppression patterns and window sums kept between requests: a landed import must show at once, and what the
/// database adds up must be what the daily figures add up to.
/// </summary>
public sealed class UsageFigureCacheTests
{
    private static UsageQueries Queries(OppdriftDb db, UsageFigureCache cache) =>
        new(db, new SuppressionOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero)), cache);

    /// <summary>Replaces an agency's figures of every report on one day, and records the imports as the importer does.</summary>
    private static async Task ImportAsync(OppdriftDb db, int agencyId, int people, DateOnly date)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.UsageFigures.Where(f => f.AgencyId == agencyId && f.Date == date && f.Period == 1).ExecuteDeleteAsync();
        await UsageStore.InsertFiguresAsync(db,
            [.. UsageMetrics.All.Select(m => new UsageFigureRow(date, 1, m.Code, agencyId, UsageSeed.Value(m.Code, people, date), people))], default);
        foreach (var report in UsageMetrics.All.Select(m => m.Report).Distinct())
        {
            await db.UsageImports.Where(i => i.Report == report && i.ReportDate == date && i.Period == 1 && i.IsCurrent)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.IsCurrent, false));
            db.UsageImports.Add(new UsageImport
            {
                Report = report,
                ReportDate = date,
                Period = 1,
                Name = $"{report}.csv",
                Sha256 = Guid.NewGuid().ToString("N"),
                ImportedBy = "test",
                Status = UsageImportStatus.Succeeded,
                IsCurrent = true,
            });
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_import_changes_what_the_overview_and_the_agency_page_show(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db, days: 30);
        var cache = new UsageFigureCache();
        var sent = UsageViews.OverviewColumns(7).ToList().FindIndex(c => c.Key == "exchange.sent");

        var before = await Queries(db, cache).OverviewAsync(null, 7, null, default);
        var again = await Queries(db, cache).OverviewAsync(null, 7, null, default);
        var seriesBefore = await Queries(db, cache).SeriesAsync(ids["KUL"], ["exchange.sent"], UsageSeed.LastDay.AddDays(-6), UsageSeed.LastDay, default);
        Assert.Equal(before.Rows.Select(r => r.Cells), again.Rows.Select(r => r.Cells));
        Assert.NotNull(before.Rows.Single(r => r.Code == "KUL").Cells[sent].Value);
        Assert.NotNull(seriesBefore.Series[0].Points[^1].Cell.Value);
        // The same series asked again is the one kept for this version of the imports.
        Assert.Same(seriesBefore.Series,
            (await Queries(db, cache).SeriesAsync(ids["KUL"], ["exchange.sent"], UsageSeed.LastDay.AddDays(-6), UsageSeed.LastDay, default)).Series);

        // A new report for the last day finds Kulturetaten down to 6 people: too few to show on that day, so too few
        // for every window that holds it.
        await ImportAsync(db, ids["KUL"], 6, UsageSeed.LastDay);
        var after = await Queries(db, cache).OverviewAsync(null, 7, null, default);
        var seriesAfter = await Queries(db, cache).SeriesAsync(ids["KUL"], ["exchange.sent"], UsageSeed.LastDay.AddDays(-6), UsageSeed.LastDay, default);

        Assert.Equal((null, SuppressionReason.SmallGroup), (after.Rows.Single(r => r.Code == "KUL").Cells[sent].Value, after.Rows.Single(r => r.Code == "KUL").Cells[sent].Reason));
        Assert.Equal(SuppressionReason.SmallGroup, seriesAfter.Series[0].Points[^1].Cell.Reason);
        Assert.NotNull(seriesAfter.Series[0].Points[^2].Cell.Value);
        UsageQueriesTests.AssertNoHiddenFigureIsTotalMinusTheRest(after);
        // The sums move with the import too: the municipality's figure now adds the new, smaller value.
        var municipalityDrop = before.Municipality.Cells[sent].Value - after.Municipality.Cells[sent].Value;
        Assert.Equal((double)(UsageSeed.Value("exchange.sent", 120, UsageSeed.LastDay) - UsageSeed.Value("exchange.sent", 6, UsageSeed.LastDay)), municipalityDrop);
        // And what was kept equals what a fresh read computes.
        var fresh = await Queries(db, new UsageFigureCache()).OverviewAsync(null, 7, null, default);
        Assert.Equal(fresh.Rows.Select(r => r.Cells), after.Rows.Select(r => r.Cells));
        Assert.Equal(fresh.Rows.Select(r => r.Earlier), after.Rows.Select(r => r.Earlier));
        Assert.Equal(fresh.Municipality.Cells, after.Municipality.Cells);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Window_sums_and_an_agencys_series_from_the_database_match_the_daily_figures(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db, days: 60);
        var daily = await db.UsageFigures.AsNoTracking().Where(f => f.Period == 1).ToListAsync();
        var date = UsageSeed.LastDay.AddDays(-2);
        var big = UsageSeed.Agencies.Where(a => a.People >= 10).Select(a => ids[a.Code]).ToHashSet();

        foreach (var workload in Enum.GetValues<UsageWorkload>())
        {
            foreach (var window in UsageMetrics.Windows)
            {
                var table = await Queries(db, new UsageFigureCache()).WorkloadAsync(workload, date, window, null, default);
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    var column = table.Columns[i];
                    if (!column.IsSingleMetric || UsageMetrics.Get(column.Metrics[0]).Kind != UsageMetricKind.Sum)
                    {
                        continue;
                    }
                    long Sum(int agency, DateOnly end) => daily
                        .Where(f => f.Metric == column.Metrics[0] && f.AgencyId == agency && f.Date > end.AddDays(-window) && f.Date <= end)
                        .Sum(f => f.Value);
                    foreach (var row in table.Rows.Where(r => big.Contains(r.AgencyId) && !r.Cells[i].IsSuppressed))
                    {
                        Assert.Equal(Sum(row.AgencyId, date), row.Cells[i].Value);
                        Assert.Equal(Sum(row.AgencyId, date.AddDays(-window)), row.Earlier[i].Value);
                    }
                    Assert.Equal(daily.Where(f => f.Metric == column.Metrics[0] && f.Date > date.AddDays(-window) && f.Date <= date).Sum(f => f.Value),
                        table.Municipality.Cells[i].Value);
                }
            }
        }

        var from = UsageSeed.LastDay.AddDays(-44);
        var set = await Queries(db, new UsageFigureCache()).SeriesAsync(ids["SYE"], UsageModule.AgencyMetrics, from, UsageSeed.LastDay, default);
        foreach (var series in set.Series)
        {
            var expected = daily.Where(f => f.AgencyId == ids["SYE"] && f.Metric == series.Metric && f.Date >= from).OrderBy(f => f.Date)
                .Select(f => (f.Date, (double?)f.Value)).ToList();
            Assert.Equal(expected, series.Points.Select(p => (p.Date, p.Cell.Value)));
        }
    }
}
