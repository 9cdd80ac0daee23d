using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageImporterTests
{
    private const string Domain = "@nordvik.kommune.no";
    private static readonly DateOnly Day = new(2026, 11, 24);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
    private readonly Pseudonymiser _pseudonymiser = new(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });

    /// <summary>Two agencies: SYE with 12 people (sye00…sye11) and KUL with 3 (kul00…kul02).</summary>
    private static async Task<TestDatabase> WithPeopleAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var setup = new OrganisationSetup(db, TimeProvider.System);
        var sye = (await setup.CreateAgencyAsync(new AgencyInput("SYE", "Sykehjemsetaten", "Helse"), "test", default)).Value!;
        var kul = (await setup.CreateAgencyAsync(new AgencyInput("KUL", "Kulturetaten", "Kultur"), "test", default)).Value!;
        foreach (var (prefix, agency, count) in new[] { ("sye", sye.Id, 12), ("kul", kul.Id, 3) })
        {
            for (var i = 0; i < count; i++)
            {
                var upn = $"{prefix}{i:00}{Domain}";
                db.People.Add(new Person
                {
                    UserPrincipalName = upn,
                    NormalizedUserPrincipalName = upn,
                    DisplayName = $"{prefix} {i}",
                    AgencyId = agency,
                    IsActive = true,
                    AccountEnabled = true,
                });
            }
        }
        await db.SaveChangesAsync();
        return database;
    }

    private UsageImporter Importer(OppdriftDb db, int retentionDays = UsageOptions.DefaultRetentionDays) =>
        new(db, _pseudonymiser, new UsageOptions { RetentionDays = retentionDays }, _clock, NullLogger<UsageImporter>.Instance);

    private static UsageSource Csv(string name, string text) =>
        new(name, _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray())));

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private const string EmailHeader = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Last Activity Date,Send Count,Receive Count,Read Count,Meeting Created Count,Meeting Interacted Count,Assigned Products,Report Period\r\n";

    /// <summary>An e-mail report where person i of each agency sent i+1 e-mails, plus one stranger who sent 100.</summary>
    private static string EmailReport(DateOnly date, int sentBonus = 0)
    {
        var text = new StringBuilder(EmailHeader);
        foreach (var (prefix, count) in new[] { ("sye", 12), ("kul", 3) })
        {
            for (var i = 0; i < count; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{D(date)},{prefix}{i:00}{Domain},X,False,,{D(date)},{i + 1 + sentBonus},10,5,0,1,MICROSOFT 365 E3,1\r\n");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"{D(date)},stranger@example.org,Y,False,,{D(date)},100,0,0,0,0,,1\r\n");
        return text.ToString();
    }

    private const string ActiveHeader = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,Assigned Products\r\n";

    /// <summary>The reach report with each SYE person's Teams last activity given (null: never).</summary>
    private static string ActiveReport(DateOnly date, Func<int, DateOnly?> teamsLast)
    {
        var text = new StringBuilder(ActiveHeader);
        for (var i = 0; i < 12; i++)
        {
            var last = teamsLast(i) is { } d ? D(d) : "";
            text.Append(CultureInfo.InvariantCulture, $"{D(date)},sye{i:00}{Domain},X,False,,True,True,True,False,False,True,{D(date)},,,,,{last},MICROSOFT 365 E3\r\n");
        }
        return text.ToString();
    }

    private static async Task<Dictionary<(string Metric, int Agency), (long Value, int People)>> FiguresAsync(TestDatabase database, DateOnly date)
    {
        await using var db = database.CreateContext();
        var rows = await db.UsageFigures.Where(f => f.Date == date).ToListAsync();
        return rows.ToDictionary(f => (f.Metric, f.AgencyId), f => (f.Value, f.People));
    }

    private static async Task<int> AgencyIdAsync(TestDatabase database, string code)
    {
        await using var db = database.CreateContext();
        return await db.Agencies.Where(a => a.Code == code).Select(a => a.Id).SingleAsync();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_email_report_becomes_figures_per_agency_with_strangers_unplaced(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync([Csv("email.csv", EmailReport(Day))], new UsageImportRequest { Actor = "test" });
            var import = Assert.Single(result.Files).Import;
            Assert.Equal(UsageImportStatus.Succeeded, import.Status);
            Assert.Equal((16, 15, 1), (import.Rows, import.Matched, import.Unmatched));
            Assert.Contains(result.Files[0].Warnings, w => w.Contains('1', StringComparison.Ordinal));
        }
        var figures = await FiguresAsync(database, Day);
        var sye = await AgencyIdAsync(database, "SYE");
        var kul = await AgencyIdAsync(database, "KUL");
        Assert.Equal((78L, 12), figures[("exchange.sent", sye)]); // 1 + 2 + … + 12
        Assert.Equal((6L, 3), figures[("exchange.sent", kul)]);
        Assert.Equal((100L, 1), figures[("exchange.sent", UsageFigure.Unplaced)]);
        Assert.Equal((12L, 12), figures[("exchange.senders", sye)]);
        Assert.Equal((120L, 12), figures[("exchange.received", sye)]);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reimporting_the_same_report_changes_nothing_and_a_corrected_one_replaces_it(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using (var db = database.CreateContext())
        {
            await Importer(db).ImportAsync([Csv("email.csv", EmailReport(Day))], new UsageImportRequest { Actor = "test" });
        }
        var first = await FiguresAsync(database, Day);
        await using (var db = database.CreateContext())
        {
            var again = await Importer(db).ImportAsync([Csv("email.csv", EmailReport(Day))], new UsageImportRequest { Actor = "test" });
            Assert.Equal(UsageImportStatus.Unchanged, again.Files[0].Import.Status);
        }
        Assert.Equal(first, await FiguresAsync(database, Day));

        await using (var db = database.CreateContext())
        {
            var corrected = await Importer(db).ImportAsync([Csv("email-corrected.csv", EmailReport(Day, sentBonus: 1))], new UsageImportRequest { Actor = "test" });
            Assert.Equal(UsageImportStatus.Succeeded, corrected.Files[0].Import.Status);
            Assert.Equal(1, await db.UsageImports.CountAsync(i => i.IsCurrent));
            Assert.Equal(3, await db.UsageImports.CountAsync());
        }
        var replaced = await FiguresAsync(database, Day);
        var sye = await AgencyIdAsync(database, "SYE");
        Assert.Equal(90L, replaced[("exchange.sent", sye)].Value); // replaced, not 78 + 90
        Assert.Equal(first.Count, replaced.Count);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_bad_file_writes_nothing_but_its_record_and_the_good_files_beside_it_land(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        var bad = EmailReport(Day).Replace($"{D(Day)},kul02{Domain},X,False,,{D(Day)},3,", $"{D(Day)},kul02{Domain},X,False,,{D(Day)},tre,", StringComparison.Ordinal);
        await using (var db = database.CreateContext())
        {
            var result = await Importer(db).ImportAsync(
                [Csv("bad.csv", bad), Csv("good.csv", EmailReport(Day.AddDays(-1)))], new UsageImportRequest { Actor = "test" });
            var failed = Assert.Single(result.Files, f => f.Import.Status == UsageImportStatus.Failed);
            var error = Assert.Single(failed.Errors);
            Assert.Equal(("bad.csv", 16, 7, "Send Count"), (error.File, error.Line, error.Column, error.ColumnName));
            Assert.Equal(1, result.Succeeded);
        }
        Assert.Empty(await FiguresAsync(database, Day));
        Assert.NotEmpty(await FiguresAsync(database, Day.AddDays(-1)));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_import_cancelled_in_the_middle_leaves_the_database_as_it_was_and_the_next_run_completes(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using (var db = database.CreateContext())
        {
            await Importer(db).ImportAsync([Csv("day1.csv", EmailReport(Day))], new UsageImportRequest { Actor = "test" });
        }
        var before = await FiguresAsync(database, Day);
        using var cancellation = new CancellationTokenSource();
        var bytes = Encoding.UTF8.GetBytes(EmailReport(Day, sentBonus: 5));
        // The stream cancels the import once half the file is read: the moment a killed process would stop.
        var stopping = new UsageSource("replacement.csv", _ => Task.FromResult<Stream>(new CancellingStream(bytes, bytes.Length / 2, cancellation)));
        await using (var db = database.CreateContext())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Importer(db).ImportAsync([stopping], new UsageImportRequest { Actor = "test" }, cancellationToken: cancellation.Token));
        }
        Assert.Equal(before, await FiguresAsync(database, Day));
        await using (var db = database.CreateContext())
        {
            var rerun = await Importer(db).ImportAsync([Csv("replacement.csv", EmailReport(Day, sentBonus: 5))], new UsageImportRequest { Actor = "test" });
            Assert.Equal(UsageImportStatus.Succeeded, rerun.Files[0].Import.Status);
        }
        var sye = await AgencyIdAsync(database, "SYE");
        Assert.Equal(78L + 12 * 5, (await FiguresAsync(database, Day))[("exchange.sent", sye)].Value);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Active_returning_and_new_follow_the_last_activity_dates_of_the_days_before(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        var earlier = Day.AddDays(-7);
        // Week before: people 0–5 active in that week. This week: people 0–2 and 6–9 active; 10 and 11 never.
        var weekBefore = ActiveReport(earlier, i => i < 6 ? earlier.AddDays(-i % 3) : null);
        var thisWeek = ActiveReport(Day, i => i < 3 || (i >= 6 && i < 10) ? Day.AddDays(-(i % 4)) : i < 6 ? earlier.AddDays(-1) : null);
        await using (var db = database.CreateContext())
        {
            // Given newest first: the importer puts them in date order itself. The same importer then takes the
            // correction, as an upload request or the nightly pull would, so nothing of the first batch may linger.
            var importer = Importer(db);
            var result = await importer.ImportAsync([Csv("now.csv", ActiveReport(Day, _ => null)), Csv("before.csv", weekBefore)],
                new UsageImportRequest { Actor = "test" });
            Assert.Equal(2, result.Succeeded);
            // Rows in reverse order, so this import numbers its people differently from the first.
            var lines = thisWeek.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var reversed = string.Join("\r\n", [lines[0], .. lines.Skip(1).Reverse()]) + "\r\n";
            await importer.ImportAsync([Csv("now-corrected.csv", reversed)], new UsageImportRequest { Actor = "test" });
        }
        var sye = await AgencyIdAsync(database, "SYE");
        var figures = await FiguresAsync(database, Day);
        Assert.Equal(12L, figures[("teams.licensed", sye)].Value);
        Assert.Equal(7L, figures[("teams.active7", sye)].Value);
        Assert.Equal(10L, figures[("teams.active28", sye)].Value);
        Assert.Equal(3L, figures[("teams.returning7", sye)].Value);
        Assert.Equal(4L, figures[("teams.new7", sye)].Value);
        Assert.Equal(12L, figures[("exchange.active1", sye)].Value);
        // Nothing 28 days back: returning over 28 days is unknown, not zero.
        Assert.False(figures.ContainsKey(("teams.returning28", sye)));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Per_person_rows_hold_a_keyed_hash_never_the_name_and_are_kept_only_within_the_retention(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        var old = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime).AddDays(-40);
        await using (var db = database.CreateContext())
        {
            await Importer(db).ImportAsync([Csv("old.csv", ActiveReport(old, _ => old)), Csv("now.csv", ActiveReport(Day, _ => Day))],
                new UsageImportRequest { Actor = "test" });
            var rows = await db.UsageActivity.ToListAsync();
            Assert.All(rows, r => Assert.Equal(Day, r.Date));
            // Exchange and Teams only: a workload someone has not used within the longest window gives no row.
            Assert.Equal(12 * 2, rows.Count);
            var expected = _pseudonymiser.PseudonymBytes("sye03" + Domain)[..16];
            Assert.Contains(rows, r => r.Pseudonym.AsSpan().SequenceEqual(expected) && r.Workload == UsageWorkload.Teams);
            // Figures of the old day are kept even though its per-person rows are not.
            Assert.True(await db.UsageFigures.AnyAsync(f => f.Date == old));
        }
        // Warnings count people; they never name them.
        Assert.Empty(await NamesInUsageTablesAsync(database));
    }

    private static async Task<List<string>> NamesInUsageTablesAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var texts = await db.UsageImports.Select(i => i.Name + "|" + i.Warnings + "|" + i.Errors).ToListAsync();
        return texts.Where(t => t.Contains(Domain, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_concealed_report_lands_as_municipality_wide_figures_and_says_so(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using var db = database.CreateContext();
        await using var stream = TestFiles.Open("usage", "teams-user-activity-user-detail-concealed.csv");
        var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        var result = await Importer(db).ImportAsync([new UsageSource("concealed.csv", _ => Task.FromResult<Stream>(new MemoryStream(bytes.ToArray())))],
            new UsageImportRequest { Actor = "test" });
        var import = result.Files[0].Import;
        Assert.Equal(UsageImportStatus.Succeeded, import.Status);
        Assert.Equal(UsageConcealment.Concealed, import.Concealment);
        Assert.Equal(0, import.Matched);
        Assert.All(await db.UsageFigures.ToListAsync(), f => Assert.Equal(UsageFigure.Unplaced, f.AgencyId));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_file_for_another_report_or_date_than_asked_for_is_rejected(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using var db = database.CreateContext();
        var wrongReport = await Importer(db).ImportAsync([Csv("email.csv", EmailReport(Day))],
            new UsageImportRequest { Actor = "test", ExpectedReport = UsageReportCatalogue.TeamsUserActivityUserDetail });
        Assert.Contains("getTeamsUserActivityUserDetail", Assert.Single(wrongReport.Files[0].Errors).Message, StringComparison.Ordinal);
        var wrongDate = await Importer(db).ImportAsync([Csv("email.csv", EmailReport(Day))],
            new UsageImportRequest { Actor = "test", ExpectedDate = Day.AddDays(-1) });
        Assert.Equal(UsageImportStatus.Failed, wrongDate.Files[0].Import.Status);
        Assert.Equal(2, wrongDate.Files[0].Errors[0].Line);
        Assert.False(await db.UsageFigures.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_report_with_the_same_user_twice_is_refused_whole_naming_both_lines(DatabaseKind kind)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        await using var database = await WithPeopleAsync(kind);
        // sye03 again at the end, written in capitals, with a Send Count that would stand out in the totals.
        var twice = EmailReport(Day) + $"{D(Day)},SYE03{Domain.ToUpperInvariant()},X,False,,{D(Day)},999,0,0,0,0,,1\r\n";
        await using var db = database.CreateContext();

        var result = await Importer(db).ImportAsync([Csv("twice.csv", twice)], new UsageImportRequest { Actor = "test" });

        var rejected = Assert.Single(result.Files);
        Assert.Equal(UsageImportStatus.Failed, rejected.Import.Status);
        var error = Assert.Single(rejected.Errors);
        // The header is line 1 and sye03 line 5; 15 people and a stranger put the repeat on line 18.
        Assert.Equal(("twice.csv", 18, 2, "User Principal Name"), (error.File, error.Line, error.Column, error.ColumnName));
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("SYE03" + Domain.ToUpperInvariant(), error.Message, StringComparison.Ordinal);
        Assert.False(await db.UsageFigures.AnyAsync());
        Assert.False(await db.UsageActivity.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_concealed_report_with_the_same_hash_twice_is_refused_naming_the_hash(DatabaseKind kind)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        await using var database = await WithPeopleAsync(kind);
        var lines = File.ReadAllLines(TestFiles.Path("usage", "teams-user-activity-user-detail-concealed.csv"));
        const string Hash = "FE7CC8C15246EDCCA289C9A4022762F7";
        Assert.Contains(Hash, lines[1], StringComparison.Ordinal);
        // The same concealed name in lower case is the same person.
        var twice = string.Join("\r\n", [.. lines, lines[1].Replace(Hash, Hash.ToLowerInvariant(), StringComparison.Ordinal)]) + "\r\n";
        await using var db = database.CreateContext();

        var result = await Importer(db).ImportAsync([Csv("concealed.csv", twice)], new UsageImportRequest { Actor = "test" });

        var error = Assert.Single(Assert.Single(result.Files).Errors);
        Assert.Equal(("concealed.csv", 5, 5, "User Principal Name"), (error.File, error.Line, error.Column, error.ColumnName));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(Hash.ToLowerInvariant(), error.Message, StringComparison.Ordinal);
        Assert.False(await db.UsageFigures.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_deleted_namesake_and_an_owner_of_several_sites_are_not_repeats(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        // A deleted account whose name was given to someone new is history beside the live one, and skipped.
        var deleted = EmailReport(Day) + $"{D(Day)},sye03{Domain},X,True,2026-10-01,,0,0,0,0,0,,1\r\n";
        const string SiteHeader = "Report Refresh Date,Site Id,Site URL,Owner Display Name,Is Deleted,Last Activity Date,File Count,Active File Count,Page View Count,Visited Page Count,Storage Used (Byte),Storage Allocated (Byte),Root Web Template,Owner Principal Name,Report Period\r\n";
        var sites = SiteHeader
            + $"{D(Day)},2b7e4c1a-5d3f-4e2a-9b8c-1a2b3c4d5e01,,X,False,{D(Day)},10,1,5,2,100,1000,Group,sye01{Domain},1\r\n"
            + $"{D(Day)},2b7e4c1a-5d3f-4e2a-9b8c-1a2b3c4d5e02,,X,False,{D(Day)},20,2,5,2,100,1000,Group,sye01{Domain},1\r\n";
        await using var db = database.CreateContext();

        var result = await Importer(db).ImportAsync([Csv("deleted.csv", deleted), Csv("sites.csv", sites)], new UsageImportRequest { Actor = "test" });

        Assert.All(result.Files, f => Assert.Equal(UsageImportStatus.Succeeded, f.Import.Status));
        var sye = await AgencyIdAsync(database, "SYE");
        Assert.Equal((2L, 2), (await FiguresAsync(database, Day))[("sharepoint.sites", sye)]);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_report_dated_after_today_is_refused_at_its_date_and_one_dated_today_lands(DatabaseKind kind)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        await using var database = await WithPeopleAsync(kind);
        // The clock says 07:00 on 25 November in Oslo.
        var today = new DateOnly(2026, 11, 25);
        await using var db = database.CreateContext();

        var result = await Importer(db).ImportAsync([Csv("tomorrow.csv", EmailReport(today.AddDays(1))), Csv("today.csv", EmailReport(today))],
            new UsageImportRequest { Actor = "test" });

        var refused = Assert.Single(result.Files, f => f.Import.Name == "tomorrow.csv");
        Assert.Equal(UsageImportStatus.Failed, refused.Import.Status);
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("tomorrow.csv", 2, 1, "Report Refresh Date"), (error.File, error.Line, error.Column, error.ColumnName));
        Assert.Contains("2026-11-26", error.Message, StringComparison.Ordinal);
        Assert.Equal(UsageImportStatus.Succeeded, Assert.Single(result.Files, f => f.Import.Name == "today.csv").Import.Status);
        Assert.Empty(await FiguresAsync(database, today.AddDays(1)));
        Assert.NotEmpty(await FiguresAsync(database, today));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_date_asked_for_after_today_is_refused_at_the_report_date(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        var tomorrow = new DateOnly(2026, 11, 26);
        await using var db = database.CreateContext();

        var result = await Importer(db).ImportAsync([Csv("email.csv", EmailReport(tomorrow))],
            new UsageImportRequest { Actor = "test", ExpectedDate = tomorrow });

        var error = Assert.Single(Assert.Single(result.Files).Errors);
        Assert.Equal(("email.csv", 2, 1), (error.File, error.Line, error.Column));
        Assert.False(await db.UsageFigures.AnyAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Today_is_the_date_in_the_configured_time_zone(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        // 23:30 on 25 November in UTC is 00:30 on the 26th in Oslo.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero));
        var report = Csv("email.csv", EmailReport(new DateOnly(2026, 11, 26)));
        await using var db = database.CreateContext();
        UsageImporter In(string zone) => new(db, _pseudonymiser, new UsageOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone) }, clock,
            NullLogger<UsageImporter>.Instance);

        var utc = await In("UTC").ImportAsync([report], new UsageImportRequest { Actor = "test" });
        var oslo = await In("Europe/Oslo").ImportAsync([report], new UsageImportRequest { Actor = "test" });

        Assert.Contains("UTC", Assert.Single(utc.Files[0].Errors).Message, StringComparison.Ordinal);
        Assert.Equal(UsageImportStatus.Succeeded, oslo.Files[0].Import.Status);
    }

    [Fact]
    public void The_time_zone_is_the_one_the_nightly_pull_uses()
    {
        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Usage:Graph:TimeZone"] = "America/New_York" }).Build();

        Assert.Equal("Europe/Oslo", UsageOptions.FromConfiguration(new ConfigurationBuilder().Build()).TimeZone.Id);
        Assert.Equal("America/New_York", UsageOptions.FromConfiguration(configured).TimeZone.Id);
        var wrong = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Usage:Graph:TimeZone"] = "Europe/Nowhere" }).Build();
        Assert.Contains("Usage:Graph:TimeZone", Assert.Throws<InvalidOperationException>(() => UsageOptions.FromConfiguration(wrong)).Message, StringComparison.Ordinal);
    }

    public static TheoryData<DatabaseKind, string, int, int?> BadFiles => new()
    {
        { DatabaseKind.Sqlite, "bad-email-date.csv", 2, 6 },
        { DatabaseKind.Postgres, "bad-email-date.csv", 2, 6 },
        { DatabaseKind.Sqlite, "bad-email-missing-column.csv", 1, null },
        { DatabaseKind.Postgres, "bad-email-missing-column.csv", 1, null },
        { DatabaseKind.Sqlite, "bad-email-non-numeric-count.csv", 3, 7 },
        { DatabaseKind.Postgres, "bad-email-non-numeric-count.csv", 3, 7 },
        { DatabaseKind.Sqlite, "bad-email-refresh-date.csv", 3, 1 },
        { DatabaseKind.Postgres, "bad-email-refresh-date.csv", 3, 1 },
        { DatabaseKind.Sqlite, "bad-email-truncated.csv", 3, 9 },
        { DatabaseKind.Postgres, "bad-email-truncated.csv", 3, 9 },
        { DatabaseKind.Sqlite, "bad-email-windows-1252.csv", 3, 3 },
        { DatabaseKind.Postgres, "bad-email-windows-1252.csv", 3, 3 },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Each_kind_of_bad_report_is_rejected_whole_with_file_line_and_column(DatabaseKind kind, string file, int line, int? column)
    {
        await using var database = await WithPeopleAsync(kind);
        await using var db = database.CreateContext();
        var path = TestFiles.Path("usage", file);

        var result = await Importer(db).ImportAsync([UsageSource.FromFile(path)], new UsageImportRequest { Actor = "test" });

        var rejected = Assert.Single(result.Files);
        Assert.Equal(UsageImportStatus.Failed, rejected.Import.Status);
        var error = rejected.Errors[0];
        Assert.Equal((path, line, column), (error.File, error.Line, error.Column));
        Assert.False(await db.UsageFigures.AnyAsync());
        Assert.False(await db.UsageActivity.AnyAsync());
        var recorded = await db.UsageImports.SingleAsync();
        Assert.Equal((UsageImportStatus.Failed, false), (recorded.Status, recorded.IsCurrent));
        Assert.Contains($"{path}:{line}", recorded.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_unknown_extra_column_is_a_warning_and_the_report_lands(DatabaseKind kind)
    {
        await using var database = await WithPeopleAsync(kind);
        await using var db = database.CreateContext();

        var result = await Importer(db).ImportAsync([UsageSource.FromFile(TestFiles.Path("usage", "teams-user-activity-reordered.csv"))],
            new UsageImportRequest { Actor = "test" });

        var file = Assert.Single(result.Files);
        Assert.Equal(UsageImportStatus.Succeeded, file.Import.Status);
        Assert.Contains(file.Warnings, w => w.Contains("Meetings Unclassified Count", StringComparison.Ordinal));
        Assert.True(await db.UsageFigures.AnyAsync(f => f.Metric == "teams.chatMessages"));
    }

    /// <summary>Serves bytes and cancels a token once a given number of them has been read.</summary>
    private sealed class CancellingStream(byte[] bytes, int cancelAfter, CancellationTokenSource cancellation) : Stream
    {
        private int _position;

        public override int Read(Span<byte> buffer)
        {
            if (_position >= cancelAfter)
            {
                cancellation.Cancel();
            }
            var count = Math.Min(Math.Min(buffer.Length, 256), bytes.Length - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
