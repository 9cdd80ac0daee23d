using BenchmarkDotNet.Attributes;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks;

/// <summary>The usage report reader: header recognition, then every value parsed by its column type.</summary>
[MemoryDiagnoser]
[Config(typeof(ReaderConfig))]
public class UsageReportReaderBenchmarks
{
    private byte[] _email = [];
    private byte[] _teams = [];

    [GlobalSetup]
    public void Generate()
    {
        _email = GeneratedReports.EmailActivity();
        _teams = GeneratedReports.TeamsActivity();
        Check(_email, UsageReportCatalogue.EmailActivityUserDetail);
        Check(_teams, UsageReportCatalogue.TeamsUserActivityUserDetail);
    }

    [Benchmark]
    [Rows(GeneratedReports.Rows)]
    public int EmailActivityUserDetail() => ReadAll(_email);

    [Benchmark]
    [Rows(GeneratedReports.Rows)]
    public int TeamsUserActivityUserDetail() => ReadAll(_teams);

    private static int ReadAll(byte[] file)
    {
        using var reader = UsageReportReader.Open(new MemoryStream(file, writable: false), "bench.csv");
        while (reader.Read() is not null)
        {
        }
        return reader.RowsRead;
    }

    /// <summary>A benchmark of a reader that rejects its input measures the wrong thing: fail before measuring.</summary>
    private static void Check(byte[] file, UsageReportType expected)
    {
        using var reader = UsageReportReader.Open(new MemoryStream(file, writable: false), "bench.csv");
        while (reader.Read() is not null)
        {
        }
        if (reader.Report != expected || reader.Errors.Count > 0 || reader.RowsRead != GeneratedReports.Rows)
        {
            var first = reader.Errors.Count > 0 ? reader.Errors[0].ToString() : "none";
            throw new InvalidOperationException($"{expected.Name}: read {reader.RowsRead} rows as {reader.Report?.Name ?? "no report"}; first error: {first}");
        }
    }
}
