// Times the Effects module on a year of daily agency figures for the demo's 53 agencies (their own adoption curves, with
// the planted training jumps, observed with binomial noise), with the demo's nine interventions: estimating every
// intervention on its two default metrics, and the effects page's and an intervention page's reads once estimated, a new
// DbContext per read as a request would. On SQLite and PostgreSQL; prints p50/p95 per database.
//
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- effects [estimate runs] [page runs]
//
// `effects demo` times the whole demo instead (EffectsDemoTiming).
//
// PostgreSQL comes from OPPDRIFT_TEST_POSTGRES; the bench creates and drops its own database there, and a SQLite file
// in the temp folder.
using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.Distributions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Demo;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage;

namespace Oppdrift.Benchmarks;

public static class EffectsTiming
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["demo", .. var demo])
        {
            return await EffectsDemoTiming.RunAsync(demo);
        }
        var estimateRuns = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var pageRuns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        var server = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set OPPDRIFT_TEST_POSTGRES to a PostgreSQL server.");
        var name = $"oppdrift_bench_effects_{Environment.ProcessId}";
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"oppdrift-effects-{Environment.ProcessId}.db");
        Console.WriteLine($"Effects: {DemoCatalogue.Agencies.Count} agencies, {DemoUsage.StoryStart:yyyy-MM-dd} to {DemoUsage.StoryEnd:yyyy-MM-dd} daily, "
            + $"{estimateRuns} estimate runs and {pageRuns} page reads per database, {Environment.ProcessorCount} cores, load average {TimingTools.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| database | estimates | estimate all p50 s | p95 s | effects page p50 ms | p95 ms | intervention page p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        await TimingTools.ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        try
        {
            foreach (var (label, provider) in new[]
            {
                ("SQLite", new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={sqliteFile}")),
                ("PostgreSQL", new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString)),
            })
            {
                var options = DataServices.Options(provider);
                await FillAsync(options);
                var suppression = new SuppressionOptions();
                var estimates = new double[estimateRuns];
                var written = 0;
                for (var i = 0; i < estimateRuns; i++)
                {
                    await using var db = new OppdriftDb(options);
                    var watch = Stopwatch.StartNew();
                    written = await new EffectEstimator(db, new EffectPanels(new UsageWeeklyFigures(db), Surveys(db)), new LearningQueries(db, suppression), suppression,
                        new EffectsOptions(), TimeProvider.System).EstimateAllAsync(default);
                    estimates[i] = watch.Elapsed.TotalSeconds;
                }
                Array.Sort(estimates);
                int first;
                await using (var db = new OppdriftDb(options))
                {
                    var found = await db.EffectResults.AsNoTracking().CountAsync(r => r.Verdict == EffectVerdict.Effect);
                    first = await db.Interventions.OrderBy(i => i.Id).Select(i => i.Id).FirstAsync();
                    if (found < 4)
                    {
                        throw new InvalidOperationException($"Only {found} estimates found an effect; the planted jumps are four.");
                    }
                }
                var list = await TimeAsync(pageRuns, async db => (await Queries(db).ListAsync(null, null, default)).Count);
                var detail = await TimeAsync(pageRuns, async db => (await Queries(db).FindAsync(first, null, default))!.Effects.Count);
                Console.WriteLine($"| {label} | {written} | {TimingTools.Percentile(estimates, 0.50):F2} | {TimingTools.Percentile(estimates, 0.95):F2} | {TimingTools.Percentile(list, 0.50):F1} | {TimingTools.Percentile(list, 0.95):F1} "
                    + $"| {TimingTools.Percentile(detail, 0.50):F1} | {TimingTools.Percentile(detail, 0.95):F1} |");
                Console.WriteLine($"  (load average {TimingTools.LoadAverage()})");

                async Task<double[]> TimeAsync(int runs, Func<OppdriftDb, Task<int>> read)
                {
                    var times = new double[runs];
                    for (var i = 0; i < runs; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        await using var db = new OppdriftDb(options);
                        if (await read(db) == 0)
                        {
                            throw new InvalidOperationException("The read found nothing.");
                        }
                        times[i] = watch.Elapsed.TotalMilliseconds;
                    }
                    Array.Sort(times);
                    return times;
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TimingTools.ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(sqliteFile);
        }
        return 0;
    }

    private static EffectQueries Queries(OppdriftDb db) => new(db, new LearningQueries(db, new SuppressionOptions()), new EffectOutcomeCatalogue(Surveys(db)));

    private static Oppdrift.Surveys.SurveyQueries Surveys(OppdriftDb db) => new(db, new OrganisationDirectory(db), new Oppdrift.Surveys.SurveysOptions());

    /// <summary>
    /// The demo's agencies with its head counts, a year of teams.active7 (its adoption curve, binomial noise) and
    /// teams.chatMessages per agency and day, and the demo's change log.
    /// </summary>
    private static async Task FillAsync(DbContextOptions<OppdriftDb> options)
    {
        await using var db = new OppdriftDb(options);
        await db.Database.MigrateAsync();
        var at = new DateTime(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var sizes = DemoMunicipality.Generate().People.Where(p => p.Agency is not null).GroupBy(p => p.Agency!.Code).ToDictionary(g => g.Key, g => g.Count());
        db.Agencies.AddRange(DemoCatalogue.Agencies.Select(a => new Agency { Code = a.Code, Name = a.Name, CreatedAt = at }));
        await db.SaveChangesAsync();
        var ids = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
        var random = new Random(7);
        var rows = new List<UsageFigureRow>();
        foreach (var agency in DemoCatalogue.Agencies)
        {
            var profile = DemoUsage.ProfileOf(agency);
            var people = sizes.GetValueOrDefault(agency.Code, 1);
            for (var day = DemoUsage.StoryStart; day <= DemoUsage.StoryEnd; day = day.AddDays(1))
            {
                var share = profile.ShareOn(day.DayNumber);
                var active = Binomial.Sample(random, share, people);
                rows.Add(new UsageFigureRow(day, 1, "teams.active7", ids[agency.Code], active, people));
                rows.Add(new UsageFigureRow(day, 1, "teams.chatMessages", ids[agency.Code], (long)Math.Round(active * (2 + (3 * random.NextDouble()))), people));
            }
        }
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await UsageStore.InsertFiguresAsync(db, rows, default);
            await transaction.CommitAsync();
        }
        var central = BenefitsTemplate.System("bench");
        var log = new InterventionLog(db, new LearningQueries(db, new SuppressionOptions()), new EffectOutcomeCatalogue(Surveys(db)), TimeProvider.System);
        var training = DemoUsage.TrainingJumps.Select(t => (Name: "Opplæring " + t.AgencyCode, Kind: InterventionKind.Training, t.Date, Agencies: new[] { t.AgencyCode }));
        (string Name, InterventionKind Kind, DateOnly Date, string[] Agencies)[] others =
        [
            ("Verksted", InterventionKind.Workshop, new DateOnly(2026, 5, 4), ["BNO", "BVE"]),
            ("Avtale", InterventionKind.Agreement, new DateOnly(2026, 6, 1), ["PBE"]),
            ("Hjelp", InterventionKind.Help, new DateOnly(2026, 8, 17), ["BYA"]),
            ("Kampanje", InterventionKind.Campaign, new DateOnly(2026, 10, 5), ["BSE", "BFJ", "BSK", "BEL"]),
            ("Oppstart", InterventionKind.Help, new DateOnly(2026, 6, 15), ["ELO"]),
        ];
        foreach (var (label, kind, date, agencies) in training.Concat(others))
        {
            var saved = await log.SaveAsync(null, new InterventionInput { Name = label, Kind = kind, StartsOn = date, AgencyIds = [.. agencies.Select(c => ids[c])] }, central, default);
            if (!saved.Succeeded)
            {
                throw new InvalidOperationException(saved.Error);
            }
        }
    }
}
