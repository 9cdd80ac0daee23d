using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Web;

namespace Oppdrift.Tests.Demo;

/// <summary>The first start with the demo: the municipality before the app answers, the later modules beside it.</summary>
public sealed class DemoFirstStartTests
{
    private const int People = 1_500;

    private sealed record Counts(int People, int Programmes, int Sessions, int Attendance, int Shares, int Mappings, int Rounds, int Processes, int Interventions);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_first_start_loads_only_the_municipality_and_the_background_load_adds_every_module_as_before(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var app = await BuildAsync(database);
        var loads = app.Services.GetRequiredService<BackgroundLoadStatus>();

        await app.Services.GetServices<IHostedService>().OfType<DemoFirstStart>().Single().StartingAsync(default);
        var atStart = await CountAsync(database);
        var loadingAtStart = DemoModulesJob.Parts.Where(loads.IsLoading).ToList();
        await app.Services.GetRequiredService<DemoModulesJob>().RunAsync(default);
        var loaded = await CountAsync(database);

        // The same loaders one after the other on another database, as the first start ran them before the app answered.
        await using var before = await TestDatabase.CreateAsync(kind);
        await using (var other = await BuildAsync(before))
        {
            await using var scope = other.Services.CreateAsyncScope();
            var options = scope.ServiceProvider.GetRequiredService<DemoOptions>();
            var user = Oppdrift.Benefits.BenefitsTemplate.System(DemoLoader.Actor);
            await scope.ServiceProvider.GetRequiredService<DemoLoader>().LoadAsync(DemoMunicipality.Generate(options.Seed, options.People), options.Folder);
            await scope.ServiceProvider.GetRequiredService<LearningDemo>().LoadAsync(options.Seed, default);
            await scope.ServiceProvider.GetRequiredService<DemoMigration>().LoadAsync(options.Seed, options.Folder, default);
            await scope.ServiceProvider.GetRequiredService<DemoSurveys>().LoadAsync(options.Seed, options.Folder, default);
            await scope.ServiceProvider.GetRequiredService<DemoProcesses>().LoadAsync(user, default);
            await scope.ServiceProvider.GetRequiredService<DemoEffects>().LoadAsync(user, default);
        }

        Assert.True(atStart.People > 0);
        Assert.Equal(new Counts(atStart.People, 0, 0, 0, 0, 0, 0, 0, 0), atStart);
        Assert.Equal(DemoModulesJob.Parts, loadingAtStart);
        Assert.False(loads.Running);
        Assert.True(loaded is { Programmes: > 0, Attendance: > 0, Shares: > 0, Rounds: > 0, Processes: > 0, Interventions: > 0 }, loaded.ToString());
        Assert.Equal(await CountAsync(before), loaded);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_module_that_fails_to_load_is_logged_and_ends_every_loading_status_while_the_app_runs_on(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var app = await BuildAsync(database);
        var loads = app.Services.GetRequiredService<BackgroundLoadStatus>();
        await app.Services.GetServices<IHostedService>().OfType<DemoFirstStart>().Single().StartingAsync(default);
        // The migration demo writes its file shares under the demo folder: a file in its place makes it fail.
        var blocked = Path.Combine(database.Folder, "blocked");
        await File.WriteAllTextAsync(blocked, "not a folder");
        var logger = new ListLogger();
        var options = app.Services.GetRequiredService<DemoOptions>() with { Folder = blocked };
        using var job = new DemoModulesJob(app.Services, options, loads, app.Services.GetRequiredService<JobLeases>(), TimeProvider.System, logger);

        await job.StartAsync(default);
        await job.ExecuteTask!;
        await job.Done;

        Assert.False(loads.Running);
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("loading the demo's Migration failed, and Surveys, Processes, Effects were not attempted", error.Message, StringComparison.Ordinal);
        var counts = await CountAsync(database);
        Assert.True(counts.Programmes > 0);
        Assert.Equal(0, counts.Shares);
        Assert.Equal(0, counts.Rounds);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task While_the_modules_load_in_the_background_their_pages_say_so(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind);
        var admin = await app.SignInAsync(Oppdrift.Access.Roles.ChangeLeader);
        var loads = app.App.Services.GetRequiredService<BackgroundLoadStatus>();
        string[] pages = ["/learning", "/migration", "/surveys", "/processes", "/effects"];

        loads.Begin(DemoModulesJob.Parts);
        var loading = new List<string>();
        foreach (var page in pages)
        {
            loading.Add(WebUtility.HtmlDecode(await admin.GetStringAsync(page)));
        }
        loads.End(Oppdrift.Learning.LearningModule.BackgroundLoad);
        var learningDone = WebUtility.HtmlDecode(await admin.GetStringAsync("/learning"));
        var migrationStill = WebUtility.HtmlDecode(await admin.GetStringAsync("/migration"));
        loads.EndAll();
        var done = new List<string>();
        foreach (var page in pages)
        {
            done.Add(WebUtility.HtmlDecode(await admin.GetStringAsync(page)));
        }

        Assert.All(loading, html => Assert.Contains("lastes inn i bakgrunnen", html, StringComparison.Ordinal));
        Assert.All(loading, html => Assert.Contains("role=\"status\"", html, StringComparison.Ordinal));
        Assert.Contains("Programmer, samlinger og oppmøte lastes inn i bakgrunnen", loading[0], StringComparison.Ordinal);
        Assert.DoesNotContain("lastes inn i bakgrunnen", learningDone, StringComparison.Ordinal);
        Assert.Contains("Filområder, skanninger og flytteplanen lastes inn i bakgrunnen", migrationStill, StringComparison.Ordinal);
        Assert.All(done, html => Assert.DoesNotContain("lastes inn i bakgrunnen", html, StringComparison.Ordinal));
    }

    private static Task<WebApplication> BuildAsync(TestDatabase database) => OppdriftWebApp.BuildAsync(
    [
        $"--OPPDRIFT_DATABASE={database.Provider.ConnectionString}",
        $"--Oppdrift:DataDirectory={database.Folder}",
        "--Oppdrift:LoadDemo=true",
        "--Oppdrift:DemoSeed=9",
        "--Oppdrift:DemoUsageDays=0",
        "--urls=http://127.0.0.1:0",
        "--environment=Production",
        "--Logging:LogLevel:Default=Warning",
    ], builder => builder.Services.AddSingleton(DemoOptions.FromConfiguration(builder.Configuration) with { People = People }));

    private static async Task<Counts> CountAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return new Counts(await db.People.CountAsync(), await db.Programmes.CountAsync(), await db.LearningSessions.CountAsync(), await db.Attendance.CountAsync(),
            await db.SourceShares.CountAsync(), await db.ShareMappings.CountAsync(), await db.SurveyRounds.CountAsync(), await db.Processes.CountAsync(),
            await db.Interventions.CountAsync());
    }

    private sealed class ListLogger : ILogger<DemoModulesJob>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
