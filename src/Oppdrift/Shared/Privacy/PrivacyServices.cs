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

    /// <summary>
    /// The key file in use when it lies inside the data folder, else null. The data folder is what gets backed up with the
    /// database; a backup holding both the per-person rows and the key they were hashed with can re-identify people, so
    /// the host warns at start (see docs/privacy.md, "The pseudonymisation key"). A key from configuration
    /// (<c>Privacy:PseudonymKey</c>) uses no file and gets no warning.
    /// </summary>
    public static string? KeyFileInsideDataDirectory(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = PseudonymiserOptionsFrom(configuration);
        if (!string.IsNullOrEmpty(options.Key) || options.KeyFile is null)
        {
            return null;
        }
        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(DataDirectory.Resolve(configuration))) + Path.DirectorySeparatorChar;
        var key = Path.GetFullPath(options.KeyFile);
        return key.StartsWith(data, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) ? key : null;
    }

    public static SuppressionOptions SuppressionOptionsFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SuppressionOptions { MinimumGroupSize = configuration.GetValue<int?>("Privacy:MinimumGroupSize") ?? SuppressionOptions.DefaultMinimumGroupSize };
    }
}
