// Times what the usage pages ask of UsageQueries on a year of figures for 53 agencies, request by request (a new
// scope, so a new DbContext, each time), and prints p50/p95. Not a BenchmarkDotNet benchmark: the database holds
// 2.1 M rows, filled once and reused, and the figure that matters is a page's tail latency.
//
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- usage-pages "Data Source=/tmp/usage-year.db" [runs]
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- usage-pages "Host=127.0.0.1;Port=55432;Username=postgres;Database=usage_year" [runs] [only]
//
// "only" times just the requests whose name contains it, e.g. "overview".
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks;

public static class UsagePagesTiming
{
    public static readonly DateOnly LastDay = new(2026, 11, 24);
    private const int Days = 365;

    public static async Task RunAsync(string[] args)
    {
        var connection = args.Length > 0 ? args[0] : "Data Source=" + Path.Combine(Path.GetTempPath(), "oppdrift-usage-year.db");
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var only = args.Length > 2 ? args[2] : "";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OPPDRIFT_DATABASE"] = connection,
            ["Oppdrift:DataDirectory"] = Path.GetTempPath(),
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            // OPPDRIFT_LOG_SQL=1 prints every statement EF sends, with its time, to check the SQL and its plans.
            .AddLogging(b => b.AddFilter((category, level) => Environment.GetEnvironmentVariable("OPPDRIFT_LOG_SQL") == "1"
                && category == DbLoggerCategory.Database.Command.Name && level >= LogLevel.Information).AddSimpleConsole())
            .AddOppdriftDb(configuration)
            .AddUsage(configuration)
            .BuildServiceProvider();

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
            await db.Database.MigrateAsync();
            if (!await db.UsageFigures.AnyAsync())
            {
                var watch = Stopwatch.StartNew();
                await FillAsync(db);
                Console.WriteLine($"filled a year of figures in {watch.Elapsed.TotalSeconds:F0} s");
            }
        }

        var code = await WithQueriesAsync(services, async (_, db) =>
            await db.Agencies.OrderByDescending(a => a.Id).Select(a => a.Code).FirstAsync());
        var requests = new (string Name, Func<UsageQueries, Task> Run)[]
        {
            ("overview, 7 days", q => PageAsync(q, (query, date) => query.OverviewAsync(date, 7, null, default))),
            ("overview, 28 days", q => PageAsync(q, (query, date) => query.OverviewAsync(date, 28, null, default))),
            ("agency, 90 days", async q =>
            {
                var agency = await q.AgencyAsync(code, default);
                var to = await q.LatestDateAsync(default) ?? LastDay;
                await q.TenantModeAsync(default);
                await q.SeriesAsync(agency!.Value.Id, UsageModule.AgencyMetrics, to.AddDays(-89), to, default);
            }),
            ("agency, a year", async q =>
            {
                var agency = await q.AgencyAsync(code, default);
                var to = await q.LatestDateAsync(default) ?? LastDay;
                await q.SeriesAsync(agency!.Value.Id, UsageModule.AgencyMetrics, to.AddDays(-364), to, default);
            }),
            ("workload Teams, 28 days", async q =>
            {
                // What /usage/workloads/teams asks: the table, the device table beside it and every chart's series.
                await q.TenantModeAsync(default);
                var table = await q.WorkloadAsync(UsageWorkload.Teams, null, 28, null, default);
                await q.PeriodTableAsync(UsageViews.DeviceColumns, null, default);
                var to = table.Date ?? LastDay;
                await q.SeriesAsync(null, [.. UsageViews.WorkloadCharts(UsageWorkload.Teams).SelectMany(c => c.Metrics)],
                    to.AddDays(-UsageQueries.DefaultSeriesDays + 1), to, default);
            }),
        };

