// Replaces user principal names with a keyed hash before anything is stored, so the database alone
// cannot say who a row is about. The key lives outside the database; lose it and history is unlinkable.
using System.Security.Cryptography;
using System.Text;

namespace Oppdrift.Shared.Privacy;

public sealed class Pseudonymiser
{
    public const int KeyBytes = 32;

    /// <summary>Length of <see cref="Pseudonym"/>: 64 lower-case hex digits, never the 32 of a concealed report name.</summary>
    public const int PseudonymLength = 64;

    // Group or other may not even write: whoever can replace the key can make new imports unlinkable.
    private const UnixFileMode OthersMayTouch =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly byte[] _key;

    /// <summary>Loads the key, creating the key file first if it is configured and missing.</summary>
    /// <exception cref="PseudonymKeyException">The key is missing, malformed, or its file is open to others.</exception>
    public Pseudonymiser(PseudonymiserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = !string.IsNullOrWhiteSpace(options.Key) ? Decode(options.Key, "the configured key")
            : !string.IsNullOrWhiteSpace(options.KeyFile) ? LoadOrCreate(options.KeyFile)
            : throw new PseudonymKeyException("No pseudonymisation key is configured: set a base64 key (production) or a key file path (embedded mode).");
    }

    /// <summary>A fresh random key in base64, for an operator to put in the production secret store.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The pseudonym of a user principal name as <see cref="PseudonymLength"/> lower-case hex digits.</summary>
    public string Pseudonym(string userPrincipalName) => Convert.ToHexStringLower(PseudonymBytes(userPrincipalName));

    /// <summary>The pseudonym as 32 bytes, for a binary key column.</summary>
    public byte[] PseudonymBytes(string userPrincipalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
        // Entra ID compares UPNs case-insensitively and reports pad or re-case them; the composed
        // form keeps an "å" typed as one character or as "a" plus a ring one person.
        var normalised = userPrincipalName.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant();
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(normalised));
    }

    private static byte[] LoadOrCreate(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            TryCreate(path);
        }
        // Whether we created it or another process beat us to it, everyone uses what is on disk.
        return Load(path);
    }

    /// <summary>
    /// Creates the key file unless another process does so first. Creators take turns on a lock file
    /// (File.Move's "no overwrite" is a check then a rename on Unix, not atomic), and the key is
    /// written to a private temporary file and renamed into place, so a reader sees it whole or not at all.
    /// </summary>
    private static void TryCreate(string path)
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
                        stream.Write(Encoding.ASCII.GetBytes(NewKey() + "\n"));
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

    private static byte[] Load(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            // On Windows the data folder's ACL protects the file; Unix modes are the only guard here.
            var mode = File.GetUnixFileMode(path);
            if ((mode & OthersMayTouch) != 0)
            {
                throw new PseudonymKeyException(
                    $"The pseudonymisation key file {path} has mode {Octal(mode)}, so others than its owner can read or change it. " +
                    $"Run 'chmod 600 {path}' and check no one copied it; it must be readable only by the service.");
            }
        }
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PseudonymKeyException($"The pseudonymisation key file {path} cannot be read: {ex.Message}", ex);
        }
        return Decode(text, $"the key file {path}");
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new PseudonymKeyException($"The pseudonymisation key in {source} is not base64. {RestoreAdvice}", ex);
        }
        return key.Length == KeyBytes ? key
            : throw new PseudonymKeyException($"The pseudonymisation key in {source} is {key.Length} bytes; it must be {KeyBytes}. {RestoreAdvice}");
    }

    // Generating a new key silently would give everyone new pseudonyms and cut them off from their history.
    private const string RestoreAdvice = "Restore the original key; a new one would cut every person off from their stored history.";

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}

/// <summary>The pseudonymisation key cannot be used; the message says what an operator must fix.</summary>
public sealed class PseudonymKeyException : Exception
{
    public PseudonymKeyException(string message)
        : base(message)
    {
    }

    public PseudonymKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
