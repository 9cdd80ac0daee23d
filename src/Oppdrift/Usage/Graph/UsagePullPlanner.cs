namespace Oppdrift.Usage.Graph;

/// <summary>One report for one day that the nightly pull fetches.</summary>
public sealed record UsagePull(UsageReportType Report, DateOnly Date)
{
    /// <summary>
    /// The Graph call for this pull: the day itself, or for a report fetched by period (the mailbox snapshot, Copilot,
    /// Teams devices) the latest period, whose refresh date is the latest Microsoft has: 7 days where the figures are
    /// states on the refresh date and the period does not change them, 30 days for Teams devices, whose figures are
    /// "used on … in the period".
    /// </summary>
    public GraphReportRequest ToRequest() => GraphReportDownloader.SupportsDate(Report)
        ? GraphReportRequest.ForDate(Report, Date)
        : GraphReportRequest.ForPeriod(Report, Report.StateOnRefreshDate ? "D7" : "D30");

    public override string ToString() => ToRequest().ToString();
}

/// <summary>Decides what the nightly pull fetches; pure, so the whole decision is tested from a table.</summary>
public static class UsagePullPlanner
{
    /// <summary>
    /// Yesterday for every report, whether or not it was imported (Microsoft fills in a day late), plus each day of
    /// the backfill window not yet imported, oldest first and in catalogue order within a day. The window is the
    /// last <paramref name="backfillDays"/> days counting today, without today, which has no report yet. Reports
    /// Graph offers by period only are fetched for yesterday alone.
    /// </summary>
    /// <param name="imported">Report API names (as in <see cref="UsageReportCatalogue"/>) and days already imported successfully.</param>
    /// <param name="today">Today in the municipality's time zone.</param>
    public static IReadOnlyList<UsagePull> Plan(
        IReadOnlySet<(string Report, DateOnly Date)> imported, DateOnly today, int backfillDays = 28, IReadOnlyList<UsageReportType>? reports = null)
    {
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentOutOfRangeException.ThrowIfNegative(backfillDays);
        reports ??= UsageReportCatalogue.All;
        var yesterday = today.AddDays(-1);
        var oldest = today.AddDays(-(backfillDays - 1));
        var plan = new List<UsagePull>();
        for (var date = oldest < yesterday ? oldest : yesterday; date <= yesterday; date = date.AddDays(1))
        {
            foreach (var report in reports)
            {
                var wanted = date == yesterday
                    || (GraphReportDownloader.SupportsDate(report) && !imported.Contains((report.Name, date)));
                if (wanted)
                {
                    plan.Add(new UsagePull(report, date));
                }
            }
        }
        return plan;
    }
}
