// A secret key kept in a file only its owner may read or change: the pseudonym key and the key ring's key in embedded
// mode. Created on first use with a fresh random key, refused when group or others can touch it.
using System.Security.Cryptography;
using System.Text;

namespace Oppdrift.Shared;

public static class OwnerOnlyKeyFile
{
    // Group or other may not even write: whoever can replace a key can make new data unreadable or unlinkable.
    private const UnixFileMode OthersMayTouch =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The text of the key file at <paramref name="path"/> (a base64 key, trimmed), first creating it with a fresh random key of
    /// <paramref name="keyBytes"/> bytes when it is missing. <paramref name="name"/> names the file in messages ("the
    /// pseudonymisation key file").
    /// </summary>
    /// <exception cref="KeyFileException">The file is open to others than its owner or cannot be read.</exception>
    public static string ReadOrCreate(string path, int keyBytes, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            TryCreate(path, keyBytes);
        }
        // Whether we created it or another process beat us to it, everyone uses what is on disk.
        if (!OperatingSystem.IsWindows())
        {
            // On Windows the data folder's ACL protects the file; Unix modes are the only guard here.
            var mode = File.GetUnixFileMode(path);
            if ((mode & OthersMayTouch) != 0)
            {
                throw new KeyFileException(
                    $"The {name} {path} has mode {Octal(mode)}, so others than its owner can read or change it. " +
                    $"Run 'chmod 600 {path}' and check no one copied it; it must be readable only by the service.");
            }
        }
        try
        {
            return File.ReadAllText(path, Encoding.ASCII).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"The {name} {path} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Creates the key file unless another process does so first. Creators take turns on a lock file
    /// (File.Move's "no overwrite" is a check then a rename on Unix, not atomic), and the key is
    /// written to a private temporary file and renamed into place, so a reader sees it whole or not at all.
    /// </summary>
    private static void TryCreate(string path, int keyBytes)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var lockPath = path + ".lock";
        using (AcquireLock(lockPath))
        {
            // Another process may have created it while we waited.
            if (!File.Exists(path))
            {
                var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
                try
                {
                    using (var stream = new FileStream(temporary, OwnerOnlyFile(FileMode.CreateNew, FileAccess.Write)))
                    {
                        stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(keyBytes)) + "\n"));
                        stream.Flush(flushToDisk: true);
                    }
                    File.Move(temporary, path, overwrite: false);
                }
                finally
                {
                    File.Delete(temporary);
                }
            }
        }
        try
        {
            // Safe to remove once the key exists: nobody takes the lock to write it again.
            File.Delete(lockPath);
        }
        catch (IOException)
        {
            // A latecomer holds it open (Windows); it is empty and harmless.
        }
    }

    // FileShare.None takes an exclusive lock (flock on Unix) that fails rather than waits, hence the loop.
    private static FileStream AcquireLock(string lockPath)
    {
        var options = OwnerOnlyFile(FileMode.OpenOrCreate, FileAccess.ReadWrite);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (attempt < 1000)
            {
                Thread.Sleep(10);
            }
        }
    }

    private static FileStreamOptions OwnerOnlyFile(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, not after: a chmod afterwards leaves a moment when others could read it.
            options.UnixCreateMode = OwnerOnly;
        }
        return options;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}

/// <summary>A key file cannot be used; the message says what an operator must fix.</summary>
public sealed class KeyFileException : Exception
{
    public KeyFileException(string message)
        : base(message)
    {
    }

    public KeyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
