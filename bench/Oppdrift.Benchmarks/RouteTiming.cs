// `routes`: every page and API route of the demo municipality, timed in the real web app. The app starts on a fresh
// database with the demo and D days of its usage (the same first start and background load a newcomer gets), the route
// table is read from the app's own endpoints, each route's ids are filled with real objects of the demo, and each route is
// requested by an administrator and by an agency leader, after a warm-up, with p50 and p95 printed per route and role.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oppdrift.Access;
using Oppdrift.Benchmarks.EndToEnd;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Web;

namespace Oppdrift.Benchmarks;

internal static class RouteTiming
{
    private const string Usage = """
        routes [--database sqlite|postgres|both] [--days N] [--requests N] [--only PREFIX] [--agency CODE] [--postgres CONNECTION] [--markdown FILE]

          --database   where to run (default both; PostgreSQL needs --postgres or OPPDRIFT_TEST_POSTGRES)
          --days N     days of demo usage loaded before timing (default 365)
          --requests N timed requests per route and role after a warm-up of 3 (default 20)
          --only       time only the routes starting with PREFIX (e.g. /benefits)
          --agency     the agency the agency leader leads and whose objects fill the routes (default: the first with a
                       file share, a process and an intervention)
          --postgres   a server where the user may create databases; the database is dropped at the end
          --markdown   also write the table as Markdown to FILE
        """;

    private const int WarmUp = 3;

    /// <summary>
    /// Routes not timed: the static files, health probes, the sign-in and sign-out, the language switch (a redirect), the
    /// Blazor circuit's own endpoints and the catch-all. With --only, only its prefix decides.
    /// </summary>
    private static readonly string[] Skipped = ["/_", "/css/", "/js/", "/lib/", "/favicon", "/health", "/account/logout", "/account/login", "/culture", "/{**"];

    private sealed record Row(string Database, string Role, string Route, string Path, int Status, double P50, double P95, double Max, int Bytes);

