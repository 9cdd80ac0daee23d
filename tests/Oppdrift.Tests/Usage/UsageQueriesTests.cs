using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageQueriesTests
{
    private static readonly SuppressionOptions Suppression = new();

    private static UsageQueries Queries(OppdriftDb db, UsageFigureCache? cache = null) =>
        new(db, Suppression, new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero)), cache ?? new UsageFigureCache());

    /// <summary>
    /// The promise of complementary suppression for a table with the municipality's figures below it: in every column,
    /// either the municipality's figure is hidden, or no agency is hidden, or at least two are, so no hidden figure is
    /// the total minus the ones shown.
    /// </summary>
    internal static void AssertNoHiddenFigureIsTotalMinusTheRest(UsageTable table)
    {
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var hidden = table.Rows.Count(r => r.Cells[i].IsSuppressed);
            Assert.True(hidden != 1 || table.Municipality.Cells[i].IsSuppressed,
                $"Column {table.Columns[i].Key} hides exactly one agency and shows the municipality's figure.");
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_overview_hides_the_small_agencies_and_no_hidden_figure_is_the_total_minus_the_rest(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await UsageSeed.SeedAsync(db);

        foreach (var window in UsageMetrics.Windows)
        {
            var table = await Queries(db).OverviewAsync(null, window, null, default);

            Assert.Equal(UsageSeed.LastDay, table.Date);
            Assert.Equal(window, table.DaysWithData);
            Assert.Equal(["BYA", "BNO", "ELO", "KUL", "MOB", "SYE"], table.Rows.Select(r => r.Code));
            foreach (var small in new[] { "MOB", "ELO" })
            {
                var row = table.Rows.Single(r => r.Code == small);
                Assert.All(row.Cells, c => Assert.Equal((null, SuppressionReason.SmallGroup), (c.Value, c.Reason)));
                Assert.All(row.Earlier, c => Assert.True(c.IsSuppressed));
                Assert.All(Enumerable.Range(0, row.Cells.Count), i => Assert.Equal(UsageTrend.Unknown, row.Trend(i)));
            }
            var sye = table.Rows.Single(r => r.Code == "SYE");
            Assert.All(sye.Cells, c => Assert.False(c.IsSuppressed));
            Assert.All(table.Municipality.Cells, c => Assert.NotNull(c.Value));
            AssertNoHiddenFigureIsTotalMinusTheRest(table);
            AssertNoHiddenFigureIsTotalMinusTheRest(table with
            {
                Rows = [.. table.Rows.Select(r => r with { Cells = r.Earlier })],
                Municipality = table.Municipality with { Cells = table.Municipality.Earlier },
            });
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Sums_add_up_the_window_people_take_the_last_day_and_shares_come_from_the_counts(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await UsageSeed.SeedAsync(db);
        var date = UsageSeed.LastDay.AddDays(-3);

        var table = await Queries(db).OverviewAsync(date, 7, null, default);

        var row = table.Rows.Single(r => r.Code == "BNO");
        const int people = 300;
        long Sum(string metric, DateOnly end) => Enumerable.Range(0, 7).Sum(d => UsageSeed.Value(metric, people, end.AddDays(-d)));
        int Column(string key) => table.Columns.ToList().FindIndex(c => c.Key == key);

        Assert.Equal(date, table.Date);
        Assert.Equal(date.AddDays(-7), table.EarlierDate);
        Assert.Equal(Sum("exchange.sent", date), row.Cells[Column("exchange.sent")].Value);
        Assert.Equal(Sum("exchange.sent", date.AddDays(-7)), row.Earlier[Column("exchange.sent")].Value);
        Assert.Equal(UsageSeed.Value("teams.active7", people, date), row.Cells[Column("teams.active7")].Value);
        Assert.Equal(Sum("teams.chatMessages", date) + Sum("teams.channelMessages", date), row.Cells[Column("teamsMessages")].Value);
        Assert.Equal(100.0 * UsageSeed.Value("teams.active7", people, date) / people, row.Cells[Column("teamsShare")].Value!.Value, 6);
        Assert.Equal((double)(Sum("teams.chatMessages", date) + Sum("teams.channelMessages", date)) / Sum("exchange.sent", date),
            row.Cells[Column("messagesPerEmail")].Value!.Value, 6);
        var everyone = UsageSeed.Agencies.Select(a => a.People).Append(UsageSeed.UnplacedPeople);
        Assert.Equal(everyone.Sum(p => Enumerable.Range(0, 7).Sum(d => UsageSeed.Value("exchange.sent", p, date.AddDays(-d)))),
            table.Municipality.Cells[Column("exchange.sent")].Value);
        Assert.Equal(UsageTrend.Up, row.Trend(Column("teams.active7")));
        Assert.Equal(UsageTrend.Flat, row.Trend(Column("exchange.sent"))); // 49 more of about 10,000: under half a percent
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_leader_gets_their_own_agencies_and_the_municipality_only(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db, days: 7);

        var all = await Queries(db).OverviewAsync(null, 7, null, default);
        var scoped = await Queries(db).OverviewAsync(null, 7, new HashSet<int> { ids["KUL"] }, default);

        Assert.Equal("KUL", Assert.Single(scoped.Rows).Code);
        Assert.Equal(all.Municipality.Cells, scoped.Municipality.Cells);
        Assert.Equal(all.Rows.Single(r => r.Code == "KUL").Cells, scoped.Rows[0].Cells);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agency_series_hides_every_day_of_a_small_agency_and_the_same_days_the_overview_hides(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db, days: 30);
        var from = UsageSeed.LastDay.AddDays(-29);

        var mob = await Queries(db).SeriesAsync(ids["MOB"], ["teams.active28", "exchange.sent"], from, UsageSeed.LastDay, default);
        var overview = await Queries(db).OverviewAsync(null, 7, null, default);
        var complement = overview.Rows.Where(r => r.Code is not ("MOB" or "ELO") && r.Cells.Any(c => c.IsSuppressed)).ToList();

        Assert.All(mob.Series, s => Assert.Equal(30, s.Points.Count));
        Assert.All(mob.Series.SelectMany(s => s.Points), p => Assert.Equal((null, SuppressionReason.SmallGroup), (p.Cell.Value, p.Cell.Reason)));
        foreach (var row in complement)
        {
            // A figure the overview hides for the agency is hidden on its agency page too, so the two cannot be combined.
            var series = await Queries(db).SeriesAsync(row.AgencyId, ["exchange.sent"], UsageSeed.LastDay, UsageSeed.LastDay, default);
            var column = overview.Columns.ToList().FindIndex(c => c.Key == "exchange.sent");
            Assert.Equal(row.Cells[column].IsSuppressed, series.Series[0].Points.Single().Cell.IsSuppressed);
        }
        var sye = await Queries(db).SeriesAsync(ids["SYE"], ["exchange.sent"], from, UsageSeed.LastDay, default);
        Assert.Equal(UsageSeed.Value("exchange.sent", 600, UsageSeed.LastDay), sye.Series[0].Points[^1].Cell.Value);
        var municipality = await Queries(db).SeriesAsync(null, ["exchange.sent"], from, UsageSeed.LastDay, default);
        Assert.Equal(UsageSeed.Agencies.Select(a => a.People).Append(UsageSeed.UnplacedPeople).Sum(p => UsageSeed.Value("exchange.sent", p, UsageSeed.LastDay)),
            municipality.Series[0].Points[^1].Cell.Value);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task With_nothing_imported_the_overview_is_empty_and_the_mode_says_so(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await UsageSeed.AgenciesAsync(db);

        var table = await Queries(db).OverviewAsync(null, 28, null, default);

        Assert.Null(table.Date);
        Assert.Equal(6, table.Rows.Count);
        Assert.All(table.Rows.SelectMany(r => r.Cells), c => Assert.Equal(UsageCell.NoData, c));
        Assert.Equal(UsageTenantMode.NoData, await Queries(db).TenantModeAsync(default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_tenant_mode_follows_the_latest_import_that_has_user_rows(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        UsageImport Import(int day, UsageConcealment concealment, int matched, int unmatched) => new()
        {
            Report = "getTeamsUserActivityUserDetail",
            ReportDate = UsageSeed.LastDay.AddDays(day),
            Period = 1,
            Name = "x.csv",
            Sha256 = $"{day}{concealment}",
            ImportedBy = "test",
            Status = UsageImportStatus.Succeeded,
            IsCurrent = true,
            Concealment = concealment,
            Matched = matched,
            Unmatched = unmatched,
        };
        db.UsageImports.AddRange(Import(-2, UsageConcealment.Identified, 10, 0), Import(-1, UsageConcealment.Concealed, 0, 10), Import(0, UsageConcealment.Unknown, 0, 0));
        await db.SaveChangesAsync();

        Assert.Equal(UsageTenantMode.Concealed, await Queries(db).TenantModeAsync(default));
    }

    [Theory]
    [InlineData(UsageConcealment.Identified, 5, 5, UsageTenantMode.Identified)]
    [InlineData(UsageConcealment.Concealed, 90, 10, UsageTenantMode.ConcealedMatched)]
    [InlineData(UsageConcealment.Mixed, 60, 40, UsageTenantMode.ConcealedMatched)]
    [InlineData(UsageConcealment.Concealed, 0, 100, UsageTenantMode.Concealed)]
    [InlineData(UsageConcealment.Concealed, 10, 90, UsageTenantMode.Concealed)]
    public void The_tenant_mode_of_an_import(UsageConcealment concealment, int matched, int unmatched, UsageTenantMode expected) =>
        Assert.Equal(expected, UsageQueries.TenantMode(concealment, matched, unmatched));

    [Fact]
    public void A_small_agency_hidden_with_only_the_unplaced_gets_a_second_agency_hidden_with_it()
    {
        // The unplaced (20) are the smallest large group, so plain suppression would hide them beside MOB alone; but
        // their head count is on the import history, so a second agency must be hidden too.
        var reasons = UsageQueries.Suppress([new(0, 20), new(1, 4), new(2, 500), new(3, 40), new(4, 300)], Suppression);

        Assert.Equal(SuppressionReason.SmallGroup, reasons.Agency(1));
        Assert.Equal(SuppressionReason.Complementary, reasons.Agency(3));
        Assert.Equal(SuppressionReason.None, reasons.Total);
        Assert.True(reasons.Hidden.Count(id => id != UsageFigure.Unplaced) >= 2);
    }

    [Fact]
    public void A_small_unplaced_group_is_protected_by_two_hidden_agencies()
    {
        var reasons = UsageQueries.Suppress([new(0, 3), new(2, 500), new(3, 40), new(4, 300)], Suppression);

        Assert.Equal(SuppressionReason.SmallGroup, reasons.Agency(0));
        Assert.Equal([3, 4], reasons.Hidden.Where(id => id != UsageFigure.Unplaced).Order());
    }

    [Fact]
    public void With_one_agency_beside_a_small_unplaced_group_the_total_is_hidden()
    {
        var reasons = UsageQueries.Suppress([new(0, 3), new(2, 500)], Suppression);

        Assert.Equal(SuppressionReason.Complementary, reasons.Agency(2));
        Assert.Equal(SuppressionReason.Complementary, reasons.Total);
    }
}
