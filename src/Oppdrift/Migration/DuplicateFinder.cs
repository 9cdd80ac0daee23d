using System.Buffers;
using System.IO.Hashing;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Oppdrift.ShareMigration;

/// <summary>
/// Finds duplicate files in an inventory: files of the same size, then the same hash of their first and last 4 KiB,
/// then the same XxHash128 of all their bytes. Hard links (one identity) count once. Hashes are kept in the inventory
/// keyed by device, inode, size and modification time, so a rescan hashes only what changed, and an interrupted run
/// keeps what it finished.
/// </summary>
public static class DuplicateFinder
{
    private const int Block = 4096;
    private const int Chunk = 4096;

    private sealed class Candidate
    {
        public required long Size;
        public required long Device;
        public required long Inode;
        public required long Modified;
        public required int Dir;
        public required byte[] Name;
        public byte[]? Partial;
        public byte[]? Full;
        public bool Failed;
    }

    public sealed record Outcome(long Candidates, long Hashed, long BytesRead);

    public static Outcome Run(string inventoryPath, int readers, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var inventory = ScanInventory.OpenForWriting(inventoryPath);
        var tree = new InventoryTree(inventory.Connection);
        var candidates = LoadCandidates(inventory.Connection);
        long hashed = 0;
        long bytesRead = 0;

        // Sizes small enough that the partial hash would read the whole file anyway go straight to the full hash.
        var needPartial = new List<Candidate>();
        foreach (var group in candidates.GroupBy(c => c.Size).Where(g => g.Count() > 1))
        {
            foreach (var candidate in group)
            {
                if (candidate.Size <= 2 * Block)
                {
                    candidate.Partial ??= candidate.Full;
                }
                if (candidate.Partial is null)
                {
                    needPartial.Add(candidate);
                }
            }
        }
        HashAll(inventory, tree, needPartial, full: false, readers, ref hashed, ref bytesRead, progress, cancellationToken);

        var needFull = candidates
            .Where(c => !c.Failed && (c.Partial is not null || c.Size <= 2 * Block))
            .GroupBy(c => (c.Size, Key: c.Size <= 2 * Block ? "" : Convert.ToHexString(c.Partial!)))
            .Where(g => g.Count() > 1)
            .SelectMany(g => g)
            .Where(c => c.Full is null)
            .ToList();
        HashAll(inventory, tree, needFull, full: true, readers, ref hashed, ref bytesRead, progress, cancellationToken);
        inventory.SetMeta("duplicates", "complete");
        return new Outcome(candidates.Count, hashed, bytesRead);
    }

