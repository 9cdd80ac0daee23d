// Writes an aggregate table (the overview, a workload's table, an agency's daily figures) to CSV or Excel. The table
// arrives suppressed from UsageQueries; a hidden figure is written as a marker, never as its value, with a note saying why.
//
// CSV: UTF-8 with a byte order mark, semicolons between fields and the UI language's decimal separator without
// thousands separators, so a Norwegian Excel opens it by double-click with columns and numbers intact and other
// tools read it as ordinary ";"-separated text. The .xlsx export is the choice when the file goes beyond Norway.
using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

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
        var number = (NumberFormatInfo)culture.NumberFormat.Clone();
        number.NumberGroupSeparator = "";
        var text = new StringBuilder();
        void Line(IEnumerable<string> fields) => text.Append(string.Join(Separator, fields.Select(Quote))).Append("\r\n");

        Line([sheet.Title]);
        Line([.. sheet.LabelHeaders, .. sheet.Headers]);
        foreach (var row in sheet.Rows)
        {
            Line([.. row.Labels, .. row.Cells.Select((c, i) => Text(c, sheet.Decimals[i], number))]);
        }
        text.Append("\r\n");
        foreach (var note in sheet.Notes)
        {
            Line([note]);
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Text(UsageCell cell, int decimals, NumberFormatInfo number) =>
        cell.IsSuppressed ? SuppressedMarker : cell.Value is { } v ? Math.Round(v, decimals).ToString("F" + decimals, number) : "";

    private static string Quote(string field) =>
        field.IndexOfAny([Separator, '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>An .xlsx workbook of one sheet: figures as numbers, hidden figures as the marker text, notes below.</summary>
    public static byte[] Xlsx(UsageSheet sheet)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var worksheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            worksheet.Worksheet = new Worksheet(data);
            uint index = 0;
            Row Add(IEnumerable<Cell> cells)
            {
                var row = new Row { RowIndex = ++index };
                var column = 0;
                foreach (var cell in cells)
                {
                    cell.CellReference = ColumnName(column++) + index.ToString(CultureInfo.InvariantCulture);
                    row.Append(cell);
                }
                data.Append(row);
                return row;
            }

            Add([TextCell(sheet.Title)]);
            Add([.. sheet.LabelHeaders.Select(TextCell), .. sheet.Headers.Select(TextCell)]);
            foreach (var row in sheet.Rows)
            {
                Add([.. row.Labels.Select(TextCell), .. row.Cells.Select((c, i) => FigureCell(c, sheet.Decimals[i]))]);
            }
            Add([]);
            foreach (var note in sheet.Notes)
            {
                Add([TextCell(note)]);
            }
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = 1, Name = SheetName(sheet.Title) });
            workbook.Workbook.Save();
        }
        return stream.ToArray();
    }

    private static Cell TextCell(string text) =>
        new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }) };

    private static Cell FigureCell(UsageCell cell, int decimals) =>
        cell.IsSuppressed ? TextCell(SuppressedMarker)
        : cell.Value is { } v ? new Cell { DataType = CellValues.Number, CellValue = new CellValue(Math.Round(v, decimals)) }
        : new Cell();

    /// <summary>A, B, … Z, AA, AB …</summary>
    internal static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26)
        {
            name = (char)('A' + ((index - 1) % 26)) + name;
        }
        return name;
    }

    // Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    private static string SheetName(string title)
    {
        var clean = new string([.. title.Where(c => "[]:*?/\\".IndexOf(c, StringComparison.Ordinal) < 0)]);
        return clean.Length <= 31 ? clean : clean[..31];
    }
}
