using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Tests.Surveys;

/// <summary>
/// Writes a workbook shaped like the one Microsoft Forms downloads: one sheet, shared strings, a header row of ID, Start
/// time, Completion time, Email, Name (optionally Last modified time) and a column per question or Likert statement,
/// times as Excel dates with a date format, IDs and numeric answers as numbers.
/// </summary>
internal static class FormsWorkbook
{
    public static readonly string[] Fixed = ["ID", "Start time", "Completion time", "Email", "Name"];

    /// <summary>A response: e-mail (or "anonymous"), completion time and the answer texts in question order (null: skipped).</summary>
    public sealed record Response(string Email, DateTime Completed, IReadOnlyList<string?> Answers);

    public static byte[] Write(IReadOnlyList<string> questions, IEnumerable<Response> responses, bool lastModified = false, IReadOnlyList<string>? header = null)
    {
        var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "m/d/yy h:mm:ss" }) { Count = 1 },
                new Fonts(new Font()) { Count = 1 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None })) { Count = 1 },
                new Borders(new Border()) { Count = 1 },
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 2 });
            var strings = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            Cell Text(string text)
            {
                if (!index.TryGetValue(text, out var i))
                {
                    index[text] = i = strings.Count;
                    strings.Add(text);
                }
                return new Cell { DataType = CellValues.SharedString, CellValue = new CellValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            }
            static Cell Number(double value) => new() { CellValue = new CellValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            static Cell Date(DateTime value) => new() { StyleIndex = 1, CellValue = new CellValue(value.ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture)) };

            var data = new SheetData();
            var columns = header ?? [.. Fixed, .. lastModified ? new[] { "Last modified time" } : [], .. questions];
            data.Append(Row(1, columns.Select(Text)));
            var rowNumber = 1;
            foreach (var response in responses)
            {
                rowNumber++;
                var cells = new List<Cell?>
                {
                    Number(rowNumber - 1),
                    Date(response.Completed.AddMinutes(-4)),
                    Date(response.Completed),
                    Text(response.Email),
                    response.Email == "anonymous" ? null : Text(response.Email.Split('@')[0]),
                };
                if (lastModified)
                {
                    cells.Add(null);
                }
                cells.AddRange(response.Answers.Select(a => a is null ? null : int.TryParse(a, out var n) ? Number(n) : Text(a)));
                data.Append(Row(rowNumber, cells));
            }
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new Worksheet(data);
            var shared = workbook.AddNewPart<SharedStringTablePart>();
            shared.SharedStringTable = new SharedStringTable(strings.Select(s => new SharedStringItem(new Text(s))));
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Sheet1" }));
        }
        return stream.ToArray();
    }

    private static Row Row(int number, IEnumerable<Cell?> cells)
    {
        var row = new Row { RowIndex = (uint)number };
        var column = 0;
        foreach (var cell in cells)
        {
            if (cell is not null)
            {
                cell.CellReference = Oppdrift.Shared.Exports.XlsxWriter.ColumnName(column) + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                row.Append(cell);
            }
            column++;
        }
        return row;
    }
}
