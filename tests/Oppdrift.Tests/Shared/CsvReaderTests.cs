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

    // The reader decodes 64 kB of bytes at a time; these put what follows the filler right at a block's end.
    private const int Block = 64 * 1024;

    /// <summary>Blank lines (skipped, but counted) so that <paramref name="rest"/>'s byte at <paramref name="split"/> starts the second block.</summary>
    private static MemoryStream SplitAt(string rest, int split)
    {
        var bytes = Encoding.UTF8.GetBytes(rest);
        var filler = Enumerable.Repeat((byte)'\n', Block - Encoding.UTF8.GetByteCount(rest.AsSpan(0, split)));
        return new MemoryStream([.. filler, .. bytes]);
    }

    [Fact]
    public void A_doubled_quote_split_between_two_blocks_is_one_quote_of_the_text()
    {
        const string rest = "a,\"say \"\"hi\"\"\"\n1,2\n";
        var records = ReadAll(SplitAt(rest, rest.IndexOf("\"\"", StringComparison.Ordinal) + 1));

        Assert.Equal(["a", "say \"hi\""], records[0].Fields);
        Assert.Equal(["1", "2"], records[1].Fields);
    }

    [Fact]
    public void A_closing_quote_at_the_end_of_a_block_closes_the_field()
    {
        const string rest = "a,\"x, y\"\n1,2\n";
        var records = ReadAll(SplitAt(rest, rest.IndexOf('\n', StringComparison.Ordinal)));

        Assert.Equal(["a", "x, y"], records[0].Fields);
        Assert.Equal(["1", "2"], records[1].Fields);
    }

    [Fact]
    public void A_CRLF_split_between_two_blocks_is_one_line_break()
    {
        const string rest = "a,b\r\n1,2\r\n3,4\r\n";
        var records = ReadAll(SplitAt(rest, rest.IndexOf('\n', StringComparison.Ordinal)));

        Assert.Equal([["a", "b"], ["1", "2"], ["3", "4"]], records.Select(r => r.Fields));
        var first = Block - rest.IndexOf('\n', StringComparison.Ordinal) + 1;
        Assert.Equal([first, first + 1, first + 2], records.Select(r => r.Line));
    }

    [Fact]
    public void A_character_of_two_bytes_split_between_two_blocks_is_read_whole()
    {
        const string rest = "Tromsø,Bodø\n1,2\n";
        var records = ReadAll(SplitAt(rest, rest.IndexOf('ø', StringComparison.Ordinal) + 1));

        Assert.Equal(["Tromsø", "Bodø"], records[0].Fields);
        Assert.Equal(["1", "2"], records[1].Fields);
    }

    [Fact]
    public void Invalid_utf8_right_after_a_block_boundary_names_its_line_and_byte()
    {
        var bytes = new byte[Block - 3].AsSpan();
        bytes.Fill((byte)'\n');
        var file = new MemoryStream([.. bytes, .. "ab,"u8, 0xC3, 0x28, .. "\n"u8]);

        var error = Fails(file);

        Assert.Equal((Block - 2, 2), (error.Line, error.Column));
        Assert.Contains("byte 4 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_longer_than_a_block_are_read_whole_up_to_the_limit()
    {
        // 40,000 two-byte characters: 80,000 bytes, more than a block, but within the limit of characters.
        var longField = new string('ø', 40_000);
        var unquoted = ReadAll(TestFiles.Text($"a,b\n1,{longField},3\n4,5\n"));
        var quoted = ReadAll(TestFiles.Text($"a,b\n1,\"{longField}\n\"\"\",3\n4,5\n"));
        var atTheLimit = ReadAll(TestFiles.Text($"a\n{new string('x', CsvReader.MaxFieldLength)}\n"));

        Assert.Equal([["a", "b"], ["1", longField, "3"], ["4", "5"]], unquoted.Select(r => r.Fields));
        Assert.Equal([["a", "b"], ["1", longField + "\n\"", "3"], ["4", "5"]], quoted.Select(r => r.Fields));
        Assert.Equal([1, 2, 4], quoted.Select(r => r.Line));
        Assert.Equal(CsvReader.MaxFieldLength, atTheLimit[1].Fields[0].Length);
        Assert.Equal(2, Fails(TestFiles.Text($"a\n{new string('x', CsvReader.MaxFieldLength + 1)}\n")).Line);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_or_a_real_U_FFFF_is_text_and_changes_no_boundary()
    {
        var records = ReadAll(TestFiles.Text("a,b\n2\" tall,x\"y\"\n\uFFFF,z\uFFFF\r\n"));

        Assert.Equal([["a", "b"], ["2\" tall", "x\"y\""], ["\uFFFF", "z\uFFFF"]], records.Select(r => r.Fields));
        Assert.Equal([1, 2, 3], records.Select(r => r.Line));
    }

    [Fact]
    public void Reading_a_byte_at_a_time_gives_the_same_records_as_reading_whole_blocks()
    {
        // Whole blocks take most fields in one step; a byte at a time, every field crosses a block boundary.
        var random = new Random(14);
        string[] fields = ["", "a", "abc", "Økonomi", "\"x, y\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"cr\r\nlf\"", "2\" tall", "\uFFFF", "ø€😀", new string('x', 70), "\"\"", "\"\"x"];
        string[] lineEnds = ["\n", "\r\n", "\r"];
        var text = new StringBuilder("a,b,c\r\n");
        while (text.Length < 200_000)
        {
            var count = random.Next(1, 40);
            for (var i = 0; i < count; i++)
            {
                text.Append(i == 0 ? "" : ",").Append(fields[random.Next(fields.Length)]);
            }
            text.Append(lineEnds[random.Next(lineEnds.Length)]);
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());

        var whole = ReadAll(new MemoryStream(bytes));
        var trickled = ReadAll(new OneByteAtATime(bytes));

        Assert.True(whole.Count > 500);
        Assert.Equal(whole.Count, trickled.Count);
        for (var i = 0; i < whole.Count; i++)
        {
            Assert.Equal(whole[i].Line, trickled[i].Line);
            Assert.Equal(whole[i].Fields, trickled[i].Fields);
        }
    }

    private sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }

    [Fact]
    public void An_error_names_file_line_and_column_in_one_line()
    {
        var error = new InputError("users.csv", 12, 3, "department", "is empty");

        Assert.Equal("users.csv:12:3 (department): is empty", error.ToString());
    }
}
