using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Oppdrift.Data;

namespace Oppdrift.ShareMigration;

/// <summary>One file identity's hashes, and the duplicate group it is in (-1: none).</summary>
internal readonly record struct HashRecord(long Device, long Inode, long Size, long Modified, UInt128? Partial, UInt128? Full, int Group);

/// <summary>
/// The inventory's file hashes as an append-only log of fixed-size records packed many to a row (hash_log), keyed by
/// device, inode, size and modification time. A row is written per batch of files hashed, so an interrupted run keeps
/// what it finished; the finder rewrites the log compactly when it ends, and later records win over earlier ones.
/// One row per record (a million B-tree inserts) was the largest single cost of finding duplicates.
/// Record: device, inode, size, mtime (8 bytes each), partial and full hash (16 bytes each, big-endian), flags
/// (1: partial, 2: full), group (4 bytes). Little-endian.
/// </summary>
internal static class HashLog
{
    public const int RecordBytes = (4 * 8) + (2 * 16) + 1 + 4;
    public const int RecordsPerRow = 16384;

    public static void Write(Span<byte> into, in HashRecord record)
    {
        BinaryPrimitives.WriteInt64LittleEndian(into, record.Device);
        BinaryPrimitives.WriteInt64LittleEndian(into[8..], record.Inode);
        BinaryPrimitives.WriteInt64LittleEndian(into[16..], record.Size);
        BinaryPrimitives.WriteInt64LittleEndian(into[24..], record.Modified);
        BinaryPrimitives.WriteUInt128BigEndian(into[32..], record.Partial ?? UInt128.Zero);
        BinaryPrimitives.WriteUInt128BigEndian(into[48..], record.Full ?? UInt128.Zero);
        into[64] = (byte)((record.Partial.HasValue ? 1 : 0) | (record.Full.HasValue ? 2 : 0));
        BinaryPrimitives.WriteInt32LittleEndian(into[65..], record.Group);
    }

    public static HashRecord Read(ReadOnlySpan<byte> from)
    {
        var flags = from[64];
        return new HashRecord(
            BinaryPrimitives.ReadInt64LittleEndian(from),
            BinaryPrimitives.ReadInt64LittleEndian(from[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(from[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(from[24..]),
            (flags & 1) != 0 ? BinaryPrimitives.ReadUInt128BigEndian(from[32..]) : null,
            (flags & 2) != 0 ? BinaryPrimitives.ReadUInt128BigEndian(from[48..]) : null,
            BinaryPrimitives.ReadInt32LittleEndian(from[65..]));
    }

    /// <summary>Appends one row of records (a whole number of them).</summary>
    public static void Append(SqliteConnection connection, ReadOnlySpan<byte> records)
    {
        if (records.IsEmpty)
        {
            return;
        }
        using var insert = new RawStatement(connection, "INSERT INTO hash_log(data) VALUES(?1)");
        insert.Bind(1, records).Execute();
    }

    /// <summary>Every record, oldest first.</summary>
    public static void ForEach(SqliteConnection connection, Action<HashRecord> visit)
    {
        using var statement = new RawStatement(connection, "SELECT data FROM hash_log ORDER BY id");
        while (statement.Read())
        {
            var data = statement.Blob(0);
            if (data.Length % RecordBytes != 0)
            {
                throw new InvalidDataException("A row of the hash log does not hold a whole number of records.");
            }
            for (var offset = 0; offset < data.Length; offset += RecordBytes)
            {
                visit(Read(data.Slice(offset, RecordBytes)));
            }
        }
    }

    public static bool IsEmpty(SqliteConnection connection)
    {
        using var statement = new RawStatement(connection, "SELECT EXISTS(SELECT 1 FROM hash_log)");
        var empty = !statement.Read() || statement.Int64(0) == 0;
        statement.Reset();
        return empty;
    }
}
