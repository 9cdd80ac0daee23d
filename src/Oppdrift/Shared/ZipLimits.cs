// Limits against a zip bomb. Word documents and Excel workbooks are zips, and a small one can unpack to gigabytes: the
// parts' sizes are checked as the zip declares them, before the document is opened.
using System.IO.Compression;

namespace Oppdrift.Shared;

public static class ZipLimits
{
    /// <summary>
    /// Whether the zip in <paramref name="seekable"/> has at most <paramref name="maxParts"/> parts that unpack to at most
    /// <paramref name="maxUnpackedBytes"/> together, none over a megabyte compressed more than
    /// <paramref name="maxCompressionRatio"/> times. The stream is left at its start. A stream that is no zip throws
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static bool Within(Stream seekable, int maxParts, long maxUnpackedBytes, int maxCompressionRatio)
    {
        ArgumentNullException.ThrowIfNull(seekable);
        var start = seekable.Position;
        using (var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true))
        {
            if (zip.Entries.Count > maxParts)
            {
                return false;
            }
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > maxUnpackedBytes || (entry.Length > 1024 * 1024 && entry.Length > (long)maxCompressionRatio * Math.Max(1, entry.CompressedLength)))
                {
                    return false;
                }
            }
        }
        seekable.Position = start;
        return true;
    }
}
