using Ical.Net;
using Oppdrift.Learning;

namespace Oppdrift.Tests.Learning;

public sealed class CalendarFileTests
{
    private static readonly DateTime Stamp = new(2025, 3, 10, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_feed_reads_back_with_every_session_its_times_and_Norwegian_text_intact()
    {
        var description = string.Concat(Enumerable.Repeat("Møter, opptak; notater i OneNote – på æ, ø og å. ", 8)) + "\nNy linje \\ med skråstrek.";
        var events = Enumerable.Range(0, 52).Select(week => new CalendarEvent
        {
            Uid = $"s{week}@oppdrift",
            Sequence = week % 3,
            Summary = $"Frokostwebinar uke {week + 1}: Teams, SharePoint og OneNote",
            Description = description,
            StartsAt = new DateTime(2025, 1, 7, 7, 0, 0, DateTimeKind.Utc).AddDays(7 * week),
            EndsAt = new DateTime(2025, 1, 7, 7, 45, 0, DateTimeKind.Utc).AddDays(7 * week),
            Location = "Microsoft Teams",
            Url = "https://oppdrift.nordvik.kommune.no/learning/sessions/" + week,
            Cancelled = week == 5,
        }).ToList();

        var text = CalendarFile.Write("Frokostwebinar", events, Stamp);

        Assert.All(text.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        var calendar = Calendar.Load(text)!;
        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal(52, calendar.Events.Count);
        var week6 = calendar.Events.Single(e => e.Uid == "s5@oppdrift");
        Assert.Equal("CANCELLED", week6.Status);
        var first = calendar.Events.Single(e => e.Uid == "s0@oppdrift");
        Assert.Equal(description, first.Description);
        Assert.Equal("Frokostwebinar uke 1: Teams, SharePoint og OneNote", first.Summary);
        Assert.Equal(events[0].StartsAt, first.DtStart!.AsUtc);
        Assert.Equal(events[0].EndsAt, first.DtEnd!.AsUtc);
        Assert.Equal(new Uri(events[0].Url!), first.Url);
    }

    [Fact]
    public void A_cancellation_names_the_same_event_so_calendars_remove_it()
    {
        var e = new CalendarEvent { Uid = "x@oppdrift", Sequence = 2, Summary = "Økt", StartsAt = Stamp.AddDays(1), EndsAt = Stamp.AddDays(1).AddHours(1) };
        var text = CalendarFile.Write("Økt", [e], Stamp, CalendarMethod.Cancel, new CalendarPerson("Oppdrift", "kurs@nordvik.kommune.no"), new CalendarPerson("Nordmann, Ola", "ola@nordvik.kommune.no"));

        var calendar = Calendar.Load(text)!;
        Assert.Equal("CANCEL", calendar.Method);
        var parsed = Assert.Single(calendar.Events);
        Assert.Equal("x@oppdrift", parsed.Uid);
        Assert.Equal("CANCELLED", parsed.Status);
        Assert.Equal("Nordmann, Ola", parsed.Attendees.Single().CommonName);
    }
}
