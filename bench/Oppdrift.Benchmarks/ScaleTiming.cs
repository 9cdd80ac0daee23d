// `scale`: how one PostgreSQL database grows with the number of municipalities in it. For each count N, a fresh
// database gets N demo municipalities side by side (DemoMunicipality.Several: distinct agency codes, user domains and
// seeds, one directory), D days of all nine usage reports for all of them through the real UsageImporter, the benefits
// template and the learning demo through the app's own services; then the database's size and largest tables, and the
// pages of the real web app timed with PageLatency. See docs/scaling.md.
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Oppdrift.Benchmarks.EndToEnd;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;

namespace Oppdrift.Benchmarks;

internal static class ScaleTiming
{
    private const string Usage = """
        scale [--copies 1,2,5,10] [--days N] [--end DATE] [--requests N] [--pages /a,/b] [--postgres CONNECTION] [--keep] [--reuse]

          --copies     the numbers of municipalities to load, one fresh database each (default 1,2)
          --days N     days of all nine reports, ending on --end (default 7)
          --end DATE   the last day (yyyy-MM-dd); default the demo story's last day or yesterday, whichever is earlier
          --requests N timed requests per page after warm-up (default 50; 0 skips the pages)
          --pages      the pages to time, comma-separated (default /,/usage,/usage/agencies/UDE,/agencies/UDE,/benefits,/learning)
          --postgres   a server where the user may create databases (default OPPDRIFT_TEST_POSTGRES); the databases
                       are named scaling_N and dropped at the end unless --keep
          --reuse      time the pages of the databases an earlier run kept (--keep), loading nothing
        """;

    private static readonly string[] DefaultPages = ["/", "/usage", "/usage/agencies/UDE", "/agencies/UDE", "/benefits", "/learning"];

