using System.CommandLine;
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Cli;

/// <summary>`oppdrift db`: the database itself.</summary>
internal static class DbCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate",
            "Creates the database or brings its schema up to date by applying the pending migrations. "
            + "Safe to run again; the other commands do it themselves before they write.");
        migrate.SetCliAction(MigrateAsync);
        return new Command("db", "The database: create it or update its schema") { migrate };
    }

    private static async Task<int> MigrateAsync(ParseResult parseResult, CliContext cli, CancellationToken cancellationToken)
    {
        cli.Out.WriteLine($"Database: {cli.Database.Describe()}");
        await using var db = cli.CreateDb();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (pending.Count == 0)
        {
            cli.Out.WriteLine("Already up to date.");
        }
        else
        {
            cli.Out.WriteLine($"Applied {pending.Count} migration(s):");
            foreach (var name in pending)
            {
                cli.Out.WriteLine($"  {name}");
            }
        }
        return ExitCodes.Success;
    }
}
