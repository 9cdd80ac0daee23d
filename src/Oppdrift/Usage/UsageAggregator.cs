// Turns the rows of one usage report into figures per agency, in one pass and without keeping the rows: the hot
// path of every import. Rolling-window metrics that need earlier days ("returning", "new") are finished by
// UsageImporter, which holds the earlier days' per-person snapshots.
using System.Buffers;

namespace Oppdrift.Usage;

/// <summary>One person's last activity (a day number, 0 for never) in one workload on the report's date, by import slot.</summary>
public readonly record struct UsageLastActivity(int Slot, int AgencyId, int LastDay);

/// <summary>One agency's values (in the report's metric order) and the number of people or sites they are over.</summary>
public sealed class UsageAgencyFigures(int metrics)
{
    public long[] Values { get; } = new long[metrics];
    public int People { get; set; }
}

/// <summary>What one report contributes: figures per agency and, for reach reports, the per-person snapshot.</summary>
public sealed class UsageReportFigures
{
    internal UsageReportFigures(UsageReportType report, DateOnly date, int period, IReadOnlyList<string> codes)
    {
        Report = report;
        Date = date;
        Period = period;
        Codes = codes;
    }

    public UsageReportType Report { get; }
    public DateOnly Date { get; }

    /// <summary>The report's period in days as the file says (1 for a daily report).</summary>
    public int Period { get; }

    /// <summary>
    /// The period the figures are kept under: the report's, or 1 for a report whose figures are states on its refresh
    /// date whatever its period (<see cref="UsageReportType.StateOnRefreshDate"/>), so they are shown with the daily ones.
    /// </summary>
    public int FigurePeriod => Report.StateOnRefreshDate ? 1 : Period;

    /// <summary>The metric codes, in the order of each agency's value array.</summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>Per agency: the values in <see cref="Codes"/> order and the number of people (or sites) they are over.</summary>
    public Dictionary<int, UsageAgencyFigures> Agencies { get; } = [];

    public Dictionary<UsageWorkload, List<UsageLastActivity>> Activity { get; } = [];

    public int Rows { get; internal set; }
    public int Matched { get; internal set; }
    public int Unmatched { get; internal set; }
    public int Skipped { get; internal set; }
}

/// <summary>Accumulates one report's rows; call <see cref="TryAdd"/> per row and take <see cref="Finish"/> at the end.</summary>
public sealed class UsageAggregator
{
    private readonly UsagePeople _people;
    private readonly UsageNameTable _names;
    private readonly UsageReportFigures _figures;
    private readonly int _day;
    private readonly Action<UsageRecord, long[]> _add;
    private readonly int _user;
    private readonly int _deleted;
    // For a report of one row per user: the line each person's row is on, by import slot (0: not seen). Slots are
    // the people UsagePeople has already resolved, so this catches a repeat in any letter case without a lookup of its own.
    private int[]? _lineBySlot;

    public UsageAggregator(UsageReportType report, DateOnly date, int period, UsagePeople people)
    {
        ArgumentNullException.ThrowIfNull(report);
        _people = people;
        _names = people.RentNames();
        _day = date.DayNumber;
        var codes = UsageMetrics.CodesOf(report.Name);
        _figures = new UsageReportFigures(report, date, period, codes);
        _user = report.UserColumn is { } user ? report.IndexOf(user) : -1;
        _deleted = report.IndexOf("Is Deleted");
        _add = Build(report, codes);
        if (report.OneRowPerUser)
        {
            _lineBySlot = ArrayPool<int>.Shared.Rent(Math.Max(1024, people.Slots));
            Array.Clear(_lineBySlot);
        }
    }

    public UsageReportFigures Figures => _figures;

