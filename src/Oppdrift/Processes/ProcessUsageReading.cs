// What the usage figures show around a process's move: e-mails sent and files shared per person and working day in
// the agencies involved, in the eight weeks before the move date and the eight weeks from it. An indicator next to the
// owner's measures, not one of them: it counts all the agencies' e-mail and sharing, not only this process's.
using Oppdrift.Organisation;
using Oppdrift.Usage;

namespace Oppdrift.Processes;

/// <summary>One side of the move: the days read, the working days among them with figures, the people behind them and the rates.</summary>
public sealed record UsageSide(DateOnly From, DateOnly To, int WorkingDays, int People, double EmailsPerPersonDay, double FilesSharedPerPersonDay);

public enum UsageReadingStatus
{
    /// <summary>Both sides have figures: the rates can be compared.</summary>
    Shown,

    /// <summary>The process has not moved: there is no date to read around.</summary>
    NotMoved,

    /// <summary>A figure of an agency involved is hidden on some day, or fewer people than the minimum group size are behind it.</summary>
    Hidden,

    /// <summary>Too few working days with usage figures on one side or both.</summary>
    TooFewDays,
}

public sealed record ProcessUsageReading(UsageReadingStatus Status, DateOnly? MovedOn, UsageSide? Before, UsageSide? After, int MinimumGroupSize)
{
    /// <summary>The change from before to after in percent, or null.</summary>
    public static double? Change(double before, double after) => before > 0 ? 100 * (after - before) / before : null;
}

public sealed class ProcessUsageReader(UsageQueries usage)
{
    /// <summary>Eight weeks on each side of the move date.</summary>
    public const int Days = 56;

    /// <summary>A side with fewer working days with figures than this says too little.</summary>
    public const int MinWorkingDays = 10;

    public const string EmailsSent = "exchange.sent";
    public const string Licensed = "exchange.licensed";

    /// <summary>Files shared by link from OneDrive and SharePoint, inside the municipality and outside it.</summary>
    public static readonly string[] FilesShared = ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"];

    /// <summary>The reading for a process that moved on <paramref name="movedOn"/> and involves <paramref name="agencies"/> (its owner included).</summary>
    public async Task<ProcessUsageReading> ReadAsync(DateOnly? movedOn, IReadOnlyCollection<AgencyRow> agencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencies);
        if (movedOn is not { } moved)
        {
            return new ProcessUsageReading(UsageReadingStatus.NotMoved, null, null, null, usage.MinimumGroupSize);
        }
        var latest = await usage.LatestDateAsync(cancellationToken);
        var afterEnd = moved.AddDays(Days - 1);
        if (latest is { } last && last < afterEnd)
        {
            afterEnd = last; // the eight weeks after are still running: read them so far
        }
        var before = await SideAsync(moved.AddDays(-Days), moved.AddDays(-1), agencies, cancellationToken);
        var after = afterEnd < moved ? new Side(null, false) : await SideAsync(moved, afterEnd, agencies, cancellationToken);
        var status = before.Hidden || after.Hidden ? UsageReadingStatus.Hidden
            : before.Value is null || after.Value is null ? UsageReadingStatus.TooFewDays
            : UsageReadingStatus.Shown;
        return status == UsageReadingStatus.Shown
            ? new ProcessUsageReading(status, moved, before.Value, after.Value, usage.MinimumGroupSize)
            : new ProcessUsageReading(status, moved, null, null, usage.MinimumGroupSize);
    }

    private sealed record Side(UsageSide? Value, bool Hidden);

    private async Task<Side> SideAsync(DateOnly from, DateOnly to, IReadOnlyCollection<AgencyRow> agencies, CancellationToken cancellationToken)
    {
        long emails = 0, shares = 0;
        double people = 0;
        var days = new HashSet<DateOnly>();
        foreach (var agency in agencies)
        {
            var set = await usage.SeriesAsync(agency.Id, [EmailsSent, Licensed, .. FilesShared], from, to, cancellationToken);
            if (set.Series.Any(s => s.Points.Any(p => p.Cell.IsSuppressed)))
            {
                return new Side(null, true);
            }
            var sent = set.Find(EmailsSent)?.Points ?? [];
            var licensed = set.Find(Licensed)?.Points.Where(p => p.Cell.Value is not null).ToList() ?? [];
            emails += sent.Sum(p => (long)(p.Cell.Value ?? 0));
            shares += FilesShared.Sum(m => set.Find(m)?.Points.Sum(p => (long)(p.Cell.Value ?? 0)) ?? 0);
            // The people an agency's rate is over: its licensed people on the days read, on average.
            people += licensed.Count == 0 ? 0 : licensed.Average(p => p.Cell.Value!.Value);
            days.UnionWith(sent.Select(p => p.Date));
        }
        var workingDays = days.Count(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        var headCount = (int)Math.Round(people);
        if (workingDays > 0 && headCount < usage.MinimumGroupSize)
        {
            return new Side(null, true);
        }
        if (workingDays < MinWorkingDays || headCount == 0)
        {
            return new Side(null, false);
        }
        return new Side(new UsageSide(from, to, workingDays, headCount, emails / people / workingDays, shares / people / workingDays), false);
    }
}
