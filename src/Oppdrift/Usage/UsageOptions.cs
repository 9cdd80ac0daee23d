using Microsoft.Extensions.Configuration;
using Oppdrift.Usage.Graph;

namespace Oppdrift.Usage;

/// <summary>The Usage module's settings (section <c>Usage</c>); see docs/operations.md.</summary>
public sealed record UsageOptions
{
    public const int DefaultRetentionDays = 35;

    public const string DefaultTimeZone = "Europe/Oslo";

    /// <summary>Days the per-person rows are kept for rolling windows; at least 29 so 28-day "returning" can be computed.</summary>
    public int RetentionDays { get; init; } = DefaultRetentionDays;

    /// <summary>
    /// The municipality's time zone, which says what "today" is: a report dated after it is refused. The same setting
    /// as the nightly pull's (<c>Usage:Graph:TimeZone</c>), so the pull never fetches a day the import would refuse.
    /// </summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZone);

    /// <summary>Today's date in <see cref="TimeZone"/>.</summary>
    public DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZone).DateTime);
    }

    public static UsageOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var days = configuration.GetValue<int?>("Usage:RetentionDays") ?? DefaultRetentionDays;
        const string zoneKey = UsageGraphOptions.Section + ":" + nameof(UsageGraphOptions.TimeZone);
        var zone = configuration[zoneKey] is { Length: > 0 } id ? id : DefaultTimeZone;
        try
        {
            return new UsageOptions
            {
                RetentionDays = Math.Max(days, UsageMetrics.Windows.Max() + 1),
                TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone),
            };
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new InvalidOperationException($"{zoneKey}: '{zone}' is not a time zone this system knows; use an IANA name such as {DefaultTimeZone}.", ex);
        }
    }
}
