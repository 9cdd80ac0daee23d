// Loads the demo municipality's usage history in the background after the first start, through the real importer,
// so the app is usable at once and the adoption pages fill in over the following minutes.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;
using Oppdrift.Usage;

namespace Oppdrift.Demo;

public static class DemoUsageLoad
{
    /// <summary>Days of usage the demo loads by default: 13 months, as the demo's story.</summary>
    public const int DefaultDays = 395;

    /// <summary>The last <paramref name="days"/> days up to yesterday, kept within the demo's story.</summary>
    public static (DateOnly First, DateOnly Last) Span(DateOnly today, int days)
    {
        var last = today.AddDays(-1);
        if (last > DemoUsage.StoryEnd)
        {
            last = DemoUsage.StoryEnd;
        }
        var first = last.AddDays(1 - days);
        return (first < DemoUsage.StoryStart ? DemoUsage.StoryStart : first, last);
    }

    /// <summary>Imports the demo's usage reports for the given days, generated as they are read, through the real importer.</summary>
    public static Task<UsageImportResult> LoadAsync(UsageImporter importer, DemoMunicipality municipality, DateOnly first, DateOnly last, bool concealed,
        IProgress<UsageImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(importer);
        var usage = new DemoUsage(municipality, new DemoUsageOptions { Concealed = concealed });
        return importer.ImportAsync(usage.Sources(first, last), new UsageImportRequest { Actor = DemoLoader.Actor, Source = UsageSourceKind.Demo },
            progress, cancellationToken);
    }
}

/// <summary>
/// With <c>Oppdrift:LoadDemo</c>, imports <c>Oppdrift:DemoUsageDays</c> days of demo usage once, when the database has
/// the demo's people and no usage imports yet, reporting to the Usage module's <see cref="UsageLoadStatus"/> so the
/// overview says the reports are loading and Benefits waits for all of them. After a first start it waits until the
/// later modules have loaded (<see cref="DemoModulesJob"/>): the benefits loaded after the reports link the demo's
/// processes, and the effects estimated then read its programmes, processes, shares and change log.
/// </summary>
public sealed partial class DemoUsageJob(IServiceProvider services, DemoOptions options, UsageLoadStatus status, BackgroundLoadStatus loads,
    DemoModulesJob modules, JobLeases leases, TimeProvider clock, ILogger<DemoUsageJob> logger) : BackgroundService
{
    /// <summary>The lease of the demo's background loads (<see cref="DemoModulesJob"/> holds the same one).</summary>
    public const string Key = "DemoUsageLoad";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Load || options.UsageDays <= 0)
        {
            return;
        }
        // Let the web host finish starting before the CPU goes to generating reports.
        await Task.Yield();
        // While the modules load, the overview already says the reports are coming; the batch is handed to the load.
        var waiting = loads.Running ? status.Begin(Reports(Span())) : null;
        try
        {
            // Until the modules' load has ended and released the lease this load takes next.
            await modules.Done.WaitAsync(stoppingToken);
            // Under the lease, so that of several nodes started on one empty database only one loads the history.
            await leases.RunAsync(Key, TimeSpan.Zero, cancellationToken => LoadAsync(waiting, cancellationToken), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the reports imported so far stay, and the rest are not attempted again (imports exist).
        }
        finally
        {
            waiting?.Dispose();
        }
    }

    private (DateOnly First, DateOnly Last) Span() => DemoUsageLoad.Span(DateOnly.FromDateTime(clock.GetLocalNow().DateTime), options.UsageDays);

    private static int Reports((DateOnly First, DateOnly Last) span) => (span.Last.DayNumber - span.First.DayNumber + 1) * UsageReportCatalogue.All.Count;

    private async Task LoadAsync(UsageLoadStatus.Batch? waiting, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        if (await UsageQueries.AnyImportAsync(db, cancellationToken) || !await new OrganisationDirectory(db).AnyPeopleAsync(cancellationToken))
        {
            return;
        }
        var (first, last) = Span();
        // The batch lasts until the benefits loaded after the reports have been measured, so the measurement job
        // does not measure them a second time meanwhile.
        using var own = waiting is null ? status.Begin(Reports((first, last))) : null;
        var batch = waiting ?? own!;
        var started = clock.GetTimestamp();
        var importer = scope.ServiceProvider.GetRequiredService<UsageImporter>();
        var result = await DemoUsageLoad.LoadAsync(importer, DemoMunicipality.Generate(options.Seed, options.People), first, last, options.Concealed, batch, cancellationToken);
        LogLoaded(logger, result.Succeeded, result.Rows, first, last, clock.GetElapsedTime(started).TotalSeconds);
        await LoadBenefitsAsync(scope.ServiceProvider, cancellationToken);
        // The effects of the change log's interventions and of those derived from the demo's programmes, processes and
        // shares, at once rather than at the effects job's next check.
        await scope.ServiceProvider.GetRequiredService<Effects.InterventionSources>().SyncAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<Effects.EffectEstimator>().EstimateAllAsync(cancellationToken);
    }

    /// <summary>
    /// The starter template of goals, benefits and indicators, with baselines from the usage just loaded, a few manual
    /// measurements such as a real municipality would enter, and the automatic measurements taken at once.
    /// </summary>
    private async Task LoadBenefitsAsync(IServiceProvider provider, CancellationToken cancellationToken)
    {
        var user = Benefits.BenefitsTemplate.System(DemoLoader.Actor);
        var loaded = await provider.GetRequiredService<Benefits.BenefitsTemplate>().LoadAsync(user, null, cancellationToken);
        if (!loaded.Succeeded)
        {
            LogBenefitsSkipped(logger, loaded.Error!);
            return;
        }
        await DemoBenefits.EnterManualMeasurementsAsync(provider, user, clock, cancellationToken);
        await DemoProcesses.LinkToBenefitsAsync(provider, user, cancellationToken);
        var written = await provider.GetRequiredService<Benefits.BenefitsMeasurer>().MeasureAllAsync(cancellationToken);
        LogBenefitsLoaded(logger, loaded.Value, written);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo benefits loaded: {Indicators} indicators, {Measurements} automatic measurements")]
    private static partial void LogBenefitsLoaded(ILogger logger, int indicators, int measurements);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo benefits not loaded: {Reason}")]
    private static partial void LogBenefitsSkipped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo usage loaded: {Reports} reports, {Rows} rows, {First} to {Last}, in {Seconds:F0} s")]
    private static partial void LogLoaded(ILogger logger, int reports, long rows, DateOnly first, DateOnly last, double seconds);
}
