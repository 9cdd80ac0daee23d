// Reads the attendance report Teams lets a meeting's organiser download: UTF-16 text with a byte-order
// mark, tab-separated, in three numbered sections, with dates in the downloader's locale.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

public sealed record AttendanceParticipant
{
    public required int Line { get; init; }
    public required string Name { get; init; }
    public DateTime? FirstJoin { get; init; }
    public DateTime? LastLeave { get; init; }
    public required TimeSpan Duration { get; init; }
    public string? Email { get; init; }
    public string? ParticipantId { get; init; }
    public string? Role { get; init; }
}

public sealed record AttendanceReport
{
    public string? MeetingTitle { get; init; }

    /// <summary>Times are UTC, converted from the report's local time in the given zone.</summary>
    public DateTime? StartsAt { get; init; }

    public DateTime? EndsAt { get; init; }
    public required IReadOnlyList<AttendanceParticipant> Participants { get; init; }
    public int Activities { get; init; }

    /// <summary>Which date order the file used: "M/d/y", "d/M/y", "d.M.y" or "y-M-d".</summary>
    public required string DateOrder { get; init; }
}

public static partial class AttendanceReportReader
{
    public const string SummarySection = "1. Summary";
    public const string ParticipantsSection = "2. Participants";
    public const string ActivitiesSection = "3. In-Meeting activities";

    private static readonly string[] ParticipantColumns = ["Name", "First join", "Last leave", "In-meeting duration", "Email", "Participant ID (UPN)", "Role"];
    private static readonly string[] ActivityColumns = ["Name", "Join time", "Leave time", "Duration", "Email", "Participant ID (UPN)", "Role"];

    private sealed record DateStyle(string Order, string[] Formats, CultureInfo Culture);

