using System.CommandLine;
using System.Globalization;
using System.Text;
using Oppdrift.ShareMigration;
using Spectre.Console;

namespace Oppdrift.Cli;

/// <summary>`oppdrift scan`: the read-only file share scanner for the move to SharePoint and OneDrive.</summary>
internal static class ScanCommands
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Folders to scan (local disks, mounted SMB/NFS shares); each gets its own inventory",
            Arity = ArgumentArity.OneOrMore,
        };
        var inventoryDir = new Option<string>("--inventory-dir")
        {
            Description = "Where the inventories are kept, one per scanned folder, named after it. Must be outside the scanned folders",
            HelpName = "DIR",
            DefaultValueFactory = _ => "scans",
        };
        var full = new Option<bool>("--full") { Description = "Read every folder again, even those the inventory says are unchanged" };
        var noHash = new Option<bool>("--no-hash", "--no-duplicates")
        {
            Description = "Open no file: no hashing, so no duplicate files or folders are reported, and no file's access time changes "
                + "even when the scanning user does not own it (folders are still listed). --no-duplicates is the same",
        };
        var target = new Option<string>("--target")
        {
            Description = "The server-relative path of the library the folder will move to, for the 400-character path check",
            HelpName = "PATH",
            DefaultValueFactory = _ => ScanOptions.DefaultTarget,
        };
        var staleYears = new Option<int>("--stale-years")
        {
            Description = "Files not modified for this many years are listed as clean-up candidates",
            HelpName = "N",
            DefaultValueFactory = _ => 5,
        };
        var report = new Option<string?>("--report")
        {
            Description = "Write every finding and clean-up candidate to this CSV file (one per scanned folder: the folder's name is added). "
                + "Control characters and bytes that are not UTF-8 in paths are shown as \\xNN",
            HelpName = "FILE",
        };
        var renamePlan = new Option<string?>("--rename-plan")
        {
            Description = "Write the proposed renames to this file for review (tab-separated: old path, new path; backslash, tab, "
                + "line breaks, other control characters and bytes that are not UTF-8 escaped as printf '%b' reads them). Nothing is renamed",
            HelpName = "FILE",
        };
        var rate = new Option<int>("--max-folders-per-second")
        {
            Description = "Read at most this many folders a second, to spare a production file server (0: no limit)",
            HelpName = "N",
        };
        var spmtCsv = new Option<string?>("--spmt-csv")
        {
            Description = "Write the bulk CSV for the SharePoint Migration Tool and Migration Manager: one row per top folder, "
                + "into --target-site and --target-library. Needs --source-unc",
            HelpName = "FILE",
        };
        var sourceUnc = new Option<string?>("--source-unc")
        {
            Description = "The scanned folder as the migration tool reaches it, e.g. \\\\filserver\\hr",
            HelpName = "PATH",
        };
        var targetSite = new Option<string?>("--target-site")
        {
            Description = "The SharePoint site (or OneDrive) URL for --spmt-csv, e.g. https://nordvik.sharepoint.com/sites/hr",
            HelpName = "URL",
        };
        var targetLibrary = new Option<string>("--target-library")
        {
            Description = "The document library for --spmt-csv",
            HelpName = "NAME",
            DefaultValueFactory = _ => "Documents",
        };
        var readers = new Option<int>("--readers")
        {
            Description = "Folders read at the same time",
            HelpName = "N",
            DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 1, 4),
        };
        var attachTo = new Option<string?>("--attach-to")
        {
            Description = "After each scan, attach its inventory to this agency (code) in the Oppdrift database (--database, --data), "
                + "as `oppdrift migration attach` does. Each PATH becomes a share named after its folder, or --share",
            HelpName = "CODE",
        };
        var shareName = new Option<string?>("--share")
        {
            Description = "The share's name for --attach-to (one PATH only)",
            HelpName = "NAME",
        };
        var scan = new Command("scan",
            "Scans file shares for the move to SharePoint Online and OneDrive, read-only: no file is written, access times are left "
            + "alone where the kernel allows (as root or as the owner; otherwise the scan says how many changed, and --no-hash opens "
            + "no file). Reports what blocks the move against SharePoint's rules, proposes fixes, and finds clean-up candidates "
            + "(duplicates, stale, empty, temporary and large media files). The inventory makes a second scan incremental and an "
            + "interrupted scan resume where it stopped. Exit code 2 when a folder cannot be scanned at all.")
        {
            paths, inventoryDir, full, noHash, target, staleYears, report, renamePlan, rate, readers, spmtCsv, sourceUnc, targetSite, targetLibrary,
            attachTo, shareName,
        };
        scan.SetCliAction((parseResult, cli, cancellationToken) => ScanAsync(cli, parseResult.GetRequiredValue(paths), new Settings(
            parseResult.GetValue(inventoryDir) ?? "scans", parseResult.GetValue(full), !parseResult.GetValue(noHash),
            parseResult.GetValue(target) ?? ScanOptions.DefaultTarget, parseResult.GetValue(staleYears), parseResult.GetValue(report),
            parseResult.GetValue(renamePlan), parseResult.GetValue(rate), parseResult.GetValue(readers), parseResult.GetValue(spmtCsv),
            parseResult.GetValue(sourceUnc), parseResult.GetValue(targetSite), parseResult.GetValue(targetLibrary) ?? "Documents",
            parseResult.GetValue(attachTo), parseResult.GetValue(shareName)), cancellationToken));
        return scan;
    }

    private sealed record Settings(string InventoryDir, bool Full, bool Duplicates, string Target, int StaleYears, string? Report,
        string? RenamePlan, int Rate, int Readers, string? SpmtCsv, string? SourceUnc, string? TargetSite, string TargetLibrary, string? AttachTo,
        string? ShareName);

    /// <summary>The inventory file for a scanned folder: its full path made into one file name.</summary>
    public static string InventoryName(string root)
    {
        var full = Path.GetFullPath(root).TrimEnd('/', '\\');
        var builder = new StringBuilder();
        foreach (var c in full)
        {
            builder.Append(char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_');
        }
        var name = builder.ToString().Trim('_');
        return (name.Length == 0 ? "root" : name) + ".scan.sqlite";
    }

    private static async Task<int> ScanAsync(CliContext cli, string[] roots, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.SpmtCsv is not null && (roots.Length != 1 || settings.SourceUnc is null
            || !Uri.TryCreate(settings.TargetSite, UriKind.Absolute, out var site) || site.Scheme != Uri.UriSchemeHttps))
        {
            await cli.Error.WriteLineAsync("--spmt-csv: give one PATH, --source-unc and --target-site with an https:// URL");
            return ExitCodes.BadInput;
        }
        if (settings.ShareName is not null && (settings.AttachTo is null || roots.Length != 1))
        {
            await cli.Error.WriteLineAsync("--share: give it with --attach-to and one PATH");
            return ExitCodes.BadInput;
        }
        Directory.CreateDirectory(settings.InventoryDir);
        var inventoryDir = Path.GetFullPath(settings.InventoryDir);
        var exit = ExitCodes.Success;
        foreach (var root in roots)
        {
            var fullRoot = Path.GetFullPath(root).TrimEnd('/', '\\');
            if (!Directory.Exists(fullRoot))
            {
                await cli.Error.WriteLineAsync(MigrationText.Get("ScanRootMissing", root));
                exit = ExitCodes.BadInput;
                continue;
            }
            var inventory = Path.Combine(inventoryDir, InventoryName(fullRoot));
            if ((inventory + "/").StartsWith(fullRoot + "/", StringComparison.Ordinal))
            {
                await cli.Error.WriteLineAsync(MigrationText.Get("InventoryInsideTree", inventory));
                exit = ExitCodes.BadInput;
                continue;
            }
            var options = new ScanOptions
            {
                Root = fullRoot,
                InventoryPath = inventory,
                Full = settings.Full,
                TargetLibraryPath = settings.Target,
                MaxFoldersPerSecond = settings.Rate,
                Readers = Math.Max(1, settings.Readers),
            };
            var started = System.Diagnostics.Stopwatch.StartNew();
            var progress = new Progress<ScanProgress>(p => cli.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Scanning {fullRoot}: {p.Folders} folders, {p.Files} files, {ScanReport.FormatBytes(p.Bytes)}; {p.PendingFolders} folders to go")));
            ScanOutcome outcome;
            try
            {
                outcome = await new TreeScanner(options).RunAsync(progress, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                await cli.Error.WriteLineAsync(e.Message);
                exit = ExitCodes.BadInput;
                continue;
            }
            await cli.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Walked {fullRoot} in {started.Elapsed.TotalSeconds:F2} s{(outcome.Resumed ? " (resumed)" : "")}{(outcome.Incremental ? $" ({outcome.ReusedFolders} unchanged folders taken from the last scan)" : "")}"));
            if (outcome.FoldersAccessTimesChanged > 0)
            {
                await cli.Error.WriteLineAsync(MigrationText.Get("WarningFolderAccessTimes", outcome.FoldersAccessTimesChanged));
            }
            if (settings.Duplicates)
            {
                var hashing = System.Diagnostics.Stopwatch.StartNew();
                var hashed = DuplicateFinder.Run(inventory, options.Readers, null, cancellationToken, plan =>
                {
                    // Said once, before the first file is opened: after this, reading them changes their access times.
                    if (plan.NotOwned > 0)
                    {
                        cli.Error.WriteLine(MigrationText.Get("WarningHashAccessTimes", plan.NotOwned, plan.FilesToRead, plan.UserId));
                    }
                });
                await cli.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Compared {hashed.Candidates} files of equal size in {hashing.Elapsed.TotalSeconds:F2} s ({ScanReport.FormatBytes(hashed.BytesRead)} read)"));
            }
            using var read = ScanInventory.OpenForReading(inventory, inventory, out var error);
            if (read is null)
            {
                await cli.Error.WriteLineAsync(error);
                exit = ExitCodes.Failure;
                continue;
            }
            var result = ScanReport.Read(read.Connection, new ReportOptions { StaleYears = settings.StaleYears });
            Print(cli, result, inventory, settings.StaleYears);
            if (settings.Report is { } reportPath)
            {
                var file = roots.Length == 1 ? reportPath : Suffixed(reportPath, Path.GetFileName(fullRoot));
                await using (var writer = new StreamWriter(file, false, new UTF8Encoding(true)))
                {
                    ScanExports.WriteFindingsCsv(writer, result, settings.StaleYears);
                }
                await cli.Out.WriteLineAsync(file);
            }
            if (settings.RenamePlan is { } planPath)
            {
                var file = roots.Length == 1 ? planPath : Suffixed(planPath, Path.GetFileName(fullRoot));
                await File.WriteAllTextAsync(file, ScanExports.RenamePlan(result, read.Connection), new UTF8Encoding(false), cancellationToken);
                await cli.Out.WriteLineAsync(file);
            }
            if (settings.SpmtCsv is { } csvPath)
            {
                // From the inventory, not the disk: listing the share again would touch its access time.
                var rows = MigrationCsv.PerTopFolder(MigrationCsv.TopFolders(read.Connection), settings.SourceUnc!, settings.TargetSite!, settings.TargetLibrary);
                await File.WriteAllTextAsync(csvPath, MigrationCsv.Write(rows), new UTF8Encoding(false), cancellationToken);
                await cli.Out.WriteLineAsync(csvPath);
            }
            if (result.Findings.Any(f => f.Severity == FindingSeverity.ScanProblem && f.Path.Length == 0))
            {
                exit = ExitCodes.BadInput;
            }
            if (settings.AttachTo is { } agency)
            {
                var attached = await MigrationCommands.AttachAsync(cli, inventory, agency, settings.ShareName ?? Path.GetFileName(fullRoot),
                    roots.Length == 1 ? settings.SourceUnc : null, homeFolders: false, OrgCommands.DefaultActor, cancellationToken);
                exit = attached != ExitCodes.Success ? attached : exit;
            }
        }
        return exit;
    }

    private static string Suffixed(string path, string name)
    {
        var extension = Path.GetExtension(path);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + "-" + name + extension);
    }

    private static void Print(CliContext cli, ScanReport report, string inventory, int staleYears)
    {
        var summary = new Table().Title(Markup.Escape(report.Root)).AddColumns("", "");
        summary.AddRow("Folders", report.Folders.ToString("N0", CultureInfo.CurrentCulture));
        summary.AddRow("Files", report.Files.ToString("N0", CultureInfo.CurrentCulture));
        summary.AddRow("Bytes", ScanReport.FormatBytes(report.Bytes));
        summary.AddRow("Duplicates", report.DuplicatesSearched
            ? Markup.Escape(MigrationText.Get("DuplicatesSearched", report.Duplicates.Count))
            : Markup.Escape(MigrationText.Get("DuplicatesNotSearched")));
        if (report.AccessTimesChanged > 0)
        {
            summary.AddRow("Access times", Markup.Escape(MigrationText.Get("AccessTimesChanged", report.AccessTimesChanged)));
        }
        foreach (var severity in Enum.GetValues<FindingSeverity>())
        {
            summary.AddRow(Markup.Escape(MigrationText.Get("Severity." + severity)), report.Count(severity).ToString("N0", CultureInfo.CurrentCulture));
        }
        cli.Tables.Write(summary);
        if (report.Findings.Count > 0)
        {
            var kinds = new Table().AddColumns("Finding", "Items");
            foreach (var group in report.Findings.GroupBy(f => f.Kind).OrderBy(g => g.Key))
            {
                kinds.AddRow(Markup.Escape(MigrationText.Get("Finding." + group.Key)), group.Count().ToString("N0", CultureInfo.CurrentCulture));
            }
            cli.Tables.Write(kinds);
        }
        var cleanup = new Table().AddColumns("Clean-up", "Items", "Bytes");
        foreach (var group in report.Cleanup.GroupBy(c => c.Kind).OrderBy(g => g.Key))
        {
            cleanup.AddRow(Markup.Escape(MigrationText.Get("Cleanup." + group.Key, staleYears)), group.Count().ToString("N0", CultureInfo.CurrentCulture),
                ScanReport.FormatBytes(group.Sum(c => c.Bytes)));
        }
        cli.Tables.Write(cleanup);
        cli.Out.WriteLine(inventory);
    }
}
