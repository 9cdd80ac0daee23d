using System.Globalization;
using System.Text;
using Oppdrift.Shared;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Tests.Shared.Exports;

public sealed class CsvWriterTests
{
    private static string Write(CsvOptions options, params object?[] fields)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        new CsvWriter(text, options).WriteRow(fields);
        return text.ToString();
    }

    private static List<string[]> ReadBack(string csv, char separator)
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "export.csv", separator);
        var records = new List<string[]>();
        while (reader.Read() is { } record)
        {
            records.Add(record.Fields);
        }
        return records;
    }

    // OWASP's list: a cell beginning with = + - @, a tab or a carriage return is a formula to a spreadsheet.
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+47 22 00 00 00", "'+47 22 00 00 00")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\tNord", "'\tNord")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("Enhet\tNord", "Enhet\tNord")]
    [InlineData("a=b", "a=b")]
    [InlineData(" =1", " =1")]
    [InlineData("'=1", "'=1")]
    [InlineData("", "")]
    [InlineData("Bydel Nord", "Bydel Nord")]
    public void Text_that_would_start_a_formula_gets_a_leading_apostrophe(string value, string expected) =>
        Assert.Equal(expected + "\r\n", Write(new CsvOptions(), value));

    [Fact]
    public void Numbers_stay_numbers_however_they_begin()
    {
        Assert.Equal("-3.5,-7,-12.25,-3.5\r\n", Write(new CsvOptions(), -3.5, -7L, -12.25m, new CsvFixed(-3.46, 1)));
        var norwegian = new CsvOptions { Separator = ';', Numbers = CultureInfo.GetCultureInfo("nb-NO").NumberFormat };
        Assert.Equal("3,5;1234,00;7\r\n", Write(norwegian, new CsvFixed(3.46, 1), new CsvFixed(1234, 2), 7));
    }

    [Fact]
    public void A_number_with_the_separator_in_it_is_quoted()
    {
        var commaDecimals = new CsvOptions { Numbers = CultureInfo.GetCultureInfo("nb-NO").NumberFormat };
        Assert.Equal("\"3,5\"\r\n", Write(commaDecimals, new CsvFixed(3.5, 1)));
    }

    [Theory]
    [InlineData("a,b", ',', "\"a,b\"")]
    [InlineData("a;b", ',', "a;b")]
    [InlineData("a;b", ';', "\"a;b\"")]
    [InlineData("say \"hi\"", ',', "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", ',', "\"two\nlines\"")]
    [InlineData("carriage\rreturn", ',', "\"carriage\rreturn\"")]
    [InlineData("plain text", ',', "plain text")]
    public void Fields_with_the_separator_a_quote_or_a_line_break_are_quoted(string value, char separator, string expected) =>
        Assert.Equal(expected + "\r\n", Write(new CsvOptions { Separator = separator }, value));

    [Fact]
    public void Every_field_survives_a_round_trip_through_an_rfc_4180_reader()
    {
        object?[] fields = ["a,b", "say \"hi\"", "two\nlines", "\ttab", "=1+1", null, 42, -3.5];
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var csv = new CsvWriter(text, new CsvOptions());
        csv.WriteHeader("one", "two", "three", "four", "five", "six", "seven", "eight");
        csv.WriteRow(fields);
        var records = ReadBack(text.ToString(), ',');
        Assert.Equal(["a,b", "say \"hi\"", "two\nlines", "'\ttab", "'=1+1", "", "42", "-3.5"], records[1]);
    }

    [Fact]
    public void Quote_all_quotes_every_field_but_not_the_header()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var csv = new CsvWriter(text, new CsvOptions { QuoteAll = true });
        csv.WriteHeader("type", "bytes");
        csv.WriteRow("finding", 12L);
        csv.WriteRow(null, "");
        Assert.Equal("type,bytes\r\n\"finding\",\"12\"\r\n\"\",\"\"\r\n", text.ToString());
    }

    [Fact]
    public void A_file_for_a_program_keeps_its_values_exactly() =>
        Assert.Equal("-arkiv,@kunde,=x\r\n", Write(new CsvOptions { NeutraliseFormulas = false }, "-arkiv", "@kunde", "=x"));

    [Fact]
    public void A_row_of_no_fields_is_an_empty_line() =>
        Assert.Equal("\r\n", Write(new CsvOptions()));

    [Fact]
    public void A_value_of_another_type_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => Write(new CsvOptions(), new DateOnly(2026, 12, 1)));
}
