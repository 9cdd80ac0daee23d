using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Oppdrift.Shared;

namespace Oppdrift.Usage.Graph;

/// <summary>Registers the nightly pull of usage reports from Microsoft Graph.</summary>
public static class UsageGraphModule
{
    /// <summary>
    /// Adds the nightly pull as a hosted service, configured from <c>Usage:Graph</c>. It does nothing unless
    /// <c>Usage:Graph:Enabled</c> is true and a tenant, client and credential are set. The two callbacks connect it to
    /// the importer; each call gets its own service scope, so they can use scoped services such as the database.
    /// </summary>
    /// <param name="import">Imports the downloaded reports (one per call).</param>
    /// <param name="imported">The (report API name, day) pairs already imported successfully.</param>
    /// <param name="transport">Replaces the network under the SDK's middleware (a proxy handler; recorded exchanges in tests).</param>
    public static IServiceCollection AddUsageGraphPull(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, IReadOnlyList<UsageSource>, CancellationToken, Task> import,
        Func<IServiceProvider, CancellationToken, Task<IReadOnlySet<(string Report, DateOnly Date)>>> imported,
        HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new UsageGraphOptions();
        configuration.GetSection(UsageGraphOptions.Section).Bind(options);
        services.AddSingleton(options);
        services.AddSingleton(provider => new UsageGraphPullJob(
            options,
            options.IsConfigured ? GraphReportDownloader.Create(options, transport) : null,
            async (sources, ct) =>
            {
                await using var scope = provider.CreateAsyncScope();
                await import(scope.ServiceProvider, sources, ct);
            },
            async ct =>
            {
                await using var scope = provider.CreateAsyncScope();
                return await imported(scope.ServiceProvider, ct);
            },
            provider.GetRequiredService<JobLeases>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<UsageGraphPullJob>>()));
        services.AddHostedService(provider => provider.GetRequiredService<UsageGraphPullJob>());
        return services;
    }
}
