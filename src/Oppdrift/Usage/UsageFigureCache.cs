// Keeps what the usage pages compute from many daily figures in memory: each report's suppression pattern per day,
// window sums, the daily series the agency pages draw and the latest period reports. Figures change only when an import lands, so everything is kept for one version of the imports
// and thrown away when the version changes.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;

namespace Oppdrift.Usage;

/// <summary>
/// Which imports are current: their number and the sum of their ids. Every import that lands adds its own new id and
/// takes away the id of the one it replaces, so the pair changes with each one. (The largest id alone would not do:
/// ids are handed out when an import starts writing, so on PostgreSQL two overlapping imports can commit in the other
/// order, and the second commit would leave the largest id as it was.)
/// </summary>
public readonly record struct UsageDataVersion(int Imports, long IdSum)
{
    public static async Task<UsageDataVersion> ReadAsync(OppdriftDb db, CancellationToken cancellationToken) =>
        await db.UsageImports.AsNoTracking()
            .Where(i => i.IsCurrent)
            .GroupBy(i => 1)
            .Select(g => new UsageDataVersion(g.Count(), g.Sum(i => (long)i.Id)))
            .SingleOrDefaultAsync(cancellationToken);
}

/// <summary>One metric's sum over a window for one agency (0: the unplaced); Current is the window ending on the day, not the one before it.</summary>
internal readonly record struct UsageWindowSum(string Metric, int AgencyId, bool Current, long Value);

/// <summary>One agency's figure (0: the unplaced) in a period report, with the people it is over.</summary>
internal readonly record struct UsagePeriodFigure(string Metric, int AgencyId, long Value, int People);

/// <summary>The latest period report of some metrics: its refresh date, its period in days and its figures (null: none imported).</summary>
internal sealed record UsagePeriodFigures(DateOnly Date, int Period, UsagePeriodFigure[]? Figures);

/// <summary>One per app: what has been computed from the figures of the current <see cref="UsageDataVersion"/>.</summary>
public sealed class UsageFigureCache
{
    /// <summary>
    /// More days than several years of every report: past this the cache starts over, so requests for far-off dates
    /// (remembered as days without figures) cannot make it grow without end.
    /// </summary>
    internal const int MaxPatterns = 50_000;

    /// <summary>Window sums for this many (columns, day, window) at most: a few hundred kilobytes each at most.</summary>
    internal const int MaxSums = 500;

    /// <summary>
    /// Series for this many (agency, metrics, days) at most: an agency page's 28 metrics over 90 days are about 2,500
    /// points, some 100 kilobytes.
    /// </summary>
    internal const int MaxSeries = 300;

    private readonly Lock _lock = new();
    private Generation _current = new(default);

    /// <summary>What is known for this version; a different version (or a full cache) starts empty.</summary>
    internal Generation For(UsageDataVersion version)
    {
        lock (_lock)
        {
            if (version != _current.Version || _current.Patterns.Count > MaxPatterns || _current.Sums.Count > MaxSums || _current.Series.Count > MaxSeries)
            {
                _current = new Generation(version);
            }
            return _current;
        }
    }

    internal sealed class Generation(UsageDataVersion version)
    {
        public UsageDataVersion Version { get; } = version;

        /// <summary>A report's suppression on a day, or null when it has no figures that day.</summary>
        public ConcurrentDictionary<(string Report, DateOnly Date), UsageQueries.Reasons?> Patterns { get; } = new();

        /// <summary>Sums of the metrics (joined by commas) over the window ending on the day and the one before it.</summary>
        public ConcurrentDictionary<(string Metrics, DateOnly End, int Window), UsageWindowSum[]> Sums { get; } = new();

        /// <summary>An agency's (or, with no agency, the municipality's) daily series of the metrics (joined by commas) from one day to another.</summary>
        public ConcurrentDictionary<(int? AgencyId, string Metrics, DateOnly From, DateOnly To), List<UsageSeries>> Series { get; } = new();

        /// <summary>The latest period report of the metrics (joined by commas), as <see cref="UsagePeriodFigures"/>.</summary>
        public ConcurrentDictionary<string, UsagePeriodFigures> PeriodFigures { get; } = new();
    }
}
