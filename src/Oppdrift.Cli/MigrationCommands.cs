using System.CommandLine;
using Oppdrift.Organisation;
using Oppdrift.ShareMigration;

namespace Oppdrift.Cli;

/// <summary>`oppdrift migration`: the migration plan on the server.</summary>
internal static class MigrationCommands
{
    public static Command Create()
    {
        var inventory = new Argument<string>("INVENTORY") { Description = "An inventory written by `oppdrift scan` (*.scan.sqlite)" };
        var agency = new Option<string>("--agency") { Description = "The agency's code", HelpName = "CODE", Required = true };
        var share = new Option<string>("--share") { Description = "The share's name; a scan under a known name is added to that share", HelpName = "NAME", Required = true };
        var sourcePath = new Option<string?>("--source-unc") { Description = @"The share's UNC path (\\server\share) for the migration tools' CSV", HelpName = "PATH" };
        var homeFolders = new Option<bool>("--home-folders") { Description = "The share holds home folders (they move to OneDrive)" };
        var actor = new Option<string>("--as")
        {
            Description = "The name recorded in the audit log",
            HelpName = "NAME",
            DefaultValueFactory = _ => OrgCommands.DefaultActor,
        };
        var attach = new Command("attach",
            "Attaches a scan inventory to an agency's file share, as the upload on the migration page does. The same inventory twice "
            + "changes nothing; a file that is not a finished inventory is refused with its name and the reason (exit code 2).")
        {
            inventory,
            agency,
            share,
            sourcePath,
            homeFolders,
            actor,
        };
        attach.SetCliAction((parseResult, cli, cancellationToken) => AttachAsync(cli, parseResult.GetRequiredValue(inventory), parseResult.GetRequiredValue(agency),
            parseResult.GetRequiredValue(share), parseResult.GetValue(sourcePath), parseResult.GetValue(homeFolders), parseResult.GetValue(actor) ?? OrgCommands.DefaultActor,
            cancellationToken));
        return new Command("migration", "The file share migration plan: scans attached to agencies") { attach };
    }

    public static async Task<int> AttachAsync(CliContext cli, string path, string agencyCode, string shareName, string? sourcePath, bool homeFolders, string actor,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await cli.Error.WriteLineAsync($"{path}: {MigrationText.Get("ErrorNoFile")}");
            return ExitCodes.BadInput;
        }
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var agencyId = (await new OrganisationDirectory(db).AgencyAsync(agencyCode, cancellationToken))?.Id;
        if (agencyId is null)
        {
            await cli.Error.WriteLineAsync($"--agency {agencyCode}: {MigrationText.Get("ErrorAgency")}");
            return ExitCodes.BadInput;
        }
        var plans = new MigrationPlans(db, MigrationStorage.FromConfiguration(cli.Configuration), MigrationOptions.FromConfiguration(cli.Configuration), TimeProvider.System);
        await using var content = File.OpenRead(path);
        var result = await plans.AttachAsync(new AttachRequest
        {
            AgencyId = agencyId.Value,
            ShareName = shareName,
            SourcePath = sourcePath,
            Kind = homeFolders ? ShareKind.HomeFolders : ShareKind.Department,
            FileName = path,
            Actor = actor,
        }, content, cancellationToken);
        if (!result.Succeeded)
        {
            await cli.Error.WriteLineAsync(result.Field is "file" ? result.Error : $"--{OptionName(result.Field)}: {result.Error}");
            return ExitCodes.BadInput;
        }
        var o = result.Value!;
        await cli.Out.WriteLineAsync(o.AlreadyAttached
            ? $"{path}: {MigrationText.Get("Done.AlreadyAttached")} (share {o.ShareId}, scan {o.ScanId})"
            : $"{path}: {MigrationText.Get("Done.Attached")} (share {o.ShareId}, scan {o.ScanId}, {ScanReport.FormatBytes(o.Bytes)}, {o.Files} files)");
        return ExitCodes.Success;
    }

    private static string OptionName(string? field) => field switch
    {
        nameof(AttachRequest.ShareName) => "share",
        nameof(AttachRequest.SourcePath) => "source-unc",
        _ => "agency",
    };
}
