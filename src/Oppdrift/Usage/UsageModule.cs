using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Data;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Usage;

/// <summary>The Usage module's services, and the nightly Graph pull wired to the importer.</summary>
public static class UsageModule
{
    public const string GraphActor = "graph";

    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPrivacy(configuration);
        services.AddSingleton(UsageOptions.FromConfiguration(configuration));
        services.AddScoped<UsageImporter>();
        services.AddUsageGraphPull(configuration, ImportPulledAsync, ImportedAsync);
        return services;
    }

    private static async Task ImportPulledAsync(IServiceProvider services, IReadOnlyList<UsageSource> sources, CancellationToken cancellationToken)
    {
        var importer = services.GetRequiredService<UsageImporter>();
        var result = await importer.ImportAsync(sources, new UsageImportRequest { Actor = GraphActor, Source = UsageSourceKind.Graph }, cancellationToken: cancellationToken);
        if (result.Failed > 0)
        {
            // The job records a throwing import as that report's failure and goes on; the import history has the details.
            var errors = result.Files.SelectMany(f => f.Errors).Take(3).Select(e => e.ToString());
            throw new UsageImportRejectedException(string.Join(Environment.NewLine, errors));
        }
    }

    private static async Task<IReadOnlySet<(string Report, DateOnly Date)>> ImportedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<OppdriftDb>();
        var imports = await db.UsageImports.AsNoTracking()
            .Where(i => i.IsCurrent && i.ReportDate != null)
            .Select(i => new { i.Report, i.ReportDate })
            .ToListAsync(cancellationToken);
        return imports.Select(i => (i.Report, i.ReportDate!.Value)).ToHashSet();
    }
}

/// <summary>A pulled report the importer rejected; the message holds its first errors as file:line:column lines.</summary>
public sealed class UsageImportRejectedException : Exception
{
    public UsageImportRejectedException()
    {
    }

    public UsageImportRejectedException(string message) : base(message)
    {
    }

    public UsageImportRejectedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
