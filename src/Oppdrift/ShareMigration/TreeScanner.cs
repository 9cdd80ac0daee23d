using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Oppdrift.Data;
using Oppdrift.Shared;

namespace Oppdrift.ShareMigration;

public sealed record ScanOptions
{
    public required string Root { get; init; }
    public required string InventoryPath { get; init; }

    /// <summary>Read every folder again even when the inventory says it has not changed.</summary>
    public bool Full { get; init; }

    /// <summary>Folders read at the same time; the writer to the inventory runs beside them.</summary>
    public int Readers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>At most this many folders per second (0: no limit), to spare a production file server.</summary>
    public int MaxFoldersPerSecond { get; init; }

    /// <summary>The server-relative library path the root is assumed to map to, for the 400-character check.</summary>
    public string TargetLibraryPath { get; init; } = DefaultTarget;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public const string DefaultTarget = "/sites/share/Shared Documents";
}

public sealed record ScanProgress(long Folders, long Files, long Bytes, long PendingFolders);

/// <param name="FoldersAccessTimesChanged">
/// Folders read without O_NOATIME because the kernel refused it (they belong to another user): listing them changed their access time.
/// </param>
public sealed record ScanOutcome(long Folders, long Files, long Bytes, long ReusedFolders, bool Resumed, bool Incremental, long Findings,
    long FoldersAccessTimesChanged);

/// <summary>
/// Walks one tree into its inventory. Readers open and list folders (names as bytes, no links followed, no access
/// times changed where the platform allows); one writer records each folder's entries, the folders still to read
/// and the folder's "done" mark in the same transaction, which is what makes any interruption resumable.
/// On a rescan, a folder whose identity, modification and change times are as recorded is taken from the previous
/// inventory instead of being read again; only its subfolders are looked at.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The statements live for one RunAsync call and are disposed at its end.")]
public sealed class TreeScanner
{
    private readonly ScanOptions _options;
    private readonly List<DirNode> _nodes = [new DirNode(0, [], 0, 0, 0, 0)];
    private readonly byte[] _rootBytes;
    private DeepFolders? _deep;
    private readonly int _maxRelativeChars;
    private ScanInventory _inventory = null!;
    private SqliteTransaction? _transaction;
    private RawStatement _insertDir = null!;
    private RawStatement _insertPack = null!;
    private SqliteCommand _insertFinding = null!;
    private RawStatement _markDone = null!;
    private SqliteCommand? _prevChildren;
    private SqliteCommand? _prevChild;
    private byte[] _pack = new byte[64 * 1024];
    private int _packDepth;
    private bool _hasPrevious;
    private long _files;
    private long _bytes;
    private long _folders;
    private long _reused;
    private long _findings;
    private long _foldersAccessTimesChanged;

    private sealed record DirNode(int Parent, byte[] Name, int RelativeChars, ulong Device, ulong Inode, long PreviousId);

    private sealed record DirRead(int Id, DirectoryBatch Batch, int Error);

    public TreeScanner(ScanOptions options)
    {
        _options = options;
        _rootBytes = Encoding.UTF8.GetBytes(Path.GetFullPath(options.Root).TrimEnd('/', '\\') is { Length: > 0 } root ? root : "/");
        _maxRelativeChars = SharePointRules.MaxPathLength - NameRules.TrimmedTarget(options.TargetLibraryPath).Length - 1;
    }

    public static string PreviousPath(string inventoryPath) => inventoryPath + ".previous";

