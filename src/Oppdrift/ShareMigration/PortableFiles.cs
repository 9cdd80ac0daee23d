using System.IO.Enumeration;
using System.Text;

namespace Oppdrift.ShareMigration;

/// <summary>
/// Directory reading where the Linux calls are not available (Windows file servers): .NET's enumeration, which does
/// not follow reparse points when it is not asked to recurse. There is no inode there, so identity is left at 0 and
/// hard links are not recognised; names arrive as UTF-16 and are stored as UTF-8.
/// </summary>
internal static class PortableFiles
{
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public static int ReadDirectory(string path, DirectoryBatch into)
    {
        try
        {
            var entries = new FileSystemEnumerable<bool>(path, (ref entry) =>
            {
                Span<byte> name = stackalloc byte[Encoding.UTF8.GetMaxByteCount(entry.FileName.Length)];
                var written = Encoding.UTF8.GetBytes(entry.FileName, name);
                var index = into.Add(name[..written]);
                var attributes = entry.Attributes;
                var kind = (attributes & FileAttributes.ReparsePoint) != 0 ? EntryKind.SymbolicLink
                    : entry.IsDirectory ? EntryKind.Directory : EntryKind.File;
                var modified = (entry.LastWriteTimeUtc.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
                into.Set(index, new EntryMetadata
                {
                    Kind = kind,
                    Size = kind == EntryKind.File ? entry.Length : 0,
                    ModifiedNs = modified,
                    ChangedNs = modified,
                    Device = 0,
                    Inode = 0,
                    Links = 1,
                    Owner = uint.MaxValue,
                });
                return true;
            }, Options);
            foreach (var _ in entries)
            {
            }
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return LinuxFiles.EACCES;
        }
        catch (DirectoryNotFoundException)
        {
            return LinuxFiles.ENOENT;
        }
        catch (PathTooLongException)
        {
            return LinuxFiles.ENAMETOOLONG;
        }
        catch (IOException)
        {
            return 5;
        }
    }

    public static int Stat(string path, out EntryMetadata metadata)
    {
        var info = new DirectoryInfo(path);
        if (!info.Exists)
        {
            metadata = default;
            return LinuxFiles.ENOENT;
        }
        var modified = (info.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        metadata = new EntryMetadata
        {
            Kind = EntryKind.Directory,
            Size = 0,
            ModifiedNs = modified,
            ChangedNs = modified,
            Device = 0,
            Inode = 0,
            Links = 1,
            Owner = uint.MaxValue,
        };
        return 0;
    }
}
