using Oppdrift.Shared;

namespace Oppdrift.Usage;

/// <summary>
/// One parsed value. Numbers, dates (as day numbers), booleans (0/1), durations (ticks) and periods share
/// <see cref="Number"/> so a row is one small array of structs instead of a boxed value per column.
/// </summary>
public readonly record struct UsageValue(bool HasValue, long Number, string? Text)
{
    public static readonly UsageValue Missing;
}

/// <summary>Whether a file names people (identified), hides them behind 32-hex-digit hashes (concealed), or both.</summary>
public enum UsageConcealment
{
    /// <summary>No user rows to tell from.</summary>
    Unknown,
    Identified,
    Concealed,
    /// <summary>Some rows concealed and some not: the tenant switched the setting within the report's window.</summary>
    Mixed,
}

/// <summary>
/// One row of a usage report with its values parsed by the report's column types. <see cref="Values"/> is indexed
/// like <see cref="UsageReportType.Columns"/>; find an index once with <see cref="UsageReportType.IndexOf"/>.
/// </summary>
public sealed record UsageRow(int Line, UsageReportType Report, UsageValue[] Values)
{
    public string? GetText(int column) => Values[column].Text;

    public long? GetCount(int column) => Values[column] is { HasValue: true } v ? v.Number : null;

    public DateOnly? GetDate(int column) => Values[column] is { HasValue: true } v ? DateOnly.FromDayNumber((int)v.Number) : null;

    public bool? GetBoolean(int column) => Values[column] is { HasValue: true } v ? v.Number != 0 : null;

    public TimeSpan? GetDuration(int column) => Values[column] is { HasValue: true } v ? TimeSpan.FromTicks(v.Number) : null;

    public int? GetPeriod(int column) => Values[column] is { HasValue: true } v ? (int)v.Number : null;

    /// <summary>Assigned Products split into product names; allocates, so call it only where products are needed.</summary>
    public IReadOnlyList<string> GetProducts(int column) => Values[column].Text is { } text ? UsageValues.SplitProducts(text) : [];

    /// <summary>The user principal name (or owner), concealed or not; null for a site without an owner.</summary>
    public string? User => Report.UserColumn is { } name ? Values[Report.IndexOf(name)].Text : null;
}

/// <summary>What the caller knows before reading: the report the command is for, and the refresh date it asked for.</summary>
public sealed record UsageReadOptions
{
    /// <summary>The report the command expects; a file from another report is rejected with both names.</summary>
    public UsageReportType? ExpectedReport { get; init; }

    /// <summary>The Report Refresh Date every row must have (the date the caller fetched); null takes the first row's.</summary>
    public DateOnly? ExpectedRefreshDate { get; init; }

    public int MaxErrors { get; init; } = 200;
}

/// <summary>
/// Streams a usage report CSV: finds the columns by header name (any order, any case; extra columns warned about
/// once), recognises which report it is, and parses each row by the catalogue's column types. Rows with errors are
/// not returned; every error names file, line, column number and column name. The caller must treat a reader
/// that ends with <see cref="Errors"/> as a rejected file and discard what it took (an import is all or nothing).
/// </summary>
public sealed class UsageReportReader : IDisposable
{
    private readonly CsvReader _csv;
    private readonly Stream _stream;
    private readonly string _fileName;
    private readonly UsageReadOptions _options;
    private readonly List<InputError> _errors = [];
    private readonly List<string> _warnings = [];
    private string[] _header = [];
    private int[] _fieldOf = []; // report column index -> field index in the file, or -1
    private int _userColumn = -1;
    private int _keyColumn = -1;
    private int _refreshColumn = -1;
    private int _refreshDateLine;
    private bool _stopped;
    private int _concealedRows;
    private int _identifiedRows;

    private UsageReportReader(Stream stream, string fileName, UsageReadOptions options)
    {
        _csv = new CsvReader(stream, fileName, ',');
        _stream = stream;
        _fileName = fileName;
        _options = options;
    }

    public string FileName => _fileName;

    /// <summary>The report the header belongs to; null when the file was rejected at the header.</summary>
    public UsageReportType? Report { get; private set; }

    public IReadOnlyList<InputError> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Rows for "(Unknown)" users, skipped because they cannot be placed in an agency.</summary>
    public int UnknownUsersSkipped { get; private set; }

    public int RowsRead { get; private set; }

    /// <summary>The Report Refresh Date of the rows read so far (all rows must share it).</summary>
    public DateOnly? RefreshDate { get; private set; }