    public async Task<ScanOutcome> RunAsync(IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        using var run = OppdriftTelemetry.Start("oppdrift.share.scan");
        var previousPath = PreviousPath(_options.InventoryPath);
        var resumed = false;
        if (File.Exists(_options.InventoryPath))
        {
            using var existing = ScanInventory.OpenForWriting(_options.InventoryPath);
            var state = existing.Meta("state");
            var root = existing.Meta("root");
            if (root is not null && root != Encoding.UTF8.GetString(_rootBytes))
            {
                throw new InvalidOperationException(MigrationText.Get("InventoryOfAnotherTree", _options.InventoryPath, root));
            }
            if (existing.Meta("version") != ScanInventory.Version.ToString(CultureInfo.InvariantCulture))
            {
                // An inventory of another format is kept beside the new one, neither resumed nor reused.
                existing.Dispose();
                SqliteConnection.ClearAllPools();
                File.Move(_options.InventoryPath, _options.InventoryPath + ".old-version", overwrite: true);
                File.Delete(_options.InventoryPath + "-wal");
                File.Delete(_options.InventoryPath + "-shm");
            }
            else
            {
                resumed = state == "running";
                if (state == "complete")
                {
                    existing.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
        }
        if (File.Exists(previousPath) && !PreviousIsReadable(previousPath))
        {
            File.Delete(previousPath);
        }
        if (!resumed && File.Exists(_options.InventoryPath))
        {
            // The finished inventory becomes the previous one this scan reuses unchanged folders and hashes from.
            SqliteConnection.ClearAllPools();
            File.Move(_options.InventoryPath, previousPath, overwrite: true);
            File.Delete(_options.InventoryPath + "-wal");
            File.Delete(_options.InventoryPath + "-shm");
        }
        _inventory = ScanInventory.OpenForWriting(_options.InventoryPath);
        try
        {
            _hasPrevious = File.Exists(previousPath) && !_options.Full;
            if (File.Exists(previousPath))
            {
                using var attach = _inventory.Connection.CreateCommand();
                attach.CommandText = "ATTACH DATABASE $p AS prev";
                attach.Parameters.AddWithValue("$p", previousPath);
                attach.ExecuteNonQuery();
                if (!resumed)
                {
                    _inventory.Execute("INSERT INTO hash_log(data) SELECT data FROM prev.hash_log ORDER BY id");
                }
            }
            PrepareCommands();
            _deep = new DeepFolders(_rootBytes, id => _nodes[id].Parent, id => _nodes[id].Name);
            var pending = resumed ? LoadForResume() : Start();
            await WalkAsync(pending, progress, cancellationToken);
            Finish();
            if (File.Exists(previousPath))
            {
                _inventory.Execute("DETACH DATABASE prev");
                File.Delete(previousPath);
            }
            run.Activity?.SetTag("oppdrift.scan.files", _files);
            run.Succeeded();
            return new ScanOutcome(_folders, _files, _bytes, _reused, resumed, _hasPrevious, _findings, _foldersAccessTimesChanged);
        }
        finally
        {
            _transaction?.Dispose();
            _insertDir?.Dispose();
            _insertPack?.Dispose();
            _markDone?.Dispose();
            _deep?.Dispose();
            _inventory.Dispose();
        }
    }

    private static bool PreviousIsReadable(string path)
    {
        using var previous = ScanInventory.OpenForWriting(path);
        var readable = previous.Meta("version") == ScanInventory.Version.ToString(CultureInfo.InvariantCulture);
        previous.Dispose();
        SqliteConnection.ClearAllPools();
        return readable;
    }

    private void PrepareCommands()
    {
        var connection = _inventory.Connection;
        _insertDir = new RawStatement(connection, "INSERT INTO dirs(id, parent, name, dev, ino, mtime, ctime, owner, state, prev) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)");
        _insertPack = new RawStatement(connection, "INSERT INTO entry_packs(dir, items, files, bytes, data) VALUES(?1, ?2, ?3, ?4, ?5)");
        _insertFinding = Command("INSERT INTO findings VALUES($dir, $name, $kind, $detail)", "$dir", "$name", "$kind", "$detail");
        _markDone = new RawStatement(connection, "UPDATE dirs SET state=?1, items=?2, error=?3 WHERE id=?4");
        if (_hasPrevious)
        {
            _prevChild = Command("SELECT id, dev, ino, mtime, ctime, state FROM prev.dirs WHERE parent=$parent AND name=$name", "$parent", "$name");
            _prevChildren = Command("SELECT name, dev, ino, mtime, ctime, owner FROM prev.dirs WHERE parent=$parent", "$parent");
        }
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _inventory.Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private void Begin()
    {
        _transaction ??= _inventory.Connection.BeginTransaction();
        _insertFinding.Transaction = _transaction;
        if (_prevChild is not null)
        {
            _prevChild.Transaction = _prevChildren!.Transaction = _transaction;
        }
    }

    private void Commit()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        _transaction = null;
    }

    private List<int> Start()
    {
        var error = Stat(_rootBytes, out var root);
        if (error != 0 || root.Kind != EntryKind.Directory)
        {
            throw new DirectoryNotFoundException(MigrationText.Get("ScanRootMissing", Encoding.UTF8.GetString(_rootBytes)));
        }
        Begin();
        _inventory.SetMeta("root", Encoding.UTF8.GetString(_rootBytes), _transaction);
        _inventory.SetMeta("state", "running", _transaction);
        _inventory.SetMeta("target", NameRules.TrimmedTarget(_options.TargetLibraryPath), _transaction);
        _inventory.SetMeta("started", _options.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), _transaction);
        var previousRoot = _hasPrevious ? LookupPrevious(null, _rootBytes, root) : (0, false);
        var id = AddDir(0, _rootBytes, root, previousRoot.Id);
        var pending = new List<int>();
        if (previousRoot.Unchanged)
        {
            Reuse(id, previousRoot.Id, pending);
        }
        else
        {
            pending.Add(id);
        }
        Commit();
        return pending;
    }

    private List<int> LoadForResume()
    {
        using var command = _inventory.Connection.CreateCommand();
        command.CommandText = "SELECT id, parent, name, dev, ino, prev, state FROM dirs ORDER BY id";
        var pending = new List<int>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt32(0);
            var parent = reader.IsDBNull(1) ? 0 : reader.GetInt32(1);
            var name = (byte[])reader[2];
            var relative = parent == 0 ? 0 : _nodes[parent].RelativeChars + (_nodes[parent].RelativeChars > 0 ? 1 : 0) + Utf16Length(name);
            while (_nodes.Count < id)
            {
                _nodes.Add(_nodes[0]);
            }
            _nodes.Add(new DirNode(parent, name, relative, (ulong)reader.GetInt64(3), (ulong)reader.GetInt64(4), reader.IsDBNull(5) ? 0 : reader.GetInt64(5)));
            if (reader.GetInt32(6) == ScanInventory.StatePending)
            {
                pending.Add(id);
            }
        }
        _folders = _inventory.Scalar("SELECT count(*) FROM dirs WHERE state<>0");
        _files = _inventory.Scalar("SELECT coalesce(sum(files),0) FROM entry_packs");
        _bytes = _inventory.Scalar("SELECT coalesce(sum(bytes),0) FROM entry_packs");
        _findings = _inventory.Scalar("SELECT count(*) FROM findings");
        return pending;
    }

