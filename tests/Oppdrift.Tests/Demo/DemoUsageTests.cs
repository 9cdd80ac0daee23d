using System.Security.Cryptography;
using System.Text;
using Oppdrift.Demo;
using Oppdrift.Usage;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Tests.Demo;

public sealed class DemoUsageTests
{
    private static readonly DemoMunicipality Small = DemoMunicipality.Generate(5, 3_000);
    private static readonly Lazy<DemoUsage> Full = new(() => new DemoUsage(DemoMunicipality.Generate()));

    private static readonly Dictionary<string, string> AgencyOfUpn = Full.Value.Municipality.People
        .Where(p => p.Agency is not null)
        .ToDictionary(p => p.UserPrincipalName, p => p.Agency!.Code, StringComparer.OrdinalIgnoreCase);

    public static TheoryData<string, string> ReportsAndDates()
    {
        var data = new TheoryData<string, string>();
        // A weekday, a Saturday, Constitution Day, the story's first and last days.
        foreach (var date in new[] { "2026-03-11", "2026-03-14", "2026-05-17", "2025-11-01", "2026-11-30" })
        {
            foreach (var report in UsageReportCatalogue.All)
            {
                data.Add(report.Name, date);
            }
        }
        return data;
    }

    private static byte[] Bytes(DemoUsage usage, UsageReportType report, DateOnly date)
    {
        using var stream = new MemoryStream();
        usage.Write(stream, report, date);
        return stream.ToArray();
    }

    private static UsageReportFile Read(DemoUsage usage, UsageReportType report, DateOnly date) =>
        UsageReportFile.Read(usage.Open(report, date), usage.FileName(report, date),
            new UsageReadOptions { ExpectedReport = report, ExpectedRefreshDate = date, MaxErrors = 5 });

