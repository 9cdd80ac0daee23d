using Microsoft.Extensions.Configuration;

namespace Oppdrift.Benefits;

/// <summary>The Benefits module's settings (section <c>Benefits</c>); see docs/operations.md.</summary>
public sealed record BenefitsOptions
{
    /// <summary>
    /// Kroner per hour of work saved: a fully loaded hour (salary, holiday pay, employer's tax and pension) of an
    /// average municipal employee. Set it to the municipality's own figure.
    /// </summary>
    public const double DefaultHourlyCost = 550;

    public double HourlyCost { get; init; } = DefaultHourlyCost;

    /// <summary>How often the job looks for new usage figures to measure indicators with; zero turns it off.</summary>
    public TimeSpan CheckEvery { get; init; } = TimeSpan.FromMinutes(1);

    public static BenefitsOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new BenefitsOptions
        {
            HourlyCost = configuration.GetValue<double?>("Benefits:HourlyCost") ?? DefaultHourlyCost,
            CheckEvery = TimeSpan.FromSeconds(configuration.GetValue<double?>("Benefits:MeasureCheckSeconds") ?? 60),
        };
    }
}
