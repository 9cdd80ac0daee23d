namespace Oppdrift.Learning;

/// <summary>How many distinct people of one agency (null: placed in none by the directory) attended one programme live.</summary>
internal readonly record struct ProgrammeAgencyPeople(int ProgrammeId, int? AgencyId, int People);

/// <summary>
/// One per app: every programme's distinct live attendees per agency, which the agency page and a programme's results
/// suppress and show. Counting them reads all attendance joined to the directory (the largest cost of both pages); they are kept while the
/// attendance is the same (<see cref="LearningQueries.AttendanceVersionAsync"/>) and for at most <see cref="MaxAge"/>, so a
/// directory import that moves people reaches the figures within that time. Suppression is applied to the kept counts
/// as a whole, so a figure is never shown from one version against groups of another.
/// </summary>
public sealed class AttendanceByAgencyCache(TimeProvider clock)
{
    internal static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private sealed record Entry((int Rows, int LastId) Version, DateTimeOffset At, IReadOnlyList<ProgrammeAgencyPeople> Counts);

    private Entry? _current;

    internal async Task<IReadOnlyList<ProgrammeAgencyPeople>> GetAsync((int Rows, int LastId) version,
        Func<Task<IReadOnlyList<ProgrammeAgencyPeople>>> count)
    {
        var now = clock.GetUtcNow();
        if (Volatile.Read(ref _current) is { } kept && kept.Version == version && now - kept.At < MaxAge)
        {
            return kept.Counts;
        }
        var counts = await count();
        Volatile.Write(ref _current, new Entry(version, now, counts));
        return counts;
    }
}
