// Writes iCalendar (RFC 5545): the invitation attached to a confirmation e-mail and the feeds Outlook
// subscribes to. Times are written in UTC, which every calendar client converts to the reader's zone.
using System.Globalization;
using System.Text;

namespace Oppdrift.Learning;

public sealed record CalendarEvent
{
    public required string Uid { get; init; }
    public required int Sequence { get; init; }
    public required string Summary { get; init; }
    public string Description { get; init; } = "";
    public required DateTime StartsAt { get; init; }
    public required DateTime EndsAt { get; init; }
    public string? Location { get; init; }
    public string? Url { get; init; }
    public bool Cancelled { get; init; }
}

public enum CalendarMethod
{
    /// <summary>A feed or a file to add to a calendar.</summary>
    Publish,

    /// <summary>An invitation from an organiser to an attendee.</summary>
    Request,

    /// <summary>The organiser withdraws the attendee's place (or the session).</summary>
    Cancel,
}

public sealed record CalendarPerson(string Name, string Email);

public static class CalendarFile
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Write(string calendarName, IEnumerable<CalendarEvent> events, DateTime stamp,
        CalendarMethod method = CalendarMethod.Publish, CalendarPerson? organizer = null, CalendarPerson? attendee = null)
    {
        var text = new StringBuilder();
        Line(text, "BEGIN:VCALENDAR");
        Line(text, "VERSION:2.0");
        Line(text, "PRODID:-//Oppdrift//Learning//NB");
        Line(text, "CALSCALE:GREGORIAN");
        Line(text, "METHOD:" + method.ToString().ToUpperInvariant());
        Line(text, "X-WR-CALNAME:" + Escape(calendarName));
        if (method == CalendarMethod.Publish)
        {
            // Outlook and others poll subscribed feeds; ask for a few hours rather than their default week.
            Line(text, "REFRESH-INTERVAL;VALUE=DURATION:PT4H");
            Line(text, "X-PUBLISHED-TTL:PT4H");
        }
        foreach (var e in events)
        {
            Line(text, "BEGIN:VEVENT");
            Line(text, "UID:" + Escape(e.Uid));
            Line(text, "SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture));
            Line(text, "DTSTAMP:" + Utc(stamp));
            Line(text, "DTSTART:" + Utc(e.StartsAt));
            Line(text, "DTEND:" + Utc(e.EndsAt));
            Line(text, "SUMMARY:" + Escape(e.Summary));
            if (e.Description.Length > 0)
            {
                Line(text, "DESCRIPTION:" + Escape(e.Description));
            }
            if (e.Location is { Length: > 0 })
            {
                Line(text, "LOCATION:" + Escape(e.Location));
            }
            if (e.Url is { Length: > 0 })
            {
                Line(text, "URL:" + Value(e.Url));
            }
            if (organizer is not null)
            {
                Line(text, $"ORGANIZER;CN={Parameter(organizer.Name)}:mailto:{Address(organizer.Email)}");
            }
            if (attendee is not null)
            {
                var status = method == CalendarMethod.Cancel ? "DECLINED" : "ACCEPTED";
                Line(text, $"ATTENDEE;CN={Parameter(attendee.Name)};ROLE=REQ-PARTICIPANT;PARTSTAT={status}:mailto:{Address(attendee.Email)}");
            }
            Line(text, "STATUS:" + (e.Cancelled || method == CalendarMethod.Cancel ? "CANCELLED" : "CONFIRMED"));
            Line(text, "TRANSP:OPAQUE");
            Line(text, "END:VEVENT");
        }
        Line(text, "END:VCALENDAR");
        return text.ToString();
    }

    private static string Utc(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace(";", "\\;", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("\r\n", "\\n", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\n", StringComparison.Ordinal);

    /// <summary>
    /// A parameter value (a person's name in CN=) from data we do not control: parameter values cannot be escaped, only
    /// quoted, so line breaks and every control character (which would start a new property, such as a second ATTENDEE),
    /// the ; and : that end a parameter, and the quote itself are removed rather than trusted to the quoting.
    /// </summary>
    public static string Parameter(string value) =>
        "\"" + new string([.. (value ?? "").Where(c => !char.IsControl(c) && c is not ('"' or ';' or ':'))]) + "\"";

    /// <summary>A URI value (URL:) written as it is, without line breaks or other control characters that would end the line.</summary>
    public static string Value(string value) => new([.. (value ?? "").Where(c => !char.IsControl(c))]);

    /// <summary>An e-mail address after mailto:, without control characters, spaces, ; or : that would change the line's meaning.</summary>
    public static string Address(string value) =>
        new([.. (value ?? "").Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c) && c is not (';' or ':' or '"'))]);

    /// <summary>Writes a content line folded at 75 octets of UTF-8 without splitting a character (RFC 5545 3.1).</summary>
    private static void Line(StringBuilder text, string line)
    {
        var octets = 0;
        var limit = 75;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                text.Append("\r\n ");
                octets = 0;
                limit = 74; // the leading space of a continuation line counts
            }
            text.Append(rune.ToString());
            octets += size;
        }
        text.Append("\r\n");
    }
}
