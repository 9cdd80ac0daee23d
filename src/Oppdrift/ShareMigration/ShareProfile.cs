// What the server keeps of a scan: the totals, a tally per finding and clean-up kind, and a profile of the folders
// near the top of the share (the ones a migration maps), with the path lengths below each so the 400-character
// check can be redone for any target without the inventory.
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Oppdrift.ShareMigration;

public sealed record FolderProfile(
    string Path,
    int Depth,
    long Files,
    long Folders,
    long Bytes,
    long NameBlockers,
    long Warnings,
    long CleanupFiles,
    long CleanupBytes,
    long MaxFolderItems,
    bool HasFormsFolder,
    DateTime? NewestModified,
    IReadOnlyDictionary<int, long> Lengths);

public sealed record Tally(TallyCategory Category, string Kind, long Items, long Bytes);

public sealed record ShareProfile(
    string Root,
    DateTime ScannedAt,
    long Folders,
    long Files,
    long Bytes,
    long Blockers,
    long Warnings,
    long ScanProblems,
    long CleanupFiles,
    long CleanupBytes,
    bool Duplicates,
    IReadOnlyList<Tally> Tallies,
    IReadOnlyList<FolderProfile> FolderProfiles)
{
    /// <summary>Folders down to this depth below the share are profiled (and can be mapped).</summary>
    public const int MaxDepth = 3;

    /// <summary>
    /// Path lengths from this many units up are kept per folder. A target path (site, library and folder) of up to
    /// <see cref="MaxTargetLength"/> units is then checked exactly: only longer relative paths can pass 400.
    /// </summary>
    public const int LengthFloor = 100;

    public const int MaxTargetLength = SharePointRules.MaxPathLength - LengthFloor - 1;

    /// <summary>Findings that depend on where a folder is mapped; they are checked per mapping rather than counted per folder.</summary>
    public static bool DependsOnTarget(FindingKind kind) => kind is FindingKind.PathTooLong or FindingKind.FormsAtLibraryRoot
        or FindingKind.FolderViewThreshold or FindingKind.LibraryPermissionLimit or FindingKind.LibraryItemLimit or FindingKind.OneDriveSyncLimit;

    /// <summary>Profiles a finished inventory.</summary>
    public static ShareProfile Read(SqliteConnection connection, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var report = ScanReport.Read(connection, options);
        using var tree = new InventoryTree(connection);
        var count = tree.FolderCount;

        // Depth and UTF-16 length of every folder's path below the root, parents first (ids grow downwards).
        var depth = new int[count + 1];
        var length = new int[count + 1];
        var profiled = new int[count + 1]; // index into the profile list, or -1
        var paths = new List<string>();
        var pathIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        Array.Fill(profiled, -1);
        // Depths first (each folder's parent chain walked once, memoised), so parents are handled before their children.
        Array.Fill(depth, -1);
        if (count == 0)
        {
            throw new InvalidDataException("The inventory has no root folder.");
        }
        depth[1] = 0;
        for (var id = 1; id <= count; id++)
        {
            var steps = 0;
            var node = id;
            while (node > 1 && depth[node] < 0)
            {
                node = tree.Parent(node);
                steps++;
            }
            var known = node > 1 ? depth[node] : 0;
            for (node = id; steps > 0; node = tree.Parent(node), steps--)
            {
                depth[node] = known + steps;
            }
        }
        var order = Enumerable.Range(1, count).Where(id => id == 1 || tree.Name(id).Length > 0).ToList();
        order.Sort((a, b) => depth[a].CompareTo(depth[b]));
        foreach (var id in order)
        {
            if (id != 1)
            {
                var parent = tree.Parent(id);
                length[id] = length[parent] + (parent == 1 ? 0 : 1) + TreeScanner.Utf16Length(tree.Name(id));
            }
            if (depth[id] <= MaxDepth)
            {
                var path = id == 1 ? "" : InventoryTree.Display(tree.RelativePath(id));
                profiled[id] = paths.Count;
                pathIndex[path] = paths.Count;
                paths.Add(path);
            }
        }
        var n = paths.Count;
        var files = new long[n];
        var folders = new long[n];
        var bytes = new long[n];
        var blockers = new long[n];
        var warnings = new long[n];
        var cleanupFiles = new long[n];
        var cleanupBytes = new long[n];
        var maxItems = new long[n];
        var forms = new bool[n];
        var newest = new long[n];
        var lengths = new Dictionary<int, long>[n];
        for (var i = 0; i < n; i++)
        {
            lengths[i] = [];
        }

        // Calls visit(profile index, length of the profiled folder's own path) for each profiled folder at or above id.
        void Up(int id, Action<int, int> visit)
        {
            for (var node = id; node >= 1; node = tree.Parent(node))
            {
                if (profiled[node] >= 0)
                {
                    visit(profiled[node], node == 1 ? -1 : length[node]);
                }
                if (node == 1)
                {
                    break;
                }
            }
        }
        static int Relative(int fullLength, int folderLength) => folderLength < 0 ? fullLength : fullLength - folderLength - 1;

        foreach (var id in order)
        {
            if (id == 1)
            {
                continue;
            }
            var own = length[id];
            if (profiled[tree.Parent(id)] >= 0 && string.Equals(InventoryTree.Display(tree.Name(id)), "forms", StringComparison.OrdinalIgnoreCase))
            {
                forms[profiled[tree.Parent(id)]] = true;
            }
            Up(tree.Parent(id), (p, folderLength) =>
            {
                folders[p]++;
                var relative = Relative(own, folderLength);
                if (relative >= LengthFloor)
                {
                    lengths[p][relative] = lengths[p].GetValueOrDefault(relative) + 1;
                }
            });
        }

        // One call per file: the walk up to the profiled folders is written out rather than given a closure per file.
        ScanInventory.ForEachEntry(connection, (dir, name, kind, size, modified) =>
        {
            if (kind != EntryKind.File || dir >= length.Length)
            {
                return;
            }
            var full = length[dir] + (dir == 1 ? 0 : 1) + TreeScanner.Utf16Length(name);
            for (var node = dir; node >= 1; node = tree.Parent(node))
            {
                if (profiled[node] is var p && p >= 0)
                {
                    files[p]++;
                    bytes[p] += size;
                    newest[p] = Math.Max(newest[p], modified);
                    var relative = Relative(full, node == 1 ? -1 : length[node]);
                    if (relative >= LengthFloor)
                    {
                        lengths[p][relative] = lengths[p].GetValueOrDefault(relative) + 1;
                    }
                }
                if (node == 1)
                {
                    break;
                }
            }
        });
        // Each folder's own item count (files, folders and links directly in it), as the scanner counted it.
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, items FROM dirs WHERE items IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var dir = reader.GetInt32(0);
                var itemCount = reader.GetInt64(1);
                if (dir < length.Length)
                {
                    Up(dir, (p, _) => maxItems[p] = Math.Max(maxItems[p], itemCount));
                }
            }
        }

        // Findings and clean-up candidates carry paths; each counts for the profiled folders it lies in.
        IEnumerable<int> Containing(string path)
        {
            yield return 0;
            var end = -1;
            for (var level = 1; level <= MaxDepth; level++)
            {
                end = path.IndexOf('/', end + 1);
                var prefix = end < 0 ? path : path[..end];
                if (pathIndex.TryGetValue(prefix, out var index) && index != 0)
                {
                    yield return index;
                }
                if (end < 0)
                {
                    break;
                }
            }
        }
        long totalBlockers = 0, totalWarnings = 0, problems = 0;
        foreach (var finding in report.Findings)
        {
            switch (finding.Severity)
            {
                case FindingSeverity.Blocker:
                    totalBlockers++;
                    break;
                case FindingSeverity.Warning:
                    totalWarnings++;
                    break;
                default:
                    problems++;
                    break;
            }
            if (DependsOnTarget(finding.Kind) || finding.Severity == FindingSeverity.ScanProblem)
            {
                continue;
            }
            foreach (var p in Containing(finding.Path))
            {
                if (finding.Severity == FindingSeverity.Blocker)
                {
                    blockers[p]++;
                }
                else
                {
                    warnings[p]++;
                }
            }
        }
        // A file can be a candidate twice (stale and a duplicate): its bytes count once.
        var distinct = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in report.Cleanup)
        {
            distinct[row.Path] = Math.Max(distinct.GetValueOrDefault(row.Path), row.Bytes);
        }
        foreach (var (path, size) in distinct)
        {
            foreach (var p in Containing(path))
            {
                cleanupFiles[p]++;
                cleanupBytes[p] += size;
            }
        }

        var tallies = report.Findings.GroupBy(f => f.Kind)
            .Select(g => new Tally(TallyCategory.Finding, g.Key.ToString(), g.LongCount(), 0))
            .Concat(report.Cleanup.GroupBy(c => c.Kind).Select(g => new Tally(TallyCategory.Cleanup, g.Key.ToString(), g.LongCount(), g.Sum(c => c.Bytes))))
            .ToList();
        var profiles = Enumerable.Range(0, n).Select(i => new FolderProfile(paths[i], i == 0 ? 0 : paths[i].Count(c => c == '/') + 1, files[i], folders[i], bytes[i],
            blockers[i], warnings[i], cleanupFiles[i], cleanupBytes[i], maxItems[i], forms[i],
            newest[i] == 0 ? null : DateTime.UnixEpoch.AddTicks(newest[i] / 100), lengths[i])).ToList();
        var finished = Meta(connection, "finished");
        var scannedAt = finished is not null && DateTimeOffset.TryParse(finished, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime : options.Clock.GetUtcNow().UtcDateTime;
        return new ShareProfile(report.Root, scannedAt, report.Folders, report.Files, report.Bytes, totalBlockers, totalWarnings, problems,
            cleanupFiles[0], cleanupBytes[0], Meta(connection, "duplicates") == "complete", tallies, profiles);
    }

    private static string? Meta(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key=$k";
        command.Parameters.AddWithValue("$k", key);
        return command.ExecuteScalar() as string;
    }

    /// <summary>The sparse length histogram as stored: "length:count;…" in rising length.</summary>
    public static string FormatLengths(IReadOnlyDictionary<int, long> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var text = new StringBuilder();
        foreach (var (length, count) in lengths.OrderBy(l => l.Key))
        {
            if (text.Length > 0)
            {
                text.Append(';');
            }
            text.Append(CultureInfo.InvariantCulture, $"{length}:{count}");
        }
        return text.ToString();
    }

    public static IReadOnlyDictionary<int, long> ParseLengths(string? text)
    {
        var lengths = new Dictionary<int, long>();
        foreach (var part in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            lengths[int.Parse(part.AsSpan(0, colon), CultureInfo.InvariantCulture)] = long.Parse(part.AsSpan(colon + 1), CultureInfo.InvariantCulture);
        }
        return lengths;
    }
}
