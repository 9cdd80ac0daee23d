using System.Security.Cryptography;
using System.Text;
using Oppdrift.Shared.Exports;
using Oppdrift.Usage;

namespace Oppdrift.Demo;

/// <summary>How the generated report files are named: one folder per day, or the date in the file name.</summary>
public enum DemoUsageLayout
{
    /// <summary><c>2026-10-01/getEmailActivityUserDetail.csv</c></summary>
    FolderPerDay,
    /// <summary><c>getEmailActivityUserDetail_2026-10-01.csv</c></summary>
    DateInFileName,
}

public sealed record DemoUsageOptions
{
    /// <summary>Names hidden as a concealed tenant shows them: 32 hex digits, zero User Ids, no site URLs.</summary>
    public bool Concealed { get; init; }

    public DemoUsageLayout Layout { get; init; } = DemoUsageLayout.FolderPerDay;

    /// <summary>The reports to plan, in this order for each day.</summary>
    public IReadOnlyList<UsageReportType> Reports { get; init; } = UsageReportCatalogue.All;
}

/// <summary>One report for one day: what <c>getXxx(date=Date)</c> returns, and the file name it is written under.</summary>
public sealed record DemoUsageDay(UsageReportType Report, DateOnly Date, string FileName);

public enum DemoAdopterKind
{
    EarlyAdopter,
    Typical,
    Laggard,
}

/// <summary>A training programme in one agency: from <see cref="Date"/> the share of Teams users rises by <see cref="Jump"/> within a week.</summary>
public sealed record DemoTrainingJump(string AgencyCode, DateOnly Date, double Jump);

/// <summary>
/// How an agency takes up Teams (and with it OneDrive and SharePoint): a logistic curve from
/// <see cref="StartShare"/> to <see cref="EndShare"/> around <see cref="Midpoint"/>, plus a training jump.
/// </summary>
public sealed record DemoAdoptionProfile(string AgencyCode, DemoAdopterKind Kind, double StartShare, double EndShare, DateOnly Midpoint, DemoTrainingJump? Training)
{
    /// <summary>The share of the agency's licensed people who have started using Teams by this day.</summary>
    public double ShareOn(int day)
    {
        var share = StartShare + ((EndShare - StartShare) / (1 + Math.Exp(-(day - Midpoint.DayNumber) / 40.0)));
        if (Training is { } training && day >= training.Date.DayNumber)
        {
            share += training.Jump * Math.Min(1.0, (day - training.Date.DayNumber + 1) / 5.0);
        }
        return Math.Min(0.97, share);
    }
}

/// <summary>
/// Thirteen months of daily Microsoft 365 usage reports for the demo municipality, in the CSV formats the Graph
/// reports API returns. Every value for a user and a day comes from a hash of (seed, user, day), never from a
/// sequential random generator, so any single report for any day can be written on its own, in parallel, and the
/// same seed always gives the same bytes. The story: agencies adopt Teams at different speeds, some jump after a
/// training programme, e-mail sent falls as Teams chat rises, weekends and the July holiday are quiet.
/// </summary>
public sealed partial class DemoUsage
{
    /// <summary>The first and last day of the demo's story; the curves go on flat beyond them.</summary>
    public static readonly DateOnly StoryStart = new(2025, 11, 1);

    public static readonly DateOnly StoryEnd = new(2026, 11, 30);

    public static IReadOnlyList<DemoTrainingJump> TrainingJumps { get; } =
    [
        new("BOS", new DateOnly(2026, 2, 2), 0.30),
        new("SYE", new DateOnly(2026, 3, 2), 0.30),
        new("KUL", new DateOnly(2026, 4, 13), 0.25),
        new("UDE", new DateOnly(2026, 9, 7), 0.25),
    ];

    public static IReadOnlyList<string> EarlyAdopters { get; } = ["UKE", "BLK", "PLS", "BFI", "KRV"];