    private async Task WalkAsync(List<int> initial, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        var work = Channel.CreateUnbounded<(int Id, byte[]? Path)>();
        var results = Channel.CreateBounded<DirRead>(new BoundedChannelOptions(256) { SingleReader = true });
        var batches = new System.Collections.Concurrent.ConcurrentBag<DirectoryBatch>();
        var outstanding = 0L;
        foreach (var id in initial)
        {
            outstanding++;
            work.Writer.TryWrite((id, PathOf(id)));
        }
        if (outstanding == 0)
        {
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = new Task[Math.Max(1, _options.Readers)];
        var throttle = _options.MaxFoldersPerSecond > 0 ? Stopwatch.StartNew() : null;
        var started = 0L;
        for (var r = 0; r < readers.Length; r++)
        {
            readers[r] = Task.Run(async () =>
            {
                while (await work.Reader.WaitToReadAsync(stop.Token))
                {
                    while (work.Reader.TryRead(out var item))
                    {
                        if (throttle is not null)
                        {
                            var due = TimeSpan.FromSeconds((double)Interlocked.Increment(ref started) / _options.MaxFoldersPerSecond);
                            var wait = due - throttle.Elapsed;
                            if (wait > TimeSpan.Zero)
                            {
                                await Task.Delay(wait, stop.Token);
                            }
                        }
                        if (!batches.TryTake(out var batch))
                        {
                            batch = new DirectoryBatch();
                        }
                        batch.Reset();
                        var error = ReadDirectory(item.Id, item.Path, batch);
                        await results.Writer.WriteAsync(new DirRead(item.Id, batch, error), stop.Token);
                    }
                }
            }, stop.Token);
        }
        var lastCommit = Stopwatch.StartNew();
        var lastProgress = Stopwatch.StartNew();
        var children = new List<int>();
        try
        {
            while (outstanding > 0)
            {
                var read = await results.Reader.ReadAsync(stop.Token);
                Begin();
                children.Clear();
                WriteDirectory(read.Id, read.Batch, read.Error, children);
                batches.Add(read.Batch);
                outstanding--;
                foreach (var child in children)
                {
                    outstanding++;
                    work.Writer.TryWrite((child, PathOf(child)));
                }
                if (lastCommit.ElapsedMilliseconds > 250)
                {
                    Commit();
                    lastCommit.Restart();
                }
                if (progress is not null && lastProgress.ElapsedMilliseconds > 200)
                {
                    progress.Report(new ScanProgress(_folders, _files, _bytes, outstanding));
                    lastProgress.Restart();
                }
            }
            Commit();
            work.Writer.Complete();
            await Task.WhenAll(readers);
        }
        catch (OperationCanceledException)
        {
            // What is committed is whole: folders read but not yet written are read again on resume.
            _transaction?.Rollback();
            _transaction?.Dispose();
            _transaction = null;
            await stop.CancelAsync();
            work.Writer.TryComplete();
            try
            {
                await Task.WhenAll(readers);
            }
            catch (OperationCanceledException)
            {
            }
            throw;
        }
        progress?.Report(new ScanProgress(_folders, _files, _bytes, 0));
    }

    /// <summary>
    /// The folder's full path; on Linux null when it is PATH_MAX or longer, found without walking further up than that,
    /// so that a deep chain's paths cost nothing per folder: such a folder is opened through <see cref="DeepFolders"/>.
    /// </summary>
    private byte[]? PathOf(int id)
    {
        var length = _rootBytes.Length;
        var bounded = OperatingSystem.IsLinux();
        for (var node = id; node > 1; node = _nodes[node].Parent)
        {
            length += 1 + _nodes[node].Name.Length;
            if (bounded && length >= DeepFolders.PathMax)
            {
                return null;
            }
        }
        var path = new byte[length];
        var end = length;
        for (var node = id; node > 1; node = _nodes[node].Parent)
        {
            var name = _nodes[node].Name;
            end -= name.Length;
            name.CopyTo(path, end);
            path[--end] = (byte)'/';
        }
        _rootBytes.CopyTo(path, 0);
        return path;
    }

    private int ReadDirectory(int id, byte[]? path, DirectoryBatch batch)
    {
        if (!OperatingSystem.IsLinux())
        {
            return PortableFiles.ReadDirectory(Encoding.UTF8.GetString(path!), batch);
        }
        var accessTimeKept = true;
        var fd = path is null ? -1 : LinuxFiles.OpenDirectory(LinuxFiles.AtCwd, path, out accessTimeKept);
        if (path is null || (fd < 0 && LinuxFiles.LastError == LinuxFiles.ENAMETOOLONG))
        {
            fd = _deep!.Open(id, out accessTimeKept);
        }
        if (fd < 0)
        {
            return LinuxFiles.LastError;
        }
        if (!accessTimeKept)
        {
            Interlocked.Increment(ref _foldersAccessTimesChanged);
        }
        return LinuxFiles.ReadDirectory(fd, batch);
    }

    private static int Stat(byte[] path, out EntryMetadata metadata) =>
        OperatingSystem.IsLinux() ? LinuxFiles.StatPath(path, out metadata) : PortableFiles.Stat(Encoding.UTF8.GetString(path), out metadata);

    private int AddDir(int parent, byte[] name, in EntryMetadata metadata, long previousId)
    {
        var id = _nodes.Count;
        var relative = parent == 0 ? 0 : _nodes[parent].RelativeChars + (_nodes[parent].RelativeChars > 0 ? 1 : 0) + Utf16Length(name);
        _nodes.Add(new DirNode(parent, name, relative, metadata.Device, metadata.Inode, previousId));
        _insertDir.Bind(1, id);
        if (parent == 0)
        {
            _insertDir.BindNull(2);
        }
        else
        {
            _insertDir.Bind(2, parent);
        }
        _insertDir.Bind(3, name).Bind(4, (long)metadata.Device).Bind(5, (long)metadata.Inode).Bind(6, metadata.ModifiedNs)
            .Bind(7, metadata.ChangedNs).Bind(8, metadata.Owner);
        if (previousId == 0)
        {
            _insertDir.BindNull(9);
        }
        else
        {
            _insertDir.Bind(9, previousId);
        }
        _insertDir.Execute();
        return id;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteDirectory(int id, DirectoryBatch batch, int error, List<int> pending)
    {
        var node = _nodes[id];
        _folders++;
        if (error != 0 && batch.Count == 0)
        {
            AddFinding(id, null, KindOf(error), error);
            MarkDone(id, ScanInventory.StateFailed, 0, error);
            return;
        }
        if (error != 0)
        {
            AddFinding(id, null, FindingKind.ReadError, error);
        }
        var atRoot = id == 1;
        Span<char> chars = stackalloc char[1024];
        // Reused subfolders are written from inside this loop, so only the outermost folder borrows the shared buffer.
        var packBuffer = _packDepth++ == 0 ? _pack : new byte[4096];
        var packLength = 0;
        var packItems = 0;
        var packFiles = 0;
        var packBytes = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            var name = batch.Name(i);
            var entryError = batch.Error(i);
            if (entryError != 0)
            {
                AddFinding(id, name.ToArray(), KindOf(entryError), entryError);
                continue;
            }
            ref readonly var metadata = ref batch.Metadata(i);
            var decoded = Decode(name, chars, out var valid);
            var isFolder = metadata.Kind == EntryKind.Directory;
            var found = NameRules.CheckName(decoded, isFolder, atRoot);
            if (!valid)
            {
                found = found.With(FindingKind.NotUtf8Name);
            }
            var relative = node.RelativeChars + (node.RelativeChars > 0 ? 1 : 0) + decoded.Length;
            if (relative > _maxRelativeChars)
            {
                found = found.With(FindingKind.PathTooLong);
            }
            byte[]? nameBytes = null;
            if (isFolder)
            {
                nameBytes = name.ToArray();
                if (IsOwnAncestor(id, metadata))
                {
                    found = found.With(FindingKind.FolderLoop);
                }
                else
                {
                    var previous = node.PreviousId != 0 && _hasPrevious ? LookupPrevious(node.PreviousId, nameBytes, metadata) : (0, false);
                    var child = AddDir(id, nameBytes, metadata, previous.Id);
                    if (previous.Unchanged)
                    {
                        Reuse(child, previous.Id, pending);
                    }
                    else
                    {
                        pending.Add(child);
                    }
                }
            }
            else
            {
                switch (metadata.Kind)
                {
                    case EntryKind.File:
                        _files++;
                        _bytes += metadata.Size;
                        packFiles++;
                        packBytes += metadata.Size;
                        if (metadata.Size == 0)
                        {
                            found = found.With(FindingKind.ZeroByteFile);
                        }
                        if (metadata.Size > SharePointRules.MaxFileBytes)
                        {
                            found = found.With(FindingKind.FileTooLarge);
                        }
                        break;
                    case EntryKind.SymbolicLink:
                        found = found.With(FindingKind.SymbolicLink);
                        break;
                    default:
                        found = found.With(FindingKind.SpecialFile);
                        break;
                }
                packLength = EntryPack.Append(ref packBuffer, packLength, name, metadata);
                packItems++;
            }
            if (!found.IsEmpty)
            {
                foreach (var kind in found.Kinds())
                {
                    AddFinding(id, nameBytes ?? name.ToArray(), kind, kind == FindingKind.PathTooLong ? NameRules.TargetPathLength(_options.TargetLibraryPath, relative) : 0);
                }
            }
        }
        if (packItems > 0)
        {
            _insertPack.Bind(1, id).Bind(2, packItems).Bind(3, packFiles).Bind(4, packBytes).Bind(5, packBuffer.AsSpan(0, packLength)).Execute();
        }
        if (--_packDepth == 0)
        {
            _pack = packBuffer;
        }
        if (batch.Count > SharePointRules.FolderViewThreshold)
        {
            AddFinding(id, null, FindingKind.FolderViewThreshold, batch.Count);
        }
        MarkDone(id, ScanInventory.StateDone, batch.Count, error);
    }

    private bool IsOwnAncestor(int id, in EntryMetadata metadata)
    {
        if (metadata.Inode == 0)
        {
            return false;
        }
        for (var node = id; node > 0; node = _nodes[node].Parent)
        {
            if (_nodes[node].Inode == metadata.Inode && _nodes[node].Device == metadata.Device)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The previous inventory's record of a folder, and whether it is unchanged since (same identity and times).</summary>
    private (long Id, bool Unchanged) LookupPrevious(long? previousParent, byte[] name, in EntryMetadata metadata)
    {
        var p = _prevChild!.Parameters;
        if (previousParent is null)
        {
            using var root = _inventory.Connection.CreateCommand();
            root.Transaction = _transaction;
            root.CommandText = "SELECT id, dev, ino, mtime, ctime, state FROM prev.dirs WHERE parent IS NULL";
            using var rootReader = root.ExecuteReader();
            return rootReader.Read() ? Compare(rootReader, metadata) : (0, false);
        }
        p[0].Value = previousParent.Value;
        p[1].Value = name;
        using var reader = _prevChild.ExecuteReader();
        return reader.Read() ? Compare(reader, metadata) : (0, false);
    }

    private (long Id, bool Unchanged) Compare(SqliteDataReader reader, in EntryMetadata metadata)
    {
        var unchanged = !_options.Full
            && reader.GetInt64(1) == (long)metadata.Device && reader.GetInt64(2) == (long)metadata.Inode
            && reader.GetInt64(3) == metadata.ModifiedNs && reader.GetInt64(4) == metadata.ChangedNs
            && reader.GetInt32(5) == ScanInventory.StateDone
            && metadata.Inode != 0;
        return (reader.GetInt64(0), unchanged);
    }

    /// <summary>
    /// An unchanged folder: its files come from the previous inventory (the rules are checked again, since the path above
    /// may have changed) and only its subfolders are looked at, each reused or read in turn.
    /// </summary>
    private void Reuse(int id, long previousId, List<int> pending)
    {
        _reused++;
        var batch = new DirectoryBatch();
        var pack = EntryPack.Read(ScanInventory.Pack(_inventory.Connection, previousId, "prev"));
        while (pack.MoveNext())
        {
            batch.Set(batch.Add(pack.Name), pack.Metadata);
        }
        _prevChildren!.Parameters[0].Value = previousId;
        var basePath = PathOf(id);
        using (var reader = _prevChildren.ExecuteReader())
        {
            while (reader.Read())
            {
                var name = (byte[])reader[0];
                var index = batch.Add(name);
                var error = LinuxFiles.ENAMETOOLONG;
                var now = default(EntryMetadata);
                if (basePath is not null)
                {
                    var path = new byte[basePath.Length + 1 + name.Length];
                    basePath.CopyTo(path, 0);
                    path[basePath.Length] = (byte)'/';
                    name.CopyTo(path, basePath.Length + 1);
                    error = Stat(path, out now);
                }
                if (error == LinuxFiles.ENAMETOOLONG)
                {
                    // Too deep to look at by path: record it as it was; its own folder is read again below.
                    now = new EntryMetadata
                    {
                        Kind = EntryKind.Directory,
                        Size = 0,
                        ModifiedNs = -1,
                        ChangedNs = -1,
                        Device = (ulong)reader.GetInt64(1),
                        Inode = (ulong)reader.GetInt64(2),
                        Links = 1,
                        Owner = (uint)reader.GetInt64(5),
                    };
                }
                else if (error != 0)
                {
                    batch.SetError(index, error);
                    continue;
                }
                batch.Set(index, now);
            }
        }
        WriteDirectory(id, batch, 0, pending);
    }

    private void MarkDone(int id, int state, int items, int error)
    {
        _markDone.Bind(1, state).Bind(2, items);
        if (error == 0)
        {
            _markDone.BindNull(3);
        }
        else
        {
            _markDone.Bind(3, error);
        }
        _markDone.Bind(4, id).Execute();
    }

    private void AddFinding(int dir, byte[]? name, FindingKind kind, long detail)
    {
        _findings++;
        var p = _insertFinding.Parameters;
        p[0].Value = dir;
        p[1].Value = name is null ? DBNull.Value : name;
        p[2].Value = (int)kind;
        p[3].Value = detail;
        _insertFinding.ExecuteNonQuery();
    }

    private static FindingKind KindOf(int errno) => errno switch
    {
        LinuxFiles.EACCES or LinuxFiles.EPERM => FindingKind.PermissionDenied,
        LinuxFiles.ENOENT or LinuxFiles.ENOTDIR => FindingKind.Vanished,
        LinuxFiles.ELOOP => FindingKind.Vanished,
        _ => FindingKind.ReadError,
    };

    private void Finish()
    {
        Begin();
        var items = _inventory.Scalar("SELECT coalesce(sum(items),0) FROM entry_packs") + _inventory.Scalar("SELECT count(*) FROM dirs") - 1;
        var files = _inventory.Scalar("SELECT coalesce(sum(files),0) FROM entry_packs");
        if (items > SharePointRules.LibraryItemLimit)
        {
            AddFinding(1, null, FindingKind.LibraryItemLimit, items);
        }
        else if (items > SharePointRules.UniquePermissionItemLimit)
        {
            AddFinding(1, null, FindingKind.LibraryPermissionLimit, items);
        }
        if (files > SharePointRules.OneDriveSyncRecommendation)
        {
            AddFinding(1, null, FindingKind.OneDriveSyncLimit, files);
        }
        _inventory.SetMeta("finished", _options.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), _transaction);
        _inventory.SetMeta("state", "complete", _transaction);
        Commit();
        // Built once at the end, not kept up during the bulk insert: a rescan and the report look things up by parent.
        _inventory.Execute("""
            CREATE INDEX IF NOT EXISTS dirs_parent ON dirs(parent, name);
            """);
    }

    internal static int Utf16Length(ReadOnlySpan<byte> name)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(name, stackalloc char[Math.Min(name.Length, 1024)], out _, out var written, replaceInvalidSequences: true);
        return status == System.Buffers.OperationStatus.Done ? written : Encoding.UTF8.GetCharCount(name);
    }

    /// <summary>The name as text for the rules; invalid UTF-8 becomes U+FFFD and is flagged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> name, Span<char> buffer, out bool valid)
    {
        valid = System.Text.Unicode.Utf8.IsValid(name);
        if (name.Length <= buffer.Length)
        {
            System.Text.Unicode.Utf8.ToUtf16(name, buffer, out _, out var written, replaceInvalidSequences: true);
            return buffer[..written];
        }
        return Encoding.UTF8.GetString(name);
    }
}
