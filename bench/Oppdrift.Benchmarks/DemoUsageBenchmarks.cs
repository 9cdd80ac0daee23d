using BenchmarkDotNet.Attributes;
using Oppdrift.Demo;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks;

/// <summary>Writing one of the demo's usage reports for one day for all 54,000 people.</summary>
[MemoryDiagnoser]
public class DemoUsageBenchmarks
{
    internal static readonly DateOnly Day = new(2026, 3, 11);

    private DemoUsage _usage = null!;

    [ParamsSource(nameof(ReportNames))]
    public string Report { get; set; } = "";

    public static IEnumerable<string> ReportNames() => UsageReportCatalogue.All.Select(r => r.Name);

    [GlobalSetup]
    public void Generate()
    {
        _usage = new DemoUsage(DemoMunicipality.Generate());
        // A benchmark of a writer whose output the reader rejects measures the wrong thing: check before measuring.
        var report = UsageReportCatalogue.Find(Report)!;
        var file = UsageReportFile.Read(_usage.Open(report, Day), Report, new UsageReadOptions { ExpectedReport = report, ExpectedRefreshDate = Day });
        if (file.Errors.Count > 0)
        {
            throw new InvalidOperationException($"{Report}: {file.Errors[0]}");
        }
    }

    [Benchmark]
    public void WriteOneReport() => _usage.Write(Stream.Null, UsageReportCatalogue.Find(Report)!, Day);
}

/// <summary>All nine reports of one day, the unit `oppdrift demo generate --usage-days` and the demo importer work in.</summary>
[MemoryDiagnoser]
public class DemoUsageDayBenchmarks
{
    private DemoUsage _usage = null!;

    [GlobalSetup]
    public void Generate() => _usage = new DemoUsage(DemoMunicipality.Generate());

    [Benchmark]
    public void WriteAllReportsOfOneDay()
    {
        foreach (var report in UsageReportCatalogue.All)
        {
            _usage.Write(Stream.Null, report, DemoUsageBenchmarks.Day);
        }
    }
}
