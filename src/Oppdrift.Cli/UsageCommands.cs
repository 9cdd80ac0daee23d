using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage;
using Oppdrift.Usage.Graph;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>`oppdrift usage`: Microsoft 365 usage reports.</summary>
internal static class UsageCommands
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("FILE|DIR")
        {
            Description = "Usage report CSV files as downloaded from the Graph reports API or the admin centre, or folders of them (searched recursively for *.csv)",
            Arity = ArgumentArity.OneOrMore,
        };
        var report = new Option<string?>("--report")
        {
            Description = "The report every file must be, e.g. getEmailActivityUserDetail; a file of another report is rejected",
            HelpName = "NAME",
        };
        var date = new Option<string?>("--date")
        {
            Description = "The date (yyyy-MM-dd) every row's Report Refresh Date must have; a date after today (in Usage:Graph:TimeZone) is refused",
            HelpName = "DATE",
        };
        var actor = new Option<string>("--as")
        {
            Description = "The name recorded for this import in the import history",
            HelpName = "NAME",
            DefaultValueFactory = _ => OrgCommands.DefaultActor,
        };
        var import = new Command("import",
            "Imports usage reports. Each report for one date lands whole or not at all; importing it again replaces it, and the same "
            + "bytes twice change nothing. User names are pseudonymised before anything is stored. Rejected files are listed with "
            + "file:line:column and the exit code is 2; the other files still land.")
        {
            paths,
            report,
            date,
            actor,
        };
        import.SetCliAction((parseResult, cli, cancellationToken) =>
            ImportAsync(cli, parseResult.GetRequiredValue(paths), parseResult.GetValue(report), parseResult.GetValue(date),
                parseResult.GetValue(actor) ?? OrgCommands.DefaultActor, cancellationToken));
        var pull = new Command("pull",
            "Runs the nightly pull from Microsoft Graph now: yesterday's report of every kind and whatever is missing of the backfill "
            + "window (Usage:Graph:BackfillDays), oldest first, each imported as it arrives. Needs the Usage:Graph settings "
            + "(tenant, client, secret or certificate; see docs/operations.md). Exit code 2 when a report failed; the others still land.");
        pull.SetCliAction((_, cli, cancellationToken) => PullAsync(cli, cancellationToken));
        return new Command("usage", "Microsoft 365 usage reports and adoption figures") { import, pull };
    }

    private static async Task<int> ImportAsync(CliContext cli, string[] paths, string? reportName, string? dateText, string actor, CancellationToken cancellationToken)
    {
        UsageReportType? report = null;
        if (reportName is not null && (report = UsageReportCatalogue.Find(reportName)) is null)
        {
            await cli.Error.WriteLineAsync($"--report: no usage report is called '{reportName}'. Known: {string.Join(", ", UsageReportCatalogue.All.Select(r => r.Name))}");
            return ExitCodes.BadInput;
        }
        DateOnly? date = null;
        if (dateText is not null)
        {
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                await cli.Error.WriteLineAsync($"--date: '{dateText}' is not a date like 2026-11-25");
                return ExitCodes.BadInput;
            }
            date = parsed;
            // Refused here, before anything is opened: every file would be refused at its date for the same reason.
            var usage = UsageOptions.FromConfiguration(cli.Configuration);
            var today = usage.Today(TimeProvider.System);
            if (parsed > today)
            {
                await cli.Error.WriteLineAsync($"--date: {UsageText.Get("UsageErrorDateAfterToday", Iso(parsed), Iso(today), usage.TimeZone.Id)}");
                return ExitCodes.BadInput;
            }
        }
        var sources = new List<UsageSource>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                sources.AddRange(Directory.EnumerateFiles(path, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(UsageSource.FromFile));
            }
            else if (File.Exists(path))
            {
                sources.Add(UsageSource.FromFile(path));
            }
            else
            {
                await cli.Error.WriteLineAsync($"{path}: no such file or folder");
                return ExitCodes.BadInput;
            }
        }
        if (sources.Count == 0)
        {
            await cli.Error.WriteLineAsync($"No *.csv files in {string.Join(", ", paths)}");
            return ExitCodes.BadInput;
        }

        await using var db = await cli.OpenDbAsync(cancellationToken);
        var importer = CreateImporter(db, cli);
        var request = new UsageImportRequest { Actor = actor, Source = UsageSourceKind.File, ExpectedReport = report, ExpectedDate = date };
        var result = await cli.Progress.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Importing {sources.Count} usage report(s)", maxValue: sources.Count);
                var outcome = await importer.ImportAsync(sources, request, new Progress<UsageImportProgress>(p => task.Value = p.SourcesDone), cancellationToken);
                task.Value = sources.Count;
                task.StopTask();
                return outcome;
            });

        var table = new Table().AddColumn("Report").AddColumn("Date").AddColumn("Status").AddColumn(new TableColumn("Rows").RightAligned())
            .AddColumn(new TableColumn("Matched").RightAligned()).AddColumn(new TableColumn("Unmatched").RightAligned()).AddColumn(new TableColumn("Skipped").RightAligned());
        foreach (var file in result.Files.Where(f => f.Import.Status != UsageImportStatus.Failed).Take(50))
        {
            var i = file.Import;
            table.AddRow(Markup.Escape(i.Report), i.ReportDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", i.Status.ToString(),
                i.Rows.ToString(CultureInfo.InvariantCulture), i.Matched.ToString(CultureInfo.InvariantCulture),
                i.Unmatched.ToString(CultureInfo.InvariantCulture), i.Skipped.ToString(CultureInfo.InvariantCulture));
        }
        if (result.Succeeded + result.Unchanged > 0)
        {
            cli.Tables.Write(table);
        }
        cli.Out.WriteLine($"{result.Succeeded} imported, {result.Unchanged} unchanged, {result.Failed} rejected, {result.Rows:N0} rows");
        foreach (var file in result.Files)
        {
            foreach (var warning in file.Warnings)
            {
                await cli.Error.WriteLineAsync($"{file.Import.Name}: warning: {warning}");
            }
        }
        foreach (var file in result.Files.Where(f => f.Import.Status == UsageImportStatus.Failed))
        {
            await cli.Error.WriteLineAsync($"Rejected {file.Import.Name}; nothing of it was written:");
            foreach (var error in file.Errors)
            {
                await cli.Error.WriteLineAsync($"  {error}");
            }
        }
        return result.Failed > 0 ? ExitCodes.BadInput : ExitCodes.Success;
    }

    private static async Task<int> PullAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var options = new UsageGraphOptions();
        cli.Configuration.GetSection(UsageGraphOptions.Section).Bind(options);
        // The nightly job waits for Enabled; asking for a pull by hand is the consent.
        options.Enabled = true;
        if (options.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                await cli.Error.WriteLineAsync(problem);
            }
            return ExitCodes.BadInput;
        }
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var importer = CreateImporter(db, cli);
        using var downloader = GraphReportDownloader.Create(options);
        // Under the nightly pull's lease, so it never runs beside the app's own pull.
        var leases = new JobLeases(cli.Database, TimeProvider.System, NullLogger<JobLeases>.Instance);
        var job = new UsageGraphPullJob(options, downloader,
            (sources, ct) => UsageModule.ImportPulledAsync(importer, sources, ct),
            ct => UsageModule.ImportedAsync(db, ct),
            leases, TimeProvider.System, NullLogger<UsageGraphPullJob>.Instance);
        UsagePullRun? run = null;
        await cli.Progress.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Pulling usage reports from Microsoft Graph", maxValue: 1);
                await leases.RunAsync(UsageGraphPullJob.Key, TimeSpan.Zero,
                    async ct => run = await job.RunAsync(new Progress<double>(p => task.Value = p), ct), cancellationToken);
                task.Value = 1;
                task.StopTask();
            });
        if (run is null)
        {
            await cli.Error.WriteLineAsync("A pull from Microsoft Graph is running already (the app's nightly pull); try again when it has finished.");
            return ExitCodes.Failure;
        }
        cli.Out.WriteLine($"{run.Imported.Count} of {run.Planned.Count} reports pulled and imported, {run.Failed.Count} failed");
        foreach (var failure in run.Failed)
        {
            await cli.Error.WriteLineAsync($"{failure.Pull.ToRequest()}: {failure.Message}");
        }
        return run.Failed.Count > 0 ? ExitCodes.BadInput : ExitCodes.Success;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static UsageImporter CreateImporter(OppdriftDb db, CliContext cli) =>
        new(db, new Pseudonymiser(PrivacyServices.PseudonymiserOptionsFrom(cli.Configuration)), UsageOptions.FromConfiguration(cli.Configuration),
            TimeProvider.System, NullLogger<UsageImporter>.Instance);
}
