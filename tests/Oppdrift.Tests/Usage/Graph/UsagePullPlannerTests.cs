using System.Globalization;
using Oppdrift.Usage;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Tests.Usage.Graph;

public sealed class UsagePullPlannerTests
{
    private static readonly DateOnly Today = new(2026, 11, 26);

    private static readonly IReadOnlyList<UsageReportType> EmailAndTeams =
        [UsageReportCatalogue.EmailActivityUserDetail, UsageReportCatalogue.TeamsUserActivityUserDetail];

    private static string Short(UsageReportType report) => report == UsageReportCatalogue.EmailActivityUserDetail ? "email"
        : report == UsageReportCatalogue.TeamsUserActivityUserDetail ? "teams"
        : report == UsageReportCatalogue.MailboxUsageDetail ? "mailbox"
        : report.Name;

    private static UsageReportType Long(string name) => name switch
    {
        "email" => UsageReportCatalogue.EmailActivityUserDetail,
        "teams" => UsageReportCatalogue.TeamsUserActivityUserDetail,
        "mailbox" => UsageReportCatalogue.MailboxUsageDetail,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>"email 11-24, teams 11-25" → the set of pairs; days are in 2026.</summary>
    private static HashSet<(string, DateOnly)> Pairs(string text) =>
    [
        .. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var parts = pair.Split(' ');
            return (Long(parts[0]).Name, DateOnly.ParseExact("2026-" + parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }),
    ];

    private static HashSet<(string, DateOnly)> AllDays(int from, int to, params string[] reports) =>
    [
        .. Enumerable.Range(from, to - from + 1).SelectMany(day => reports.Select(r => (Long(r).Name, Today.AddDays(-day)))),
    ];

    private static string Plan(IReadOnlySet<(string, DateOnly)> imported, int backfillDays, IReadOnlyList<UsageReportType>? reports = null) =>
        string.Join(", ", UsagePullPlanner.Plan(imported, Today, backfillDays, reports ?? EmailAndTeams)
            .Select(p => $"{Short(p.Report)} {p.Date:MM-dd}"));

    [Theory]
    // Nothing imported, a three-day window: the two days before today for both reports, oldest first.
    [InlineData("", 3, "email 11-24, teams 11-24, email 11-25, teams 11-25")]
    // Yesterday is fetched again even when imported: Microsoft completes a day late.
    [InlineData("email 11-24, teams 11-24, email 11-25, teams 11-25", 3, "email 11-25, teams 11-25")]
    // A gap is filled for the report that has it only.
    [InlineData("email 11-24, email 11-25, teams 11-25", 3, "teams 11-24, email 11-25, teams 11-25")]
    [InlineData("email 11-23, teams 11-23, teams 11-24", 4, "email 11-24, email 11-25, teams 11-25")]
    // Imports outside the window make no difference.
    [InlineData("email 10-01, teams 10-01", 2, "email 11-25, teams 11-25")]
    // No backfill: yesterday only.
    [InlineData("", 0, "email 11-25, teams 11-25")]
    [InlineData("", 1, "email 11-25, teams 11-25")]
    // Across the end of a month.
    [InlineData("email 11-24, teams 11-24, email 11-25, teams 11-25", 28, "email 10-30, teams 10-30, email 10-31, teams 10-31, email 11-01, teams 11-01, email 11-02, teams 11-02, email 11-03, teams 11-03, email 11-04, teams 11-04, email 11-05, teams 11-05, email 11-06, teams 11-06, email 11-07, teams 11-07, email 11-08, teams 11-08, email 11-09, teams 11-09, email 11-10, teams 11-10, email 11-11, teams 11-11, email 11-12, teams 11-12, email 11-13, teams 11-13, email 11-14, teams 11-14, email 11-15, teams 11-15, email 11-16, teams 11-16, email 11-17, teams 11-17, email 11-18, teams 11-18, email 11-19, teams 11-19, email 11-20, teams 11-20, email 11-21, teams 11-21, email 11-22, teams 11-22, email 11-23, teams 11-23, email 11-25, teams 11-25")]
    public void The_plan_is_yesterday_plus_the_missing_days_oldest_first(string imported, int backfillDays, string expected) =>
        Assert.Equal(expected, Plan(Pairs(imported), backfillDays));

    [Fact]
    public void A_full_window_with_everything_imported_plans_yesterday_alone()
    {
        var imported = AllDays(1, 27, "email", "teams");

        Assert.Equal("email 11-25, teams 11-25", Plan(imported, 28));
    }

    [Fact]
    public void The_28_day_window_reaches_27_days_back_and_no_further()
    {
        var plan = UsagePullPlanner.Plan(new HashSet<(string, DateOnly)>(), Today, 28, [UsageReportCatalogue.EmailActivityUserDetail]);

        Assert.Equal(27, plan.Count);
        Assert.Equal(Today.AddDays(-27), plan[0].Date);
        Assert.Equal(Today.AddDays(-1), plan[^1].Date);
    }

    [Theory]
    [InlineData("", "email 11-24, email 11-25, mailbox 11-25")]
    [InlineData("mailbox 11-24, mailbox 11-25", "email 11-24, email 11-25, mailbox 11-25")]
    public void The_mailbox_snapshot_is_fetched_for_yesterday_only_by_period(string imported, string expected)
    {
        IReadOnlyList<UsageReportType> reports = [UsageReportCatalogue.EmailActivityUserDetail, UsageReportCatalogue.MailboxUsageDetail];

        Assert.Equal(expected, Plan(Pairs(imported), 3, reports));
        var mailbox = UsagePullPlanner.Plan(Pairs(imported), Today, 3, reports).Single(p => p.Report == UsageReportCatalogue.MailboxUsageDetail);
        Assert.Equal("getMailboxUsageDetail(period='D7')", mailbox.ToRequest().ToString());
    }

    [Fact]
    public void Every_report_in_the_catalogue_is_planned_by_default()
    {
        var plan = UsagePullPlanner.Plan(new HashSet<(string, DateOnly)>(), Today, 1);

        Assert.Equal(UsageReportCatalogue.All, plan.Select(p => p.Report));
    }
}
