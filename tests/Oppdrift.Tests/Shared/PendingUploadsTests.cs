using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Shared;

public sealed class PendingUploadsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oppdrift-uploads-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_upload_left_for_more_than_a_day_is_deleted_by_the_cleanup_and_a_newer_one_is_kept()
    {
        var uploads = new DirectoryUploads(_folder);
        var old = await uploads.SaveAsync("userPrincipalName\r\nkari@k.no\r\n"u8.ToArray(), "gammel.csv", default);
        var fresh = await uploads.SaveAsync("userPrincipalName\r\nola@k.no\r\n"u8.ToArray(), "ny.csv", default);
        var now = TimeProvider.System.GetUtcNow(); // the files carry the real clock's times
        foreach (var file in Directory.EnumerateFiles(_folder, old + ".*"))
        {
            File.SetLastWriteTimeUtc(file, now.UtcDateTime.AddHours(-25));
        }
        Assert.NotNull(await uploads.ReadAsync(old, default));

        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var clock = new FakeTimeProvider(now);
        using var cleanup = new PendingUploadsCleanup<DirectoryUploads>(uploads, new JobLeases(database.Provider, clock, NullLogger<JobLeases>.Instance), clock);
        await cleanup.StartAsync(default);
        // Its first pass runs at once, on its own task.
        for (var waited = 0; waited < 200 && File.Exists(Path.Combine(_folder, old + ".csv")); waited++)
        {
            await Task.Delay(50);
        }
        await cleanup.StopAsync(default);

        Assert.Null(await uploads.ReadAsync(old, default));
        Assert.Equal("ny.csv", (await uploads.ReadAsync(fresh, default))!.Value.FileName);
        Assert.Null(await uploads.ReadAsync("../../etc/passwd", default));
    }
}
