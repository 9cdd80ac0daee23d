using Oppdrift.Usage.Graph;

namespace Oppdrift.Learning;

/// <summary>
/// The <c>Learning:StreamViews</c> section: whether the views of recordings kept in SharePoint or OneDrive (Stream) are read
/// from Microsoft Graph, and how often. It signs in with the app registration of the usage pull, as the Teams harvests do,
/// which then also needs the application permissions Files.Read.All (item analytics) and Files.ReadWrite.All or
/// Sites.ReadWrite.All (the shares API); see docs/operations.md.
/// </summary>
public sealed class StreamViewsOptions
{
    public const string Section = "Learning:StreamViews";

    /// <summary>Off by default: reading every site's files is a tenant administrator's decision.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often the scheduled read runs; Stream's analytics change slowly, so once a day is plenty.</summary>
    public int IntervalHours { get; set; } = 24;

    /// <summary>What keeps the read from running, for a person to fix; empty when it can run.</summary>
    public static IReadOnlyList<string> Problems(StreamViewsOptions options, UsageGraphOptions graph)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The app registration is checked as the attendance harvest checks it; only the switch and the interval are this section's.
        var problems = TeamsAttendanceOptions.Problems(new TeamsAttendanceOptions { Enabled = true }, graph).ToList();
        if (!options.Enabled)
        {
            problems.Insert(0, $"{Section}:{nameof(Enabled)} is false");
        }
        if (options.IntervalHours < 1)
        {
            problems.Add($"{Section}:{nameof(IntervalHours)} must be at least 1");
        }
        return problems;
    }
}