    public static async Task<int> RunAsync(string[] args)
    {
        int[] copies = [1, 2];
        var days = 7;
        var requests = 50;
        var keep = false;
        var reuse = false;
        var pages = DefaultPages;
        DateOnly? end = null;
        var server = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES");
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--copies": copies = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]; break;
                    case "--days": days = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--end": end = DateOnly.ParseExact(Next(), "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
                    case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--postgres": server = Next(); break;
                    case "--keep": keep = true; break;
                    case "--reuse": reuse = true; break;
                    case "--pages": pages = Next().Split(','); break;
                    default: throw new ArgumentException($"Unknown option {args[i]}");
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Usage);
            return 2;
        }
        if (string.IsNullOrWhiteSpace(server) || days < 1 || copies.Any(c => c < 1))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var last = end ?? (today.AddDays(-1) < DemoUsage.StoryEnd ? today.AddDays(-1) : DemoUsage.StoryEnd);
        var first = last.AddDays(1 - days);
        Console.WriteLine($"Scale: {string.Join(", ", copies)} municipalities, {days} day(s) {first:yyyy-MM-dd}..{last:yyyy-MM-dd}, load {TimingTools.LoadAverage()}");
        var rows = new List<string>();
        foreach (var n in copies)
        {
            rows.Add(await RunOneAsync(server, n, first, last, requests, pages, keep, reuse));
        }
        Console.WriteLine();
        Console.WriteLine($"Summary ({days} day(s) ending {last:yyyy-MM-dd}, {requests} requests a page, p50 / p95 ms; load at the end {TimingTools.LoadAverage()}):");
        Console.WriteLine($"| municipalities | people | directory load | usage rows | import | benefits measured | learning load | database | {string.Join(" | ", pages)} | load |");
        Console.WriteLine($"|{string.Concat(Enumerable.Repeat("---|", 9 + pages.Length))}");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<string> RunOneAsync(string server, int n, DateOnly first, DateOnly last, int requests, string[] paths, bool keep, bool reuse)
    {
        var name = $"scaling_{n}";
        var provider = new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "oppdrift-scale", name);
        if (reuse)
        {
            return await TimeKeptAsync(provider, dataDirectory, n, requests, paths);
        }
        await TimingTools.ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await TimingTools.ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        Directory.CreateDirectory(dataDirectory);
        try
        {
            var municipality = DemoMunicipality.Several(n);
            var watch = Stopwatch.StartNew();
            await using (var db = new OppdriftDb(DataServices.Options(provider)))
            {
                await db.Database.MigrateAsync();
                await new DemoLoader(db, TimeProvider.System).LoadAsync(municipality, Path.Combine(dataDirectory, "demo"));
            }
            var directorySeconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"{n}: {municipality.People.Count:N0} people, {municipality.Agencies.Count} agencies loaded in {directorySeconds:F1} s (load {TimingTools.LoadAverage()})");

            var import = await ImportEndToEnd.ImportAsync(provider, dataDirectory, new DemoUsage(municipality).Sources(first, last), timings: false);
            Console.WriteLine($"{n}: {import} (load {TimingTools.LoadAverage()})");

            double benefitsSeconds = 0, learningSeconds = 0;
            async Task PrepareAsync(IServiceProvider services)
            {
                await using var scope = services.CreateAsyncScope();
                var provider = scope.ServiceProvider;
                var user = BenefitsTemplate.System(DemoLoader.Actor);
                var loaded = await provider.GetRequiredService<BenefitsTemplate>().LoadAsync(user, null, default);
                if (!loaded.Succeeded)
                {
                    throw new InvalidOperationException(loaded.Error);
                }
                await DemoBenefits.EnterManualMeasurementsAsync(provider, user, TimeProvider.System, default);
                var measure = Stopwatch.StartNew();
                await provider.GetRequiredService<BenefitsMeasurer>().MeasureAllAsync(default);
                benefitsSeconds = measure.Elapsed.TotalSeconds;
                measure.Restart();
                await provider.GetRequiredService<LearningDemo>().LoadAsync(DemoMunicipality.DefaultSeed, default);
                learningSeconds = measure.Elapsed.TotalSeconds;
                Console.WriteLine($"{n}: benefits measured in {benefitsSeconds:F1} s, learning demo loaded in {learningSeconds:F1} s (load {TimingTools.LoadAverage()})");
            }

            IReadOnlyList<Latency> pages = [];
            if (requests > 0)
            {
                pages = await PageLatency.TimePagesAsync(provider, dataDirectory, paths, requests, PrepareAsync);
                Print(n, paths, pages);
            }
            await PrintTablesAsync(provider.ConnectionString, n);
            var size = await ScalarAsync(provider.ConnectionString, "SELECT pg_database_size(current_database())");
            var times = string.Join(" | ", pages.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.P50:F0} / {p.P95:F0}")));
            return string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {municipality.People.Count:N0} | {directorySeconds:F1} s | {import.Rows:N0} | {import.Seconds:F1} s | {benefitsSeconds:F1} s | {learningSeconds:F1} s | {size / 1048576.0:N0} MB | {times} | {TimingTools.LoadAverage()} |");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!keep)
            {
                await TimingTools.ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task<string> TimeKeptAsync(DatabaseProvider provider, string dataDirectory, int n, int requests, string[] paths)
    {
        var pages = await PageLatency.TimePagesAsync(provider, dataDirectory, paths, requests);
        Print(n, paths, pages);
        var times = string.Join(" | ", pages.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.P50:F0} / {p.P95:F0}")));
        return $"| {n} (kept) | | | | | | | | {times} | {TimingTools.LoadAverage()} |";
    }

    private static void Print(int n, string[] paths, IReadOnlyList<Latency> pages)
    {
        for (var i = 0; i < paths.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n}: {paths[i]} p50 {pages[i].P50:F0} ms, p95 {pages[i].P95:F0} ms, max {pages[i].Max:F0} ms, CPU p50 {pages[i].CpuP50:F0} ms, {pages[i].Characters:N0} characters"));
        }
    }

    /// <summary>The ten largest tables with their rows and total size (indexes included).</summary>
    private static async Task PrintTablesAsync(string connectionString, int n)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand("""
            SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE c.relkind = 'r' AND s.nspname = 'public'
            ORDER BY 3 DESC LIMIT 10
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n}: table {reader.GetString(0)}: {reader.GetInt64(1):N0} rows, {reader.GetInt64(2) / 1048576.0:N1} MB"));
        }
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
