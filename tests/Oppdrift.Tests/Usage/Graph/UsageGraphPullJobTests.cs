using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Tests.Usage.Graph;

public sealed class UsageGraphPullJobTests
{
    /// <summary>What the job handed to the import callback: each source's name and bytes.</summary>
    private sealed class Imports
    {
        public List<(string Name, byte[] Bytes)> Received { get; } = [];

        public int AskedWhatIsImported { get; set; }

        public Func<string, Exception?> Throw { get; init; } = _ => null;

        public async Task ImportAsync(IServiceProvider services, IReadOnlyList<UsageSource> sources, CancellationToken cancellationToken)
        {
            Assert.NotNull(services.GetService<TimeProvider>());
            foreach (var source in sources)
            {
                await using var stream = await source.Open(cancellationToken);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, cancellationToken);
                Received.Add((source.Name, copy.ToArray()));
                if (Throw(source.Name) is { } error)
                {
                    throw error;
                }
            }
        }

        public Task<IReadOnlySet<(string Report, DateOnly Date)>> ImportedAsync(IServiceProvider services, CancellationToken cancellationToken)
        {
            AskedWhatIsImported++;
            return Task.FromResult<IReadOnlySet<(string, DateOnly)>>(new HashSet<(string, DateOnly)>());
        }
    }

    private static Dictionary<string, string?> Configured(params string[] reports)
    {
        var options = RecordedExchanges.Options();
        var settings = new Dictionary<string, string?>
        {
            ["Usage:Graph:Enabled"] = "true",
            ["Usage:Graph:TenantId"] = options.TenantId,
            ["Usage:Graph:ClientId"] = options.ClientId,
            ["Usage:Graph:ClientSecret"] = options.ClientSecret,
            ["Usage:Graph:BackfillDays"] = "1",
        };
        for (var i = 0; i < reports.Length; i++)
        {
            settings[$"Usage:Graph:Reports:{i}"] = reports[i];
        }
        return settings;
    }

    private static ServiceProvider Services(TestDatabase database, Dictionary<string, string?> settings, Imports imports, RecordedExchanges network, TimeProvider time)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(time)
            .AddSingleton(new JobLeases(database.Provider, time, NullLogger<JobLeases>.Instance))
            .AddUsageGraphPull(configuration, imports.ImportAsync, imports.ImportedAsync, network)
            .BuildServiceProvider();
    }

    // 02:00 in Oslo on 26 November (UTC+1), an hour and a half before the nightly run.
    private static FakeTimeProvider NightBefore() => new(new DateTimeOffset(2026, 11, 26, 1, 0, 0, TimeSpan.Zero));

    [Theory]
    // Enabled without a credential, and fully configured but not enabled.
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public async Task The_job_does_nothing_when_the_pull_is_not_configured(bool withoutSecret, string enabled)
    {
        var settings = Configured();
        settings["Usage:Graph:Enabled"] = enabled;
        if (withoutSecret)
        {
            settings.Remove("Usage:Graph:ClientSecret");
        }
        var imports = new Imports();
        var network = new RecordedExchanges();
        var time = NightBefore();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var services = Services(database, settings, imports, network, time);
        var job = services.GetServices<IHostedService>().OfType<UsageGraphPullJob>().Single();

        await job.StartAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromDays(2));
        await job.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(job.IsConfigured);
        Assert.Equal(0, imports.AskedWhatIsImported);
        Assert.Empty(imports.Received);
        Assert.Empty(network.Sent);
        Assert.Null(job.LastRun);
    }

    [Fact]
    public async Task The_job_runs_at_half_past_three_Oslo_time_and_hands_the_report_to_the_import()
    {
        var imports = new Imports();
        var network = new RecordedExchanges("token.json", "email-activity-date-found.json", "email-activity-download.json");
        var time = NightBefore();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var services = Services(database, Configured("getEmailActivityUserDetail"), imports, network, time);
        var job = services.GetServices<IHostedService>().OfType<UsageGraphPullJob>().Single();
        await job.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromMinutes(89));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(0, imports.AskedWhatIsImported);

        time.Advance(TimeSpan.FromMinutes(1));
        while (job.LastRun is null)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        await job.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(network.Mismatches.Count == 0, string.Join("\n", network.Mismatches));
        var (name, bytes) = Assert.Single(imports.Received);
        Assert.Equal("getEmailActivityUserDetail(date=2026-11-25)", name);
        Assert.Equal(RecordedExchanges.BodyOf("email-activity-download.json"), bytes);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 2, 30, 0, TimeSpan.Zero), job.LastRun.Started);
        Assert.Empty(job.LastRun.Failed);
    }

    [Fact]
    public async Task One_report_failing_is_recorded_and_the_next_is_still_fetched()
    {
        var imports = new Imports();
        var network = new RecordedExchanges("token.json", "office365-active-forbidden.json", "email-activity-date-found.json", "email-activity-download.json");
        var time = NightBefore();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var services = Services(database, Configured("getOffice365ActiveUserDetail", "getEmailActivityUserDetail"), imports, network, time);
        var job = services.GetRequiredService<UsageGraphPullJob>();
        var progress = new List<double>();

        var run = await job.RunAsync(new SynchronousProgress(progress), TestContext.Current.CancellationToken);

        Assert.Equal(2, run.Planned.Count);
        var failure = Assert.Single(run.Failed);
        Assert.Equal(UsageReportCatalogue.Office365ActiveUserDetail, failure.Pull.Report);
        Assert.Contains("Reports.Read.All", failure.Message, StringComparison.Ordinal);
        Assert.Equal(UsageReportCatalogue.EmailActivityUserDetail, Assert.Single(run.Imported).Report);
        Assert.Equal("getEmailActivityUserDetail(date=2026-11-25)", Assert.Single(imports.Received).Name);
        Assert.Equal([0, 50, 100], progress);
        Assert.Same(run, job.LastRun);
    }

    [Fact]
    public async Task An_import_that_throws_is_recorded_as_that_report_failing()
    {
        var imports = new Imports { Throw = name => new InvalidDataException($"{name}: line 2 is broken") };
        var network = new RecordedExchanges("token.json", "email-activity-date-found.json", "email-activity-download.json");
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var services = Services(database, Configured("getEmailActivityUserDetail"), imports, network, NightBefore());
        var job = services.GetRequiredService<UsageGraphPullJob>();

        var run = await job.RunAsync(null, TestContext.Current.CancellationToken);

        Assert.Empty(run.Imported);
        Assert.Equal("getEmailActivityUserDetail(date=2026-11-25): line 2 is broken", Assert.Single(run.Failed).Message);
    }

    [Theory]
    // Winter (UTC+1) and summer (UTC+2).
    [InlineData("2026-11-26T01:00:00Z", "03:30", "2026-11-26T02:30:00Z")]
    [InlineData("2026-11-26T02:30:00Z", "03:30", "2026-11-27T02:30:00Z")]
    [InlineData("2026-06-15T12:00:00Z", "03:30", "2026-06-16T01:30:00Z")]
    // The night clocks go forward (29 March 2026, 02:00 → 03:00): 03:30 exists, 02:30 does not and runs an hour later.
    [InlineData("2026-03-28T12:00:00Z", "03:30", "2026-03-29T01:30:00Z")]
    [InlineData("2026-03-28T12:00:00Z", "02:30", "2026-03-29T01:30:00Z")]
    // The night clocks go back (25 October 2026, 03:00 → 02:00).
    [InlineData("2026-10-24T12:00:00Z", "03:30", "2026-10-25T02:30:00Z")]
    public void The_next_run_is_the_next_time_the_Oslo_clock_shows_the_configured_time(string now, string at, string expected)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        var next = UsageGraphPullJob.NextRun(DateTimeOffset.Parse(now, culture), TimeOnly.Parse(at, culture), zone);

        Assert.Equal(DateTimeOffset.Parse(expected, culture), next);
    }

    [Fact]
    public void The_configuration_section_binds_with_its_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Configured("getTeamsUserActivityUserDetail")).Build();
        var options = new UsageGraphOptions();

        configuration.GetSection(UsageGraphOptions.Section).Bind(options);

        Assert.True(options.IsConfigured);
        Assert.Equal(new TimeOnly(3, 30), options.NightlyTime);
        Assert.Equal("Europe/Oslo", options.TimeZone);
        Assert.Equal(new Uri("https://graph.microsoft.com/v1.0"), options.BaseUrl);
        Assert.Equal([UsageReportCatalogue.TeamsUserActivityUserDetail], options.SelectedReports());
        options.Reports = ["getTeamsUsage"];
        Assert.False(options.IsConfigured);
        Assert.Contains(options.Problems(), p => p.Contains("getTeamsUsage", StringComparison.Ordinal));
    }

    /// <summary>Reports progress on the caller's thread, so the test sees every value in order.</summary>
    private sealed class SynchronousProgress(List<double> values) : IProgress<double>
    {
        public void Report(double value) => values.Add(value);
    }
}
