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

    [Benchmark]
    [Rows(GeneratedReports.Rows)]
    public int EmailActivityUserDetailInPlace() => ReadAllInPlace(_email);

    [Benchmark]
    [Rows(GeneratedReports.Rows)]
    public int TeamsUserActivityUserDetailInPlace() => ReadAllInPlace(_teams);

    private static int ReadAll(byte[] file)
    {
        using var reader = UsageReportReader.Open(new MemoryStream(file, writable: false), "bench.csv");
        while (reader.Read() is not null)
        {
        }
        return reader.RowsRead;
    }

    /// <summary>The importer's way: one record filled row after row, the user read as UTF-8 bytes.</summary>
    private static int ReadAllInPlace(byte[] file)
    {
        using var reader = UsageReportReader.Open(new MemoryStream(file, writable: false), "bench.csv");
        var record = new UsageRecord();
        var userBytes = 0L;
        while (reader.Read(record))
        {
            userBytes += record.UserUtf8.Length;
        }
        return userBytes > 0 ? reader.RowsRead : -1;
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
