// The one Excel writer for every export: sheets streamed row by row with OpenXmlWriter (the findings workbook can hold
// a million rows), typed cells, Excel's row limit, and text that neither breaks the XML nor runs as a formula.
using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Shared.Exports;

/// <summary>
/// An .xlsx workbook written one sheet at a time. Cells are typed: text (string) is an inline string, whole numbers
/// (int, long) and numbers (double, decimal) are numbers, null is an empty cell; anything else is a programming error.
/// Text that begins with = + - @, a tab or a carriage return is marked "quote prefix", Excel's leading apostrophe:
/// shown and kept as text even when someone edits the cell, with the value itself unchanged.
/// </summary>
public sealed class XlsxWriter : IDisposable
{
    /// <summary>Excel's last row.</summary>
    public const int MaxRows = 1_048_576;

    // Style 1 in the stylesheet below: the quote prefix.
    private const uint QuotePrefixStyle = 1;

    private readonly SpreadsheetDocument _document;
    private readonly WorkbookPart _workbook;
    private readonly Sheets _sheets;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private uint _sheetId = 1;

    public XlsxWriter(Stream output)
    {
        _document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        _workbook = _document.AddWorkbookPart();
        _workbook.Workbook = new Workbook();
        _sheets = _workbook.Workbook.AppendChild(new Sheets());
        var styles = _workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        styles.Stylesheet.Save();
    }

    /// <summary>The rows a sheet may hold; below <see cref="MaxRows"/> only in tests, which cannot write a million rows quickly.</summary>
    internal int RowLimit { get; init; } = MaxRows;

    /// <summary>
    /// Writes one sheet, reading <paramref name="rows"/> once and as it goes. When there are more rows than Excel holds, the
    /// sheet stops one short and its last row is <paramref name="truncatedNote"/> (by default a general one that says so).
    /// Column widths (in characters) are optional.
    /// </summary>
    public void AddSheet(string name, IEnumerable<IReadOnlyList<object?>> rows, string? truncatedNote = null, IReadOnlyList<double>? columnWidths = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var part = _workbook.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(part))
        {
            writer.WriteStartElement(new Worksheet());
            if (columnWidths is { Count: > 0 })
            {
                var columns = new Columns();
                for (var c = 0; c < columnWidths.Count; c++)
                {
                    columns.Append(new Column { Min = (uint)(c + 1), Max = (uint)(c + 1), Width = columnWidths[c], CustomWidth = true });
                }
                writer.WriteElement(columns);
            }
            writer.WriteStartElement(new SheetData());
            uint index = 0;
            foreach (var values in rows)
            {
                if (index == RowLimit - 1)
                {
                    WriteRow(writer, ++index, [truncatedNote ?? SharedText.Get("ExportRowsCut")]);
                    break;
                }
                WriteRow(writer, ++index, values);
            }
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        _sheets.Append(new Sheet { Id = _workbook.GetIdOfPart(part), SheetId = _sheetId++, Name = UniqueSheetName(name) });
    }

    public void Dispose()
    {
        _workbook.Workbook.Save();
        _document.Dispose();
    }

    /// <summary>A, B, … Z, AA, AB … for the zero-based column index.</summary>
    public static string ColumnName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26)
        {
            name = (char)('A' + ((index - 1) % 26)) + name;
        }
        return name;
    }

    /// <summary>A name Excel accepts for a sheet: without []:*?/\ and control characters, not starting or ending with ', at most 31 characters.</summary>
    public static string SheetName(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var clean = new string([.. title.Where(c => "[]:*?/\\".IndexOf(c, StringComparison.Ordinal) < 0 && !char.IsControl(c))]).Trim('\'');
        clean = clean.Length <= 31 ? clean : clean[..31].TrimEnd('\'');
        return clean.Length == 0 ? "Ark" : clean;
    }

    /// <summary>Whether text would start a formula if someone typed it into a cell.</summary>
    public static bool StartsFormula(string text) => text.Length > 0 && CsvWriter.FormulaStarts.Contains(text[0], StringComparison.Ordinal);

    /// <summary>
    /// Text as the cell stores it. XML 1.0 cannot hold control characters other than tab, line feed and carriage return,
    /// nor U+FFFE, U+FFFF or half a surrogate pair: each becomes U+FFFD, visibly. Excel reads _xHHHH_ as an escaped
    /// character, so a literal one has its underscore escaped (_x005F_) to come back as written.
    /// </summary>
    public static string CellText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsCleaning(text))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (!IsXmlChar(c))
            {
                builder.Append('\uFFFD');
            }
            else if (c == '_' && IsEscapeAt(text, i))
            {
                builder.Append("_x005F_");
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!IsXmlChar(c) || (c == '_' && IsEscapeAt(text, i)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= ' ' && c < '\uD800') || (c > '\uDFFF' && c < '\uFFFE');

    private static bool IsEscapeAt(string text, int i) =>
        i + 6 < text.Length && text[i + 1] == 'x' && char.IsAsciiHexDigit(text[i + 2]) && char.IsAsciiHexDigit(text[i + 3])
        && char.IsAsciiHexDigit(text[i + 4]) && char.IsAsciiHexDigit(text[i + 5]) && text[i + 6] == '_';

    private string UniqueSheetName(string name)
    {
        var clean = SheetName(name);
        var unique = clean;
        for (var n = 2; !_names.Add(unique); n++)
        {
            var suffix = string.Create(CultureInfo.InvariantCulture, $" ({n})");
            unique = (clean.Length + suffix.Length <= 31 ? clean : clean[..(31 - suffix.Length)]) + suffix;
        }
        return unique;
    }

    private static void WriteRow(OpenXmlWriter writer, uint index, IReadOnlyList<object?> values)
    {
        writer.WriteStartElement(new Row { RowIndex = index });
        var row = index.ToString(CultureInfo.InvariantCulture);
        for (var c = 0; c < values.Count; c++)
        {
            writer.WriteElement(Cell(ColumnName(c) + row, values[c]));
        }
        writer.WriteEndElement();
    }

    private static Cell Cell(string reference, object? value) => value switch
    {
        null => new Cell { CellReference = reference },
        string text => new Cell
        {
            CellReference = reference,
            DataType = CellValues.InlineString,
            StyleIndex = StartsFormula(text) ? new UInt32Value(QuotePrefixStyle) : null,
            InlineString = new InlineString(new Text(CellText(text)) { Space = SpaceProcessingModeValues.Preserve }),
        },
        int n => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(n) },
        long n => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue((decimal)n) },
        decimal n => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(n) },
        // Excel has no NaN or infinity; such a figure is left empty rather than making the workbook unreadable.
        double d when !double.IsFinite(d) => new Cell { CellReference = reference },
        double d => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(d) },
        _ => throw new ArgumentException($"A cell is text, a number or null, not {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>The least stylesheet Excel opens without repair, and the quote-prefix format as style 1.</summary>
    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" })) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, QuotePrefix = true })
        { Count = 2 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
}
