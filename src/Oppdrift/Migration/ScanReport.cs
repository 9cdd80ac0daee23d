using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Oppdrift.ShareMigration;

public sealed record ReportOptions
{
    /// <summary>Files not modified for this many years are clean-up candidates.</summary>
    public int StaleYears { get; init; } = 5;

    /// <summary>Media files at least this large are clean-up candidates.</summary>
    public long LargeMediaBytes { get; init; } = 1L << 30;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>One finding on one file or folder: paths relative to the scanned root, '/'-separated, invalid UTF-8 as \xNN.</summary>
public sealed record FindingRow(string Path, bool IsFolder, FindingKind Kind, long Detail, string? Proposal)
{
    public FindingSeverity Severity => SharePointRules.For(Kind).Severity;
}

public sealed record DuplicateGroup(long Size, IReadOnlyList<string> Paths)
{
    public long ReclaimableBytes => Size * (Paths.Count - 1);
}

public enum CleanupKind
{
    DuplicateFile,
    DuplicateFolder,
    Stale,
    EmptyFile,
    EmptyFolder,
    Temporary,
    LargeMedia,
}

public sealed record CleanupRow(CleanupKind Kind, string Path, long Bytes);

public sealed record ScanReport(
    string Root,
    long Folders,
    long Files,
    long Bytes,
    IReadOnlyList<FindingRow> Findings,
    IReadOnlyList<DuplicateGroup> Duplicates,
    IReadOnlyList<IReadOnlyList<string>> DuplicateFolders,
    IReadOnlyList<CleanupRow> Cleanup)
{
    public long Count(FindingSeverity severity) => Findings.Count(f => f.Severity == severity);

    public static readonly IReadOnlyList<string> TemporaryPatterns = ["~$*", "*.tmp", "~*.tmp", ".~lock.*#", "Thumbs.db", ".DS_Store", "*.bak", "*.temp"];

    public static readonly IReadOnlyList<string> MediaExtensions = [".mp4", ".mov", ".avi", ".mkv", ".wmv", ".mpg", ".mpeg", ".m4v", ".iso", ".vob", ".wav", ".flac"];

    /// <summary>Reads the report out of a finished inventory.</summary>
    public static ScanReport Read(SqliteConnection connection, ReportOptions options)
    {
        var tree = new InventoryTree(connection);
        string FolderPath(int id) => InventoryTree.Display(tree.RelativePath(id));
        string EntryPath(int dir, byte[] name) => InventoryTree.Display(tree.RelativePath(dir, name));

        var findings = new List<FindingRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT f.dir, f.name, f.kind, f.detail, (d.id IS NOT NULL) AS folder
                FROM findings f LEFT JOIN dirs d ON f.name IS NOT NULL AND d.parent = f.dir AND d.name = f.name
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var dir = reader.GetInt32(0);
                var kind = (FindingKind)reader.GetInt32(2);
                byte[]? name = reader.IsDBNull(1) ? null : (byte[])reader[1];
                var isFolder = name is null || reader.GetBoolean(4) || kind == FindingKind.FolderLoop;
                var path = name is null ? FolderPath(dir) : EntryPath(dir, name);
                findings.Add(new FindingRow(path, isFolder, kind, reader.GetInt64(3), Propose(kind, name, isFolder, dir == 1, reader.GetInt64(3))));
            }
        }
        findings.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path) is var c && c != 0 ? c : a.Kind.CompareTo(b.Kind));

        var duplicates = new List<DuplicateGroup>();
        var fileHash = new Dictionary<(int Dir, string Name), string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT e.size, hex(h.full), e.dir, e.name, h.dev, h.ino FROM entries e
                JOIN hashes h ON h.dev = e.dev AND h.ino = (CASE WHEN e.ino = 0 THEN -e.rowid ELSE e.ino END) AND h.size = e.size AND h.mtime = e.mtime
                WHERE e.kind = 0 AND e.size > 0 AND h.full IS NOT NULL
                ORDER BY e.size DESC, h.full
                """;
            using var reader = command.ExecuteReader();
            var groups = new Dictionary<(long, string), List<(string Path, int Dir, byte[] Name, long Device, long Inode)>>();
            while (reader.Read())
            {
                var key = (reader.GetInt64(0), reader.GetString(1));
                var dir = reader.GetInt32(2);
                var name = (byte[])reader[3];
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }
                list.Add((EntryPath(dir, name), dir, name, reader.GetInt64(4), reader.GetInt64(5)));
            }
            foreach (var ((size, hash), list) in groups)
            {
                // Hard links share a hash row; one identity alone is not a duplicate.
                if (list.Count < 2 || list.Select(l => (l.Device, l.Inode)).Distinct().Count() < 2)
                {
                    continue;
                }
                list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                duplicates.Add(new DuplicateGroup(size, list.Select(l => l.Path).ToList()));
                foreach (var item in list)
                {
                    fileHash[(item.Dir, Convert.ToHexString(item.Name))] = hash;
                }
            }
        }
        duplicates.Sort((a, b) => b.ReclaimableBytes.CompareTo(a.ReclaimableBytes) is var c && c != 0 ? c : string.CompareOrdinal(a.Paths[0], b.Paths[0]));

        var cleanup = new List<CleanupRow>();
        foreach (var group in duplicates)
        {
            foreach (var path in group.Paths.Skip(1))
            {
                cleanup.Add(new CleanupRow(CleanupKind.DuplicateFile, path, group.Size));
            }
        }

        var staleBefore = (options.Clock.GetUtcNow().AddYears(-options.StaleYears).ToUnixTimeMilliseconds()) * 1_000_000L;
        var folderFiles = new Dictionary<int, List<(string Name, long Size, string? Hash)>>();
        var nonEmpty = new HashSet<int>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT dir, name, kind, size, mtime FROM entries";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var dir = reader.GetInt32(0);
                var name = (byte[])reader[1];
                var kind = (EntryKind)reader.GetInt32(2);
                var size = reader.GetInt64(3);
                var modified = reader.GetInt64(4);
                nonEmpty.Add(dir);
                if (kind != EntryKind.File)
                {
                    continue;
                }
                var display = InventoryTree.Display(name);
                var path = EntryPath(dir, name);
                if (size == 0)
                {
                    cleanup.Add(new CleanupRow(CleanupKind.EmptyFile, path, 0));
                }
                if (modified < staleBefore)
                {
                    cleanup.Add(new CleanupRow(CleanupKind.Stale, path, size));
                }
                if (IsTemporary(display))
                {
                    cleanup.Add(new CleanupRow(CleanupKind.Temporary, path, size));
                }
                if (size >= options.LargeMediaBytes && MediaExtensions.Any(e => display.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                {
                    cleanup.Add(new CleanupRow(CleanupKind.LargeMedia, path, size));
                }
                if (!folderFiles.TryGetValue(dir, out var files))
                {
                    folderFiles[dir] = files = [];
                }
                fileHash.TryGetValue((dir, Convert.ToHexString(name)), out var hash);
                files.Add((display, size, size == 0 ? "empty" : hash));
            }
        }

        // A folder is empty when nothing at all is below it; a folder with only empty folders below is empty too.
        var children = new Dictionary<int, List<int>>();
        for (var id = 2; id <= tree.FolderCount; id++)
        {
            if (tree.Name(id).Length == 0)
            {
                continue;
            }
            var parent = tree.Parent(id);
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }
            list.Add(id);
        }
        var signatures = new Dictionary<int, string?>();
        var emptyFolders = new HashSet<int>();
        for (var id = tree.FolderCount; id >= 1; id--)
        {
            if (tree.Name(id).Length == 0)
            {
                continue;
            }
            var kids = children.GetValueOrDefault(id) ?? [];
            if (!nonEmpty.Contains(id) && kids.All(emptyFolders.Contains))
            {
                emptyFolders.Add(id);
            }
            signatures[id] = Signature(id, kids, folderFiles.GetValueOrDefault(id), signatures, tree, emptyFolders);
        }
        foreach (var id in emptyFolders.Where(id => id != 1 && !emptyFolders.Contains(tree.Parent(id))))
        {
            cleanup.Add(new CleanupRow(CleanupKind.EmptyFolder, FolderPath(id), 0));
        }
        // Duplicate folders: the same names and the same content all the way down. Only the topmost of a nest is listed.
        var duplicateFolders = signatures
            .Where(s => s.Value is not null && s.Key != 1)
            .GroupBy(s => s.Value)
            .Where(g => g.Count() > 1)
            .Select(g => g.Select(s => s.Key).ToList())
            .Where(ids => !ids.All(id => signatures.GetValueOrDefault(tree.Parent(id)) is { } parentSignature
                && signatures.Count(s => s.Value == parentSignature) > 1))
            .Select(ids => (IReadOnlyList<string>)ids.Select(FolderPath).Order(StringComparer.Ordinal).ToList())
            .OrderBy(g => g[0], StringComparer.Ordinal)
            .ToList();
        foreach (var group in duplicateFolders)
        {
            foreach (var path in group.Skip(1))
            {
                cleanup.Add(new CleanupRow(CleanupKind.DuplicateFolder, path, 0));
            }
        }
        cleanup.Sort((a, b) => a.Kind.CompareTo(b.Kind) is var c && c != 0 ? c : string.CompareOrdinal(a.Path, b.Path));

        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar() is long value ? value : 0;
        }
        using var rootCommand = connection.CreateCommand();
        rootCommand.CommandText = "SELECT value FROM meta WHERE key='root'";
        var root = rootCommand.ExecuteScalar() as string ?? "";
        return new ScanReport(root,
            Scalar("SELECT count(*) FROM dirs") - 1,
            Scalar("SELECT count(*) FROM entries WHERE kind=0"),
            Scalar("SELECT coalesce(sum(size),0) FROM entries WHERE kind=0"),
            findings, duplicates, duplicateFolders, cleanup);
    }

    /// <summary>A folder's content signature, or null when some file in it has no full hash (so it cannot be a duplicate).</summary>
    private static string? Signature(int id, List<int> kids, List<(string Name, long Size, string? Hash)>? files,
        Dictionary<int, string?> signatures, InventoryTree tree, HashSet<int> emptyFolders)
    {
        if (emptyFolders.Contains(id))
        {
            return null;
        }
        var parts = new List<string>();
        foreach (var (name, size, hash) in files ?? [])
        {
            if (hash is null)
            {
                return null;
            }
            parts.Add($"f:{name}:{size}:{hash}");
        }
        foreach (var kid in kids)
        {
            var signature = emptyFolders.Contains(kid) ? "empty" : signatures.GetValueOrDefault(kid);
            if (signature is null)
            {
                return null;
            }
            parts.Add($"d:{InventoryTree.Display(tree.Name(kid))}:{signature}");
        }
        parts.Sort(StringComparer.Ordinal);
        return Convert.ToHexString(System.IO.Hashing.XxHash128.Hash(Encoding.UTF8.GetBytes(string.Join('\n', parts))));
    }

    public static bool IsTemporary(string name) =>
        name.StartsWith("~$", StringComparison.Ordinal)
        || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".temp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".bak", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith(".~lock.", StringComparison.Ordinal) && name.EndsWith('#'))
        || name.Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase)
        || name.Equals(".DS_Store", StringComparison.Ordinal);

    private static string? Propose(FindingKind kind, byte[]? name, bool isFolder, bool atRoot, long detail)
    {
        var text = name is null ? null : InventoryTree.Display(name);
        return kind switch
        {
            FindingKind.InvalidCharacter or FindingKind.LeadingSpace or FindingKind.TrailingSpace or FindingKind.TrailingPeriod
                or FindingKind.ReservedName or FindingKind.VtiInName or FindingKind.FormsAtLibraryRoot or FindingKind.ConnectedFilesFolder
                or FindingKind.SegmentTooLong or FindingKind.NotUtf8Name when text is not null
                => NameFixes.SafeName(text.Replace('\uFFFD', '_'), isFolder, atRoot),
            FindingKind.OfficeOwnerFile => MigrationText.Get("ProposalDelete"),
            FindingKind.PathTooLong => MigrationText.Get("ProposalShorten", detail - SharePointRules.MaxPathLength),
            FindingKind.FolderViewThreshold => MigrationText.Get("ProposalSubfolders", (detail + SharePointRules.FolderViewThreshold - 1) / SharePointRules.FolderViewThreshold),
            FindingKind.LibraryPermissionLimit or FindingKind.LibraryItemLimit or FindingKind.OneDriveSyncLimit => MigrationText.Get("ProposalSplitLibrary"),
            _ => null,
        };
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (double)(1L << 40):F1} TB"),
        >= 1L << 30 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (double)(1L << 30):F1} GB"),
        >= 1L << 20 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (double)(1L << 20):F1} MB"),
        >= 1L << 10 => string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.CurrentCulture, $"{bytes} B"),
    };
}
