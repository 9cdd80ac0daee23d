// Loads the demo's later modules beside the running app after a first start: the municipality is there when the app
// first answers, and learning, file share migration, surveys, processes and effects fill in over the next half minute.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Processes;
using Oppdrift.Shared;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;

namespace Oppdrift.Demo;

/// <summary>
/// After <see cref="DemoFirstStart"/> has loaded the municipality and marked the later modules loading in
/// <see cref="BackgroundLoadStatus"/>, loads them in order, each through its real services as before: learning, file
/// share migration, surveys (which read the learning's attendance), processes, and the change log (which reads the
/// surveys). Each module's status ends as soon as it is loaded, so its pages stop saying "loading" and its jobs go on.
/// A load that fails is logged, the statuses of the modules left are ended, and the app runs on without them.
/// </summary>
public sealed partial class DemoModulesJob(IServiceProvider services, DemoOptions options, BackgroundLoadStatus loads, JobLeases leases,
    TimeProvider clock, ILogger<DemoModulesJob> logger) : BackgroundService
{
    /// <summary>
    /// The lease of the demo's background loads, the usage history's too: of several nodes started on one empty
    /// database only one loads, and none loads the usage history (and links its benefits) before the modules are there.
    /// </summary>
    public const string Key = DemoUsageJob.Key;

    /// <summary>The modules loaded here, in the order they load.</summary>
    public static readonly IReadOnlyList<string> Parts =
        [LearningModule.BackgroundLoad, ShareMigrationModule.BackgroundLoad, SurveysModule.BackgroundLoad, ProcessesModule.BackgroundLoad, EffectsModule.BackgroundLoad];

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when this node's background load of the modules is over and its lease released, or when there was none to run.</summary>
    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Only after this node's first start loaded the municipality.
            if (!options.Load || !Parts.Any(loads.IsLoading))
            {
                return;
            }
            // Let the web host finish starting before the CPU goes to the modules.
            await Task.Yield();
            await RunAsync(stoppingToken);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    /// <summary>One load of the modules still marked loading, under the lease; never throws but on shutdown, and always ends their statuses.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await leases.RunAsync(Key, TimeSpan.Zero, LoadAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what is loaded stays.
        }
#pragma warning disable CA1031 // A module that fails to load is logged; the app runs on without it and the modules after it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var left = Parts.Where(loads.IsLoading).ToList();
            LogFailed(logger, left.FirstOrDefault() ?? "?", string.Join(", ", left.Skip(1)), e);
        }
        finally
        {
            // However the load ended (another node's to run, failed, stopped), no page may say "loading" for ever.
            loads.EndAll();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var all = clock.GetTimestamp();
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;

        var learning = await provider.GetRequiredService<LearningDemo>().LoadAsync(options.Seed, cancellationToken);
        LogLearningDemoLoaded(logger, learning.Programmes, learning.Sessions, learning.AttendanceFiles, learning.Recordings, learning.Documents);
        loads.End(LearningModule.BackgroundLoad);

        var started = clock.GetTimestamp();
        var migration = await provider.GetRequiredService<DemoMigration>().LoadAsync(options.Seed, options.Folder, cancellationToken);
        LogMigrationDemoLoaded(logger, clock.GetElapsedTime(started).TotalSeconds, migration.Shares, migration.Files, migration.Mappings);
        loads.End(ShareMigrationModule.BackgroundLoad);

        started = clock.GetTimestamp();
        var surveys = await provider.GetRequiredService<DemoSurveys>().LoadAsync(options.Seed, options.Folder, cancellationToken);
        LogSurveysDemoLoaded(logger, clock.GetElapsedTime(started).TotalSeconds, surveys.Rounds, surveys.Responses);
        loads.End(SurveysModule.BackgroundLoad);

        var processes = await provider.GetRequiredService<DemoProcesses>().LoadAsync(Benefits.BenefitsTemplate.System(DemoLoader.Actor), cancellationToken);
        LogProcessesDemoLoaded(logger, processes);
        loads.End(ProcessesModule.BackgroundLoad);

        var interventions = await provider.GetRequiredService<DemoEffects>().LoadAsync(Benefits.BenefitsTemplate.System(DemoLoader.Actor), cancellationToken);
        LogEffectsDemoLoaded(logger, interventions);
        loads.End(EffectsModule.BackgroundLoad);

        LogModulesLoaded(logger, clock.GetElapsedTime(all).TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo learning loaded: {Programmes} programmes, {Sessions} sessions, {Files} attendance reports imported, {Recordings} recordings, {Documents} documents")]
    private static partial void LogLearningDemoLoaded(ILogger logger, int programmes, int sessions, int files, int recordings, int documents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo change log loaded: {Interventions} interventions")]
    private static partial void LogEffectsDemoLoaded(ILogger logger, int interventions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo process register loaded: {Processes} processes")]
    private static partial void LogProcessesDemoLoaded(ILogger logger, int processes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo migration loaded in {Seconds:F1} s: {Shares} file shares scanned ({Files} files), {Mappings} mappings")]
    private static partial void LogMigrationDemoLoaded(ILogger logger, double seconds, int shares, long files, int mappings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo surveys loaded in {Seconds:F1} s: {Rounds} rounds, {Responses} responses")]
    private static partial void LogSurveysDemoLoaded(ILogger logger, double seconds, int rounds, int responses);

    /// <summary>The line that says the background load of the modules is over (<c>scripts/first-start-time.sh</c> and the end-to-end tests wait for it).</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Demo modules loaded in the background in {Seconds:F1} s")]
    private static partial void LogModulesLoaded(ILogger logger, double seconds);

    /// <summary>The line that says the background load failed (the end-to-end tests stop at it).</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "Demo modules not loaded: loading the demo's {Part} failed, and {Left} were not attempted; the app runs on without them")]
    private static partial void LogFailed(ILogger logger, string part, string left, Exception exception);
}
