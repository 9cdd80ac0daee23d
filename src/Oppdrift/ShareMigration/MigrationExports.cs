// The migration plan's files: the bulk CSV for the SharePoint Migration Tool / Migration Manager made from the
// mappings, and the findings workbook (summary, mappings with their checks, every finding and clean-up candidate).
using System.Globalization;
using Oppdrift.Shared;
using Oppdrift.Shared.Exports;

namespace Oppdrift.ShareMigration;

public static class MigrationExports
{
    /// <summary>Excel's last row; longer lists stop one short with a line that says the list is cut and where the whole one is.</summary>
    public const int MaxSheetRows = XlsxWriter.MaxRows;

    /// <summary>
    /// The SPMT / Migration Manager rows for a share's mappings: \\server\share\folder → site, library, folder. The share
    /// needs its UNC path; a mapping of the whole share uses the share's path itself.
    /// </summary>
    public static Result<IReadOnlyList<MigrationTarget>> SpmtRows(IEnumerable<SharePicture> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var rows = new List<MigrationTarget>();
        foreach (var share in shares)
        {
            if (share.Mappings.Count == 0)
            {
                continue;
            }
            if (string.IsNullOrWhiteSpace(share.Share.SourcePath))
            {
                return Result<IReadOnlyList<MigrationTarget>>.Fail(nameof(SourceShare.SourcePath), MigrationText.Get("ErrorNoSourcePath", share.Share.Name));
            }
            foreach (var m in share.Mappings.OrderBy(m => m.Mapping.SourceFolder, StringComparer.Ordinal))
            {
                var source = share.Share.SourcePath.TrimEnd('\\');
                if (m.Mapping.SourceFolder.Length > 0)
                {
                    source += "\\" + m.Mapping.SourceFolder.Replace('/', '\\');
                }
                rows.Add(new MigrationTarget(source, m.Mapping.SiteUrl, m.Mapping.Library, m.Mapping.TargetFolder));
            }
        }
        return Result<IReadOnlyList<MigrationTarget>>.Ok(rows);
    }

    /// <summary>The findings workbook of one share. <paramref name="report"/> is read from the share's latest inventory.</summary>
    public static void Workbook(Stream output, SharePicture share, IReadOnlyList<ShareScanTally> tallies, ScanReport? report, int staleYears)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(tallies);
        using var workbook = new XlsxWriter(output);
        var truncated = MigrationText.Get("XlsxTruncated");
        void Sheet(string name, IEnumerable<object?[]> rows) => workbook.AddSheet(name, rows, truncated);