    /// <summary>
    /// Adds a row's values; false, with the line of the earlier row, when the report has one row per user and this
    /// row's user already had one (the same name in any letter case, or the same concealed name). Such a report must
    /// be refused: its figures would count the person twice.
    /// </summary>
    public bool TryAdd(UsageRecord row, out int earlierLine)
    {
        ArgumentNullException.ThrowIfNull(row);
        earlierLine = 0;
        if (_deleted >= 0 && row.GetBoolean(_deleted) == true)
        {
            // A deleted user (or site) is history, not adoption: counting them would make a leaver look like a laggard.
            // Nor is it a repeat: a deleted account's name may since have been given to someone new.
            _figures.Skipped++;
            return true;
        }
        var name = _user >= 0 ? row.GetUtf8(_user) : default;
        var person = name.IsEmpty ? UsagePerson.Nobody : _names.Resolve(name);
        if (_lineBySlot is not null && person.Slot >= 0)
        {
            if (person.Slot >= _lineBySlot.Length)
            {
                GrowLines(person.Slot);
            }
            ref var line = ref _lineBySlot[person.Slot];
            if (line != 0)
            {
                earlierLine = line;
                return false;
            }
            line = row.Line;
        }
        _current = person;
        if (person.Matched)
        {
            _figures.Matched++;
        }
        else
        {
            _figures.Unmatched++;
        }
        _figures.Rows++;
        if (!_figures.Agencies.TryGetValue(person.AgencyId, out var agency))
        {
            agency = new UsageAgencyFigures(_figures.Codes.Count);
            _figures.Agencies[person.AgencyId] = agency;
        }
        agency.People++;
        _add(row, agency.Values);
        return true;
    }

    private void GrowLines(int slot)
    {
        var lines = ArrayPool<int>.Shared.Rent(Math.Max(slot + 1, _lineBySlot!.Length * 2));
        _lineBySlot.CopyTo(lines, 0);
        Array.Clear(lines, _lineBySlot.Length, lines.Length - _lineBySlot.Length);
        ArrayPool<int>.Shared.Return(_lineBySlot);
        _lineBySlot = lines;
    }

    private UsagePerson _current;
    private bool _finished;

