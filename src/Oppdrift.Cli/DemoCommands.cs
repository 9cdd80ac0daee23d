using System.CommandLine;
using Oppdrift.Demo;
using Oppdrift.Organisation;
using Oppdrift.Usage;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>`oppdrift demo`: the fictional municipality, as files or loaded into the database.</summary>
internal static class DemoCommands
{
    public static Command Create()
    {
        var generate = Generate();
        var load = Load();
        return new Command("demo", $"The demo municipality ({DemoCatalogue.MunicipalityName}): generate its files or load it") { generate, load };
    }

    private static Command Generate()
    {
        var output = new Option<string>("--out")
        {
            Description = "The directory to write the files to (created if missing; existing demo files are replaced)",
            HelpName = "DIR",
            Required = true,
        };
        var seed = SeedOption();
        var people = PeopleOption();
        var format = new Option<string>("--format")
        {
            Description = "The header of the Entra ID export: documented (objectId, physicalDeliveryOfficeName…) "
                + "or newer (the admin centre's current id, officeLocation…)",
            HelpName = "documented|newer",
            DefaultValueFactory = _ => "documented",
        };
        format.AcceptOnlyFromAmong("documented", "newer");
        var storyDays = DemoUsage.StoryEnd.DayNumber - DemoUsage.StoryStart.DayNumber + 1;
        var usageDays = new Option<int>("--usage-days")
        {
            Description = $"Also write the Microsoft 365 usage reports (9 a day, about 55 MB a day for 54,000 people) for the last N days "
                + $"of the demo's story ({DemoUsage.StoryStart:yyyy-MM-dd} to {DemoUsage.StoryEnd:yyyy-MM-dd}, {storyDays} days) into <DIR>/usage",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        usageDays.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 || result.GetValueOrDefault<int>() > storyDays)
            {
                result.AddError($"--usage-days must be between 0 and {storyDays}.");
            }
        });
        var concealed = new Option<bool>("--concealed")
        {
            Description = "Write the usage reports as a tenant that conceals names: 32-hex-digit names, zero user ids, no site URLs",
        };
        var command = new Command("generate",
            "Writes the demo municipality's files in the real export formats, for trying the importers by hand. Prints the paths written "
            + "(for usage reports, their folder).")
        {
            output,
            seed,
            people,
            format,
            usageDays,
            concealed,
        };
        command.SetCliAction(async (parseResult, cli, cancellationToken) =>
        {
            var folder = Path.GetFullPath(parseResult.GetRequiredValue(output));
            var municipality = DemoMunicipality.Generate(parseResult.GetValue(seed), parseResult.GetValue(people));
            var paths = DemoLoader.Generate(municipality, folder, parseResult.GetValue(format) == "newer" ? EntraExportFormat.Newer : EntraExportFormat.Documented);
            await cli.Error.WriteLineAsync($"{municipality.People.Count} people in {municipality.Agencies.Count} agencies (seed {municipality.Seed}):");
            foreach (var path in paths)
            {
                await cli.Out.WriteLineAsync(path);
            }
            if (parseResult.GetValue(usageDays) is var days and > 0)
            {
                var usageFolder = Path.Combine(folder, "usage");
                var usage = new DemoUsage(municipality, new DemoUsageOptions { Concealed = parseResult.GetValue(concealed) });
                var first = DemoUsage.StoryEnd.AddDays(1 - days);
                var written = await WriteUsageAsync(cli, usage, usageFolder, first, DemoUsage.StoryEnd, cancellationToken);
                await cli.Error.WriteLineAsync($"{written} usage reports for {first:yyyy-MM-dd} to {DemoUsage.StoryEnd:yyyy-MM-dd}:");
                await cli.Out.WriteLineAsync(usageFolder);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Task<int> WriteUsageAsync(CliContext cli, DemoUsage usage, string folder, DateOnly first, DateOnly last, CancellationToken cancellationToken) =>
        cli.Progress.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Writing usage reports", maxValue: 1);
                var progress = new Progress<double>(done => task.Value = done);
                var paths = await Task.Run(() => usage.WriteFolder(folder, first, last, progress, cancellationToken), cancellationToken);
                task.Value = 1;
                task.StopTask();
                return paths.Count;
            });

    private static Command Load()
    {
        var seed = SeedOption();
        var people = PeopleOption();
        var usageDays = new Option<int>("--usage-days")
        {
            Description = "Also import the demo's Microsoft 365 usage reports for the last N days up to yesterday (generated as they are read, "
                + $"through the real usage importer; {DemoUsageLoad.DefaultDays} is the demo's 13 months)",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        var concealed = new Option<bool>("--concealed")
        {
            Description = "Import the usage reports as a tenant that conceals names (figures for the municipality as a whole only)",
        };
        var command = new Command("load",
            "Loads the demo municipality into the configured database through the real importers: agencies and mapping rules "
            + "(where missing), then the directory export, then optionally its usage reports. Its files are written to <data dir>/demo. "
            + "Running it again changes nothing.")
        {
            seed,
            people,
            usageDays,
            concealed,
        };
        command.SetCliAction((parseResult, cli, cancellationToken) =>
            LoadAsync(cli, parseResult.GetValue(seed), parseResult.GetValue(people), parseResult.GetValue(usageDays), parseResult.GetValue(concealed), cancellationToken));
        return command;
    }

    private static async Task<int> LoadAsync(CliContext cli, int seed, int people, int usageDays, bool concealed, CancellationToken cancellationToken)
    {
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var folder = Path.Combine(cli.DataDirectory, "demo");
        var loader = new DemoLoader(db, TimeProvider.System);
        var result = await ImportReport.WithProgressAsync(cli.Progress, $"Loading {DemoCatalogue.MunicipalityName}",
            progress => loader.LoadAsync(DemoMunicipality.Generate(seed, people), folder, progress, cancellationToken));
        if (result.DirectoryImport.Status == ImportStatus.Failed)
        {
            // The generator wrote a file its own importer rejects: a bug, not the user's input.
            await cli.Error.WriteLineAsync("The generated directory export was rejected:");
            ImportReport.WriteErrors(cli.Error, result.DirectoryImport);
            return ExitCodes.Failure;
        }
        cli.Out.WriteLine($"Loaded {DemoCatalogue.MunicipalityName} (seed {seed}) from {result.Folder}");
        cli.Out.WriteLine($"Agencies created: {result.AgenciesCreated}; mapping rules created: {result.RulesCreated}");
        if (result.EarlierImport is { } earlier)
        {
            // A first load imports the directory twice (as it was, then as it is now), so it has new leaders to propose.
            cli.Out.WriteLine("The directory as it was before its latest changes:");
            ImportReport.WriteCounts(cli.Tables, earlier);
            cli.Out.WriteLine("The directory now:");
        }
        ImportReport.WriteCounts(cli.Tables, result.DirectoryImport);
        ImportReport.WriteWarnings(cli.Out, result.DirectoryImport);
        if (usageDays <= 0)
        {
            return ExitCodes.Success;
        }

        var municipality = DemoMunicipality.Generate(seed, people);
        var (first, last) = DemoUsageLoad.Span(DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime), usageDays);
        var importer = UsageCommands.CreateImporter(db, cli);
        var total = (last.DayNumber - first.DayNumber + 1) * UsageReportCatalogue.All.Count;
        var usage = await cli.Progress.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Importing usage {first:yyyy-MM-dd} to {last:yyyy-MM-dd}", maxValue: total);
                var outcome = await DemoUsageLoad.LoadAsync(importer, municipality, first, last, concealed,
                    new Progress<UsageImportProgress>(p => task.Value = p.SourcesDone), cancellationToken);
                task.Value = total;
                task.StopTask();
                return outcome;
            });
        cli.Out.WriteLine($"Usage: {usage.Succeeded} reports imported, {usage.Unchanged} unchanged, {usage.Failed} rejected, {usage.Rows:N0} rows");
        foreach (var file in usage.Files.Where(f => f.Import.Status == UsageImportStatus.Failed).Take(5))
        {
            await cli.Error.WriteLineAsync($"Rejected {file.Import.Name}: {(file.Errors.Count > 0 ? file.Errors[0] : null)}");
        }
        return usage.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static Option<int> SeedOption() => new("--seed")
    {
        Description = "The generator's seed: the same seed gives the same people on every machine",
        HelpName = "N",
        DefaultValueFactory = _ => DemoMunicipality.DefaultSeed,
    };

    private static Option<int> PeopleOption()
    {
        var option = new Option<int>("--people")
        {
            Description = "How many people the municipality has",
            HelpName = "N",
            DefaultValueFactory = _ => DemoCatalogue.TargetPeople,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--people must be at least 1.");
            }
        });
        return option;
    }
}