    public static async Task<int> RunAsync(string[] args)
    {
        string[] databases = ["sqlite", "postgres"];
        var days = 365;
        var requests = 20;
        string? only = null;
        string? markdown = null;
        string? agency = null;
        var server = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES");
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--database":
                        var database = Next();
                        databases = database == "both" ? databases : database is "sqlite" or "postgres" ? [database]
                            : throw new ArgumentException($"--database {database}: sqlite, postgres or both");
                        break;
                    case "--days": days = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--only": only = Next(); break;
                    case "--agency": agency = Next(); break;
                    case "--postgres": server = Next(); break;
                    case "--markdown": markdown = Next(); break;
                    default: throw new ArgumentException($"Unknown option {args[i]}");
                }
            }
            if (databases.Contains("postgres") && string.IsNullOrEmpty(server))
            {
                throw new ArgumentException("PostgreSQL needs --postgres or OPPDRIFT_TEST_POSTGRES");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n\n{Usage}");
            return 2;
        }

        var rows = new List<Row>();
        foreach (var database in databases)
        {
            rows.AddRange(await RunOneAsync(database, server, days, requests, only, agency));
        }
        var table = Table(rows, requests, days);
        Console.WriteLine(table);
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown, table);
        }
        // A refusal or a redirect is the page's answer to that role; an error is a fault.
        var failed = rows.Where(r => r.Status >= 500).ToList();
        foreach (var row in failed)
        {
            await Console.Error.WriteLineAsync($"{row.Database} {row.Role} {row.Path}: {row.Status}");
        }
        return failed.Count == 0 ? 0 : 1;
    }

    private static async Task<List<Row>> RunOneAsync(string database, string? server, int days, int requests, string? only, string? agencyCode)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("oppdrift-routes-").FullName;
        var postgresName = $"routes_{Guid.NewGuid():N}";
        var connection = database == "sqlite"
            ? $"Data Source={Path.Combine(dataDirectory, "oppdrift.db")}"
            : new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = postgresName }.ConnectionString;
        var provider = new DatabaseProvider(database == "sqlite" ? DatabaseKind.Sqlite : DatabaseKind.Postgres, connection);
        Console.WriteLine($"== {database}: loading the demo with {days} days of usage (load {TimingTools.LoadAverage()})");
        var watch = Stopwatch.StartNew();
        var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={connection}",
            $"--Oppdrift:DataDirectory={dataDirectory}",
            "--Oppdrift:LoadDemo=true",
            $"--Oppdrift:DemoUsageDays={days}",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            $"--webroot={PageLatency.WebRoot()}",
            // Plain HTTP on loopback: the cookies may go without TLS here, as nowhere in production.
            "--Access:SecureCookies=false",
            "--Logging:LogLevel:Default=Warning",
        ], builder => builder.WebHost.UseStaticWebAssets());
        await app.StartAsync();
        try
        {
            // The modules after the municipality load beside the running app, the usage history after them.
            await app.Services.GetRequiredService<DemoModulesJob>().Done;
            var usageLoad = app.Services.GetServices<IHostedService>().OfType<DemoUsageJob>().Single().ExecuteTask;
            if (usageLoad is not null)
            {
                await usageLoad;
            }
            Console.WriteLine($"   loaded in {watch.Elapsed.TotalSeconds:F0} s");
            var (leader, samples) = await SamplesAsync(app.Services, agencyCode);
            var routes = Routes(app, only);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var rows = new List<Row>();
            foreach (var (role, roles, agencies) in new[]
            {
                ("administrator", Roles.Administrator, Array.Empty<int>()),
                ("agency leader", Roles.AgencyLeader, new[] { leader }),
            })
            {
                using var client = await PageLatency.SignInAsync(app.Services, address, roles, agencies);
                foreach (var route in routes)
                {
                    var path = Fill(route, samples);
                    if (path is null)
                    {
                        Console.WriteLine($"   {route}: no sample to fill it, not timed");
                        continue;
                    }
                    rows.Add(await TimeAsync(client, database, role, route, path, requests));
                }
            }
            return rows;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            if (database == "postgres")
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await TimingTools.ExecuteAsync(server!, $"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)");
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>The app's GET routes (pages, API and downloads), as their patterns, in order.</summary>
    private static List<string> Routes(Microsoft.AspNetCore.Builder.WebApplication app, string? only) =>
    [
        .. ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not { } methods || methods.HttpMethods.Contains("GET"))
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => only is null ? !Skipped.Any(r.StartsWith) : r.StartsWith(only, StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal),
    ];

    /// <summary>The route with each parameter filled from the segment before it, or null when the demo has no such object.</summary>
    private static string? Fill(string route, Dictionary<string, string> samples)
    {
        var pattern = RoutePatternFactory.Parse(route);
        var path = new StringBuilder();
        string? previous = null;
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        previous = literal.Content;
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        // A person's own calendar feed has a token per person, which the demo does not make.
                        if (previous == "people" || (!samples.TryGetValue(parameter.Name.ToLowerInvariant(), out var value) && !samples.TryGetValue(previous ?? "", out value)))
                        {
                            return null;
                        }
                        path.Append(value);
                        break;
                }
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    /// <summary>
    /// The agency whose pages are timed, and a real object of the demo for each kind of id, named by the parameter's name or
    /// the route segment before it. Without --agency, the first agency by code that has a file share, owns a process and
    /// took part in an intervention, so its leader has something on every page.
    /// </summary>
    private static async Task<(int AgencyId, Dictionary<string, string> Samples)> SamplesAsync(IServiceProvider services, string? agencyCode)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        var agencies = agencyCode is not null ? db.Agencies.Where(a => a.Code == agencyCode) : db.Agencies
            .Where(a => db.SourceShares.Any(s => s.AgencyId == a.Id) && db.Processes.Any(p => p.OwnerAgencyId == a.Id)
                && db.InterventionAgencies.Any(i => i.AgencyId == a.Id));
        var chosen = await agencies.OrderBy(a => a.Code).Select(a => new { a.Id, a.Code }).FirstOrDefaultAsync()
            ?? throw new InvalidOperationException(agencyCode is null ? "The demo has no agency with a share, a process and an intervention" : $"No agency {agencyCode}");
        var agency = chosen.Id;
        var samples = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["agencies"] = chosen.Code,
            ["code"] = chosen.Code,
            ["workloads"] = "Teams",
            ["documentname"] = "v1",
        };
        void Add(string segment, object? id)
        {
            if (id is not null && !Equals(id, 0) && !Equals(id, 0L))
            {
                samples[segment] = Convert.ToString(id, CultureInfo.InvariantCulture)!;
            }
        }
        // The agency's own objects where it has them, so the agency leader's answers are the pages it would see.
        var benefit = await db.BenefitAgencies.Where(b => b.AgencyId == agency).OrderBy(b => b.BenefitId).Select(b => (int?)b.BenefitId).FirstOrDefaultAsync()
            ?? await db.Benefits.OrderBy(b => b.Id).Select(b => (int?)b.Id).FirstOrDefaultAsync();
        Add("benefits", benefit);
        Add("indicators", await db.Indicators.Where(i => i.BenefitId == benefit).OrderBy(i => i.Id).Select(i => i.Id).FirstOrDefaultAsync());
        Add("goals", await db.BenefitGoals.OrderBy(g => g.Id).Select(g => g.Id).FirstOrDefaultAsync());
        Add("measurements", await db.Measurements.OrderBy(m => m.Id).Select(m => m.Id).FirstOrDefaultAsync());
        var programme = await db.Programmes.OrderBy(p => p.Id).Select(p => new { p.Id, p.FeedToken }).FirstAsync();
        Add("programmes", programme.Id);
        Add("token", programme.FeedToken);
        Add("sessions", await db.LearningSessions.Where(s => s.ProgrammeId == programme.Id).OrderBy(s => s.Id).Select(s => s.Id).FirstOrDefaultAsync());
        Add("recordings", await db.Recordings.OrderBy(r => r.Id).Select(r => r.Id).FirstOrDefaultAsync());
        Add("documents", await db.LearningDocuments.OrderBy(d => d.Id).Select(d => d.Id).FirstOrDefaultAsync());
        Add("cohorts", await db.Cohorts.OrderBy(c => c.Id).Select(c => c.Id).FirstOrDefaultAsync());
        Add("processes", await db.Processes.Where(p => p.OwnerAgencyId == agency).OrderBy(p => p.Id).Select(p => p.Id).FirstOrDefaultAsync());
        Add("effects", await db.InterventionAgencies.Where(i => i.AgencyId == agency).OrderBy(i => i.InterventionId).Select(i => i.InterventionId).FirstOrDefaultAsync());
        Add("surveys", await db.Surveys.OrderBy(s => s.Id).Select(s => s.Id).FirstOrDefaultAsync());
        Add("rounds", await db.SurveyRounds.OrderBy(r => r.Id).Select(r => r.Id).FirstOrDefaultAsync());
        var share = await db.SourceShares.Where(s => s.AgencyId == agency).OrderBy(s => s.Id).Select(s => s.Id).FirstOrDefaultAsync();
        Add("shares", share);
        Add("scans", await db.ShareScans.Where(s => s.ShareId == share).OrderBy(s => s.Id).Select(s => s.Id).FirstOrDefaultAsync());
        Add("mappings", await db.ShareMappings.Where(m => m.ShareId == share).OrderBy(m => m.Id).Select(m => m.Id).FirstOrDefaultAsync());
        Add("accounts", await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstOrDefaultAsync());
        Add("imports", await db.DirectoryImports.OrderBy(i => i.Id).Select(i => i.Id).FirstOrDefaultAsync());
        return (agency, samples);
    }

    private static async Task<Row> TimeAsync(HttpClient client, string database, string role, string route, string path, int requests)
    {
        var status = 0;
        var bytes = 0;
        for (var i = 0; i < WarmUp; i++)
        {
            (status, bytes) = await GetAsync(client, path);
        }
        if (status != 200)
        {
            // A refusal (403 for the agency leader on the central team's pages) or a redirect is reported, not timed.
            return new Row(database, role, route, path, status, 0, 0, 0, bytes);
        }
        var times = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var watch = Stopwatch.StartNew();
            (status, bytes) = await GetAsync(client, path);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return new Row(database, role, route, path, status, TimingTools.Percentile(times, 0.50), TimingTools.Percentile(times, 0.95), times[^1], bytes);
    }

    private static async Task<(int Status, int Bytes)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();
        return ((int)response.StatusCode, body.Length);
    }

    private static string Table(List<Row> rows, int requests, int days)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Routes of the demo municipality with {days} days of usage, {requests} requests each after {WarmUp} warm-up, load {TimingTools.LoadAverage()}.");
        text.AppendLine();
        var databases = rows.Select(r => r.Database).Distinct().ToList();
        var roles = rows.Select(r => r.Role).Distinct().ToList();
        text.Append("| route |");
        foreach (var database in databases)
        {
            foreach (var role in roles)
            {
                text.Append(CultureInfo.InvariantCulture, $" {database}, {role}: p50 / p95 ms |");
            }
        }
        text.AppendLine();
        text.Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---:|", databases.Count * roles.Count)));
        foreach (var route in rows.Select(r => r.Route).Distinct())
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{route}` |");
            foreach (var database in databases)
            {
                foreach (var role in roles)
                {
                    var row = rows.SingleOrDefault(r => r.Route == route && r.Database == database && r.Role == role);
                    text.Append(row switch
                    {
                        null => " – |",
                        { Status: not 200 } => $" {row.Status} |",
                        _ => string.Create(CultureInfo.InvariantCulture, $" {row.P50:F0} / {(row.P95 >= 100 ? $"**{row.P95:F0}**" : row.P95.ToString("F0", CultureInfo.InvariantCulture))} |"),
                    });
                }
            }
            text.AppendLine();
        }
        var timed = rows.Where(r => r.Status == 200).ToList();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{timed.Count} route and role pairs timed; {timed.Count(r => r.P95 >= 100)} at or above 100 ms at p95 (in bold); {rows.Count - timed.Count} refused or redirected (their status shown).");
        return text.ToString();
    }
}
