using Oppdrift.Shared;

namespace Oppdrift.Tests.Shared;

public sealed class BackgroundLoadStatusTests
{
    [Fact]
    public async Task A_part_is_loading_from_its_begin_to_its_end_and_those_waiting_for_it_go_on_then()
    {
        var status = new BackgroundLoadStatus();
        Assert.True(status.WaitAsync("Learning", default).IsCompleted);

        status.Begin("Learning", "Migration");
        var learning = status.WaitAsync("Learning", default);
        var migration = status.WaitAsync("Migration", default);
        var running = (status.Running, status.IsLoading("Learning"), learning.IsCompleted);
        status.End("Learning");
        await learning;
        var afterLearning = (status.Running, status.IsLoading("Learning"), status.IsLoading("Migration"), migration.IsCompleted);
        status.EndAll();
        await migration;

        Assert.Equal((true, true, false), running);
        Assert.Equal((true, false, true, false), afterLearning);
        Assert.False(status.Running);
        Assert.False(status.IsLoading("Migration"));
    }

    [Fact]
    public async Task A_wait_is_cancelled_with_its_token_and_the_part_stays_loading()
    {
        var status = new BackgroundLoadStatus();
        status.Begin("Surveys");
        using var stop = new CancellationTokenSource();

        var waiting = status.WaitAsync("Surveys", stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(status.IsLoading("Surveys"));
    }
}
