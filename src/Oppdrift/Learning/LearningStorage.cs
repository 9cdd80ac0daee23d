using Microsoft.Extensions.Configuration;
using Oppdrift.Data;

namespace Oppdrift.Learning;

/// <summary>
/// Documents on disk under the data folder (learning/documents), named by a random key so an uploaded
/// file name never becomes a path.
/// </summary>
public sealed class LearningStorage(string folder)
{
    public string Folder { get; } = folder;

    public static LearningStorage FromConfiguration(IConfiguration configuration) =>
        new(Path.Combine(DataDirectory.Shared(configuration), "learning", "documents"));

    /// <summary>Copies the upload to disk, stopping (and removing the part written) as soon as it passes the limit.</summary>
    public async Task<(string Name, long Bytes)?> SaveAsync(Stream content, string extension, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var name = Programmes.NewToken()[..32] + extension;
        var path = Path.Combine(Folder, name);
        var total = 0L;
        var buffer = new byte[81920];
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        if (total > maxBytes)
        {
            File.Delete(path);
            return null;
        }
        return (name, total);
    }

    public FileStream? Open(string storedName)
    {
        var path = Path.Combine(Folder, Path.GetFileName(storedName));
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    public void Delete(string storedName)
    {
        var path = Path.Combine(Folder, Path.GetFileName(storedName));
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    public static string ContentTypeOf(string extension) => extension.ToLowerInvariant() switch
    {
        ".pdf" => "application/pdf",
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".txt" => "text/plain; charset=utf-8",
        ".md" => "text/markdown; charset=utf-8",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".vtt" => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    };
}
