using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Oppdrift.Shared;

/// <summary>
/// A streaming RFC 4180 reader that knows where it is: every record carries the line it started on,
/// so importers can name the line and column of what they reject. It decodes strictly (invalid UTF-8
/// is an error, not a replacement character), honours byte-order marks (UTF-8, UTF-16 LE/BE), detects
/// the delimiter from the header line (comma, semicolon as Norwegian Excel saves, or tab), and refuses
/// runaway fields so that a file of garbage fails fast instead of filling memory.
/// </summary>
public sealed class CsvReader : IDisposable
{
    public const int MaxFieldLength = 64 * 1024;
    public const int MaxFieldsPerRecord = 1024;

    // Invalid UTF-8 is decoded to this character and its place is queued; the error is raised when the parser reaches
    // it, which knows the record's field by then. U+FFFF is a noncharacter: a real one in a file is text as before.
    private const char Invalid = '\uFFFF';

    private readonly Stream _stream;
    private readonly byte[] _bytes = new byte[64 * 1024];
    private Decoder? _decoder;
    private bool _utf8;
    private int _linesInEarlierBlocks = 1;
    private int _lineBytesInEarlierBlocks; // bytes of the last line of the blocks decoded so far
    private readonly List<int> _invalidIndexes = [];
    private readonly Queue<(int Line, int Byte)> _invalid = new();
    private readonly string _fileName;
    // A few more than the bytes: invalid bytes held over from the block before come out as one character each.
    private readonly char[] _buffer = new char[64 * 1024 + 4];
    private readonly StringBuilder _field = new();
    private string[] _fields = new string[64];
    private int _fieldCount;
    private ulong _mask; // bit i: the character at _maskStart + i in the block is a delimiter, line break, NUL, quote or U+FFFF
    private int _maskStart = -64;
    private int _position;
    private int _pendingStart; // the field's characters in _buffer not yet in _field
    private int _pendingLength;
    private int _length;
    private int _line = 1;
    private char _delimiter;

    public CsvReader(Stream stream, string fileName, char? delimiter = null)
    {
        _stream = stream;
        _fileName = fileName;
        _delimiter = delimiter ?? '\0';
    }

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string FileName => _fileName;

    /// <summary>The delimiter in use; known after the first record has been read.</summary>
    public char Delimiter => _delimiter;

    /// <summary>
    /// Reads the next record, or returns null at the end of the file. Blank lines are skipped.
    /// Throws <see cref="InputErrorException"/> for malformed input.
    /// </summary>
    public CsvRecord? Read()
    {
        while (true)
        {
            if (!EnsureData())
            {
                return null;
            }
            var startLine = _line;
            if (_delimiter == '\0')
            {
                _delimiter = DetectDelimiter();
            }
            _specialSets ??= Specials(_delimiter);
            var sawQuote = ReadRecord(startLine);
            if (_fieldCount == 1 && _fields[0].Length == 0 && !sawQuote)
            {
                continue; // blank line
            }
            return new CsvRecord(startLine, _fields.AsSpan(0, _fieldCount).ToArray());
        }
    }

    private enum FieldEnd
    {
        Delimiter,
        EndOfLine,
        EndOfFile,
    }

    // What ends or interrupts an unquoted field: the delimiter, a line break, NUL (an error) and, while invalid UTF-8
    // is queued, its stand-in. Everything else is copied as it is, a run of characters at a time. With nothing queued
    // a U+FFFF is text, so the search leaves it out and stays within ASCII, which SearchValues scans fastest.
    private static readonly (SearchValues<char> Valid, SearchValues<char> Invalid) CommaSpecials = CreateSpecials(',');
    private static readonly (SearchValues<char> Valid, SearchValues<char> Invalid) SemicolonSpecials = CreateSpecials(';');
    private static readonly (SearchValues<char> Valid, SearchValues<char> Invalid) TabSpecials = CreateSpecials('\t');
    private (SearchValues<char> Valid, SearchValues<char> Invalid)? _specialSets;

