using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Oppdrift.Learning;

/// <summary>How the pages write times (Oslo time, the reader's language), seats and places.</summary>
public static class LearningFormat
{
    public static string Date(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, LearningMail.Oslo).ToString("d. MMM yyyy HH:mm", CultureInfo.CurrentCulture);

    public static string When(LearningSession session)
    {
        var start = TimeZoneInfo.ConvertTimeFromUtc(session.StartsAt, LearningMail.Oslo);
        var end = TimeZoneInfo.ConvertTimeFromUtc(session.EndsAt, LearningMail.Oslo);
        return $"{start.ToString("ddd d. MMM yyyy HH:mm", CultureInfo.CurrentCulture)}–{end.ToString("HH:mm", CultureInfo.CurrentCulture)}";
    }

    public static string Duration(int seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1
            ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    public static string Seats(SessionRow row, IStringLocalizer<LearningText> t) =>
        row.Session.Capacity is { } capacity
            ? t["SeatsTaken", row.Seated, capacity] + (row.Waiting > 0 ? " · " + t["WaitingCount", row.Waiting] : "")
            : t["SeatsUnlimited", row.Seated];

    public static string Place(SessionRow row, IStringLocalizer<LearningText> t) => row.Mine switch
    {
        RegistrationStatus.Registered => t["PlaceRegistered"],
        RegistrationStatus.Waiting => t["PlaceWaiting", row.MyWaitingPosition ?? 0],
        _ => "–",
    };

    public static string Size(long bytes) => bytes < 1024 * 1024
        ? (bytes / 1024.0).ToString("0.#", CultureInfo.CurrentCulture) + " kB"
        : (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.CurrentCulture) + " MB";
}
