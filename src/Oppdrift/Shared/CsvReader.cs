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
    private readonly List<string> _fields = [];
    private int _position;
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
            var ended = ReadRecord(startLine);
            if (_fields.Count == 1 && _fields[0].Length == 0 && !ended.SawQuote)
            {
                continue; // blank line
            }
            return new CsvRecord(startLine, [.. _fields]);
        }
    }

    private readonly record struct RecordEnd(bool SawQuote);

    private RecordEnd ReadRecord(int startLine)
    {
        _fields.Clear();
        _field.Clear();
        var inQuotes = false;
        var sawQuote = false;
        var quoteLine = 0;
        while (true)
        {
            if (!EnsureData())
            {
                if (inQuotes)
                {
                    throw Error(quoteLine, _fields.Count + 1, SharedText.Get("CsvUnclosedQuote"));
                }
                AddField(startLine);
                return new RecordEnd(sawQuote);
            }
            var c = _buffer[_position++];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (!EnsureData())
                    {
                        inQuotes = false;
                        continue;
                    }
                    if (_buffer[_position] == '"')
                    {
                        _position++;
                        Append('"', startLine);
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }
                    Append(c, startLine);
                }
                continue;
            }
            if (c == '"' && _field.Length == 0)
            {
                inQuotes = true;
                sawQuote = true;
                quoteLine = _line;
            }
            else if (c == _delimiter)
            {
                AddField(startLine);
            }
            else if (c == '\n')
            {
                _line++;
                AddField(startLine);
                return new RecordEnd(sawQuote);
            }
            else if (c == '\r')
            {
                if (EnsureData() && _buffer[_position] == '\n')
                {
                    _position++;
                }
                _line++;
                AddField(startLine);
                return new RecordEnd(sawQuote);
            }
            else if (c == '\0')
            {
                throw Error(_line, _fields.Count + 1, SharedText.Get("CsvNulCharacter"));
            }
            else
            {
                Append(c, startLine);
            }
        }
    }

    private void Append(char c, int startLine)
    {
        if (c == Invalid && _invalid.TryDequeue(out var invalid))
        {
            throw Error(invalid.Line, _fields.Count + 1, SharedText.Get("CsvInvalidUtf8", invalid.Byte));
        }
        if (_field.Length >= MaxFieldLength)
        {
            throw Error(startLine, _fields.Count + 1, SharedText.Get("CsvFieldTooLong", MaxFieldLength));
        }
        _field.Append(c);
    }

    private void AddField(int startLine)
    {
        if (_fields.Count >= MaxFieldsPerRecord)
        {
            throw Error(startLine, null, SharedText.Get("CsvTooManyFields", MaxFieldsPerRecord));
        }
        _fields.Add(_field.ToString());
        _field.Clear();
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
