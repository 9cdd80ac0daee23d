using System.Text;
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

    /// <summary>Today in the configured time zone: a report dated later is refused. Null accepts any date.</summary>
    public DateOnly? Today { get; init; }

    /// <summary>The time zone <see cref="Today"/> is in, named in the message that refuses a later date.</summary>
    public string TimeZone { get; init; } = "";

    public int MaxErrors { get; init; } = 200;
}

/// <summary>
/// Streams a usage report CSV: finds the columns by header name (any order, any case; extra columns warned about
/// once), recognises which report it is, and parses each row by the catalogue's column types. Rows with errors are
/// not returned; every error names file, line, column number and column name. The caller must treat a reader
/// that ends with <see cref="Errors"/> as a rejected file and discard what it took (an import is all or nothing).
/// Values are parsed straight from the file's UTF-8 bytes; text becomes strings only for <see cref="Read()"/>'s
/// rows or when a <see cref="UsageRecord"/>'s text is asked for.
/// </summary>
public sealed class UsageReportReader : IDisposable
{
    private readonly UsageCsvTokenizer _csv;
    private readonly string _fileName;
    private readonly UsageReadOptions _options;
    private readonly List<InputError> _errors = [];
    private readonly List<string> _warnings = [];
    private string[] _header = [];
    private int[] _fieldOf = []; // report column index -> field index in the file, or -1
    private UsageValueKind[] _kinds = [];
    private int _userColumn = -1;
    private int _keyColumn = -1;
    private int _refreshColumn = -1;
    private int _refreshDateLine;
    private bool _stopped;
    private int _concealedRows;
    private int _identifiedRows;
    private UsageRecord? _rowRecord;

