using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;


namespace Oppdrift.ShareMigration;

/// <summary>
/// The C library calls the scanner needs on Linux and .NET does not offer: names as bytes (readdir), identity,
/// owner and link count without following links (statx), and opening without touching access times (O_NOATIME).
/// Directories are opened relative to their parent where a full path would pass PATH_MAX.
/// Callers check OperatingSystem.IsLinux() first; elsewhere PortableFiles reads folders.
/// </summary>

internal static unsafe partial class LinuxFiles
{
    private const string Libc = "libc";

    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int ENAMETOOLONG = 36;
    public const int ELOOP = 40;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNofollow = 0x100;
    private const int AtEmptyPath = 0x1000;

    // Network file systems may otherwise fetch fresh attributes from the server for every entry.
    private const int AtStatxDontSync = 0x4000;
    private const uint StatxBasicStats = 0x7ff;

    private const int ORdOnly = 0;
    private const int ONoAtime = 0x40000;
    private const int OCloexec = 0x80000;

    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    private static readonly int ODirectory = Arm ? 0x4000 : 0x10000;
    private static readonly int ONofollow = Arm ? 0x8000 : 0x20000;

    // When the kernel refuses O_NOATIME (we neither own the file nor hold CAP_FOWNER), ask again without it per call, not
    // per process: ownership differs file by file. The caller learns which opens lost it: reading those changes the access time.
    public static int OpenDirectory(int parentFd, ReadOnlySpan<byte> nameOrPath) =>
        OpenNoAtime(parentFd, nameOrPath, ORdOnly | ODirectory | ONofollow | OCloexec, out _);

    public static int OpenDirectory(int parentFd, ReadOnlySpan<byte> nameOrPath, out bool accessTimeKept) =>
        OpenNoAtime(parentFd, nameOrPath, ORdOnly | ODirectory | ONofollow | OCloexec, out accessTimeKept);

    public static int OpenFile(int parentFd, ReadOnlySpan<byte> nameOrPath, out bool accessTimeKept) =>
        OpenNoAtime(parentFd, nameOrPath, ORdOnly | ONofollow | OCloexec, out accessTimeKept);

    public static int AtCwd => AtFdCwd;

    private static int OpenNoAtime(int parentFd, ReadOnlySpan<byte> nameOrPath, int flags, out bool accessTimeKept)
    {
        Span<byte> buffer = nameOrPath.Length < 1024 ? stackalloc byte[nameOrPath.Length + 1] : new byte[nameOrPath.Length + 1];
        nameOrPath.CopyTo(buffer);
        buffer[^1] = 0;
        fixed (byte* path = buffer)
        {
            var fd = openat(parentFd, path, flags | ONoAtime, 0);
            accessTimeKept = fd >= 0;
            if (fd < 0 && Marshal.GetLastPInvokeError() == EPERM)
            {
                fd = openat(parentFd, path, flags, 0);
            }
            return fd;
        }
    }

    /// <summary>The effective user id, which is the file-system user id the kernel checks O_NOATIME against.</summary>
    public static uint EffectiveUserId => geteuid();

    public static int LastError => Marshal.GetLastPInvokeError();

    public static int Close(int fd) => close(fd);

