using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

/// <summary>
/// Writes figures straight into the database for query tests: every metric of the catalogue for each agency and day,
/// with values that follow from the day and the agency's head count so a test can work out what a window must show.
/// </summary>
internal static class UsageSeed
{
    public static readonly DateOnly LastDay = new(2026, 11, 24);

    /// <summary>The agencies of the tests: four of usable size and the demo's two smallest ombuds.</summary>
    public static readonly (string Code, string Name, int People)[] Agencies =
    [
        ("SYE", "Sykehjemsetaten", 600),
        ("BNO", "Bydel Nord", 300),
        ("KUL", "Kulturetaten", 120),
        ("BYA", "Byantikvaren", 40),
        ("MOB", "Mobbeombudet", 4),
        ("ELO", "Eldreombudet", 3),
    ];

    public const int UnplacedPeople = 25;

    /// <summary>A metric's value for one agency on one day: a function of both, never zero, different per metric.</summary>
    public static long Value(string metric, int people, DateOnly date)
    {
        var day = date.DayNumber - LastDay.DayNumber + 100; // 100 on the last day, less before
        var m = UsageMetrics.Get(metric);
        var salt = (metric.Length % 7) + 1;
        return m.Kind switch
        {
            UsageMetricKind.People => metric.EndsWith(".licensed", StringComparison.Ordinal) || metric.EndsWith(".people", StringComparison.Ordinal)
                ? people
                : Math.Max(1, people * (50 + (day % 40)) / 100 - salt % Math.Max(1, people / 2)),
            UsageMetricKind.Sum => (people * salt) + day,
            _ => (people * 1000L * salt) + day,
        };
    }

    public static async Task<Dictionary<string, int>> AgenciesAsync(OppdriftDb db)
    {
        foreach (var (code, name, _) in Agencies)
        {
            db.Agencies.Add(new Agency { Code = code, Name = name, CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        }
        await db.SaveChangesAsync();
        return await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
    }

    /// <summary>Every metric for every agency (and the unplaced) on each of <paramref name="days"/> days up to <see cref="LastDay"/>.</summary>
    public static async Task<Dictionary<string, int>> SeedAsync(OppdriftDb db, int days = 60)
    {
        var ids = await AgenciesAsync(db);
        var groups = Agencies.Select(a => (Id: ids[a.Code], a.People)).Append((Id: UsageFigure.Unplaced, People: UnplacedPeople)).ToList();
        await FiguresAsync(db, groups, LastDay.AddDays(-days + 1), LastDay);
        return ids;
    }

    public static async Task FiguresAsync(OppdriftDb db, IReadOnlyList<(int Id, int People)> groups, DateOnly from, DateOnly to)
    {
        var rows = new List<UsageFigureRow>();
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            foreach (var (id, people) in groups)
            {
                foreach (var metric in UsageMetrics.All)
                {
                    rows.Add(new UsageFigureRow(date, 1, metric.Code, id, Value(metric.Code, people, date), people));
                }
            }
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        await UsageStore.InsertFiguresAsync(db, rows, default);
        await transaction.CommitAsync();
    }
}