    private Action<UsageRecord, long[]> Build(UsageReportType report, IReadOnlyList<string> codes)
    {
        int M(string code) => IndexOf(codes, code) is var i and >= 0 ? i : throw new InvalidOperationException($"{report.Name} has no metric {code}.");
        int C(string column) => report.IndexOf(column);
        long N(UsageRecord row, int column) => column >= 0 ? row.GetCount(column) ?? 0 : 0;
        bool B(UsageRecord row, int column) => column >= 0 && row.GetBoolean(column) == true;
        var day = _day;

        switch (report.Name)
        {
            case "getOffice365ActiveUserDetail":
                {
                    var workloads = UsageMetrics.ActiveUserWorkloads.Select(w => new ReachColumns(
                        w.Workload, C($"Has {w.Column} License"), C($"{w.Column} Last Activity Date"), UsageMetrics.Prefix(w.Workload), M)).ToArray();
                    return (row, values) =>
                    {
                        foreach (var w in workloads)
                        {
                            AddReach(row, values, w, B(row, w.License));
                        }
                    };
                }
            case "getM365AppUserDetail":
                {
                    var reach = new ReachColumns(UsageWorkload.Apps, -1, C("Last Activity Date"), "apps", M);
                    var platforms = UsageMetrics.AppPlatforms.Select(p => (Column: C(p.Column), Metric: M("apps." + p.Code))).ToArray();
                    var apps = UsageMetrics.AppNames.Select(a => (Column: C(a.Column), Metric: M("apps." + a.Code))).ToArray();
                    return (row, values) =>
                    {
                        AddReach(row, values, reach, licensed: false);
                        foreach (var (column, metric) in platforms)
                        {
                            values[metric] += B(row, column) ? 1 : 0;
                        }
                        foreach (var (column, metric) in apps)
                        {
                            values[metric] += B(row, column) ? 1 : 0;
                        }
                    };
                }
            case "getMicrosoft365CopilotUsageUserDetail":
                {
                    // Every row is a person with a Copilot licence, so the licensed count is the rows.
                    var reach = new ReachColumns(UsageWorkload.Copilot, -1, C("Last Activity Date"), "copilot", M) { Licensed = M("copilot.licensed") };
                    var apps = UsageReportCatalogue.CopilotApps.Select(a => (Column: C(a.Column), Windows: UsageMetrics.Windows
                        .Select(w => (Days: w, Metric: M($"copilot.{a.Code}{w}"))).ToArray())).ToArray();
                    // The second version's counts cover the report period, so the period of every row that has them
                    // is summed too: prompts per person and week is 7 × prompts / those person-days, whatever the period.
                    int period = C(UsageReportCatalogue.ReportPeriod), prompts = C(UsageReportCatalogue.CopilotCounts[0].Column);
                    var counts = UsageReportCatalogue.CopilotCounts.Select(c => (Column: C(c.Column), Metric: M("copilot." + c.Code))).ToArray();
                    int prompters = M("copilot.prompters"), promptDays = M("copilot.promptDays");
                    return (row, values) =>
                    {
                        AddReach(row, values, reach, licensed: true);
                        foreach (var (column, windows) in apps)
                        {
                            var last = column >= 0 && row.GetDate(column) is { } date ? date.DayNumber : 0;
                            foreach (var (days, metric) in windows)
                            {
                                values[metric] += last > day - days ? 1 : 0;
                            }
                        }
                        if (prompts >= 0 && row.GetCount(prompts) is { } submitted && row.GetPeriod(period) is { } periodDays and > 0)
                        {
                            foreach (var (column, metric) in counts)
                            {
                                values[metric] += N(row, column);
                            }
                            values[prompters] += submitted > 0 ? 1 : 0;
                            values[promptDays] += periodDays;
                        }
                    };
                }
            case "getTeamsDeviceUsageUserDetail":
                {
                    var devices = UsageMetrics.TeamsDeviceKinds.Select(d => (Column: C(d.Column), Metric: M("teams." + d.Code), d.Mobile)).ToArray();
                    int users = M("teams.deviceUsers"), desktop = M("teams.deviceDesktop"), mobile = M("teams.deviceMobile");
                    return (row, values) =>
                    {
                        bool any = false, onDesktop = false, onMobile = false;
                        foreach (var (column, metric, isMobile) in devices)
                        {
                            if (B(row, column))
                            {
                                values[metric]++;
                                any = true;
                                onDesktop |= isMobile == false;
                                onMobile |= isMobile == true;
                            }
                        }
                        values[users] += any ? 1 : 0;
                        values[desktop] += onDesktop ? 1 : 0;
                        values[mobile] += onMobile ? 1 : 0;
                    };
                }
            case "getEmailActivityUserDetail":
                {
                    int send = C("Send Count"), receive = C("Receive Count"), read = C("Read Count"),
                        created = C("Meeting Created Count"), interacted = C("Meeting Interacted Count");
                    int senders = M("exchange.senders"), sent = M("exchange.sent"), received = M("exchange.received"), reads = M("exchange.read"),
                        meetingsCreated = M("exchange.meetingsCreated"), meetingsInteracted = M("exchange.meetingsInteracted");
                    return (row, values) =>
                    {
                        var s = N(row, send);
                        values[senders] += s > 0 ? 1 : 0;
                        values[sent] += s;
                        values[received] += N(row, receive);
                        values[reads] += N(row, read);
                        values[meetingsCreated] += N(row, created);
                        values[meetingsInteracted] += N(row, interacted);
                    };
                }
            case "getTeamsUserActivityUserDetail":
                {
                    int team = C("Team Chat Message Count"), chat = C("Private Chat Message Count"), call = C("Call Count"), meeting = C("Meeting Count"),
                        organised = C("Meetings Organized Count"), attended = C("Meetings Attended Count"),
                        audioSeconds = C("Audio Duration In Seconds"), videoSeconds = C("Video Duration In Seconds"), screenSeconds = C("Screen Share Duration In Seconds"),
                        audio = C("Audio Duration"), video = C("Video Duration"), screen = C("Screen Share Duration");
                    int chatters = M("teams.chatters"), chatMessages = M("teams.chatMessages"), channelMessages = M("teams.channelMessages"),
                        posters = M("teams.channelPosters"), calls = M("teams.calls"), meetings = M("teams.meetings"),
                        meetingsOrganised = M("teams.meetingsOrganised"), meetingsAttended = M("teams.meetingsAttended"), meetingPeople = M("teams.meetingPeople"),
                        audioMinutes = M("teams.audioMinutes"), videoMinutes = M("teams.videoMinutes"), screenMinutes = M("teams.screenShareMinutes");
                    // Seconds are summed and turned into minutes when the report is finished, so rounding happens once.
                    return (row, values) =>
                    {
                        long t = N(row, team), c = N(row, chat), m = N(row, meeting), o = N(row, organised), a = N(row, attended);
                        values[chatters] += t + c > 0 ? 1 : 0;
                        values[chatMessages] += c;
                        values[channelMessages] += t;
                        values[posters] += t > 0 ? 1 : 0;
                        values[calls] += N(row, call);
                        values[meetings] += m;
                        values[meetingsOrganised] += o;
                        values[meetingsAttended] += a;
                        values[meetingPeople] += m + o + a > 0 ? 1 : 0;
                        values[audioMinutes] += Seconds(row, audioSeconds, audio);
                        values[videoMinutes] += Seconds(row, videoSeconds, video);
                        values[screenMinutes] += Seconds(row, screenSeconds, screen);
                    };
                }
            case "getOneDriveActivityUserDetail":
            case "getSharePointActivityUserDetail":
                {
                    var p = report.Name == "getOneDriveActivityUserDetail" ? "onedrive" : "sharepoint";
                    int viewed = C("Viewed Or Edited File Count"), synced = C("Synced File Count"),
                        inside = C("Shared Internally File Count"), outside = C("Shared Externally File Count"), pages = C("Visited Page Count");
                    int users = M(p + ".fileUsers"), viewedM = M(p + ".viewedOrEdited"), syncedM = M(p + ".synced"),
                        insideM = M(p + ".sharedInternally"), outsideM = M(p + ".sharedExternally"), sharers = M(p + ".sharers");
                    var pagesM = p == "sharepoint" ? M("sharepoint.pagesVisited") : -1;
                    return (row, values) =>
                    {
                        long v = N(row, viewed), s = N(row, synced), i = N(row, inside), o = N(row, outside);
                        values[users] += v + s + i + o > 0 ? 1 : 0;
                        values[viewedM] += v;
                        values[syncedM] += s;
                        values[insideM] += i;
                        values[outsideM] += o;
                        values[sharers] += i + o > 0 ? 1 : 0;
                        if (pagesM >= 0)
                        {
                            values[pagesM] += N(row, pages);
                        }
                    };
                }
            case "getOneDriveUsageAccountDetail":
                {
                    int files = C("File Count"), active = C("Active File Count"), storage = C("Storage Used (Byte)");
                    int accounts = M("onedrive.accounts"), filesM = M("onedrive.files"), activeM = M("onedrive.activeFiles"), storageM = M("onedrive.storageBytes");
                    return (row, values) =>
                    {
                        values[accounts]++;
                        values[filesM] += N(row, files);
                        values[activeM] += N(row, active);
                        values[storageM] += N(row, storage);
                    };
                }
            case "getSharePointSiteUsageDetail":
                {
                    int last = C("Last Activity Date"), files = C("File Count"), active = C("Active File Count"), views = C("Page View Count"), storage = C("Storage Used (Byte)");
                    int sites = M("sharepoint.sites"), activeSites = M("sharepoint.activeSites"), filesM = M("sharepoint.files"), activeM = M("sharepoint.activeFiles"),
                        viewsM = M("sharepoint.pageViews"), storageM = M("sharepoint.storageBytes");
                    return (row, values) =>
                    {
                        values[sites]++;
                        values[activeSites] += row.GetDate(last) is { } date && date.DayNumber > day - 28 ? 1 : 0;
                        values[filesM] += N(row, files);
                        values[activeM] += N(row, active);
                        values[viewsM] += N(row, views);
                        values[storageM] += N(row, storage);
                    };
                }
            case "getMailboxUsageDetail":
                {
                    int items = C("Item Count"), storage = C("Storage Used (Byte)");
                    int mailboxes = M("exchange.mailboxes"), itemsM = M("exchange.items"), storageM = M("exchange.storageBytes");
                    return (row, values) =>
                    {
                        values[mailboxes]++;
                        values[itemsM] += N(row, items);
                        values[storageM] += N(row, storage);
                    };
                }
            default:
                throw new InvalidOperationException($"No aggregation for report {report.Name}.");
        }
    }

