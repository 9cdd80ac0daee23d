using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Oppdrift.ShareMigration;

/// <summary>
/// Finds duplicate files in an inventory: files of the same size, then the same hash of their first and last 4 KiB,
/// then the same XxHash128 of all their bytes. Hard links (one identity) count once. Hashes are kept in the inventory
/// keyed by device, inode, size and modification time, so a rescan hashes only what changed, and an interrupted run
/// keeps what it finished.
/// Files are read folder by folder, each opened relative to its open folder and in inode order within it, on as many
/// threads as asked; candidates are plain structs and names sit in one byte arena, so a million candidates cost
/// about a hundred megabytes.
/// </summary>
public static class DuplicateFinder
{
    private const int Block = 4096;
    private const int Chunk = 16384;
    private const int BufferBytes = 1 << 20;

    // The hashes first: UInt128 is 16-byte aligned, and fields after it would be padded.
    private struct Candidate
    {
        public UInt128 Partial;
        public UInt128 Full;
        public long Size;
        public long Device;
        public long Inode;
        public long Modified;
        public int Dir;
        public int Index;
        public int NameOffset;
        public int NameLength;
        public uint Links;
        public uint Owner;
        public bool HasPartial;
        public bool HasFull;
        public bool Failed;
        public bool AccessTimeChanged;
    }

    /// <param name="AccessTimesChanged">Files opened without O_NOATIME (the kernel refused it), whose access time reading changed.</param>
    public sealed record Outcome(long Candidates, long Hashed, long BytesRead, long AccessTimesChanged);

    /// <summary>
    /// What the search is about to read, told before the first file is opened: files whose hash is not known yet (an upper
    /// bound: most turn out unique after the partial hash or stop there), and how many of them belong to other users, whose
    /// access times the kernel will not let the scanner keep.
    /// </summary>
    public sealed record HashingPlan(long FilesToRead, long NotOwned, uint UserId);

    /// <summary>The inventory's meta key set to "complete" once duplicates were looked for.</summary>
    public const string CompleteKey = "duplicates";

    /// <summary>The inventory's meta key holding <see cref="Outcome.AccessTimesChanged"/>.</summary>
    public const string AccessTimesChangedKey = "hash_atime_changed";

    /// <summary>
    /// The identity a file's hash is kept under: its inode, or where the platform has none (Windows) a negative number
    /// from its folder and position, unique within the inventory.
    /// </summary>
    internal static long Identity(int dir, int index, ulong inode) => inode != 0 ? (long)inode : -(((long)dir << 24) + index + 1);

    /// <param name="starting">Told once, after the candidates are known and before any file is opened.</param>
    /// <param name="rights">
    /// Whose access times the kernel will keep; by default this process's. A test running as root (which keeps every one)
    /// passes another user's rights to see what that user would be told; the kernel's own refusal is tested by running the
    /// scanner as that user.
    /// </param>
    public static Outcome Run(string inventoryPath, int readers, IProgress<long>? progress, CancellationToken cancellationToken,
        Action<HashingPlan>? starting = null, AccessTimeRights? rights = null)
    {
        using var inventory = ScanInventory.OpenForWriting(inventoryPath);
        using var tree = new InventoryTree(inventory.Connection);
        // Every name's bytes: the packs' lengths less their fixed headers, so the arena is allocated once.
        var names = new byte[Math.Max(1, inventory.Scalar($"SELECT coalesce(sum(length(data)) - sum(items) * {EntryPack.HeaderBytes}, 0) FROM entry_packs"))];
        var nameLength = 0;
        var candidates = LoadCandidates(inventory, ref names, ref nameLength, out var count);
        LoadKnownHashes(inventory.Connection, candidates, count);
        var keeping = rights ?? AccessTimeRights.Current();
        long toRead = 0;
        long notOwned = 0;
        for (var i = 0; i < count; i++)
        {
            if (!candidates[i].HasFull)
            {
                toRead++;
                notOwned += keeping.Keeps(candidates[i].Owner) ? 0 : 1;
            }
        }
        starting?.Invoke(new HashingPlan(toRead, notOwned, keeping.UserId));
        long hashed = 0;
        long bytesRead = 0;

        var needPartial = new List<int>();
        for (var i = 0; i < count; i++)
        {
            // Sizes small enough that the partial hash would read the whole file anyway go straight to the full hash.
            if (candidates[i].Size > 2 * Block && !candidates[i].HasPartial)
            {
                needPartial.Add(i);
            }
        }
        HashAll(inventory, tree, candidates, names, needPartial, full: false, readers, ref hashed, ref bytesRead, progress, cancellationToken);

        // Candidates that still agree on size and partial hash (small files: on size alone) need the full hash.
        var agreeing = new Dictionary<(long Size, UInt128 Partial), int>();
        for (var i = 0; i < count; i++)
        {
            if (Usable(candidates[i]))
            {
                var key = (candidates[i].Size, PartialKey(candidates[i]));
                agreeing[key] = agreeing.GetValueOrDefault(key) + 1;
            }
        }
        var needFull = new List<int>();
        for (var i = 0; i < count; i++)
        {
            if (Usable(candidates[i]) && !candidates[i].HasFull && agreeing[(candidates[i].Size, PartialKey(candidates[i]))] > 1)
            {
                needFull.Add(i);
            }
        }
        HashAll(inventory, tree, candidates, names, needFull, full: true, readers, ref hashed, ref bytesRead, progress, cancellationToken);
        MarkGroups(inventory, candidates, count);
        long accessTimesChanged = 0;
        for (var i = 0; i < count; i++)
        {
            accessTimesChanged += candidates[i].AccessTimeChanged ? 1 : 0;
        }
        inventory.SetMeta(AccessTimesChangedKey, accessTimesChanged.ToString(System.Globalization.CultureInfo.InvariantCulture));
        inventory.SetMeta(CompleteKey, "complete");
        return new Outcome(count, hashed, bytesRead, accessTimesChanged);
    }

