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

    private readonly Stream _stream;
    private readonly byte[] _bytes = new byte[64 * 1024];
    private Decoder? _decoder;
    private bool _utf8;
    private int _linesInEarlierBlocks = 1;
    private readonly string _fileName;
    private readonly char[] _buffer = new char[64 * 1024];
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
                _linesInEarlierBlocks += bytes.AsSpan(offset, count).Count((byte)'\n');
            }
            return produced;
        }
        catch (DecoderFallbackException ex)
        {
            var line = _line;
            var column = (int?)null;
            if (_utf8)
            {
                // Name the exact line: count the newlines before the offending byte in this block.
                var index = Math.Clamp(ex.Index, 0, count);
                var before = bytes.AsSpan(offset, index);
                line = _linesInEarlierBlocks + before.Count((byte)'\n');
                var lastNewline = before.LastIndexOf((byte)'\n');
                column = index - lastNewline;
            }
            throw new InputErrorException(new InputError(_fileName, line, null, null,
                column is { } c
                    ? SharedText.Get("CsvInvalidUtf8", c)
                    : SharedText.Get("CsvInvalidText")));
        }
    }

    private InputErrorException Error(int line, int? column, string message) =>
        new(new InputError(_fileName, line, column, null, message));

    public void Dispose() => _stream.Dispose();
}

/// <summary>One record and the line it started on.</summary>
public sealed record CsvRecord(int Line, string[] Fields);
