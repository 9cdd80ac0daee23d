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

    [Fact]
    public void Names_addresses_and_links_from_the_directory_cannot_add_a_property_or_parameter_to_an_invitation()
    {
        var hostile = "Kari\r\nATTENDEE;CN=Angriper:mailto:angriper@example.com\r\nX-EXTRA:1;ROLE=CHAIR:\"x\"";
        var session = new CalendarEvent
        {
            Uid = "s1@oppdrift",
            Sequence = 0,
            Summary = "Bedre møter",
            StartsAt = Stamp,
            EndsAt = Stamp.AddHours(1),
            Url = "https://oppdrift.example/learning/sessions/1\r\nORGANIZER:mailto:x@example.com",
        };

        var text = CalendarFile.Write("Frokostwebinar", [session], Stamp, CalendarMethod.Request,
            new CalendarPerson(hostile, "kurs@nordvik.kommune.no\r\nX-EVIL:1"), new CalendarPerson(hostile, "kari@nordvik.kommune.no;RSVP=TRUE:x"));

        var unfolded = text.Replace("\r\n ", "", StringComparison.Ordinal);
        var lines = unfolded.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("ATTENDEE", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("ORGANIZER", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("X-EXTRA", StringComparison.Ordinal) || l.StartsWith("X-EVIL", StringComparison.Ordinal));
        var attendee = lines.Single(l => l.StartsWith("ATTENDEE", StringComparison.Ordinal));
        // One CN parameter whose quoted value holds no ; : or quote, then the fixed parameters, then the address.
        Assert.Equal("ATTENDEE;CN=\"KariATTENDEECN=Angripermailtoangriper@example.comX-EXTRA1ROLE=CHAIRx\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:kari@nordvik.kommune.noRSVP=TRUEx",
            attendee);
        var calendar = Calendar.Load(text)!;
        var parsed = Assert.Single(calendar.Events);
        Assert.Equal("https://oppdrift.example/learning/sessions/1ORGANIZER:mailto:x@example.com", parsed.Url!.OriginalString);
    }
}
