// Writes an aggregate table (the overview, a workload's table, an agency's daily figures) to CSV or Excel. The table
// arrives suppressed from UsageQueries; a hidden figure is written as a marker, never as its value, with a note saying why.
//
// CSV: UTF-8 with a byte order mark, semicolons between fields and the UI language's decimal separator without
// thousands separators, so a Norwegian Excel opens it by double-click with columns and numbers intact and other
// tools read it as ordinary ";"-separated text. The .xlsx export is the choice when the file goes beyond Norway.
// Both go through the shared writers (Shared/Exports), so an agency or unit name cannot become a formula.
using System.Globalization;
using System.Text;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Usage;

/// <summary>One row of an exported table: its labels (agency code and name, or a date) and its figures.</summary>
public sealed record UsageSheetRow(IReadOnlyList<string> Labels, IReadOnlyList<UsageCell> Cells);

/// <summary>A table ready to write: label and figure headers, rows, how many decimals each figure column has, and notes.</summary>
public sealed record UsageSheet(
    string Title,
    IReadOnlyList<string> LabelHeaders,
    IReadOnlyList<string> Headers,
    IReadOnlyList<int> Decimals,
    IReadOnlyList<UsageSheetRow> Rows,
    IReadOnlyList<string> Notes);

public static class UsageExport
{
    /// <summary>What a hidden figure is written as; the note row explains it.</summary>
    public const string SuppressedMarker = "·";

    public const char Separator = ';';

    public static int DecimalsOf(UsageTableColumn column) => column.Kind switch
    {
        UsageTableColumnKind.Share => 1,
        UsageTableColumnKind.Ratio => 2,
        _ => 0,
    };

    public static UsageSheet Sheet(UsageTable table, string title)
    {
        var rows = table.Rows.Select(r => new UsageSheetRow([r.Code, r.Name], r.Cells)).ToList();
        rows.Add(new UsageSheetRow(["", table.Municipality.Name], table.Municipality.Cells));
        var notes = new List<string>();
        if (table.Date is { } date)
        {
            notes.Add(UsageText.Get("ExportNoteWindow", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), table.Window, table.DaysWithData));
        }
        notes.Add(UsageText.Get("ExportNoteSuppressed", SuppressedMarker, table.MinimumGroupSize));
        notes.Add(UsageText.Get("ExportNoteMunicipality"));
        return new UsageSheet(title, [UsageText.Get("AgencyCode"), UsageText.Get("Agency")],
            [.. table.Columns.Select(c => c.Name)], [.. table.Columns.Select(DecimalsOf)], rows, notes);
    }

    public static UsageSheet Sheet(UsageSeriesSet set, string title)
    {
        var dates = set.Series.SelectMany(s => s.Points).Select(p => p.Date).Distinct().Order().ToList();
        var byMetric = set.Series.Select(s => s.Points.ToDictionary(p => p.Date, p => p.Cell)).ToList();
        var rows = dates.Select(d => new UsageSheetRow([d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            [.. byMetric.Select(m => m.TryGetValue(d, out var cell) ? cell : UsageCell.NoData)])).ToList();
        return new UsageSheet(title, [UsageText.Get("Date")], [.. set.Series.Select(s => s.Name)], [.. set.Series.Select(_ => 0)], rows,
            [UsageText.Get("ExportNoteSuppressed", SuppressedMarker, set.MinimumGroupSize)]);
    }

    public static byte[] Csv(UsageSheet sheet, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        ArgumentNullException.ThrowIfNull(culture);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var csv = new CsvWriter(text, new CsvOptions { Separator = Separator, Numbers = culture.NumberFormat });
        csv.WriteRow([sheet.Title]);
        csv.WriteRow([.. sheet.LabelHeaders, .. sheet.Headers]);
        foreach (var row in sheet.Rows)
        {
            csv.WriteRow([.. row.Labels, .. row.Cells.Select((c, i) => Figure(c, sheet.Decimals[i]))]);
        }
        csv.WriteRow([]);
        foreach (var note in sheet.Notes)
        {
            csv.WriteRow([note]);
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>A figure as a typed value: the marker text when hidden, nothing when there is no data, else the rounded number.</summary>
    private static object? Figure(UsageCell cell, int decimals) =>
        cell.IsSuppressed ? SuppressedMarker : cell.Value is { } v ? new CsvFixed(v, decimals) : null;

    /// <summary>An .xlsx workbook of one sheet: figures as numbers, hidden figures as the marker text, notes below.</summary>
    public static byte[] Xlsx(UsageSheet sheet)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        using var stream = new MemoryStream();
        using (var workbook = new XlsxWriter(stream))
        {
            workbook.AddSheet(sheet.Title, Rows(sheet));
        }
        return stream.ToArray();
    }

    private static IEnumerable<object?[]> Rows(UsageSheet sheet)
    {
        yield return [sheet.Title];
        yield return [.. sheet.LabelHeaders, .. sheet.Headers];
        foreach (var row in sheet.Rows)
        {
            yield return [.. row.Labels, .. row.Cells.Select((c, i) => c.IsSuppressed ? SuppressedMarker
                : c.Value is { } v ? (object)Math.Round(v, sheet.Decimals[i]) : null)];
        }
        yield return [];
        foreach (var note in sheet.Notes)
        {
            yield return [note];
        }
    }
}
