using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Oppdrift.Shared.Exports;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Tests.Shared.Exports;

public sealed class XlsxWriterTests
{
    [Theory]
    [InlineData(0, "A")]
    [InlineData(1, "B")]
    [InlineData(25, "Z")]
    [InlineData(26, "AA")]
    [InlineData(27, "AB")]
    [InlineData(51, "AZ")]
    [InlineData(52, "BA")]
    [InlineData(701, "ZZ")]
    [InlineData(702, "AAA")]
    [InlineData(16383, "XFD")]
    public void Columns_are_named_as_excel_names_them(int index, string expected) =>
        Assert.Equal(expected, XlsxWriter.ColumnName(index));

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tline\nreturn\r", "tab\tline\nreturn\r")]
    [InlineData("bell\u0007 nul\0 esc\u001B", "bell\uFFFD nul\uFFFD esc\uFFFD")]
    [InlineData("noncharacter\uFFFE\uFFFF", "noncharacter\uFFFD\uFFFD")]
    [InlineData("smil 🙂", "smil 🙂")]
    [InlineData("literal _x0041_ escape", "literal _x005F_x0041_ escape")]
    [InlineData("_x00e6_", "_x005F_x00e6_")]
    [InlineData("not_x12_escape", "not_x12_escape")]
    public void Text_that_xml_cannot_hold_is_replaced_visibly_and_excels_escapes_are_escaped(string text, string expected) =>
        Assert.Equal(expected, XlsxWriter.CellText(text));

    // Not in the table above: a test case's strings pass through UTF-8, where half a surrogate pair cannot go.
    [Fact]
    public void Half_a_surrogate_pair_is_replaced_visibly()
    {
        Assert.Equal("half \uFFFD pair", XlsxWriter.CellText("half \uD83D pair"));
        Assert.Equal("\uFFFD end", XlsxWriter.CellText("\uDE42 end"));
    }

    [Theory]
    [InlineData("Rapport [2026]: Q1/Q2?", "Rapport 2026 Q1Q2")]
    [InlineData("'sitert'", "sitert")]
    [InlineData("En tittel som er mye lengre enn trettien tegn", "En tittel som er mye lengre enn")]
    [InlineData("", "Ark")]
    public void Sheet_names_are_ones_excel_accepts(string title, string expected) =>
        Assert.Equal(expected, XlsxWriter.SheetName(title));

    [Fact]
    public void A_workbook_opens_valid_with_typed_cells_and_text_that_would_start_a_formula_marked_as_text()
    {
        using var stream = new MemoryStream();
        using (var workbook = new XlsxWriter(stream))
        {
            workbook.AddSheet("Tall", new object?[][]
            {
                ["Navn", "Verdi"],
                ["=HYPERLINK(\"http://x\")", -3.5],
                ["\tEnhet", 7],
                ["-2+3", 12345678901L],
                ["kontroll\u0001tegn", 1.25m],
                [null, double.NaN],
            }, columnWidths: [20, 10]);
            workbook.AddSheet("Tall", new object?[][] { ["andre ark"] });
        }

        using var document = SpreadsheetDocument.Open(new MemoryStream(stream.ToArray()), false);
        Assert.Empty(new OpenXmlValidator().Validate(document));
        var part = document.WorkbookPart!;
        Assert.Equal(["Tall", "Tall (2)"], part.Workbook.Sheets!.Elements<X.Sheet>().Select(s => s.Name!.Value));
        var quotePrefix = part.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<X.CellFormat>().ToList();
        var cells = ((WorksheetPart)part.GetPartById(part.Workbook.Sheets!.Elements<X.Sheet>().First().Id!)).Worksheet
            .Descendants<X.Cell>().ToDictionary(c => c.CellReference!.Value!);

        bool Marked(X.Cell cell) => cell.StyleIndex is { } style && quotePrefix[(int)style.Value].QuotePrefix?.Value == true;
        void Text(string reference, string expected, bool marked)
        {
            Assert.Equal(X.CellValues.InlineString, cells[reference].DataType!.Value);
            Assert.Equal(expected, cells[reference].InlineString!.InnerText);
            Assert.Equal(marked, Marked(cells[reference]));
        }
        void Number(string reference, string expected)
        {
            Assert.Equal(X.CellValues.Number, cells[reference].DataType!.Value);
            Assert.Equal(expected, cells[reference].CellValue!.Text);
            Assert.False(Marked(cells[reference]));
        }
        Text("A1", "Navn", marked: false);
        Text("A2", "=HYPERLINK(\"http://x\")", marked: true);
        Number("B2", "-3.5");
        Text("A3", "\tEnhet", marked: true);
        Number("B3", "7");
        Text("A4", "-2+3", marked: true);
        Number("B4", "12345678901");
        Text("A5", "kontroll\uFFFDtegn", marked: false);
        Number("B5", "1.25");
        Assert.Null(cells["A6"].DataType);
        Assert.Null(cells["B6"].CellValue);
    }

    [Theory]
    [InlineData(3, new[] { "1", "2", "3" })]
    [InlineData(4, new[] { "1", "2", "3", "4" })]
    [InlineData(5, new[] { "1", "2", "3", "4", "cut" })]
    [InlineData(9, new[] { "1", "2", "3", "4", "cut" })]
    public void A_sheet_longer_than_excel_holds_stops_one_short_with_the_note(int rows, string[] expected)
    {
        using var stream = new MemoryStream();
        var read = 0;
        IEnumerable<object?[]> Rows()
        {
            for (var i = 1; i <= rows; i++)
            {
                read++;
                yield return [i.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            }
        }
        using (var workbook = new XlsxWriter(stream) { RowLimit = 5 })
        {
            workbook.AddSheet("Liste", Rows(), "cut");
        }
        using var document = SpreadsheetDocument.Open(new MemoryStream(stream.ToArray()), false);
        var part = document.WorkbookPart!;
        var sheet = (WorksheetPart)part.GetPartById(part.Workbook.Sheets!.Elements<X.Sheet>().Single().Id!);
        Assert.Equal(expected, sheet.Worksheet.Descendants<X.Row>().Select(r => r.InnerText));
        // Streamed: nothing past the limit is read.
        Assert.Equal(Math.Min(rows, 5), read);
    }

    [Fact]
    public void A_value_of_another_type_is_a_programming_error()
    {
        using var stream = new MemoryStream();
        using var workbook = new XlsxWriter(stream);
        Assert.Throws<ArgumentException>(() => workbook.AddSheet("Ark", new object?[][] { [new DateOnly(2026, 12, 1)] }));
    }
}