        var scan = share.Scan;
        var summary = new List<object?[]>
        {
            new object?[] { MigrationText.Get("XlsxTitle", share.Share.Name, share.AgencyName) },
            new object?[] { MigrationText.Get("XlsxField"), MigrationText.Get("XlsxValue") },
            new object?[] { MigrationText.Get("SourcePath"), share.Share.SourcePath },
            new object?[] { MigrationText.Get("ScannedAt"), scan?.ScannedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) },
            new object?[] { MigrationText.Get("ScanRoot"), scan?.Root },
            new object?[] { MigrationText.Get("Files"), scan?.Files },
            new object?[] { MigrationText.Get("FoldersCount"), scan?.Folders },
            new object?[] { MigrationText.Get("Bytes"), scan?.Bytes },
            new object?[] { MigrationText.Get("Blockers"), scan?.Blockers },
            new object?[] { MigrationText.Get("Warnings"), scan?.Warnings },
            new object?[] { MigrationText.Get("ScanProblems"), scan?.ScanProblems },
            new object?[] { MigrationText.Get("CleanupFiles"), scan?.CleanupFiles },
            new object?[] { MigrationText.Get("CleanupBytes"), scan?.CleanupBytes },
            Array.Empty<object?>(),
            new object?[] { MigrationText.Get("XlsxKind"), MigrationText.Get("XlsxRule"), MigrationText.Get("XlsxItems"), MigrationText.Get("Bytes") },
        };
        foreach (var t in tallies.OrderBy(t => t.Category).ThenByDescending(t => t.Items))
        {
            summary.Add(t.Category == TallyCategory.Finding
                ? [Severity(Enum.Parse<FindingKind>(t.Kind)), MigrationText.Get("Finding." + t.Kind), t.Items, null]
                : [MigrationText.Get("CleanupHeading"), MigrationText.Get("Cleanup." + t.Kind, staleYears), t.Items, t.Bytes]);
        }
        Sheet(MigrationText.Get("XlsxSummarySheet"), summary);

        var mappings = new List<object?[]>
        {
            new object?[] { MigrationText.Get("SourceFolder"), MigrationText.Get("TargetKind"), MigrationText.Get("SiteUrl"), MigrationText.Get("Library"),
                MigrationText.Get("TargetFolder"), MigrationText.Get("TargetPath"), MigrationText.Get("Files"), MigrationText.Get("Bytes"),
                MigrationText.Get("PathsTooLong"), MigrationText.Get("LongestPath"), MigrationText.Get("NameBlockers"), MigrationText.Get("CheckResult"),
                MigrationText.Get("State"), MigrationText.Get("StateChanged") },
        };
        foreach (var m in share.Mappings)
        {
            var c = m.Check;
            mappings.Add([MigrationPlans.Shown(m.Mapping.SourceFolder), MigrationText.Get("Target." + m.Mapping.TargetKind), m.Mapping.SiteUrl, m.Mapping.Library,
                m.Mapping.TargetFolder, c?.TargetPath, m.Files, m.Bytes, c?.PathsTooLong, c?.LongestPath, c?.NameBlockers, CheckText(c),
                MigrationText.Get("State." + m.Mapping.State), m.Mapping.StateChangedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        }
        Sheet(MigrationText.Get("XlsxMappingSheet"), mappings);

        Sheet(MigrationText.Get("XlsxFindingsSheet"), FindingRows(report));
        Sheet(MigrationText.Get("XlsxCleanupSheet"), CleanupRows(report, staleYears));
    }

    /// <summary>What the check of a mapping found, in a few words.</summary>
    public static string CheckText(TargetCheckResult? check)
    {
        if (check is null)
        {
            return MigrationText.Get("CheckNoFolder");
        }
        var notes = new List<string>();
        if (check.PathsTooLong > 0)
        {
            notes.Add(MigrationText.Get("CheckPathsTooLong", check.PathsTooLong));
        }
        if (check.NameBlockers > 0)
        {
            notes.Add(MigrationText.Get("CheckNameBlockers", check.NameBlockers));
        }
        if (check.FormsAtRoot)
        {
            notes.Add(MigrationText.Get("CheckFormsAtRoot"));
        }
        if (check.OverLibraryLimit)
        {
            notes.Add(MigrationText.Get("CheckLibraryLimit"));
        }
        if (check.OverPermissionLimit)
        {
            notes.Add(MigrationText.Get("CheckPermissionLimit"));
        }
        if (check.OverFolderView)
        {
            notes.Add(MigrationText.Get("CheckFolderView", check.MaxFolderItems));
        }
        if (check.OverOneDriveSync)
        {
            notes.Add(MigrationText.Get("CheckOneDriveSync"));
        }
        return notes.Count == 0 ? MigrationText.Get("CheckReady") : string.Join("; ", notes);
    }

    private static string Severity(FindingKind kind) => MigrationText.Get("Severity." + SharePointRules.For(kind).Severity);

    private static IEnumerable<object?[]> FindingRows(ScanReport? report)
    {
        yield return [MigrationText.Get("XlsxPath"), MigrationText.Get("XlsxFolderOrFile"), MigrationText.Get("XlsxKind"), MigrationText.Get("XlsxRule"),
            MigrationText.Get("XlsxDetail"), MigrationText.Get("XlsxProposal")];
        if (report is null)
        {
            yield return [MigrationText.Get("XlsxNoInventory")];
            yield break;
        }
        foreach (var f in report.Findings.OrderBy(f => f.Severity).ThenBy(f => f.Path, StringComparer.Ordinal))
        {
            yield return [f.Path, MigrationText.Get(f.IsFolder ? "XlsxFolder" : "XlsxFile"), Severity(f.Kind), MigrationText.Get("Finding." + f.Kind),
                f.Detail == 0 ? null : f.Detail, f.Proposal];
        }
    }

    private static IEnumerable<object?[]> CleanupRows(ScanReport? report, int staleYears)
    {
        yield return [MigrationText.Get("XlsxPath"), MigrationText.Get("XlsxRule"), MigrationText.Get("Bytes")];
        if (report is null)
        {
            yield return [MigrationText.Get("XlsxNoInventory")];
            yield break;
        }
        foreach (var c in report.Cleanup)
        {
            yield return [c.Path, MigrationText.Get("Cleanup." + c.Kind, staleYears), c.Bytes];
        }
    }
}