    public UsageConcealment Concealment =>
        _concealedRows == 0 ? (_identifiedRows == 0 ? UsageConcealment.Unknown : UsageConcealment.Identified)
        : _identifiedRows == 0 ? UsageConcealment.Concealed : UsageConcealment.Mixed;

    /// <summary>Opens a file and reads its header; header problems are in <see cref="Errors"/> and <see cref="Read"/> returns null.</summary>
    public static UsageReportReader Open(Stream stream, string fileName, UsageReadOptions? options = null)
    {
        var reader = new UsageReportReader(stream, fileName, options ?? new UsageReadOptions());
        try
        {
            reader.ReadHeader();
        }
        catch (InputErrorException ex)
        {
            // The CSV reader decodes a whole block ahead, so bad text anywhere in a small file surfaces here.
            reader._errors.Add(reader.LocateInvalidText(ex.Error));
            reader._stopped = true;
        }
        return reader;
    }

    private void ReadHeader()
    {
        var header = _csv.Read();
        if (header is null)
        {
            Stop(new InputError(_fileName, 1, null, null, UsageText.Get("UsageErrorEmptyFile")));
            return;
        }
        _header = new string[header.Fields.Length];
        for (var i = 0; i < _header.Length; i++)
        {
            _header[i] = header.Fields[i].Trim();
        }
        var expected = _options.ExpectedReport;
        var recognised = UsageReportCatalogue.Recognise(_header);
        if (expected is not null && recognised is not null && recognised != expected)
        {
            Stop(new InputError(_fileName, header.Line, null, null, UsageText.Get("UsageErrorWrongReport", recognised.Name, expected.Name)));
            return;
        }
        var report = recognised ?? expected;
        if (report is null)
        {
            Stop(new InputError(_fileName, header.Line, null, null, UsageText.Get("UsageErrorNotAReport", string.Join(", ", UsageReportCatalogue.All.Select(r => r.Name)))));
            return;
        }
        _fieldOf = new int[report.Columns.Count];
        Array.Fill(_fieldOf, -1);
        var unknown = new List<string>();
        for (var field = 0; field < _header.Length; field++)
        {
            var column = report.IndexOf(_header[field]);
            if (column < 0)
            {
                if (_header[field].Length > 0)
                {
                    unknown.Add(_header[field]);
                }
                continue;
            }
            if (_fieldOf[column] >= 0)
            {
                _errors.Add(new InputError(_fileName, header.Line, field + 1, _header[field], UsageText.Get("UsageErrorDuplicateColumn", _header[field], _fieldOf[column] + 1)));
                continue;
            }
            _fieldOf[column] = field;
        }
        for (var column = 0; column < report.Columns.Count; column++)
        {
            if (report.Columns[column].Required && _fieldOf[column] < 0)
            {
                _errors.Add(new InputError(_fileName, header.Line, null, report.Columns[column].Name, UsageText.Get("UsageErrorMissingColumn", report.Columns[column].Name, report.Name)));
            }
        }
        if (unknown.Count > 0)
        {
            _warnings.Add(UsageText.Get("UsageWarningUnknownColumns", string.Join(", ", unknown)));
        }
        if (_errors.Count > 0)
        {
            _stopped = true;
            return;
        }
        Report = report;
        _refreshColumn = report.IndexOf(UsageReportCatalogue.ReportRefreshDate);
        _keyColumn = report.IndexOf(report.KeyColumn);
        _userColumn = report.UserColumn is { } user ? report.IndexOf(user) : -1;
        RefreshDate = _options.ExpectedRefreshDate;
    }

    /// <summary>The next good row, or null at the end of the file or once the error limit is reached.</summary>
    public UsageRow? Read()
    {
        if (_stopped)
        {
            return null;
        }
        try
        {
            while (_csv.Read() is { } record)
            {
                if (ReadRow(record) is { } row)
                {
                    RowsRead++;
                    return row;
                }
                if (_errors.Count >= _options.MaxErrors)
                {
                    Stop(new InputError(_fileName, record.Line, null, null, UsageText.Get("UsageErrorTooMany", _options.MaxErrors)));
                    return null;
                }
            }
        }
        catch (InputErrorException ex)
        {
            Stop(LocateInvalidText(ex.Error));
            return null;
        }
        Finish();
        return null;
    }

