namespace Oppdrift.Usage;

/// <summary>How a column's text is read. Each kind has one parser in <see cref="UsageValues"/>.</summary>
public enum UsageValueKind
{
    /// <summary>Free text (names, URLs, ids), kept as written.</summary>
    Text,
    /// <summary>yyyy-MM-dd; empty means "never" or "not applicable".</summary>
    Date,
    /// <summary>True/False or Yes/No; both spellings are accepted because Microsoft mixes them between columns and over time.</summary>
    Boolean,
    /// <summary>A non-negative whole number (counts and byte sizes).</summary>
    Count,
    /// <summary>An ISO 8601 duration such as PT1H2M3S.</summary>
    Duration,
    /// <summary>Product names joined with '+'.</summary>
    Products,
    /// <summary>The report period in days.</summary>
    Period,
}

/// <summary>One documented column of a report: its header, how to read it, and whether a file without it is rejected.</summary>
public sealed record UsageColumn(string Name, UsageValueKind Kind, bool Required = true);

/// <summary>
/// One per-user (or per-site) detail report of the Microsoft Graph reports API. <see cref="UserColumn"/> names
/// the column that identifies a person (concealed in most tenants); sites are keyed by <see cref="KeyColumn"/>.
/// </summary>
public sealed record UsageReportType(string Name, string Workload, string KeyColumn, string? UserColumn, IReadOnlyList<UsageColumn> Columns)
{
    /// <summary>
    /// Whether every figure of the report is a state on its refresh date (last activity dates, sizes), the same
    /// whichever period was asked for: its figures are kept as the refresh date's (period 1) and shown with the daily
    /// reports'. The mailbox snapshot and the Copilot report, which Graph offers by period only, are such reports.
    /// </summary>
    public bool StateOnRefreshDate { get; init; }

    /// <summary>
    /// For columns Microsoft describes but does not name: the catalogue column a header means, when it is not a
    /// catalogue name itself (see <see cref="UsageReportCatalogue.CopilotPromptColumn"/>). Null for most reports.
    /// </summary>
    public Func<string, string?>? Alias { get; init; }

    /// <summary>The index of the catalogue column a file's header names, by its name or else by <see cref="Alias"/>; or -1.</summary>
    public int ColumnFor(string header)
    {
        var column = IndexOf(header);
        return column >= 0 || Alias?.Invoke(header) is not { } canonical ? column : IndexOf(canonical);
    }

    /// <summary>The index of a column in <see cref="Columns"/>, or -1; call once per file, not per row.</summary>
    public int IndexOf(string columnName)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, columnName, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Whether the report has one row per user: its rows are keyed by the user column, so a user on two rows would be
    /// counted twice. The site report has one row per site, and the owner of several sites is on several rows.
    /// </summary>
    public bool OneRowPerUser => UserColumn is not null && string.Equals(KeyColumn, UserColumn, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Name;
}

/// <summary>
/// The per-user detail reports Oppdrift reads, with their documented columns (Microsoft Learn, reportRoot API pages,
/// v1.0). Columns Microsoft added later (Teams meeting breakdowns, seconds, shared-channel tenants, archive) are
/// optional so older downloads still read; the columns the adoption metrics need are required.
/// </summary>
public static class UsageReportCatalogue
{
    public const string ReportRefreshDate = "Report Refresh Date";
    public const string ReportPeriod = "Report Period";
    public const string UserPrincipalName = "User Principal Name";
    public const string UserId = "User Id";

    private static UsageColumn Text(string name, bool required = true) => new(name, UsageValueKind.Text, required);
    private static UsageColumn Date(string name, bool required = true) => new(name, UsageValueKind.Date, required);
    private static UsageColumn Bool(string name, bool required = true) => new(name, UsageValueKind.Boolean, required);
    private static UsageColumn Count(string name, bool required = true) => new(name, UsageValueKind.Count, required);
    private static UsageColumn Duration(string name, bool required = true) => new(name, UsageValueKind.Duration, required);

    private static readonly UsageColumn RefreshDate = Date(ReportRefreshDate);
    private static readonly UsageColumn Period = new(ReportPeriod, UsageValueKind.Period);
    private static readonly UsageColumn Upn = Text(UserPrincipalName);
    private static readonly UsageColumn Products = new("Assigned Products", UsageValueKind.Products);

