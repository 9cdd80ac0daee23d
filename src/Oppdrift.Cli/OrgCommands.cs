using System.CommandLine;
using Oppdrift.Organisation;

namespace Oppdrift.Cli;

/// <summary>`oppdrift org`: the organisation's people, from the directory.</summary>
internal static class OrgCommands
{
    public const string DefaultActor = "cli";

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE")
        {
            Description = "The Entra ID user export (CSV): the file from the Entra admin centre's Users > Download users, "
                + "or any CSV with a userPrincipalName column",
        };
        var actor = new Option<string>("--as")
        {
            Description = "The name recorded for this import in the import history and audit log",
            HelpName = "NAME",
            DefaultValueFactory = _ => DefaultActor,
        };
        var allowMassDeactivation = new Option<bool>("--allow-mass-deactivation")
        {
            Description = "Deactivate everyone missing from the file even when that is more than a tenth of the active people "
                + "(without it such a file is refused: it is most often a filtered download, not the whole directory)",
        };
        var import = new Command("import",
            "Imports an Entra ID user export: adds, updates, moves and deactivates people and prints what changed. "
            + "The whole file is checked first; a file with any error changes nothing, its errors are printed "
            + "(file:line:column) and the exit code is 2. Importing the same file again changes nothing.")
        {
            file,
            actor,
            allowMassDeactivation,
        };
        import.SetCliAction((parseResult, cli, cancellationToken) =>
            ImportAsync(cli, parseResult.GetRequiredValue(file), parseResult.GetValue(actor) ?? DefaultActor,
                new DirectoryImportOptions(parseResult.GetValue(allowMassDeactivation)), cancellationToken));
        return new Command("org", "The organisation: agencies, units and people") { import, CreateSetup(actor) };
    }

    private static Command CreateSetup(Option<string> actor)
    {
        var exportFile = new Argument<FileInfo>("FILE") { Description = "Where to write the setup file (CSV); - writes it to standard output" };
        var export = new Command("export",
            "Writes the organisation's setup as one CSV file: the municipality's name and leader titles, the agencies with their "
            + "sectors, and the mapping rules in the order they are tried (columns " + string.Join(",", OrganisationFile.Columns) + ")")
        {
            exportFile,
            actor,
        };
        export.SetCliAction((parseResult, cli, cancellationToken) =>
            ExportSetupAsync(cli, parseResult.GetRequiredValue(exportFile), parseResult.GetValue(actor) ?? DefaultActor, cancellationToken));

        var importFile = new Argument<FileInfo>("FILE") { Description = "A setup file written by `org setup export` (or by hand in its columns)" };
        var import = new Command("import",
            "Makes the setup match the file: settings, agencies created or renamed by code, and the mapping rules replaced by the "
            + "file's (then everyone is placed again). Agencies not in the file are kept. A file with any error changes nothing, its "
            + "errors are printed (file:line:column) and the exit code is 2. Importing the same file again changes nothing.")
        {
            importFile,
            actor,
        };
        import.SetCliAction((parseResult, cli, cancellationToken) =>
            ImportSetupAsync(cli, parseResult.GetRequiredValue(importFile), parseResult.GetValue(actor) ?? DefaultActor, cancellationToken));
        return new Command("setup", "The organisation's setup (agencies, sectors, mapping rules, settings) as one file, for version control "
            + "and for moving it between installations") { export, import };
    }

    private static async Task<int> ExportSetupAsync(CliContext cli, FileInfo file, string actor, CancellationToken cancellationToken)
    {
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var setup = new OrganisationFile(db, TimeProvider.System);
        if (file.ToString() == "-")
        {
            await setup.ExportAsync(cli.Out, actor, cancellationToken);
            return ExitCodes.Success;
        }
        // Written beside the target and moved into place, so a failed export never leaves half a file.
        var partial = file.FullName + ".partial";
        await using (var writer = new StreamWriter(partial, false, new System.Text.UTF8Encoding(false)))
        {
            await setup.ExportAsync(writer, actor, cancellationToken);
        }
        File.Move(partial, file.FullName, overwrite: true);
        await cli.Error.WriteLineAsync($"Wrote {file}");
        return ExitCodes.Success;
    }

    private static async Task<int> ImportSetupAsync(CliContext cli, FileInfo file, string actor, CancellationToken cancellationToken)
    {
        if (!await IsFileAsync(cli, file))
        {
            return ExitCodes.BadInput;
        }
        await using var db = await cli.OpenDbAsync(cancellationToken);
        await using var stream = file.OpenRead();
        var result = await new OrganisationFile(db, TimeProvider.System).ImportAsync(stream, file.ToString(), actor, cancellationToken);
        if (result.Status == SetupImportStatus.Failed)
        {
            await cli.Error.WriteLineAsync($"Rejected {file.Name}; nothing was changed:");
            foreach (var error in result.Errors)
            {
                await cli.Error.WriteLineAsync("  " + error);
            }
            return ExitCodes.BadInput;
        }
        await cli.Out.WriteLineAsync(OrganisationModule.SetupMessage(result));
        return ExitCodes.Success;
    }

    private static async Task<int> ImportAsync(CliContext cli, FileInfo file, string actor, DirectoryImportOptions options, CancellationToken cancellationToken)
    {
        if (!await IsFileAsync(cli, file))
        {
            return ExitCodes.BadInput;
        }
        // Read and checked on the other core while the database opens (and, in a new data folder, is created). The path
        // as typed, so the error lines point at the file the user named.
        var reading = Task.Run(() =>
        {
            using var stream = file.OpenRead();
            return EntraUserImport.Read(stream, file.ToString(), TimeProvider.System);
        }, cancellationToken);
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var read = await reading;
        var importer = new EntraUserImport(db, TimeProvider.System);
        var result = await ImportReport.WithProgressAsync(cli.Progress, $"Importing {file.Name}",
            progress => importer.ImportAsync(read, actor, options, progress, cancellationToken));
        if (result.Status == ImportStatus.Failed)
        {
            await cli.Error.WriteLineAsync($"Rejected {file.Name}; nothing was changed:");
            ImportReport.WriteErrors(cli.Error, result);
            ImportReport.WriteWarnings(cli.Error, result);
            return ExitCodes.BadInput;
        }
        cli.Out.WriteLine($"Imported {file.Name}");
        ImportReport.WriteCounts(cli.Tables, result);
        ImportReport.WriteWarnings(cli.Out, result);
        return ExitCodes.Success;
    }

    /// <summary>Whether the file to import is there; if not, says why (a folder, or nothing at that path).</summary>
    private static async Task<bool> IsFileAsync(CliContext cli, FileInfo file)
    {
        if (Directory.Exists(file.FullName))
        {
            await cli.Error.WriteLineAsync($"{file}: {OrganisationText.Get("ImportErrorIsFolder")}");
            return false;
        }
        if (!file.Exists)
        {
            await cli.Error.WriteLineAsync($"{file}: {OrganisationText.Get("ImportErrorNoSuchFile")}");
            return false;
        }
        return true;
    }
}
