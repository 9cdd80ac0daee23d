using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Oppdrift.ShareMigration;

/// <summary>
/// The entries of one folder packed into one blob, so the inventory gets one row per folder instead of one per entry
/// (a million single-row inserts were what held the walk back). Each entry, in the order the folder was read:
/// kind (1 byte), name length (2 bytes), size, modification time, change time (ns), device, inode (8 bytes each),
/// link count, owner (4 bytes each), then the name's bytes as the file system holds them. Little-endian.
/// An entry's position in its folder's pack is its index, stable for the life of the inventory.
/// </summary>
public static class EntryPack
{
    public const int HeaderBytes = 1 + 2 + (5 * 8) + (2 * 4);

    /// <summary>Appends one entry to a pack being built; returns the new length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Append(ref byte[] buffer, int length, ReadOnlySpan<byte> name, in EntryMetadata metadata)
    {
        var needed = length + HeaderBytes + name.Length;
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, needed));
        }
        var span = buffer.AsSpan(length);
        span[0] = (byte)metadata.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], checked((ushort)name.Length));
        BinaryPrimitives.WriteInt64LittleEndian(span[3..], metadata.Size);
        BinaryPrimitives.WriteInt64LittleEndian(span[11..], metadata.ModifiedNs);
        BinaryPrimitives.WriteInt64LittleEndian(span[19..], metadata.ChangedNs);
        BinaryPrimitives.WriteUInt64LittleEndian(span[27..], metadata.Device);
        BinaryPrimitives.WriteUInt64LittleEndian(span[35..], metadata.Inode);
        BinaryPrimitives.WriteUInt32LittleEndian(span[43..], metadata.Links);
        BinaryPrimitives.WriteUInt32LittleEndian(span[47..], metadata.Owner);
        name.CopyTo(span[HeaderBytes..]);
        return needed;
    }

    public static Reader Read(ReadOnlySpan<byte> pack) => new(pack);

    /// <summary>Walks a pack entry by entry without allocating.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _pack;
        private int _next;

        public Reader(ReadOnlySpan<byte> pack)
        {
            _pack = pack;
            _next = 0;
            Index = -1;
            Name = default;
            Metadata = default;
        }

        /// <summary>The entry's position in its folder.</summary>
        public int Index { get; private set; }

        public ReadOnlySpan<byte> Name { get; private set; }

        public EntryMetadata Metadata { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool MoveNext()
        {
            if (_next >= _pack.Length)
            {
                return false;
            }
            var span = _pack[_next..];
            if (span.Length < HeaderBytes)
            {
                throw new InvalidDataException("A packed folder ends inside an entry.");
            }
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[1..]);
            if (span.Length < HeaderBytes + nameLength)
            {
                throw new InvalidDataException("A packed folder ends inside a name.");
            }
            Metadata = new EntryMetadata
            {
                Kind = (EntryKind)span[0],
                Size = BinaryPrimitives.ReadInt64LittleEndian(span[3..]),
                ModifiedNs = BinaryPrimitives.ReadInt64LittleEndian(span[11..]),
                ChangedNs = BinaryPrimitives.ReadInt64LittleEndian(span[19..]),
                Device = BinaryPrimitives.ReadUInt64LittleEndian(span[27..]),
                Inode = BinaryPrimitives.ReadUInt64LittleEndian(span[35..]),
                Links = BinaryPrimitives.ReadUInt32LittleEndian(span[43..]),
                Owner = BinaryPrimitives.ReadUInt32LittleEndian(span[47..]),
            };
            Name = span.Slice(HeaderBytes, nameLength);
            _next += HeaderBytes + nameLength;
            Index++;
            return true;
        }
    }
}
