using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Oppdrift.Shared;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Oppdrift.Learning.Knowledge;

/// <summary>
/// The plain text of an uploaded document for the knowledge bank: Word (.docx), PDF, text (.txt) and Markdown
/// (.md, its syntax taken out). Paragraphs are separated by line breaks. A file that cannot be read gives an
/// error naming it; nothing is guessed.
/// </summary>
public static partial class DocumentText
{
    public static IReadOnlyList<string> Extensions { get; } = [".docx", ".pdf", ".txt", ".md"];

    /// <summary>The largest document read, as uploaded.</summary>
    public const long MaxBytes = 30L * 1024 * 1024;

    /// <summary>
    /// Limits against a zip bomb: a Word document is a zip, and a small one can unpack to gigabytes. The parts' sizes
    /// are checked as the zip declares them before it is opened, and the Open XML reader refuses a part larger than
    /// <see cref="MaxCharactersInPart"/> whatever the zip declared.
    /// </summary>
    public const int MaxParts = 1_000;
    public const long MaxUnpackedBytes = 200L * 1024 * 1024;
    public const int MaxCompressionRatio = 100;
    public const long MaxCharactersInPart = 50_000_000;

    /// <summary>More pages than a PDF in a knowledge bank has; a larger one is refused rather than read.</summary>
    public const int MaxPdfPages = 2_000;

    public static Result<string> Extract(Stream content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return extension switch
        {
            ".docx" => Docx(content, fileName),
            ".pdf" => Pdf(content, fileName),
            ".txt" => PlainText(content, fileName),
            ".md" => Markdown(content, fileName),
            _ => Fail(fileName, KnowledgeText.Get("ErrorUnsupportedType", fileName, extension.Length == 0 ? "–" : extension, string.Join(", ", Extensions))),
        };
    }

    private static Result<string> Fail(string fileName, string message) => Result<string>.Fail(fileName, message);

    /// <summary>The document in memory; null when it is larger than <see cref="MaxBytes"/>.</summary>
    private static MemoryStream? Buffer(Stream content)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = content.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                buffer.Dispose();
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }

    private static Result<string> TooLarge(string fileName) =>
        Fail(fileName, KnowledgeText.Get("ErrorDocumentTooLarge", fileName, MaxBytes / (1024 * 1024)));

    private static Result<string> Docx(Stream content, string fileName)
    {
        try
        {
            using var buffer = Buffer(content);
            if (buffer is null || !ZipLimits.Within(buffer, MaxParts, MaxUnpackedBytes, MaxCompressionRatio))
            {
                return TooLarge(fileName);
            }
            using var document = WordprocessingDocument.Open(buffer, isEditable: false,
                new OpenSettings { MaxCharactersInPart = MaxCharactersInPart });
            var body = document.MainDocumentPart?.Document?.Body;
            if (body is null)
            {
                return Fail(fileName, KnowledgeText.Get("ErrorDocx", fileName));
            }
            var text = new StringBuilder();
            foreach (var paragraph in body.Descendants<Paragraph>())
            {
                var line = ParagraphText(paragraph);
                if (line.Length > 0)
                {
                    text.Append(line).Append('\n');
                }
            }
            return Result<string>.Ok(text.ToString().TrimEnd());
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException or InvalidOperationException)
        {
            return Fail(fileName, KnowledgeText.Get("ErrorDocx", fileName));
        }
    }

    /// <summary>A paragraph's text with tabs and line breaks as spaces, so words on either side stay apart.</summary>
    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar or Break or CarriageReturn:
                    text.Append(' ');
                    break;
            }
        }
        return text.ToString().Trim();
    }

    private static Result<string> Pdf(Stream content, string fileName)
    {
        try
        {
            using var buffer = Buffer(content);
            if (buffer is null)
            {
                return TooLarge(fileName);
            }
            using var document = PdfDocument.Open(buffer.ToArray());
            if (document.NumberOfPages > MaxPdfPages)
            {
                return TooLarge(fileName);
            }
            var text = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                var pageText = ContentOrderTextExtractor.GetText(page).Trim();
                if (pageText.Length > 0)
                {
                    text.Append(pageText).Append('\n');
                }
            }
            return Result<string>.Ok(text.ToString().TrimEnd());
        }
        catch (PdfDocumentEncryptedException)
        {
            return Fail(fileName, KnowledgeText.Get("ErrorPdfEncrypted", fileName));
        }
        catch (Exception e) when (e is PdfDocumentFormatException or InvalidOperationException or ArgumentException or IOException or FormatException or IndexOutOfRangeException)
        {
            return Fail(fileName, KnowledgeText.Get("ErrorPdf", fileName));
        }
    }

    private static Result<string> Markdown(Stream content, string fileName)
    {
        var text = PlainText(content, fileName);
        return text.Succeeded ? Result<string>.Ok(StripMarkdown(text.Value!)) : text;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Text in UTF-8 (with or without a byte-order mark) or UTF-16 (with one, either byte order).</summary>
    private static Result<string> PlainText(Stream content, string fileName)
    {
        using var buffer = Buffer(content);
        if (buffer is null)
        {
            return TooLarge(fileName);
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        try
        {
            string text;
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                text = StrictUtf8.GetString(bytes[3..]);
            }
            else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            {
                text = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]);
            }
            else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            {
                text = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]);
            }
            else
            {
                text = StrictUtf8.GetString(bytes);
            }
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                return Fail(fileName, KnowledgeText.Get("ErrorEncoding", fileName));
            }
            return Result<string>.Ok(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim());
        }
        catch (DecoderFallbackException)
        {
            return Fail(fileName, KnowledgeText.Get("ErrorEncoding", fileName));
        }
    }

    /// <summary>Markdown's text without its syntax: headings, emphasis, code marks, links (their text kept), images (their alt text kept), HTML tags, list and quote marks, table pipes.</summary>
    public static string StripMarkdown(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = new List<string>();
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (FenceLine().IsMatch(line) || RuleLine().IsMatch(line) || TableRuleLine().IsMatch(line))
            {
                continue;
            }
            line = BlockMarks().Replace(line, "");
            line = Image().Replace(line, "$1");
            line = Link().Replace(line, "$1");
            line = ReferenceDefinition().Replace(line, "");
            line = HtmlTag().Replace(line, "");
            line = Emphasis().Replace(line, "");
            line = line.Replace('|', ' ');
            line = Spaces().Replace(line, " ").Trim();
            if (line.Length > 0)
            {
                lines.Add(System.Net.WebUtility.HtmlDecode(line));
            }
        }
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^\s*(```|~~~)")]
    private static partial Regex FenceLine();

    [GeneratedRegex(@"^\s*([-*_]\s*){3,}$")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")]
    private static partial Regex TableRuleLine();

    // Headings, quotes, bullets and numbered items at the start of a line (nested quotes and lists too).
    [GeneratedRegex(@"^\s*((>\s*)+|#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)+")]
    private static partial Regex BlockMarks();

    [GeneratedRegex(@"!\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]+)\](\([^)]*\)|\[[^\]]*\])")]
    private static partial Regex Link();

    [GeneratedRegex(@"^\s*\[[^\]]+\]:\s+\S+.*$")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"</?[A-Za-z][^>]*>")]
    private static partial Regex HtmlTag();

    // Emphasis and code marks: runs of *, _ (at word edges only, so snake_case survives), ` and ~~.
    [GeneratedRegex(@"(\*{1,3}|(?<![\p{L}\p{N}])_{1,3}|_{1,3}(?![\p{L}\p{N}])|`+|~~)")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
