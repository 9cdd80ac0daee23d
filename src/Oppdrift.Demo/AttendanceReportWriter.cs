using System.Globalization;
using System.Text;

namespace Oppdrift.Demo;

/// <summary>Writes an attendance report exactly as Teams does (UTF-16 with BOM, tabs, three sections), for the demo's sessions.</summary>
public static class AttendanceReportWriter
{
    public sealed record Row(string Name, DateTime JoinLocal, DateTime LeaveLocal, string? Email, string? Upn, string Role);

    public static byte[] Write(string title, DateTime startLocal, DateTime endLocal, IReadOnlyList<Row> rows, string locale, bool bigEndian)
    {
        var (format, culture) = locale switch
        {
            "en-US" => ("M/d/yy, h:mm:ss tt", CultureInfo.GetCultureInfo("en-US")),
            "en-GB" => ("dd/MM/yyyy, HH:mm:ss", CultureInfo.InvariantCulture),
            _ => ("dd.MM.yyyy, HH:mm:ss", CultureInfo.InvariantCulture),
        };
        string D(DateTime t) => t.ToString(format, culture);
        var text = new StringBuilder();
        text.Append("1. Summary\r\n");
        text.Append("Meeting title\t").Append(title).Append("\r\n");
        text.Append("Attended participants\t").Append(rows.Count.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("Start time\t").Append(D(startLocal)).Append("\r\n");
        text.Append("End time\t").Append(D(endLocal)).Append("\r\n");
        text.Append("Meeting duration\t").Append(Duration(endLocal - startLocal)).Append("\r\n\r\n");
        text.Append("2. Participants\r\n");
        text.Append("Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\r\n");
        foreach (var r in rows)
        {
            text.Append(r.Name).Append('\t').Append(D(r.JoinLocal)).Append('\t').Append(D(r.LeaveLocal)).Append('\t')
                .Append(Duration(r.LeaveLocal - r.JoinLocal)).Append('\t').Append(r.Email).Append('\t').Append(r.Upn).Append('\t').Append(r.Role).Append("\r\n");
        }
        text.Append("\r\n3. In-Meeting Activities\r\n");
        text.Append("Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\r\n");
        foreach (var r in rows)
        {
            text.Append(r.Name).Append('\t').Append(D(r.JoinLocal)).Append('\t').Append(D(r.LeaveLocal)).Append('\t')
                .Append(Duration(r.LeaveLocal - r.JoinLocal)).Append('\t').Append(r.Email).Append('\t').Append(r.Role).Append("\r\n");
        }
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        return [.. encoding.GetPreamble(), .. encoding.GetBytes(text.ToString())];
    }

    public static string Duration(TimeSpan t)
    {
        var parts = new List<string>();
        if (t.Hours + (t.Days * 24) > 0) parts.Add($"{t.Hours + (t.Days * 24)}h");
        if (t.Minutes > 0) parts.Add($"{t.Minutes}m");
        if (t.Seconds > 0 || parts.Count == 0) parts.Add($"{t.Seconds}s");
        return string.Join(' ', parts);
    }
}
