using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using nietras.SeparatedValues;
using Oppdrift.Shared;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks;

/// <summary>
/// <see cref="CsvReader"/> against Sep on the same 100,000-row reports: every record as a <see cref="CsvRecord"/> of
/// strings with the line it starts on. Sep is the baseline, so the ratio is ours / Sep.
/// </summary>
/// <remarks>
/// Sep is set up to do at least what ours does: strict UTF-8 decoding (a <see cref="StreamReader"/> over
/// <see cref="CsvReader.StrictUtf8"/>, byte-order marks honoured), the delimiter detected from the first line,
/// quotes unescaped, and per record the same refusals ours makes while reading: more than
/// <see cref="CsvReader.MaxFieldsPerRecord"/> fields, a field longer than <see cref="CsvReader.MaxFieldLength"/>,
/// a NUL character. Sep also checks that every record has as many fields as the first (ours leaves that to the
/// importers). What Sep cannot do the same way is not measured here: see docs/performance.md.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ReaderConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CsvReaderVersusSepBenchmarks
{
    private byte[] _thirteenColumns = [];
    private byte[] _thirtyThreeColumns = [];

    [GlobalSetup]
    public void Generate()
    {
        _thirteenColumns = GeneratedReports.EmailActivity();
        _thirtyThreeColumns = GeneratedReports.TeamsActivity();
        SepComparison.Check(ReadAll(_thirteenColumns), ReadAllWithSep(_thirteenColumns), 13);
        SepComparison.Check(ReadAll(_thirtyThreeColumns), ReadAllWithSep(_thirtyThreeColumns), 33);
    }

    [Benchmark]
    [BenchmarkCategory("13 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) ThirteenColumnsOurs() => ReadAll(_thirteenColumns);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("13 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) ThirteenColumnsSep() => ReadAllWithSep(_thirteenColumns);

    [Benchmark]
    [BenchmarkCategory("33 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) ThirtyThreeColumnsOurs() => ReadAll(_thirtyThreeColumns);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("33 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) ThirtyThreeColumnsSep() => ReadAllWithSep(_thirtyThreeColumns);

    /// <summary>Every record through our reader: the number of fields, of characters in them and the sum of the lines records start on.</summary>
    private static (long Fields, long Chars, long Lines) ReadAll(byte[] file)
    {
        using var reader = new CsvReader(new MemoryStream(file, writable: false), "bench.csv");
        long fields = 0, chars = 0, lines = 0;
        while (reader.Read() is { } record)
        {
            lines += record.Line;
            fields += record.Fields.Length;
            foreach (var field in record.Fields)
            {
                chars += field.Length;
            }
        }
        return (fields, chars, lines);
    }

    /// <summary>The same through Sep, ending in the same records: strings in an array, with the line each starts on.</summary>
    private static (long Fields, long Chars, long Lines) ReadAllWithSep(byte[] file)
    {
        using var text = new StreamReader(new MemoryStream(file, writable: false), CsvReader.StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        using var reader = Sep.Reader(o => o with { HasHeader = false, Unescape = true }).From(text);
        long fields = 0, chars = 0, lines = 0;
        foreach (var row in reader)
        {
            var values = new string[SepComparison.CheckFieldCount(row.ColCount)];
            for (var i = 0; i < values.Length; i++)
            {
                var span = row[i].Span;
                SepComparison.CheckField(span);
                values[i] = span.ToString();
            }
            var record = new CsvRecord(row.LineNumberFrom, values);
            lines += record.Line;
            fields += record.Fields.Length;
            foreach (var field in record.Fields)
            {
                chars += field.Length;
            }
        }
        return (fields, chars, lines);
    }
}

/// <summary>
/// <see cref="UsageCsvTokenizer"/>, the byte-level layer under the usage report reader, against Sep on the same
/// reports: every field of every record as a span, no strings. Sep is the baseline, so the ratio is ours / Sep.
/// </summary>
/// <remarks>
/// Ours gives UTF-8 byte spans and validates each record as UTF-8; Sep gives <see langword="char"/> spans, so it
/// decodes the file strictly first (which validates it the same way). Comma only, as ours; the same per-record
/// refusals as <see cref="CsvReaderVersusSepBenchmarks"/>.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ReaderConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class UsageCsvTokenizerVersusSepBenchmarks
{
    private byte[] _email = [];
    private byte[] _teams = [];

    [GlobalSetup]
    public void Generate()
    {
        _email = GeneratedReports.EmailActivity();
        _teams = GeneratedReports.TeamsActivity();
        SepComparison.Check(ReadAll(_email), ReadAllWithSep(_email), 13);
        SepComparison.Check(ReadAll(_teams), ReadAllWithSep(_teams), 33);
    }

    [Benchmark]
    [BenchmarkCategory("Email activity, 13 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) EmailActivityOurs() => ReadAll(_email);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Email activity, 13 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) EmailActivitySep() => ReadAllWithSep(_email);

    [Benchmark]
    [BenchmarkCategory("Teams activity, 33 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) TeamsActivityOurs() => ReadAll(_teams);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Teams activity, 33 columns")]
    [Rows(GeneratedReports.Rows)]
    public (long, long, long) TeamsActivitySep() => ReadAllWithSep(_teams);

    private static (long Fields, long Chars, long Lines) ReadAll(byte[] file)
    {
        using var tokenizer = new UsageCsvTokenizer(new MemoryStream(file, writable: false), "bench.csv");
        long fields = 0, bytes = 0, lines = 0;
        while (tokenizer.Read())
        {
            lines += tokenizer.Line;
            var count = tokenizer.FieldCount;
            fields += count;
            for (var i = 0; i < count; i++)
            {
                bytes += tokenizer.Field(i).Length;
            }
        }
        return (fields, bytes, lines);
    }

    private static (long Fields, long Chars, long Lines) ReadAllWithSep(byte[] file)
    {
        using var text = new StreamReader(new MemoryStream(file, writable: false), CsvReader.StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        using var reader = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = false, Unescape = true }).From(text);
        long fields = 0, chars = 0, lines = 0;
        foreach (var row in reader)
        {
            lines += row.LineNumberFrom;
            var count = SepComparison.CheckFieldCount(row.ColCount);
            fields += count;
            for (var i = 0; i < count; i++)
            {
                var span = row[i].Span;
                SepComparison.CheckField(span);
                chars += span.Length;
            }
        }
        return (fields, chars, lines);
    }
}

/// <summary>The refusals ours makes while reading, made on what Sep returns; and the check that both read the same.</summary>
internal static class SepComparison
{
    public static int CheckFieldCount(int count) =>
        count <= CsvReader.MaxFieldsPerRecord ? count : throw new InvalidDataException("Too many fields.");

    public static void CheckField(ReadOnlySpan<char> field)
    {
        if (field.Length > CsvReader.MaxFieldLength)
        {
            throw new InvalidDataException("Field too long.");
        }
        if (field.Contains('\0'))
        {
            throw new InvalidDataException("NUL character.");
        }
    }

    /// <summary>A comparison of readers that read different things measures the wrong thing: fail before measuring.</summary>
    public static void Check((long Fields, long Chars, long Lines) ours, (long Fields, long Chars, long Lines) sep, int columns)
    {
        // Sep 0.18 numbers the first row's line 2 when there is no header row; every other row as ours.
        var expected = (GeneratedReports.Rows + 1L) * columns;
        if (ours.Fields != expected || (ours.Fields, ours.Chars, ours.Lines + 1) != sep)
        {
            throw new InvalidOperationException(
                $"Expected {GeneratedReports.Rows + 1} records of {columns} fields: ours read {ours}, Sep {sep} (fields, characters, sum of lines).");
        }
    }
}
