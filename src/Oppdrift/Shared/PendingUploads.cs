namespace Oppdrift.Shared;

/// <summary>
/// An uploaded file kept between the steps of a page (a mapping to check, a proposal to accept) in a folder of the shared
/// directory (<c>Oppdrift:SharedDirectory</c>, so the next step may come to another web node), under a random id with
/// its original name beside it. The steps read it back by id; it is deleted when the
/// last step is done, and files older than a day are deleted by the module that keeps them.
/// </summary>
public class PendingUploads(string folder, string extension)
{
    public async Task<string> SaveAsync(byte[] content, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(folder);
        var id = Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(Path.Combine(folder, id + extension), content, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, id + ".name"), fileName, cancellationToken);
        return id;
    }

    /// <summary>The file and its original name; null for an id that is not one (or no longer).</summary>
    public async Task<(byte[] Content, string FileName)?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(id, "N", out _) || !File.Exists(Path.Combine(folder, id + extension)))
        {
            return null;
        }
        return (await File.ReadAllBytesAsync(Path.Combine(folder, id + extension), cancellationToken), await File.ReadAllTextAsync(Path.Combine(folder, id + ".name"), cancellationToken));
    }

    public void Delete(string id)
    {
        if (Guid.TryParseExact(id, "N", out _))
        {
            File.Delete(Path.Combine(folder, id + extension));
            File.Delete(Path.Combine(folder, id + ".name"));
        }
    }

    public void DeleteOlderThan(DateTime utc)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => File.GetLastWriteTimeUtc(f) < utc))
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// Deletes the files of <typeparamref name="T"/> left for more than a day (a proposal or mapping never finished), every
/// hour, so an upload that holds names and addresses is not kept for good. One node does it for all, since the folder
/// is shared between the nodes (<c>Oppdrift:SharedDirectory</c>).
/// </summary>
public sealed class PendingUploadsCleanup<T>(T uploads, JobLeases leases, TimeProvider clock) : Microsoft.Extensions.Hosting.BackgroundService
    where T : PendingUploads
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>The job's key, as its lease is named.</summary>
    public static string Key => "PendingUploadsCleanup:" + typeof(T).Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await leases.RunAsync(Key, Interval, _ =>
                {
                    uploads.DeleteOlderThan(clock.GetUtcNow().UtcDateTime.AddDays(-1));
                    return Task.CompletedTask;
                }, stoppingToken);
            }
            catch (IOException)
            {
                // A file in use or already gone: the next hour tries again.
            }
            catch (Exception e) when (e is System.Data.Common.DbException or JobLeaseLostException)
            {
                // The database is away: the next hour tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
