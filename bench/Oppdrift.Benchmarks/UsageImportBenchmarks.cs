using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks;

/// <summary>
/// One day of all nine demo reports for 54,000 people, from memory, through the real importer into SQLite in a
/// temporary folder: the nightly import. Each import starts from no usage data, so every report is written.
/// </summary>
[MemoryDiagnoser]
public class UsageImportBenchmarks
{
    private string _folder = "";
    private DatabaseProvider _provider = null!;
    private Pseudonymiser _pseudonymiser = null!;
    private IReadOnlyList<UsageSource> _sources = [];
    private UsagePeople _people = null!;
    private readonly List<(UsageReportType Report, byte[] Bytes)> _reports = [];

    /// <summary>Within the retention, so per-person rows are written too, as in the nightly import.</summary>
    [Params(true, false)]
    public bool WithinRetention { get; set; }

    private DateOnly Day => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(WithinRetention ? -2 : -60);

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("oppdrift-bench-").FullName;
        _provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(_folder, "oppdrift.db")}");
        var municipality = DemoMunicipality.Generate();
        using (var db = new OppdriftDb(DataServices.Options(_provider)))
        {
            db.Database.Migrate();
            new DemoLoader(db, TimeProvider.System).LoadAsync(municipality, Path.Combine(_folder, "demo")).GetAwaiter().GetResult();
        }
        _pseudonymiser = new Pseudonymiser(new PseudonymiserOptions { Key = Pseudonymiser.NewKey() });
        var usage = new DemoUsage(municipality);
        foreach (var report in UsageReportCatalogue.All)
        {
            using var stream = new MemoryStream();
            usage.Write(stream, report, Day);
            _reports.Add((report, stream.ToArray()));
        }
        _sources = [.. _reports.Select(r => new UsageSource($"{r.Report.Name}.csv", _ => Task.FromResult<Stream>(new MemoryStream(r.Bytes, writable: false))))];
        using (var db = new OppdriftDb(DataServices.Options(_provider)))
        {
            _people = UsagePeople.LoadAsync(db, _pseudonymiser, default).GetAwaiter().GetResult();
        }
    }

    [IterationSetup(Target = nameof(ImportOneDay))]
    public void Empty()
    {
        using var db = new OppdriftDb(DataServices.Options(_provider));
        db.Database.ExecuteSqlRaw("DELETE FROM \"UsageActivity\"; DELETE FROM \"UsageFigures\"; DELETE FROM \"UsageImports\";");
    }

    [Benchmark]
    public async Task<long> ImportOneDay()
    {
        await using var db = new OppdriftDb(DataServices.Options(_provider));
        var importer = new UsageImporter(db, _pseudonymiser, new UsageOptions(), TimeProvider.System, NullLogger<UsageImporter>.Instance);
        var result = await importer.ImportAsync(_sources, new UsageImportRequest { Actor = "bench" });
        return result.Succeeded == _sources.Count ? result.Rows : throw new InvalidOperationException($"{result.Failed} rejected, {result.Unchanged} unchanged");
    }

    /// <summary>Reading and aggregating alone, on one thread, with no database: the per-row hot path.</summary>
    [Benchmark]
    public long ReadAndAggregateOneDay()
    {
        long rows = 0;
        foreach (var (report, bytes) in _reports)
        {
            using var reader = UsageReportReader.Open(new MemoryStream(bytes, writable: false), report.Name, new UsageReadOptions { ExpectedReport = report });
            var row = new UsageRecord();
            UsageAggregator? aggregator = null;
            while (reader.Read(row))
            {
                aggregator ??= new UsageAggregator(report, reader.RefreshDate!.Value, 1, _people);
                aggregator.TryAdd(row, out _);
            }
            rows += aggregator!.Finish().Rows;
        }
        return rows;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
