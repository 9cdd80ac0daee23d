using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Usage;

/// <summary>The Usage module's services.</summary>
public static class UsageModule
{
    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPrivacy(configuration);
        services.AddSingleton(UsageOptions.FromConfiguration(configuration));
        services.AddScoped<UsageImporter>();
        return services;
    }
}