    private static (SearchValues<char> Valid, SearchValues<char> Invalid) Specials(char delimiter) => delimiter switch
    {
        ',' => CommaSpecials,
        ';' => SemicolonSpecials,
        '\t' => TabSpecials,
        _ => CreateSpecials(delimiter),
    };

    private static (SearchValues<char> Valid, SearchValues<char> Invalid) CreateSpecials(char delimiter) =>
        (SearchValues.Create([delimiter, '\n', '\r', '\0']), SearchValues.Create([delimiter, '\n', '\r', '\0', Invalid]));

    private SearchValues<char> CurrentSpecials => _invalid.Count == 0 ? _specialSets!.Value.Valid : _specialSets!.Value.Invalid;

    /// <summary>Reads the fields of one record into <see cref="_fields"/>; true when any of them was quoted.</summary>
    private bool ReadRecord(int startLine)
    {
        _fieldCount = 0;
        var sawQuote = false;
        var buffer = _buffer;
        var delimiterChar = _delimiter;
        while (true)
        {
            // The common case in one place: an unquoted field that lies in the block, within the limit, up to a
            // delimiter or a line break, found by the block's bit mask. Anything else (a quote at the start, a field
            // running into the next block, a CR at the end of the block, NUL, invalid UTF-8, a field too long) is
            // left to ReadField from the same place.
            var position = _position;
            var length = _length;
            if ((uint)position < (uint)length && (uint)length <= (uint)buffer.Length && buffer[position] != '"')
            {
                var end = NextSpecial(position);
                while (end < length && (buffer[end] == '"' || (buffer[end] == Invalid && _invalid.Count == 0)))
                {
                    end = NextSpecial(end + 1); // a quote inside a field, or a real U+FFFF, is text
                }
                if (end < length && end - position <= MaxFieldLength)
                {
                    var c = buffer[end];
                    var delimiter = c == delimiterChar;
                    var ends = delimiter || c == '\n' ? 1 : c != '\r' ? 0 : end + 1 < length ? (buffer[end + 1] == '\n' ? 2 : 1) : 0;
                    if (ends > 0)
                    {
                        AddField(startLine, end == position ? string.Empty : new string(buffer, position, end - position));
                        _position = end + ends;
                        if (delimiter)
                        {
                            continue;
                        }
                        _line++;
                        return sawQuote;
                    }
                }
            }
            var fieldEnd = ReadField(startLine, ref sawQuote, out var value);
            AddField(startLine, value);
            if (fieldEnd != FieldEnd.Delimiter)
            {
                return sawQuote;
            }
        }
    }

