namespace Oppdrift.Usage;

/// <summary>The groups Microsoft's Adoption Score uses, filled from what the detail reports contain.</summary>
public enum UsageCategory
{
    /// <summary>Licensed and active people per workload: the reach of the rollout.</summary>
    Reach,
    Communication,
    Meetings,
    ContentCollaboration,
    Teamwork,
    Mobility,
    Storage,
}

/// <summary>How a metric's daily values combine over a window of days.</summary>
public enum UsageMetricKind
{
    /// <summary>A number of people on the day (licensed, active in the last 7 days…): a window shows the last day's value.</summary>
    People,
    /// <summary>Activity on the day (messages sent, files shared): a window shows the sum of its days.</summary>
    Sum,
    /// <summary>A state on the day (bytes stored, files held): a window shows the last day's value.</summary>
    Snapshot,
}

/// <summary>
/// One adoption metric: a stable code (the key in the database and the API), the report it is computed from, and
/// how. Its name and the sentence saying how it is computed are in UsageText (Metric_{code} and MetricHow_{code}),
/// shown on the metrics page so every figure is explained in the app.
/// </summary>
public sealed record UsageMetric(string Code, string Report, UsageWorkload Workload, UsageCategory Category, UsageMetricKind Kind)
{
    public string Name => UsageText.Get("Metric_" + Code.Replace('.', '_'));

    public string HowComputed => UsageText.Get("MetricHow_" + Code.Replace('.', '_'));

    public override string ToString() => Code;
}

public static class UsageMetrics
{
    private const string ActiveUsers = "getOffice365ActiveUserDetail";
    private const string Email = "getEmailActivityUserDetail";
    private const string Teams = "getTeamsUserActivityUserDetail";
    private const string OneDriveActivity = "getOneDriveActivityUserDetail";
    private const string SharePointActivity = "getSharePointActivityUserDetail";
    private const string OneDriveUsage = "getOneDriveUsageAccountDetail";
    private const string SiteUsage = "getSharePointSiteUsageDetail";
    private const string Mailbox = "getMailboxUsageDetail";
    private const string Apps = "getM365AppUserDetail";
    private const string Copilot = "getMicrosoft365CopilotUsageUserDetail";
    public const string TeamsDevices = "getTeamsDeviceUsageUserDetail";

    /// <summary>The window lengths in days that "active", "returning" and "new" are computed for.</summary>
    public static readonly int[] Windows = [7, 28];

    /// <summary>The workloads of getOffice365ActiveUserDetail, with the prefix of their columns.</summary>
    public static readonly (UsageWorkload Workload, string Column)[] ActiveUserWorkloads =
    [
        (UsageWorkload.Exchange, "Exchange"),
        (UsageWorkload.OneDrive, "OneDrive"),
        (UsageWorkload.SharePoint, "SharePoint"),
        (UsageWorkload.Teams, "Teams"),
        (UsageWorkload.VivaEngage, "Yammer"),
    ];

    /// <summary>The platform columns of getM365AppUserDetail and their metric codes.</summary>
    public static readonly (string Column, string Code)[] AppPlatforms =
        [("Windows", "windows"), ("Mac", "mac"), ("Mobile", "mobile"), ("Web", "web")];

    /// <summary>The app columns of getM365AppUserDetail and their metric codes.</summary>
    public static readonly (string Column, string Code)[] AppNames =
        [("Outlook", "outlook"), ("Word", "word"), ("Excel", "excel"), ("PowerPoint", "powerpoint"), ("OneNote", "onenote"), ("Teams", "teamsApp")];

    /// <summary>
    /// The device columns of getTeamsDeviceUsageUserDetail, their metric codes and whether the device is a phone
    /// (mobile) or a computer (desktop); the web is neither.
    /// </summary>
    public static readonly (string Column, string Code, bool? Mobile)[] TeamsDeviceKinds =
    [
        ("Used Windows", "deviceWindows", false), ("Used Mac", "deviceMac", false), ("Used Linux", "deviceLinux", false),
        ("Used Chrome OS", "deviceChromeOS", false), ("Used iOS", "deviceIos", true), ("Used Android Phone", "deviceAndroid", true),
        ("Used Windows Phone", "deviceWindowsPhone", true), ("Used Web", "deviceWeb", null),
    ];

    /// <summary>
    /// Whether a metric's figures are kept by day (period 1) and so shown by the tables, charts and windows. The Teams
    /// device report's figures describe its whole period ("used on a phone in the last 30 days") and are shown apart.
    /// </summary>
    public static bool ByDay(UsageMetric metric) => metric is not null && metric.Report != TeamsDevices;

