using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using Oppdrift.Shared;

namespace Oppdrift.Usage;

/// <summary>
/// The byte-level CSV layer under <see cref="UsageReportReader"/>: the same grammar, limits and errors as
/// <see cref="CsvReader"/> (comma only), but fields are slices of one pooled UTF-8 buffer instead of strings, so a
/// row costs no allocation. A record is always whole in the buffer (an unfinished one is moved to the front and
/// scanned again after the next read), so a quoted field or a multi-byte character never straddles a boundary.
/// Every record is checked as UTF-8 before it is returned, whether or not its fields are ever used.
/// </summary>
internal sealed class UsageCsvTokenizer : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly string _fileName;
    private readonly Stream _ownedStream;
    private Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start; // the first byte of the next record
    private int _end; // the end of the bytes read so far
    private bool _endOfStream;
    private bool _started;
    private int _nextLine = 1;
    private int[] _fieldStarts = new int[64];
    private int[] _fieldLengths = new int[64];
    private int[] _complexFields = new int[8]; // fields with doubled quotes or text around quotes, unescaped after the scan
    private int _complexCount;
    private int _recordEnd;
    private int _lineAfter;
    private bool _sawQuote;
    private ulong _mask; // bit i: the byte at _maskStart + i is special
    private int _maskStart = -64;

    public UsageCsvTokenizer(Stream stream, string fileName)
    {
        _stream = stream;
        _ownedStream = stream;
        _fileName = fileName;
    }

    /// <summary>The line the current record starts on.</summary>
    public int Line { get; private set; }

    public int FieldCount { get; private set; }

    /// <summary>The buffer the current record's fields are in; valid until the next <see cref="Read"/>.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Where each field of the current record starts in <see cref="Buffer"/>; index by field, up to <see cref="FieldCount"/>.</summary>
    public int[] FieldStarts => _fieldStarts;

    public int[] FieldLengths => _fieldLengths;

    public ReadOnlySpan<byte> Field(int field) => _buffer.AsSpan(_fieldStarts[field], _fieldLengths[field]);

    /// <summary>
    /// Moves to the next record, skipping blank lines; false at the end of the file.
    /// Throws <see cref="InputErrorException"/> for malformed input, with the field number where it is known.
    /// </summary>
    public bool Read()
    {
        if (!_started)
        {
            Start();
        }
        while (true)
        {
            if (_start == _end)
            {
                if (_endOfStream)
                {
                    return false;
                }
                Fill();
                continue;
            }
            if (!Scan())
            {
                Fill();
                continue;
            }
            var record = _buffer.AsSpan(_start, _recordEnd - _start);
            if (!Utf8.IsValid(record))
            {
                throw InvalidUtf8(record);
            }
            for (var i = 0; i < _complexCount; i++)
            {
                var field = _complexFields[i];
                _fieldLengths[field] = Unescape(_buffer.AsSpan(_fieldStarts[field], _fieldLengths[field]));
            }
            _start = _recordEnd;
            _nextLine = _lineAfter;
            if (FieldCount == 1 && _fieldLengths[0] == 0 && !_sawQuote)
            {
                continue; // blank line
            }
            return true;
        }
    }

    /// <summary>
    /// Finds the fields of the record at <see cref="_start"/>; false when the buffer ends before the record does.
    /// Mirrors <see cref="CsvReader"/>'s state machine: a quote opens quoting only at the start of a field's text,
    /// elsewhere it is text; a lone CR, LF or CRLF ends a record outside quotes. It jumps from one special byte to
    /// the next (<see cref="NextSpecial"/>), so ordinary text is never looked at one byte at a time.
    /// </summary>
    private bool Scan()
    {
        var buffer = _buffer;
        var end = _end;
        var p = _start;
        var line = _nextLine;
        Line = line;
        FieldCount = 0;
        _complexCount = 0;
        _sawQuote = false;
        while (true)
        {
            if (p == end && !_endOfStream)
            {
                return false;
            }
            if (p == end || buffer[p] != (byte)'"')
            {
                var q = p;
                while (true)
                {
                    q = NextSpecial(q);
                    if (q == end)
                    {
                        CheckLength(end - p);
                        if (!_endOfStream)
                        {
                            return false;
                        }
                        AddField(p, end - p);
                        return Ended(end, line);
                    }
                    var b = buffer[q];
                    if (b == (byte)'"')
                    {
                        q++; // a quote inside a field's text is text
                        continue;
                    }
                    if (b == 0)
                    {
                        throw Error(line, FieldCount + 1, SharedText.Get("CsvNulCharacter"));
                    }
                    CheckLength(q - p);
                    if (b == (byte)',')
                    {
                        AddField(p, q - p);
                        p = q + 1;
                        break;
                    }
                    if (b == (byte)'\r' && q + 1 == end && !_endOfStream)
                    {
                        return false; // is it CRLF?
                    }
                    AddField(p, q - p);
                    return Ended(b == (byte)'\r' && q + 1 < end && buffer[q + 1] == (byte)'\n' ? q + 2 : q + 1, line + 1);
                }
                continue;
            }
            // Quoted.
            _sawQuote = true;
            var r = p;
            var content = 0;
            var inQuotes = false;
            var opened = 0;
            var complex = false;
            var quoteLine = line;
            while (true)
            {
                if (r == end)
                {
                    CheckLength(content);
                    if (!_endOfStream)
                    {
                        return false;
                    }
                    if (inQuotes)
                    {
                        throw Error(quoteLine, FieldCount + 1, SharedText.Get("CsvUnclosedQuote"));
                    }
                    AddQuotedField(p, r, content, complex);
                    return Ended(end, line);
                }
                if (inQuotes)
                {
                    var q = NextSpecial(r);
                    content += q - r;
                    r = q;
                    if (q == end)
                    {
                        continue;
                    }
                    var special = buffer[q];
                    if (special != (byte)'"')
                    {
                        // A delimiter, line end or NUL inside quotes is text; only LF counts as a new line.
                        line += special == (byte)'\n' ? 1 : 0;
                        content++;
                        r++;
                        CheckLength(content);
                        continue;
                    }
                    if (q + 1 == end && !_endOfStream)
                    {
                        return false; // a doubled quote or the closing one?
                    }
                    if (q + 1 < end && buffer[q + 1] == (byte)'"')
                    {
                        r += 2;
                        content++;
                        complex = true;
                        CheckLength(content);
                    }
                    else
                    {
                        r++;
                        inQuotes = false;
                    }
                    continue;
                }
                var c = buffer[r++];
                if (c == (byte)'"' && content == 0)
                {
                    inQuotes = true;
                    quoteLine = line;
                    complex |= opened++ > 0;
                }
                else if (c == (byte)',')
                {
                    AddQuotedField(p, r - 1, content, complex);
                    p = r;
                    break;
                }
                else if (c is (byte)'\n' or (byte)'\r')
                {
                    if (c == (byte)'\r' && r == end && !_endOfStream)
                    {
                        return false;
                    }
                    AddQuotedField(p, r - 1, content, complex);
                    return Ended(c == (byte)'\r' && r < end && buffer[r] == (byte)'\n' ? r + 1 : r, line + 1);
                }
                else if (c == 0)
                {
                    throw Error(line, FieldCount + 1, SharedText.Get("CsvNulCharacter"));
                }
                else
                {
                    content++;
                    complex = true;
                    CheckLength(content);
                }
            }
        }
    }

    /// <summary>
    /// The position of the next ',', '"', CR, LF or NUL at or after <paramref name="from"/>, or <see cref="_end"/>.
    /// Positions come from a bit mask of 64 bytes at a time, made with a few vector compares, so finding the next
    /// field costs a shift and a count of trailing zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextSpecial(int from)
    {
        while (true)
        {
            var offset = from - _maskStart;
            if ((uint)offset < 64)
            {
                var mask = _mask >> offset;
                if (mask != 0)
                {
                    return from + BitOperations.TrailingZeroCount(mask);
                }
                from = _maskStart + 64;
            }
            if (from >= _end)
            {
                return _end;
            }
            LoadMask(from);
        }
    }

    private void LoadMask(int from)
    {
        _maskStart = from;
        var bytes = _buffer.AsSpan(from, Math.Min(64, _end - from));
        if (bytes.Length == 64 && Vector256.IsHardwareAccelerated)
        {
            _mask = Specials(Vector256.Create(bytes)) | ((ulong)Specials(Vector256.Create(bytes[32..])) << 32);
            return;
        }
        if (bytes.Length == 64 && Vector128.IsHardwareAccelerated)
        {
            _mask = Specials(Vector128.Create(bytes)) | ((ulong)Specials(Vector128.Create(bytes[16..])) << 16)
                | ((ulong)Specials(Vector128.Create(bytes[32..])) << 32) | ((ulong)Specials(Vector128.Create(bytes[48..])) << 48);
            return;
        }
        ulong mask = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is (byte)',' or (byte)'"' or (byte)'\r' or (byte)'\n' or 0)
            {
                mask |= 1UL << i;
            }
        }
        _mask = mask;
    }

    private static uint Specials(Vector256<byte> bytes) =>
        (Vector256.Equals(bytes, Vector256.Create((byte)',')) | Vector256.Equals(bytes, Vector256.Create((byte)'"'))
            | Vector256.Equals(bytes, Vector256.Create((byte)'\r')) | Vector256.Equals(bytes, Vector256.Create((byte)'\n'))
            | Vector256.Equals(bytes, Vector256<byte>.Zero)).ExtractMostSignificantBits();

    private static uint Specials(Vector128<byte> bytes) =>
        (Vector128.Equals(bytes, Vector128.Create((byte)',')) | Vector128.Equals(bytes, Vector128.Create((byte)'"'))
            | Vector128.Equals(bytes, Vector128.Create((byte)'\r')) | Vector128.Equals(bytes, Vector128.Create((byte)'\n'))
            | Vector128.Equals(bytes, Vector128<byte>.Zero)).ExtractMostSignificantBits();

    private bool Ended(int next, int lineAfter)
    {
        _recordEnd = next;
        _lineAfter = lineAfter;
        return true;
    }

    private void CheckLength(int length)
    {
        if (length > CsvReader.MaxFieldLength)
        {
            throw Error(Line, FieldCount + 1, SharedText.Get("CsvFieldTooLong", CsvReader.MaxFieldLength));
        }
    }

    /// <summary>A simple quoted field is the bytes between its quotes; any other is unescaped once the record is whole.</summary>
    private void AddQuotedField(int start, int end, int content, bool complex)
    {
        if (complex)
        {
            if (_complexCount == _complexFields.Length)
            {
                Array.Resize(ref _complexFields, _complexFields.Length * 2);
            }
            _complexFields[_complexCount++] = FieldCount;
            AddField(start, end - start);
        }
        else
        {
            AddField(start + 1, content);
        }
    }

    private void AddField(int start, int length)
    {
        if (FieldCount >= CsvReader.MaxFieldsPerRecord)
        {
            throw Error(Line, null, SharedText.Get("CsvTooManyFields", CsvReader.MaxFieldsPerRecord));
        }
        if (FieldCount == _fieldStarts.Length)
        {
            Array.Resize(ref _fieldStarts, _fieldStarts.Length * 2);
            Array.Resize(ref _fieldLengths, _fieldLengths.Length * 2);
        }
        _fieldStarts[FieldCount] = start;
        _fieldLengths[FieldCount] = length;
        FieldCount++;
    }

    /// <summary>Rewrites a field's raw bytes as its text, in place (the text is never longer); returns its length.</summary>
    private static int Unescape(Span<byte> raw)
    {
        var written = 0;
        var inQuotes = false;
        for (var r = 0; r < raw.Length; r++)
        {
            var c = raw[r];
            if (inQuotes)
            {
                if (c != (byte)'"')
                {
                    raw[written++] = c;
                }
                else if (r + 1 < raw.Length && raw[r + 1] == (byte)'"')
                {
                    raw[written++] = c;
                    r++;
                }
                else
                {
                    inQuotes = false;
                }
            }
            else if (c == (byte)'"' && written == 0)
            {
                inQuotes = true;
            }
            else
            {
                raw[written++] = c;
            }
        }
        return written;
    }

    /// <summary>Keeps the unfinished record (moved to the front, in a larger buffer when it fills this one) and reads more.</summary>
    private void Fill()
    {
        var kept = _end - _start;
        if (kept == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(_start, kept).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, kept).CopyTo(_buffer);
        }
        _start = 0;
        _end = kept;
        _maskStart = -64;
        var read = ReadStream(_buffer.AsSpan(_end));
        if (read == 0)
        {
            _endOfStream = true;
        }
        _end += read;
    }

    private int ReadStream(Span<byte> into)
    {
        try
        {
            return _stream.Read(into);
        }
        catch (DecoderFallbackException)
        {
            // Only a UTF-16 file is transcoded; its decoder does not say where, so name the record being read.
            throw new InputErrorException(new InputError(_fileName, _nextLine, null, null, SharedText.Get("CsvInvalidText")));
        }
    }

    /// <summary>The byte-order mark decides the encoding; without one the file must be UTF-8. UTF-16 is transcoded to UTF-8.</summary>
    private void Start()
    {
        _started = true;
        var read = _stream.ReadAtLeast(_buffer, 4, throwOnEndOfStream: false);
        _end = read;
        if (read < 4)
        {
            _endOfStream = true;
        }
        var bytes = _buffer.AsSpan(0, read);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _start = 3;
        }
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var encoding = new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true);
            var rest = new PrefixedStream(bytes[2..].ToArray(), _stream);
            _stream = Encoding.CreateTranscodingStream(rest, encoding, new UTF8Encoding(false), leaveOpen: true);
            _start = 0;
            _end = 0;
            _endOfStream = false;
        }
    }

    /// <summary>Names the line and the byte within it, and the field, of the first byte that is not UTF-8.</summary>
    private InputErrorException InvalidUtf8(ReadOnlySpan<byte> record)
    {
        var index = 0;
        while (index < record.Length && Rune.DecodeFromUtf8(record[index..], out _, out var consumed) == OperationStatus.Done)
        {
            index += consumed;
        }
        var before = record[..index];
        var line = Line + before.Count((byte)'\n');
        var byteInLine = index - before.LastIndexOf((byte)'\n');
        var absolute = _start + index;
        var field = 0;
        while (field + 1 < FieldCount && _fieldStarts[field + 1] <= absolute)
        {
            field++;
        }
        return Error(line, field + 1, SharedText.Get("CsvInvalidUtf8", byteInLine));
    }

    private InputErrorException Error(int line, int? column, string message) =>
        new(new InputError(_fileName, line, column, null, message));

    public void Dispose()
    {
        if (_stream != _ownedStream)
        {
            _stream.Dispose();
        }
        _ownedStream.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>The bytes already read to find the byte-order mark, then the rest of the stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
