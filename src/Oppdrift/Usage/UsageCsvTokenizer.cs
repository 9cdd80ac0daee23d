using System.Buffers;
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
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\r\n\"\0"u8);

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

    public int FieldStart(int field) => _fieldStarts[field];

    public int FieldLength(int field) => _fieldLengths[field];

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
    /// elsewhere it is text; a lone CR, LF or CRLF ends a record outside quotes.
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
                // Unquoted: one search to the next delimiter, line end, quote or NUL.
                var q = p;
                while (true)
                {
                    var found = buffer.AsSpan(q, end - q).IndexOfAny(UnquotedStops);
                    if (found < 0)
                    {
                        CheckLength(end - p);
                        if (!_endOfStream)
                        {
                            return false;
                        }
                        AddField(p, end - p);
                        return Ended(end, line);
                    }
                    q += found;
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
                var c = buffer[r];
                if (inQuotes)
                {
                    if (c == (byte)'"')
                    {
                        if (r + 1 == end && !_endOfStream)
                        {
                            return false; // a doubled quote or the closing one?
                        }
                        if (r + 1 < end && buffer[r + 1] == (byte)'"')
                        {
                            r += 2;
                            content++;
                            complex = true;
                        }
                        else
                        {
                            r++;
                            inQuotes = false;
                        }
                        continue;
                    }
                    var run = buffer.AsSpan(r, end - r).IndexOf((byte)'"');
                    if (run < 0)
                    {
                        run = end - r;
                    }
                    line += buffer.AsSpan(r, run).Count((byte)'\n');
                    content += run;
                    r += run;
                    CheckLength(content);
                    continue;
                }
                r++;
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
