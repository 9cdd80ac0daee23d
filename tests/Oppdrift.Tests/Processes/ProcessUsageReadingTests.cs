using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Processes;

/// <summary>A moved process's e-mails and shares per person and working day, read from the usage figures of its agencies around the move.</summary>
public sealed class ProcessUsageReadingTests
{
    private static readonly DateOnly LastDay = new(2026, 11, 24);
    private static readonly DateOnly MovedOn = new(2026, 10, 1);

    /// <summary>
    /// 120 days of figures to <see cref="LastDay"/> for SYE (200 people), BNO (150), KUL (50) and TINY (4): on working days
    /// 10 e-mails and 1 file shared per person before <see cref="MovedOn"/>, 6 and 3 from it; nothing at weekends.
    /// </summary>
    private static async Task<Dictionary<string, AgencyRow>> SeedAsync(OppdriftDb db)
    {
        (string Code, int People)[] agencies = [("SYE", 200), ("BNO", 150), ("KUL", 50), ("TINY", 4)];
        foreach (var (code, _) in agencies)
        {
            db.Agencies.Add(new Agency { Code = code, Name = "Etat " + code, CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        }
        await db.SaveChangesAsync();
        var ids = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
        var rows = new List<UsageFigureRow>();
        for (var date = LastDay.AddDays(-119); date <= LastDay; date = date.AddDays(1))
        {
            var working = date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
            var after = date >= MovedOn;
            foreach (var (code, people) in agencies)
            {
                foreach (var metric in UsageMetrics.All.Where(m => m.Report is "getEmailActivityUserDetail" or "getOneDriveActivityUserDetail"
                    or "getSharePointActivityUserDetail" or "getOffice365ActiveUserDetail"))
                {
                    long value = metric.Code switch
                    {
                        "exchange.sent" => working ? people * (after ? 6 : 10) : 0,
                        "sharepoint.sharedInternally" => working ? people * (after ? 3 : 1) : 0,
                        _ when metric.Kind == UsageMetricKind.People => people,
                        _ => 0,
                    };
                    rows.Add(new UsageFigureRow(date, 1, metric.Code, ids[code], value, people));
                }
            }
        }
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await UsageStore.InsertFiguresAsync(db, rows, default);
            await transaction.CommitAsync();
        }
        return await db.Agencies.ToDictionaryAsync(a => a.Code, a => new AgencyRow { Id = a.Id, Code = a.Code, Name = a.Name });
    }

    private static ProcessUsageReader Reader(OppdriftDb db, ProcessServices services) =>
        new(new UsageQueries(db, new SuppressionOptions(), services.Clock, new UsageFigureCache()));

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_eight_weeks_around_the_move_are_read_per_person_and_working_day_and_hidden_or_refused_when_they_cannot_be(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agencies = await SeedAsync(db);
        var reader = Reader(db, new ProcessServices(db));

        var reading = await reader.ReadAsync(MovedOn, [agencies["SYE"], agencies["BNO"]], default);
        Assert.Equal(UsageReadingStatus.Shown, reading.Status);
        var (before, after) = (reading.Before!, reading.After!);
        Assert.Equal((MovedOn.AddDays(-56), MovedOn.AddDays(-1)), (before.From, before.To));
        // The eight weeks after run to 25 November; the figures end on the 24th, so they are read so far.
        Assert.Equal((MovedOn, LastDay), (after.From, after.To));
        Assert.Equal(40, before.WorkingDays);
        Assert.Equal(39, after.WorkingDays);
        Assert.Equal(350, before.People);
        Assert.Equal(10, before.EmailsPerPersonDay, 9);
        Assert.Equal(6, after.EmailsPerPersonDay, 9);
        Assert.Equal(1, before.FilesSharedPerPersonDay, 9);
        Assert.Equal(3, after.FilesSharedPerPersonDay, 9);
        Assert.Equal(-40, ProcessUsageReading.Change(before.EmailsPerPersonDay, after.EmailsPerPersonDay)!.Value, 9);

        // An agency of four people: its figures are hidden on every day, and so is the reading, on both sides.
        var hidden = await reader.ReadAsync(MovedOn, [agencies["SYE"], agencies["TINY"]], default);
        Assert.Equal(UsageReadingStatus.Hidden, hidden.Status);
        Assert.Null(hidden.Before);
        Assert.Null(hidden.After);

        Assert.Equal(UsageReadingStatus.NotMoved, (await reader.ReadAsync(null, [agencies["SYE"]], default)).Status);
        // Moved today: no figures after the move yet.
        Assert.Equal(UsageReadingStatus.TooFewDays, (await reader.ReadAsync(LastDay.AddDays(1), [agencies["SYE"]], default)).Status);
        // Moved before the figures begin: too few days before.
        Assert.Equal(UsageReadingStatus.TooFewDays, (await reader.ReadAsync(LastDay.AddDays(-115), [agencies["SYE"]], default)).Status);
    }
}
