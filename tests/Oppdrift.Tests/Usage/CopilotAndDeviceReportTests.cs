using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class CopilotAndDeviceReportTests
{
    private const string Domain = "@nordvik.kommune.no";
    private static readonly DateOnly Day = new(2026, 11, 24);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
    private readonly Pseudonymiser _pseudonymiser = new(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

    private static readonly (string Prefix, string Code, int Count)[] Agencies = [("sye", "SYE", 12), ("bar", "BAR", 11), ("kul", "KUL", 3)];

    /// <summary>Three agencies: SYE with 12 people, BAR with 11 and KUL with 3 (under the minimum group size of 10).</summary>
    private static async Task<TestDatabase> WithPeopleAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var setup = new OrganisationSetup(db, TimeProvider.System);
        foreach (var (prefix, code, count) in Agencies)
        {
            var agency = (await setup.CreateAgencyAsync(new AgencyInput(code, code + " etat", "Sektor"), "test", default)).Value!;
            for (var i = 0; i < count; i++)
            {
                var upn = $"{prefix}{i:00}{Domain}";
                db.People.Add(new Person
                {
                    UserPrincipalName = upn,
                    NormalizedUserPrincipalName = upn,
                    DisplayName = $"{prefix} {i}",
                    AgencyId = agency.Id,
                    IsActive = true,
                    AccountEnabled = true,
                });
            }
        }
        await db.SaveChangesAsync();
        return database;
    }

    private UsageImporter Importer(OppdriftDb db) =>
        new(db, _pseudonymiser, new UsageOptions(), _clock, NullLogger<UsageImporter>.Instance);

    private UsageQueries Queries(OppdriftDb db) => new(db, new SuppressionOptions(), _clock, new UsageFigureCache());

    private static UsageSource Csv(string name, string text) =>
        new(name, _ => Task.FromResult<Stream>(new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)])));

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<Dictionary<(string Metric, int Agency), (long Value, int People)>> FiguresAsync(TestDatabase database, int period)
    {
        await using var db = database.CreateContext();
        var rows = await db.UsageFigures.Where(f => f.Date == Day && f.Period == period).ToListAsync();
        return rows.ToDictionary(f => (f.Metric, f.AgencyId), f => (f.Value, f.People));
    }

    private static async Task<int> AgencyIdAsync(TestDatabase database, string code)
    {
        await using var db = database.CreateContext();
        return await db.Agencies.Where(a => a.Code == code).Select(a => a.Id).SingleAsync();
    }

    // Shuffled against the documented order, and without the optional Display Name, OneNote, Loop and Copilot Chat.
    private const string CopilotHeader = "User Principal Name,Word Copilot Last Activity Date,Report Period,Last Activity Date,Excel Copilot Last Activity Date,"
        + "Report Refresh Date,Outlook Copilot Last Activity Date,Microsoft Teams Copilot Last Activity Date,PowerPoint Copilot Last Activity Date\r\n";

    /// <summary>
    /// A D30 Copilot report. Person i of each agency: Word used i days before the refresh date (so i &lt; 7 is active
    /// in 7 days, every one of them in 28), nothing else; every third person never used Copilot.
    /// </summary>
    private static string CopilotReport(Func<string, int, string>? word = null)
    {
        var text = new StringBuilder(CopilotHeader);
        foreach (var (prefix, _, count) in Agencies)
        {
            for (var i = 0; i < count; i++)
            {
                var used = i % 3 == 2 ? "" : D(Day.AddDays(-i));
                text.Append(CultureInfo.InvariantCulture, $"{prefix}{i:00}{Domain},{word?.Invoke(prefix, i) ?? used},30,{used},,{D(Day)},,,\r\n");
            }
        }
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_Copilot_report_in_any_column_order_becomes_licensed_and_active_people_per_agency_and_app(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync([Csv("copilot.csv", CopilotReport())], new UsageImportRequest { Actor = "test" });
            var file = Assert.Single(result.Files);
            Assert.True(file.Import.Status == UsageImportStatus.Succeeded, string.Join("\n", file.Errors));
            Assert.Equal("getMicrosoft365CopilotUsageUserDetail", file.Import.Report);
            // A state on the refresh date whatever the period: kept as the day's figures, shown with the daily ones.
            Assert.Equal(1, file.Import.Period);
        }
        var figures = await FiguresAsync(database, 1);
        Assert.Empty(await FiguresAsync(database, 30));
        var sye = await AgencyIdAsync(database, "SYE");
        // SYE 0…11: users are those with i % 3 != 2 (0,1,3,4,6,7,9,10); within 7 days: 0,1,3,4,6.
        Assert.Equal((12L, 12), figures[("copilot.licensed", sye)]);
        Assert.Equal(5L, figures[("copilot.active7", sye)].Value);
        Assert.Equal(8L, figures[("copilot.active28", sye)].Value);
        Assert.Equal(1L, figures[("copilot.active1", sye)].Value);
        Assert.Equal(5L, figures[("copilot.word7", sye)].Value);
        Assert.Equal(8L, figures[("copilot.word28", sye)].Value);
        Assert.Equal(0L, figures[("copilot.excel28", sye)].Value);
        // A column the file does not have counts nobody, never everybody.
        Assert.Equal(0L, figures[("copilot.chat28", sye)].Value);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_bad_date_in_a_Copilot_report_is_refused_naming_file_line_and_column_and_nothing_lands(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        var bad = CopilotReport((prefix, i) => prefix == "bar" && i == 4 ? "24.11.2026" : "");
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync([Csv("copilot-bad.csv", bad)], new UsageImportRequest { Actor = "test" });
            var file = Assert.Single(result.Files);
            Assert.Equal(UsageImportStatus.Failed, file.Import.Status);
            var error = Assert.Single(file.Errors);
            // Header is line 1, SYE's 12 rows lines 2–13, BAR's fifth row line 18; Word is the second column.
            Assert.Equal(("copilot-bad.csv", 18, 2, "Word Copilot Last Activity Date"), (error.File, error.Line, error.Column, error.ColumnName));
        }
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.UsageFigures.CountAsync());
        }
    }

    [Fact]
    public void A_Copilot_file_without_a_required_app_column_is_not_recognised_and_one_without_optional_ones_is()
    {
        var header = CopilotHeader.TrimEnd().Split(',');
        Assert.Same(UsageReportCatalogue.CopilotUsageUserDetail, UsageReportCatalogue.Recognise(header));
        Assert.Null(UsageReportCatalogue.Recognise([.. header.Where(h => h != "Word Copilot Last Activity Date")]));
        var required = UsageReportCatalogue.CopilotUsageUserDetail.Columns.Where(c => c.Required).Select(c => c.Name).ToList();
        Assert.Equal(
            ["Report Refresh Date", "Report Period", "User Principal Name", "Last Activity Date", "Microsoft Teams Copilot Last Activity Date",
             "Word Copilot Last Activity Date", "Excel Copilot Last Activity Date", "PowerPoint Copilot Last Activity Date", "Outlook Copilot Last Activity Date"],
            required);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Copilot_adoption_per_agency_is_shown_with_small_agencies_suppressed_and_measured_for_benefits(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using (var db = database.CreateContext())
        {
            await Importer(db).ImportAsync([Csv("copilot.csv", CopilotReport())], new UsageImportRequest { Actor = "test" });
        }
        var sye = await AgencyIdAsync(database, "SYE");
        var kul = await AgencyIdAsync(database, "KUL");
        await using (var db = database.CreateContext())
        {
            var table = await Queries(db).WorkloadAsync(UsageWorkload.Copilot, null, 28, null, default);
            Assert.Equal(Day, table.Date);
            var share = table.Columns.ToList().FindIndex(c => c.Key == "copilotShare");
            Assert.Equal(0, share);
            var syeRow = table.Rows.Single(r => r.AgencyId == sye);
            Assert.Equal(100.0 * 8 / 12, syeRow.Cells[share].Value!.Value, 3);
            Assert.True(table.Rows.Single(r => r.AgencyId == kul).Cells[share].IsSuppressed);
            Assert.All(table.Rows.Single(r => r.AgencyId == kul).Cells, c => Assert.Null(c.Value));
            // The municipality: 8 of SYE's 12, 8 of BAR's 11, 2 of KUL's 3 (0 and 1).
            Assert.Equal(100.0 * 18 / 26, table.Municipality.Cells[share].Value!.Value, 3);

            var measure = UsageMeasures.Find("copilotActive")!;
            var figures = await new UsageIndicatorQuery(db, Queries(db)).AtAsync(measure.Column, Day, default);
            Assert.Equal(100.0 * 18 / 26, figures.Municipality.Value!.Value, 3);
            Assert.True(figures.Agencies[kul].IsSuppressed);
            Assert.Equal(100.0 * 8 / 12, figures.Agencies[sye].Value!.Value, 3);
        }
    }

    private const string DeviceHeader = "Report Refresh Date,User Id,User Principal Name,Last Activity Date,Is Deleted,Deleted Date,Used Web,Used Windows Phone,"
        + "Used iOS,Used Mac,Used Android Phone,Used Windows,Is Licensed,Report Period\r\n";

    /// <summary>A D30 device report without the later Chrome OS and Linux columns: person i uses Windows when i is even, an iPhone when i % 3 == 0, nothing when i == 1.</summary>
    private static string DeviceReport()
    {
        var text = new StringBuilder(DeviceHeader);
        foreach (var (prefix, _, count) in Agencies)
        {
            for (var i = 0; i < count; i++)
            {
                string YesNo(bool b) => b ? "Yes" : "No";
                text.Append(CultureInfo.InvariantCulture,
                    $"{D(Day)},,{prefix}{i:00}{Domain},{D(Day)},False,,{YesNo(i == 5)},No,{YesNo(i % 3 == 0)},No,No,{YesNo(i % 2 == 0)},Yes,30\r\n");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"{D(Day)},,gone{Domain},{D(Day)},True,{D(Day)},Yes,No,Yes,No,No,Yes,Yes,30\r\n");
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_Teams_device_report_is_kept_for_its_period_and_shown_as_shares_on_phone_and_computer(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        // One cache for every read, as in the app: what it keeps before the import must not outlive it.
        var cache = new UsageFigureCache();
        await using (var before = database.CreateContext())
        {
            Assert.Null(await new UsageQueries(before, new SuppressionOptions(), _clock, cache).PeriodTableAsync(UsageViews.DeviceColumns, null, default));
        }
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync([Csv("devices.csv", DeviceReport())], new UsageImportRequest { Actor = "test" });
            var file = Assert.Single(result.Files);
            Assert.True(file.Import.Status == UsageImportStatus.Succeeded, string.Join("\n", file.Errors));
            Assert.Equal(30, file.Import.Period);
        }
        Assert.Empty(await FiguresAsync(database, 1));
        var figures = await FiguresAsync(database, 30);
        var sye = await AgencyIdAsync(database, "SYE");
        var kul = await AgencyIdAsync(database, "KUL");
        // SYE 0…11: Windows 0,2,4,6,8,10; iOS 0,3,6,9; web 5; any device: all but 1, 7 and 11.
        Assert.Equal((6L, 12), figures[("teams.deviceWindows", sye)]);
        Assert.Equal(4L, figures[("teams.deviceMobile", sye)].Value);
        Assert.Equal(6L, figures[("teams.deviceDesktop", sye)].Value);
        Assert.Equal(9L, figures[("teams.deviceUsers", sye)].Value);
        Assert.Equal(0L, figures[("teams.deviceLinux", sye)].Value);

        await using var context = database.CreateContext();
        var queries = new UsageQueries(context, new SuppressionOptions(), _clock, cache);
        var table = await queries.PeriodTableAsync(UsageViews.DeviceColumns, null, default);
        Assert.NotNull(table);
        Assert.Equal((Day, 30), (table.Date, table.Window));
        Assert.Equal(100.0 * 4 / 9, table.Rows.Single(r => r.AgencyId == sye).Cells[0].Value!.Value, 3);
        Assert.True(table.Rows.Single(r => r.AgencyId == kul).Cells[0].IsSuppressed);
        Assert.NotNull(table.Municipality.Cells[0].Value);
        // Period figures stay out of the daily tables and the benefit measures.
        var teams = await queries.WorkloadAsync(UsageWorkload.Teams, null, 28, null, default);
        Assert.DoesNotContain(teams.Columns, c => c.AllMetrics.Any(m => m.StartsWith("teams.device", StringComparison.Ordinal)));
        Assert.Null(UsageMeasures.Find("metric:teams.deviceMobile"));
        // An agency leader sees their own agency only.
        var scoped = await queries.PeriodTableAsync(UsageViews.DeviceColumns, new HashSet<int> { sye }, default);
        Assert.Equal(sye, Assert.Single(scoped!.Rows).AgencyId);
    }
}
