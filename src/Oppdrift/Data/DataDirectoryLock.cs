namespace Oppdrift.Data;

/// <summary>
/// The lock file <c>oppdrift.lock</c> in the data directory. Every running web app holds it shared, for as long as it
/// runs (two nodes on one folder both may); <c>oppdrift db restore</c> takes it exclusively, so it refuses while any app
/// holds the database, and an app cannot start in the middle of a restore. The operating system releases the lock when
/// the process ends, however it ends, so a crashed app leaves no stale lock behind. On Linux these are flock(2) locks
/// (what .NET takes for FileShare), on Windows share modes.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "oppdrift.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Held by a running app; throws <see cref="DataDirectoryBusyException"/> while a restore holds it.</summary>
    public static DataDirectoryLock HoldShared(string dataDirectory) =>
        Open(dataDirectory, FileAccess.Read, FileShare.ReadWrite) ?? throw new DataDirectoryBusyException(Shared.SharedText.Get("DataDirectoryRestoring", dataDirectory));

    /// <summary>Held by a restore; null while an app (or another restore) holds the lock.</summary>
    public static DataDirectoryLock? TryHoldExclusive(string dataDirectory) => Open(dataDirectory, FileAccess.ReadWrite, FileShare.None);

    private static DataDirectoryLock? Open(string dataDirectory, FileAccess access, FileShare share)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = access, Share = share };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            return new DataDirectoryLock(new FileStream(path, options));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>The data directory is being restored; the app does not start until the restore has finished.</summary>
public sealed class DataDirectoryBusyException(string message) : InvalidOperationException(message);
