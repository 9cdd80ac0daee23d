using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Oppdrift.Access;
using Oppdrift.Data;

using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Cli;

/// <summary>
/// Runs the built `oppdrift` tool as a process, as an operator or a scheduled job would, each test in
/// its own temporary data directory, and checks exit codes, output and what lands in the database.
/// </summary>
public sealed class CliTests : IAsyncDisposable
{

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"oppdrift-cli-{Guid.NewGuid():N}");
    private readonly List<string> _postgresDatabases = [];

    public CliTests() => Directory.CreateDirectory(_folder);

    private string Data => Path.Combine(_folder, "data");

    [Theory]
    [InlineData("--help", "db")]
    [InlineData("--help", "org")]
    [InlineData("--help", "demo")]
    [InlineData("--help", "account")]
    [InlineData("db --help", "migrate")]
    [InlineData("db migrate --help", "oppdrift db migrate")]
    [InlineData("db --help", "backup")]
    [InlineData("db --help", "restore")]
    [InlineData("db backup --help", "--keys")]
    [InlineData("org --help", "import")]
    [InlineData("org import --help", "--as")]
    [InlineData("org setup --help", "export")]
    [InlineData("org setup import --help", "FILE")]
    [InlineData("demo --help", "generate")]
    [InlineData("demo --help", "load")]
    [InlineData("demo generate --help", "--format")]
    [InlineData("demo generate --help", "--usage-days")]
    [InlineData("demo load --help", "--people")]
    [InlineData("account --help", "reset-password")]
    [InlineData("account reset-password --help", "USERNAME")]
    [InlineData("--help", "scan")]
    [InlineData("scan --help", "--rename-plan")]
    [InlineData("scan --help", "--attach-to")]
    [InlineData("--help", "migration")]
    [InlineData("migration attach --help", "--source-unc")]
    [InlineData("scan --help", "--max-folders-per-second")]
    [InlineData("--help", "surveys")]
    [InlineData("surveys import --help", "--survey")]
    [InlineData("surveys results --help", "--json")]
    [InlineData("learning attendance import --help", "--session")]
    [InlineData("--help", "effects")]
    [InlineData("effects intervention add --help", "--agencies")]
    [InlineData("effects estimate --help", "--json")]
    public async Task Help_lists_each_verb_and_option(string arguments, string expected)
    {
        var run = await RunAsync(arguments.Split(' '));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_line_missing_its_file_exits_2()
    {
        var run = await RunAsync("org", "import");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task Db_migrate_on_a_fresh_data_directory_creates_the_database()
    {
        var first = await RunAsync("db", "migrate", "--data", Data);
        var second = await RunAsync("db", "migrate", "--data", Data);

        Assert.Equal(0, first.ExitCode);
        Assert.True(File.Exists(Path.Combine(Data, "oppdrift.db")), first.ToString());
        Assert.Contains($"SQLite ({Path.Combine(Data, "oppdrift.db")})", first.Output, StringComparison.Ordinal);
        Assert.Contains("Applied", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Already up to date.", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_description_never_shows_the_password()
    {
        // Nothing listens on port 1, so this fails after printing where it tried to go.
        var run = await RunAsync("db", "migrate", "--database", "Host=127.0.0.1;Port=1;Database=nowhere;Username=u;Password=hunter2;Timeout=3");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("PostgreSQL (127.0.0.1:1/nowhere)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_setting_that_cannot_be_parsed_exits_2()
    {
        var run = await RunAsync("db", "migrate", "--database", "Host=127.0.0.1;NoSuchKeyword=1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("database setting", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Org_import_into_a_fresh_database_adds_everyone_and_prints_the_counts(DatabaseKind kind)
    {
        var run = await RunAsync(["org", "import", TestFile("entra-users.csv"), .. DatabaseArguments(kind)]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(CountRow("Added", "[1-9][0-9]*"), run.Output);
        Assert.Matches(CountRow("Unchanged", "0"), run.Output);
        var added = Count("Added", run.Output);
        Assert.Equal(added, Count("Rows", run.Output));
        await using var db = CreateDb(kind);
        Assert.Equal(added, await db.People.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal("cli", (await db.DirectoryImports.SingleAsync(TestContext.Current.CancellationToken)).ImportedBy);
    }

    [Fact]
    public async Task Org_import_of_the_same_file_twice_changes_nothing_the_second_time()
    {
        var first = await RunAsync("org", "import", TestFile("entra-users.csv"), "--data", Data);
        var second = await RunAsync("org", "import", TestFile("entra-users.csv"), "--data", Data, "--as", "kari");

        Assert.Equal(0, second.ExitCode);
        Assert.Matches(CountRow("Added", "0"), second.Output);
        Assert.Equal(Count("Added", first.Output), Count("Unchanged", second.Output));
        await using var db = CreateDb(DatabaseKind.Sqlite);
        Assert.Contains("kari", await db.DirectoryImports.Select(i => i.ImportedBy).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Org_import_of_a_bad_file_exits_2_and_names_the_line()
    {
        var run = await RunAsync("org", "import", TestFile("bad-duplicate-upn.csv"), "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("bad-duplicate-upn.csv:4", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Added", run.Output, StringComparison.Ordinal);
        await using var db = CreateDb(DatabaseKind.Sqlite);
        Assert.Equal(0, await db.People.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Org_setup_exported_and_imported_into_another_installation_makes_the_same_setup()
    {
        var setup = Path.Combine(_folder, "oppsett.csv");
        await File.WriteAllTextAsync(setup, "kind,code,name,sector,field,operator,value,unit\n"
            + "agency,SYE,Sykehjemsetaten,Helse,,,,\nrule,SYE,,,CompanyName,Equals,Sykehjemsetaten,Department\n", TestContext.Current.CancellationToken);
        var bad = Path.Combine(_folder, "feil.csv");
        await File.WriteAllTextAsync(bad, "kind,code,name,sector,field,operator,value,unit\nrule,XYZ,,,Department,Equals,X,\n", TestContext.Current.CancellationToken);
        var other = Path.Combine(_folder, "other");
        var exported = Path.Combine(_folder, "eksport.csv");

        var imported = await RunAsync("org", "setup", "import", setup, "--data", Data, "--language", "en");
        var again = await RunAsync("org", "setup", "import", setup, "--data", Data, "--language", "en");
        var export = await RunAsync("org", "setup", "export", exported, "--data", Data);
        var elsewhere = await RunAsync("org", "setup", "import", exported, "--data", other, "--language", "en");
        var stdout = await RunAsync("org", "setup", "export", "-", "--data", other);
        var refused = await RunAsync("org", "setup", "import", bad, "--data", other, "--language", "en");
        var missing = await RunAsync("org", "setup", "import", Path.Combine(_folder, "finnes-ikke.csv"), "--data", other, "--language", "en");
        var folder = await RunAsync("org", "setup", "import", _folder, "--data", other, "--language", "en");

        Assert.Equal(0, imported.ExitCode);
        Assert.Contains("1 agencies created", imported.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, export.ExitCode);
        Assert.Equal(0, elsewhere.ExitCode);
        Assert.Equal(await File.ReadAllTextAsync(exported, TestContext.Current.CancellationToken), stdout.Output);
        Assert.Contains("rule,SYE,,,CompanyName,Equals,Sykehjemsetaten,Department", stdout.Output, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("feil.csv:2:2 (code)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("XYZ", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("finnes-ikke.csv: ", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, folder.ExitCode);
        Assert.NotEqual(missing.Error, folder.Error);
    }

    [Fact]
    public async Task Org_import_explains_a_rejected_file_in_the_chosen_language()
    {
        var norwegian = await RunAsync("org", "import", TestFile("bad-duplicate-upn.csv"), "--data", Data);
        var english = await RunAsync("org", "import", TestFile("bad-duplicate-upn.csv"), "--data", Data, "--language", "en");

        var norwegianLine = ErrorLine(norwegian.Error);
        var englishLine = ErrorLine(english.Error);
        Assert.Equal(2, english.ExitCode);
        Assert.NotEqual(norwegianLine, englishLine);
        Assert.Matches("[A-Za-z]", englishLine);
    }

    [Fact]
    public async Task Org_import_of_a_missing_file_exits_2()
    {
        var run = await RunAsync("org", "import", Path.Combine(_folder, "no-such-file.csv"), "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no-such-file.csv", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Org_import_of_a_folder_says_it_is_a_folder()
    {
        var run = await RunAsync("org", "import", _folder, "--data", Data, "--language", "en");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{_folder}: is a folder", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Org_import_of_a_file_that_is_not_UTF8_names_the_line_the_column_and_the_field()
    {
        var run = await RunAsync("org", "import", TestFile("bad-invalid-utf8.csv"), "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("bad-invalid-utf8.csv:3:3 (companyName)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_import_of_a_missing_path_exits_2_naming_it()
    {
        var missing = Path.Combine(_folder, "no-such-report.csv");

        var run = await RunAsync("usage", "import", missing, "--data", Data, "--language", "en");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{missing}: no such file or folder", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_import_of_a_semicolon_separated_report_names_the_separator()
    {
        var file = Path.Combine(_folder, "email-semicolons.csv");
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
    public async Task Usage_import_of_a_folder_lands_the_good_reports_and_exits_2_naming_each_bad_one()
    {
        var folder = Path.Combine(_folder, "usage");
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
    public async Task Demo_generate_writes_an_entra_export_for_the_whole_municipality()
    {
        var output = Path.Combine(_folder, "demo");

        var run = await RunAsync("demo", "generate", "--out", output);

        var file = Path.Combine(output, "entra-users.csv");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(file, run.Output.Trim());
        Assert.True(File.ReadLines(file).Count() > 54_000);
    }

    [Fact]
    public async Task Demo_generate_in_the_newer_format_uses_the_newer_header()
    {
        var output = Path.Combine(_folder, "demo");

        var run = await RunAsync("demo", "generate", "--out", output, "--people", "200", "--format", "newer");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("id,userPrincipalName", File.ReadLines(Path.Combine(output, "entra-users.csv")).First().TrimStart('\uFEFF'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_generate_with_usage_days_writes_each_report_of_the_last_days_of_the_story()
    {
        var output = Path.Combine(_folder, "demo");

        var run = await RunAsync("demo", "generate", "--out", output, "--people", "200", "--usage-days", "2", "--concealed");

        var usage = Path.Combine(output, "usage");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal([Path.Combine(output, "entra-users.csv"), usage], run.Output.Trim().Split('\n').Select(line => line.Trim()));
        // Eleven reports (Copilot and Teams devices among them) for each of the two days.
        Assert.Equal(22, Directory.GetFiles(usage, "*.csv", SearchOption.AllDirectories).Length);
        var teams = File.ReadLines(Path.Combine(usage, "2026-11-30", "getTeamsUserActivityUserDetail.csv")).Skip(1).First();
        Assert.Contains("00000000-0000-0000-0000-000000000000", teams, StringComparison.Ordinal);
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
    public async Task Ctrl_C_during_an_import_cancels_it_and_saves_no_one()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Sends SIGINT through /proc and kill(1).");
        Assert.SkipWhen(IgnoresSigint(), "This test process was started with SIGINT ignored (a background job), and so would the CLI be.");
        var cancellationToken = TestContext.Current.CancellationToken;
        var demo = Path.Combine(_folder, "demo");
        Assert.Equal(0, (await RunAsync("demo", "generate", "--out", demo)).ExitCode);

        var error = new System.Text.StringBuilder();
        var importing = new TaskCompletionSource();
        using var process = new Process { StartInfo = StartInfo(["org", "import", Path.Combine(demo, "entra-users.csv"), "--data", Data]) };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
            if (e.Data?.Contains("applying changes", StringComparison.Ordinal) == true)
            {
                importing.TrySetResult();
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        // The progress bar (plain lines when not on a terminal) says the import is applying its 54,000 people, which takes seconds.
        await importing.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        process.WaitForExit(); // drains the error events

        var run = new CliRun(process.ExitCode, await output, error.ToString());
        Assert.Equal(130, run.ExitCode);
        Assert.Contains("Cancelling", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Added", run.Output, StringComparison.Ordinal);
        await using var db = CreateDb(DatabaseKind.Sqlite);
        Assert.Equal(0, await db.People.CountAsync(cancellationToken));
    }

    /// <summary>Whether SIGINT (signal 2) is in this process's ignored set, which children inherit.</summary>
    private static bool IgnoresSigint()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) != 0;
    }

    [Fact]
    public async Task Learning_attendance_import_of_a_folder_says_which_file_matched_which_session_and_a_file_again_changes_nothing()
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
        var folder = Path.Combine(_folder, "reports");
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

    private static string TestFile(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "organisation", name);

    private static string ErrorLine(string error) =>
        error.Split('\n').Single(line => line.Contains("bad-duplicate-upn.csv:4", StringComparison.Ordinal));

    /// <summary>A row of the counts table: the label, then the number in the next cell.</summary>
    private static Regex CountRow(string label, string number) => new($@"{label}\s*│\s*{number}\s*│");

    private static int Count(string label, string output) =>
        int.Parse(CountRow(label, "([0-9]+)").Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SQLite in the test's data directory, or a new PostgreSQL database the CLI creates when it migrates.</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task A_scan_is_attached_to_an_agency_once_and_a_file_that_is_no_inventory_is_refused_by_name(DatabaseKind kind)
    {
        var database = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. database])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            db.Agencies.Add(new Oppdrift.Organisation.Agency { Code = "OKO", Name = "Økonomietaten" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var share = Path.Combine(_folder, "share");
        Directory.CreateDirectory(Path.Combine(share, "Økonomi"));
        await File.WriteAllTextAsync(Path.Combine(share, "Økonomi", "budsjett.xlsx"), "tall", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(share, "Økonomi", "hva?.txt"), "spørsmål", TestContext.Current.CancellationToken);
        var inventories = Path.Combine(_folder, "scans");

        var scan = await RunAsync(["scan", share, "--inventory-dir", inventories, "--attach-to", "OKO", "--share", "Økonomi fellesområde",
            "--source-unc", @"\\fil01\okonomi$", .. database]);
        var inventory = Directory.GetFiles(inventories, "*.scan.sqlite").Single();
        var again = await RunAsync(["migration", "attach", inventory, "--agency", "OKO", "--share", "Økonomi fellesområde", .. database]);
        var notes = Path.Combine(_folder, "notater.scan.sqlite");
        await File.WriteAllTextAsync(notes, "ikke en inventarfil", TestContext.Current.CancellationToken);
        var garbage = await RunAsync(["migration", "attach", notes, "--agency", "OKO", "--share", "Annet", .. database]);
        var unknown = await RunAsync(["migration", "attach", inventory, "--agency", "NEI", "--share", "Annet", .. database]);

        Assert.True(scan.ExitCode == 0, scan.Error);
        Assert.Contains("Skanningen er lagt til.", scan.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("var allerede lagt til", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("notater.scan.sqlite: ", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--agency NEI", unknown.Error, StringComparison.Ordinal);
        await using (var db = CreateDb(kind))
        {
            var stored = await db.SourceShares.Include(s => s.Scans).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(("Økonomi fellesområde", @"\\fil01\okonomi$"), (stored.Name, stored.SourcePath));
            Assert.Equal((2L, 1L), (stored.Scans.Single().Files, stored.Scans.Single().Blockers));
        }
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Effects_intervention_add_records_once_per_name_and_date_and_estimate_prints_every_estimate_as_json(DatabaseKind kind)
    {
        var database = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. database])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            await Oppdrift.Tests.Effects.EffectSeed.SeedAsync(db);
        }

        var added = await RunAsync(["effects", "intervention", "add", "--name", "Teams-uke", "--date", "2026-04-06", "--agencies", "A00", "--kind", "training", .. database]);
        var again = await RunAsync(["effects", "intervention", "add", "--name", "Teams-uke", "--date", "2026-04-06", "--agencies", "A00", "--kind", "Training",
            "--metrics", "teams.active7", "--note", "For alle", .. database]);
        var badDate = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "6.4.2026", "--agencies", "A00", .. database]);
        var badAgency = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--agencies", "A00,NEI", .. database]);
        var badKind = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--agencies", "A00", "--kind", "Kurs", .. database]);
        var badMetric = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--agencies", "A00", "--metrics", "teams.nei", .. database]);
        var estimate = await RunAsync(["effects", "estimate", "--json", .. database]);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Contains("recorded", added.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("updated", again.Output, StringComparison.Ordinal);
        Assert.Equal((2, 2, 2, 2), (badDate.ExitCode, badAgency.ExitCode, badKind.ExitCode, badMetric.ExitCode));
        Assert.Contains("--date", badDate.Error, StringComparison.Ordinal);
        Assert.Contains("--agencies: no agency has the code \"NEI\"", badAgency.Error, StringComparison.Ordinal);
        Assert.Contains("--kind", badKind.Error, StringComparison.Ordinal);
        Assert.Contains("--metrics", badMetric.Error, StringComparison.Ordinal);
        Assert.True(estimate.ExitCode == 0, estimate.Error);
        using var json = System.Text.Json.JsonDocument.Parse(estimate.Output);
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("Teams-uke", row.GetProperty("intervention").GetString());
        Assert.Equal("teams.active7", row.GetProperty("metric").GetString());
        Assert.Equal(["A00"], row.GetProperty("treatedAgencies").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(5, row.GetProperty("comparisonAgencies").GetArrayLength());
        Assert.Equal("effect", row.GetProperty("verdict").GetString());
        Assert.True(row.GetProperty("preTrendOk").GetBoolean());
        Assert.InRange(0.20, row.GetProperty("ciLow").GetDouble(), row.GetProperty("ciHigh").GetDouble());
        Assert.True(row.GetProperty("estimate").GetDouble() > 0);
        await using (var db = CreateDb(kind))
        {
            Assert.Equal(1, await db.Interventions.CountAsync(TestContext.Current.CancellationToken));
            Assert.Equal(["effects.intervention.create", "effects.intervention.update", "export.effects"],
                await db.AuditEntries.Where(a => a.Action.Contains("effects")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(TestContext.Current.CancellationToken));
        }
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Effects_intervention_add_takes_units_by_agency_code_and_name_and_names_a_unit_it_cannot_find(DatabaseKind kind)
    {
        var database = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. database])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            var ids = await Oppdrift.Tests.Effects.EffectSeed.SeedAsync(db);
            db.Units.AddRange(new Oppdrift.Organisation.Unit { AgencyId = ids["A00"], Name = "Hjemmetjenesten Nord" }, new Oppdrift.Organisation.Unit { AgencyId = ids["A01"], Name = "Skolen" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var added = await RunAsync(["effects", "intervention", "add", "--name", "Hjelp", "--date", "2026-04-06", "--kind", "help",
            "--unit", "a00:hjemmetjenesten nord", "--unit", "A01:Skolen", .. database]);
        var noAgency = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", .. database]);
        var noUnit = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--unit", "A00:Finnes ikke", .. database]);
        var noCode = await RunAsync(["effects", "intervention", "add", "--name", "X", "--date", "2026-04-06", "--unit", "Skolen", .. database]);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal((2, 2, 2), (noAgency.ExitCode, noUnit.ExitCode, noCode.ExitCode));
        Assert.Contains("--agencies", noAgency.Error, StringComparison.Ordinal);
        Assert.Contains("--unit: Etat A00 has no unit named \"Finnes ikke\"", noUnit.Error, StringComparison.Ordinal);
        Assert.Contains("--unit: \"Skolen\"", noCode.Error, StringComparison.Ordinal);
        await using (var db = CreateDb(kind))
        {
            var stored = await db.Interventions.Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery().SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(2, stored.Units.Count);
            Assert.Equal(2, stored.Agencies.Count);
        }
    }

    [Fact]
    public async Task Surveys_import_creates_the_survey_from_a_Forms_export_and_results_print_hidden_figures_as_null_with_the_reason()
    {
        var file = Path.Combine(_folder, "puls.xlsx");
        string[] questions = ["Hvilken virksomhet jobber du i?", "Hvor enig er du?.Møtene mine i Teams er effektive."];
        // Twelve answers from Bydel Nord, three from Kulturetaten: too few to be stored as Kulturetaten's, they count as
        // "other", which is hidden, and Bydel Nord with it (or the municipality minus Bydel Nord would give them).
        await File.WriteAllBytesAsync(file, Oppdrift.Tests.Surveys.FormsWorkbook.Write(questions,
            [.. Enumerable.Range(0, 15).Select(i => new Oppdrift.Tests.Surveys.FormsWorkbook.Response("anonymous", new DateTime(2026, 3, 2, 9, i, 0), [i < 12 ? "BNO" : "KUL", "Enig"]))]),
            TestContext.Current.CancellationToken);
        Assert.Equal(0, (await RunAsync("db", "migrate", "--data", Data)).ExitCode);
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            db.Agencies.AddRange(new Oppdrift.Organisation.Agency { Code = "BNO", Name = "Bydel Nord" }, new Oppdrift.Organisation.Agency { Code = "KUL", Name = "Kulturetaten" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var imported = await RunAsync("surveys", "import", file, "--survey", "Puls", "--data", Data);
        var again = await RunAsync("surveys", "import", file, "--survey", "Puls", "--data", Data);
        var results = await RunAsync("surveys", "results", "Puls", "--json", "--data", Data);
        var missing = await RunAsync("surveys", "results", "Ingen slik", "--data", Data);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("15 responses imported", imported.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("puls.xlsx: ", again.Error, StringComparison.Ordinal);
        Assert.True(results.ExitCode == 0, results.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(results.Output);
        var groups = json.RootElement.GetProperty("questions")[0].GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("group").GetString()!, g => g.GetProperty("rounds")[0]);
        Assert.Equal(15, groups["municipality"].GetProperty("respondents").GetInt32());
        Assert.Equal(100.0, groups["municipality"].GetProperty("favourable").GetDouble());
        Assert.False(groups.ContainsKey("KUL"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, groups["other"].GetProperty("mean").ValueKind);
        Assert.Equal("SmallGroup", groups["other"].GetProperty("suppressed").GetString());
        Assert.Equal("Complementary", groups["BNO"].GetProperty("suppressed").GetString());
        Assert.Equal(2, missing.ExitCode);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Db_migrate_refuses_a_database_a_newer_version_migrated_and_names_the_migration(DatabaseKind kind)
    {
        var arguments = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. arguments])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            await Oppdrift.Tests.Data.UpgradeTests.AddFutureMigrationAsync(db);
        }

        var migrate = await RunAsync(["db", "migrate", "--language", "en", .. arguments]);
        var reset = await RunAsync(["account", "reset-password", "admin", "--language", "en", .. arguments]);

        Assert.Equal(2, migrate.ExitCode);
        Assert.Contains(Oppdrift.Tests.Data.UpgradeTests.FutureMigration, migrate.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be downgraded", migrate.Error, StringComparison.Ordinal);
        Assert.Equal(2, reset.ExitCode);
        Assert.Contains(Oppdrift.Tests.Data.UpgradeTests.FutureMigration, reset.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_backup_while_a_writer_is_active_restores_the_same_data()
    {
        Assert.Equal(0, (await RunAsync("org", "import", TestFile("entra-users.csv"), "--data", Data)).ExitCode);
        List<string> people;
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            people = await db.People.OrderBy(p => p.Id).Select(p => p.UserPrincipalName).ToListAsync(TestContext.Current.CancellationToken);
        }
        var backup = Path.Combine(_folder, "backup.db");
        using var stop = new CancellationTokenSource();
        var written = 0;
        var started = new TaskCompletionSource();
        // Each transaction writes a pair of audit entries: a consistent copy holds whole pairs only.
        var writer = Task.Run(async () =>
        {
            await using var db = CreateDb(DatabaseKind.Sqlite);
            while (!stop.IsCancellationRequested)
            {
                var pair = written + 1;
                AuditLog.Record(db, TimeProvider.System, "writer", "test.write", $"{pair}:a");
                AuditLog.Record(db, TimeProvider.System, "writer", "test.write", $"{pair}:b");
                await db.SaveChangesAsync(CancellationToken.None);
                written = pair;
                if (pair == 20)
                {
                    started.SetResult();
                }
            }
        }, TestContext.Current.CancellationToken);
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        var run = await RunAsync("db", "backup", backup, "--data", Data, "--language", "en");
        var writtenDuringBackup = written;
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await writer;

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Backup written", run.Output, StringComparison.Ordinal);
        Assert.Contains("The keys are not in the backup", run.Error, StringComparison.Ordinal);
        Assert.True(written > writtenDuringBackup, "The writer went on after the backup.");

        var restore = await RunAsync("db", "restore", backup, "--data", Data, "--language", "en");

        Assert.Equal(0, restore.ExitCode);
        Assert.Contains("Restored", restore.Output, StringComparison.Ordinal);
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            Assert.Equal(people, await db.People.OrderBy(p => p.Id).Select(p => p.UserPrincipalName).ToListAsync(TestContext.Current.CancellationToken));
            var targets = await db.AuditEntries.Where(a => a.Action == "test.write").Select(a => a.Target!).ToListAsync(TestContext.Current.CancellationToken);
            var pairs = targets.GroupBy(t => t.Split(':')[0]).ToList();
            Assert.True(pairs.Count >= 20, $"{pairs.Count} pairs");
            Assert.True(pairs.Count < written, $"{pairs.Count} of {written} pairs: the copy is the database at one moment");
            Assert.All(pairs, p => Assert.Equal(2, p.Count()));
        }
        // The replaced database is kept beside it, with everything the writer wrote.
        var kept = Assert.Single(Directory.GetFiles(Data, "oppdrift.db.replaced-*"));
        Assert.Contains(kept, restore.Error, StringComparison.Ordinal);
        await using (var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={kept};Pooling=false"))))
        {
            Assert.Equal(written * 2, await db.AuditEntries.CountAsync(a => a.Action == "test.write", TestContext.Current.CancellationToken));
        }
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("text")]
    [InlineData("other-sqlite")]
    [InlineData("newer")]
    [InlineData("in-use")]
    public async Task Db_restore_of_bad_input_says_why_and_changes_nothing(string what)
    {
        Assert.Equal(0, (await RunAsync("org", "import", TestFile("entra-users.csv"), "--data", Data)).ExitCode);
        var file = Path.Combine(_folder, "offered.db");
        DataDirectoryLock? app = null;
        switch (what)
        {
            case "text":
                await File.WriteAllTextAsync(file, "Not a database, just words in a file that is long enough to have a header.\n", TestContext.Current.CancellationToken);
                break;
            case "other-sqlite":
                await using (var other = new SqliteConnection($"Data Source={file};Pooling=false"))
                {
                    await other.OpenAsync(TestContext.Current.CancellationToken);
                    await using var command = other.CreateCommand();
                    command.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)";
                    await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
                }
                break;
            case "newer":
            case "in-use":
                Assert.Equal(0, (await RunAsync("db", "backup", file, "--data", Data)).ExitCode);
                if (what == "newer")
                {
                    await using var newer = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={file};Pooling=false")));
                    await Oppdrift.Tests.Data.UpgradeTests.AddFutureMigrationAsync(newer);
                }
                else
                {
                    app = DataDirectoryLock.HoldShared(Data);
                }
                break;
        }
        SqliteConnection.ClearAllPools();
        var database = Path.Combine(Data, "oppdrift.db");
        var before = await File.ReadAllBytesAsync(database, TestContext.Current.CancellationToken);

        var run = await RunAsync("db", "restore", file, "--data", Data, "--language", "en");
        app?.Dispose();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(what switch
        {
            "missing" => "no such file",
            "text" => "is not an SQLite database",
            "other-sqlite" => "not an Oppdrift database",
            "newer" => Oppdrift.Tests.Data.UpgradeTests.FutureMigration,
            _ => "Oppdrift is running on the data folder",
        }, run.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(database, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFiles(Data, "oppdrift.db.replaced-*"));
    }

    [Fact]
    public async Task Db_backup_copies_the_keys_to_a_separate_file_only_when_asked()
    {
        Assert.Equal(0, (await RunAsync("db", "migrate", "--data", Data)).ExitCode);
        var pseudonymKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(Path.Combine(Data, "pseudonym.key"), pseudonymKey, TestContext.Current.CancellationToken);
        var keys = Path.Combine(_folder, "keys.zip");

        var run = await RunAsync("db", "backup", Path.Combine(_folder, "backup.db"), "--keys", keys, "--data", Data, "--language", "en");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("pseudonym.key", run.Output, StringComparison.Ordinal);
        using var zip = System.IO.Compression.ZipFile.OpenRead(keys);
        await using var entry = zip.GetEntry("pseudonym.key")!.Open();
        using var read = new MemoryStream();
        await entry.CopyToAsync(read, TestContext.Current.CancellationToken);
        Assert.Equal(pseudonymKey, read.ToArray());
        Assert.Null(zip.GetEntry("keyring.key"));
        Assert.Contains("keyring.key does not exist", run.Error, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        }
        // The database backup itself holds no key.
        var backupBytes = await File.ReadAllBytesAsync(Path.Combine(_folder, "backup.db"), TestContext.Current.CancellationToken);
        Assert.Equal(-1, backupBytes.AsSpan().IndexOf(pseudonymKey));
    }

    [Theory]
    [InlineData("backup", "pg_dump --format=custom")]
    [InlineData("restore", "pg_restore --clean")]
    public async Task Db_backup_and_restore_on_postgres_point_to_pg_dump(string verb, string expected)
    {
        var arguments = DatabaseArguments(DatabaseKind.Postgres);
        var file = Path.Combine(_folder, "x.dump");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

        var run = await RunAsync(["db", verb, file, "--language", "en", .. arguments]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", run.Error, StringComparison.OrdinalIgnoreCase);
    }

    private string[] DatabaseArguments(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            return ["--data", Data];
        }
        var name = $"oppdrift_cli_{Guid.NewGuid():N}";
        _postgresDatabases.Add(name);
        return ["--data", Data, "--database", new NpgsqlConnectionStringBuilder(PostgresServer()) { Database = name }.ConnectionString];
    }

    private OppdriftDb CreateDb(DatabaseKind kind)
    {
        var provider = kind == DatabaseKind.Sqlite
            ? new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(Data, "oppdrift.db")}")
            : new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(PostgresServer()) { Database = _postgresDatabases.Single() }.ConnectionString);
        return new OppdriftDb(DataServices.Options(provider));
    }

    /// <summary>Tests on PostgreSQL fail, never skip, when there is no server (scripts/test.sh starts one).</summary>
    private static string PostgresServer() => TestDatabase.PostgresServer();

    private ProcessStartInfo StartInfo(string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        start.ArgumentList.Add(CliAssembly.Value);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Only the arguments choose the database, whatever the machine running the tests has set.
        start.Environment.Remove("OPPDRIFT_DATABASE");
        start.Environment.Remove("ConnectionStrings__Oppdrift");
        start.Environment.Remove("Oppdrift__DataDirectory");
        return start;
    }

    private async Task<CliRun> RunAsync(params string[] arguments)
    {
        var start = StartInfo(arguments);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the CLI.");
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliRun(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The CLI built beside this test assembly's configuration (the test project references it without
    /// using its types, so building the tests builds it).
    /// </summary>
    private static readonly Lazy<string> CliAssembly = new(() =>
    {
        var configuration = typeof(CliTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(TestFiles.RepositoryRoot(), "src", "Oppdrift.Cli", "bin", configuration, "net10.0", "Oppdrift.Cli.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The CLI is not built: {path}");
    });

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is the operating system's to clean.
        }
        if (_postgresDatabases.Count > 0)
        {
            NpgsqlConnection.ClearAllPools();
            var server = new NpgsqlConnectionStringBuilder(PostgresServer()) { Pooling = false };
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            foreach (var name in _postgresDatabases)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                await command.ExecuteNonQueryAsync();
            }
        }
    }

    private sealed record CliRun(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }
}
