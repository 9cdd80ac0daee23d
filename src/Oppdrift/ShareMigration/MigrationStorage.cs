using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Oppdrift.Data;

namespace Oppdrift.ShareMigration;

/// <summary>Settings of the migration plan (section "Migration").</summary>
public sealed record MigrationOptions
{
    /// <summary>The largest inventory accepted by upload (an inventory of a million files is about 150 MB).</summary>
    public long UploadMaxBytes { get; init; } = 4L << 30;

    /// <summary>Files not modified for this many years count as clean-up candidates when a scan is attached.</summary>
    public int StaleYears { get; init; } = 5;

    public static MigrationOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Migration");
        var defaults = new MigrationOptions();
        return new MigrationOptions
        {
            UploadMaxBytes = section.GetValue<long?>("UploadMaxBytes") ?? defaults.UploadMaxBytes,
            StaleYears = section.GetValue<int?>("StaleYears") ?? defaults.StaleYears,
        };
    }
}

/// <summary>
/// Attached inventories on disk under the data folder (migration/scans), named by a random key so an uploaded file's
/// name never becomes a path.
/// </summary>
public sealed class MigrationStorage(string folder)
{
    public string Folder { get; } = folder;

    public static MigrationStorage FromConfiguration(IConfiguration configuration) =>
        new(Path.Combine(DataDirectory.Shared(configuration), "migration", "scans"));

    /// <summary>
    /// Copies an upload to a temporary file in the folder while hashing it, stopping (and removing what was written) as
    /// soon as it passes the limit; null then.
    /// </summary>
    public async Task<(string Path, string Sha256, long Bytes)?> ReceiveAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, "incoming-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".part");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var total = 0L;
        var buffer = new byte[1 << 17];
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 17, useAsync: true))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        break;
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        if (total > maxBytes)
        {
            File.Delete(path);
            return null;
        }
        return (path, Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }

    /// <summary>Keeps a received file under a new random name; returns that name.</summary>
    public string Keep(string receivedPath)
    {
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".scan.sqlite";
        File.Move(receivedPath, Path.Combine(Folder, name));
        return name;
    }

    public string PathOf(string storedName) => Path.Combine(Folder, Path.GetFileName(storedName));

    public static void Discard(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