    public static IReadOnlyList<string> Laggards { get; } = ["SYE", "BRE", "VAV", "REG", "LEG"];

    /// <summary>Resource mailboxes every tenant has and the directory export does not list.</summary>
    private static readonly (string Local, string Name)[] FunctionAccounts =
    [
        ("postmottak", "Postmottak Nordvik kommune"), ("sentralbord", "Sentralbordet"), ("servicetorget", "Servicetorget"),
        ("moterom.radhuset", "Møterom Rådhuset 1. etg"), ("kantina", "Kantina Rådhuset"), ("it-brukerstotte", "IT brukerstøtte"),
    ];

    /// <summary>The key of the demo's concealed names: fixed, so concealed files are stable, and not derivable from a UPN by plain MD5.</summary>
    private static readonly byte[] ConcealmentKey = Encoding.UTF8.GetBytes("Oppdrift demo concealment key 2021");

    private const int UnknownRows = 3;
    private const int Never = int.MaxValue;
    private static readonly int EpochDay = new DateOnly(2023, 1, 1).DayNumber;
    private static readonly int LastCurveDay = new DateOnly(2030, 12, 31).DayNumber;

    private readonly User[] _users;
    private readonly Site[] _sites;
    private readonly float[] _officeDay;
    private readonly float[] _shiftDay;
    private readonly double[][] _agencyShare;
    private readonly ulong _seedKey;

    public DemoUsage(DemoMunicipality municipality, DemoUsageOptions? options = null)
    {
        Municipality = municipality;
        Options = options ?? new DemoUsageOptions();
        _seedKey = Mix((ulong)(uint)municipality.Seed ^ 0x5DEECE66DUL);
        (_officeDay, _shiftDay) = DayFactors();
        var agencies = municipality.Agencies;
        _agencyShare = new double[agencies.Count][];
        for (var a = 0; a < agencies.Count; a++)
        {
            var profile = ProfileOf(agencies[a]);
            var share = new double[LastCurveDay - EpochDay + 1];
            for (var d = 0; d < share.Length; d++)
            {
                share[d] = profile.ShareOn(EpochDay + d);
            }
            _agencyShare[a] = share;
        }
        _users = CreateUsers(municipality);
        _sites = CreateSites(municipality);
    }

    public DemoMunicipality Municipality { get; }

    public DemoUsageOptions Options { get; }

    /// <summary>How each agency takes up Teams; fixed by the story, not by the seed.</summary>
    public static DemoAdoptionProfile ProfileOf(DemoAgency agency)
    {
        var training = TrainingJumps.FirstOrDefault(t => t.AgencyCode == agency.Code);
        if (EarlyAdopters.Contains(agency.Code))
        {
            return new(agency.Code, DemoAdopterKind.EarlyAdopter, 0.55, 0.95, new DateOnly(2025, 12, 1), training);
        }
        if (Laggards.Contains(agency.Code))
        {
            return new(agency.Code, DemoAdopterKind.Laggard, 0.04, 0.40, new DateOnly(2026, 8, 15), training);
        }
        var h = Mix(StableHash(agency.Code));
        var start = 0.12 + (0.22 * Unit(h));
        var end = 0.62 + (0.25 * Unit(Mix(h + 1)));
        var midpoint = new DateOnly(2026, 1, 10).AddDays((int)(150 * Unit(Mix(h + 2))));
        return new(agency.Code, DemoAdopterKind.Typical, start, end, midpoint, training);
    }

