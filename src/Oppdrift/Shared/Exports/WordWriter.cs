// The one Word writer: a document with the product's styles, its paragraphs and bordered tables. The Benefits reports
// and the Processes summary are written with it, so every .docx Oppdrift hands out looks the same.
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Oppdrift.Shared.Exports;

public static class WordWriter
{
    /// <summary>A document whose body <paramref name="build"/> fills, with the styles below; returns the .docx bytes.</summary>
    public static byte[] Write(Action<Body> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            AddStyles(main);
            var body = new Body();
            main.Document = new Document(body);
            build(body);
            main.Document.Save();
        }
        return stream.ToArray();
    }

    /// <summary>A paragraph of text, in a style of <see cref="AddStyles"/> (Title, Subtitle, Heading1, Heading2) or Normal.</summary>
    public static Paragraph Paragraph(string text, string? style = null)
    {
        var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (style is not null)
        {
            paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
        }
        return paragraph;
    }

    /// <summary>A full-width table with single borders; the first row bold and repeated on each page when <paramref name="header"/>.</summary>
    public static Table Table(string[] headers, IReadOnlyList<string[]> rows, bool header = true)
    {
        var border = () => new BorderValues?(BorderValues.Single);
        var table = new Table(new TableProperties(
            new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" },
            new TableBorders(
                new TopBorder { Val = border(), Size = 4 }, new BottomBorder { Val = border(), Size = 4 },
                new LeftBorder { Val = border(), Size = 4 }, new RightBorder { Val = border(), Size = 4 },
                new InsideHorizontalBorder { Val = border(), Size = 4 }, new InsideVerticalBorder { Val = border(), Size = 4 })));
        if (header)
        {
            var head = new TableRow(new TableRowProperties(new TableHeader()));
            foreach (var h in headers)
            {
                head.Append(new TableCell(new Paragraph(new Run(new RunProperties(new Bold()), new Text(h) { Space = SpaceProcessingModeValues.Preserve }))));
            }
            table.Append(head);
        }
        foreach (var row in rows)
        {
            var tr = new TableRow();
            foreach (var cell in row)
            {
                tr.Append(new TableCell(new Paragraph(new Run(new Text(cell) { Space = SpaceProcessingModeValues.Preserve }))));
            }
            table.Append(tr);
        }
        return table;
    }

    /// <summary>Calibri 10.5 pt in Norwegian, and the Title, Subtitle, Heading1 and Heading2 styles.</summary>
    public static void AddStyles(MainDocumentPart main)
    {
        var styles = main.AddNewPart<StyleDefinitionsPart>();
        Style Heading(string id, string name, string size, bool bold = true) => new(
            new StyleName { Val = name }, new BasedOn { Val = "Normal" }, new NextParagraphStyle { Val = "Normal" },
            new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "240", After = "120" }),
            new StyleRunProperties(bold ? new Bold() : new Italic(), new FontSize { Val = size }))
        { Type = StyleValues.Paragraph, StyleId = id };
        styles.Styles = new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri" }, new FontSize { Val = "21" },
                    new Languages { Val = "nb-NO" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "120" }))),
            new Style(new StyleName { Val = "Normal" }) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
            Heading("Title", "Title", "40"),
            Heading("Subtitle", "Subtitle", "24", bold: false),
            Heading("Heading1", "heading 1", "30"),
            Heading("Heading2", "heading 2", "24"));
        styles.Styles.Save();
    }
}
