using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
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
public sealed record FindingRow(bool IsFolder, FindingKind Kind, long Detail, string? Proposal)
{
    private readonly Func<string>? _pathOf;
    private string? _path;

    public FindingRow(string path, bool isFolder, FindingKind kind, long detail, string? proposal)
        : this(isFolder, kind, detail, proposal) => _path = path;

    /// <summary>A finding whose path is made when it is first asked for: a report on a deep tree holds its findings
    /// without their paths (which for a chain of folders add up to the square of its depth) until something lists them.</summary>
    internal FindingRow(Func<string> pathOf, bool isFolder, FindingKind kind, long detail, string? proposal)
        : this(isFolder, kind, detail, proposal) => _pathOf = pathOf;

    public string Path => _path ??= _pathOf!();

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
    /// <summary>Whether duplicates were looked for (a scan with --no-hash did not, and lists none).</summary>
    public bool DuplicatesSearched { get; init; }

    /// <summary>Files whose access time the duplicate search changed: the kernel refused O_NOATIME (another user's files).</summary>
    public long AccessTimesChanged { get; init; }

    public long Count(FindingSeverity severity) => Findings.Count(f => f.Severity == severity);

    public static readonly IReadOnlyList<string> TemporaryPatterns = ["~$*", "*.tmp", "~*.tmp", ".~lock.*#", "Thumbs.db", ".DS_Store", "*.bak", "*.temp"];

    public static readonly IReadOnlyList<string> MediaExtensions = [".mp4", ".mov", ".avi", ".mkv", ".wmv", ".mpg", ".mpeg", ".m4v", ".iso", ".vob", ".wav", ".flac"];

