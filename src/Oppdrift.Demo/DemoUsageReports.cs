using System.Text;
using Oppdrift.Usage;

namespace Oppdrift.Demo;

// The nine reports' rows. Each row writer writes its columns in the order of its header; the reader's tests
// catch a column written in the wrong place, because counts, dates, booleans and durations parse differently.
public sealed partial class DemoUsage
{
    internal delegate void RowWriter(int row, int day, DemoCsvBytes output);

    /// <summary>A report's header (with the byte-order mark), how many row slots it has, and the writer of one slot.</summary>
    internal sealed record ReportLayout(byte[] Header, int Rows, RowWriter Write);

    private enum Workload
    {
        Exchange = 1,
        Teams = 2,
        OneDrive = 3,
        SharePoint = 4,
    }

    /// <summary>
    /// getTeamsUserActivityUserDetail in an order other than the documented one, as real downloads sometimes are:
    /// identity first, the seconds before the durations and the tenant columns at the end.
    /// </summary>
    internal static readonly string[] TeamsHeader =
    [
        "Report Refresh Date", "User Id", "User Principal Name", "Last Activity Date", "Is Deleted", "Deleted Date", "Assigned Products",
        "Team Chat Message Count", "Private Chat Message Count", "Call Count", "Meeting Count",
        "Meetings Organized Count", "Meetings Attended Count", "Ad Hoc Meetings Organized Count", "Ad Hoc Meetings Attended Count",
        "Scheduled One-time Meetings Organized Count", "Scheduled One-time Meetings Attended Count",
        "Scheduled Recurring Meetings Organized Count", "Scheduled Recurring Meetings Attended Count",
        "Audio Duration In Seconds", "Video Duration In Seconds", "Screen Share Duration In Seconds",
        "Audio Duration", "Video Duration", "Screen Share Duration", "Post Messages", "Reply Messages", "Urgent Messages",
        "Has Other Action", "Is Licensed", "Tenant Display Name", "Shared Channel Tenant Display Names", "Report Period",
    ];

    /// <summary>A column the catalogue does not know, as Microsoft adds them: the reader must warn and go on.</summary>
    internal const string UnknownSiteColumn = "Site Sensitivity Label Id";

    private static readonly byte[] ProductsE3 = "MICROSOFT 365 E3"u8.ToArray();
    private static readonly byte[] ProductsF3 = "MICROSOFT 365 F3"u8.ToArray();
    private static readonly byte[] ProductsE3Copilot = "MICROSOFT 365 E3+MICROSOFT 365 COPILOT"u8.ToArray();
    private static readonly byte[] UnknownUser = Encoding.ASCII.GetBytes(UsageValues.UnknownUser);
    private static readonly byte[] ZeroUserId = Encoding.ASCII.GetBytes(Guid.Empty.ToString("D"));
    private static readonly byte[] Tenant = Encoding.UTF8.GetBytes(DemoCatalogue.MunicipalityName);
    private static readonly byte[] NeighbourTenant = "Nabo kommune"u8.ToArray();

    private const long TerabyteBytes = 1L << 40;
    private const long SiteStorageAllocated = 27_487_790_694_400;

    internal ReportLayout LayoutOf(UsageReportType report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var users = _users.Length;
        return report.Name switch
        {
            "getOffice365ActiveUserDetail" => new(Header(report), users + UnknownRows, Office365Row),
            "getEmailActivityUserDetail" => new(Header(report), users + UnknownRows, EmailRow),
            "getTeamsUserActivityUserDetail" => new(HeaderOf(TeamsHeader), users + UnknownRows, TeamsRow),
            "getOneDriveActivityUserDetail" => new(Header(report), users + UnknownRows, OneDriveActivityRow),
            "getSharePointActivityUserDetail" => new(Header(report), users + UnknownRows, SharePointActivityRow),
            "getOneDriveUsageAccountDetail" => new(Header(report), users, OneDriveUsageRow),
            "getSharePointSiteUsageDetail" => new(HeaderOf(SiteHeader(report)), _sites.Length, SiteRow),
            "getMailboxUsageDetail" => new(Header(report), users, MailboxRow),
            "getM365AppUserDetail" => new(Header(report), users, AppRow),
            "getMicrosoft365CopilotUsageUserDetail" => new(Header(report), users, CopilotRow),
            "getTeamsDeviceUsageUserDetail" => new(Header(report), users, TeamsDeviceRow),
            _ => throw new ArgumentOutOfRangeException(nameof(report), report.Name, "Not a report the demo generates"),
        };
    }