    private static long Seconds(UsageRecord row, int secondsColumn, int durationColumn)
    {
        if (secondsColumn >= 0 && row.GetCount(secondsColumn) is { } seconds)
        {
            return seconds;
        }
        return durationColumn >= 0 && row.GetDuration(durationColumn) is { } duration ? (long)duration.TotalSeconds : 0;
    }

    private sealed record ReachColumns(UsageWorkload Workload, int License, int LastActivity, int Licensed, int People, int Active1, int Active7, int Active28)
    {
        public ReachColumns(UsageWorkload workload, int license, int lastActivity, string prefix, Func<string, int> metric)
            : this(workload, license, lastActivity, license >= 0 ? metric(prefix + ".licensed") : -1, metric(prefix + ".people"),
                  metric(prefix + ".active1"), metric(prefix + ".active7"), metric(prefix + ".active28"))
        {
        }
    }

    private void AddReach(UsageRecord row, long[] values, ReachColumns w, bool licensed)
    {
        if (w.Licensed >= 0 && licensed)
        {
            values[w.Licensed]++;
        }
        values[w.People]++;
        var last = w.LastActivity >= 0 && row.GetDate(w.LastActivity) is { } date ? date.DayNumber : 0;
        values[w.Active1] += last == _day ? 1 : 0;
        values[w.Active7] += last > _day - 7 ? 1 : 0;
        values[w.Active28] += last > _day - 28 ? 1 : 0;
        if (!_figures.Activity.TryGetValue(w.Workload, out var list))
        {
            list = [];
            _figures.Activity[w.Workload] = list;
        }
        if (_current.Slot >= 0)
        {
            list.Add(new UsageLastActivity(_current.Slot, _current.AgencyId, last));
        }
    }

    /// <summary>Finishes the figures (durations from seconds to minutes) and gives back what the rows were looked up in.</summary>
    public UsageReportFigures Finish()
    {
        if (_finished)
        {
            return _figures;
        }
        _finished = true;
        _people.ReturnNames(_names);
        if (_lineBySlot is not null)
        {
            ArrayPool<int>.Shared.Return(_lineBySlot);
            _lineBySlot = null;
        }
        if (_figures.Report.Name == "getTeamsUserActivityUserDetail")
        {
            var codes = _figures.Codes;
            int[] minutes = [IndexOf(codes, "teams.audioMinutes"), IndexOf(codes, "teams.videoMinutes"), IndexOf(codes, "teams.screenShareMinutes")];
            foreach (var agency in _figures.Agencies.Values)
            {
                foreach (var i in minutes)
                {
                    agency.Values[i] /= 60;
                }
            }
        }
        return _figures;
    }

    private static int IndexOf(IReadOnlyList<string> codes, string code)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i] == code)
            {
                return i;
            }
        }
        return -1;
    }
}