    /// <summary>
    /// Numbers the groups of identities with the same size and full hash, and writes them with the hashes, so the report
    /// finds the few duplicates without comparing every hash again.
    /// </summary>
    private static void MarkGroups(ScanInventory inventory, Candidate[] candidates, int count)
    {
        // Sorted rather than counted in a dictionary (a million mostly unique hashes would cost a hundred megabytes there),
        // and sorted on one 64-bit number made of size and hash, which needs no comparison delegate; equal numbers are
        // checked for equal size and hash below.
        var hashedCount = 0;
        for (var i = 0; i < count; i++)
        {
            if (candidates[i].HasFull && !candidates[i].Failed)
            {
                hashedCount++;
            }
        }
        var keys = new ulong[hashedCount];
        var order = new int[hashedCount];
        hashedCount = 0;
        for (var i = 0; i < count; i++)
        {
            if (candidates[i].HasFull && !candidates[i].Failed)
            {
                keys[hashedCount] = (ulong)candidates[i].Full ^ ((ulong)candidates[i].Size * 0x9E3779B97F4A7C15UL);
                order[hashedCount++] = i;
            }
        }
        Array.Sort(keys, order);
        var groups = new int[count];
        Array.Fill(groups, -1);
        var group = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                // Within one number, the exact (size, hash) groups.
                var run = order.AsSpan(start, end - start);
                run.Sort((a, b) => candidates[a].Size.CompareTo(candidates[b].Size) is var c && c != 0 ? c : candidates[a].Full.CompareTo(candidates[b].Full));
                for (var first = 0; first < run.Length;)
                {
                    var last = first + 1;
                    while (last < run.Length && candidates[run[last]].Size == candidates[run[first]].Size && candidates[run[last]].Full == candidates[run[first]].Full)
                    {
                        last++;
                    }
                    if (last - first > 1)
                    {
                        for (var i = first; i < last; i++)
                        {
                            groups[run[i]] = group;
                        }
                        group++;
                    }
                    first = last;
                }
            }
            start = end;
        }
        // The log is written again compactly: one record per candidate with what is known of it, and its group.
        using var transaction = inventory.Connection.BeginTransaction();
        inventory.Execute("DELETE FROM hash_log");
        var row = new byte[HashLog.RecordsPerRow * HashLog.RecordBytes];
        var filled = 0;
        for (var i = 0; i < count; i++)
        {
            ref var candidate = ref candidates[i];
            if (!candidate.HasPartial && !candidate.HasFull)
            {
                continue;
            }
            HashLog.Write(row.AsSpan(filled), Record(candidate, groups[i]));
            filled += HashLog.RecordBytes;
            if (filled == row.Length)
            {
                HashLog.Append(inventory.Connection, row);
                filled = 0;
            }
        }
        HashLog.Append(inventory.Connection, row.AsSpan(0, filled));
        transaction.Commit();
    }

    private static HashRecord Record(in Candidate candidate, int group) => new(candidate.Device, candidate.Inode, candidate.Size, candidate.Modified,
        candidate.HasPartial ? candidate.Partial : null, candidate.HasFull ? candidate.Full : null, group);

    private static bool Usable(in Candidate candidate) => !candidate.Failed && (candidate.HasPartial || candidate.Size <= 2 * Block);

    private static UInt128 PartialKey(in Candidate candidate) => candidate.Size <= 2 * Block || !candidate.HasPartial ? UInt128.Zero : candidate.Partial;

    /// <summary>One candidate per identity (hard links are the same bytes, not a duplicate), of sizes at least two identities share.</summary>
    private static Candidate[] LoadCandidates(ScanInventory inventory, ref byte[] names, ref int nameLength, out int count)
    {
        // Sized once from the folders' file counts: growing by doubling would hold two copies at the end.
        var all = new Candidate[inventory.Scalar("SELECT coalesce(sum(files),0) FROM entry_packs")];
        var filled = 0;
        var arena = names;
        var arenaLength = nameLength;
        ScanInventory.ForEachPack(inventory.Connection, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int dir, ReadOnlySpan<byte> pack) =>
        {
            var reader = EntryPack.Read(pack);
            while (reader.MoveNext())
            {
                var metadata = reader.Metadata;
                if (metadata.Kind != EntryKind.File || metadata.Size <= 0)
                {
                    continue;
                }
                var name = reader.Name;
                if (arenaLength + name.Length > arena.Length)
                {
                    Array.Resize(ref arena, checked(Math.Max(arena.Length * 2, arenaLength + name.Length)));
                }
                name.CopyTo(arena.AsSpan(arenaLength));
                all[filled++] = new Candidate
                {
                    Size = metadata.Size,
                    Device = (long)metadata.Device,
                    Inode = Identity(dir, reader.Index, metadata.Inode),
                    Modified = metadata.ModifiedNs,
                    Dir = dir,
                    Index = reader.Index,
                    NameOffset = arenaLength,
                    NameLength = name.Length,
                    Links = metadata.Links,
                    Owner = metadata.Owner,
                };
                arenaLength += name.Length;
            }
        });
        names = arena;
        nameLength = arenaLength;
        // One entry per identity: only entries with more than one link can share one. The first keeps the earliest
        // modification time of its links. Then only sizes that more than one identity has.
        var span = all.AsSpan(0, filled);
        var linked = new Dictionary<(long Device, long Inode, long Size), int>();
        var sizes = new Dictionary<long, int>();
        var identities = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i].Links > 1)
            {
                var key = (span[i].Device, span[i].Inode, span[i].Size);
                if (linked.TryGetValue(key, out var first))
                {
                    span[first].Modified = Math.Min(span[first].Modified, span[i].Modified);
                    continue;
                }
                linked[key] = identities;
            }
            sizes[span[i].Size] = sizes.GetValueOrDefault(span[i].Size) + 1;
            span[identities++] = span[i];
        }
        var kept = 0;
        for (var i = 0; i < identities; i++)
        {
            if (sizes[span[i].Size] > 1)
            {
                span[kept++] = span[i];
            }
        }
        count = kept;
        return all;
    }

    /// <summary>Hashes kept from earlier runs (and scans), each found among the candidates by binary search on their key order.</summary>
    private static void LoadKnownHashes(SqliteConnection connection, Candidate[] candidates, int count)
    {
        if (count == 0 || HashLog.IsEmpty(connection))
        {
            return;
        }
        var order = new int[count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => CompareKey(candidates[a], candidates[b].Device, candidates[b].Inode, candidates[b].Size, candidates[b].Modified));
        HashLog.ForEach(connection, record =>
        {
            int low = 0, high = order.Length - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var c = CompareKey(candidates[order[middle]], record.Device, record.Inode, record.Size, record.Modified);
                if (c == 0)
                {
                    ref var candidate = ref candidates[order[middle]];
                    if (record.Partial is { } partial)
                    {
                        candidate.Partial = partial;
                        candidate.HasPartial = true;
                    }
                    if (record.Full is { } full)
                    {
                        candidate.Full = full;
                        candidate.HasFull = true;
                        if (candidate.Size <= 2 * Block)
                        {
                            candidate.Partial = full;
                            candidate.HasPartial = true;
                        }
                    }
                    return;
                }
                if (c < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
        });
    }

    private static int CompareKey(in Candidate candidate, long device, long inode, long size, long modified)
    {
        var c = candidate.Device.CompareTo(device);
        if (c == 0)
        {
            c = candidate.Inode.CompareTo(inode);
        }
        if (c == 0)
        {
            c = candidate.Size.CompareTo(size);
        }
        return c != 0 ? c : candidate.Modified.CompareTo(modified);
    }

    private static void HashAll(ScanInventory inventory, InventoryTree tree, Candidate[] candidates, byte[] names, List<int> work, bool full,
        int readers, ref long hashed, ref long bytesRead, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // The work is in folder order (as the packs were read); each folder's files are read by inode, in the order the
        // file system laid them out.
        long read = 0;
        // One row buffer: a save finishes before the next one starts.
        var row = new byte[Chunk * HashLog.RecordBytes];
        void Save(int start, int count)
        {
            var filled = 0;
            for (var i = start; i < start + count; i++)
            {
                ref var candidate = ref candidates[work[i]];
                if (!candidate.Failed)
                {
                    HashLog.Write(row.AsSpan(filled), Record(candidate, -1));
                    filled += HashLog.RecordBytes;
                }
            }
            HashLog.Append(inventory.Connection, row.AsSpan(0, filled));
        }
        Task? saving = null;
        try
        {
            for (var start = 0; start < work.Count; start += Chunk)
            {
                var count = Math.Min(Chunk, work.Count - start);
                // Runs of one folder each, read in parallel.
                var runs = new List<(int Start, int End)>();
                for (var i = start; i < start + count;)
                {
                    var end = i + 1;
                    while (end < start + count && candidates[work[end]].Dir == candidates[work[i]].Dir)
                    {
                        end++;
                    }
                    runs.Add((i, end));
                    i = end;
                }
                Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, readers), CancellationToken = cancellationToken },
                    () => (Buffer: ArrayPool<byte>.Shared.Rent(BufferBytes), Hash: new XxHash128(), Read: 0L),
                    (run, _, local) =>
                    {
                        HashFolder(tree, candidates, names, work, run.Start, run.End, full, local.Buffer, local.Hash, ref local.Read);
                        return local;
                    },
                    local =>
                    {
                        Interlocked.Add(ref read, local.Read);
                        ArrayPool<byte>.Shared.Return(local.Buffer);
                    });
                // The chunk's hashes are written while the next chunk is read: the writer and the readers overlap.
                saving?.GetAwaiter().GetResult();
                var (saveStart, saveCount) = (start, count);
                saving = Task.Run(() => Save(saveStart, saveCount), CancellationToken.None);
                hashed += count;
                progress?.Report(hashed);
            }
        }
        finally
        {
            saving?.GetAwaiter().GetResult();
        }
        bytesRead += read;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HashFolder(InventoryTree tree, Candidate[] candidates, byte[] names, List<int> work, int start, int end, bool full,
        byte[] buffer, XxHash128 hash, ref long bytesRead)
    {
        if (!OperatingSystem.IsLinux())
        {
            for (var i = start; i < end; i++)
            {
                ref var candidate = ref candidates[work[i]];
                Store(ref candidate, HashPortable(tree, candidate, names, full, out var portableBytes), full);
                bytesRead += portableBytes;
            }
            return;
        }
        if (end - start > 1)
        {
            var inodes = new long[end - start];
            for (var i = start; i < end; i++)
            {
                inodes[i - start] = candidates[work[i]].Inode;
            }
            inodes.AsSpan().Sort(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(work)[start..end]);
        }
        var folder = tree.OpenFolder(candidates[work[start]].Dir);
        try
        {
            for (var i = start; i < end; i++)
            {
                ref var candidate = ref candidates[work[i]];
                if (folder < 0)
                {
                    candidate.Failed = true;
                    continue;
                }
                Store(ref candidate, Hash(folder, candidate, names, full, buffer, hash, ref bytesRead, out var accessTimeKept), full);
                candidate.AccessTimeChanged |= !accessTimeKept;
            }
        }
        finally
        {
            if (folder >= 0)
            {
                LinuxFiles.Close(folder);
            }
        }
    }

    private static void Store(ref Candidate candidate, UInt128? result, bool full)
    {
        if (result is not { } value)
        {
            candidate.Failed = true;
        }
        else if (full || candidate.Size <= 2 * Block)
        {
            candidate.Full = value;
            candidate.HasFull = true;
            if (!candidate.HasPartial)
            {
                candidate.Partial = value;
                candidate.HasPartial = true;
            }
        }
        else
        {
            candidate.Partial = value;
            candidate.HasPartial = true;
        }
    }

    /// <summary>The partial or full hash of one file opened relative to its folder, or null when it changed or cannot be read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static UInt128? Hash(int folder, in Candidate candidate, byte[] names, bool full, byte[] buffer, XxHash128 hash, ref long bytesRead,
        out bool accessTimeKept)
    {
        var fd = LinuxFiles.OpenFile(folder, names.AsSpan(candidate.NameOffset, candidate.NameLength), out accessTimeKept);
        if (fd < 0)
        {
            // Nothing was read, so nothing was touched.
            accessTimeKept = true;
            return null;
        }
        try
        {
            // The file must still be the one the inventory describes; a changed file is left for the next scan.
            if (LinuxFiles.StatFd(fd, out var now) != 0 || now.Size != candidate.Size || now.ModifiedNs != candidate.Modified)
            {
                return null;
            }
            if (!full && candidate.Size > 2 * Block)
            {
                if (!ReadExactly(fd, buffer.AsSpan(0, Block), 0) || !ReadExactly(fd, buffer.AsSpan(Block, Block), candidate.Size - Block))
                {
                    return null;
                }
                bytesRead += 2 * Block;
                return PartialHash(buffer.AsSpan(0, 2 * Block));
            }
            if (candidate.Size < buffer.Length)
            {
                // One read of one byte more than the size: a short count is the end of the file, so a file that grew shows.
                var n = LinuxFiles.Read(fd, buffer.AsSpan(0, (int)candidate.Size + 1), 0);
                if (n < 0)
                {
                    return null;
                }
                bytesRead += n;
                return n == candidate.Size ? XxHash128.HashToUInt128(buffer.AsSpan(0, n)) : null;
            }
            long offset = 0;
            while (true)
            {
                var n = LinuxFiles.Read(fd, buffer, offset);
                if (n < 0)
                {
                    return null;
                }
                if (n == 0)
                {
                    break;
                }
                hash.Append(buffer.AsSpan(0, n));
                offset += n;
            }
            bytesRead += offset;
            var result = hash.GetCurrentHashAsUInt128();
            hash.Reset();
            return offset == candidate.Size ? result : null;
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    /// <summary>The hash of a file's first and last block, given one after the other.</summary>
    public static UInt128 PartialHash(ReadOnlySpan<byte> firstAndLastBlock) => XxHash128.HashToUInt128(firstAndLastBlock);

    private static bool ReadExactly(int fd, Span<byte> buffer, long offset)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = LinuxFiles.Read(fd, buffer[done..], offset + done);
            if (n <= 0)
            {
                return false;
            }
            done += n;
        }
        return true;
    }

    private static UInt128? HashPortable(InventoryTree tree, in Candidate candidate, byte[] names, bool full, out long bytesRead)
    {
        bytesRead = 0;
        try
        {
            var path = Encoding.UTF8.GetString(tree.FullPath(candidate.Dir, names.AsSpan(candidate.NameOffset, candidate.NameLength)));
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            if (stream.Length != candidate.Size)
            {
                return null;
            }
            if (!full && candidate.Size > 2 * Block)
            {
                var buffer = new byte[2 * Block];
                stream.ReadExactly(buffer.AsSpan(0, Block));
                stream.Position = candidate.Size - Block;
                stream.ReadExactly(buffer.AsSpan(Block, Block));
                bytesRead = 2 * Block;
                return PartialHash(buffer);
            }
            var hash = new XxHash128();
            hash.Append(stream);
            bytesRead = candidate.Size;
            return hash.GetCurrentHashAsUInt128();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
