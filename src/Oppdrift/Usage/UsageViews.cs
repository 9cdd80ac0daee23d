// The shapes the usage pages, exports and API show: aggregate tables of agencies by columns, and daily series. Every
// figure in them has already been through small-group suppression in UsageQueries; a suppressed one carries no value.
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Usage;

/// <summary>Where the tenant's figures can be placed, from the latest imports (see UsageQueries.TenantModeAsync).</summary>
public enum UsageTenantMode
{
    /// <summary>No usage report is imported yet.</summary>
    NoData,

    /// <summary>The reports name users, so figures are placed in agencies through the directory.</summary>
    Identified,

    /// <summary>The reports conceal user names, but most of them matched the directory, so agencies still get figures.</summary>
    ConcealedMatched,

    /// <summary>The reports conceal user names and they could not be matched: only municipality-wide figures exist.</summary>
    Concealed,
}

public enum UsageTableColumnKind
{
    /// <summary>The sum of the column's metrics.</summary>
    Count,

    /// <summary>The sum of the metrics as a percentage of the sum of <see cref="UsageTableColumn.Per"/>.</summary>
    Share,

    /// <summary>The sum of the metrics divided by the sum of <see cref="UsageTableColumn.Per"/>.</summary>
    Ratio,
}

/// <summary>One column of an aggregate table: one metric, or a figure computed from a few (a share, a ratio, a sum).</summary>
public sealed record UsageTableColumn(string Key, UsageTableColumnKind Kind, IReadOnlyList<string> Metrics, IReadOnlyList<string>? Per = null)
{
    public static UsageTableColumn Metric(string code) => new(code, UsageTableColumnKind.Count, [code]);

    /// <summary>What a ratio is multiplied by: 7 turns prompts per person-day into prompts per person and week.</summary>
    public double Scale { get; init; } = 1;

    public bool IsSingleMetric => Kind == UsageTableColumnKind.Count && Metrics.Count == 1;

    public string Name => IsSingleMetric ? UsageMetrics.Get(Metrics[0]).Name : UsageText.Get("Column_" + Key);

    /// <summary>How the column is computed, for a tooltip or the metrics page.</summary>
    public string HowComputed => IsSingleMetric ? UsageMetrics.Get(Metrics[0]).HowComputed : UsageText.Get("ColumnHow_" + Key);

    public IEnumerable<string> AllMetrics => Per is null ? Metrics : Metrics.Concat(Per);
}

/// <summary>A figure as it may be shown: a value, or no value and the reason it is hidden. Neither means no data.</summary>
public readonly record struct UsageCell(double? Value, SuppressionReason Reason)
{
    public static readonly UsageCell NoData = new(null, SuppressionReason.None);

    public bool IsSuppressed => Reason != SuppressionReason.None;

    public bool HasValue => Value.HasValue;
}

public enum UsageTrend
{
    Unknown,
    Up,
    Down,
    Flat,
}

/// <summary>One agency (or the municipality) in an aggregate table: the cells at the date and one window earlier.</summary>
public sealed record UsageTableRow(int AgencyId, string Code, string Name, IReadOnlyList<UsageCell> Cells, IReadOnlyList<UsageCell> Earlier)
{
    /// <summary>Up or down when both figures are shown and differ by more than half a percent; flat otherwise.</summary>
    public UsageTrend Trend(int column)
    {
        var now = Cells[column];
        var then = Earlier[column];
        if (now.Value is not { } a || then.Value is not { } b)
        {
            return UsageTrend.Unknown;
        }
        var tolerance = Math.Max(Math.Abs(b) * 0.005, 1e-9);
        return a - b > tolerance ? UsageTrend.Up : b - a > tolerance ? UsageTrend.Down : UsageTrend.Flat;
    }
}

/// <summary>
/// Agencies by columns for one date and window, with the municipality's figures (which include people no agency could
/// be found for). <see cref="Date"/> is null when nothing is imported.
/// </summary>
public sealed record UsageTable(
    DateOnly? Date,
    int Window,
    IReadOnlyList<UsageTableColumn> Columns,
    IReadOnlyList<UsageTableRow> Rows,
    UsageTableRow Municipality,
    int MinimumGroupSize,
    int DaysWithData)
{
    public DateOnly? EarlierDate => Date?.AddDays(-Window);
}

