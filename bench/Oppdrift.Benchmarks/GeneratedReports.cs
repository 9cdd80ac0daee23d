using System.Globalization;
using System.Text;

namespace Oppdrift.Benchmarks;

/// <summary>
/// Usage reports generated in memory, in the shape Microsoft Graph writes them (see testdata/usage): a UTF-8 BOM,
/// the documented header, CRLF line ends, dates, counts, ISO 8601 durations and 32-hex concealed names.
/// </summary>
internal static class GeneratedReports
{
    public const int Rows = 100_000;

    private const string EmailHeader = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Last Activity Date,Send Count,Receive Count,Read Count,Meeting Created Count,Meeting Interacted Count,Assigned Products,Report Period";

    private const string TeamsHeader = "Report Refresh Date,Tenant Display Name,Shared Channel Tenant Display Names,User Id,User Principal Name,Last Activity Date,Is Deleted,Deleted Date,Assigned Products,Team Chat Message Count,Private Chat Message Count,Call Count,Meeting Count,Post Messages,Reply Messages,Urgent Messages,Meetings Organized Count,Meetings Attended Count,Ad Hoc Meetings Organized Count,Ad Hoc Meetings Attended Count,Scheduled One-time Meetings Organized Count,Scheduled One-time Meetings Attended Count,Scheduled Recurring Meetings Organized Count,Scheduled Recurring Meetings Attended Count,Audio Duration,Video Duration,Screen Share Duration,Audio Duration In Seconds,Video Duration In Seconds,Screen Share Duration In Seconds,Has Other Action,Is Licensed,Report Period";

    private static readonly DateOnly RefreshDate = new(2026, 11, 24);

    private static readonly string[] Products = ["MICROSOFT 365 E3", "MICROSOFT 365 F3", "MICROSOFT 365 E3+MICROSOFT TEAMS ROOMS PRO", "OFFICE 365 E1"];

    /// <summary>getEmailActivityUserDetail, 13 columns, concealed names as most tenants have them.</summary>
    public static byte[] EmailActivity(int rows = Rows)
    {
        var random = new Random(1);
        var text = new StringBuilder(rows * 120);
        text.Append(EmailHeader).Append("\r\n");
        for (var i = 0; i < rows; i++)
        {
            var active = random.Next(10) < 8;
            text.Append(Iso(RefreshDate)).Append(',')
                .Append(ConcealedName(random)).Append(',')
                .Append(ConcealedName(random)).Append(',')
                .Append("False,,")
                .Append(active ? Iso(RefreshDate.AddDays(-random.Next(30))) : "").Append(',')
                .Append(Count(random, active, 60)).Append(',')
                .Append(Count(random, true, 400)).Append(',')
                .Append(Count(random, active, 350)).Append(',')
                .Append(Count(random, active, 8)).Append(',')
                .Append(Count(random, active, 25)).Append(',')
                .Append(Products[random.Next(Products.Length)]).Append(',')
                .Append("30\r\n");
        }
        return Encode(text);
    }

    /// <summary>getTeamsUserActivityUserDetail, 33 columns, concealed names and the all-zero User Id.</summary>
    public static byte[] TeamsActivity(int rows = Rows)
    {
        var random = new Random(2);
        var text = new StringBuilder(rows * 300);
        text.Append(TeamsHeader).Append("\r\n");
        for (var i = 0; i < rows; i++)
        {
            var active = random.Next(10) < 7;
            text.Append(Iso(RefreshDate)).Append(",Nordvik kommune,")
                .Append(random.Next(20) == 0 ? "Nabo kommune" : "").Append(',')
                .Append("00000000-0000-0000-0000-000000000000,")
                .Append(ConcealedName(random)).Append(',')
                .Append(active ? Iso(RefreshDate.AddDays(-random.Next(30))) : "").Append(',')
                .Append("False,,")
                .Append(Products[random.Next(Products.Length)]);
            for (var count = 0; count < 15; count++)
            {
                text.Append(',').Append(Count(random, active, 120));
            }
            var audio = active ? random.Next(40 * 3600) : 0;
            var video = active ? random.Next(10 * 3600) : 0;
            var screen = active ? random.Next(3 * 3600) : 0;
            text.Append(',').Append(Duration(audio))
                .Append(',').Append(Duration(video))
                .Append(',').Append(Duration(screen))
                .Append(',').Append(audio.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(video.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(screen.ToString(CultureInfo.InvariantCulture))
                .Append(random.Next(4) == 0 ? ",Yes" : ",No")
                .Append(",Yes,30\r\n");
        }
        return Encode(text);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Count(Random random, bool active, int max) =>
        active ? random.Next(max).ToString(CultureInfo.InvariantCulture) : "0";

    /// <summary>PT1H2M3S as Teams writes it: zero components left out, PT0S for nothing.</summary>
    private static string Duration(int seconds)
    {
        if (seconds == 0)
        {
            return "PT0S";
        }
        var text = new StringBuilder("PT");
        if (seconds >= 3600)
        {
            text.Append(seconds / 3600).Append('H');
        }
        if (seconds % 3600 >= 60)
        {
            text.Append(seconds % 3600 / 60).Append('M');
        }
        if (seconds % 60 > 0)
        {
            text.Append(seconds % 60).Append('S');
        }
        return text.ToString();
    }

    private static string ConcealedName(Random random)
    {
        Span<byte> hash = stackalloc byte[16];
        random.NextBytes(hash);
        return Convert.ToHexString(hash);
    }

    private static byte[] Encode(StringBuilder text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return [0xEF, 0xBB, 0xBF, .. bytes];
    }
}
