using System.Buffers;
using System.Buffers.Text;

namespace Oppdrift.Demo;

/// <summary>
/// The demo reports' output buffer: UTF-8 bytes written straight into a pooled array, numbers and dates formatted
/// without strings, so a day of 54,000 rows costs a few milliseconds. Callers reserve room for a row and drain it.
/// </summary>
internal sealed class DemoCsvBytes : IDisposable
{
    public const int FlushAt = 64 * 1024;

    /// <summary>More than any demo row needs (the widest, Teams, is about 500 bytes); indexing checks the rest.</summary>
    public const int MaxRowBytes = 4096;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(FlushAt + (2 * MaxRowBytes));
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    public void Clear() => _length = 0;

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Comma() => _buffer[_length++] = (byte)',';

    public void EndRow()
    {
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
    }

    public void Count(long value)
    {
        if ((ulong)value < 10)
        {
            _buffer[_length++] = (byte)('0' + value);
            return;
        }
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    /// <summary>yyyy-MM-dd; nothing for a negative day number (a date that is missing).</summary>
    public void Date(int dayNumber)
    {
        if (dayNumber < 0)
        {
            return;
        }
        var index = dayNumber - FirstTableDay;
        if ((uint)index < (uint)TableDays)
        {
            DateTable.AsSpan(index * 10, 10).CopyTo(_buffer.AsSpan(_length));
            _length += 10;
            return;
        }
        WriteDate(_buffer.AsSpan(_length), dayNumber);
        _length += 10;
    }

    // Every date the demo writes often, formatted once: the row loops then copy ten bytes instead of formatting.
    private static readonly int FirstTableDay = new DateOnly(2012, 1, 1).DayNumber;
    private const int TableDays = 20 * 366;
    private static readonly byte[] DateTable = CreateDateTable();

    private static byte[] CreateDateTable()
    {
        var table = new byte[TableDays * 10];
        for (var i = 0; i < TableDays; i++)
        {
            WriteDate(table.AsSpan(i * 10), FirstTableDay + i);
        }
        return table;
    }

    private static void WriteDate(Span<byte> b, int dayNumber)
    {
        var (year, month, day) = DateOnly.FromDayNumber(dayNumber);
        b[0] = (byte)('0' + (year / 1000));
        b[1] = (byte)('0' + (year / 100 % 10));
        b[2] = (byte)('0' + (year / 10 % 10));
        b[3] = (byte)('0' + (year % 10));
        b[4] = (byte)'-';
        b[5] = (byte)('0' + (month / 10));
        b[6] = (byte)('0' + (month % 10));
        b[7] = (byte)'-';
        b[8] = (byte)('0' + (day / 10));
        b[9] = (byte)('0' + (day % 10));
    }

    public void TrueFalse(bool value) => Raw(value ? "True"u8 : "False"u8);

    public void YesNo(bool value)
    {
        var b = _buffer;
        var i = _length;
        if (value)
        {
            b[i] = (byte)'Y';
            b[i + 1] = (byte)'e';
            b[i + 2] = (byte)'s';
            _length = i + 3;
        }
        else
        {
            b[i] = (byte)'N';
            b[i + 1] = (byte)'o';
            _length = i + 2;
        }
    }

    /// <summary>An ISO 8601 duration as Teams writes it: PT0S for nothing, zero components left out, days as P1DT2H.</summary>
    public void Duration(int seconds)
    {
        if (seconds <= 0)
        {
            Raw("PT0S"u8);
            return;
        }
        _buffer[_length++] = (byte)'P';
        if (seconds >= 86_400)
        {
            Count(seconds / 86_400);
            _buffer[_length++] = (byte)'D';
            seconds %= 86_400;
            if (seconds == 0)
            {
                return;
            }
        }
        _buffer[_length++] = (byte)'T';
        if (seconds >= 3600)
        {
            Count(seconds / 3600);
            _buffer[_length++] = (byte)'H';
        }
        if (seconds % 3600 >= 60)
        {
            Count(seconds % 3600 / 60);
            _buffer[_length++] = (byte)'M';
        }
        if (seconds % 60 > 0)
        {
            Count(seconds % 60);
            _buffer[_length++] = (byte)'S';
        }
    }

    public void DrainTo(Stream stream)
    {
        stream.Write(_buffer, 0, _length);
        _length = 0;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}

/// <summary>
/// A report generated as it is read: each Read fills the buffer with the next rows, so an importer streams a day
/// of reports from memory without the whole file ever existing.
/// </summary>
internal sealed class DemoReportStream : Stream
{
    private readonly DemoUsage.ReportLayout _layout;
    private readonly int _day;
    private DemoCsvBytes? _bytes = new();
    private int _row;
    private int _offset;

    public DemoReportStream(DemoUsage.ReportLayout layout, int day)
    {
        _layout = layout;
        _day = day;
        _bytes.Raw(layout.Header);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_bytes is null, this);
        if (_offset == _bytes.Length)
        {
            _bytes.Clear();
            _offset = 0;
            while (_row < _layout.Rows && _bytes.Length < DemoCsvBytes.FlushAt)
            {
                _bytes.Reserve(DemoCsvBytes.MaxRowBytes);
                _layout.Write(_row++, _day, _bytes);
            }
            if (_bytes.Length == 0)
            {
                return 0;
            }
        }
        var count = Math.Min(buffer.Length, _bytes.Length - _offset);
        _bytes.Written.Slice(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bytes?.Dispose();
            _bytes = null;
        }
        base.Dispose(disposing);
    }
}