    public static string Prefix(UsageWorkload workload) => workload switch
    {
        UsageWorkload.Exchange => "exchange",
        UsageWorkload.Teams => "teams",
        UsageWorkload.OneDrive => "onedrive",
        UsageWorkload.SharePoint => "sharepoint",
        UsageWorkload.VivaEngage => "vivaengage",
        UsageWorkload.Apps => "apps",
        UsageWorkload.Copilot => "copilot",
        _ => throw new ArgumentOutOfRangeException(nameof(workload)),
    };

    /// <summary>The reach metrics of one workload: licensed (not for Apps), active today and in each window, returning and new.</summary>
    private static IEnumerable<UsageMetric> Reach(UsageWorkload workload, string report)
    {
        var p = Prefix(workload);
        if (workload != UsageWorkload.Apps)
        {
            yield return new($"{p}.licensed", report, workload, UsageCategory.Reach, UsageMetricKind.People);
        }
        yield return new($"{p}.people", report, workload, UsageCategory.Reach, UsageMetricKind.People);
        yield return new($"{p}.active1", report, workload, UsageCategory.Reach, UsageMetricKind.People);
        foreach (var w in Windows)
        {
            yield return new($"{p}.active{w}", report, workload, UsageCategory.Reach, UsageMetricKind.People);
            yield return new($"{p}.returning{w}", report, workload, UsageCategory.Reach, UsageMetricKind.People);
            yield return new($"{p}.new{w}", report, workload, UsageCategory.Reach, UsageMetricKind.People);
        }
    }