    private UsageReportReader(Stream stream, string fileName, UsageReadOptions options)
    {
        _csv = new UsageCsvTokenizer(stream, fileName);
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

    /// <summary>Opens a file and reads its header; header problems are in <see cref="Errors"/> and <see cref="Read()"/> returns null.</summary>
    public static UsageReportReader Open(Stream stream, string fileName, UsageReadOptions? options = null)
    {
        var reader = new UsageReportReader(stream, fileName, options ?? new UsageReadOptions());
        try
        {
            reader.ReadHeader();
        }
        catch (InputErrorException ex)
        {
            reader._errors.Add(ex.Error);
            reader._stopped = true;
        }
        return reader;
    }

    private void ReadHeader()
    {
        if (!_csv.Read())
        {
            Stop(new InputError(_fileName, 1, null, null, UsageText.Get("UsageErrorEmptyFile")));
            return;
        }
        var headerLine = _csv.Line;
        _header = new string[_csv.FieldCount];
        for (var i = 0; i < _header.Length; i++)
        {
            _header[i] = Encoding.UTF8.GetString(_csv.Field(i)).Trim();
        }
        var expected = _options.ExpectedReport;
        var recognised = UsageReportCatalogue.Recognise(_header);
        if (recognised is null && RecogniseSeparatedBySemicolons(_header) is { } resaved)
        {
            Stop(new InputError(_fileName, headerLine, null, null, UsageText.Get("UsageErrorSemicolons", resaved.Name)));
            return;
        }
        if (expected is not null && recognised is not null && recognised != expected)
        {
            Stop(new InputError(_fileName, headerLine, null, null, UsageText.Get("UsageErrorWrongReport", recognised.Name, expected.Name)));
            return;
        }
        var report = recognised ?? expected;
        if (report is null)
        {
            Stop(new InputError(_fileName, headerLine, null, null, UsageText.Get("UsageErrorNotAReport", string.Join(", ", UsageReportCatalogue.All.Select(r => r.Name)))));
            return;
        }
        _fieldOf = new int[report.Columns.Count];
        Array.Fill(_fieldOf, -1);
        var unknown = new List<string>();
        for (var field = 0; field < _header.Length; field++)
        {
            var column = report.ColumnFor(_header[field]);
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
                _errors.Add(new InputError(_fileName, headerLine, field + 1, _header[field], UsageText.Get("UsageErrorDuplicateColumn", _header[field], _fieldOf[column] + 1)));
                continue;
            }
            _fieldOf[column] = field;
        }
        for (var column = 0; column < report.Columns.Count; column++)
        {
            if (report.Columns[column].Required && _fieldOf[column] < 0)
            {
                _errors.Add(new InputError(_fileName, headerLine, null, report.Columns[column].Name, UsageText.Get("UsageErrorMissingColumn", report.Columns[column].Name, report.Name)));
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
        _kinds = new UsageValueKind[report.Columns.Count];
        for (var column = 0; column < _kinds.Length; column++)
        {
            _kinds[column] = report.Columns[column].Kind;
        }
        _refreshColumn = report.IndexOf(UsageReportCatalogue.ReportRefreshDate);
        _keyColumn = report.IndexOf(report.KeyColumn);
        _userColumn = report.UserColumn is { } user ? report.IndexOf(user) : -1;
        RefreshDate = _options.ExpectedRefreshDate;
    }

    /// <summary>
    /// The report a header belongs to if it is split on ';' instead: Excel with Norwegian settings saves a report that
    /// was opened in it that way. The tokenizer splits on ',' only, so such a header is one field (or a few, where a
    /// name had a comma); they are put back together before splitting.
    /// </summary>
    private static UsageReportType? RecogniseSeparatedBySemicolons(string[] header)
    {
        var line = string.Join(',', header);
        if (!line.Contains(';', StringComparison.Ordinal))
        {
            return null;
        }
        var names = line.Split(';');
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = names[i].Trim().Trim('"');
        }
        return UsageReportCatalogue.Recognise(names);
    }

    /// <summary>
    /// An error at a column of the report (an index into <see cref="UsageReportType.Columns"/>), located by where that
    /// column is in this file, for checks the caller makes on the rows it was given.
    /// </summary>
    public InputError ErrorAt(int line, int column, string message) =>
        _fieldOf[column] >= 0 ? At(line, _fieldOf[column], message) : new InputError(_fileName, line, null, Report!.Columns[column].Name, message);

    /// <summary>The next good row, or null at the end of the file or once the error limit is reached.</summary>
    public UsageRow? Read()
    {
        _rowRecord ??= new UsageRecord();
        return Read(_rowRecord) ? _rowRecord.ToRow() : null;
    }

    /// <summary>
    /// Fills <paramref name="record"/> with the next good row without allocating; false at the end of the file or once
    /// the error limit is reached. The record's text stays in the reader's buffer and is valid until the next read.
    /// </summary>
    public bool Read(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_stopped)
        {
            return false;
        }
        try
        {
            while (_csv.Read())
            {
                if (ReadRow(record))
                {
                    RowsRead++;
                    return true;
                }
                if (_stopped)
                {
                    return false;
                }
                if (_errors.Count >= _options.MaxErrors)
                {
                    Stop(new InputError(_fileName, _csv.Line, null, null, UsageText.Get("UsageErrorTooMany", _options.MaxErrors)));
                    return false;
                }
            }
        }
        catch (InputErrorException ex)
        {
            // The tokenizer knows the field number; the header knows its name.
            var error = ex.Error;
            if (error.Column is { } column && error.ColumnName is null && column <= _header.Length)
            {
                error = error with { ColumnName = _header[column - 1] };
            }
            Stop(error);
            return false;
        }
        Finish();
        return false;
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

    private bool ReadRow(UsageRecord record)
    {
        var fields = _csv.FieldCount;
        var line = _csv.Line;
        if (fields < _header.Length)
        {
            // Name the first field that is not there: usually the file was cut off in the middle of this row.
            _errors.Add(new InputError(_fileName, line, fields + 1, _header[fields],
                UsageText.Get("UsageErrorTooFewFields", fields, _header.Length)));
            return false;
        }
        if (fields > _header.Length)
        {
            _errors.Add(new InputError(_fileName, line, _header.Length + 1, null, UsageText.Get("UsageErrorTooManyFields", fields, _header.Length)));
            return false;
        }
        if (_userColumn >= 0 && _fieldOf[_userColumn] >= 0
            && Ascii.EqualsIgnoreCase(UsageValues.TrimUtf8(_csv.Field(_fieldOf[_userColumn])), "(Unknown)"u8))
        {
            UnknownUsersSkipped++;
            return false;
        }
        var report = Report!;
        var buffer = _csv.Buffer;
        var values = record.Start(report, line, buffer, _userColumn);
        var ranges = record.Ranges;
        var starts = _csv.FieldStarts;
        var lengths = _csv.FieldLengths;
        var fieldOf = _fieldOf;
        var kinds = _kinds;
        var errorsBefore = _errors.Count;
        for (var column = 0; column < values.Length; column++)
        {
            var field = fieldOf[column];
            ranges[column] = default;
            if (field < 0)
            {
                values[column] = UsageValue.Missing;
                continue;
            }
            var text = new ReadOnlySpan<byte>(buffer, starts[field], lengths[field]);
            var kind = kinds[column];
            if (kind is UsageValueKind.Text or UsageValueKind.Products)
            {
                var trimmed = UsageValues.TrimUtf8(text, out var skipped);
                values[column] = trimmed.IsEmpty ? UsageValue.Missing : new UsageValue(true, 0, null);
                ranges[column] = new TextRange(starts[field] + skipped, trimmed.Length);
            }
            else if (kind == UsageValueKind.Count && UsageValues.TryParseDigits(text, out var count))
            {
                values[column] = new UsageValue(true, count, null); // the common case, without the general parser's trimming
            }
            else if (Parse(kind, text, out var value))
            {
                values[column] = value;
            }
            else
            {
                _errors.Add(At(line, field, UsageText.Get(InvalidKey(kind), Encoding.UTF8.GetString(text))));
            }
        }
        if (_errors.Count > errorsBefore)
        {
            return false;
        }
        if (!CheckRequiredValue(line, values, _refreshColumn) || !CheckRequiredValue(line, values, _keyColumn))
        {
            return false;
        }
        var refreshed = DateOnly.FromDayNumber((int)values[_refreshColumn].Number);
        if (RefreshDate is { } date && refreshed != date)
        {
            var message = _refreshDateLine == 0
                ? UsageText.Get("UsageErrorRefreshDateExpected", Iso(refreshed), Iso(date))
                : UsageText.Get("UsageErrorRefreshDateDiffers", Iso(refreshed), Iso(date), _refreshDateLine);
            _errors.Add(At(line, _fieldOf[_refreshColumn], message));
            return false;
        }
        if (_options.Today is { } today && refreshed > today)
        {
            // Every row has this date (or the one asked for), so one error says it all.
            Stop(At(line, _fieldOf[_refreshColumn], UsageText.Get("UsageErrorFutureDate", Iso(refreshed), Iso(today), _options.TimeZone)));
            return false;
        }
        if (RefreshDate is null)
        {
            RefreshDate = refreshed;
            _refreshDateLine = line;
        }
        if (_userColumn >= 0 && values[_userColumn].HasValue)
        {
            if (UsageValues.IsConcealedName(record.GetUtf8(_userColumn)))
            {
                _concealedRows++;
            }
            else
            {
                _identifiedRows++;
            }
        }
        return true;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private bool CheckRequiredValue(int line, UsageValue[] values, int column)
    {
        if (values[column].HasValue)
        {
            return true;
        }
        _errors.Add(At(line, _fieldOf[column], UsageText.Get("UsageErrorMissingValue")));
        return false;
    }

    private InputError At(int line, int field, string message) => new(_fileName, line, field + 1, _header[field], message);

    private static string InvalidKey(UsageValueKind kind) => kind switch
    {
        UsageValueKind.Date => "UsageErrorInvalidDate",
        UsageValueKind.Boolean => "UsageErrorInvalidBoolean",
        UsageValueKind.Count => "UsageErrorInvalidCount",
        UsageValueKind.Duration => "UsageErrorInvalidDuration",
        UsageValueKind.Period => "UsageErrorInvalidPeriod",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Text is always valid"),
    };

    /// <summary>Parses a value that is not text from its UTF-8 bytes.</summary>
    internal static bool Parse(UsageValueKind kind, ReadOnlySpan<byte> text, out UsageValue value)
    {
        value = UsageValue.Missing;
        switch (kind)
        {
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
