using Microsoft.Extensions.Configuration;

namespace Oppdrift.Usage;

/// <summary>The Usage module's settings (section <c>Usage</c>); see docs/operations.md.</summary>
public sealed record UsageOptions
{
    public const int DefaultRetentionDays = 35;

    /// <summary>Days the per-person rows are kept for rolling windows; at least 29 so 28-day "returning" can be computed.</summary>
    public int RetentionDays { get; init; } = DefaultRetentionDays;

    public static UsageOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var days = configuration.GetValue<int?>("Usage:RetentionDays") ?? DefaultRetentionDays;
        return new UsageOptions { RetentionDays = Math.Max(days, UsageMetrics.Windows.Max() + 1) };
    }
}
