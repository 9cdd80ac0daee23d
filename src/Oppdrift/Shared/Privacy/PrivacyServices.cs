using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Data;

namespace Oppdrift.Shared.Privacy;

public static class PrivacyServices
{
    public const string KeyFileName = "pseudonym.key";

    /// <summary>
    /// The pseudonymiser (key from <c>Privacy:PseudonymKey</c>, else a key file in the data directory created on
    /// first use and readable only by the service) and the suppression settings (<c>Privacy:MinimumGroupSize</c>).
    /// </summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PseudonymiserOptionsFrom(configuration));
        services.AddSingleton(provider => new Pseudonymiser(provider.GetRequiredService<PseudonymiserOptions>()));
        services.AddSingleton(SuppressionOptionsFrom(configuration));
        return services;
    }

    public static PseudonymiserOptions PseudonymiserOptionsFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new PseudonymiserOptions
        {
            Key = configuration["Privacy:PseudonymKey"],
            KeyFile = configuration["Privacy:PseudonymKeyFile"] ?? Path.Combine(DataDirectory.Resolve(configuration), KeyFileName),
        };
    }

    public static SuppressionOptions SuppressionOptionsFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SuppressionOptions { MinimumGroupSize = configuration.GetValue<int?>("Privacy:MinimumGroupSize") ?? SuppressionOptions.DefaultMinimumGroupSize };
    }
}
