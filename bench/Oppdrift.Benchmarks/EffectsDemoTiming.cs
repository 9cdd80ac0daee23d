// `effects demo`: the Effects module on the whole demo (its change log and the interventions derived from its programmes,
// processes and shares, 53 agencies, a year of daily figures by default), as a newcomer's app has it. The first run loads
// the demo into the data folder given (the real first start and background usage load, as `routes` does); later runs use
// it as it is. Then it times estimating every intervention in this process (the first run apart: it includes compiling
// the code and EF's model), the effects page and one intervention's page from the real web app once estimated, and, with
// --cli and --peer-cli, the `oppdrift effects estimate --json` command of two builds run in turn on the same data, whose
// answers must be the same.
//
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- effects demo --data /tmp/effects-demo [--days 365]
//       [--postgres "Host=…;Database=oppdrift_effects"] [--runs 10] [--requests 50]
//       [--cli NEW/Oppdrift.Cli.dll --peer-cli OLD/Oppdrift.Cli.dll --cli-runs 5]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oppdrift.Benchmarks.EndToEnd;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;
using Oppdrift.Web;

namespace Oppdrift.Benchmarks;

internal static partial class EffectsDemoTiming
{
    private const string Usage = """
        effects demo --data DIR [--postgres CONNECTION] [--days N] [--runs N] [--requests N] [--cli DLL --peer-cli DLL] [--cli-runs N] [--no-pages]

          --data       the data folder; without oppdrift.db in it, the demo is loaded there first (minutes)
          --postgres   a PostgreSQL database to use instead of the folder's SQLite file; the demo is loaded into it
                       first when it has no agencies (the folder keeps the keys and files)
          --days N     days of demo usage loaded into a new data folder (default 365)
          --runs N     estimates of every intervention timed in this process after the first (default 10)
          --requests N requests timed per page after a warm-up of 10 (default 50)
          --cli        this build's Oppdrift.Cli.dll, and --peer-cli another build's (e.g. main's), run in turn
          --cli-runs N runs of each command (default 5)
          --no-pages   leave out the pages
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? data = null;
        string? cli = null;
        string? peer = null;
        string? postgres = null;
        var days = 365;
        var runs = 10;
        var requests = 50;
        var cliRuns = 5;
        var pages = true;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--data": data = Path.GetFullPath(Next()); break;
                    case "--days": days = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--postgres": postgres = Next(); break;
                    case "--cli": cli = Path.GetFullPath(Next()); break;
                    case "--peer-cli": peer = Path.GetFullPath(Next()); break;
                    case "--cli-runs": cliRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--no-pages": pages = false; break;
                    default: throw new ArgumentException($"Unknown option {args[i]}");
                }
            }
            if (data is null || runs < 1 || requests < 1 || cliRuns < 1 || (cli is null) != (peer is null))
            {
                throw new ArgumentException("--data is needed; --cli and --peer-cli go together; counts are at least 1");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n\n{Usage}");
            return 2;
        }

        var provider = postgres is null
            ? new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(data, "oppdrift.db")}")
            : new DatabaseProvider(DatabaseKind.Postgres, postgres);
        if (postgres is null ? !File.Exists(Path.Combine(data, "oppdrift.db")) : !await HasDemoAsync(provider))
        {
            await LoadDemoAsync(provider, data, days);
        }
        var options = DataServices.Options(provider);
        Console.WriteLine($"Effects on the demo in {(postgres is null ? data : "PostgreSQL")}: {Environment.ProcessorCount} cores, load average {TimingTools.LoadAverage()}");

        // The derived interventions brought in step once, as the command and the job do before they estimate.
        await using (var db = new OppdriftDb(options))
        {
            await Sources(db).SyncAsync(default);
        }
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var written = await EstimateAsync(options);
        var cold = watch.Elapsed.TotalSeconds;
        self.Refresh();
        var coldCpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        var times = new double[runs];
        // On a shared machine the wall clock also measures waiting for a core: this process's CPU time is shown beside it.
        var cpu = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            self.Refresh();
            cpuBefore = self.TotalProcessorTime;
            watch.Restart();
            if (await EstimateAsync(options) != written)
            {
                throw new InvalidOperationException("Two estimates of the same data wrote a different number of results.");
            }
            times[i] = watch.Elapsed.TotalSeconds;
            self.Refresh();
            cpu[i] = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        int interventions;
        int placebo;
        int first;
        await using (var db = new OppdriftDb(options))
        {
            interventions = await db.Interventions.CountAsync();
            placebo = await db.EffectResults.CountAsync(r => r.PlaceboSets > 0);
            // The intervention page timed: the one with the most estimates that drew placebo sets.
            first = await db.EffectResults.Where(r => r.PlaceboSets > 0).GroupBy(r => r.InterventionId)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstAsync();
        }
        Console.WriteLine();
        Console.WriteLine($"Estimating every intervention in this process: {interventions} interventions, {written} estimates ({placebo} with placebo sets), "
            + $"first run {cold:F2} s ({coldCpu:F2} s CPU), then {runs} runs min / median / max {times[0]:F2} / {TimingTools.Percentile(times, 0.5):F2} / {times[^1]:F2} s "
            + $"(CPU {cpu[0]:F2} / {TimingTools.Percentile(cpu, 0.5):F2} / {cpu[^1]:F2} s; load average {TimingTools.LoadAverage()})");

        if (pages)
        {
            // The effects job is not started: the estimates are computed, and the pages read them.
            var latencies = await PageLatency.TimePagesAsync(provider, data, ["/effects", $"/effects/{first}"], requests, extraArguments: ["--Effects:CheckSeconds=0"]);
            Console.WriteLine();
            Console.WriteLine($"| page | p50 ms | p95 ms | max ms | CPU p50 ms | characters |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (path, latency) in new[] { "/effects", $"/effects/{first}" }.Zip(latencies))
            {
                Console.WriteLine($"| `{path}` | {latency.P50:F1} | {latency.P95:F1} | {latency.Max:F1} | {latency.CpuP50:F1} | {latency.Characters:N0} |");
            }
            Console.WriteLine($"  ({requests} requests each after 10 warm-up, load average {TimingTools.LoadAverage()})");
        }

        if (cli is not null)
        {
            await CompareCommandsAsync(cli, peer!, data, postgres, cliRuns);
        }
        return 0;
    }

    private static async Task<int> EstimateAsync(DbContextOptions<OppdriftDb> options)
    {
        await using var db = new OppdriftDb(options);
        var suppression = new SuppressionOptions();
        var surveys = new SurveyQueries(db, new OrganisationDirectory(db), new SurveysOptions());
        return await new EffectEstimator(db, new EffectPanels(new UsageWeeklyFigures(db), surveys), new LearningQueries(db, suppression), suppression,
            new EffectsOptions(), TimeProvider.System).EstimateAllAsync(default);
    }

    /// <summary>Whether the PostgreSQL database already holds the demo municipality (it may not exist yet).</summary>
    private static async Task<bool> HasDemoAsync(DatabaseProvider provider)
    {
        await using var db = new OppdriftDb(DataServices.Options(provider));
        try
        {
            return await db.Agencies.AnyAsync();
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    private static InterventionSources Sources(OppdriftDb db) =>
        new(db, new LearningQueries(db, new SuppressionOptions()), new ProcessQueries(db, new BenefitsOptions()), new MigrationQueries(db), TimeProvider.System);

    /// <summary>The demo loaded as a newcomer's first start loads it: the municipality, its modules, then its usage in the background.</summary>
    private static async Task LoadDemoAsync(DatabaseProvider provider, string data, int days)
    {
        Directory.CreateDirectory(data);
        Console.WriteLine($"Loading the demo with {days} days of usage into {data} (load average {TimingTools.LoadAverage()})");
        var watch = Stopwatch.StartNew();
        var app = await OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={data}",
            "--Oppdrift:LoadDemo=true",
            $"--Oppdrift:DemoUsageDays={days}",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            $"--webroot={PageLatency.WebRoot()}",
            "--Logging:LogLevel:Default=Warning",
        ], builder => builder.WebHost.UseStaticWebAssets());
        await app.StartAsync();
        try
        {
            // The modules after the municipality load beside the running app, the usage history after them.
            await app.Services.GetRequiredService<DemoModulesJob>().Done;
            if (app.Services.GetServices<IHostedService>().OfType<DemoUsageJob>().Single().ExecuteTask is { } load)
            {
                await load;
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        Console.WriteLine($"  loaded in {watch.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// `oppdrift effects estimate --json` of this build and of the peer, in turn on the same data, each a new process: its
    /// own timing of bringing the derived interventions in step and estimating (what it prints), and the whole process. The
    /// answers must be the same but for when they were computed.
    /// </summary>
    private static async Task CompareCommandsAsync(string cli, string peer, string data, string? postgres, int runs)
    {
        var timings = new Dictionary<string, (List<double> Estimate, List<double> Process)> { ["this build"] = ([], []), ["peer"] = ([], []) };
        string? expected = null;
        for (var i = 0; i < runs; i++)
        {
            foreach (var (label, dll) in new[] { ("peer", peer), ("this build", cli) })
            {
                var (estimate, process, answer) = await RunCommandAsync(dll, data, postgres);
                timings[label].Estimate.Add(estimate);
                timings[label].Process.Add(process);
                expected ??= answer;
                if (answer != expected)
                {
                    throw new InvalidOperationException($"{label}'s answer differs from the first one's (run {i + 1}).");
                }
            }
        }
        Console.WriteLine();
        Console.WriteLine($"`oppdrift effects estimate --json`, {runs} runs of each in turn, the same answer from both:");
        Console.WriteLine();
        Console.WriteLine("| build | estimate (as printed) min / median / max s | whole process min / median / max s |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (label, (estimate, process)) in timings)
        {
            estimate.Sort();
            process.Sort();
            Console.WriteLine($"| {label} | {estimate[0]:F2} / {Median(estimate):F2} / {estimate[^1]:F2} | {process[0]:F2} / {Median(process):F2} / {process[^1]:F2} |");
        }
        var ratio = Median(timings["peer"].Estimate) / Median(timings["this build"].Estimate);
        Console.WriteLine($"  peer / this build, medians: estimate {ratio:F2}×, whole process {Median(timings["peer"].Process) / Median(timings["this build"].Process):F2}× (load average {TimingTools.LoadAverage()})");
    }

    private static double Median(List<double> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static async Task<(double Estimate, double Process, string Answer)> RunCommandAsync(string dll, string data, string? postgres)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments = postgres is null ? [dll, "effects", "estimate", "--json", "--data", data] : [dll, "effects", "estimate", "--json", "--data", data, "--database", postgres];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var wall = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{dll} exited with {process.ExitCode}: {await error}");
        }
        var printed = EstimatedIn().Match(await error);
        if (!printed.Success)
        {
            throw new InvalidOperationException($"{dll} printed no timing: {await error}");
        }
        // When it was computed is the one field that differs from run to run.
        var answer = JsonNode.Parse(await output)!.AsArray();
        foreach (var row in answer)
        {
            row!.AsObject().Remove("computedAt");
        }
        return (double.Parse(printed.Groups[1].Value, CultureInfo.InvariantCulture), wall, answer.ToJsonString());
    }

    [GeneratedRegex(@"\d+ estimates in ([0-9.]+) s")]
    private static partial Regex EstimatedIn();
}
