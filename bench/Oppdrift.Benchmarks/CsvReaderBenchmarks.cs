using BenchmarkDotNet.Attributes;
using Oppdrift.Shared;

namespace Oppdrift.Benchmarks;

/// <summary>The bare CSV layer under every importer: records and fields, no value parsing.</summary>
[MemoryDiagnoser]
[Config(typeof(ReaderConfig))]
public class CsvReaderBenchmarks
{
    private byte[] _thirteenColumns = [];
    private byte[] _thirtyThreeColumns = [];

    [GlobalSetup]
    public void Generate()
    {
        _thirteenColumns = GeneratedReports.EmailActivity();
        _thirtyThreeColumns = GeneratedReports.TeamsActivity();
        Check(ReadAll(_thirteenColumns), 13);
        Check(ReadAll(_thirtyThreeColumns), 33);
    }

    [Benchmark]
    [Rows(GeneratedReports.Rows)]
    public long ThirteenColumns() => ReadAll(_thirteenColumns);

    [Benchmark]
    [Rows(GeneratedReports.Rows)]
    public long ThirtyThreeColumns() => ReadAll(_thirtyThreeColumns);

    /// <summary>Reads every record and returns the number of fields, header included.</summary>
    private static long ReadAll(byte[] file)
    {
        using var reader = new CsvReader(new MemoryStream(file, writable: false), "bench.csv");
        long fields = 0;
        while (reader.Read() is { } record)
        {
            fields += record.Fields.Length;
        }
        return fields;
    }

    private static void Check(long fields, int columns)
    {
        if (fields != (GeneratedReports.Rows + 1L) * columns)
        {
            throw new InvalidOperationException($"Expected {GeneratedReports.Rows + 1} records of {columns} fields, read {fields} fields.");
        }
    }
}
