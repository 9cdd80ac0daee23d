using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Cli;

/// <summary>`oppdrift usage`, `learning attendance`, `demo load` and `account`: imports and the operator's own commands.</summary>
public sealed class CliImportTests : CliTests
{
    [Fact]
    public async Task Usage_import_of_a_missing_path_exits_2_naming_it()
    {
        var missing = Path.Combine(Folder, "no-such-report.csv");

        var run = await RunAsync("usage", "import", missing, "--data", Data, "--language", "en");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{missing}: no such file or folder", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_import_of_a_semicolon_separated_report_names_the_separator()
    {
        var file = Path.Combine(Folder, "email-semicolons.csv");
        File.WriteAllText(file, File.ReadAllText(TestFiles.Path("usage", "email-activity-user-detail.csv")).Replace(',', ';'));

        var run = await RunAsync("usage", "import", file, "--data", Data, "--language", "en");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("email-semicolons.csv:1: The header is separated by ';'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_import_with_a_date_after_today_exits_2_naming_the_option()
    {
        var run = await RunAsync("usage", "import", TestFiles.Path("usage", "email-activity-user-detail.csv"), "--date", "2999-01-01",
            "--data", Data, "--language", "en");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--date: 2999-01-01 is after today", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "oppdrift.db")));
    }

    [Fact]
    public async Task Usage_import_of_aFolder_lands_the_good_reports_and_exits_2_naming_each_bad_one()
    {
        var folder = Path.Combine(Folder, "usage");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "email-activity-user-detail.csv", "teams-user-activity-user-detail.csv", "bad-email-truncated.csv" })
        {
            File.Copy(TestFiles.Path("usage", name), Path.Combine(folder, name));
        }

        var run = await RunAsync("usage", "import", folder, "--data", Data, "--language", "en");
        var again = await RunAsync("usage", "import", Path.Combine(folder, "email-activity-user-detail.csv"), "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("2 imported, 0 unchanged, 1 rejected", run.Output, StringComparison.Ordinal);
        Assert.Contains("bad-email-truncated.csv:3:9", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 imported, 1 unchanged, 0 rejected", again.Output, StringComparison.Ordinal);
        await using var db = CreateDb(DatabaseKind.Sqlite);
        Assert.Equal(2, await db.UsageImports.CountAsync(i => i.IsCurrent, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Usage_pull_without_the_graph_settings_names_what_is_missing_and_exits_2()
    {
        var run = await RunAsync("usage", "pull", "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage:Graph:TenantId", run.Error, StringComparison.Ordinal);
        Assert.Contains("Usage:Graph:ClientSecret", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_import_for_another_report_than_the_file_exits_2()
    {
        var run = await RunAsync("usage", "import", TestFiles.Path("usage", "email-activity-user-detail.csv"), "--report", "getTeamsUserActivityUserDetail", "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("getTeamsUserActivityUserDetail", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_load_fills_the_configured_database()
    {
        var run = await RunAsync("demo", "load", "--people", "300", "--data", Data);

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(Data, "demo", "entra-users.csv")));
        // Two imports, the directory as it was and as it is: everyone is added by one of them.
        var added = CountRow("Added", "([0-9]+)").Matches(run.Output).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("The directory now:", run.Output, StringComparison.Ordinal);
        Assert.True(added >= 300, run.ToString());
        await using var db = CreateDb(DatabaseKind.Sqlite);
        Assert.Equal(added, await db.People.CountAsync(TestContext.Current.CancellationToken));
        Assert.True(await db.Agencies.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Account_reset_password_of_an_unknown_user_exits_2_with_a_clear_message()
    {
        var run = await RunAsync("account", "reset-password", "nobody", "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No account has the user name 'nobody'", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Account_reset_password_prints_a_one_time_password_that_signs_in()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.Equal(0, (await RunAsync("db", "migrate", "--data", Data)).ExitCode);
        string firstPassword;
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            firstPassword = (await new AccountService(db, TimeProvider.System).EnsureAdministratorAsync(cancellationToken))!.OneTimePassword;
        }

        var run = await RunAsync("account", "reset-password", " Admin ", "--data", Data);

        Assert.Equal(0, run.ExitCode);
        var password = run.Output.Trim();
        Assert.NotEqual(firstPassword, password);
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            var accounts = new AccountService(db, TimeProvider.System);
            Assert.Null(await accounts.VerifyAsync("admin", firstPassword, cancellationToken));
            var account = await accounts.VerifyAsync("admin", password, cancellationToken);
            Assert.NotNull(account);
            Assert.True(account.MustChangePassword);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "account.reset-password" && e.Actor == "cli", cancellationToken));
        }
    }

    [Fact]
    public async Task Learning_attendance_import_of_aFolder_says_which_file_matched_which_session_and_a_file_again_changes_nothing()
    {
        Assert.Equal(0, (await RunAsync("db", "migrate", "--data", Data)).ExitCode);
        int sessionId;
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            var programme = new Oppdrift.Learning.Programme { Name = "Frokostwebinar", OwnerName = "Sentralt M365-team", FeedToken = Guid.NewGuid().ToString("N") };
            db.Programmes.Add(programme);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            // The en-us report started 3/14/25 8:00:12 AM in Oslo.
            var session = new Oppdrift.Learning.LearningSession
            {
                ProgrammeId = programme.Id,
                Title = "Bedre møter i Teams",
                StartsAt = new DateTime(2025, 3, 14, 7, 0, 0),
                EndsAt = new DateTime(2025, 3, 14, 7, 45, 0),
                CalendarUid = Guid.NewGuid().ToString("N") + "@oppdrift",
            };
            db.LearningSessions.Add(session);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            sessionId = session.Id;
        }
        var folder = Path.Combine(Folder, "reports");
        Directory.CreateDirectory(folder);
        var learning = Path.Combine(AppContext.BaseDirectory, "testdata", "learning");
        File.Copy(Path.Combine(learning, "attendance-en-us-utf16le.csv"), Path.Combine(folder, "frokost.csv"));
        File.Copy(Path.Combine(learning, "attendance-en-gb-utf16be.csv"), Path.Combine(folder, "lederskole.csv"));

        var run = await RunAsync("learning", "attendance", "import", folder, "--data", Data, "--language", "en");
        var again = await RunAsync("learning", "attendance", "import", Path.Combine(folder, "frokost.csv"), "--session", sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"frokost.csv → session {sessionId} \"Bedre møter i Teams\"", run.Output, StringComparison.Ordinal);
        Assert.Contains("4 attendees", run.Output, StringComparison.Ordinal);
        Assert.Contains("lederskole.csv: not matched, nothing imported: no session runs at the time of \"Leder skole: uke 11\"", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already imported, nothing changed", again.Output, StringComparison.Ordinal);
        await using var check = CreateDb(DatabaseKind.Sqlite);
        Assert.Equal(4, await check.Attendance.CountAsync(a => a.SessionId == sessionId, TestContext.Current.CancellationToken));
    }
}
