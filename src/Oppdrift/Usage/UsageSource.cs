namespace Oppdrift.Usage;

/// <summary>How a usage report reached Oppdrift; kept on each import so the history says where figures came from.</summary>
public enum UsageSourceKind
{
    File,
    Upload,
    Graph,
    Demo,
}

/// <summary>
/// One usage report to import: a name for messages (a file name, or the Graph function and date) and a way to open
/// its CSV bytes. Opening is deferred so a directory of a year of reports, or a nightly pull, is streamed one
/// report at a time instead of held in memory.
/// </summary>
public sealed record UsageSource(string Name, Func<CancellationToken, Task<Stream>> Open)
{
    public static UsageSource FromFile(string path) =>
        new(path, _ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan)));
}
