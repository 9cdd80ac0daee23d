// The one CSV writer for every export: RFC 4180 quoting, CRLF line ends, typed fields, and text that a spreadsheet
// cannot run as a formula (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection).
using System.Globalization;

namespace Oppdrift.Shared.Exports;

/// <summary>A number written with a fixed count of decimals, e.g. a share to one decimal.</summary>
public readonly record struct CsvFixed(double Value, int Decimals);

public sealed record CsvOptions
{
    public char Separator { get; init; } = ',';

    /// <summary>Quote every field, not only those that need it.</summary>
    public bool QuoteAll { get; init; }

    /// <summary>
    /// Text beginning with = + - @, a tab or a carriage return gets a leading apostrophe, so that no spreadsheet evaluates
    /// it. Numbers are never touched: they arrive typed, not as text. Off only for files a program reads rather than a
    /// person (there the apostrophe would become part of the value).
    /// </summary>
    public bool NeutraliseFormulas { get; init; } = true;

    /// <summary>How numbers are written (decimal separator); thousands separators are never written.</summary>
    public NumberFormatInfo Numbers { get; init; } = NumberFormatInfo.InvariantInfo;
}

/// <summary>
/// Writes rows of typed fields: text (string), whole numbers (int, long), numbers (double, decimal, <see cref="CsvFixed"/>)
/// and empty fields (null). Anything else is a programming error and throws.
/// </summary>
public sealed class CsvWriter(TextWriter output, CsvOptions options)
{
    /// <summary>The characters that make a spreadsheet read a cell as a formula when they come first.</summary>
    public const string FormulaStarts = "=+-@\t\r";

    private readonly TextWriter _output = output ?? throw new ArgumentNullException(nameof(output));
    private readonly CsvOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>A header row: names quoted only where they must be, whatever <see cref="CsvOptions.QuoteAll"/> says.</summary>
    public void WriteHeader(params ReadOnlySpan<string> names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (i > 0)
            {
                _output.Write(_options.Separator);
            }
            WriteText(names[i], quoteAll: false);
        }
        _output.Write("\r\n");
    }

    /// <summary>One row; no fields makes an empty line.</summary>
    public void WriteRow(params ReadOnlySpan<object?> fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                _output.Write(_options.Separator);
            }
            switch (fields[i])
            {
                case null:
                    WriteText("", _options.QuoteAll);
                    break;
                case string text:
                    WriteText(text, _options.QuoteAll);
                    break;
                case var number:
                    WriteNumber(FormatNumber(number, _options.Numbers));
                    break;
            }
        }
        _output.Write("\r\n");
    }

    /// <summary>One text field exactly as <see cref="WriteRow"/> would write it, for code that assembles its own bytes.</summary>
    public static string Field(string? text, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        new CsvWriter(output, options).WriteText(text ?? "", options.QuoteAll);
        return output.ToString();
    }

    /// <summary>Text as it goes into a cell: with a leading apostrophe when it would start a formula.</summary>
    public static string Neutralised(string text) =>
        text.Length > 0 && FormulaStarts.Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;

    private void WriteText(string text, bool quoteAll)
    {
        if (_options.NeutraliseFormulas)
        {
            text = Neutralised(text);
        }
        WriteQuoted(text, quoteAll);
    }

    // Numbers are not neutralised: "-3,5" written from a double is a number, and the spreadsheet should read it as one.
    private void WriteNumber(string text) => WriteQuoted(text, _options.QuoteAll);

    private void WriteQuoted(string text, bool quoteAll)
    {
        if (!quoteAll && !NeedsQuotes(text))
        {
            _output.Write(text);
            return;
        }
        _output.Write('"');
        _output.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        _output.Write('"');
    }

    private bool NeedsQuotes(string text)
    {
        foreach (var c in text)
        {
            if (c == _options.Separator || c is '"' or '\r' or '\n')
            {
                return true;
            }
        }
        return false;
    }

    private static string FormatNumber(object number, NumberFormatInfo format) => number switch
    {
        int n => n.ToString(format),
        long n => n.ToString(format),
        decimal n => n.ToString(format),
        double n => n.ToString("R", format),
        CsvFixed f => Math.Round(f.Value, f.Decimals).ToString("F" + f.Decimals.ToString(CultureInfo.InvariantCulture), format),
        _ => throw new ArgumentException($"A CSV field is text, a number or null, not {number.GetType().Name}.", nameof(number)),
    };
}