    public static readonly UsageReportType Office365ActiveUserDetail = new("getOffice365ActiveUserDetail", "Microsoft 365", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Upn, Text("Display Name", false), Bool("Is Deleted"), Date("Deleted Date", false),
        Bool("Has Exchange License"), Bool("Has OneDrive License"), Bool("Has SharePoint License"),
        Bool("Has Skype For Business License", false), Bool("Has Yammer License"), Bool("Has Teams License"),
        Date("Exchange Last Activity Date"), Date("OneDrive Last Activity Date"), Date("SharePoint Last Activity Date"),
        Date("Skype For Business Last Activity Date", false), Date("Yammer Last Activity Date"), Date("Teams Last Activity Date"),
        Date("Exchange License Assign Date", false), Date("OneDrive License Assign Date", false), Date("SharePoint License Assign Date", false),
        Date("Skype For Business License Assign Date", false), Date("Yammer License Assign Date", false), Date("Teams License Assign Date", false),
        Products,
    ]);

    public static readonly UsageReportType EmailActivityUserDetail = new("getEmailActivityUserDetail", "Exchange", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Upn, Text("Display Name", false), Bool("Is Deleted"), Date("Deleted Date", false), Date("Last Activity Date"),
        Count("Send Count"), Count("Receive Count"), Count("Read Count"), Count("Meeting Created Count", false), Count("Meeting Interacted Count", false),
        Products, Period,
    ]);

    public static readonly UsageReportType TeamsUserActivityUserDetail = new("getTeamsUserActivityUserDetail", "Teams", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Text("Tenant Display Name", false), Text("Shared Channel Tenant Display Names", false), Text(UserId, false), Upn,
        Date("Last Activity Date"), Bool("Is Deleted"), Date("Deleted Date", false), Products,
        Count("Team Chat Message Count"), Count("Private Chat Message Count"), Count("Call Count"), Count("Meeting Count"),
        Count("Post Messages", false), Count("Reply Messages", false), Count("Urgent Messages", false),
        Count("Meetings Organized Count", false), Count("Meetings Attended Count", false),
        Count("Ad Hoc Meetings Organized Count", false), Count("Ad Hoc Meetings Attended Count", false),
        Count("Scheduled One-time Meetings Organized Count", false), Count("Scheduled One-time Meetings Attended Count", false),
        Count("Scheduled Recurring Meetings Organized Count", false), Count("Scheduled Recurring Meetings Attended Count", false),
        Duration("Audio Duration", false), Duration("Video Duration", false), Duration("Screen Share Duration", false),
        Count("Audio Duration In Seconds", false), Count("Video Duration In Seconds", false), Count("Screen Share Duration In Seconds", false),
        Bool("Has Other Action", false), Bool("Is Licensed", false), Period,
    ]);

    public static readonly UsageReportType OneDriveActivityUserDetail = new("getOneDriveActivityUserDetail", "OneDrive", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Upn, Bool("Is Deleted"), Date("Deleted Date", false), Date("Last Activity Date"),
        Count("Viewed Or Edited File Count"), Count("Synced File Count"), Count("Shared Internally File Count"), Count("Shared Externally File Count"),
        Products, Period,
    ]);

    public static readonly UsageReportType SharePointActivityUserDetail = new("getSharePointActivityUserDetail", "SharePoint", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Upn, Bool("Is Deleted"), Date("Deleted Date", false), Date("Last Activity Date"),
        Count("Viewed Or Edited File Count"), Count("Synced File Count"), Count("Shared Internally File Count"), Count("Shared Externally File Count"),
        // Required: it is the one column that tells this report from the OneDrive activity report.
        Count("Visited Page Count"),
        Products, Period,
    ]);

    public static readonly UsageReportType OneDriveUsageAccountDetail = new("getOneDriveUsageAccountDetail", "OneDrive", "Owner Principal Name", "Owner Principal Name",
    [
        RefreshDate, Text("Site URL", false), Text("Owner Display Name", false), Bool("Is Deleted"), Date("Last Activity Date"),
        Count("File Count"), Count("Active File Count"), Count("Storage Used (Byte)"), Count("Storage Allocated (Byte)", false),
        Text("Owner Principal Name"), Period,
    ]);

    // Sites are keyed by Site Id because Site URL is empty in concealed tenants.
    public static readonly UsageReportType SharePointSiteUsageDetail = new("getSharePointSiteUsageDetail", "SharePoint", "Site Id", "Owner Principal Name",
    [
        RefreshDate, Text("Site Id"), Text("Site URL", false), Text("Owner Display Name", false), Bool("Is Deleted"), Date("Last Activity Date"),
        Count("File Count"), Count("Active File Count"), Count("Page View Count"), Count("Visited Page Count"),
        Count("Storage Used (Byte)"), Count("Storage Allocated (Byte)", false), Text("Root Web Template", false),
        Text("Owner Principal Name", false), Period,
    ]);

    public static readonly UsageReportType MailboxUsageDetail = new("getMailboxUsageDetail", "Exchange", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Upn, Text("Display Name", false), Bool("Is Deleted"), Date("Deleted Date", false), Date("Created Date", false),
        Date("Last Activity Date"), Count("Item Count"), Count("Storage Used (Byte)"),
        Count("Issue Warning Quota (Byte)", false), Count("Prohibit Send Quota (Byte)", false), Count("Prohibit Send/Receive Quota (Byte)"),
        Count("Deleted Item Count", false), Count("Deleted Item Size (Byte)", false), Count("Deleted Item Quota (Byte)", false),
        Bool("Has Archive", false), Period,
    ])
    { StateOnRefreshDate = true };

    public static readonly UsageReportType M365AppUserDetail = new("getM365AppUserDetail", "Apps", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Upn, Date("Last Activation Date", false), Date("Last Activity Date"), Period,
        Bool("Windows"), Bool("Mac"), Bool("Mobile"), Bool("Web"),
        Bool("Outlook"), Bool("Word"), Bool("Excel"), Bool("PowerPoint"), Bool("OneNote"), Bool("Teams"),
        .. AppPlatformColumns(),
    ]);

    /// <summary>The per-app columns of the Copilot report, with whether a file must have them (declared before the report, which reads it).</summary>
    public static readonly (string Column, string Code, bool Required)[] CopilotApps =
    [
        ("Microsoft Teams Copilot Last Activity Date", "teams", true),
        ("Word Copilot Last Activity Date", "word", true),
        ("Excel Copilot Last Activity Date", "excel", true),
        ("PowerPoint Copilot Last Activity Date", "powerpoint", true),
        ("Outlook Copilot Last Activity Date", "outlook", true),
        ("OneNote Copilot Last Activity Date", "onenote", false),
        ("Loop Copilot Last Activity Date", "loop", false),
        ("Copilot Chat Last Activity Date", "chat", false),
    ];

    /// <summary>
    /// The counts of the Copilot report's second version (asked for with <c>version='v2'</c>): prompts submitted in
    /// all apps, in Copilot Chat at work and on the web, and the days in the period the person used Copilot. Microsoft
    /// describes these columns but does not publish their headers, so a file's header is matched to them by its words
    /// (<see cref="CopilotPromptColumn"/>); the names here are the ones Oppdrift writes when it turns Graph's JSON into CSV.
    /// </summary>
    public static readonly (string Column, string Code)[] CopilotCounts =
    [
        ("Prompts Submitted (All Apps)", "prompts"),
        ("Copilot Chat (work) Prompts Submitted", "chatWorkPrompts"),
        ("Copilot Chat (web) Prompts Submitted", "chatWebPrompts"),
        ("Active Usage Days", "activeDays"),
    ];

    /// <summary>
    /// The <see cref="CopilotCounts"/> column a header means, by its words in any spelling ("Prompts Submitted For
    /// All Apps", "totalPromptsSubmittedCount", "Copilot Chat (Web) Prompt Count"): a prompt count on the web, at
    /// work, or over all apps (or in total), or a number of active (usage) days. Other prompt counts, such as one app's,
    /// are not among these and are reported as unknown columns. Null when the header means none of them.
    /// </summary>
    public static string? CopilotPromptColumn(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var words = Words(header);
        if (words.Contains("prompt") || words.Contains("prompts"))
        {
            return words.Contains("web") ? CopilotCounts[2].Column
                : words.Contains("work") ? CopilotCounts[1].Column
                : words.Contains("all") || words.Contains("total") ? CopilotCounts[0].Column
                : null;
        }
        // One app's active days ("Copilot Chat (work) Active Usage Days") are not the person's.
        return words.Contains("active") && (words.Contains("days") || words.Contains("day")) && !words.Contains("date")
            && !words.Overlaps(OneAppWords)
            ? CopilotCounts[3].Column
            : null;
    }

    private static readonly string[] OneAppWords = ["chat", "web", "work", "teams", "word", "excel", "powerpoint", "outlook", "onenote", "loop"];

    // The lower-case words of a header, split at spaces, punctuation and camelCase humps.
    private static HashSet<string> Words(string header)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var word = new System.Text.StringBuilder();
        for (var i = 0; i <= header.Length; i++)
        {
            var c = i < header.Length ? header[i] : ' ';
            var hump = char.IsUpper(c) && i > 0 && char.IsLower(header[i - 1]);
            if (!char.IsLetterOrDigit(c) || hump)
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
        }
        return words;
    }

    /// <summary>
    /// Microsoft 365 Copilot usage (reportRoot: getMicrosoft365CopilotUsageUserDetail, by period only): one row per
    /// user with a Copilot licence, the last activity date over all apps and per app, and in the report's second
    /// version the prompt counts and active days of <see cref="CopilotCounts"/>. The apps Microsoft added later
    /// (OneNote, Loop, Copilot Chat), the counts and the display name are optional; Graph's JSON form is turned into
    /// these columns by <see cref="CopilotReportJson"/>.
    /// </summary>
    public static readonly UsageReportType CopilotUsageUserDetail = new("getMicrosoft365CopilotUsageUserDetail", "Copilot", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Period, Upn, Text("Display Name", false), Date("Last Activity Date"),
        .. CopilotAppColumns(),
        .. CopilotCounts.Select(c => Count(c.Column, false)),
    ])
    { StateOnRefreshDate = true, Alias = CopilotPromptColumn };

    private static IEnumerable<UsageColumn> CopilotAppColumns() => CopilotApps.Select(a => Date(a.Column, a.Required));

    /// <summary>
    /// The devices people used Teams on (reportRoot: getTeamsDeviceUsageUserDetail): one row per user, a Yes/No per
    /// device kind over the report's period. Chrome OS and Linux came later and are optional.
    /// </summary>
    public static readonly UsageReportType TeamsDeviceUsageUserDetail = new("getTeamsDeviceUsageUserDetail", "Teams", UserPrincipalName, UserPrincipalName,
    [
        RefreshDate, Text(UserId, false), Upn, Date("Last Activity Date"), Bool("Is Deleted"), Date("Deleted Date", false),
        Bool("Used Web"), Bool("Used Windows Phone"), Bool("Used iOS"), Bool("Used Mac"), Bool("Used Android Phone"), Bool("Used Windows"),
        Bool("Used Chrome OS", false), Bool("Used Linux", false), Bool("Is Licensed", false), Period,
    ]);

    private static IEnumerable<UsageColumn> AppPlatformColumns()
    {
        foreach (var platform in new[] { "Windows", "Mac", "Mobile", "Web" })
        {
            foreach (var app in new[] { "Outlook", "Word", "Excel", "PowerPoint", "OneNote", "Teams" })
            {
                yield return Bool($"{app} ({platform})", false);
            }
        }
    }

    public static IReadOnlyList<UsageReportType> All { get; } =
    [
        Office365ActiveUserDetail, EmailActivityUserDetail, TeamsUserActivityUserDetail, OneDriveActivityUserDetail,
        SharePointActivityUserDetail, OneDriveUsageAccountDetail, SharePointSiteUsageDetail, MailboxUsageDetail, M365AppUserDetail,
        CopilotUsageUserDetail, TeamsDeviceUsageUserDetail,
    ];

    /// <summary>The report with this API name (case-insensitive), e.g. "getTeamsUserActivityUserDetail".</summary>
    public static UsageReportType? Find(string name)
    {
        foreach (var report in All)
        {
            if (string.Equals(report.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return report;
            }
        }
        return null;
    }

    /// <summary>
    /// Which report a header belongs to, by column names in any order: every required column must be there, and
    /// among those the report that explains most of the header wins (SharePoint activity over OneDrive activity
    /// when Visited Page Count is present). Null when no report's required columns are all present.
    /// </summary>
    public static UsageReportType? Recognise(IReadOnlyList<string> header)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in header)
        {
            names.Add(name.Trim());
        }
        UsageReportType? best = null;
        var bestMatched = -1;
        foreach (var report in All)
        {
            var matched = 0;
            var complete = true;
            foreach (var column in report.Columns)
            {
                if (names.Contains(column.Name))
                {
                    matched++;
                }
                else if (column.Required)
                {
                    complete = false;
                    break;
                }
            }
            if (complete && matched > bestMatched)
            {
                best = report;
                bestMatched = matched;
            }
        }
        return best;
    }
}
