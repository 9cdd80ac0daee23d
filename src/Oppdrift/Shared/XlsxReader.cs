// Reads the first sheet of an .xlsx workbook row by row, as the imports need it: each cell's text as Excel shows it
// (shared or inline strings, numbers in invariant form) and, for cells formatted as a date or time, the date.
using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Shared;

/// <summary>One cell: its 0-based column, its text, its number when it is one, and its date when formatted as one.</summary>
public readonly record struct XlsxCell(int Column, string Text, double? Number, DateTime? Date);

/// <summary>One row of a sheet: its 1-based row number in the sheet and its non-empty cells in column order.</summary>
public sealed record XlsxRow(int Number, IReadOnlyList<XlsxCell> Cells)
{
    /// <summary>The cell in a column, or an empty one.</summary>
    public XlsxCell this[int column]
    {
        get
        {
            foreach (var cell in Cells)
            {
                if (cell.Column == column)
                {
                    return cell;
                }
            }
            return new XlsxCell(column, "", null, null);
        }
    }
}

public static class XlsxReader
{
    /// <summary>
    /// Limits against a zip bomb, far above any real export: a Forms export of 20,000 responses and 30 questions unpacks
    /// to about 60 MB in a handful of parts, compressed 5 to 20 times.
    /// </summary>
    public const int MaxParts = 1_000;
    public const long MaxUnpackedBytes = 1024L * 1024 * 1024;
    public const int MaxCompressionRatio = 200;
    public const long MaxCharactersInPart = 500_000_000;

    // Excel's built-in number formats that show a date or time.
    private static readonly HashSet<uint> DateFormats = [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47];

    /// <summary>
    /// Every row of the workbook's first sheet. A file that is not a workbook is refused with an error naming the file;
    /// the rows are read with a streaming reader and returned in sheet order.
    /// </summary>
    public static Result<IReadOnlyList<XlsxRow>> ReadFirstSheet(Stream content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        SpreadsheetDocument document;
        try
        {
            if (!content.CanSeek)
            {
                var copy = new MemoryStream();
                content.CopyTo(copy);
                copy.Position = 0;
                content = copy;
            }
            if (!ZipLimits.Within(content, MaxParts, MaxUnpackedBytes, MaxCompressionRatio))
            {
                return Result<IReadOnlyList<XlsxRow>>.Fail(fileName, SharedText.Get("XlsxTooLarge", fileName));
            }
            document = SpreadsheetDocument.Open(content, false, new OpenSettings { MaxCharactersInPart = MaxCharactersInPart });
        }
        catch (Exception e) when (e is OpenXmlPackageException or FileFormatException or InvalidDataException or IOException or ArgumentException)
        {
            return Result<IReadOnlyList<XlsxRow>>.Fail(fileName, SharedText.Get("XlsxNotAWorkbook", fileName));
        }
        using (document)
        {
            var workbook = document.WorkbookPart;
            var sheet = workbook?.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault();
            if (workbook is null || sheet?.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part)
            {
                return Result<IReadOnlyList<XlsxRow>>.Fail(fileName, SharedText.Get("XlsxNoSheet", fileName));
            }
            var strings = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
            var dateStyles = DateStyles(workbook);
            var rows = new List<XlsxRow>();
            using var reader = OpenXmlReader.Create(part);
            var number = 0;
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
                {
                    continue;
                }
                var row = (Row)reader.LoadCurrentElement()!;
                number = row.RowIndex?.Value is { } index ? (int)index : number + 1;
                var cells = new List<XlsxCell>();
                var column = -1;
                foreach (var cell in row.Elements<Cell>())
                {
                    column = cell.CellReference?.Value is { } reference ? ColumnOf(reference) : column + 1;
                    var value = Read(cell, strings, dateStyles, column);
                    if (value.Text.Length > 0)
                    {
                        cells.Add(value);
                    }
                }
                rows.Add(new XlsxRow(number, cells));
            }
            return Result<IReadOnlyList<XlsxRow>>.Ok(rows);
        }
    }

    private static XlsxCell Read(Cell cell, List<string> strings, HashSet<uint> dateStyles, int column)
    {
        var raw = cell.CellValue?.Text ?? "";
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < strings.Count
                ? new XlsxCell(column, strings[i], null, null)
                : new XlsxCell(column, "", null, null);
        }
        if (type == CellValues.InlineString)
        {
            return new XlsxCell(column, cell.InlineString?.InnerText ?? "", null, null);
        }
        if (type == CellValues.String || type == CellValues.Error)
        {
            return new XlsxCell(column, raw, null, null);
        }
        if (type == CellValues.Boolean)
        {
            return new XlsxCell(column, raw == "1" ? "TRUE" : "FALSE", null, null);
        }
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new XlsxCell(column, raw, null, null);
        }
        DateTime? date = null;
        if (cell.StyleIndex?.Value is { } style && dateStyles.Contains(style) && number is > -657435 and < 2958466)
        {
            date = DateTime.FromOADate(number);
        }
        return new XlsxCell(column, raw, number, date);
    }

    /// <summary>The cell styles whose number format shows a date or time: the built-in ones and custom codes with d, m, y or h outside quotes.</summary>
    private static HashSet<uint> DateStyles(WorkbookPart workbook)
    {
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        var custom = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null && IsDateCode(f.FormatCode?.Value ?? ""))
            .Select(f => f.NumberFormatId!.Value).ToHashSet() ?? [];
        var styles = new HashSet<uint>();
        uint index = 0;
        foreach (var format in stylesheet?.CellFormats?.Elements<CellFormat>() ?? [])
        {
            if (format.NumberFormatId?.Value is { } id && (DateFormats.Contains(id) || custom.Contains(id)))
            {
                styles.Add(index);
            }
            index++;
        }
        return styles;
    }

    private static bool IsDateCode(string code)
    {
        var quoted = false;
        foreach (var c in code)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is 'd' or 'D' or 'm' or 'M' or 'y' or 'Y' or 'h' or 'H')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The 0-based column of a reference such as "AB12".</summary>
    public static int ColumnOf(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var column = 0;
        foreach (var c in reference)
        {
            if (c is >= 'A' and <= 'Z')
            {
                column = (column * 26) + (c - 'A' + 1);
            }
            else if (c is >= 'a' and <= 'z')
            {
                column = (column * 26) + (c - 'a' + 1);
            }
            else
            {
                break;
            }
        }
        return column - 1;
    }
}
