using System.Text;

namespace Oppdrift.Usage;

/// <summary>Where a text value lies in the reader's buffer.</summary>
internal readonly record struct TextRange(int Start, int Length);

/// <summary>
/// One row of a usage report that <see cref="UsageReportReader.Read(UsageRecord)"/> fills in place, for importers that
/// stream large files: the same values as a <see cref="UsageRow"/>, but text stays UTF-8 in the reader's buffer until
/// it is asked for, so reading a row allocates nothing. Everything here is valid until the reader reads again; keep
/// what must outlive the row with <see cref="GetText"/> or <see cref="ToRow"/>.
/// </summary>
public sealed class UsageRecord
{
    private UsageValue[] _values = [];
    private TextRange[] _ranges = [];
    private byte[] _buffer = [];
    private int _userColumn = -1;

    // The last string made for each column and the bytes it came from: tenant names, products and ids repeat row
    // after row, and are then decoded once.
    private string?[] _lastText = [];
    private byte[][] _lastBytes = [];
    private int[] _lastLength = [];

    /// <summary>The line the row starts on.</summary>
    public int Line { get; private set; }

    public UsageReportType? Report { get; private set; }

    /// <summary>
    /// The values, indexed like <see cref="UsageReportType.Columns"/>. Text and product columns have
    /// <see cref="UsageValue.HasValue"/> but no <see cref="UsageValue.Text"/>: read them with <see cref="GetText"/>
    /// or <see cref="GetUtf8"/>.
    /// </summary>
    public ReadOnlySpan<UsageValue> Values => _values;

    /// <summary>A text column's trimmed UTF-8 bytes; empty when the value is missing or the column is not text.</summary>
    public ReadOnlySpan<byte> GetUtf8(int column)
    {
        var range = _ranges[column];
        return _buffer.AsSpan(range.Start, range.Length);
    }

    /// <summary>A text column's value as a string (decoded only when it differs from this column's previous value).</summary>
    public string? GetText(int column) => _ranges[column].Length > 0 ? Decode(column) : null;

    public long? GetCount(int column) => _values[column] is { HasValue: true } v ? v.Number : null;

    public DateOnly? GetDate(int column) => _values[column] is { HasValue: true } v ? DateOnly.FromDayNumber((int)v.Number) : null;

    public bool? GetBoolean(int column) => _values[column] is { HasValue: true } v ? v.Number != 0 : null;

    public TimeSpan? GetDuration(int column) => _values[column] is { HasValue: true } v ? TimeSpan.FromTicks(v.Number) : null;

    public int? GetPeriod(int column) => _values[column] is { HasValue: true } v ? (int)v.Number : null;

    public IReadOnlyList<string> GetProducts(int column) => GetText(column) is { } text ? UsageValues.SplitProducts(text) : [];

    /// <summary>The user principal name (or owner) as UTF-8, concealed or not; empty for a site without an owner.</summary>
    public ReadOnlySpan<byte> UserUtf8 => _userColumn >= 0 ? GetUtf8(_userColumn) : default;

    /// <summary>The user principal name (or owner) as a string; null for a site without an owner.</summary>
    public string? User => _userColumn >= 0 ? GetText(_userColumn) : null;

    /// <summary>A <see cref="UsageRow"/> that owns its values, text included.</summary>
    public UsageRow ToRow()
    {
        var values = new UsageValue[_values.Length];
        for (var column = 0; column < values.Length; column++)
        {
            values[column] = _ranges[column].Length > 0 ? new UsageValue(true, 0, Decode(column)) : _values[column];
        }
        return new UsageRow(Line, Report!, values);
    }

    /// <summary>Starts a row; returns the values to fill, and <see cref="Ranges"/> for the text columns.</summary>
    internal UsageValue[] Start(UsageReportType report, int line, byte[] buffer, int userColumn)
    {
        if (!ReferenceEquals(report, Report))
        {
            var columns = report.Columns.Count;
            _values = new UsageValue[columns];
            _ranges = new TextRange[columns];
            _lastText = new string?[columns];
            _lastBytes = new byte[columns][];
            Array.Fill(_lastBytes, []);
            _lastLength = new int[columns];
            Report = report;
        }
        Line = line;
        _buffer = buffer;
        _userColumn = userColumn;
        return _values;
    }

    internal TextRange[] Ranges => _ranges;

    private string Decode(int column)
    {
        var bytes = GetUtf8(column);
        var last = _lastBytes[column];
        if (_lastText[column] is { } text && bytes.SequenceEqual(last.AsSpan(0, _lastLength[column])))
        {
            return text;
        }
        text = Encoding.UTF8.GetString(bytes);
        if (last.Length < bytes.Length)
        {
            last = _lastBytes[column] = new byte[Math.Max(64, bytes.Length)];
        }
        bytes.CopyTo(last);
        _lastLength[column] = bytes.Length;
        _lastText[column] = text;
        return text;
    }
}
