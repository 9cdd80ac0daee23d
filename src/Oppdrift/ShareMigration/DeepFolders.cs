namespace Oppdrift.ShareMigration;

/// <summary>
/// Opens folders whose path is longer than PATH_MAX one name at a time, starting from the deepest ancestor it still
/// holds open rather than from the root, so that reading a chain of N such folders costs about 2N opens rather than
/// N²/2. It holds the folders it opened on the way and each folder it opens (their children are opened next), the
/// <see cref="Capacity"/> most recent of them; an ancestor that was let go is opened again from the next one up. Safe
/// to use from several threads: the held descriptors are used and closed under one lock, and opens past PATH_MAX
/// are rare enough that they do not contend.
/// </summary>
internal sealed class DeepFolders(byte[] root, Func<int, int> parentOf, Func<int, byte[]> nameOf) : IDisposable
{
    /// <summary>Linux's PATH_MAX, with its terminating zero: a path this long or longer is refused with ENAMETOOLONG.</summary>
    public const int PathMax = 4096;

    /// <summary>How many folders are held open at most (each is one file descriptor).</summary>
    public const int Capacity = 256;

    private readonly Dictionary<int, int> _held = [];
    private readonly Queue<int> _order = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>How many folders it has opened in all, the held ones and the ones handed out.</summary>
    public long Opens { get; private set; }

    /// <summary>
    /// Opens the folder with this id (1 is the root, whose parent is 0) for reading; returns its descriptor, which the
    /// caller closes, or -1 with the failing open's errno in <see cref="LinuxFiles.LastError"/>.
    /// </summary>
    public int Open(int id, out bool accessTimeKept)
    {
        accessTimeKept = true;
        var below = new List<int>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = -1;
            for (var node = id; node >= 1; node = parentOf(node))
            {
                if (_held.TryGetValue(node, out var fd))
                {
                    current = fd;
                    break;
                }
                below.Add(node);
            }
            if (current < 0)
            {
                // Nothing on the way up is held: start at the root, which is below PATH_MAX.
                below.RemoveAt(below.Count - 1);
                current = LinuxFiles.OpenDirectory(LinuxFiles.AtCwd, root);
                Opens++;
                if (current < 0)
                {
                    return -1;
                }
                Hold(1, current);
            }
            for (var i = below.Count - 1; i >= 0; i--)
            {
                var next = LinuxFiles.OpenDirectory(current, nameOf(below[i]));
                Opens++;
                if (next < 0)
                {
                    return -1;
                }
                current = next;
                Hold(below[i], current);
            }
            // The folder itself is held for its children, so the one read is a second descriptor of it.
            Opens++;
            return LinuxFiles.OpenDirectory(current, "."u8, out accessTimeKept);
        }
    }

    private void Hold(int id, int fd)
    {
        _held[id] = fd;
        _order.Enqueue(id);
        while (_order.Count > Capacity)
        {
            var oldest = _order.Dequeue();
            if (_held.Remove(oldest, out var old))
            {
                LinuxFiles.Close(old);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var fd in _held.Values)
            {
                LinuxFiles.Close(fd);
            }
            _held.Clear();
            _order.Clear();
        }
    }
}
