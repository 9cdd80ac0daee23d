using System.Text;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageRecordTests
{
    private const string EmailHeader = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Last Activity Date,Send Count,Receive Count,Read Count,Meeting Created Count,Meeting Interacted Count,Assigned Products,Report Period";

    public static TheoryData<string> UsageFiles()
    {
        var files = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(TestFiles.Path("usage"), "*.csv").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(path));
        }
        return files;
    }

    /// <summary>Everything one reading gives: the rows, and what the reader says at the end.</summary>
    private sealed record Reading(List<UsageRow> Rows, UsageReportReader Reader);

    private static Reading ReadRows(Stream stream, string name)
    {
        var reader = UsageReportReader.Open(stream, name);
        var rows = new List<UsageRow>();
        while (reader.Read() is { } row)
        {
            rows.Add(row);
        }
        return new Reading(rows, reader);
    }

    private static Reading ReadInPlace(Stream stream, string name)
    {
        var reader = UsageReportReader.Open(stream, name);
        var record = new UsageRecord();
        var rows = new List<UsageRow>();
        while (reader.Read(record))
        {
            var row = record.ToRow();
            // The record's own getters and bytes agree with the row it makes.
            for (var column = 0; column < row.Values.Length; column++)
            {
                Assert.Equal(row.Values[column].HasValue, record.Values[column].HasValue);
                Assert.Equal(row.Values[column].Number, record.Values[column].Number);
                Assert.Equal(row.GetText(column), record.GetText(column));
                Assert.Equal(row.GetText(column) ?? "", Encoding.UTF8.GetString(record.GetUtf8(column)));
            }
            Assert.Equal(row.User, record.User);
            Assert.Equal(row.User ?? "", Encoding.UTF8.GetString(record.UserUtf8));
            rows.Add(row);
        }
        return new Reading(rows, reader);
    }

    private static void AssertSame(Reading expected, Reading actual)
    {
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        for (var i = 0; i < expected.Rows.Count; i++)
        {
            Assert.Equal(expected.Rows[i].Line, actual.Rows[i].Line);
            Assert.Same(expected.Rows[i].Report, actual.Rows[i].Report);
            Assert.Equal(expected.Rows[i].Values, actual.Rows[i].Values);
        }
        Assert.Equal(expected.Reader.Errors, actual.Reader.Errors);
        Assert.Equal(expected.Reader.Warnings, actual.Reader.Warnings);
        Assert.Equal(expected.Reader.RowsRead, actual.Reader.RowsRead);
        Assert.Equal(expected.Reader.UnknownUsersSkipped, actual.Reader.UnknownUsersSkipped);
        Assert.Equal(expected.Reader.Concealment, actual.Reader.Concealment);
        Assert.Equal(expected.Reader.RefreshDate, actual.Reader.RefreshDate);
        Assert.Same(expected.Reader.Report, actual.Reader.Report);
    }

    [Theory]
    [MemberData(nameof(UsageFiles))]
    public void A_record_filled_in_place_holds_the_same_values_as_the_rows_Read_returns(string file)
    {
        using var rows = TestFiles.Open("usage", file);
        using var records = TestFiles.Open("usage", file);

        AssertSame(ReadRows(rows, file), ReadInPlace(records, file));
    }

    [Theory]
    [MemberData(nameof(UsageFiles))]
    public void A_file_that_arrives_a_few_bytes_at_a_time_reads_the_same_as_a_whole_one(string file)
    {
        var bytes = File.ReadAllBytes(TestFiles.Path("usage", file));
        var whole = ReadRows(new MemoryStream(bytes), file);

        AssertSame(whole, ReadRows(new TrickleStream(bytes, 1, seed: 0), file));
        for (var seed = 1; seed <= 30; seed++)
        {
            AssertSame(whole, ReadInPlace(new TrickleStream(bytes, 100, seed), file));
        }
    }

    /// <summary>
    /// A file whose first buffer (64 KiB) ends at every byte of a quoted field with a doubled quote, a line break,
    /// a comma and two- and four-byte characters, and of the CRLF after it.
    /// </summary>
    [Fact]
    public void A_quoted_field_and_its_characters_read_the_same_wherever_the_buffer_ends_in_them()
    {
        const string name = "\"Ødegård, \"\"Åse\"\"\r\n😀 ß\"";
        const string expected = "Ødegård, \"Åse\"\r\n😀 ß";
        var row = "2026-11-24,u@nordvik.kommune.no," + name + ",False,,2026-11-22,5,97,60,0,2,MICROSOFT 365 E3,7\r\n";
        var rowBytes = Encoding.UTF8.GetByteCount(row);
        const string filler = "2026-11-24,filler@nordvik.kommune.no,Fyll,False,,,0,0,0,0,0,,7\r\n";
        for (var shift = 0; shift <= rowBytes; shift++)
        {
            // The row starts `shift` bytes before the end of the first buffer: filler rows, the last one padded to fit.
            var rowStart = (64 * 1024) - shift;
            var text = new StringBuilder(EmailHeader).Append("\r\n");
            var fillerRows = 0;
            while (3 + text.Length + (2 * filler.Length) <= rowStart)
            {
                text.Append(filler);
                fillerRows++;
            }
            var padding = rowStart - 3 - text.Length - filler.Length;
            text.Append(filler.Replace("Fyll", "Fyll" + new string('x', padding), StringComparison.Ordinal));
            Assert.Equal(rowStart, 3 + text.Length); // 3: the byte-order mark; everything before the row is ASCII
            text.Append(row).Append(filler);

            var result = UsageReportFile.Read(TestFiles.Text(text.ToString()), "boundary.csv");

            Assert.Empty(result.Errors);
            Assert.Equal(fillerRows + 3, result.Rows.Count);
            var read = result.Rows[fillerRows + 1];
            Assert.Equal(expected, read.GetText(read.Report.IndexOf("Display Name")));
            Assert.Equal(fillerRows + 3, read.Line);
            Assert.Equal(fillerRows + 5, result.Rows[^1].Line); // the line break inside quotes is counted
        }
    }

    [Fact]
    public void A_record_longer_than_the_buffer_is_read_whole()
    {
        var long1 = new string('a', 50_000);
        var long2 = new string('æ', 30_000); // 60,000 bytes
        var text = EmailHeader + "\r\n2026-11-24,u@nordvik.kommune.no," + long1 + ",False,,,0,0,0,0,0,\"" + long2 + "\",7\r\n";

        var result = UsageReportFile.Read(TestFiles.Text(text), "long.csv");

        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Rows);
        Assert.Equal(long1, row.GetText(row.Report.IndexOf("Display Name")));
        Assert.Equal(long2, row.GetText(row.Report.IndexOf("Assigned Products")));
    }

    [Fact]
    public void Invalid_utf8_in_a_column_the_reader_does_not_use_is_rejected_at_its_line_and_column()
    {
        var text = new StringBuilder(EmailHeader).Append(",Notes\r\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append("2026-11-24,u").Append(i).Append("@nordvik.kommune.no,Kari,False,,,0,0,0,0,0,,7,ok\r\n");
        }
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text.ToString()));
        bytes.AddRange("2026-11-24,bad@nordvik.kommune.no,Kari,False,,,0,0,0,0,0,,7,caf"u8.ToArray());
        bytes.Add(0xE9); // "café" in Windows-1252
        bytes.AddRange("\r\n"u8.ToArray());

        var result = UsageReportFile.Read(new MemoryStream([.. bytes]), "notes.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal(5002, error.Line);
        Assert.Equal(14, error.Column);
        Assert.Equal("Notes", error.ColumnName);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains(" 64 ", error.Message, StringComparison.Ordinal); // the byte's place in its line
        Assert.Contains(result.Warnings, w => w.Contains("Notes", StringComparison.Ordinal));
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_character_cut_off_at_the_end_of_the_file_is_invalid_utf8()
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(EmailHeader + "\r\n2026-11-24,u@nordvik.kommune.no,"));
        bytes.Add(0xC3); // the first byte of "Å", and then the file ends

        var result = UsageReportFile.Read(new MemoryStream([.. bytes]), "cut.csv");

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Equal("Display Name", error.ColumnName);
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    public void A_utf16_report_with_a_byte_order_mark_reads_like_utf8(string encodingName)
    {
        var utf8 = File.ReadAllBytes(TestFiles.Path("usage", "email-activity-user-detail.csv"));
        var encoding = Encoding.GetEncoding(encodingName);
        var text = Encoding.UTF8.GetString(utf8.AsSpan(3));

        var expected = ReadRows(new MemoryStream(utf8), "report.csv");
        var actual = ReadRows(new MemoryStream([.. encoding.GetPreamble(), .. encoding.GetBytes(text)]), "report.csv");

        AssertSame(expected, actual);
        Assert.Equal("Åse Ødegård", actual.Rows[1].GetText(actual.Rows[1].Report.IndexOf("Display Name")));
    }

    [Fact]
    public void Text_is_trimmed_of_unicode_white_space_and_numbers_of_ascii_white_space()
    {
        var result = UsageReportFile.Read(TestFiles.Text(EmailHeader + "\r\n2026-11-24, u@nordvik.kommune.no\u00A0,\u2003Kari\t,False,,, 42 ,0,0,0,0,\" MICROSOFT 365 E3+OFFICE 365 E1 \",7\r\n"), "spaces.csv");

        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Rows);
        Assert.Equal("u@nordvik.kommune.no", row.User);
        Assert.Equal("Kari", row.GetText(row.Report.IndexOf("Display Name")));
        Assert.Equal(42, row.GetCount(row.Report.IndexOf("Send Count")));
        Assert.Equal(["MICROSOFT 365 E3", "OFFICE 365 E1"], row.GetProducts(row.Report.IndexOf("Assigned Products")));
    }

    [Fact]
    public void Doubled_quotes_and_text_after_a_closing_quote_are_read_as_the_csv_reader_reads_them()
    {
        var result = UsageReportFile.Read(TestFiles.Text(EmailHeader + "\r\n"
            + "2026-11-24,a@nordvik.kommune.no,\"Lie, \"\"Ola\"\"\",False,,,0,0,0,0,0,,7\r\n"
            + "2026-11-24,b@nordvik.kommune.no,\"Lie\" jr,False,,,0,0,0,0,0,,7\r\n"
            + "2026-11-24,c@nordvik.kommune.no,Lie \"jr\",False,,,0,0,0,0,0,,7\r\n"
            + "2026-11-24,d@nordvik.kommune.no,\"\",False,,,0,0,0,0,0,,7\r\n"), "quotes.csv");

        Assert.Empty(result.Errors);
        var display = result.Rows[0].Report.IndexOf("Display Name");
        Assert.Equal(["Lie, \"Ola\"", "Lie jr", "Lie \"jr\"", null], result.Rows.Select(r => r.GetText(display)));
    }

    [Fact]
    public void The_same_text_in_row_after_row_is_one_string()
    {
        using var stream = TestFiles.Open("usage", "email-activity-user-detail.csv");
        using var reader = UsageReportReader.Open(stream, "email-activity-user-detail.csv");
        var products = reader.Report!.IndexOf("Assigned Products");
        var record = new UsageRecord();

        Assert.True(reader.Read(record));
        var first = record.GetText(products);
        Assert.True(reader.Read(record));

        Assert.Same(first, record.GetText(products));
    }

    /// <summary>A stream that hands out from one to <paramref name="most"/> bytes a read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] bytes, int most, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(_random.Next(1, most + 1), buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