    private static List<Candidate> LoadCandidates(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        // One row per identity: hard links to one inode are the same bytes, not a duplicate. Without inodes (Windows)
        // every entry is its own identity.
        command.CommandText = """
            WITH files AS (
                SELECT rowid AS r, dir, name, size, dev, CASE WHEN ino = 0 THEN -rowid ELSE ino END AS ino, mtime FROM entries WHERE kind = 0 AND size > 0),
            identities AS (SELECT size, dev, ino, min(mtime) AS mtime, min(r) AS r FROM files GROUP BY size, dev, ino),
            sizes AS (SELECT size FROM identities GROUP BY size HAVING count(*) > 1)
            SELECT i.size, i.dev, i.ino, i.mtime, e.dir, e.name, h.partial, h.full
            FROM identities i JOIN sizes s ON s.size = i.size JOIN entries e ON e.rowid = i.r
            LEFT JOIN hashes h ON h.dev = i.dev AND h.ino = i.ino AND h.size = i.size AND h.mtime = i.mtime
            """;
        var list = new List<Candidate>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new Candidate
            {
                Size = reader.GetInt64(0),
                Device = reader.GetInt64(1),
                Inode = reader.GetInt64(2),
                Modified = reader.GetInt64(3),
                Dir = reader.GetInt32(4),
                Name = (byte[])reader[5],
                Partial = reader.IsDBNull(6) ? null : (byte[])reader[6],
                Full = reader.IsDBNull(7) ? null : (byte[])reader[7],
            });
        }
        return list;
    }

    private static void HashAll(ScanInventory inventory, InventoryTree tree, List<Candidate> work, bool full, int readers,
        ref long hashed, ref long bytesRead, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long read = 0;
        for (var start = 0; start < work.Count; start += Chunk)
        {
            var chunk = work.GetRange(start, Math.Min(Chunk, work.Count - start));
            Parallel.ForEach(chunk, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, readers), CancellationToken = cancellationToken }, candidate =>
            {
                var result = Hash(tree, candidate, full, out var bytes);
                Interlocked.Add(ref read, bytes);
                if (result is null)
                {
                    candidate.Failed = true;
                }
                else if (full || candidate.Size <= 2 * Block)
                {
                    candidate.Full = result;
                    candidate.Partial ??= result;
                }
                else
                {
                    candidate.Partial = result;
                }
            });
            Save(inventory, chunk);
            hashed += chunk.Count;
            progress?.Report(hashed);
        }
        bytesRead += read;
    }

    private static byte[]? Hash(InventoryTree tree, Candidate candidate, bool full, out long bytesRead)
    {
        bytesRead = 0;
        if (!OperatingSystem.IsLinux())
        {
            return HashPortable(tree, candidate, full, out bytesRead);
        }
        var fd = tree.OpenFile(candidate.Dir, candidate.Name);
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
            var hash = new XxHash128();
            var buffer = ArrayPool<byte>.Shared.Rent(full ? 1 << 20 : Block);
            try
            {
                if (!full && candidate.Size > 2 * Block)
                {
                    if (!ReadExactly(fd, buffer.AsSpan(0, Block), 0) || !Append(hash, buffer, Block)
                        || !ReadExactly(fd, buffer.AsSpan(0, Block), candidate.Size - Block))
                    {
                        return null;
                    }
                    hash.Append(buffer.AsSpan(0, Block));
                    bytesRead = 2 * Block;
                }
                else
                {
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
                    bytesRead = offset;
                    if (offset != candidate.Size)
                    {
                        return null;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return hash.GetHashAndReset();
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    private static bool Append(XxHash128 hash, byte[] buffer, int length)
    {
        hash.Append(buffer.AsSpan(0, length));
        return true;
    }

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

    private static byte[]? HashPortable(InventoryTree tree, Candidate candidate, bool full, out long bytesRead)
    {
        bytesRead = 0;
        try
        {
            using var stream = new FileStream(Encoding.UTF8.GetString(tree.FullPath(candidate.Dir, candidate.Name)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            if (stream.Length != candidate.Size)
            {
                return null;
            }
            var hash = new XxHash128();
            if (!full && candidate.Size > 2 * Block)
            {
                var buffer = new byte[Block];
                stream.ReadExactly(buffer);
                hash.Append(buffer);
                stream.Position = candidate.Size - Block;
                stream.ReadExactly(buffer);
                hash.Append(buffer);
                bytesRead = 2 * Block;
            }
            else
            {
                hash.Append(stream);
                bytesRead = candidate.Size;
            }
            return hash.GetHashAndReset();
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

    private static void Save(ScanInventory inventory, List<Candidate> chunk)
    {
        using var transaction = inventory.Connection.BeginTransaction();
        using var command = inventory.Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO hashes VALUES($d, $i, $s, $m, $p, $f) ON CONFLICT DO UPDATE SET partial=coalesce(excluded.partial, partial), full=coalesce(excluded.full, full)";
        var d = command.Parameters.Add("$d", SqliteType.Integer);
        var i = command.Parameters.Add("$i", SqliteType.Integer);
        var s = command.Parameters.Add("$s", SqliteType.Integer);
        var m = command.Parameters.Add("$m", SqliteType.Integer);
        var p = command.Parameters.Add("$p", SqliteType.Blob);
        var f = command.Parameters.Add("$f", SqliteType.Blob);
        foreach (var candidate in chunk)
        {
            if (candidate.Failed)
            {
                continue;
            }
            d.Value = candidate.Device;
            i.Value = candidate.Inode;
            s.Value = candidate.Size;
            m.Value = candidate.Modified;
            p.Value = (object?)candidate.Partial ?? DBNull.Value;
            f.Value = (object?)candidate.Full ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }
}