    /// <summary>Reads the report out of a finished inventory.</summary>
    public static ScanReport Read(SqliteConnection connection, ReportOptions options)
    {
        using var tree = new InventoryTree(connection);
        string FolderPath(int id) => InventoryTree.Display(tree.RelativePath(id));
        string EntryPath(int dir, byte[] name) => InventoryTree.Display(tree.RelativePath(dir, name));

        var findings = new List<FindingRow>();
        var places = new List<(int Dir, byte[]? Name)>();
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
                Func<string> path = name is null ? () => FolderPath(dir) : () => EntryPath(dir, name);
                findings.Add(new FindingRow(path, isFolder, kind, reader.GetInt64(3), Propose(kind, name, isFolder, dir == 1, reader.GetInt64(3))));
                places.Add((dir, name));
            }
        }
        // In the order of their paths (ordinal), then kind, found from the tree without making the paths.
        var rank = PathOrder.Rank(tree, places);
        var byPath = Enumerable.Range(0, findings.Count).ToArray();
        Array.Sort(byPath, (a, b) => rank[a].CompareTo(rank[b]) is var c && c != 0 ? c : findings[a].Kind.CompareTo(findings[b].Kind));
        findings = [.. byPath.Select(i => findings[i])];

        var (duplicates, members) = ReadDuplicates(connection);

        var cleanup = new List<CleanupRow>();
        var staleBefore = (options.Clock.GetUtcNow().AddYears(-options.StaleYears).ToUnixTimeMilliseconds()) * 1_000_000L;
        var groupPaths = new List<(int Group, string Path)>();

        // Folders are visited from the deepest id up (a child's id is always above its parent's), so a folder's
        // signature is made when its subfolders' are known, and each folder's entries are read once and let go.
        var count = tree.FolderCount;
        var (firstChild, nextSibling) = tree.Children();
        var signatures = new UInt128[count + 1];
        var signed = new bool[count + 1];
        var empty = new bool[count + 1];
        var nonEmpty = new bool[count + 1];
        var parts = new List<string>();
        var nextFolder = count;
        void Sign(int id, ReadOnlySpan<byte> pack)
        {
            for (; nextFolder > id; nextFolder--)
            {
                SignFolder(nextFolder, [], tree, firstChild, nextSibling, signatures, signed, empty, nonEmpty, parts, members);
            }
            SignFolder(id, pack, tree, firstChild, nextSibling, signatures, signed, empty, nonEmpty, parts, members);
            nextFolder = id - 1;
        }
        ScanInventory.ForEachPack(connection, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int dir, ReadOnlySpan<byte> pack) =>
        {
            var reader = EntryPack.Read(pack);
            while (reader.MoveNext())
            {
                var metadata = reader.Metadata;
                if (metadata.Kind != EntryKind.File)
                {
                    continue;
                }
                var name = reader.Name;
                var size = metadata.Size;
                if (members.TryGetValue(Key(dir, reader.Index), out var member))
                {
                    groupPaths.Add((member.Group, EntryPath(dir, name.ToArray())));
                }
                var temporary = IsTemporary(name);
                var largeMedia = size >= options.LargeMediaBytes && IsMedia(name);
                if (size == 0 || metadata.ModifiedNs < staleBefore || temporary || largeMedia)
                {
                    var path = EntryPath(dir, name.ToArray());
                    if (size == 0)
                    {
                        cleanup.Add(new CleanupRow(CleanupKind.EmptyFile, path, 0));
                    }
                    if (metadata.ModifiedNs < staleBefore)
                    {
                        cleanup.Add(new CleanupRow(CleanupKind.Stale, path, size));
                    }
                    if (temporary)
                    {
                        cleanup.Add(new CleanupRow(CleanupKind.Temporary, path, size));
                    }
                    if (largeMedia)
                    {
                        cleanup.Add(new CleanupRow(CleanupKind.LargeMedia, path, size));
                    }
                }
            }
            Sign(dir, pack);
        }, descending: true);
        if (nextFolder >= 1)
        {
            Sign(1, []);
        }

        var groups = new List<string>[duplicates.Count];
        foreach (var (group, path) in groupPaths)
        {
            (groups[group] ??= []).Add(path);
        }
        var duplicateGroups = new List<DuplicateGroup>();
        for (var g = 0; g < groups.Length; g++)
        {
            var list = groups[g];
            list.Sort(StringComparer.Ordinal);
            duplicateGroups.Add(new DuplicateGroup(duplicates[g], list));
        }
        duplicateGroups.Sort((a, b) => b.ReclaimableBytes.CompareTo(a.ReclaimableBytes) is var c && c != 0 ? c : string.CompareOrdinal(a.Paths[0], b.Paths[0]));
        foreach (var group in duplicateGroups)
        {
            foreach (var path in group.Paths.Skip(1))
            {
                cleanup.Add(new CleanupRow(CleanupKind.DuplicateFile, path, group.Size));
            }
        }

        foreach (var id in Enumerable.Range(2, Math.Max(0, count - 1)).Where(id => empty[id] && !empty[tree.Parent(id)]))
        {
            cleanup.Add(new CleanupRow(CleanupKind.EmptyFolder, FolderPath(id), 0));
        }
        // Duplicate folders: the same names and the same content all the way down. Only the topmost of a nest is listed.
        var shared = new Dictionary<UInt128, int>();
        for (var id = 2; id <= count; id++)
        {
            if (signed[id])
            {
                shared[signatures[id]] = shared.GetValueOrDefault(signatures[id]) + 1;
            }
        }
        bool IsShared(int id) => signed[id] && shared.GetValueOrDefault(signatures[id]) > 1;
        var duplicateFolders = Enumerable.Range(2, Math.Max(0, count - 1))
            .Where(IsShared)
            .GroupBy(id => signatures[id])
            .Select(g => g.ToList())
            .Where(ids => !ids.All(id => IsShared(tree.Parent(id))))
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
        string? Meta(string key)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM meta WHERE key=$k";
            command.Parameters.AddWithValue("$k", key);
            return command.ExecuteScalar() as string;
        }
        // The root is shown like every path: a control character in it would split a report's line too.
        var root = InventoryTree.Display(Encoding.UTF8.GetBytes(Meta("root") ?? ""));
        return new ScanReport(root,
            Scalar("SELECT count(*) FROM dirs") - 1,
            Scalar("SELECT coalesce(sum(files),0) FROM entry_packs"),
            Scalar("SELECT coalesce(sum(bytes),0) FROM entry_packs"),
            findings, duplicateGroups, duplicateFolders, cleanup)
        {
            DuplicatesSearched = Meta(DuplicateFinder.CompleteKey) == "complete",
            AccessTimesChanged = long.TryParse(Meta(DuplicateFinder.AccessTimesChangedKey), CultureInfo.InvariantCulture, out var changed) ? changed : 0,
        };
    }

    private static long Key(int dir, int index) => ((long)dir << 32) | (uint)index;

    /// <summary>A file in a duplicate group: the group's number and the group's full hash.</summary>
    private readonly record struct Member(int Group, UInt128 Hash);

    /// <summary>
    /// The duplicate groups (size of each, by group number) and which entries are in them, from the groups the duplicate
    /// finder wrote into the hash log. Every link to a marked identity is a member; a group needs two identities still
    /// present. No path is made here: the caller makes the paths of the members alone.
    /// </summary>
    private static (List<long> Sizes, Dictionary<long, Member> Members) ReadDuplicates(SqliteConnection connection)
    {
        var sizes = new List<long>();
        var members = new Dictionary<long, Member>();
        var marked = new Dictionary<(long Device, long Inode, long Size, long Modified), (int Group, UInt128 Full)>();
        var groupSizes = new Dictionary<int, long>();
        var groupCount = 0;
        HashLog.ForEach(connection, record =>
        {
            var key = (record.Device, record.Inode, record.Size, record.Modified);
            if (record.Group >= 0 && record.Full is { } full)
            {
                marked[key] = (record.Group, full);
                groupSizes[record.Group] = record.Size;
                groupCount = Math.Max(groupCount, record.Group + 1);
            }
            else
            {
                // A later record without a group replaces an earlier one with it.
                marked.Remove(key);
            }
        });
        if (marked.Count == 0)
        {
            return (sizes, members);
        }
        var found = new List<(long Key, int Group, UInt128 Full)>();
        var firstIdentity = new (long Device, long Inode)?[groupCount];
        var twoIdentities = new bool[groupCount];
        ScanInventory.ForEachPack(connection, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int dir, ReadOnlySpan<byte> pack) =>
        {
            var reader = EntryPack.Read(pack);
            while (reader.MoveNext())
            {
                var metadata = reader.Metadata;
                if (metadata.Kind != EntryKind.File || metadata.Size <= 0)
                {
                    continue;
                }
                var identity = ((long)metadata.Device, DuplicateFinder.Identity(dir, reader.Index, metadata.Inode));
                if (!marked.TryGetValue((identity.Item1, identity.Item2, metadata.Size, metadata.ModifiedNs), out var mark))
                {
                    continue;
                }
                found.Add((Key(dir, reader.Index), mark.Group, mark.Full));
                if (firstIdentity[mark.Group] is not { } first)
                {
                    firstIdentity[mark.Group] = identity;
                }
                else if (first != identity)
                {
                    twoIdentities[mark.Group] = true;
                }
            }
        });
        // Hard links share a hash row; one identity alone is not a duplicate.
        var numbers = new int[groupCount];
        for (var group = 0; group < groupCount; group++)
        {
            numbers[group] = -1;
        }
        foreach (var (key, group, full) in found)
        {
            if (!twoIdentities[group])
            {
                continue;
            }
            if (numbers[group] < 0)
            {
                numbers[group] = sizes.Count;
                sizes.Add(0);
            }
            members[key] = new Member(numbers[group], full);
        }
        for (var group = 0; group < groupCount; group++)
        {
            if (numbers[group] >= 0)
            {
                sizes[numbers[group]] = groupSizes[group];
            }
        }
        return (sizes, members);
    }

    /// <summary>
    /// A folder's content signature, or none when it is empty or some file in it is in no duplicate group (so it cannot be
    /// a duplicate folder).
    /// </summary>
    private static void SignFolder(int id, ReadOnlySpan<byte> pack, InventoryTree tree, int[] firstChild, int[] nextSibling,
        UInt128[] signatures, bool[] signed, bool[] empty, bool[] nonEmpty, List<string> parts, Dictionary<long, Member> members)
    {
        if (tree.Name(id).Length == 0)
        {
            return;
        }
        nonEmpty[id] = !pack.IsEmpty;
        var allKidsEmpty = true;
        for (var kid = firstChild[id]; kid != 0; kid = nextSibling[kid])
        {
            allKidsEmpty &= empty[kid];
        }
        if (!nonEmpty[id] && allKidsEmpty)
        {
            empty[id] = true;
            return;
        }
        parts.Clear();
        var reader = EntryPack.Read(pack);
        while (reader.MoveNext())
        {
            var metadata = reader.Metadata;
            if (metadata.Kind != EntryKind.File)
            {
                continue;
            }
            string hash;
            if (metadata.Size == 0)
            {
                hash = "empty";
            }
            else if (members.TryGetValue(Key(id, reader.Index), out var member))
            {
                hash = member.Hash.ToString("X32", CultureInfo.InvariantCulture);
            }
            else
            {
                return;
            }
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"f:{InventoryTree.Display(reader.Name)}:{metadata.Size}:{hash}"));
        }
        for (var kid = firstChild[id]; kid != 0; kid = nextSibling[kid])
        {
            string signature;
            if (empty[kid])
            {
                signature = "empty";
            }
            else if (signed[kid])
            {
                signature = signatures[kid].ToString("X32", CultureInfo.InvariantCulture);
            }
            else
            {
                return;
            }
            parts.Add($"d:{InventoryTree.Display(tree.Name(kid))}:{signature}");
        }
        parts.Sort(StringComparer.Ordinal);
        signatures[id] = System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        signed[id] = true;
    }

    /// <summary>Whether a name (as bytes) is one of the temporary patterns, without making a string of every name.</summary>
    private static bool IsTemporary(ReadOnlySpan<byte> name)
    {
        if (name.Length > 1024)
        {
            return IsTemporary(InventoryTree.Display(name));
        }
        Span<char> chars = stackalloc char[name.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(name, chars, out _, out var written, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? IsTemporary(chars[..written]) : IsTemporary(InventoryTree.Display(name));
    }

    private static bool IsMedia(ReadOnlySpan<byte> name)
    {
        var display = InventoryTree.Display(name);
        return MediaExtensions.Any(e => display.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    public static bool IsTemporary(string name) => IsTemporary(name.AsSpan());

    public static bool IsTemporary(ReadOnlySpan<char> name) =>
        name.StartsWith("~$", StringComparison.Ordinal)
        || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".temp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".bak", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith(".~lock.", StringComparison.Ordinal) && name.EndsWith('#'))
        || name.Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase)
        || name.Equals(".DS_Store", StringComparison.Ordinal);

    private static string? Propose(FindingKind kind, byte[]? name, bool isFolder, bool atRoot, long detail) => kind switch
    {
        FindingKind.InvalidCharacter or FindingKind.LeadingSpace or FindingKind.TrailingSpace or FindingKind.TrailingPeriod
            or FindingKind.ReservedName or FindingKind.VtiInName or FindingKind.FormsAtLibraryRoot or FindingKind.ConnectedFilesFolder
            or FindingKind.SegmentTooLong or FindingKind.NotUtf8Name or FindingKind.ControlCharacter when name is not null
            => NameFixes.ProposedName(name, isFolder, atRoot),
        FindingKind.OfficeOwnerFile => MigrationText.Get("ProposalDelete"),
        FindingKind.PathTooLong => MigrationText.Get("ProposalShorten", detail - SharePointRules.MaxPathLength),
        FindingKind.FolderViewThreshold => MigrationText.Get("ProposalSubfolders", (detail + SharePointRules.FolderViewThreshold - 1) / SharePointRules.FolderViewThreshold),
        FindingKind.LibraryPermissionLimit or FindingKind.LibraryItemLimit or FindingKind.OneDriveSyncLimit => MigrationText.Get("ProposalSplitLibrary"),
        _ => null,
    };

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (double)(1L << 40):F1} TB"),
        >= 1L << 30 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (double)(1L << 30):F1} GB"),
        >= 1L << 20 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (double)(1L << 20):F1} MB"),
        >= 1L << 10 => string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.CurrentCulture, $"{bytes} B"),
    };
}
