
namespace Oppdrift.Tests.Cli;

/// <summary>The verbs and options each command lists, and what a command line that cannot run exits with.</summary>
public sealed class CliHelpTests : CliTests
{
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

    [Fact]
    public async Task Demo_generate_writes_an_entra_export_for_the_whole_municipality()
    {
        var output = Path.Combine(Folder, "demo");

        var run = await RunAsync("demo", "generate", "--out", output);

        var file = Path.Combine(output, "entra-users.csv");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(file, run.Output.Trim());
        Assert.True(File.ReadLines(file).Count() > 54_000);
    }

    [Fact]
    public async Task Demo_generate_in_the_newer_format_uses_the_newer_header()
    {
        var output = Path.Combine(Folder, "demo");

        var run = await RunAsync("demo", "generate", "--out", output, "--people", "200", "--format", "newer");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("id,userPrincipalName", File.ReadLines(Path.Combine(output, "entra-users.csv")).First().TrimStart('\uFEFF'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_generate_with_usage_days_writes_each_report_of_the_last_days_of_the_story()
    {
        var output = Path.Combine(Folder, "demo");

        var run = await RunAsync("demo", "generate", "--out", output, "--people", "200", "--usage-days", "2", "--concealed");

        var usage = Path.Combine(output, "usage");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal([Path.Combine(output, "entra-users.csv"), usage], run.Output.Trim().Split('\n').Select(line => line.Trim()));
        // Eleven reports (Copilot and Teams devices among them) for each of the two days.
        Assert.Equal(22, Directory.GetFiles(usage, "*.csv", SearchOption.AllDirectories).Length);
        var teams = File.ReadLines(Path.Combine(usage, "2026-11-30", "getTeamsUserActivityUserDetail.csv")).Skip(1).First();
        Assert.Contains("00000000-0000-0000-0000-000000000000", teams, StringComparison.Ordinal);
    }
}