    private void Finish()
    {
        _stopped = true;
        if (UnknownUsersSkipped > 0)
        {
            _warnings.Add(UsageText.Get("UsageWarningUnknownUsers", UnknownUsersSkipped));
        }
    }

    private void Stop(InputError error)
    {
        _errors.Add(error);
        _stopped = true;
    }

    private UsageRow? ReadRow(CsvRecord record)
    {
        var fields = record.Fields;
        if (fields.Length < _header.Length)
        {
            // Name the first field that is not there: usually the file was cut off in the middle of this row.
            _errors.Add(new InputError(_fileName, record.Line, fields.Length + 1, _header[fields.Length],
                UsageText.Get("UsageErrorTooFewFields", fields.Length, _header.Length)));
            return null;
        }
        if (fields.Length > _header.Length)
        {
            _errors.Add(new InputError(_fileName, record.Line, _header.Length + 1, null, UsageText.Get("UsageErrorTooManyFields", fields.Length, _header.Length)));
            return null;
        }
        var report = Report!;
        if (_userColumn >= 0 && _fieldOf[_userColumn] >= 0)
        {
            var user = fields[_fieldOf[_userColumn]].AsSpan().Trim();
            if (user.Equals(UsageValues.UnknownUser, StringComparison.OrdinalIgnoreCase))
            {
                UnknownUsersSkipped++;
                return null;
            }
        }
        var errorsBefore = _errors.Count;
        var values = new UsageValue[report.Columns.Count];
        for (var column = 0; column < values.Length; column++)
        {
            var field = _fieldOf[column];
            if (field < 0)
            {
                continue;
            }
            var text = fields[field];
            if (Parse(report.Columns[column].Kind, text, out var value))
            {
                values[column] = value;
            }
            else
            {
                _errors.Add(At(record, field, UsageText.Get(InvalidKey(report.Columns[column].Kind), text)));
            }
        }
        if (_errors.Count > errorsBefore)
        {
            return null;
        }
        if (!CheckRequiredValue(record, values, _refreshColumn) || !CheckRequiredValue(record, values, _keyColumn))
        {
            return null;
        }
        var refreshed = DateOnly.FromDayNumber((int)values[_refreshColumn].Number);
        if (RefreshDate is { } date && refreshed != date)
        {
            var message = _refreshDateLine == 0
                ? UsageText.Get("UsageErrorRefreshDateExpected", Iso(refreshed), Iso(date))
                : UsageText.Get("UsageErrorRefreshDateDiffers", Iso(refreshed), Iso(date), _refreshDateLine);
            _errors.Add(At(record, _fieldOf[_refreshColumn], message));
            return null;
        }
        if (RefreshDate is null)
        {
            RefreshDate = refreshed;
            _refreshDateLine = record.Line;
        }
        if (_userColumn >= 0 && values[_userColumn].Text is { Length: > 0 } name)
        {
            if (UsageValues.IsConcealedName(name))
            {
                _concealedRows++;
            }
            else
            {
                _identifiedRows++;
            }
        }
        return new UsageRow(record.Line, report, values);
    }

