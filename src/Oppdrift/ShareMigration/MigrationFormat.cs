using System.Globalization;

namespace Oppdrift.ShareMigration;

/// <summary>How the migration pages write figures: bytes in binary units, counts grouped, whole percentages.</summary>
public static class MigrationFormat
{
    public static string Bytes(long bytes) => ScanReport.FormatBytes(bytes);

    public static string Count(long count) => count.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>Whole percent, with one decimal near 0 and 100 so that almost nothing and almost all never show as 0 % or 100 %.</summary>
    public static string Percent(double? value) => value switch
    {
        null => "–",
        > 0 and < 1 => (Math.Ceiling(value.Value * 10) / 10).ToString("0.0", CultureInfo.CurrentCulture) + " %",
        > 99 and < 100 => (Math.Floor(value.Value * 10) / 10).ToString("0.0", CultureInfo.CurrentCulture) + " %",
        _ => value.Value.ToString("0", CultureInfo.CurrentCulture) + " %",
    };

    public static string Date(DateTime? value) => value is { } v ? v.ToString("d", CultureInfo.CurrentCulture) : "–";
}
