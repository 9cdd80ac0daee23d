namespace Oppdrift.ShareMigration;

public enum EntryKind : byte
{
    File = 0,
    Directory = 1,
    SymbolicLink = 2,
    Special = 3,
}

/// <summary>What a stat call tells about one entry. Times in nanoseconds since 1970 (UTC).</summary>
public readonly record struct EntryMetadata
{
    public required EntryKind Kind { get; init; }
    public required long Size { get; init; }
    public required long ModifiedNs { get; init; }
    public required long ChangedNs { get; init; }
    public required ulong Device { get; init; }
    public required ulong Inode { get; init; }
    public required uint Links { get; init; }

    /// <summary>The owner's numeric id (uid on Unix); uint.MaxValue where the platform does not say.</summary>
    public required uint Owner { get; init; }
}

/// <summary>
/// The entries of one directory as read, names kept as the bytes the file system holds, in one reused buffer
/// so a directory of 100,000 files costs a handful of allocations.
/// </summary>
internal sealed class DirectoryBatch
{
    private byte[] _names = new byte[16 * 1024];
    private int _namesLength;
    private int[] _offsets = new int[256];
    private int[] _lengths = new int[256];
    private EntryMetadata[] _metadata = new EntryMetadata[256];
    private int[] _errors = new int[256];

    public int Count { get; private set; }

    public void Reset()
    {
        Count = 0;
        _namesLength = 0;
    }

    public int Add(ReadOnlySpan<byte> name)
    {
        if (Count == _offsets.Length)
        {
            var size = Count * 2;
            Array.Resize(ref _offsets, size);
            Array.Resize(ref _lengths, size);
            Array.Resize(ref _metadata, size);
            Array.Resize(ref _errors, size);
        }
        if (_namesLength + name.Length > _names.Length)
        {
            Array.Resize(ref _names, Math.Max(_names.Length * 2, _namesLength + name.Length));
        }
        name.CopyTo(_names.AsSpan(_namesLength));
        var index = Count++;
        _offsets[index] = _namesLength;
        _lengths[index] = name.Length;
        _errors[index] = 0;
        _metadata[index] = default;
        _namesLength += name.Length;
        return index;
    }

    public void Set(int index, in EntryMetadata metadata) => _metadata[index] = metadata;

    public void SetError(int index, int error) => _errors[index] = error;

    public ReadOnlySpan<byte> Name(int index) => _names.AsSpan(_offsets[index], _lengths[index]);

    public ref readonly EntryMetadata Metadata(int index) => ref _metadata[index];

    /// <summary>The errno of the entry's stat call, 0 when it succeeded.</summary>
    public int Error(int index) => _errors[index];
}
