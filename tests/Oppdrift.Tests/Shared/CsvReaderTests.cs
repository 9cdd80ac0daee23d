using System.Text;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Shared;

public sealed class CsvReaderTests
{
    private static List<CsvRecord> ReadAll(Stream stream)
    {
        using var reader = new CsvReader(stream, "test.csv");
        var records = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            records.Add(record);
        }
        return records;
    }

    private static InputError Fails(Stream stream)
    {
        var ex = Assert.Throws<InputErrorException>(() => ReadAll(stream));
        return ex.Error;
    }

    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_newlines_and_lines_are_counted_from_where_a_record_starts()
    {
        var records = ReadAll(TestFiles.Text("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,1,2\r\n"));

        Assert.Equal(3, records.Count);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
    }

    [Fact]
    public void Semicolons_from_Norwegian_Excel_are_detected_from_the_header()
    {
        using var reader = new CsvReader(TestFiles.Text("navn;avdeling\r\nKari;Økonomi, plan\r\n", byteOrderMark: false), "x.csv");
        reader.Read();
        var row = reader.Read()!;

        Assert.Equal(';', reader.Delimiter);
        Assert.Equal(["Kari", "Økonomi, plan"], row.Fields);
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    public void Utf16_files_with_a_byte_order_mark_are_read(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes("navn,by\r\nÅse,Tromsø\r\n")).ToArray();

        var records = ReadAll(new MemoryStream(bytes));

        Assert.Equal(["Åse", "Tromsø"], records[1].Fields);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_still_counted()
    {
        var records = ReadAll(TestFiles.Text("a,b\r\n\r\n1,2\r\n"));

        Assert.Equal(2, records.Count);
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Invalid_utf8_names_the_exact_line_even_deep_in_a_large_file()
    {
        var text = new StringBuilder("a,b\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append("verdi,").Append(i).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString()).Concat(new byte[] { 0x6F, 0x6B, 0x2C, 0xC3, 0x28, 0x0A }).ToArray();

        var error = Fails(new MemoryStream(bytes));

        Assert.Equal(20_002, error.Line);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_names_the_field_and_the_byte_of_the_line_it_is_in()
    {
        var error = Fails(new MemoryStream([.. "a,b\n\"quoted\nover two lines\",ok\nfine,"u8, 0xD8, .. "st\n"u8]));

        Assert.Equal((4, 2), (error.Line, error.Column));
        Assert.Contains("byte 6 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_line_that_began_in_an_earlier_block_is_counted_from_the_start_of_its_line()
    {
        // 1,000 fields of 70 bytes: the line is longer than one 64 kB read, and the bad byte is in the next.
        var line = string.Join(',', Enumerable.Repeat(new string('x', 69), 1000));
        var bytes = Encoding.UTF8.GetBytes("a\n" + line + ",").Concat(new byte[] { 0xC3, 0x28, 0x0A }).ToArray();

        var error = Fails(new MemoryStream(bytes));

        Assert.Equal((2, 1001), (error.Line, error.Column));
        Assert.Contains("byte 70001 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_at_the_line_where_it_opens()
    {
        var error = Fails(TestFiles.Text("a,b\r\n1,2\r\n3,\"never closed\r\n4,5\r\n"));

        Assert.Equal(3, error.Line);
        Assert.Equal(2, error.Column);
    }

    [Fact]
    public void A_field_longer_than_the_limit_is_refused_instead_of_filling_memory()
    {
        var error = Fails(TestFiles.Text("a\r\n\"" + new string('x', CsvReader.MaxFieldLength + 10)));

        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_nul_character_means_the_file_is_not_text()
    {
        var error = Fails(new MemoryStream("a,b\n1,\0\n"u8.ToArray()));

        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void An_error_names_file_line_and_column_in_one_line()
    {
        var error = new InputError("users.csv", 12, 3, "department", "is empty");

        Assert.Equal("users.csv:12:3 (department): is empty", error.ToString());
    }
}
