using System.Globalization;

namespace Oppdrift.ShareMigration;

/// <summary>How the migration pages write figures: bytes in binary units, percentages without decimals below 10 000.</summary>
public static class MigrationFormat
{
    public static string Bytes(long bytes) => ScanReport.FormatBytes(bytes);

    public static string Count(long count) => count.ToString("N0", CultureInfo.CurrentCulture);

    public static string Percent(double? value) => value is { } v ? v.ToString(v is > 0 and < 1 ? "0.0" : "0", CultureInfo.CurrentCulture) + " %" : "–";

    public static string Date(DateTime? value) => value is { } v ? v.ToString("d", CultureInfo.CurrentCulture) : "–";
}
