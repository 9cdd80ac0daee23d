using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
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

    private struct Candidate
    {
        public long Size;
        public long Device;
        public long Inode;
        public long Modified;
        public int Dir;
        public int Index;
        public int NameOffset;
        public int NameLength;
        public UInt128 Partial;
        public UInt128 Full;
        public bool HasPartial;
        public bool HasFull;
        public bool Failed;
    }

    public sealed record Outcome(long Candidates, long Hashed, long BytesRead);

    /// <summary>
    /// The identity a file's hash is kept under: its inode, or where the platform has none (Windows) a negative number
    /// from its folder and position, unique within the inventory.
    /// </summary>
    internal static long Identity(int dir, int index, ulong inode) => inode != 0 ? (long)inode : -(((long)dir << 24) + index + 1);

    public static Outcome Run(string inventoryPath, int readers, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var inventory = ScanInventory.OpenForWriting(inventoryPath);
        var tree = new InventoryTree(inventory.Connection);
        var names = new byte[1 << 16];
        var nameLength = 0;
        var candidates = LoadCandidates(inventory.Connection, ref names, ref nameLength);
        LoadKnownHashes(inventory.Connection, candidates);
        long hashed = 0;
        long bytesRead = 0;

        var needPartial = new List<int>();
        for (var i = 0; i < candidates.Length; i++)
        {
            // Sizes small enough that the partial hash would read the whole file anyway go straight to the full hash.
            if (candidates[i].Size > 2 * Block && !candidates[i].HasPartial)
            {
                needPartial.Add(i);
            }
        }
        HashAll(inventory, tree, candidates, names, needPartial, full: false, readers, ref hashed, ref bytesRead, progress, cancellationToken);

        // Candidates that still agree on size and partial hash (small files: on size alone) need the full hash.
        var order = new int[candidates.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) =>
        {
            ref var x = ref candidates[a];
            ref var y = ref candidates[b];
            var c = x.Size.CompareTo(y.Size);
            return c != 0 ? c : PartialKey(x).CompareTo(PartialKey(y));
        });
        var needFull = new List<int>();
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && candidates[order[end]].Size == candidates[order[start]].Size
                && PartialKey(candidates[order[end]]) == PartialKey(candidates[order[start]]))
            {
                end++;
            }
            var usable = 0;
            for (var i = start; i < end; i++)
            {
                if (Usable(candidates[order[i]]))
                {
                    usable++;
                }
            }
            if (usable > 1)
            {
                for (var i = start; i < end; i++)
                {
                    if (Usable(candidates[order[i]]) && !candidates[order[i]].HasFull)
                    {
                        needFull.Add(order[i]);
                    }
                }
            }
            start = end;
        }
        HashAll(inventory, tree, candidates, names, needFull, full: true, readers, ref hashed, ref bytesRead, progress, cancellationToken);
        inventory.SetMeta("duplicates", "complete");
        return new Outcome(candidates.Length, hashed, bytesRead);
    }

    private static bool Usable(in Candidate candidate) => !candidate.Failed && (candidate.HasPartial || candidate.Size <= 2 * Block);

    private static UInt128 PartialKey(in Candidate candidate) => candidate.Size <= 2 * Block || !candidate.HasPartial ? UInt128.Zero : candidate.Partial;

    /// <summary>One candidate per identity (hard links are the same bytes, not a duplicate), of sizes at least two identities share.</summary>
    private static Candidate[] LoadCandidates(SqliteConnection connection, ref byte[] names, ref int nameLength)
    {
        var all = new List<Candidate>();
        var arena = names;
        var arenaLength = nameLength;
        ScanInventory.ForEachPack(connection, (int dir, ReadOnlySpan<byte> pack) =>
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
                all.Add(new Candidate
                {
                    Size = metadata.Size,
                    Device = (long)metadata.Device,
                    Inode = Identity(dir, reader.Index, metadata.Inode),
                    Modified = metadata.ModifiedNs,
                    Dir = dir,
                    Index = reader.Index,
                    NameOffset = arenaLength,
                    NameLength = name.Length,
                });
                arenaLength += name.Length;
            }
        });
        names = arena;
        nameLength = arenaLength;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all);
        span.Sort(static (a, b) =>
        {
            var c = a.Size.CompareTo(b.Size);
            if (c == 0)
            {
                c = a.Device.CompareTo(b.Device);
            }
            if (c == 0)
            {
                c = a.Inode.CompareTo(b.Inode);
            }
            if (c == 0)
            {
                c = a.Dir.CompareTo(b.Dir);
            }
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        // Keep the first entry of each identity (with the earliest modification time of its links), then only sizes
        // with more than one identity.
        var identities = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (identities > 0 && span[identities - 1].Size == span[i].Size && span[identities - 1].Device == span[i].Device
                && span[identities - 1].Inode == span[i].Inode)
            {
                span[identities - 1].Modified = Math.Min(span[identities - 1].Modified, span[i].Modified);
                continue;
            }
            span[identities++] = span[i];
        }
        var kept = 0;
        for (var start = 0; start < identities;)
        {
            var end = start + 1;
            while (end < identities && span[end].Size == span[start].Size)
            {
                end++;
            }
            if (end - start > 1)
            {
                span[start..end].CopyTo(span[kept..]);
                kept += end - start;
            }
            start = end;
        }
        return span[..kept].ToArray();
    }

    /// <summary>Hashes kept from earlier runs (and scans), merged in key order with the hash table's own order.</summary>
    private static void LoadKnownHashes(SqliteConnection connection, Candidate[] candidates)
    {
        using var any = new RawStatement(connection, "SELECT EXISTS(SELECT 1 FROM hashes)");
        var hasAny = any.Read() && any.Int64(0) == 1;
        any.Reset();
        if (!hasAny || candidates.Length == 0)
        {
            return;
        }
        var order = new int[candidates.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => CompareKey(candidates[a], candidates[b].Device, candidates[b].Inode, candidates[b].Size, candidates[b].Modified));
        using var statement = new RawStatement(connection, "SELECT dev, ino, size, mtime, partial, full FROM hashes ORDER BY dev, ino, size, mtime");
        var next = 0;
        while (next < order.Length && statement.Read())
        {
            var device = statement.Int64(0);
            var inode = statement.Int64(1);
            var size = statement.Int64(2);
            var modified = statement.Int64(3);
            while (next < order.Length && CompareKey(candidates[order[next]], device, inode, size, modified) < 0)
            {
                next++;
            }
            if (next < order.Length && CompareKey(candidates[order[next]], device, inode, size, modified) == 0)
            {
                ref var candidate = ref candidates[order[next]];
                if (!statement.IsNull(4))
                {
                    candidate.Partial = BinaryPrimitives.ReadUInt128BigEndian(statement.Blob(4));
                    candidate.HasPartial = true;
                }
                if (!statement.IsNull(5))
                {
                    candidate.Full = BinaryPrimitives.ReadUInt128BigEndian(statement.Blob(5));
                    candidate.HasFull = true;
                    if (candidate.Size <= 2 * Block)
                    {
                        candidate.Partial = candidate.Full;
                        candidate.HasPartial = true;
                    }
                }
            }
        }
        statement.Reset();
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
        // Folder by folder, and by inode inside a folder, so the disk reads in the order the file system laid things out.
        work.Sort((a, b) => candidates[a].Dir.CompareTo(candidates[b].Dir) is var c && c != 0 ? c : candidates[a].Inode.CompareTo(candidates[b].Inode));
        long read = 0;
        var partial = new byte[16];
        var whole = new byte[16];
        using var save = new RawStatement(inventory.Connection,
            "INSERT INTO hashes VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET partial=coalesce(excluded.partial, partial), full=coalesce(excluded.full, full)");
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
            using (var transaction = inventory.Connection.BeginTransaction())
            {
                for (var i = start; i < start + count; i++)
                {
                    ref var candidate = ref candidates[work[i]];
                    if (candidate.Failed)
                    {
                        continue;
                    }
                    save.Bind(1, candidate.Device).Bind(2, candidate.Inode).Bind(3, candidate.Size).Bind(4, candidate.Modified);
                    if (candidate.HasPartial)
                    {
                        BinaryPrimitives.WriteUInt128BigEndian(partial, candidate.Partial);
                        save.Bind(5, partial);
                    }
                    else
                    {
                        save.BindNull(5);
                    }
                    if (candidate.HasFull)
                    {
                        BinaryPrimitives.WriteUInt128BigEndian(whole, candidate.Full);
                        save.Bind(6, whole);
                    }
                    else
                    {
                        save.BindNull(6);
                    }
                    save.Execute();
                }
                transaction.Commit();
            }
            hashed += count;
            progress?.Report(hashed);
        }
        bytesRead += read;
    }

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
                Store(ref candidate, Hash(folder, candidate, names, full, buffer, hash, ref bytesRead), full);
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
    private static UInt128? Hash(int folder, in Candidate candidate, byte[] names, bool full, byte[] buffer, XxHash128 hash, ref long bytesRead)
    {
        var fd = LinuxFiles.OpenFile(folder, names.AsSpan(candidate.NameOffset, candidate.NameLength));
        if (fd < 0)
        {
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