    // getdents64 by number, since glibc before 2.30 has no wrapper for it; elsewhere the C library's readdir is used.
    private static readonly nint GetdentsSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.Arm => 217,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 61,
        _ => -1,
    };

    // The directory listing is read into this buffer (one per reader thread), many entries a system call, instead of
    // through fdopendir/readdir: no DIR to allocate and free and no fcntl calls per folder, and one P/Invoke per buffer
    // rather than per entry. A small tree's folders hold a dozen entries, so these per-folder costs count.
    [ThreadStatic]
    private static byte[]? t_listing;

    /// <summary>Reads one directory's entries (not . and ..) from an open descriptor, which it closes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ReadDirectory(int fd, DirectoryBatch into)
    {
        if (GetdentsSyscall < 0)
        {
            return ReadDirectoryStream(fd, into);
        }
        var listing = t_listing ??= new byte[32 * 1024];
        try
        {
            fixed (byte* buffer = listing)
            {
                while (true)
                {
                    var read = syscall(GetdentsSyscall, fd, buffer, listing.Length);
                    if (read <= 0)
                    {
                        return read == 0 ? 0 : Marshal.GetLastPInvokeError();
                    }
                    // struct linux_dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name[] (NUL-terminated).
                    for (var offset = 0L; offset < read; offset += *(ushort*)(buffer + offset + 16))
                    {
                        var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(buffer + offset + 19);
                        if (name.Length == 0 || (name[0] == (byte)'.' && (name.Length == 1 || (name.Length == 2 && name[1] == (byte)'.'))))
                        {
                            continue;
                        }
                        AddEntry(fd, name, into);
                    }
                }
            }
        }
        finally
        {
            close(fd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddEntry(int fd, ReadOnlySpan<byte> name, DirectoryBatch into)
    {
        var index = into.Add(name);
        Statx stat;
        fixed (byte* namePointer = name)
        {
            if (statx(fd, namePointer, AtSymlinkNofollow | AtStatxDontSync, StatxBasicStats, &stat) != 0)
            {
                into.SetError(index, Marshal.GetLastPInvokeError());
                return;
            }
        }
        into.Set(index, ToMetadata(in stat));
    }

    private static int ReadDirectoryStream(int fd, DirectoryBatch into)
    {
        var dir = fdopendir(fd);
        if (dir == 0)
        {
            var error = Marshal.GetLastPInvokeError();
            close(fd);
            return error;
        }
        try
        {
            while (true)
            {
                var entry = readdir(dir);
                if (entry == 0)
                {
                    return Marshal.GetLastPInvokeError();
                }
                // struct dirent (glibc, 64-bit): d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name[].
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + 19);
                if (name.Length == 0 || (name[0] == (byte)'.' && (name.Length == 1 || (name.Length == 2 && name[1] == (byte)'.'))))
                {
                    continue;
                }
                AddEntry(fd, name, into);
            }
        }
        finally
        {
            closedir(dir);
        }
    }

    public static int StatFd(int fd, out EntryMetadata metadata)
    {
        Statx stat;
        byte empty = 0;
        if (statx(fd, &empty, AtEmptyPath | AtSymlinkNofollow, StatxBasicStats, &stat) != 0)
        {
            metadata = default;
            return Marshal.GetLastPInvokeError();
        }
        metadata = ToMetadata(in stat);
        return 0;
    }

    public static int StatPath(ReadOnlySpan<byte> path, out EntryMetadata metadata)
    {
        Span<byte> buffer = path.Length < 1024 ? stackalloc byte[path.Length + 1] : new byte[path.Length + 1];
        path.CopyTo(buffer);
        buffer[^1] = 0;
        Statx stat;
        fixed (byte* pointer = buffer)
        {
            if (statx(AtFdCwd, pointer, AtSymlinkNofollow, StatxBasicStats, &stat) != 0)
            {
                metadata = default;
                return Marshal.GetLastPInvokeError();
            }
        }
        metadata = ToMetadata(in stat);
        return 0;
    }

    public static int Read(int fd, Span<byte> buffer, long offset)
    {
        fixed (byte* pointer = buffer)
        {
            var read = pread(fd, pointer, (nuint)buffer.Length, offset);
            return read < 0 ? -Marshal.GetLastPInvokeError() : (int)read;
        }
    }

    private static EntryMetadata ToMetadata(in Statx stat)
    {
        var type = stat.Mode & 0xF000;
        var kind = type switch
        {
            0x8000 => EntryKind.File,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.SymbolicLink,
            _ => EntryKind.Special,
        };
        return new EntryMetadata
        {
            Kind = kind,
            Size = (long)stat.Size,
            ModifiedNs = (stat.MtimeSec * 1_000_000_000L) + stat.MtimeNsec,
            ChangedNs = (stat.CtimeSec * 1_000_000_000L) + stat.CtimeNsec,
            Device = ((ulong)stat.DevMajor << 32) | stat.DevMinor,
            Inode = stat.Ino,
            Links = stat.Nlink,
            Owner = stat.Uid,
        };
    }

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long CtimeSec;
        [FieldOffset(104)] public uint CtimeNsec;
        [FieldOffset(112)] public long MtimeSec;
        [FieldOffset(120)] public uint MtimeNsec;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int openat(int dirfd, byte* path, int flags, int mode);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint fdopendir(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint readdir(nint dir);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int closedir(nint dir);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint syscall(nint number, int fd, byte* buffer, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int statx(int dirfd, byte* path, int flags, uint mask, Statx* buffer);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint pread(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Libc)]
    private static partial uint geteuid();
}

/// <summary>
/// Whose files the kernel lets the scanner open with O_NOATIME, and so read without changing their access time: those the
/// caller's (file-system) user id owns, or every file when it holds CAP_FOWNER, as root normally does.
/// </summary>
public readonly record struct AccessTimeRights(uint UserId, bool AnyFile)
{
    private const int CapFowner = 3;

    public bool Keeps(uint owner) => AnyFile || owner == UserId;

    /// <summary>The rights of this process. Elsewhere than on Linux no claim is made (every file counts as kept).</summary>
    public static AccessTimeRights Current()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new AccessTimeRights(0, AnyFile: true);
        }
        var uid = LinuxFiles.EffectiveUserId;
        try
        {
            // "CapEff:\t000001ffffffffff": the effective capability set in hexadecimal.
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var caps))
                {
                    return new AccessTimeRights(uid, (caps & (1UL << CapFowner)) != 0);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return new AccessTimeRights(uid, AnyFile: uid == 0);
    }
}