    public static IReadOnlyList<UsageMetric> All { get; } =
    [
        .. ActiveUserWorkloads.SelectMany(w => Reach(w.Workload, ActiveUsers)),
        .. Reach(UsageWorkload.Apps, Apps),
        .. Reach(UsageWorkload.Copilot, Copilot),
        .. UsageReportCatalogue.CopilotApps.SelectMany(a => Windows.Select(w =>
            new UsageMetric($"copilot.{a.Code}{w}", Copilot, UsageWorkload.Copilot, UsageCategory.Reach, UsageMetricKind.People))),
        .. UsageReportCatalogue.CopilotCounts.Select(c =>
            new UsageMetric($"copilot.{c.Code}", Copilot, UsageWorkload.Copilot, UsageCategory.ContentCollaboration, UsageMetricKind.Snapshot)),
        new("copilot.prompters", Copilot, UsageWorkload.Copilot, UsageCategory.ContentCollaboration, UsageMetricKind.People),
        new("copilot.promptDays", Copilot, UsageWorkload.Copilot, UsageCategory.ContentCollaboration, UsageMetricKind.Snapshot),

        new("exchange.senders", Email, UsageWorkload.Exchange, UsageCategory.Communication, UsageMetricKind.People),
        new("exchange.sent", Email, UsageWorkload.Exchange, UsageCategory.Communication, UsageMetricKind.Sum),
        new("exchange.received", Email, UsageWorkload.Exchange, UsageCategory.Communication, UsageMetricKind.Sum),
        new("exchange.read", Email, UsageWorkload.Exchange, UsageCategory.Communication, UsageMetricKind.Sum),
        new("exchange.meetingsCreated", Email, UsageWorkload.Exchange, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("exchange.meetingsInteracted", Email, UsageWorkload.Exchange, UsageCategory.Meetings, UsageMetricKind.Sum),

        new("teams.chatters", Teams, UsageWorkload.Teams, UsageCategory.Communication, UsageMetricKind.People),
        new("teams.chatMessages", Teams, UsageWorkload.Teams, UsageCategory.Communication, UsageMetricKind.Sum),
        new("teams.channelMessages", Teams, UsageWorkload.Teams, UsageCategory.Teamwork, UsageMetricKind.Sum),
        new("teams.channelPosters", Teams, UsageWorkload.Teams, UsageCategory.Teamwork, UsageMetricKind.People),
        new("teams.calls", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("teams.meetings", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("teams.meetingsOrganised", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("teams.meetingsAttended", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("teams.meetingPeople", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.People),
        new("teams.audioMinutes", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("teams.videoMinutes", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),
        new("teams.screenShareMinutes", Teams, UsageWorkload.Teams, UsageCategory.Meetings, UsageMetricKind.Sum),

        .. FileActivity(UsageWorkload.OneDrive, OneDriveActivity),
        .. FileActivity(UsageWorkload.SharePoint, SharePointActivity),
        new("sharepoint.pagesVisited", SharePointActivity, UsageWorkload.SharePoint, UsageCategory.Teamwork, UsageMetricKind.Sum),

        new("onedrive.accounts", OneDriveUsage, UsageWorkload.OneDrive, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("onedrive.files", OneDriveUsage, UsageWorkload.OneDrive, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("onedrive.activeFiles", OneDriveUsage, UsageWorkload.OneDrive, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("onedrive.storageBytes", OneDriveUsage, UsageWorkload.OneDrive, UsageCategory.Storage, UsageMetricKind.Snapshot),

        new("sharepoint.sites", SiteUsage, UsageWorkload.SharePoint, UsageCategory.Teamwork, UsageMetricKind.Snapshot),
        new("sharepoint.activeSites", SiteUsage, UsageWorkload.SharePoint, UsageCategory.Teamwork, UsageMetricKind.Snapshot),
        new("sharepoint.files", SiteUsage, UsageWorkload.SharePoint, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("sharepoint.activeFiles", SiteUsage, UsageWorkload.SharePoint, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("sharepoint.pageViews", SiteUsage, UsageWorkload.SharePoint, UsageCategory.Teamwork, UsageMetricKind.Sum),
        new("sharepoint.storageBytes", SiteUsage, UsageWorkload.SharePoint, UsageCategory.Storage, UsageMetricKind.Snapshot),

        new("exchange.mailboxes", Mailbox, UsageWorkload.Exchange, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("exchange.items", Mailbox, UsageWorkload.Exchange, UsageCategory.Storage, UsageMetricKind.Snapshot),
        new("exchange.storageBytes", Mailbox, UsageWorkload.Exchange, UsageCategory.Storage, UsageMetricKind.Snapshot),

        .. AppPlatforms.Select(p => new UsageMetric($"apps.{p.Code}", Apps, UsageWorkload.Apps, UsageCategory.Mobility, UsageMetricKind.People)),
        .. AppNames.Select(a => new UsageMetric($"apps.{a.Code}", Apps, UsageWorkload.Apps, UsageCategory.ContentCollaboration, UsageMetricKind.People)),

        new("teams.deviceUsers", TeamsDevices, UsageWorkload.Teams, UsageCategory.Mobility, UsageMetricKind.People),
        new("teams.deviceDesktop", TeamsDevices, UsageWorkload.Teams, UsageCategory.Mobility, UsageMetricKind.People),
        new("teams.deviceMobile", TeamsDevices, UsageWorkload.Teams, UsageCategory.Mobility, UsageMetricKind.People),
        .. TeamsDeviceKinds.Select(d => new UsageMetric($"teams.{d.Code}", TeamsDevices, UsageWorkload.Teams, UsageCategory.Mobility, UsageMetricKind.People)),
    ];

    private static IEnumerable<UsageMetric> FileActivity(UsageWorkload workload, string report)
    {
        var p = Prefix(workload);
        yield return new($"{p}.fileUsers", report, workload, UsageCategory.ContentCollaboration, UsageMetricKind.People);
        yield return new($"{p}.viewedOrEdited", report, workload, UsageCategory.ContentCollaboration, UsageMetricKind.Sum);
        yield return new($"{p}.synced", report, workload, UsageCategory.ContentCollaboration, UsageMetricKind.Sum);
        yield return new($"{p}.sharedInternally", report, workload, UsageCategory.ContentCollaboration, UsageMetricKind.Sum);
        yield return new($"{p}.sharedExternally", report, workload, UsageCategory.ContentCollaboration, UsageMetricKind.Sum);
        yield return new($"{p}.sharers", report, workload, UsageCategory.ContentCollaboration, UsageMetricKind.People);
    }

    private static readonly Dictionary<string, UsageMetric> ByCode = All.ToDictionary(m => m.Code, StringComparer.Ordinal);

    public static UsageMetric? Find(string code) => ByCode.GetValueOrDefault(code);

    public static UsageMetric Get(string code) => ByCode.TryGetValue(code, out var metric) ? metric : throw new ArgumentException($"No usage metric '{code}'.", nameof(code));

    /// <summary>The codes of the metrics a report produces, so reimporting it replaces exactly those.</summary>
    public static IReadOnlyList<string> CodesOf(string report) => All.Where(m => m.Report == report).Select(m => m.Code).ToList();

    /// <summary>The workloads whose per-person rows a report keeps for rolling windows.</summary>
    public static IReadOnlyList<UsageWorkload> ActivityWorkloadsOf(string report) => report switch
    {
        ActiveUsers => ActiveUserWorkloads.Select(w => w.Workload).ToList(),
        Apps => [UsageWorkload.Apps],
        Copilot => [UsageWorkload.Copilot],
        _ => [],
    };
}