    private void AddField(int startLine, string value)
    {
        if (_fieldCount >= MaxFieldsPerRecord)
        {
            throw Error(startLine, null, SharedText.Get("CsvTooManyFields", MaxFieldsPerRecord));
        }
        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }
        _fields[_fieldCount++] = value;
    }

    /// <summary>
    /// The position of the next delimiter, CR, LF, NUL, quote or U+FFFF at or after <paramref name="from"/> in the
    /// block, or <see cref="_length"/>. Positions come from a bit mask of 64 characters at a time, made with a few
    /// vector compares (as <see cref="Usage.UsageCsvTokenizer"/> does on bytes), so each field costs a shift and a
    /// count of trailing zeros instead of a search of its own.
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
            if (from >= _length)
            {
                return _length;
            }
            LoadMask(from);
        }
    }

    private void LoadMask(int from)
    {
        _maskStart = from;
        var chars = _buffer.AsSpan(from, Math.Min(64, _length - from));
        var delimiter = _delimiter;
        if (chars.Length == 64)
        {
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(chars));
            if (Vector512.IsHardwareAccelerated)
            {
                _mask = Vector512.Narrow(Specials(Vector512.LoadUnsafe(ref first), delimiter), Specials(Vector512.LoadUnsafe(ref first, 32), delimiter))
                    .ExtractMostSignificantBits();
                return;
            }
            if (Vector256.IsHardwareAccelerated)
            {
                _mask = Vector256.Narrow(Specials(Vector256.LoadUnsafe(ref first), delimiter), Specials(Vector256.LoadUnsafe(ref first, 16), delimiter))
                    .ExtractMostSignificantBits()
                    | ((ulong)Vector256.Narrow(Specials(Vector256.LoadUnsafe(ref first, 32), delimiter), Specials(Vector256.LoadUnsafe(ref first, 48), delimiter))
                    .ExtractMostSignificantBits() << 32);
                return;
            }
        }
        ulong scalar = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c == delimiter || c is '\n' or '\r' or '\0' or '"' or Invalid)
            {
                scalar |= 1UL << i;
            }
        }
        _mask = scalar;
    }

    private static Vector512<ushort> Specials(Vector512<ushort> chars, char delimiter) =>
        Vector512.Equals(chars, Vector512.Create((ushort)delimiter)) | Vector512.Equals(chars, Vector512.Create((ushort)'\n'))
        | Vector512.Equals(chars, Vector512.Create((ushort)'\r')) | Vector512.Equals(chars, Vector512<ushort>.Zero)
        | Vector512.Equals(chars, Vector512.Create((ushort)'"')) | Vector512.Equals(chars, Vector512.Create((ushort)Invalid));

    private static Vector256<ushort> Specials(Vector256<ushort> chars, char delimiter) =>
        Vector256.Equals(chars, Vector256.Create((ushort)delimiter)) | Vector256.Equals(chars, Vector256.Create((ushort)'\n'))
        | Vector256.Equals(chars, Vector256.Create((ushort)'\r')) | Vector256.Equals(chars, Vector256<ushort>.Zero)
        | Vector256.Equals(chars, Vector256.Create((ushort)'"')) | Vector256.Equals(chars, Vector256.Create((ushort)Invalid));

    /// <summary>
    /// Reads one field up to and including what ends it. A field that lies in the decoded block as it is becomes a
    /// string in one go; one that crosses into the next block or holds escaped quotes is put together in
    /// <see cref="_field"/>. A quote opens quoting only at the start of a field; anywhere else it is text.
    /// </summary>
    private FieldEnd ReadField(int startLine, ref bool sawQuote, out string value)
    {
        _field.Clear();
        _pendingStart = _position;
        _pendingLength = 0;
        if (!EnsureData())
        {
            value = string.Empty;
            return FieldEnd.EndOfFile;
        }
        if (_buffer[_position] == '"')
        {
            _position++;
            sawQuote = true;
            _pendingStart = _position;
            ReadQuoted(startLine);
        }
        while (true)
        {
            if (!More())
            {
                value = FieldValue();
                return FieldEnd.EndOfFile;
            }
            var rest = _buffer.AsSpan(_position, _length - _position);
            var index = rest.IndexOfAny(CurrentSpecials);
            if (index < 0)
            {
                AppendRun(rest.Length, startLine);
                continue;
            }
            AppendRun(index, startLine);
            var c = _buffer[_position++];
            if (c == _delimiter)
            {
                value = FieldValue();
                return FieldEnd.Delimiter;
            }
            if (c == '\n')
            {
                value = FieldValue();
                _line++;
                return FieldEnd.EndOfLine;
            }
            if (c == '\r')
            {
                value = FieldValue();
                if (EnsureData() && _buffer[_position] == '\n')
                {
                    _position++;
                }
                _line++;
                return FieldEnd.EndOfLine;
            }
            if (c == '\0')
            {
                throw Error(_line, _fieldCount + 1, SharedText.Get("CsvNulCharacter"));
            }
            _position--;
            AppendInvalidOrText(startLine);
        }
    }

    /// <summary>Reads a quoted part up to its closing quote (or the end of the file); the opening quote is read.</summary>
    private void ReadQuoted(int startLine)
    {
        var quoteLine = _line;
        while (true)
        {
            if (!More())
            {
                throw Error(quoteLine, _fieldCount + 1, SharedText.Get("CsvUnclosedQuote"));
            }
            var rest = _buffer.AsSpan(_position, _length - _position);
            var index = _invalid.Count == 0 ? rest.IndexOfAny('"', '\n') : rest.IndexOfAny('"', '\n', Invalid);
            if (index < 0)
            {
                AppendRun(rest.Length, startLine);
                continue;
            }
            AppendRun(index, startLine);
            var c = _buffer[_position];
            if (c == '\n')
            {
                _line++;
                AppendRun(1, startLine);
            }
            else if (c == Invalid)
            {
                AppendInvalidOrText(startLine);
            }
            else
            {
                // A quote: two in a row are one quote of the text, one alone closes the quoted part.
                _position++;
                if (!More())
                {
                    return;
                }
                if (_buffer[_position] != '"')
                {
                    return;
                }
                _position++;
                AppendText('"', startLine);
            }
        }
    }

    /// <summary>The field as read so far, whether it lies in the block or has been put together.</summary>
    private string FieldValue()
    {
        if (_field.Length == 0)
        {
            return _pendingLength == 0 ? string.Empty : new string(_buffer, _pendingStart, _pendingLength);
        }
        FlushPending();
        return _field.ToString();
    }

    /// <summary>Takes the next <paramref name="count"/> characters at the position into the field.</summary>
    private void AppendRun(int count, int startLine)
    {
        if (count == 0)
        {
            return;
        }
        if (_field.Length + _pendingLength + count > MaxFieldLength)
        {
            throw Error(startLine, _fieldCount + 1, SharedText.Get("CsvFieldTooLong", MaxFieldLength));
        }
        if (_pendingStart + _pendingLength != _position)
        {
            FlushPending();
            _pendingStart = _position;
        }
        _pendingLength += count;
        _position += count;
    }

    /// <summary>Takes a character into the field that is not the one at the position (an escaped quote).</summary>
    private void AppendText(char c, int startLine)
    {
        if (_field.Length + _pendingLength >= MaxFieldLength)
        {
            throw Error(startLine, _fieldCount + 1, SharedText.Get("CsvFieldTooLong", MaxFieldLength));
        }
        FlushPending();
        _field.Append(c);
        _pendingStart = _position;
    }

    /// <summary>
    /// The character at the position is the stand-in for invalid UTF-8: raised as an error when a bad byte is queued,
    /// otherwise (a real U+FFFF in the file) text.
    /// </summary>
    private void AppendInvalidOrText(int startLine)
    {
        if (_invalid.TryDequeue(out var invalid))
        {
            throw Error(invalid.Line, _fieldCount + 1, SharedText.Get("CsvInvalidUtf8", invalid.Byte));
        }
        AppendRun(1, startLine);
    }

    /// <summary>Moves the characters of the field that still lie in the block into <see cref="_field"/>.</summary>
    private void FlushPending()
    {
        if (_pendingLength > 0)
        {
            _field.Append(_buffer, _pendingStart, _pendingLength);
            _pendingLength = 0;
        }
    }

    /// <summary>Like <see cref="EnsureData"/>, but first keeps what the field holds of the block about to be replaced.</summary>
    private bool More()
    {
        if (_position < _length)
        {
            return true;
        }
        FlushPending();
        var more = EnsureData();
        _pendingStart = _position;
        return more;
    }

    private char DetectDelimiter()
    {
        // Count candidate delimiters outside quotes on the first line in the buffer.
        int commas = 0, semicolons = 0, tabs = 0;
        var inQuotes = false;
        for (var i = _position; i < _length; i++)
        {
            var c = _buffer[i];
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes)
            {
                if (c is '\n' or '\r')
                {
                    break;
                }
                if (c == ',')
                {
                    commas++;
                }
                else if (c == ';')
                {
                    semicolons++;
                }
                else if (c == '\t')
                {
                    tabs++;
                }
            }
        }
        if (tabs > commas && tabs > semicolons)
        {
            return '\t';
        }
        return semicolons > commas ? ';' : ',';
    }

    private bool EnsureData()
    {
        while (_position >= _length)
        {
            var read = ReadBytes(out var offset);
            _position = 0;
            _length = 0;
            _maskStart = -64; // the mask was of the block being replaced
            if (read == 0)
            {
                if (_decoder is not null)
                {
                    _length = Decode([], 0, 0, flush: true);
                }
                return _length > 0;
            }
            _length = Decode(_bytes, offset, read - offset, flush: false);
        }
        return true;
    }

    private int ReadBytes(out int offset)
    {
        offset = 0;
        var read = _stream.ReadAtLeast(_bytes, _decoder is null ? 4 : 1, throwOnEndOfStream: false);
        if (_decoder is null)
        {
            // The byte-order mark decides the encoding; without one the file must be UTF-8.
            Encoding encoding = StrictUtf8;
            if (read >= 3 && _bytes[0] == 0xEF && _bytes[1] == 0xBB && _bytes[2] == 0xBF)
            {
                offset = 3;
            }
            else if (read >= 2 && _bytes[0] == 0xFF && _bytes[1] == 0xFE)
            {
                encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
                offset = 2;
            }
            else if (read >= 2 && _bytes[0] == 0xFE && _bytes[1] == 0xFF)
            {
                encoding = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
                offset = 2;
            }
            _utf8 = encoding is UTF8Encoding;
            _decoder = encoding.GetDecoder();
            if (_utf8)
            {
                _decoder.Fallback = new QueueingFallback(_invalidIndexes);
            }
        }
        return read;
    }

    private int Decode(byte[] bytes, int offset, int count, bool flush)
    {
        try
        {
            var produced = _decoder!.GetChars(bytes, offset, count, _buffer, 0, flush);
            if (_utf8)
            {
                var block = bytes.AsSpan(offset, count);
                foreach (var index in _invalidIndexes)
                {
                    _invalid.Enqueue(Locate(block, index));
                }
                _invalidIndexes.Clear();
                _linesInEarlierBlocks += block.Count((byte)'\n');
                var lastNewline = block.LastIndexOf((byte)'\n');
                _lineBytesInEarlierBlocks = lastNewline >= 0 ? count - lastNewline - 1 : _lineBytesInEarlierBlocks + count;
            }
            return produced;
        }
        catch (DecoderFallbackException)
        {
            // Only UTF-16 throws; UTF-8 errors are queued and raised where the parser meets them.
            throw new InputErrorException(new InputError(_fileName, _line, null, null, SharedText.Get("CsvInvalidText")));
        }
    }

    /// <summary>
    /// The line of an invalid byte at <paramref name="index"/> in this block (negative: held over from the block
    /// before) and its place in that line, counting bytes from 1.
    /// </summary>
    private (int Line, int Byte) Locate(ReadOnlySpan<byte> block, int index)
    {
        var before = block[..Math.Clamp(index, 0, block.Length)];
        var lastNewline = before.LastIndexOf((byte)'\n');
        var position = lastNewline >= 0 ? index - lastNewline : _lineBytesInEarlierBlocks + index + 1;
        return (_linesInEarlierBlocks + before.Count((byte)'\n'), position);
    }

    /// <summary>Turns each invalid UTF-8 sequence into <see cref="Invalid"/> and notes where it was.</summary>
    private sealed class QueueingFallback(List<int> indexes) : DecoderFallback
    {
        public override int MaxCharCount => 1;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(indexes);

        private sealed class Buffer(List<int> indexes) : DecoderFallbackBuffer
        {
            private bool _pending;

            public override int Remaining => _pending ? 1 : 0;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                indexes.Add(index);
                _pending = true;
                return true;
            }

            public override char GetNextChar()
            {
                if (!_pending)
                {
                    return '\0';
                }
                _pending = false;
                return Invalid;
            }

            public override bool MovePrevious() => false;

            public override void Reset() => _pending = false;
        }
    }

    private InputErrorException Error(int line, int? column, string message) =>
        new(new InputError(_fileName, line, column, null, message));

    public void Dispose() => _stream.Dispose();
}

/// <summary>One record and the line it started on.</summary>
public sealed record CsvRecord(int Line, string[] Fields);