    [Theory]
    [MemberData(nameof(ReportsAndDates))]
    public void Every_generated_report_reads_without_errors_as_the_right_report(string reportName, string isoDate)
    {
        var report = UsageReportCatalogue.Find(reportName)!;
        var date = DateOnly.Parse(isoDate, System.Globalization.CultureInfo.InvariantCulture);
        var usage = new DemoUsage(Small);

        var bytes = Bytes(usage, report, date);
        var file = UsageReportFile.Read(new MemoryStream(bytes), reportName + ".csv", new UsageReadOptions { ExpectedRefreshDate = date, MaxErrors = 5 });

        Assert.Empty(file.Errors);
        Assert.Same(report, file.Report);
        Assert.Equal(date, file.RefreshDate);
        Assert.Equal(UsageConcealment.Identified, file.Concealment);
        // Sites are fewer than people, and only some people have a Copilot licence.
        var fewest = report == UsageReportCatalogue.SharePointSiteUsageDetail || report == UsageReportCatalogue.CopilotUsageUserDetail ? 30 : 300;
        Assert.True(file.Rows.Count > fewest, $"{file.Rows.Count} rows");
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.EndsWith("\r\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        // The reports Graph is asked for by period: the mailbox and Copilot reports by 7 days, Teams devices by 30.
        var expectedPeriod = report == UsageReportCatalogue.TeamsDeviceUsageUserDetail ? 30 : GraphReportDownloader.SupportsDate(report) ? 1 : 7;
        var period = report.IndexOf(UsageReportCatalogue.ReportPeriod);
        Assert.All(file.Rows, row => Assert.True(period < 0 || row.GetPeriod(period) == expectedPeriod));
    }

    [Fact]
    public void People_deleted_before_they_would_have_adopted_OneDrive_have_accounts_without_files_not_negative_counts()
    {
        // The first day of the full demo on which such a person's account was written with a negative file count.
        var date = new DateOnly(2026, 9, 21);
        var report = UsageReportCatalogue.OneDriveUsageAccountDetail;

        var file = Read(Full.Value, report, date);

        Assert.Empty(file.Errors);
        Assert.True(file.Rows.Count > 30_000, $"{file.Rows.Count} rows");
    }

    [Fact]
    public void The_Teams_report_is_in_another_order_and_the_site_report_has_an_unknown_column_the_reader_warns_about()
    {
        var usage = new DemoUsage(Small);
        var date = new DateOnly(2026, 3, 11);

        var teams = Encoding.UTF8.GetString(Bytes(usage, UsageReportCatalogue.TeamsUserActivityUserDetail, date));
        var sites = Read(usage, UsageReportCatalogue.SharePointSiteUsageDetail, date);
        var email = Read(usage, UsageReportCatalogue.EmailActivityUserDetail, date);

        Assert.StartsWith("\uFEFFReport Refresh Date,User Id,User Principal Name,", teams, StringComparison.Ordinal);
        Assert.Contains(sites.Warnings, w => w.Contains("Site Sensitivity Label Id", StringComparison.Ordinal));
        Assert.Single(email.Warnings); // only that three "(Unknown)" rows were skipped
        Assert.Equal(3, email.UnknownUsersSkipped);
    }

    [Fact]
    public void Values_are_in_the_formats_of_the_real_files()
    {
        var usage = new DemoUsage(Small);
        var date = new DateOnly(2026, 3, 11);

        var teams = Encoding.UTF8.GetString(Bytes(usage, UsageReportCatalogue.TeamsUserActivityUserDetail, date));
        var office = Encoding.UTF8.GetString(Bytes(usage, UsageReportCatalogue.Office365ActiveUserDetail, date));
        var apps = Encoding.UTF8.GetString(Bytes(usage, UsageReportCatalogue.M365AppUserDetail, date));

        Assert.Matches(",PT(\\d+H)?(\\d+M)?(\\d+S)?,", teams);
        Assert.Contains(",Yes,", teams, StringComparison.Ordinal);
        Assert.Contains(",No,", teams, StringComparison.Ordinal);
        Assert.Contains(",True,True,True,False,True,True,", office, StringComparison.Ordinal);
        Assert.Contains("MICROSOFT 365 E3+MICROSOFT 365 COPILOT", office, StringComparison.Ordinal);
        Assert.DoesNotContain(",True,", apps, StringComparison.Ordinal);
        Assert.Contains(",Yes,", apps, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        var date = new DateOnly(2026, 6, 3);
        var report = UsageReportCatalogue.TeamsUserActivityUserDetail;

        var first = SHA256.HashData(Bytes(new DemoUsage(DemoMunicipality.Generate(7, 2_000)), report, date));
        var again = SHA256.HashData(Bytes(new DemoUsage(DemoMunicipality.Generate(7, 2_000)), report, date));
        var other = SHA256.HashData(Bytes(new DemoUsage(DemoMunicipality.Generate(8, 2_000)), report, date));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task A_day_is_the_same_whichever_range_it_is_planned_in_and_however_it_is_opened()
    {
        var usage = new DemoUsage(Small);
        var day = new DateOnly(2026, 4, 20);
        var report = UsageReportCatalogue.OneDriveUsageAccountDetail;
        var fromWholeStory = usage.Sources(DemoUsage.StoryStart, DemoUsage.StoryEnd).Single(s => s.Name == usage.FileName(report, day));
        var fromOneDay = usage.Sources(day, day).Single(s => s.Name == usage.FileName(report, day));

        var written = Bytes(new DemoUsage(Small), report, day);

        Assert.Equal(written, await ReadAllAsync(fromWholeStory));
        Assert.Equal(written, await ReadAllAsync(fromOneDay));
    }

    private static async Task<byte[]> ReadAllAsync(UsageSource source)
    {
        await using var stream = await source.Open(TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        // A small buffer makes the generating stream serve many partial reads.
        await stream.CopyToAsync(copy, 1000, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }

    [Fact]
    public void The_plan_lists_every_report_of_every_day_in_date_order_with_either_layout()
    {
        var folders = new DemoUsage(Small).Plan(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 3));
        var suffixed = new DemoUsage(Small, new DemoUsageOptions { Layout = DemoUsageLayout.DateInFileName }).Plan(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 1));

        Assert.Equal(33, folders.Count);
        Assert.Equal("2026-10-01/getOffice365ActiveUserDetail.csv", folders[0].FileName);
        Assert.Equal("2026-10-03/getTeamsDeviceUsageUserDetail.csv", folders[^1].FileName);
        Assert.Equal(folders.OrderBy(d => d.Date).Select(d => d.Date), folders.Select(d => d.Date));
        Assert.Contains(suffixed, d => d.FileName == "getEmailActivityUserDetail_2026-10-01.csv");
    }

    [Fact]
    public void Write_folder_writes_every_planned_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"oppdrift-demo-usage-{Guid.NewGuid():N}");
        try
        {
            var usage = new DemoUsage(DemoMunicipality.Generate(5, 300));

            var paths = usage.WriteFolder(folder, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 2), cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(22, paths.Count);
            Assert.All(paths, path => Assert.True(new FileInfo(path).Length > 100, path));
            Assert.Equal(Path.Combine(folder, "2026-10-01", "getOffice365ActiveUserDetail.csv"), paths[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Concealed_reports_read_as_concealed_and_hide_names_user_ids_and_site_urls()
    {
        var usage = new DemoUsage(Small, new DemoUsageOptions { Concealed = true });
        var date = new DateOnly(2026, 3, 11);

        foreach (var report in UsageReportCatalogue.All)
        {
            var bytes = Bytes(usage, report, date);
            var text = Encoding.UTF8.GetString(bytes);
            var file = UsageReportFile.Read(new MemoryStream(bytes), report.Name, new UsageReadOptions { MaxErrors = 5 });

            Assert.Empty(file.Errors);
            Assert.Equal(UsageConcealment.Concealed, file.Concealment);
            Assert.DoesNotContain(DemoCatalogue.Domain, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        }
        var teams = Read(usage, UsageReportCatalogue.TeamsUserActivityUserDetail, date);
        var userId = UsageReportCatalogue.TeamsUserActivityUserDetail.IndexOf(UsageReportCatalogue.UserId);
        Assert.All(teams.Rows, row => Assert.True(UsageValues.IsConcealedUserId(row.GetText(userId))));
    }

    [Fact]
    public void Concealed_names_are_stable_across_days_and_not_an_md5_of_the_user_name()
    {
        var identified = new DemoUsage(Small);
        var concealed = new DemoUsage(Small, new DemoUsageOptions { Concealed = true });
        var report = UsageReportCatalogue.EmailActivityUserDetail;

        var names = Read(identified, report, new DateOnly(2026, 3, 11)).Rows.Select(r => r.User!).ToList();
        var monday = Read(concealed, report, new DateOnly(2026, 3, 11)).Rows.Select(r => r.User!).ToList();
        var later = Read(concealed, report, new DateOnly(2026, 3, 12)).Rows.Select(r => r.User!).ToList();

        Assert.Equal(monday.Count, names.Count);
        Assert.Equal(monday.Take(500), later.Take(500));
        Assert.Equal(monday.Count, monday.Distinct().Count());
        for (var i = 0; i < 200; i++)
        {
            Assert.True(UsageValues.IsConcealedName(monday[i]));
            Assert.DoesNotContain(monday[i], ConcealedNames.CandidateHashes(names[i]));
        }
    }

    [Fact]
    public void Deleted_unlicensed_unknown_and_unmatched_users_are_in_the_reports()
    {
        var usage = Full.Value;
        var date = new DateOnly(2026, 6, 10);
        var teams = Read(usage, UsageReportCatalogue.TeamsUserActivityUserDetail, date);
        var report = UsageReportCatalogue.TeamsUserActivityUserDetail;
        var deleted = report.IndexOf("Is Deleted");
        var deletedDate = report.IndexOf("Deleted Date");
        var licensed = report.IndexOf("Is Licensed");

        var deletedRows = teams.Rows.Where(r => r.GetBoolean(deleted) == true).ToList();
        var unmatched = teams.Rows.Count(r => !AgencyOfUpn.ContainsKey(r.User!));

        Assert.Equal(3, teams.UnknownUsersSkipped);
        Assert.InRange(deletedRows.Count, 5, 200);
        Assert.All(deletedRows, r => Assert.True(r.GetDate(deletedDate) <= date));
        Assert.InRange(teams.Rows.Count(r => r.GetBoolean(licensed) == false), 500, 3_000);
        // Service accounts, function mailboxes and the recently deleted are not in today's directory.
        Assert.InRange(unmatched, 100, 800);
    }

    /// <summary>The share of an agency's rows whose Teams last activity is the report's own day.</summary>
    private static Dictionary<string, double> TeamsActiveShare(DemoUsage usage, DateOnly date)
    {
        var file = Read(usage, UsageReportCatalogue.TeamsUserActivityUserDetail, date);
        Assert.Empty(file.Errors);
        var last = UsageReportCatalogue.TeamsUserActivityUserDetail.IndexOf("Last Activity Date");
        return file.Rows
            .Where(r => AgencyOfUpn.ContainsKey(r.User!))
            .GroupBy(r => AgencyOfUpn[r.User!])
            .ToDictionary(g => g.Key, g => g.Count(r => r.GetDate(last) == date) / (double)g.Count());
    }

    private static double MeanShare(DemoUsage usage, string agency, params DateOnly[] dates) =>
        dates.Average(date => TeamsActiveShare(usage, date)[agency]);

    [Fact]
    public void Early_adopters_use_Teams_far_more_than_laggards()
    {
        var share = TeamsActiveShare(Full.Value, new DateOnly(2026, 4, 22));

        var early = DemoUsage.EarlyAdopters.Average(code => share[code]);
        var laggards = DemoUsage.Laggards.Where(code => DemoUsage.TrainingJumps.All(t => t.AgencyCode != code)).Average(code => share[code]);

        Assert.True(early > 0.45, $"early adopters {early:P0}");
        Assert.True(laggards < 0.15, $"laggards {laggards:P0}");
    }

    [Fact]
    public void Teams_use_jumps_after_a_training_programme_in_the_trained_agency_only()
    {
        var training = DemoUsage.TrainingJumps.Single(t => t.AgencyCode == "BOS");
        var before = Weekdays(training.Date.AddDays(-7), 3);
        var after = Weekdays(training.Date.AddDays(14), 3);

        var trained = MeanShare(Full.Value, "BOS", after) - MeanShare(Full.Value, "BOS", before);
        var untrained = MeanShare(Full.Value, "BNO", after) - MeanShare(Full.Value, "BNO", before);

        Assert.True(trained > 0.12, $"trained agency rose {trained:P0}");
        Assert.True(untrained < trained / 3, $"untrained agency rose {untrained:P0}, trained {trained:P0}");
    }

    private static DateOnly[] Weekdays(DateOnly from, int count)
    {
        var days = new List<DateOnly>();
        for (var date = from; days.Count < count; date = date.AddDays(1))
        {
            if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(date);
            }
        }
        return [.. days];
    }

    [Fact]
    public void Weekends_and_the_July_holiday_are_quieter_than_working_days()
    {
        var usage = new DemoUsage(Small);

        var wednesday = ActiveEmailUsers(usage, new DateOnly(2026, 6, 10));
        var saturday = ActiveEmailUsers(usage, new DateOnly(2026, 6, 13));
        var july = ActiveEmailUsers(usage, new DateOnly(2026, 7, 15));

        Assert.True(saturday < wednesday * 0.35, $"Saturday {saturday}, Wednesday {wednesday}");
        Assert.True(july < wednesday * 0.6, $"July {july}, Wednesday {wednesday}");
    }

    private static int ActiveEmailUsers(DemoUsage usage, DateOnly date)
    {
        var file = Read(usage, UsageReportCatalogue.EmailActivityUserDetail, date);
        var last = UsageReportCatalogue.EmailActivityUserDetail.IndexOf("Last Activity Date");
        return file.Rows.Count(r => r.GetDate(last) == date);
    }

    [Fact]
    public void E_mail_sent_falls_while_Teams_chat_rises_over_the_story()
    {
        var usage = new DemoUsage(Small);
        var start = Weekdays(new DateOnly(2025, 11, 10), 3);
        var end = Weekdays(new DateOnly(2026, 11, 9), 3);
        var email = UsageReportCatalogue.EmailActivityUserDetail;
        var teams = UsageReportCatalogue.TeamsUserActivityUserDetail;

        long Total(UsageReportType report, string column, DateOnly[] dates) =>
            dates.Sum(date => Read(usage, report, date).Rows.Sum(r => r.GetCount(report.IndexOf(column)) ?? 0));

        Assert.True(Total(email, "Send Count", end) < Total(email, "Send Count", start) * 0.8);
        Assert.True(Total(teams, "Private Chat Message Count", end) > Total(teams, "Private Chat Message Count", start) * 1.5);
    }

    [Fact]
    public void Storage_and_the_number_of_sites_grow_over_the_story()
    {
        var usage = new DemoUsage(Small);
        var oneDrive = UsageReportCatalogue.OneDriveUsageAccountDetail;
        var mailbox = UsageReportCatalogue.MailboxUsageDetail;
        var sites = UsageReportCatalogue.SharePointSiteUsageDetail;

        long Storage(UsageReportType report, DateOnly date) =>
            Read(usage, report, date).Rows.Sum(r => r.GetCount(report.IndexOf("Storage Used (Byte)")) ?? 0);

        Assert.True(Storage(oneDrive, DemoUsage.StoryEnd) > Storage(oneDrive, DemoUsage.StoryStart) * 1.3);
        Assert.True(Storage(mailbox, DemoUsage.StoryEnd) > Storage(mailbox, DemoUsage.StoryStart) * 1.05);
        Assert.True(Storage(sites, DemoUsage.StoryEnd) > Storage(sites, DemoUsage.StoryStart));
        Assert.True(Read(usage, sites, DemoUsage.StoryEnd).Rows.Count > Read(usage, sites, DemoUsage.StoryStart).Rows.Count);
    }

    [Fact]
    public void Sites_are_owned_by_people_of_their_agency_and_some_have_no_url()
    {
        var usage = Full.Value;
        var report = UsageReportCatalogue.SharePointSiteUsageDetail;
        var file = Read(usage, report, new DateOnly(2026, 9, 1));
        var url = report.IndexOf("Site URL");
        var owner = report.IndexOf("Owner Principal Name");

        var owned = file.Rows.Where(r => r.GetText(owner) is not null && r.GetText(url) is not null).ToList();

        Assert.Contains(file.Rows, r => r.GetText(url) is null);
        Assert.True(owned.Count > 200, $"{owned.Count} owned sites");
        // A unit site's URL starts with its agency's code, and its owner works there.
        Assert.All(owned.Where(r => r.GetText(url)!.Contains("/sites/", StringComparison.Ordinal)), r =>
            Assert.StartsWith($"https://nordvik.sharepoint.com/sites/{AgencyOfUpn[r.GetText(owner)!].ToLowerInvariant()}-", r.GetText(url), StringComparison.Ordinal));
    }
}
