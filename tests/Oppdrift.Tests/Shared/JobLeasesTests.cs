using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Shared;

/// <summary>Two web nodes on one database, each with its own <see cref="JobLeases"/>: a job's pass is run by one of them.</summary>
public sealed class JobLeasesTests
{
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    private static JobLeases Node(TestDatabase database, TimeProvider clock) =>
        new(database.Provider, clock, NullLogger<JobLeases>.Instance) { Duration = TimeSpan.FromMinutes(2) };

    private static async Task<JobLease> RowAsync(TestDatabase database, string job)
    {
        await using var db = database.CreateContext();
        return await db.JobLeases.AsNoTracking().SingleAsync(l => l.Name == job);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_lease_is_held_renewed_and_taken_over_by_the_other_node_only_once_it_has_expired(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = Clock();
        var a = Node(database, clock);
        var b = Node(database, clock);
        Assert.NotEqual(a.Owner, b.Owner);

        var held = await a.TryAcquireAsync("Job", TenMinutes, default);
        Assert.NotNull(held);
        Assert.Null(held.Marker);
        Assert.Null(await b.TryAcquireAsync("Job", TenMinutes, default));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await a.RenewAsync(held, default));
        // Past the first expiry, but within the renewed one.
        clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Null(await b.TryAcquireAsync("Job", TimeSpan.Zero, default));
        Assert.Equal(a.Owner, (await RowAsync(database, "Job")).Owner);

        // Node a stops answering: once its lease has expired, b takes over and runs the unfinished pass again, though it
        // started less than the interval ago.
        clock.Advance(TimeSpan.FromSeconds(31));
        var taken = await b.TryAcquireAsync("Job", TenMinutes, default);
        Assert.NotNull(taken);
        var row = await RowAsync(database, "Job");
        Assert.Equal(b.Owner, row.Owner);
        Assert.Equal(2, row.Runs);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddMinutes(2), row.ExpiresAt, TimeSpan.FromMilliseconds(1));

        // a comes back: it cannot renew, and its release changes nothing.
        Assert.False(await a.RenewAsync(held, default));
        await a.ReleaseAsync(held, "from a", null, default);
        Assert.Equal(b.Owner, (await RowAsync(database, "Job")).Owner);

        await b.ReleaseAsync(taken, "version 1", null, default);
        row = await RowAsync(database, "Job");
        Assert.Equal("version 1", row.Marker);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, row.LastFinishedAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.True(row.ExpiresAt <= clock.GetUtcNow().UtcDateTime);

