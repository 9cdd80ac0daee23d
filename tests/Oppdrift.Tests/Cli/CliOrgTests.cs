using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Tests.Cli;

/// <summary>`oppdrift org`: importing the directory and moving the organisation setup between installations.</summary>
public sealed class CliOrgTests : CliTests
{
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
        var setup = Path.Combine(Folder, "oppsett.csv");
        await File.WriteAllTextAsync(setup, "kind,code,name,sector,field,operator,value,unit\n"
            + "agency,SYE,Sykehjemsetaten,Helse,,,,\nrule,SYE,,,CompanyName,Equals,Sykehjemsetaten,Department\n", TestContext.Current.CancellationToken);
        var bad = Path.Combine(Folder, "feil.csv");
        await File.WriteAllTextAsync(bad, "kind,code,name,sector,field,operator,value,unit\nrule,XYZ,,,Department,Equals,X,\n", TestContext.Current.CancellationToken);
        var other = Path.Combine(Folder, "other");
        var exported = Path.Combine(Folder, "eksport.csv");

        var imported = await RunAsync("org", "setup", "import", setup, "--data", Data, "--language", "en");
        var again = await RunAsync("org", "setup", "import", setup, "--data", Data, "--language", "en");
        var export = await RunAsync("org", "setup", "export", exported, "--data", Data);
        var elsewhere = await RunAsync("org", "setup", "import", exported, "--data", other, "--language", "en");
        var stdout = await RunAsync("org", "setup", "export", "-", "--data", other);
        var refused = await RunAsync("org", "setup", "import", bad, "--data", other, "--language", "en");
        var missing = await RunAsync("org", "setup", "import", Path.Combine(Folder, "finnes-ikke.csv"), "--data", other, "--language", "en");
        var folder = await RunAsync("org", "setup", "import", Folder, "--data", other, "--language", "en");

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
        var run = await RunAsync("org", "import", Path.Combine(Folder, "no-such-file.csv"), "--data", Data);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no-such-file.csv", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Org_import_of_aFolder_says_it_is_aFolder()
    {
        var run = await RunAsync("org", "import", Folder, "--data", Data, "--language", "en");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{Folder}: is a folder", run.Error, StringComparison.Ordinal);
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
    public async Task Ctrl_C_during_an_import_cancels_it_and_saves_no_one()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Sends SIGINT through /proc and kill(1).");
        Assert.SkipWhen(IgnoresSigint(), "This test process was started with SIGINT ignored (a background job), and so would the CLI be.");
        var cancellationToken = TestContext.Current.CancellationToken;
        var demo = Path.Combine(Folder, "demo");
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
}