    private static byte[] Header(UsageReportType report) => HeaderOf([.. report.Columns.Select(c => c.Name)]);

    private static string[] SiteHeader(UsageReportType report)
    {
        var names = report.Columns.Select(c => c.Name).ToList();
        names.Insert(names.IndexOf("Root Web Template") + 1, UnknownSiteColumn);
        return [.. names];
    }

    private static byte[] HeaderOf(string[] names) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(string.Join(',', names) + "\r\n")];

    // ---- Activity: who did something on a day, and the last day they did ----

    private static int AdoptedOn(in User user, Workload workload) => workload switch
    {
        Workload.Exchange => user.AdoptExchange,
        Workload.Teams => user.AdoptTeams,
        Workload.OneDrive => user.AdoptOneDrive,
        _ => user.AdoptSharePoint,
    };

    private static double Likelihood(in User user, Workload workload) => workload switch
    {
        Workload.Exchange => user.QMail,
        Workload.Teams => user.QTeams,
        Workload.OneDrive => user.QOneDrive,
        _ => user.QSharePoint,
    };

    /// <summary>In the reports on this day: hired, and not yet gone 30 days after deletion.</summary>
    private static bool Present(in User user, int day) => day >= user.Since && (user.DeletedDay == Never || day < user.DeletedDay + 30);

    private static bool IsDeleted(in User user, int day) => day >= user.DeletedDay;

    private bool Active(in User user, int day, Workload workload)
    {
        var adopted = AdoptedOn(user, workload);
        if (day < adopted || day >= user.DeletedDay)
        {
            return false;
        }
        // The first day is always active, so a person who has adopted always has a last activity date.
        return day == adopted || Unit(Hash(user.Key, day, (int)workload)) < Likelihood(user, workload) * DayFactor(day, user.ShiftWork);
    }

    /// <summary>The last active day on or before <paramref name="day"/>, or -1 for never.</summary>
    private int LastActive(in User user, int day, Workload workload)
    {
        var adopted = AdoptedOn(user, workload);
        var from = Math.Min(day, user.DeletedDay - 1);
        if (adopted == Never || from < adopted)
        {
            return -1;
        }
        // Active() unrolled: this scan is the generator's hot loop.
        var likelihood = Likelihood(user, workload);
        var factors = user.ShiftWork ? _shiftDay : _officeDay;
        var stop = Math.Max(adopted + 1, from - 180);
        for (var d = from; d >= stop; d--)
        {
            var index = d - EpochDay;
            var factor = (uint)index < (uint)factors.Length ? factors[index] : DayFactor(d, user.ShiftWork);
            if (Unit(Hash(user.Key, d, (int)workload)) < likelihood * factor)
            {
                return d;
            }
        }
        // The adoption day is always active; after half a year without activity (rare) it stands in.
        return adopted;
    }

    private static byte[] Products(in User user, bool deleted) => deleted ? [] : user.License switch
    {
        License.E3 => ProductsE3,
        License.F3 => ProductsF3,
        License.E3Copilot => ProductsE3Copilot,
        _ => [],
    };

    private static bool Licensed(in User user, int day) => user.License != License.None && !IsDeleted(user, day);

    private static void Identity(in User user, int day, DemoCsvBytes o, bool withName)
    {
        o.Date(day);
        o.Comma();
        o.Raw(user.Upn);
        o.Comma();
        if (withName)
        {
            o.Raw(user.Name);
            o.Comma();
        }
        var deleted = IsDeleted(user, day);
        o.TrueFalse(deleted);
        o.Comma();
        o.Date(deleted ? user.DeletedDay : -1);
        o.Comma();
    }

    private static void UnknownIdentity(int day, DemoCsvBytes o, bool withName)
    {
        o.Date(day);
        o.Comma();
        o.Raw(UnknownUser);
        o.Comma();
        if (withName)
        {
            o.Comma();
        }
        o.Raw("False,,"u8);
    }

    private ref readonly User UserAt(int row) => ref _users[row];

    // ---- getOffice365ActiveUserDetail ----

    private void Office365Row(int row, int day, DemoCsvBytes o)
    {
        if (row >= _users.Length)
        {
            UnknownIdentity(day, o, withName: true);
            o.Raw("False,False,False,False,False,False,"u8);
            o.Date(day - 1 - (row - _users.Length));
            o.Raw(",,,,,,,,,,,,"u8);
            o.EndRow();
            return;
        }
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day))
        {
            return;
        }
        Identity(user, day, o, withName: true);
        var licensed = Licensed(user, day);
        o.TrueFalse(licensed); // Exchange
        o.Comma();
        o.TrueFalse(licensed); // OneDrive
        o.Comma();
        o.TrueFalse(licensed); // SharePoint
        o.Comma();
        o.TrueFalse(false); // Skype for Business, retired
        o.Comma();
        o.TrueFalse(licensed); // Yammer
        o.Comma();
        o.TrueFalse(licensed); // Teams
        o.Comma();
        o.Date(LastActive(user, day, Workload.Exchange));
        o.Comma();
        o.Date(LastActive(user, day, Workload.OneDrive));
        o.Comma();
        o.Date(LastActive(user, day, Workload.SharePoint));
        o.Comma();
        o.Comma(); // Skype for Business last activity
        o.Comma(); // Yammer last activity: nobody in the demo uses Viva Engage
        o.Date(LastActive(user, day, Workload.Teams));
        o.Comma();
        var assigned = licensed ? user.Since : -1;
        o.Date(assigned);
        o.Comma();
        o.Date(assigned);
        o.Comma();
        o.Date(assigned);
        o.Comma();
        o.Comma(); // Skype for Business licence assign date
        o.Date(assigned);
        o.Comma();
        o.Date(assigned);
        o.Comma();
        o.Raw(Products(user, IsDeleted(user, day)));
        o.EndRow();
    }

    // ---- getEmailActivityUserDetail ----

    private void EmailRow(int row, int day, DemoCsvBytes o)
    {
        if (row >= _users.Length)
        {
            UnknownIdentity(day, o, withName: true);
            o.Date(day - (row - _users.Length));
            o.Raw(",0,3,1,0,0,,1"u8);
            o.EndRow();
            return;
        }
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day))
        {
            return;
        }
        Identity(user, day, o, withName: true);
        // The last active day is the report's own day exactly when the person was active on it.
        var active = LastActive(user, day, Workload.Exchange) is var last && last == day;
        o.Date(last);
        o.Comma();
        var hasMailbox = user.AdoptExchange != Never && !IsDeleted(user, day);
        var receive = hasMailbox ? Draw(Hash(user.Key, day, 10), user.MailVolume * 3.5 * (0.15 + (0.85 * DayFactor(day, user.ShiftWork)))) : 0;
        int send = 0, read = 0, created = 0, interacted = 0;
        if (active)
        {
            // The shift from e-mail to Teams: fewer e-mails sent as the story goes on, fewer still for Teams users.
            var teamsUser = day >= user.AdoptTeams;
            send = Draw(Hash(user.Key, day, 11), user.MailVolume * (1 - (0.4 * Progress(day))) * (teamsUser ? 0.8 : 1.0));
            read = Math.Max(1, (int)(receive * (0.5 + (0.45 * Unit(Hash(user.Key, day, 12))))));
            created = Draw(Hash(user.Key, day, 13), user.Leader ? 0.8 : 0.12);
            interacted = Draw(Hash(user.Key, day, 14), user.Leader ? 2.0 : 0.5);
        }
        o.Count(send);
        o.Comma();
        o.Count(receive);
        o.Comma();
        o.Count(read);
        o.Comma();
        o.Count(created);
        o.Comma();
        o.Count(interacted);
        o.Comma();
        o.Raw(Products(user, IsDeleted(user, day)));
        o.Raw(",1"u8);
        o.EndRow();
    }

    // ---- getTeamsUserActivityUserDetail (in TeamsHeader's order) ----

    private void TeamsRow(int row, int day, DemoCsvBytes o)
    {
        if (row >= _users.Length)
        {
            o.Date(day);
            o.Comma();
            o.Raw(ZeroUserId);
            o.Comma();
            o.Raw(UnknownUser);
            o.Comma();
            o.Date(day - 1 - (row - _users.Length));
            o.Raw(",False,,,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,PT0S,PT0S,PT0S,0,0,0,No,No,"u8);
            o.Raw(Tenant);
            o.Raw(",,1"u8);
            o.EndRow();
            return;
        }
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day))
        {
            return;
        }
        var deleted = IsDeleted(user, day);
        o.Date(day);
        o.Comma();
        o.Raw(user.UserId);
        o.Comma();
        o.Raw(user.Upn);
        o.Comma();
        var lastTeams = LastActive(user, day, Workload.Teams);
        o.Date(lastTeams);
        o.Comma();
        o.TrueFalse(deleted);
        o.Comma();
        o.Date(deleted ? user.DeletedDay : -1);
        o.Comma();
        o.Raw(Products(user, deleted));
        o.Comma();

        int teamChat = 0, privateChat = 0, calls = 0, meetings = 0, organized = 0, audio = 0, video = 0, screen = 0;
        var other = false;
        if (lastTeams == day)
        {
            // Chat grows over the story and over a person's first month with Teams.
            var ramp = 0.4 + (0.6 * Math.Min(1.0, (day - user.AdoptTeams) / 30.0));
            var chat = user.ChatVolume * (0.6 + (1.2 * Progress(day))) * ramp;
            privateChat = Draw(Hash(user.Key, day, 20), chat);
            teamChat = Draw(Hash(user.Key, day, 21), chat * 0.3);
            calls = Draw(Hash(user.Key, day, 22), user.License == License.F3 ? 0.2 : 0.5);
            meetings = Draw(Hash(user.Key, day, 23), user.License == License.F3 ? 0.25 : user.Leader ? 2.5 : 1.0);
            organized = Math.Min(meetings, Draw(Hash(user.Key, day, 24), user.Leader ? 1.0 : 0.2));
            other = Unit(Hash(user.Key, day, 25)) < 0.15;
            if (teamChat + privateChat + calls + meetings == 0 && !other)
            {
                privateChat = 1;
            }
            var meetingSeconds = meetings * (900 + (int)(2700 * Unit(Hash(user.Key, day, 26))));
            audio = meetingSeconds + (calls * (120 + (int)(600 * Unit(Hash(user.Key, day, 27)))));
            video = (int)(meetingSeconds * 0.6 * Unit(Hash(user.Key, day, 28)));
            screen = (int)(meetingSeconds * 0.15 * Unit(Hash(user.Key, day, 29)));
        }
        o.Count(teamChat);
        o.Comma();
        o.Count(privateChat);
        o.Comma();
        o.Count(calls);
        o.Comma();
        o.Count(meetings);
        o.Comma();
        o.Count(organized);
        o.Comma();
        o.Count(meetings);
        o.Comma();
        // Ad hoc, one-time and recurring meetings split what was organized and attended.
        var recurringOrganized = organized / 2;
        var oneTimeOrganized = (organized - recurringOrganized) / 2;
        var recurringAttended = meetings / 2;
        var oneTimeAttended = (meetings - recurringAttended) / 2;
        o.Count(organized - recurringOrganized - oneTimeOrganized);
        o.Comma();
        o.Count(meetings - recurringAttended - oneTimeAttended);
        o.Comma();
        o.Count(oneTimeOrganized);
        o.Comma();
        o.Count(oneTimeAttended);
        o.Comma();
        o.Count(recurringOrganized);
        o.Comma();
        o.Count(recurringAttended);
        o.Comma();
        o.Count(audio);
        o.Comma();
        o.Count(video);
        o.Comma();
        o.Count(screen);
        o.Comma();
        o.Duration(audio);
        o.Comma();
        o.Duration(video);
        o.Comma();
        o.Duration(screen);
        o.Comma();
        var posts = teamChat / 3;
        o.Count(posts);
        o.Comma();
        o.Count(teamChat - posts);
        o.Comma();
        o.Count(teamChat > 0 && Unit(Hash(user.Key, day, 30)) < 0.02 ? 1 : 0);
        o.Comma();
        o.YesNo(other);
        o.Comma();
        o.YesNo(Licensed(user, day));
        o.Comma();
        o.Raw(Tenant);
        o.Comma();
        if (teamChat > 0 && (user.Key & 31) == 0)
        {
            o.Raw(NeighbourTenant);
        }
        o.Raw(",1"u8);
        o.EndRow();
    }

    // ---- getOneDriveActivityUserDetail and getSharePointActivityUserDetail ----

    private static (int Viewed, int Synced, int Internal, int External) FileActivity(in User user, int day, Workload workload, bool active)
    {
        if (!active)
        {
            return default;
        }
        var stream = workload == Workload.OneDrive ? 40 : 50;
        var scale = workload == Workload.OneDrive ? 1.0 : 0.6;
        var viewed = 1 + Draw(Hash(user.Key, day, stream), user.FileVolume * scale);
        var synced = user.Windows && Unit(Hash(user.Key, day, stream + 1)) < 0.3 ? Draw(Hash(user.Key, day, stream + 2), user.FileVolume * 3 * scale) : 0;
        var shared = Draw(Hash(user.Key, day, stream + 3), 0.3 * scale);
        var external = Unit(Hash(user.Key, day, stream + 4)) < 0.01 ? 1 : 0;
        return (viewed, synced, shared, external);
    }

    private void OneDriveActivityRow(int row, int day, DemoCsvBytes o) => FileActivityRow(row, day, o, Workload.OneDrive);

    private void SharePointActivityRow(int row, int day, DemoCsvBytes o) => FileActivityRow(row, day, o, Workload.SharePoint);

    private void FileActivityRow(int row, int day, DemoCsvBytes o, Workload workload)
    {
        if (row >= _users.Length)
        {
            UnknownIdentity(day, o, withName: false);
            o.Date(day - 2 - (row - _users.Length));
            o.Raw(workload == Workload.OneDrive ? ",0,0,0,0,,1"u8 : ",0,0,0,0,2,,1"u8);
            o.EndRow();
            return;
        }
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day))
        {
            return;
        }
        Identity(user, day, o, withName: false);
        var last = LastActive(user, day, workload);
        o.Date(last);
        o.Comma();
        var (viewed, synced, shared, external) = FileActivity(user, day, workload, last == day);
        o.Count(viewed);
        o.Comma();
        o.Count(synced);
        o.Comma();
        o.Count(shared);
        o.Comma();
        o.Count(external);
        o.Comma();
        if (workload == Workload.SharePoint)
        {
            o.Count(viewed == 0 ? 0 : 1 + Draw(Hash(user.Key, day, 55), 4));
            o.Comma();
        }
        o.Raw(Products(user, IsDeleted(user, day)));
        o.Raw(",1"u8);
        o.EndRow();
    }

    // ---- getOneDriveUsageAccountDetail: a snapshot that grows ----

    private void OneDriveUsageRow(int row, int day, DemoCsvBytes o)
    {
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day) || day < user.AdoptOneDrive)
        {
            return;
        }
        var deleted = IsDeleted(user, day);
        o.Date(day);
        o.Comma();
        o.Raw(user.OneDriveUrl);
        o.Comma();
        o.Raw(user.Name);
        o.Comma();
        o.TrueFalse(deleted);
        o.Comma();
        var last = LastActive(user, day, Workload.OneDrive);
        o.Date(last);
        o.Comma();
        // Someone deleted before the day they would have adopted OneDrive still has the account, with no files in it.
        var age = Math.Max(0, Math.Min(day, user.DeletedDay) - user.AdoptOneDrive);
        var files = 5 + (long)(age * user.FileVolume * 0.4 * (0.5 + Unit(Mix(user.Key + 40))));
        var fileSize = 150_000 + (long)(2_000_000 * Unit(Mix(user.Key + 41)));
        o.Count(files);
        o.Comma();
        o.Count(FileActivity(user, day, Workload.OneDrive, last == day).Viewed);
        o.Comma();
        o.Count(files * fileSize);
        o.Comma();
        o.Count(user.License == License.F3 ? 2L << 30 : TerabyteBytes);
        o.Comma();
        o.Raw(user.Upn);
        o.Raw(",1"u8);
        o.EndRow();
    }

    // ---- getMailboxUsageDetail: only a period report exists, so each day is the D7 report fetched that day ----

    private void MailboxRow(int row, int day, DemoCsvBytes o)
    {
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day) || user.AdoptExchange == Never)
        {
            return;
        }
        Identity(user, day, o, withName: true);
        o.Date(user.Since);
        o.Comma();
        o.Date(LastActive(user, day, Workload.Exchange));
        o.Comma();
        var age = Math.Min(day, user.DeletedDay) - user.Since;
        var items = 200 + (long)(age * user.MailVolume * 4.5);
        var itemSize = 40_000 + (long)(70_000 * Unit(Mix(user.Key + 42)));
        o.Count(items);
        o.Comma();
        o.Count(items * itemSize);
        o.Comma();
        var (warning, send, sendReceive) = user.License == License.F3
            ? (1_932_735_283L, 2_040_109_466L, 2_147_483_648L)
            : (105_226_698_752L, 106_300_440_576L, 107_374_182_400L);
        o.Count(warning);
        o.Comma();
        o.Count(send);
        o.Comma();
        o.Count(sendReceive);
        o.Comma();
        var deletedItems = (long)(items * (0.005 + (0.03 * Unit(Hash(user.Key, day / 7, 43)))));
        o.Count(deletedItems);
        o.Comma();
        o.Count(deletedItems * itemSize);
        o.Comma();
        o.Count(32_212_254_720L);
        o.Comma();
        o.TrueFalse(user.License is License.E3 or License.E3Copilot && Unit(Mix(user.Key + 44)) < 0.15);
        o.Raw(",7"u8);
        o.EndRow();
    }

    // ---- getM365AppUserDetail ----

    private const int Windows = 0, Mac = 1, Mobile = 2, Web = 3;
    private const int Outlook = 0, Word = 1, Excel = 2, PowerPoint = 3, OneNote = 4, Teams = 5;

    private void AppRow(int row, int day, DemoCsvBytes o)
    {
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day) || !Licensed(user, day))
        {
            return;
        }
        o.Date(day);
        o.Comma();
        o.Raw(user.Upn);
        o.Comma();
        var activation = user.License == License.F3 ? -1 : user.Since + 20 + (int)(300 * Unit(Mix(user.Key + 45)));
        o.Date(activation <= day ? activation : -1);
        o.Comma();
        var mail = Active(user, day, Workload.Exchange);
        var teams = Active(user, day, Workload.Teams);
        var files = Active(user, day, Workload.OneDrive);
        var last = mail || teams || files ? day
            : Math.Max(Math.Max(LastActive(user, day, Workload.Exchange), LastActive(user, day, Workload.Teams)), LastActive(user, day, Workload.OneDrive));
        o.Date(last);
        o.Raw(",1,"u8);

        // Which app was used on which platform today, as bits platform * 6 + app.
        var used = 0;
        var desktop = !user.Windows ? Web : (user.Key % 25 == 0 ? Mac : Windows);
        var onDay = user.Windows ? desktop : (Unit(Hash(user.Key, day, 60)) < 0.7 ? Mobile : Web);
        var mobileToo = Unit(Hash(user.Key, day, 61)) < 0.35;
        if (mail)
        {
            used |= 1 << ((onDay * 6) + Outlook);
            used |= mobileToo ? 1 << ((Mobile * 6) + Outlook) : 0;
        }
        if (teams)
        {
            used |= 1 << ((onDay * 6) + Teams);
            used |= mobileToo ? 1 << ((Mobile * 6) + Teams) : 0;
        }
        if (files)
        {
            var office = user.Windows && Unit(Hash(user.Key, day, 62)) >= 0.2 ? desktop : Web;
            var pick = Unit(Hash(user.Key, day, 63));
            used |= 1 << ((office * 6) + Word);
            used |= pick < 0.5 ? 1 << ((office * 6) + Excel) : 0;
            used |= pick < 0.2 ? 1 << ((office * 6) + PowerPoint) : 0;
            used |= pick < 0.06 ? 1 << ((office * 6) + OneNote) : 0;
        }
        for (var platform = 0; platform < 4; platform++)
        {
            o.YesNo((used >> (platform * 6) & 0b111111) != 0);
            o.Comma();
        }
        for (var app = 0; app < 6; app++)
        {
            var any = (used & ((1 << app) | (1 << (6 + app)) | (1 << (12 + app)) | (1 << (18 + app)))) != 0;
            o.YesNo(any);
            o.Comma();
        }
        for (var bit = 0; bit < 24; bit++)
        {
            o.YesNo((used & (1 << bit)) != 0);
            if (bit < 23)
            {
                o.Comma();
            }
        }
        o.EndRow();
    }

    // ---- getMicrosoft365CopilotUsageUserDetail: a period report, so each day is the D7 report fetched that day ----

    // How likely a Copilot user uses it in each app on a working day, in the catalogue's app order.
    private static readonly double[] CopilotAppLikelihood = [0.30, 0.18, 0.09, 0.07, 0.28, 0.03, 0.02, 0.40];

    private void CopilotRow(int row, int day, DemoCsvBytes o)
    {
        ref readonly var user = ref UserAt(row);
        // Only people with a Copilot licence are in the report; a leaver's licence goes with the account.
        if (!Present(user, day) || user.License != License.E3Copilot || IsDeleted(user, day))
        {
            return;
        }
        o.Date(day);
        o.Raw(",7,"u8);
        o.Raw(user.Upn);
        o.Comma();
        o.Raw(user.Name);
        o.Comma();
        Span<int> last = stackalloc int[CopilotAppLikelihood.Length];
        var any = -1;
        for (var app = 0; app < last.Length; app++)
        {
            last[app] = LastCopilot(user, day, app);
            any = Math.Max(any, last[app]);
        }
        o.Date(any);
        for (var app = 0; app < last.Length; app++)
        {
            o.Comma();
            o.Date(last[app]);
        }
        // The second version's counts over the 7 days: one to four prompts on each day an app was used, Copilot
        // Chat's on the web besides, and the days with any use.
        long prompts = 0, work = 0, web = 0, days = 0;
        for (var d = day - 6; d <= day; d++)
        {
            var used = false;
            for (var app = 0; app < last.Length; app++)
            {
                if (UsedCopilot(user, d, app))
                {
                    var n = 1 + (int)(4 * Unit(Hash(user.Key, d, 90 + app)));
                    prompts += n;
                    work += app == last.Length - 1 ? n : 0;
                    used = true;
                }
            }
            if (used && Unit(Hash(user.Key, d, 99)) < 0.15)
            {
                web++;
                prompts++;
            }
            days += used ? 1 : 0;
        }
        foreach (var count in (ReadOnlySpan<long>)[prompts, work, web, days])
        {
            o.Comma();
            o.Count(count);
        }
        o.EndRow();
    }

    /// <summary>The last day on or before <paramref name="day"/> the person used Copilot in an app, or -1 within the last 90 days.</summary>
    private int LastCopilot(in User user, int day, int app)
    {
        for (var d = day; d > day - 90; d--)
        {
            if (UsedCopilot(user, d, app))
            {
                return d;
            }
        }
        return -1;
    }

    /// <summary>Whether the person used Copilot in an app on a day.</summary>
    private bool UsedCopilot(in User user, int d, int app)
    {
        // About a fifth of licence holders hardly use it, and the rest to very different degrees: the reason the
        // licences are followed up.
        var start = user.Since + 30 + (int)(120 * Unit(Mix(user.Key + 81)));
        if (d < start)
        {
            return false;
        }
        var u = Unit(Mix(user.Key + 80));
        var keen = u < 0.2 ? 0.01 : 0.05 + (0.9 * u);
        var likelihood = Math.Min(0.95, CopilotAppLikelihood[app] * keen * (user.Leader ? 1.3 : 1));
        return Unit(Hash(user.Key, d, 80 + app)) < likelihood * DayFactor(d, user.ShiftWork);
    }

    // ---- getTeamsDeviceUsageUserDetail: the D30 report fetched that day ----

    private void TeamsDeviceRow(int row, int day, DemoCsvBytes o)
    {
        ref readonly var user = ref UserAt(row);
        if (!Present(user, day) || user.AdoptTeams == Never)
        {
            return;
        }
        o.Date(day);
        o.Comma();
        o.Raw(user.UserId);
        o.Comma();
        o.Raw(user.Upn);
        o.Comma();
        var lastTeams = LastActive(user, day, Workload.Teams);
        o.Date(lastTeams);
        o.Comma();
        var deleted = IsDeleted(user, day);
        o.TrueFalse(deleted);
        o.Comma();
        o.Date(deleted ? user.DeletedDay : -1);
        o.Comma();
        var used = !deleted && lastTeams > day - 30;
        // Office workers use a computer and sometimes their phone; frontline workers mostly a phone or the browser.
        var phone = used && Unit(Mix(user.Key + 90)) < (user.Windows ? 0.35 : 0.8);
        var ios = Unit(Mix(user.Key + 91)) < 0.55;
        var web = used && Unit(Mix(user.Key + 92)) < (user.Windows ? 0.12 : 0.35);
        var computer = used && user.Windows;
        var mac = user.Key % 25 == 0;
        // Used Web, Used Windows Phone, Used iOS, Used Mac, Used Android Phone, Used Windows, Used Chrome OS, Used Linux
        o.YesNo(web || (used && !phone && !computer));
        o.Comma();
        o.YesNo(false);
        o.Comma();
        o.YesNo(phone && ios);
        o.Comma();
        o.YesNo(computer && mac);
        o.Comma();
        o.YesNo(phone && !ios);
        o.Comma();
        o.YesNo(computer && !mac);
        o.Comma();
        o.YesNo(false);
        o.Comma();
        o.YesNo(computer && user.Key % 97 == 0);
        o.Comma();
        o.YesNo(Licensed(user, day));
        o.Raw(",30"u8);
        o.EndRow();
    }

    // ---- getSharePointSiteUsageDetail ----

    private bool SiteActive(in Site site, int day)
    {
        if (day < site.Created || day >= site.DeletedDay)
        {
            return false;
        }
        var expected = SiteLoad(site, day);
        return day == site.Created || Unit(Hash(site.Key, day, 70)) < 1 - Math.Exp(-expected * 0.15);
    }

    private double SiteLoad(in Site site, int day) =>
        site.People * (site.Agency < 0 ? 0.6 : AgencyShare(site.Agency, day)) * DayFactor(day, shiftWork: false);

    private void SiteRow(int row, int day, DemoCsvBytes o)
    {
        ref readonly var site = ref _sites[row];
        if (day < site.Created || (site.DeletedDay != Never && day >= site.DeletedDay + 30))
        {
            return;
        }
        var deleted = day >= site.DeletedDay;
        o.Date(day);
        o.Comma();
        o.Raw(site.Id);
        o.Comma();
        o.Raw(site.Url);
        o.Comma();
        if (site.Owner >= 0)
        {
            o.Raw(_users[site.Owner].Name);
        }
        o.Comma();
        o.TrueFalse(deleted);
        o.Comma();
        var last = -1;
        var stop = Math.Max(site.Created, day - 180);
        for (var d = Math.Min(day, site.DeletedDay - 1); d >= stop; d--)
        {
            if (SiteActive(site, d))
            {
                last = d;
                break;
            }
        }
        o.Date(last);
        o.Comma();
        var age = Math.Min(day, site.DeletedDay) - site.Created;
        var files = (long)(site.People * 4 * Unit(Mix(site.Key + 1))) + (long)(age * site.People * 0.04 * (0.5 + Unit(Mix(site.Key + 2))));
        int active = 0, views = 0;
        if (SiteActive(site, day))
        {
            var load = SiteLoad(site, day);
            active = 1 + Draw(Hash(site.Key, day, 71), load * 0.25);
            views = active + Draw(Hash(site.Key, day, 72), load * 0.8);
        }
        o.Count(files);
        o.Comma();
        o.Count(Math.Min(active, files));
        o.Comma();
        o.Count(views);
        o.Comma();
        o.Count((int)(views * 0.4));
        o.Comma();
        o.Count(files * (400_000 + (long)(1_600_000 * Unit(Mix(site.Key + 5)))));
        o.Comma();
        o.Count(SiteStorageAllocated);
        o.Comma();
        o.Raw(site.Template);
        o.Comma();
        o.Raw(site.SensitivityLabel);
        o.Comma();
        if (site.Owner >= 0)
        {
            o.Raw(_users[site.Owner].Upn);
        }
        o.Raw(",1"u8);
        o.EndRow();
    }
}
