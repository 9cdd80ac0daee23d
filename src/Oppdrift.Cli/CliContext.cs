using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Oppdrift.Data;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>
/// What every verb needs from the root options: the configuration (environment variables, overridden by
/// --database and --data), the database it points at, and where to write. Results go to standard
/// output; progress and status go to standard error, so the output can be piped.
/// </summary>
internal sealed class CliContext
{
    private CliContext(IConfiguration configuration, DatabaseProvider database)
    {
        Configuration = configuration;
        Database = database;
    }

    public IConfiguration Configuration { get; }

    public DatabaseProvider Database { get; }

    /// <summary>Results: paths, passwords. Plain lines, never wrapped, so scripts can read them.</summary>
    public TextWriter Out { get; } = Console.Out;

    /// <summary>Status lines and errors, one per line; errors already name file, line and column.</summary>
    public TextWriter Error { get; } = Console.Error;

    /// <summary>Results that are tables.</summary>
    public IAnsiConsole Tables { get; } = AnsiConsole.Console;

    /// <summary>Progress bars, beside the status lines.</summary>
    public IAnsiConsole Progress { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public string DataDirectory => Oppdrift.Data.DataDirectory.Resolve(Configuration);

    public static CliContext From(ParseResult parseResult)
    {
        var culture = OppdriftCommand.Culture(parseResult.GetValue(OppdriftCommand.Language));
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;

        var overrides = new Dictionary<string, string?>();
        if (parseResult.GetValue(OppdriftCommand.Database) is { Length: > 0 } database)
        {
            overrides["OPPDRIFT_DATABASE"] = database;
        }
        if (parseResult.GetValue(OppdriftCommand.Data) is { Length: > 0 } data)
        {
            overrides["Oppdrift:DataDirectory"] = data;
        }
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
        var provider = DatabaseProvider.FromConfiguration(configuration);
        // Reading the connection string now turns a mistyped keyword into an ArgumentException here, not mid-command.
        _ = provider.Describe();
        return new CliContext(configuration, provider);
    }

    /// <summary>A context on the configured database, without touching its schema.</summary>
    public OppdriftDb CreateDb() => new(DataServices.Options(Database));

    /// <summary>A context on the configured database after applying any pending migrations, so a fresh data directory just works.</summary>
    public async Task<OppdriftDb> OpenDbAsync(CancellationToken cancellationToken)
    {
        await Error.WriteLineAsync($"Database: {Database.Describe()}");
        var db = CreateDb();
        try
        {
            DataServices.PrepareRelationalModel(db);
            await DatabaseSchema.MigrateAsync(db, Database.Describe(), cancellationToken);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }
}

internal static class CliActions
{
    /// <summary>
    /// Runs a verb with its context: Ctrl+C cancels it (exit 130), a configuration that cannot be
    /// understood is bad input (exit 2), and anything unexpected is reported with its details (exit 1).
    /// </summary>
    public static void SetCliAction(this Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // System.CommandLine listens for Ctrl+C only once the action returns its first incomplete task,
            // and SQLite's "async" calls complete synchronously: without this, a whole import would run
            // before anyone listens, and Ctrl+C would kill the process instead of cancelling.
            await Task.Yield();
            CliContext? context = null;
            try
            {
                context = CliContext.From(parseResult);
                // Said at once: a step that cannot stop midway gets two seconds before the process ends without saving.
                await using var cancelling = cancellationToken.Register(() => Console.Error.WriteLine("Cancelling…"));
                return await action(parseResult, context, cancellationToken);
            }
            catch (ArgumentException e) when (context is null)
            {
                await Console.Error.WriteLineAsync($"The database setting cannot be used: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (DatabaseTooNewException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Cancelled. Nothing was saved by the step that was running.");
                return ExitCodes.Cancelled;
            }
#pragma warning disable CA1031 // The last line of defence: report any failure with its details and exit 1.
            catch (Exception e)
#pragma warning restore CA1031
            {
                await Console.Error.WriteLineAsync($"Failed: {e.Message}");
                await Console.Error.WriteLineAsync(e.ToString());
                return ExitCodes.Failure;
            }
        });
}