    /// <summary>
    /// The CSV reader names the line and byte of text that is not UTF-8 (a file saved as Windows-1252, say) but
    /// not the field. When the file can be re-read, find the field so the error names column and header too.
    /// </summary>
    private InputError LocateInvalidText(InputError error)
    {
        if (error.Column is not null || error.Line < 1 || !_stream.CanSeek)
        {
            return error;
        }
        try
        {
            _stream.Position = 0;
            var bytes = new byte[Math.Min(_stream.Length, 64L * 1024 * 1024)];
            var length = _stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            var span = bytes.AsSpan(0, length);
            if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                span = span[3..];
            }
            var header = _header.Length > 0 ? _header : HeaderFrom(span);
            for (var line = 1; line < error.Line; line++)
            {
                var newline = span.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    return error;
                }
                span = span[(newline + 1)..];
            }
            var end = span.IndexOf((byte)'\n');
            var lineBytes = end < 0 ? span : span[..end];
            Span<char> chars = stackalloc char[256];
            var offset = 0;
            while (offset < lineBytes.Length)
            {
                var status = System.Text.Unicode.Utf8.ToUtf16(lineBytes[offset..], chars, out var read, out _, replaceInvalidSequences: false);
                offset += read;
                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    var field = FieldAt(lineBytes[..offset]);
                    return error with { Column = field + 1, ColumnName = field < header.Length ? header[field] : null };
                }
                if (status != System.Buffers.OperationStatus.DestinationTooSmall)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // The stream cannot be re-read after all: the error without a column is still right.
        }
        return error;
    }

    private static string[] HeaderFrom(ReadOnlySpan<byte> file)
    {
        var end = file.IndexOfAny((byte)'\r', (byte)'\n');
        var text = System.Text.Encoding.UTF8.GetString(end < 0 ? file : file[..end]);
        return [.. text.Split(',').Select(name => name.Trim().Trim('"'))];
    }

    /// <summary>The 0-based field a byte position falls in: delimiters before it, outside quotes.</summary>
    private static int FieldAt(ReadOnlySpan<byte> before)
    {
        var field = 0;
        var inQuotes = false;
        foreach (var b in before)
        {
            if (b == (byte)'"')
            {
                inQuotes = !inQuotes;
            }
            else if (b == (byte)',' && !inQuotes)
            {
                field++;
            }
        }
        return field;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private bool CheckRequiredValue(CsvRecord record, UsageValue[] values, int column)
    {
        if (values[column].HasValue)
        {
            return true;
        }
        _errors.Add(At(record, _fieldOf[column], UsageText.Get("UsageErrorMissingValue")));
        return false;
    }

    private InputError At(CsvRecord record, int field, string message) => new(_fileName, record.Line, field + 1, _header[field], message);

    private static string InvalidKey(UsageValueKind kind) => kind switch
    {
        UsageValueKind.Date => "UsageErrorInvalidDate",
        UsageValueKind.Boolean => "UsageErrorInvalidBoolean",
        UsageValueKind.Count => "UsageErrorInvalidCount",
        UsageValueKind.Duration => "UsageErrorInvalidDuration",
        UsageValueKind.Period => "UsageErrorInvalidPeriod",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Text is always valid"),
    };

    internal static bool Parse(UsageValueKind kind, string text, out UsageValue value)
    {
        value = UsageValue.Missing;
        switch (kind)
        {
            case UsageValueKind.Text:
            case UsageValueKind.Products:
                var trimmed = text.AsSpan().Trim();
                if (!trimmed.IsEmpty)
                {
                    value = new UsageValue(true, 0, trimmed.Length == text.Length ? text : trimmed.ToString());
                }
                return true;
            case UsageValueKind.Date:
                if (!UsageValues.TryParseDate(text, out var date))
                {
                    return false;
                }
                value = date is { } d ? new UsageValue(true, d.DayNumber, null) : value;
                return true;
            case UsageValueKind.Boolean:
                if (!UsageValues.TryParseBoolean(text, out var flag))
                {
                    return false;
                }
                value = flag is { } f ? new UsageValue(true, f ? 1 : 0, null) : value;
                return true;
            case UsageValueKind.Count:
                if (!UsageValues.TryParseCount(text, out var count))
                {
                    return false;
                }
                value = count is { } c ? new UsageValue(true, c, null) : value;
                return true;
            case UsageValueKind.Duration:
                if (!UsageValues.TryParseDuration(text, out var duration))
                {
                    return false;
                }
                value = duration is { } t ? new UsageValue(true, t.Ticks, null) : value;
                return true;
            case UsageValueKind.Period:
                if (!UsageValues.TryParsePeriod(text, out var period))
                {
                    return false;
                }
                value = period is { } p ? new UsageValue(true, p, null) : value;
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    public void Dispose() => _csv.Dispose();
}

/// <summary>A whole report read into memory: the rows, or none when the file is rejected.</summary>
public sealed record UsageReportFile(
    UsageReportType? Report,
    IReadOnlyList<UsageRow> Rows,
    IReadOnlyList<InputError> Errors,
    IReadOnlyList<string> Warnings,
    int UnknownUsersSkipped,
    UsageConcealment Concealment,
    DateOnly? RefreshDate)
{
    /// <summary>Reads a whole file; for tests and small files. Importers stream with <see cref="UsageReportReader"/>.</summary>
    public static UsageReportFile Read(Stream stream, string fileName, UsageReadOptions? options = null)
    {
        using var reader = UsageReportReader.Open(stream, fileName, options);
        var rows = new List<UsageRow>();
        while (reader.Read() is { } row)
        {
            rows.Add(row);
        }
        var rejected = reader.Errors.Count > 0;
        return new UsageReportFile(reader.Report, rejected ? [] : rows, reader.Errors, reader.Warnings, reader.UnknownUsersSkipped, reader.Concealment, reader.RefreshDate);
    }
}