public sealed record UsagePoint(DateOnly Date, UsageCell Cell);

public sealed record UsageSeries(string Metric, IReadOnlyList<UsagePoint> Points)
{
    public string Name => UsageMetrics.Get(Metric).Name;
}

public enum UsageUnit
{
    Count,
    Minutes,
    Bytes,
}

/// <summary>A chart of the agency and workload pages: a few metrics of one category on the same scale.</summary>
public sealed record UsageChart(string Key, UsageCategory Category, UsageUnit Unit, IReadOnlyList<string> Metrics)
{
    public string Title => UsageText.Get("Chart_" + Key);
}

/// <summary>Daily figures for one agency, or for the municipality when <see cref="AgencyId"/> is null.</summary>
public sealed record UsageSeriesSet(int? AgencyId, string? Code, string Name, DateOnly From, DateOnly To, IReadOnlyList<UsageSeries> Series, int MinimumGroupSize)
{
    public UsageSeries? Find(string metric) => Series.FirstOrDefault(s => s.Metric == metric);
}

/// <summary>The charts and tables the pages show, in one place so the API and exports offer the same figures.</summary>
public static class UsageViews
{
    /// <summary>The overview's key metrics: reach, the shift from e-mail to Teams, sharing and meetings.</summary>
    public static IReadOnlyList<UsageTableColumn> OverviewColumns(int window) =>
    [
        new("teamsShare", UsageTableColumnKind.Share, [$"teams.active{window}"], ["teams.licensed"]),
        UsageTableColumn.Metric($"teams.active{window}"),
        UsageTableColumn.Metric("exchange.sent"),
        new("teamsMessages", UsageTableColumnKind.Count, ["teams.chatMessages", "teams.channelMessages"]),
        new("messagesPerEmail", UsageTableColumnKind.Ratio, ["teams.chatMessages", "teams.channelMessages"], ["exchange.sent"]),
        new("filesShared", UsageTableColumnKind.Count,
            ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"]),
        UsageTableColumn.Metric("teams.meetingsOrganised"),
        UsageTableColumn.Metric("teams.meetingsAttended"),
    ];

    /// <summary>The columns of a workload's table: its share active, then every metric of the workload that a window can show.</summary>
    public static IReadOnlyList<UsageTableColumn> WorkloadColumns(UsageWorkload workload, int window)
    {
        var prefix = UsageMetrics.Prefix(workload);
        var columns = new List<UsageTableColumn>();
        if (workload == UsageWorkload.Copilot)
        {
            columns.Add(new UsageTableColumn("copilotShare", UsageTableColumnKind.Share, [$"copilot.active{window}"], ["copilot.licensed"]));
            columns.AddRange(CopilotPromptColumns);
        }
        else if (workload != UsageWorkload.Apps)
        {
            columns.Add(new UsageTableColumn($"{prefix}Share", UsageTableColumnKind.Share, [$"{prefix}.active{window}"], [$"{prefix}.licensed"]));
        }
        foreach (var metric in UsageMetrics.All.Where(m => m.Workload == workload && UsageMetrics.ByDay(m)))
        {
            // Other windows' reach figures and the one-day figures would crowd the table; the window filter picks the one.
            var code = metric.Code;
            var windowed = code.EndsWith(".active1", StringComparison.Ordinal)
                || UsageMetrics.Windows.Any(w => w != window && (code.EndsWith($"{w}", StringComparison.Ordinal) && metric.Category == UsageCategory.Reach));
            if (!windowed)
            {
                columns.Add(UsageTableColumn.Metric(code));
            }
        }
        return columns;
    }

    /// <summary>
    /// The figures of the Copilot report's second version: prompts per person and week, the share of licence holders
    /// who submitted a prompt in the period, and the share of the period's days they used Copilot on. Empty cells when
    /// only the first version has been imported.
    /// </summary>
    public static IReadOnlyList<UsageTableColumn> CopilotPromptColumns { get; } =
    [
        new("copilotPromptsPerWeek", UsageTableColumnKind.Ratio, ["copilot.prompts"], ["copilot.promptDays"]) { Scale = 7 },
        new("copilotPromptersShare", UsageTableColumnKind.Share, ["copilot.prompters"], ["copilot.licensed"]),
        new("copilotActiveDaysShare", UsageTableColumnKind.Share, ["copilot.activeDays"], ["copilot.promptDays"]),
    ];

    /// <summary>
    /// The Teams device table (from the period report getTeamsDeviceUsageUserDetail): the shares on phones, computers
    /// and the web of everyone who used Teams in the period, then the people per device kind.
    /// </summary>
    public static IReadOnlyList<UsageTableColumn> DeviceColumns { get; } =
    [
        new("deviceMobileShare", UsageTableColumnKind.Share, ["teams.deviceMobile"], ["teams.deviceUsers"]),
        new("deviceDesktopShare", UsageTableColumnKind.Share, ["teams.deviceDesktop"], ["teams.deviceUsers"]),
        new("deviceWebShare", UsageTableColumnKind.Share, ["teams.deviceWeb"], ["teams.deviceUsers"]),
        UsageTableColumn.Metric("teams.deviceUsers"),
        .. UsageMetrics.TeamsDeviceKinds.Select(d => UsageTableColumn.Metric("teams." + d.Code)),
    ];

    public static readonly IReadOnlyList<UsageChart> AgencyCharts =
    [
        new("reach", UsageCategory.Reach, UsageUnit.Count,
            ["exchange.active28", "teams.active28", "onedrive.active28", "sharepoint.active28", "vivaengage.active28", "apps.active28"]),
        new("communication", UsageCategory.Communication, UsageUnit.Count, ["exchange.sent", "teams.chatMessages", "teams.channelMessages"]),
        new("meetings", UsageCategory.Meetings, UsageUnit.Count, ["teams.meetingsOrganised", "teams.meetingsAttended", "exchange.meetingsCreated"]),
        new("minutes", UsageCategory.Meetings, UsageUnit.Minutes, ["teams.audioMinutes", "teams.videoMinutes", "teams.screenShareMinutes"]),
        new("sharing", UsageCategory.ContentCollaboration, UsageUnit.Count,
            ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"]),
        new("teamwork", UsageCategory.Teamwork, UsageUnit.Count, ["teams.channelPosters", "sharepoint.activeSites"]),
        new("mobility", UsageCategory.Mobility, UsageUnit.Count, ["apps.windows", "apps.mac", "apps.mobile", "apps.web"]),
        new("copilot", UsageCategory.Reach, UsageUnit.Count, ["copilot.licensed", "copilot.active7", "copilot.active28"]),
        new("storage", UsageCategory.Storage, UsageUnit.Bytes, ["exchange.storageBytes", "onedrive.storageBytes", "sharepoint.storageBytes"]),
    ];

    /// <summary>The municipality-wide charts of a workload's page.</summary>
    public static IReadOnlyList<UsageChart> WorkloadCharts(UsageWorkload workload)
    {
        var prefix = UsageMetrics.Prefix(workload);
        var reach = workload == UsageWorkload.Apps
            ? new[] { "apps.active7", "apps.active28" }
            : [$"{prefix}.licensed", $"{prefix}.active7", $"{prefix}.active28"];
        return [new UsageChart("workloadReach", UsageCategory.Reach, UsageUnit.Count, reach)];
    }
}

/// <summary>How figures are written on the pages: in the UI language, shares as percentages, bytes as gigabytes.</summary>
public static class UsageFormat
{
    public static string Value(double value, UsageTableColumnKind kind, System.Globalization.CultureInfo culture) => kind switch
    {
        UsageTableColumnKind.Share => value.ToString("N1", culture) + " %",
        UsageTableColumnKind.Ratio => value.ToString("N2", culture),
        _ => value.ToString("N0", culture),
    };

    public static string Value(double value, UsageUnit unit, System.Globalization.CultureInfo culture) => unit switch
    {
        UsageUnit.Bytes => (value / 1e9).ToString("N1", culture) + " GB",
        _ => value.ToString("N0", culture),
    };

    /// <summary>The value a chart plots: gigabytes for bytes, so the axis reads like the table.</summary>
    public static double? ChartValue(UsageCell cell, UsageUnit unit) =>
        cell.Value is { } v ? (unit == UsageUnit.Bytes ? Math.Round(v / 1e9, 2) : v) : null;
}