    /// <summary>Every report of every day from <paramref name="firstDate"/> to <paramref name="lastDate"/>, by date and then report.</summary>
    public IReadOnlyList<DemoUsageDay> Plan(DateOnly firstDate, DateOnly lastDate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lastDate, firstDate);
        var days = new List<DemoUsageDay>((lastDate.DayNumber - firstDate.DayNumber + 1) * Options.Reports.Count);
        for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
        {
            foreach (var report in Options.Reports)
            {
                days.Add(new DemoUsageDay(report, date, FileName(report, date)));
            }
        }
        return days;
    }

    public string FileName(UsageReportType report, DateOnly date)
    {
        var iso = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Options.Layout == DemoUsageLayout.FolderPerDay ? $"{iso}/{report.Name}.csv" : $"{report.Name}_{iso}.csv";
    }

    /// <summary>Writes the report for one day to <paramref name="stream"/>: UTF-8 with a byte-order mark, CRLF line ends.</summary>
    public void Write(Stream stream, UsageReportType report, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var output = new DemoCsvBytes();
        var layout = LayoutOf(report);
        var day = date.DayNumber;
        output.Raw(layout.Header);
        for (var row = 0; row < layout.Rows; row++)
        {
            output.Reserve(DemoCsvBytes.MaxRowBytes);
            layout.Write(row, day, output);
            if (output.Length >= DemoCsvBytes.FlushAt)
            {
                output.DrainTo(stream);
            }
        }
        output.DrainTo(stream);
    }

    /// <summary>A read-only stream that generates the report as it is read, a buffer at a time, without holding the whole file.</summary>
    public Stream Open(UsageReportType report, DateOnly date) => new DemoReportStream(LayoutOf(report), date.DayNumber);

    /// <summary>The report-day as an importer's source, generated from memory when opened.</summary>
    public UsageSource Source(DemoUsageDay day)
    {
        ArgumentNullException.ThrowIfNull(day);
        return new UsageSource(day.FileName, _ => Task.FromResult(Open(day.Report, day.Date)));
    }

    public IReadOnlyList<UsageSource> Sources(DateOnly firstDate, DateOnly lastDate) => [.. Plan(firstDate, lastDate).Select(Source)];

    /// <summary>Writes every planned report under <paramref name="folder"/>, days in parallel; returns the paths in plan order.</summary>
    public IReadOnlyList<string> WriteFolder(string folder, DateOnly firstDate, DateOnly lastDate, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var plan = Plan(firstDate, lastDate);
        var paths = new string[plan.Count];
        var done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var day = plan[i];
            var path = Path.Combine(folder, day.FileName.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(stream, day.Report, day.Date);
            }
            paths[i] = path;
            progress?.Report((double)Interlocked.Increment(ref done) / plan.Count);
        });
        return paths;
    }

    // ---- The people and sites, fixed for the whole story ----

    private enum License : byte
    {
        None,
        E3,
        F3,
        E3Copilot,
    }

    private struct User
    {
        public ulong Key;
        public int Agency;
        public License License;
        public bool Leader;
        public bool ShiftWork;
        public bool Windows;
        public bool Function;
        public int Since;
        public int DeletedDay;
        public int AdoptExchange;
        public int AdoptTeams;
        public int AdoptOneDrive;
        public int AdoptSharePoint;
        public double QMail;
        public double QTeams;
        public double QOneDrive;
        public double QSharePoint;
        public double MailVolume;
        public double ChatVolume;
        public double FileVolume;
        public byte[] Upn;
        public byte[] Name;
        public byte[] UserId;
        public byte[] OneDriveUrl;
    }

    private struct Site
    {
        public ulong Key;
        public int Agency;
        public int Owner;
        public int Created;
        public int DeletedDay;
        public float People;
        public byte[] Id;
        public byte[] Url;
        public byte[] Template;
        public byte[] SensitivityLabel;
    }

    private static readonly HashSet<string> FrontlineTitles = new(StringComparer.Ordinal)
    {
        "Helsefagarbeider", "Assistent", "Renholder", "Kokk", "Fagarbeider", "Miljøarbeider", "Barne- og ungdomsarbeider",
        "Driftsoperatør", "Brannkonstabel", "Publikumsvert",
    };

    private User[] CreateUsers(DemoMunicipality municipality)
    {
        var members = municipality.People.Where(p => p.UserType == "Member").ToList();
        var agencyIndex = new Dictionary<DemoAgency, int>();
        for (var a = 0; a < municipality.Agencies.Count; a++)
        {
            agencyIndex[municipality.Agencies[a]] = a;
        }
        var users = new List<User>(members.Count + 400);
        var storyStart = StoryStart.DayNumber;
        var storyEnd = StoryEnd.DayNumber;
        for (var i = 0; i < members.Count; i++)
        {
            var person = members[i];
            var key = Mix(_seedKey ^ Mix((ulong)i + 1));
            // About one in twenty is a new hire during the story; the rest had their account long before.
            var since = Unit(Mix(key + 11)) < 0.05
                ? storyStart + (int)((storyEnd - storyStart) * Unit(Mix(key + 12)))
                : new DateOnly(2016, 1, 1).DayNumber + (int)(3500 * Unit(Mix(key + 12)));
            var user = NewUser(key, person.Agency is { } agency ? agencyIndex[agency] : -1, person.JobTitle, person.IsLeader, since, Never);
            if (person.Agency is null || !person.AccountEnabled || Unit(Mix(key + 13)) < 0.015)
            {
                // Service accounts, leavers whose account is disabled, and a few waiting for a licence.
                user = Unlicensed(user);
            }
            users.Add(Identify(user, person.UserPrincipalName, person.DisplayName, person.ObjectId));
        }

        // Former employees: deleted during the story, so they are in the reports but not in today's directory.
        var used = new HashSet<string>(members.Select(p => p.UserPrincipalName), StringComparer.OrdinalIgnoreCase);
        var formers = Math.Max(2, members.Count / 180);
        for (var i = 0; i < formers; i++)
        {
            var key = Mix(_seedKey ^ Mix(0xF0F0_0000UL + (ulong)i));
            var template = members[(int)(Mix(key + 1) % (ulong)members.Count)];
            var given = DemoCatalogue.GivenNames[Mix(key + 2) % (ulong)DemoCatalogue.GivenNames.Length];
            var surname = DemoCatalogue.Surnames[Mix(key + 3) % (ulong)DemoCatalogue.Surnames.Length];
            var local = $"{DemoMunicipality.Ascii(given)}.{DemoMunicipality.Ascii(surname)}";
            var upn = $"{local}@{DemoCatalogue.Domain}";
            for (var n = 2; !used.Add(upn); n++)
            {
                upn = $"{local}{n}@{DemoCatalogue.Domain}";
            }
            var since = new DateOnly(2014, 1, 1).DayNumber + (int)(3600 * Unit(Mix(key + 4)));
            var deleted = storyStart - 45 + (int)((storyEnd - storyStart + 45) * Unit(Mix(key + 5)));
            var agency = template.Agency is { } a ? agencyIndex[a] : -1;
            var user = NewUser(key, agency, template.JobTitle, false, since, deleted);
            users.Add(Identify(user, upn, $"{given} {surname}", GuidFrom(key)));
        }

        for (var i = 0; i < FunctionAccounts.Length; i++)
        {
            var key = Mix(_seedKey ^ Mix(0xFACE_0000UL + (ulong)i));
            var user = Unlicensed(NewUser(key, -1, "", false, new DateOnly(2015, 6, 1).DayNumber, Never));
            user.Function = true;
            user.AdoptExchange = user.Since;
            user.QMail = 0.9f;
            user.MailVolume = 6f;
            users.Add(Identify(user, $"{FunctionAccounts[i].Local}@{DemoCatalogue.Domain}", FunctionAccounts[i].Name, GuidFrom(key)));
        }
        return [.. users];
    }

    private User NewUser(ulong key, int agency, string title, bool leader, int since, int deletedDay)
    {
        var frontline = FrontlineTitles.Contains(title);
        var agencyCode = agency >= 0 ? Municipality.Agencies[agency].Code : "";
        var sector = agency >= 0 ? Municipality.Agencies[agency].Sector : DemoSector.Administration;
        var license = frontline ? License.F3 : Unit(Mix(key + 20)) < (leader ? 0.2 : 0.06) ? License.E3Copilot : License.E3;
        var u = Unit(Mix(key + 21));
        var user = new User
        {
            Key = key,
            Agency = agency,
            License = license,
            Leader = leader,
            ShiftWork = sector == DemoSector.NursingHomes || agencyCode is "LEG" or "BRE" || (frontline && sector == DemoSector.District),
            Windows = !frontline,
            Since = since,
            DeletedDay = deletedDay,
            AdoptExchange = since,
            QMail = frontline ? 0.3f + (0.3f * u) : 0.72f + (0.24f * u),
            QTeams = (frontline ? 0.3f : 0.45f) + (0.45f * Unit(Mix(key + 22))) + (leader ? 0.1f : 0f),
            QOneDrive = (frontline ? 0.08f : 0.2f) + (0.45f * Unit(Mix(key + 23))),
            QSharePoint = (frontline ? 0.06f : 0.15f) + (0.4f * Unit(Mix(key + 24))),
            MailVolume = (frontline ? 0.8f : 3f + (9f * Unit(Mix(key + 25)))) * (leader ? 1.8f : 1f),
            ChatVolume = (frontline ? 1.5f : 3f + (10f * Unit(Mix(key + 26)))) * (leader ? 1.5f : 1f),
            FileVolume = (frontline ? 1f : 2f + (8f * Unit(Mix(key + 27)))) * (leader ? 1.3f : 1f),
            Upn = [],
            Name = [],
            UserId = [],
            OneDriveUrl = [],
        };
        if (agency < 0)
        {
            user.AdoptTeams = user.AdoptOneDrive = user.AdoptSharePoint = Never;
            return user;
        }
        // A person's openness decides when their agency's curve reaches them; leaders go first.
        var rank = Unit(Mix(key + 28)) * (leader ? 0.6 : 1.0);
        var share = _agencyShare[agency];
        user.AdoptTeams = Math.Max(since, AdoptionDay(share, rank));
        user.AdoptOneDrive = Math.Max(since, AdoptionDay(share, rank / 0.85));
        user.AdoptSharePoint = Math.Max(since, AdoptionDay(share, rank / 0.7));
        return user;
    }

    private static User Unlicensed(User user)
    {
        user.License = License.None;
        user.AdoptExchange = user.AdoptTeams = user.AdoptOneDrive = user.AdoptSharePoint = Never;
        return user;
    }

    /// <summary>The first day the agency's share reaches <paramref name="rank"/>; <see cref="Never"/> if it never does.</summary>
    private static int AdoptionDay(double[] share, double rank)
    {
        if (rank >= share[^1])
        {
            return Never;
        }
        int low = 0, high = share.Length - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (share[middle] >= rank)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return EpochDay + low;
    }

    private User Identify(User user, string upn, string displayName, Guid objectId)
    {
        if (Options.Concealed)
        {
            user.Upn = Encoding.ASCII.GetBytes(Conceal("upn:" + upn.ToLowerInvariant()));
            user.Name = Encoding.ASCII.GetBytes(Conceal("name:" + upn.ToLowerInvariant()));
            user.UserId = Encoding.ASCII.GetBytes(Guid.Empty.ToString("D"));
            user.OneDriveUrl = [];
        }
        else
        {
            user.Upn = Field(upn);
            user.Name = Field(displayName);
            user.UserId = Encoding.ASCII.GetBytes(objectId.ToString("D"));
            var personal = upn.Replace('.', '_').Replace('@', '_').Replace('-', '_').ToLowerInvariant();
            user.OneDriveUrl = Field($"https://nordvik-my.sharepoint.com/personal/{personal}");
        }
        return user;
    }

    /// <summary>The demo's concealed name: HMAC-SHA256 under a fixed key, cut to 16 bytes, as 32 upper-case hex digits.</summary>
    internal static string Conceal(string value)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(ConcealmentKey, Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexString(hash[..16]);
    }

    private static byte[] Field(string text) => Encoding.UTF8.GetBytes(CsvWriter.Field(text, EntraUsersWriter.Format));

    private Site[] CreateSites(DemoMunicipality municipality)
    {
        // The unit leader owns the unit's site, the agency's first person (its director) the agency's intranet.
        var owners = new Dictionary<(string Agency, string Unit), int>();
        var directors = new Dictionary<string, int>(StringComparer.Ordinal);
        var members = municipality.People.Where(p => p.UserType == "Member").ToList();
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] is { Agency: { } agency, Unit: { } unit })
            {
                directors.TryAdd(agency.Code, i);
                owners.TryAdd((agency.Code, unit), i);
            }
        }
        var sites = new List<Site>(municipality.Units.Count + municipality.Agencies.Count + 1);
        var agencyIndex = municipality.Agencies.Select((a, i) => (a, i)).ToDictionary(x => x.a.Code, x => x.i, StringComparer.Ordinal);
        var people = members.Where(p => p.Agency is not null).GroupBy(p => p.Agency!.Code).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // Intranets are read by many but hold what a small editorial team writes: size them by that team, not by headcount.
        sites.Add(NewSite(-1, -1, EpochDay, 600, "https://nordvik.sharepoint.com", "Communication Site"));
        foreach (var agency in municipality.Agencies)
        {
            var a = agencyIndex[agency.Code];
            var code = agency.Code.ToLowerInvariant();
            sites.Add(NewSite(a, directors.GetValueOrDefault(agency.Code, -1), EpochDay, Math.Min(300, people.GetValueOrDefault(agency.Code)),
                $"https://nordvik.sharepoint.com/sites/{code}-intranett", "Communication Site"));
        }
        foreach (var unit in municipality.Units)
        {
            var a = agencyIndex[unit.Agency.Code];
            var slug = DemoMunicipality.Ascii(unit.Name).Replace(' ', '-');
            var url = $"https://nordvik.sharepoint.com/sites/{unit.Agency.Code.ToLowerInvariant()}-{slug}";
            var owner = owners.GetValueOrDefault((unit.Agency.Code, unit.Name), -1);
            // A unit's team site appears when its agency's adoption passes a threshold of its own: the number of sites grows.
            var key = Mix(_seedKey ^ StableHash(url));
            var created = AdoptionDay(_agencyShare[a], 0.1 + (0.5 * Unit(key)));
            if (created != Never)
            {
                sites.Add(NewSite(a, owner, created, unit.Size, url, "Group"));
            }
            if (unit.Size > 150)
            {
                sites.Add(NewSite(a, owner, EpochDay + (int)(900 * Unit(Mix(key + 1))), unit.Size * 0.3f, url + "-arkiv", "Team Site"));
            }
        }
        for (var i = 0; i < sites.Count; i++)
        {
            var site = sites[i];
            if (i % 9 == 5)
            {
                // Some sites come with an empty Site URL even in identified tenants (channel sites, sites being moved).
                site.Url = [];
            }
            if (i % 13 == 7)
            {
                site.Owner = -1;
            }
            if (i % 47 == 11)
            {
                site.DeletedDay = StoryStart.DayNumber + (int)((StoryEnd.DayNumber - StoryStart.DayNumber) * Unit(Mix(site.Key + 9)));
            }
            if (Options.Concealed)
            {
                site.Url = [];
            }
            sites[i] = site;
        }
        return [.. sites];
    }

    private Site NewSite(int agency, int owner, int created, float people, string url, string template)
    {
        var key = Mix(_seedKey ^ StableHash(url) ^ 0xABCDUL);
        return new Site
        {
            Key = key,
            Agency = agency,
            Owner = owner,
            Created = created,
            DeletedDay = Never,
            People = Math.Max(3f, people),
            Id = Encoding.ASCII.GetBytes(GuidFrom(key).ToString("D")),
            Url = Field(url),
            Template = Encoding.ASCII.GetBytes(template),
            SensitivityLabel = Unit(Mix(key + 3)) < 0.3 ? Encoding.ASCII.GetBytes(GuidFrom(0x1AB3_1000UL + (Mix(key + 4) % 3)).ToString("D")) : [],
        };
    }

    // ---- Days: weekends, Norwegian public holidays, Christmas and the July holiday ----

    private static (float[] Office, float[] Shift) DayFactors()
    {
        var office = new float[LastCurveDay - EpochDay + 1];
        var shift = new float[office.Length];
        for (var d = 0; d < office.Length; d++)
        {
            var date = DateOnly.FromDayNumber(EpochDay + d);
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var holiday = weekend || IsPublicHoliday(date);
            float o = holiday ? 0.06f : 1f, s = holiday ? 0.55f : 1f;
            var (month, day) = (date.Month, date.Day);
            if ((month == 7 && day >= 6) || (month == 8 && day <= 2))
            {
                o *= 0.3f;
                s *= 0.75f;
            }
            else if ((month == 7) || (month == 8 && day <= 9))
            {
                o *= 0.6f;
                s *= 0.85f;
            }
            else if ((month == 12 && day >= 22) || (month == 1 && day <= 2))
            {
                o *= 0.35f;
                s *= 0.8f;
            }
            office[d] = o;
            shift[d] = s;
        }
        return (office, shift);
    }

    private static bool IsPublicHoliday(DateOnly date)
    {
        if ((date.Month, date.Day) is (1, 1) or (5, 1) or (5, 17) or (12, 25) or (12, 26))
        {
            return true;
        }
        var easter = EasterSunday(date.Year).DayNumber;
        var offset = date.DayNumber - easter;
        return offset is -3 or -2 or 0 or 1 or 39 or 49 or 50;
    }

    /// <summary>The Gregorian Easter Sunday (the anonymous algorithm, as in Meeus).</summary>
    private static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3, h = ((19 * a) + b - d - g + 15) % 30;
        int i = c / 4, k = c % 4, l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        int m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private float DayFactor(int day, bool shiftWork)
    {
        var index = day - EpochDay;
        if ((uint)index >= (uint)_officeDay.Length)
        {
            index = Math.Clamp(index, 0, _officeDay.Length - 1);
        }
        return shiftWork ? _shiftDay[index] : _officeDay[index];
    }

    private double AgencyShare(int agency, int day) => agency < 0 ? 0 : _agencyShare[agency][Math.Clamp(day - EpochDay, 0, _agencyShare[agency].Length - 1)];

    /// <summary>How far into the story a day is, 0 to 1: e-mail sent falls and chat rises with it.</summary>
    private static double Progress(int day) =>
        Math.Clamp((day - StoryStart.DayNumber) / (double)(StoryEnd.DayNumber - StoryStart.DayNumber), 0, 1);

    // ---- Hashing: the only source of randomness ----

    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }

    private static ulong Hash(ulong key, int day, int stream) =>
        Mix(key + ((ulong)(uint)day * 0x9E3779B97F4A7C15UL) + ((ulong)(uint)stream * 0xD1B54A32D192ED03UL));

    private static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>A count with the given mean (exponential, floored): many small values and a long tail.</summary>
    private static int Draw(ulong hash, double mean) =>
        mean <= 0 ? 0 : (int)Math.Min(50_000, -mean * Math.Log(1.0 - Unit(hash)));

    /// <summary>FNV-1a: string.GetHashCode differs between runs, and the demo must not.</summary>
    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }

    private static Guid GuidFrom(ulong key)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, Mix(key + 101));
        BitConverter.TryWriteBytes(bytes[8..], Mix(key + 102));
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
