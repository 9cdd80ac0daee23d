// `e2e`: the usage import measured as an operator runs it. Generates the demo municipality and N days of all nine
// reports as files, imports them through the real UsageImporter into a fresh database, reads the same files with
// DuckDB as a peer, and times the usage pages of the real web app on the result.
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks.EndToEnd;

internal sealed record EndToEndOptions
{
    public int Days { get; init; } = 1;

    /// <summary>The last day imported; yesterday (or the demo story's last day) unless given.</summary>
    public DateOnly? End { get; init; }
    public bool Sqlite { get; init; } = true;
    public bool Postgres { get; init; }
    public string? PostgresServer { get; init; }
    public string Files { get; init; } = Path.Combine(Path.GetTempPath(), "oppdrift-e2e", "files");
    public string Work { get; init; } = Path.Combine(Path.GetTempPath(), "oppdrift-e2e", "work");

    /// <summary>Import from reports generated in memory instead of files (no disk, no DuckDB peer).</summary>
    public bool Stream { get; init; }

    public bool DuckDb { get; init; } = true;
    public int Requests { get; init; } = 200;
    public bool DeleteFiles { get; init; }

    /// <summary>Print the importer's debug log: each report's read, wait and write times.</summary>
    public bool Timings { get; init; }
}

internal static class ImportEndToEnd
{
    private const string Usage = """
        e2e [--days N] [--end DATE] [--database sqlite|postgres|both] [--postgres CONNECTION] [--files DIR] [--work DIR]
            [--stream] [--no-duckdb] [--requests N] [--delete-files] [--timings]

          --days N         days of all nine reports, ending yesterday (default 1)
          --end DATE       the last day (yyyy-MM-dd) instead of yesterday; per-person rows are only written for
                           days within the retention (35 days back from today)
          --database       which database to import into (default sqlite); postgres needs --postgres or
                           OPPDRIFT_TEST_POSTGRES (a server where the user may create databases)
          --files DIR      where the report files are written, and reused when already complete
          --stream         import reports generated in memory instead of files (no DuckDB peer then)
          --requests N     timed requests per page after warm-up (default 200; 0 skips the pages)
          --delete-files   delete the generated report files at the end
          --timings        print each report's read, wait and write times (the importer's debug log)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args) is not { } options)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var last = options.End ?? (today.AddDays(-1) < DemoUsage.StoryEnd ? today.AddDays(-1) : DemoUsage.StoryEnd);
        var first = last.AddDays(1 - options.Days);
        Console.WriteLine($"Usage import end to end: {options.Days} day(s), {first:yyyy-MM-dd}..{last:yyyy-MM-dd}, {Environment.ProcessorCount} cores, load {Load()}");

        var watch = Stopwatch.StartNew();
        var municipality = DemoMunicipality.Generate();
        var usage = new DemoUsage(municipality);
        Console.WriteLine($"Demo municipality: {municipality.People.Count:N0} people, {municipality.Agencies.Count} agencies ({watch.Elapsed.TotalSeconds:F1} s)");

        string? folder = null;
        if (!options.Stream)
        {
            folder = Path.Combine(options.Files, $"{first:yyyyMMdd}-{last:yyyyMMdd}");
            EnsureFiles(usage, folder, first, last);
        }

        var runs = new List<(DatabaseKind Kind, ImportFigures Import, DuckDbFigures? Peer, PageFigures? Pages)>();
        try
        {
            foreach (var kind in Kinds(options))
            {
                var provider = await FreshDatabaseAsync(kind, options);
                var dataDirectory = Path.Combine(options.Work, kind.ToString().ToLowerInvariant() + "-data");
                Directory.CreateDirectory(dataDirectory);
                await using (var db = new OppdriftDb(DataServices.Options(provider)))
                {
                    await db.Database.MigrateAsync();
                    watch.Restart();
                    await new DemoLoader(db, TimeProvider.System).LoadAsync(municipality, Path.Combine(dataDirectory, "demo"));
                    Console.WriteLine($"{kind}: directory loaded ({watch.Elapsed.TotalSeconds:F1} s)");
                    if (folder is not null)
                    {
                        await WriteAgencyMapAsync(db, Path.Combine(folder, "..", "agencies.csv"));
                    }
                }

                var sources = folder is not null
                    ? [.. Directory.EnumerateFiles(folder, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(UsageSource.FromFile)]
                    : usage.Sources(first, last);
                var import = await ImportAsync(provider, dataDirectory, sources, options.Timings);
                Console.WriteLine($"{kind}: {import}");

                DuckDbFigures? peer = null;
                if (folder is not null && options.DuckDb)
                {
                    peer = DuckDbPeer.Run(folder, Path.Combine(folder, "..", "agencies.csv"));
                    Console.WriteLine($"DuckDB: {peer}; Oppdrift/DuckDB = {import.Seconds / peer.Seconds:F2}");
                }

                PageFigures? pages = null;
                if (options.Requests > 0)
                {
                    var agency = municipality.People.Where(p => p.Agency is not null).GroupBy(p => p.Agency!.Code).MaxBy(g => g.Count())!.Key;
                    pages = await PageLatency.RunAsync(provider, dataDirectory, agency, options.Requests);
                    Console.WriteLine($"{kind}: {pages}");
                }
                runs.Add((kind, import, peer, pages));
                await DropAsync(kind, options);
            }
        }
        finally
        {
            if (options.DeleteFiles && folder is not null && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Summary ({options.Days} day(s), load {Load()}):");
        Console.WriteLine("| database | rows | import | rows/s | peak memory | CPU | DuckDB | ratio | overview p50/p95 | agency p50/p95 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (kind, import, peer, pages) in runs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {import.Rows:N0} | {import.Seconds:F1} s | {import.RowsPerSecond:N0} | {import.PeakMegabytes:N0} MB | {import.CpuPercent:N0} % | "
                + $"{(peer is null ? "–" : $"{peer.Seconds:F1} s")} | {(peer is null ? "–" : $"{import.Seconds / peer.Seconds:F2}")} | "
                + $"{(pages is null ? "–" : $"{pages.Overview.P50:F0}/{pages.Overview.P95:F0} ms")} | {(pages is null ? "–" : $"{pages.Agency.P50:F0}/{pages.Agency.P95:F0} ms")} |"));
        }
        return 0;
    }

    private static EndToEndOptions? Parse(string[] args)
    {
        var options = new EndToEndOptions { PostgresServer = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES") };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                options = args[i] switch
                {
                    "--days" => options with { Days = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--end" => options with { End = DateOnly.ParseExact(Next(), "yyyy-MM-dd", CultureInfo.InvariantCulture) },
                    "--database" => Next() switch
                    {
                        "sqlite" => options with { Sqlite = true, Postgres = false },
                        "postgres" => options with { Sqlite = false, Postgres = true },
                        "both" => options with { Sqlite = true, Postgres = true },
                        var other => throw new ArgumentException($"--database {other}: sqlite, postgres or both"),
                    },
                    "--postgres" => options with { PostgresServer = Next() },
                    "--files" => options with { Files = Path.GetFullPath(Next()) },
                    "--work" => options with { Work = Path.GetFullPath(Next()) },
                    "--stream" => options with { Stream = true },
                    "--no-duckdb" => options with { DuckDb = false },
                    "--requests" => options with { Requests = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--delete-files" => options with { DeleteFiles = true },
                    "--timings" => options with { Timings = true },
                    _ => throw new ArgumentException($"Unknown option {args[i]}"),
                };
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                Console.Error.WriteLine(ex.Message);
                return null;
            }
        }
        if (options.Days < 1 || (options.Postgres && string.IsNullOrWhiteSpace(options.PostgresServer)))
        {
            Console.Error.WriteLine(options.Days < 1 ? "--days must be at least 1" : "PostgreSQL needs --postgres or OPPDRIFT_TEST_POSTGRES");
            return null;
        }
        return options;
    }

    private static IEnumerable<DatabaseKind> Kinds(EndToEndOptions options)
    {
        if (options.Sqlite)
        {
            yield return DatabaseKind.Sqlite;
        }
        if (options.Postgres)
        {
            yield return DatabaseKind.Postgres;
        }
    }

    // Files are reused when a complete earlier run wrote them: generating a year takes longer than importing it.
    private static void EnsureFiles(DemoUsage usage, string folder, DateOnly first, DateOnly last)
    {
        var complete = Path.Combine(folder, "complete.txt");
        if (File.Exists(complete))
        {
            Console.WriteLine($"Reusing the report files in {folder} ({Size(folder)})");
            return;
        }
        var drive = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(folder))!);
        var needed = (last.DayNumber - first.DayNumber + 1) * 60L * 1024 * 1024;
        if (drive.AvailableFreeSpace < needed + (5L << 30))
        {
            throw new IOException($"{folder}: about {needed >> 30} GB needed and only {drive.AvailableFreeSpace >> 30} GB free; use --stream or fewer --days");
        }
        var watch = Stopwatch.StartNew();
        usage.WriteFolder(folder, first, last);
        File.WriteAllText(complete, TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        Console.WriteLine($"Wrote the report files in {folder} ({Size(folder)}, {watch.Elapsed.TotalSeconds:F1} s)");
    }

    private static string Size(string folder)
    {
        var bytes = new DirectoryInfo(folder).EnumerateFiles("*.csv", SearchOption.AllDirectories).Sum(f => f.Length);
        return $"{bytes / 1e9:F2} GB";
    }

    /// <summary>The directory's mapping of user principal name to agency code, the peer's join table.</summary>
    private static async Task WriteAgencyMapAsync(OppdriftDb db, string path)
    {
        var people = await db.People.AsNoTracking()
            .Where(p => p.AgencyId != null)
            .Join(db.Agencies, p => p.AgencyId, a => a.Id, (p, a) => new { p.NormalizedUserPrincipalName, a.Code })
            .ToListAsync();
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("upn,agency");
        foreach (var person in people)
        {
            await writer.WriteLineAsync($"{person.NormalizedUserPrincipalName.ToLowerInvariant()},{person.Code}");
        }
    }

    internal static async Task<ImportFigures> ImportAsync(DatabaseProvider provider, string dataDirectory, IReadOnlyList<UsageSource> sources, bool timings)
    {
        await using var db = new OppdriftDb(DataServices.Options(provider));
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(timings ? LogLevel.Debug : LogLevel.Warning));
        var importer = new UsageImporter(db, new Pseudonymiser(new PseudonymiserOptions { KeyFile = Path.Combine(dataDirectory, PrivacyServices.KeyFileName) }),
            new UsageOptions(), TimeProvider.System, logging.CreateLogger<UsageImporter>());
        var request = new UsageImportRequest { Actor = "e2e", Source = UsageSourceKind.File };
        using var measure = Measure.Start();
        var result = await importer.ImportAsync(sources, request);
        var (seconds, peak, cpu, allocated) = measure.Stop();
        if (result.Failed > 0)
        {
            throw new InvalidOperationException($"{result.Failed} report(s) rejected: {result.Files.First(f => f.Errors.Count > 0).Errors[0]}");
        }
        return new ImportFigures(sources.Count, result.Rows, seconds, peak, cpu, allocated);
    }

    private static async Task<DatabaseProvider> FreshDatabaseAsync(DatabaseKind kind, EndToEndOptions options)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Path.Combine(options.Work, "sqlite");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Directory.CreateDirectory(folder);
            return new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(folder, "oppdrift.db")}");
        }
        await ExecuteAsync(options.PostgresServer!, $"DROP DATABASE IF EXISTS \"{PostgresName}\" WITH (FORCE)");
        await ExecuteAsync(options.PostgresServer!, $"CREATE DATABASE \"{PostgresName}\"");
        return new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(options.PostgresServer) { Database = PostgresName }.ConnectionString);
    }

    private const string PostgresName = "oppdrift_bench_e2e";

    private static async Task DropAsync(DatabaseKind kind, EndToEndOptions options)
    {
        if (kind == DatabaseKind.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(options.PostgresServer!, $"DROP DATABASE IF EXISTS \"{PostgresName}\" WITH (FORCE)");
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.Combine(options.Work, "sqlite"), recursive: true);
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
}

internal sealed record ImportFigures(int Reports, long Rows, double Seconds, long PeakBytes, double CpuPercent, long Allocated)
{
    public double RowsPerSecond => Rows / Seconds;
    public double PeakMegabytes => PeakBytes / 1048576.0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Reports} reports, {Rows:N0} rows in {Seconds:F1} s = {RowsPerSecond:N0} rows/s, peak {PeakMegabytes:N0} MB, CPU {CpuPercent:N0} %, allocated {Allocated / 1e9:F1} GB");
}

/// <summary>Wall time, peak resident memory, CPU and allocation of one stretch of work in this process.</summary>
internal sealed class Measure : IDisposable
{
    private readonly Stopwatch _watch;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;

    private Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Linux: "5" resets the peak resident set size (VmHWM) that PeakWorkingSet64 reads, so the peak is this stretch's.
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Elsewhere the peak is the process's whole life's, which includes generating the demo.
        }
        _allocated = GC.GetTotalAllocatedBytes();
        using var process = Process.GetCurrentProcess();
        _cpu = process.TotalProcessorTime;
        _watch = Stopwatch.StartNew();
    }

    public static Measure Start() => new();

    public (double Seconds, long PeakBytes, double CpuPercent, long Allocated) Stop()
    {
        _watch.Stop();
        using var process = Process.GetCurrentProcess();
        var seconds = _watch.Elapsed.TotalSeconds;
        return (seconds, process.PeakWorkingSet64, (process.TotalProcessorTime - _cpu).TotalSeconds / seconds * 100,
            GC.GetTotalAllocatedBytes() - _allocated);
    }

    public void Dispose() => _watch.Stop();
}
