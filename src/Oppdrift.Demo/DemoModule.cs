using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.Demo;

/// <summary>The demo's settings (<c>Oppdrift:LoadDemo</c>, <c>DemoSeed</c>, <c>DemoUsageDays</c>, <c>DemoConcealed</c>); see docs/operations.md.</summary>
public sealed record DemoOptions
{
    /// <summary>Load the demo municipality at start when the database has no people.</summary>
    public bool Load { get; init; }

    public int Seed { get; init; } = DemoMunicipality.DefaultSeed;

    /// <summary>Days of usage the background job imports after the first start; zero or less loads none.</summary>
    public int UsageDays { get; init; } = DemoUsageLoad.DefaultDays;

    /// <summary>How many people the municipality has; the default is the model municipality's size (tests load fewer).</summary>
    public int People { get; init; } = DemoCatalogue.TargetPeople;

    /// <summary>Load the usage reports as a tenant that conceals user names.</summary>
    public bool Concealed { get; init; }

    /// <summary>Where the demo's files are written: <c>demo</c> in the data folder.</summary>
    public required string Folder { get; init; }

    public static DemoOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new DemoOptions
        {
            Load = configuration.GetValue<bool>("Oppdrift:LoadDemo"),
            Seed = configuration.GetValue("Oppdrift:DemoSeed", DemoMunicipality.DefaultSeed),
            UsageDays = configuration.GetValue("Oppdrift:DemoUsageDays", DemoUsageLoad.DefaultDays),
            Concealed = configuration.GetValue<bool>("Oppdrift:DemoConcealed"),
            Folder = Path.Combine(DataDirectory.Resolve(configuration), "demo"),
        };
    }
}

/// <summary>The demo as a guest of a host: everything it needs, registered by the host that wants it.</summary>
public static class DemoModule
{
    /// <summary>
    /// The loaders, the first-start load and the background loads of the later modules and the usage. They do nothing unless
    /// <c>Oppdrift:LoadDemo</c> is set, so a host may call this whether or not the demo is wanted. Call it after the
    /// modules the demo loads through (Organisation, Usage, Learning, Benefits, ShareMigration, Processes).
    /// </summary>
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        // A host (a test) that registered its own options first keeps them.
        services.TryAddSingleton(DemoOptions.FromConfiguration(configuration));
        services.AddScoped<DemoLoader>();
        services.AddScoped<LearningDemo>();
        services.AddScoped<DemoMigration>();
        services.AddScoped<DemoSurveys>();
        services.AddScoped<DemoProcesses>();
        services.AddScoped<DemoEffects>();
        services.TryAddSingleton<BackgroundLoadStatus>();
        services.AddHostedService<DemoFirstStart>();
        services.AddSingleton<DemoModulesJob>();
        services.AddHostedService(provider => provider.GetRequiredService<DemoModulesJob>());
        services.AddHostedService<DemoUsageJob>();
        return services;
    }
}

/// <summary>
/// With <c>Oppdrift:LoadDemo</c> and no people in the database, loads the demo municipality's directory and agencies
/// before any hosted service starts and before the web server listens: the first page a newcomer sees is populated. The
/// later modules (learning, file share migration, surveys, processes, effects) then load beside the running app
/// (<see cref="DemoModulesJob"/>), marked loading here so that their pages say so from the first request and no job
/// acts on half of them. The host migrates the database before it starts. The usage history follows them
/// (<see cref="DemoUsageJob"/>).
/// </summary>
public sealed partial class DemoFirstStart(IServiceProvider services, DemoOptions options, BackgroundLoadStatus loads, TimeProvider clock,
    ILogger<DemoFirstStart> logger) : IHostedLifecycleService
{
    // StartingAsync runs for every lifecycle service before any hosted service's StartAsync, the web server's included.
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!options.Load)
        {
            return;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        if (await new OrganisationDirectory(db).AnyPeopleAsync(cancellationToken))
        {
            return;
        }
        var started = clock.GetTimestamp();
        var result = await scope.ServiceProvider.GetRequiredService<DemoLoader>()
            .LoadAsync(DemoMunicipality.Generate(options.Seed, options.People), options.Folder, cancellationToken: cancellationToken);
        LogDemoLoaded(logger, clock.GetElapsedTime(started).TotalSeconds, result.DirectoryImport.Rows, result.AgenciesCreated, options.Folder);
        loads.Begin(DemoModulesJob.Parts);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo municipality loaded in {Seconds:F1} s: {People} people, {Agencies} agencies created ({Folder})")]
    private static partial void LogDemoLoaded(ILogger logger, double seconds, int people, int agencies, string folder);
}
