using DocumentFormat.OpenXml.Packaging;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Tests.Shared.Exports;

/// <summary>One cell of an exported workbook as a reader sees it: its text, whether it is a number, and whether it is marked as text (quote prefix).</summary>
internal sealed record WorkbookCell(string Text, bool IsNumber, bool QuotePrefixed);

/// <summary>Reads an exported workbook back with DocumentFormat.OpenXml: every sheet's rows of cells, by sheet name.</summary>
internal static class WorkbookCells
{
    public static Dictionary<string, List<List<WorkbookCell>>> Read(byte[] xlsx)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var formats = workbook.WorkbookStylesPart?.Stylesheet.CellFormats?.Elements<X.CellFormat>().ToList() ?? [];
        var sheets = new Dictionary<string, List<List<WorkbookCell>>>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<X.Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            sheets[sheet.Name!] = [.. part.Worksheet.Descendants<X.Row>().Select(row => row.Elements<X.Cell>().Select(c => new WorkbookCell(
                c.DataType?.Value == X.CellValues.InlineString ? c.InlineString!.InnerText : c.CellValue?.Text ?? "",
                c.DataType?.Value == X.CellValues.Number,
                c.StyleIndex is { } style && formats[(int)style.Value].QuotePrefix?.Value == true)).ToList())];
        }
        return sheets;
    }

    /// <summary>Every cell whose text is <paramref name="text"/>, wherever it is.</summary>
    public static List<WorkbookCell> Find(Dictionary<string, List<List<WorkbookCell>>> sheets, string text) =>
        [.. sheets.Values.SelectMany(rows => rows).SelectMany(cells => cells).Where(c => c.Text == text)];

    /// <summary>Whether <paramref name="text"/> is in the workbook, and everywhere marked as text (quote prefix).</summary>
    public static bool MarkedEverywhere(Dictionary<string, List<List<WorkbookCell>>> sheets, string text) =>
        Find(sheets, text) is { Count: > 0 } found && found.All(c => c.QuotePrefixed && !c.IsNumber);
}