        // Free, but the pass has just run: not due again before the interval.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await a.TryAcquireAsync("Job", TenMinutes, default));
        clock.Advance(TimeSpan.FromMinutes(5));
        var next = await a.TryAcquireAsync("Job", TenMinutes, default);
        Assert.NotNull(next);
        Assert.Equal("version 1", next.Marker);
        await a.ReleaseAsync(next, null, "broke", default);
        row = await RowAsync(database, "Job");
        Assert.Equal("version 1", row.Marker);
        Assert.Equal("broke", row.LastError);
        Assert.Equal(3, row.Runs);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Of_several_nodes_asking_at_once_exactly_one_gets_the_lease_every_time(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = Clock();
        var nodes = Enumerable.Range(0, 4).Select(_ => Node(database, clock)).ToArray();
        for (var round = 0; round < 40; round++)
        {
            // A new lease (the insert) and, once it has expired, a taken-over one (the conditional update).
            foreach (var phase in new[] { "new", "expired" })
            {
                using var start = new ManualResetEventSlim();
                var asking = nodes.Select(node => Task.Run(async () =>
                {
                    start.Wait();
                    return await node.TryAcquireAsync($"Job{round}", TimeSpan.Zero, default);
                })).ToArray();
                start.Set();
                var held = await Task.WhenAll(asking);
                Assert.True(held.Count(h => h is not null) == 1, $"Round {round}, {phase}: {held.Count(h => h is not null)} nodes got the lease");
                clock.Advance(TimeSpan.FromMinutes(3));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_long_pass_renews_its_lease_so_no_other_node_starts_it_meanwhile(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = Clock();
        var a = Node(database, clock);
        var b = Node(database, clock);
        var started = clock.GetUtcNow().UtcDateTime;
        HeldLease? meanwhile = new("none", "none", null);

        var ran = await a.RunAsync("Long", TimeSpan.Zero, async ct =>
        {
            // A third of the lease and a little more: the renewal runs.
            clock.Advance(TimeSpan.FromSeconds(41));
            for (var i = 0; i < 200 && (await RowAsync(database, "Long")).ExpiresAt <= started.AddMinutes(2); i++)
            {
                await Task.Delay(25, ct);
            }
            // Past the lease as first taken.
            clock.Advance(TimeSpan.FromSeconds(100));
            meanwhile = await b.TryAcquireAsync("Long", TimeSpan.Zero, ct);
        }, default);

        Assert.True(ran);
        Assert.Null(meanwhile);
        var row = await RowAsync(database, "Long");
        Assert.Equal(a.Owner, row.Owner);
        Assert.Equal(1, row.Runs);
        Assert.NotNull(row.LastFinishedAt);
        Assert.Null(row.LastError);
        // Released at the end: the other node may run the next pass at once.
        Assert.True(await b.RunAsync("Long", TimeSpan.Zero, _ => Task.CompletedTask, default));
        Assert.Equal(2, (await RowAsync(database, "Long")).Runs);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_pass_whose_lease_another_node_took_is_stopped(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = Clock();
        var a = Node(database, clock);
        var b = Node(database, clock);

        var stopped = await Assert.ThrowsAsync<JobLeaseLostException>(() => a.RunAsync("Taken", TimeSpan.Zero, async ct =>
        {
            // Node a stood still past its lease (a long pause) and b took over meanwhile.
            clock.Advance(TimeSpan.FromMinutes(3));
            Assert.NotNull(await b.TryAcquireAsync("Taken", TimeSpan.Zero, default));
            clock.Advance(TimeSpan.FromSeconds(41));
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
        }, default));

        Assert.Contains("Taken", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(b.Owner, (await RowAsync(database, "Taken")).Owner);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Two_nodes_running_the_retention_job_prune_once_a_day_between_them(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = Clock();
        await using var services = new ServiceCollection().AddScoped(_ => database.CreateContext()).BuildServiceProvider();
        var jobs = Enumerable.Range(0, 2).Select(_ => new UsageRetentionJob(services.GetRequiredService<IServiceScopeFactory>(), new UsageOptions { RetentionDays = 35 },
            Node(database, clock), clock, NullLogger<UsageRetentionJob>.Instance)).ToArray();

        async Task<long> RunsAfterAsync(long expected)
        {
            for (var i = 0; i < 200; i++)
            {
                await using var db = database.CreateContext();
                if (await db.JobLeases.AsNoTracking().Where(l => l.Name == UsageRetentionJob.Key && l.LastFinishedAt != null).Select(l => l.Runs).SingleOrDefaultAsync() >= expected)
                {
                    break;
                }
                await Task.Delay(25);
            }
            await Task.Delay(200); // time for a second pass, should there wrongly be one
            return (await RowAsync(database, UsageRetentionJob.Key)).Runs;
        }

        foreach (var job in jobs)
        {
            await job.StartAsync(default);
        }
        try
        {
            Assert.Equal(1, await RunsAfterAsync(1));
            clock.Advance(UsageRetentionJob.Interval);
            Assert.Equal(2, await RunsAfterAsync(2));
            clock.Advance(UsageRetentionJob.Interval);
            Assert.Equal(3, await RunsAfterAsync(3));
        }
        finally
        {
            foreach (var job in jobs)
            {
                await job.StopAsync(default);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_scheduled_job_runs_at_once_then_each_interval_and_a_failing_pass_is_reported_and_tried_again(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = Clock();
        var node = Node(database, clock);
        var passes = 0;
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        using var secondPass = new SemaphoreSlim(0);
        var loop = node.RunEveryAsync("Scheduled", TimeSpan.FromMinutes(5), clock, _ =>
        {
            // The first pass fails (the database is away, say); the next tick runs again.
            if (Interlocked.Increment(ref passes) == 1)
            {
                throw new InvalidOperationException("databasen svarer ikke");
            }
            secondPass.Release();
            return Task.CompletedTask;
        }, e => failures.Add(e.Message), stop.Token);

        for (var i = 0; i < 200 && Volatile.Read(ref passes) < 1; i++)
        {
            await Task.Delay(25);
        }
        Assert.Equal(1, Volatile.Read(ref passes));
        Assert.False(await secondPass.WaitAsync(200));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await secondPass.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["databasen svarer ikke"], failures);
        var row = await RowAsync(database, "Scheduled");
        Assert.Equal(2, row.Runs);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
        Assert.Equal(2, Volatile.Read(ref passes));
    }
}