        Console.WriteLine($"{(connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) ? "PostgreSQL" : "SQLite")}, {runs} runs after warm-up");
        Console.WriteLine("| request | first | p50 | p95 |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, run) in requests.Where(r => r.Name.Contains(only, StringComparison.Ordinal)))
        {
            var first = await TimeAsync(services, run);
            for (var i = 0; i < 10; i++)
            {
                await TimeAsync(services, run);
            }
            var times = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                times.Add(await TimeAsync(services, run));
            }
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {first:F1} ms | {times[times.Count / 2]:F1} ms | {times[(int)Math.Ceiling(times.Count * 0.95) - 1]:F1} ms |"));
        }
    }

    /// <summary>What an overview or workload page asks: the tenant mode, then the table at the latest day.</summary>
    private static async Task PageAsync(UsageQueries queries, Func<UsageQueries, DateOnly?, Task<UsageTable>> table)
    {
        await queries.TenantModeAsync(default);
        await table(queries, null);
    }

    private static async Task<double> TimeAsync(IServiceProvider services, Func<UsageQueries, Task> run)
    {
        var watch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        await run(scope.ServiceProvider.GetRequiredService<UsageQueries>());
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<T> WithQueriesAsync<T>(IServiceProvider services, Func<UsageQueries, OppdriftDb, Task<T>> run)
    {
        await using var scope = services.CreateAsyncScope();
        return await run(scope.ServiceProvider.GetRequiredService<UsageQueries>(), scope.ServiceProvider.GetRequiredService<OppdriftDb>());
    }

    /// <summary>
    /// 53 agencies from 3 to 5,900 people (three under ten, one hovering round ten so its days differ), the unplaced,
    /// every metric on every day of a year, and one current import per report and day as the importer leaves them.
    /// </summary>
    private static async Task FillAsync(OppdriftDb db)
    {
        var sizes = new List<int> { 3, 4, 7, 10 };
        var random = new Random(53);
        while (sizes.Count < 53)
        {
            sizes.Add(random.Next(40, 2_000));
        }
        sizes[^1] = 5_900;
        for (var i = 0; i < sizes.Count; i++)
        {
            db.Agencies.Add(new Agency { Code = $"A{i:D2}", Name = $"Etat {i:D2}", CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        }
        await db.SaveChangesAsync();
        var ids = await db.Agencies.OrderBy(a => a.Code).Select(a => a.Id).ToListAsync();
        var groups = ids.Select((id, i) => (Id: id, People: sizes[i])).Append((Id: UsageFigure.Unplaced, People: 300)).ToList();

        var first = LastDay.AddDays(-Days + 1);
        var imported = new DateTime(2026, 11, 25, 6, 0, 0, DateTimeKind.Utc);
        foreach (var report in UsageMetrics.All.Select(m => m.Report).Distinct())
        {
            for (var date = first; date <= LastDay; date = date.AddDays(1))
            {
                db.UsageImports.Add(new UsageImport
                {
                    Report = report,
                    ReportDate = date,
                    Period = 1,
                    Name = $"{report}-{date:yyyy-MM-dd}.csv",
                    Sha256 = "",
                    ImportedBy = "bench",
                    StartedAt = imported,
                    FinishedAt = imported,
                    Status = UsageImportStatus.Succeeded,
                    IsCurrent = true,
                });
            }
        }
        await db.SaveChangesAsync();

        IEnumerable<(DateOnly Date, string Metric, int AgencyId, long Value, int People)> Rows()
        {
            for (var date = first; date <= LastDay; date = date.AddDays(1))
            {
                var day = date.DayNumber;
                foreach (var (id, size) in groups)
                {
                    // Head counts move a little from day to day; the agency of ten dips under the limit on some days.
                    var people = size == 10 ? 9 + ((day + id) % 3) : Math.Max(1, size + ((day * 7 + id) % 5) - 2);
                    foreach (var metric in UsageMetrics.All)
                    {
                        var value = metric.Kind switch
                        {
                            UsageMetricKind.Sum => (long)people * ((metric.Code.Length % 7) + 1) + (day % 13),
                            UsageMetricKind.Snapshot => people * 1_000_000L + day,
                            _ => Math.Max(0, people - ((day + metric.Code.Length) % Math.Max(1, people / 3))),
                        };
                        yield return (date, metric.Code, id, value, people);
                    }
                }
            }
        }

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        if (connection is NpgsqlConnection npgsql)
        {
            await using (var writer = await npgsql.BeginBinaryImportAsync(
                "COPY \"UsageFigures\" (\"Date\", \"Period\", \"Metric\", \"AgencyId\", \"Value\", \"People\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in Rows())
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(row.Date, NpgsqlDbType.Date);
                    await writer.WriteAsync(1, NpgsqlDbType.Integer);
                    await writer.WriteAsync(row.Metric, NpgsqlDbType.Varchar);
                    await writer.WriteAsync(row.AgencyId, NpgsqlDbType.Integer);
                    await writer.WriteAsync(row.Value, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(row.People, NpgsqlDbType.Integer);
                }
                await writer.CompleteAsync();
            }
            // As autovacuum would soon after a real import.
            await using var analyze = npgsql.CreateCommand();
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync();
            return;
        }
        var sqlite = (SqliteConnection)connection;
        await using var transaction = sqlite.BeginTransaction();
        await using var command = sqlite.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO \"UsageFigures\" (\"Date\", \"Period\", \"Metric\", \"AgencyId\", \"Value\", \"People\") VALUES ($d, 1, $m, $a, $v, $n)";
        var d = command.Parameters.Add("$d", SqliteType.Text);
        var m = command.Parameters.Add("$m", SqliteType.Text);
        var a = command.Parameters.Add("$a", SqliteType.Integer);
        var v = command.Parameters.Add("$v", SqliteType.Integer);
        var n = command.Parameters.Add("$n", SqliteType.Integer);
        command.Prepare();
        foreach (var row in Rows())
        {
            d.Value = row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            m.Value = row.Metric;
            a.Value = row.AgencyId;
            v.Value = row.Value;
            n.Value = row.People;
            await command.ExecuteNonQueryAsync();
        }
        // No ANALYZE here: the embedded database never runs it, so the planner works without statistics there too.
        await transaction.CommitAsync();
    }
}
