using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning.Knowledge;

public sealed class DocumentTextTests
{
    private static string Extract(string name)
    {
        using var file = TestFiles.Open("learning", "knowledge", name);
        var result = DocumentText.Extract(file, name);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    private static string Error(string name)
    {
        using var file = TestFiles.Open("learning", "knowledge", name);
        var result = DocumentText.Extract(file, name);
        Assert.False(result.Succeeded);
        Assert.Equal(name, result.Field);
        Assert.Contains(name, result.Error, StringComparison.Ordinal);
        return result.Error!;
    }

    [Fact]
    public void A_Word_document_gives_its_paragraphs_and_table_cells_with_runs_joined()
    {
        var text = Extract("hybrid-ledelse.docx");

        Assert.Equal(
            "Hybrid ledelse med digitale verktøy\n" +
            "Dette notatet oppsummerer opplæringene for ledergruppene i virksomhetene.\n" +
            "Ledere som bruker Teams til ukentlige avdelingsmøter, melder om kortere møter og bedre oppfølging.\n" +
            "Verktøy OneNote for felles notater.\n" +
            "SharePoint\n" +
            "Dokumentdeling på tvers av virksomheter\n" +
            "Neste samling handler om møtekultur.", text);
    }

    [Fact]
    public void A_PDF_gives_the_text_of_every_page_with_Norwegian_letters()
    {
        var text = Extract("frokostwebinar-onenote.pdf");

        Assert.Contains("Opplæringen viser hvordan ledergruppen deler notatblokker.", text, StringComparison.Ordinal);
        Assert.Contains("Spørsmål om tilgang og deling i SharePoint ble besvart.", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("OneNote for ledere", StringComparison.Ordinal) < text.IndexOf("Side to", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("notat-utf8.txt")]
    [InlineData("notat-utf8-bom.txt")]
    [InlineData("notat-utf16le.txt")]
    [InlineData("notat-utf16be.txt")]
    public void Text_in_UTF8_or_UTF16_with_a_byte_order_mark_reads_the_same(string name) =>
        Assert.Equal("Møtenotat fra samlingen\n\nVi øvde på å dele skjerm i Teams og å lage kanaler for prosjektene.", Extract(name));

    [Fact]
    public void Markdown_loses_its_syntax_and_keeps_its_words()
    {
        var text = Extract("veileder-kanaler.md");

        Assert.Equal(
            "Veileder: kanaler i Teams\n" +
            "Denne veilederen beskriver hvordan et team organiserer kanaler.\n" +
            "Når bør dere lage en ny kanal?\n" +
            "Når et prosjekt trenger egne filer i SharePoint.\n" +
            "Når samtalene drukner i Generelt.\n" +
            "Lag kanalen.\n" +
            "Fest en fane med OneNote-ikon notatblokken.\n" +
            "Tips: bruk @omtale for å varsle hele kanalen.\n" +
            "Verktøy Brukes til\n" +
            "Planner oppgaver\n" +
            "kode som ikke er tekst\n" +
            "Les mer i M365-veiledningen & oppslagsverket.", text);
    }

    [Fact]
    public void Text_in_another_encoding_is_refused_with_the_file_named() =>
        Assert.Contains("UTF-8", Error("notat-windows-1252.txt"), StringComparison.Ordinal);

    [Theory]
    [InlineData("not-a-word-file.docx")]
    [InlineData("not-a-pdf.pdf")]
    public void A_file_that_is_not_what_its_name_says_is_refused_with_the_file_named(string name) => Error(name);

    [Fact]
    public void An_unsupported_type_is_refused_and_the_accepted_types_named()
    {
        var result = DocumentText.Extract(new MemoryStream([1, 2, 3]), "budsjett.xlsx");

        Assert.False(result.Succeeded);
        Assert.Contains("budsjett.xlsx", result.Error, StringComparison.Ordinal);
        Assert.Contains(".docx, .pdf, .txt, .md", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Paragraphs_are_gathered_into_passages_of_bounded_length()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("samarbeid", 30));
        var passages = KnowledgePassages.FromText(string.Join('\n', Enumerable.Repeat(paragraph, 5)));

        Assert.True(passages.Count > 1);
        Assert.All(passages, p => Assert.True(p.Text.Length <= KnowledgePassages.TargetLength + paragraph.Length));
        Assert.Equal(5, passages.Sum(p => p.Text.Split('\n').Length));
        Assert.All(passages, p => Assert.Null(p.Anchor));
    }

    /// <summary>A .docx (a zip) whose parts are <paramref name="parts"/>, each its name and how many zero bytes it holds.</summary>
    private static MemoryStream Zip(params (string Name, int Bytes)[] parts)
    {
        var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in parts)
            {
                using var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.Fastest).Open();
                entry.Write(new byte[bytes]);
            }
        }
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void A_zip_bomb_is_refused_before_it_is_unpacked_by_its_ratio_or_its_number_of_parts()
    {
        using var bomb = Zip(("word/document.xml", 20 * 1024 * 1024));
        using var swarm = Zip([.. Enumerable.Range(0, DocumentText.MaxParts + 1).Select(i => ($"word/media/{i}.bin", 1))]);

        var ratio = DocumentText.Extract(bomb, "bombe.docx");
        var parts = DocumentText.Extract(swarm, "mange.docx");

        Assert.True(bomb.Length < 1024 * 1024, bomb.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(ratio.Succeeded);
        Assert.Equal(KnowledgeText.Get("ErrorDocumentTooLarge", "bombe.docx", 30), ratio.Error);
        Assert.False(parts.Succeeded);
        Assert.Equal(KnowledgeText.Get("ErrorDocumentTooLarge", "mange.docx", 30), parts.Error);
    }

    [Fact]
    public void A_document_over_the_size_limit_is_refused_without_reading_it_all()
    {
        using var large = new MemoryStream(new byte[DocumentText.MaxBytes + 1]);

        var result = DocumentText.Extract(large, "stor.txt");

        Assert.False(result.Succeeded);
        Assert.Contains("stor.txt", result.Error, StringComparison.Ordinal);
        Assert.Equal(KnowledgeText.Get("ErrorDocumentTooLarge", "stor.txt", 30), result.Error);
    }
}