    // The orders Teams writes dates in for its locales; a file uses one throughout.
    private static readonly DateStyle[] Styles =
    [
        new("M/d/y", ["M/d/yy, h:mm:ss tt", "M/d/yyyy, h:mm:ss tt", "M/d/yy, h:mm tt", "M/d/yyyy, h:mm tt", "M/d/yy h:mm:ss tt", "M/d/yyyy h:mm:ss tt"], CultureInfo.InvariantCulture),
        new("d/M/y", ["d/M/yyyy, HH:mm:ss", "d/M/yy, HH:mm:ss", "d/M/yyyy HH:mm:ss", "d/M/yyyy, HH:mm", "d/M/yyyy, h:mm:ss tt", "d/M/yy, h:mm:ss tt"], CultureInfo.InvariantCulture),
        new("d.M.y", ["d.M.yyyy, HH:mm:ss", "d.M.yy, HH:mm:ss", "d.M.yyyy HH:mm:ss", "d.M.yy HH:mm:ss", "d.M.yyyy, HH:mm", "d.M.yyyy HH.mm.ss", "d.M.yyyy, HH.mm.ss"], CultureInfo.InvariantCulture),
        new("y-M-d", ["yyyy-MM-dd, HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd, HH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture),
    ];

    /// <summary>Reads a whole report, or gives every problem found with file, line and column.</summary>
    public static (AttendanceReport? Report, IReadOnlyList<InputError> Errors) Read(Stream content, string fileName, TimeZoneInfo zone)
    {
        var errors = new List<InputError>();
        var bytes = ReadAll(content);
        Encoding encoding;
        int skip;
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
            skip = 2;
        }
        else if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            encoding = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
            skip = 2;
        }
        else
        {
            var found = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? "UTF-8" : LearningText.Get("AttendanceUnknownEncoding");
            errors.Add(new InputError(fileName, 1, null, null, LearningText.Get("AttendanceWrongEncoding", found)));
            return (null, errors);
        }
        string text;
        try
        {
            text = encoding.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new InputError(fileName, 1, null, null, LearningText.Get("AttendanceBrokenText")));
            return (null, errors);
        }

        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int summary = -1, participants = -1, activities = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().Trim('"');
            if (line.Equals(SummarySection, StringComparison.OrdinalIgnoreCase)) summary = i;
            else if (line.Equals(ParticipantsSection, StringComparison.OrdinalIgnoreCase)) participants = i;
            else if (line.Equals(ActivitiesSection, StringComparison.OrdinalIgnoreCase)) activities = i;
        }
        foreach (var (index, name) in new[] { (summary, SummarySection), (participants, ParticipantsSection), (activities, ActivitiesSection) })
        {
            if (index < 0)
            {
                errors.Add(new InputError(fileName, 0, null, null, LearningText.Get("AttendanceMissingSection", name)));
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        if (!(summary < participants && participants < activities))
        {
            errors.Add(new InputError(fileName, participants + 1, null, null, LearningText.Get("AttendanceSectionOrder")));
            return (null, errors);
        }

        // Every date of the file, to choose the order they are written in before reading any.
        var summaryRows = Rows(lines, summary + 1, participants);
        var participantRows = Rows(lines, participants + 1, activities);
        var activityRows = Rows(lines, activities + 1, lines.Length);
        var participantHeader = Header(participantRows, ParticipantColumns, fileName, ParticipantsSection, errors, required: ["Name", "First join", "Last leave", "In-meeting duration"]);
        var activityHeader = Header(activityRows, ActivityColumns, fileName, ActivitiesSection, errors, required: []);
        if (participantHeader is null || (activityRows.Count > 0 && activityHeader is null))
        {
            return (null, errors);
        }

        var samples = new List<string>();
        string? title = null;
        string? start = null, end = null;
        foreach (var (number, fields) in summaryRows)
        {
            if (fields.Length < 2) continue;
            var key = fields[0].Trim();
            if (key.Equals("Meeting title", StringComparison.OrdinalIgnoreCase) || key.Equals("Title", StringComparison.OrdinalIgnoreCase)) title = fields[1].Trim();
            else if (key.Equals("Start time", StringComparison.OrdinalIgnoreCase)) start = fields[1].Trim();
            else if (key.Equals("End time", StringComparison.OrdinalIgnoreCase)) end = fields[1].Trim();
        }
        if (start is not null) samples.Add(start);
        if (end is not null) samples.Add(end);
        foreach (var (_, fields) in participantRows.Skip(1))
        {
            samples.Add(Field(fields, participantHeader, "First join"));
            samples.Add(Field(fields, participantHeader, "Last leave"));
        }
        samples.RemoveAll(s => s.Length == 0);
        var style = Styles.FirstOrDefault(s => samples.All(v => TryDate(v, s, out _)));
        if (style is null)
        {
            // No order reads every date: report the first date no order reads, where it stands.
            style = Styles.OrderByDescending(s => samples.Count(v => TryDate(v, s, out _))).First();
        }

        DateTime? Date(string value, int line, int column, string columnName)
        {
            if (value.Length == 0) return null;
            if (TryDate(value, style, out var local))
            {
                return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
            }
            errors.Add(new InputError(fileName, line, column, columnName, LearningText.Get("AttendanceBadDate", value)));
            return null;
        }

        var startsAt = start is null ? null : Date(start, Line(summaryRows, "Start time"), 2, "Start time");
        var endsAt = end is null ? null : Date(end, Line(summaryRows, "End time"), 2, "End time");

        var people = new List<AttendanceParticipant>();
        foreach (var (number, fields) in participantRows.Skip(1))
        {
            if (fields.Length != participantHeader.Count)
            {
                errors.Add(new InputError(fileName, number, null, null, LearningText.Get("AttendanceFieldCount", participantHeader.Count, fields.Length)));
                continue;
            }
            var name = Field(fields, participantHeader, "Name");
            if (name.Length == 0)
            {
                errors.Add(new InputError(fileName, number, participantHeader["Name"] + 1, "Name", LearningText.Get("AttendanceEmptyName")));
                continue;
            }
            var durationText = Field(fields, participantHeader, "In-meeting duration");
            var duration = ParseDuration(durationText);
            if (duration is null)
            {
                errors.Add(new InputError(fileName, number, participantHeader["In-meeting duration"] + 1, "In-meeting duration", LearningText.Get("AttendanceBadDuration", durationText)));
            }
            var firstJoin = Date(Field(fields, participantHeader, "First join"), number, participantHeader["First join"] + 1, "First join");
            var lastLeave = Date(Field(fields, participantHeader, "Last leave"), number, participantHeader["Last leave"] + 1, "Last leave");
            people.Add(new AttendanceParticipant
            {
                Line = number,
                Name = name,
                FirstJoin = firstJoin,
                LastLeave = lastLeave,
                Duration = duration ?? TimeSpan.Zero,
                Email = Optional(fields, participantHeader, "Email"),
                ParticipantId = Optional(fields, participantHeader, "Participant ID (UPN)"),
                Role = Optional(fields, participantHeader, "Role"),
            });
        }
        var activityCount = 0;
        if (activityHeader is not null)
        {
            foreach (var (number, fields) in activityRows.Skip(1))
            {
                if (fields.Length != activityHeader.Count)
                {
                    errors.Add(new InputError(fileName, number, null, null, LearningText.Get("AttendanceFieldCount", activityHeader.Count, fields.Length)));
                    continue;
                }
                if (activityHeader.TryGetValue("Duration", out var d) && ParseDuration(fields[d].Trim()) is null)
                {
                    errors.Add(new InputError(fileName, number, d + 1, "Duration", LearningText.Get("AttendanceBadDuration", fields[d].Trim())));
                }
                activityCount++;
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new AttendanceReport
        {
            MeetingTitle = title,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Participants = people,
            Activities = activityCount,
            DateOrder = style.Order,
        }, errors);
    }

    /// <summary>Reads Teams durations: "1h 2m 3s", "45m 10s", "12s", "1h".</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var value = text.Trim();
        if (value.Length == 0) return null;
        var match = DurationPattern().Match(value);
        if (!match.Success) return null;
        var hours = match.Groups["h"].Success ? int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
        var minutes = match.Groups["m"].Success ? int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = match.Groups["s"].Success ? int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        if (!match.Groups["h"].Success && !match.Groups["m"].Success && !match.Groups["s"].Success) return null;
        if (minutes > 59 || seconds > 59) return null;
        return new TimeSpan(hours, minutes, seconds);
    }

    [GeneratedRegex(@"^(?:(?<h>\d{1,4})\s*h)?\s*(?:(?<m>\d{1,2})\s*m)?\s*(?:(?<s>\d{1,2})\s*s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    private static bool TryDate(string value, DateStyle style, out DateTime result) =>
        DateTime.TryParseExact(value.Replace('\u202F', ' ').Replace('\u00A0', ' '), style.Formats, style.Culture, DateTimeStyles.AllowWhiteSpaces, out result);

    private static List<(int Line, string[] Fields)> Rows(string[] lines, int from, int to)
    {
        var rows = new List<(int, string[])>();
        for (var i = from; i < to; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            // Tab-separated and unquoted; a name such as "Nordmann, Ola" keeps its comma.
            rows.Add((i + 1, lines[i].Split('\t').Select(Unquote).ToArray()));
        }
        return rows;
    }

    private static string Unquote(string field)
    {
        var value = field.Trim();
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : value;
    }

    private static int Line(List<(int Line, string[] Fields)> rows, string key) =>
        rows.FirstOrDefault(r => r.Fields.Length > 0 && r.Fields[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase)).Line;

    private static Dictionary<string, int>? Header(List<(int Line, string[] Fields)> rows, string[] known, string fileName, string section,
        List<InputError> errors, string[] required)
    {
        if (rows.Count == 0)
        {
            if (required.Length > 0)
            {
                errors.Add(new InputError(fileName, 0, null, null, LearningText.Get("AttendanceNoHeader", section)));
            }
            return null;
        }
        var (line, fields) = rows[0];
        var header = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var before = errors.Count;
        for (var i = 0; i < fields.Length; i++)
        {
            var name = known.FirstOrDefault(k => k.Equals(fields[i].Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                errors.Add(new InputError(fileName, line, i + 1, fields[i], LearningText.Get("AttendanceUnknownColumn", fields[i], section, string.Join(", ", known))));
            }
            else if (!header.TryAdd(name, i))
            {
                errors.Add(new InputError(fileName, line, i + 1, fields[i], LearningText.Get("AttendanceDuplicateColumn", fields[i])));
            }
        }
        foreach (var name in required)
        {
            if (!header.ContainsKey(name))
            {
                errors.Add(new InputError(fileName, line, null, name, LearningText.Get("AttendanceMissingColumn", name, section)));
            }
        }
        return errors.Count == before ? header : null;
    }

    private static string Field(string[] fields, Dictionary<string, int> header, string name) =>
        header.TryGetValue(name, out var i) && i < fields.Length ? fields[i].Trim() : "";

    private static string? Optional(string[] fields, Dictionary<string, int> header, string name) =>
        Field(fields, header, name) is { Length: > 0 } value ? value : null;

    private static byte[] ReadAll(Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return buffer.ToArray();
    }
}
