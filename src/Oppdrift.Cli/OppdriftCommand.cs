using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace Oppdrift.Cli;

/// <summary>The root command: the options every verb shares, and the verb groups.</summary>
internal static class OppdriftCommand
{
    public static readonly Option<string> Database = new("--database")
    {
        Description = "The database to use, overriding OPPDRIFT_DATABASE and ConnectionStrings__Oppdrift: a PostgreSQL "
            + "connection string (Host=…;Database=…) or URL (postgres://…), or a SQLite file (path or Data Source=…). "
            + "Default: the SQLite file oppdrift.db in the data directory",
        HelpName = "CONNECTIONSTRING",
        Recursive = true,
    };

    public static readonly Option<string> Data = new("--data")
    {
        Description = "The data directory (embedded database, demo files), overriding Oppdrift__DataDirectory. Default: ./data",
        HelpName = "DIR",
        Recursive = true,
    };

    public static readonly Option<string> Language = new("--language")
    {
        Description = "The language of messages from Oppdrift itself, such as why a file was rejected: nb (Norwegian Bokmål) or en (English)",
        HelpName = "nb|en",
        DefaultValueFactory = _ => "nb",
        Recursive = true,
    };

    static OppdriftCommand() => Language.AcceptOnlyFromAmong("nb", "en");

    /// <summary>
    /// A plain command rather than a RootCommand, whose name would be the assembly's (Oppdrift.Cli)
    /// instead of the command people type.
    /// </summary>
    public static Command Create() =>
        new("oppdrift", "Runs Oppdrift's maintenance and import work from a terminal or a scheduled job. "
            + "Exit codes: 0 success, 1 unexpected failure, 2 bad input (a rejected file, an unknown user, a wrong option), 130 cancelled.")
        {
            new HelpOption(),
            new VersionOption(),
            Database,
            Data,
            Language,
            DbCommands.Create(),
            OrgCommands.Create(),
            UsageCommands.Create(),
            DemoCommands.Create(),
            AccountCommands.Create(),
            ScanCommands.Create(),
            MigrationCommands.Create(),
            SurveyCommands.Create(),
            EffectCommands.Create(),
            LearningCommands.Create(),
        };

    public static async Task<int> RunAsync(string[] args)
    {
        var parseResult = Create().Parse(args);
        var exitCode = await parseResult.InvokeAsync();
        // A mistyped command line is bad input too; System.CommandLine would report it as 1.
        return parseResult.Errors.Count > 0 ? ExitCodes.BadInput : exitCode;
    }

    public static CultureInfo Culture(string? language) =>
        string.Equals(language, "en", StringComparison.OrdinalIgnoreCase) ? new CultureInfo("en-GB") : new CultureInfo("nb-NO");
}

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;
}
