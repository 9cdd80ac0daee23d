// Times the survey results page's query (counting in the database, then suppression) for a pulse of 54,000 invitations
// and 20,000 responses across 50 agencies, a new scope (so a new DbContext) per run as a request would, on SQLite and
// PostgreSQL; then the whole page, /surveys/{id}, from the real web app (Kestrel on loopback, signed in through the
// login form as an administrator); and the Forms import of a 20,000-row export. Prints p50/p95 per database.
//
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- survey-results [responses] [runs]
//
// PostgreSQL comes from OPPDRIFT_TEST_POSTGRES; the bench creates and drops its own database there, and a SQLite file
// in the temp folder.
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;

namespace Oppdrift.Benchmarks;

public static class SurveyResultsTiming
{
    private const int Agencies = 50;
    private const int Invitations = 54_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var responses = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        var server = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set OPPDRIFT_TEST_POSTGRES to a PostgreSQL server.");
        var name = $"oppdrift_bench_surveys_{Environment.ProcessId}";
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"oppdrift-surveys-{Environment.ProcessId}.db");
        var dataDirectory = Directory.CreateTempSubdirectory("oppdrift-surveys-bench-").FullName;
        Console.WriteLine($"Survey results: {Invitations:N0} invited, {responses:N0} responses, {Agencies} agencies, {runs} runs per database, {Environment.ProcessorCount} cores, load average {TimingTools.LoadAverage()}");
        Console.WriteLine();
        // On a loaded machine the wall clock mostly measures waiting for a core; this process's CPU time per run is shown
        // beside it (for PostgreSQL without the server's share).
        Console.WriteLine("| database | results p50 ms | results p95 ms | results CPU p50 ms | page p50 ms | page p95 ms | page CPU p50 ms | Forms import of the responses s |");
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
                var (surveyId, importSeconds) = await FillAsync(options, responses);
                var times = new double[runs];
                var cpu = new double[runs];
                using var process = Process.GetCurrentProcess();
                for (var i = 0; i < runs; i++)
                {
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    var watch = Stopwatch.StartNew();
                    await using var db = new OppdriftDb(options);
                    var view = await new SurveyQueries(db, new OrganisationDirectory(db), new SurveysOptions()).ResultsAsync(surveyId, null, false, default);
                    watch.Stop();
                    process.Refresh();
                    times[i] = watch.Elapsed.TotalMilliseconds;
                    cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
                    if (view is null || view.Groups[0].Rounds[0].Responded != responses)
                    {
                        throw new InvalidOperationException("The results do not hold the responses.");
                    }
                }
                Array.Sort(times);
                Array.Sort(cpu);
                var page = (await EndToEnd.PageLatency.TimePagesAsync(provider, dataDirectory, [$"/surveys/{surveyId}"], runs))[0];
                Console.WriteLine($"| {label} | {TimingTools.Percentile(times, 0.50):F1} | {TimingTools.Percentile(times, 0.95):F1} | {TimingTools.Percentile(cpu, 0.50):F1} | {page.P50:F1} | {page.P95:F1} | {page.CpuP50:F1} | {importSeconds:F1} |");
                Console.WriteLine($"  (load average {TimingTools.LoadAverage()}; the page is {page.Characters:N0} characters)");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TimingTools.ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(sqliteFile);
            Directory.Delete(dataDirectory, true);
        }
        return 0;
    }

    /// <summary>Agencies and 54,000 people, the starter pulse with a round sent to everyone, and the responses imported from a generated Forms export.</summary>
    private static async Task<(int Survey, double ImportSeconds)> FillAsync(DbContextOptions<OppdriftDb> options, int responses)
    {
        await using var db = new OppdriftDb(options);
        await db.Database.MigrateAsync();
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var agencies = Enumerable.Range(1, Agencies).Select(i => new Agency { Code = $"A{i:00}", Name = $"Etat {i:00}", CreatedAt = at }).ToList();
        db.Agencies.AddRange(agencies);
        await db.SaveChangesAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var random = new Random(5);
        for (var p = 0; p < Invitations; p++)
        {
            // Agencies from about 50 to about 2,000 people.
            var agency = agencies[(int)(Math.Pow(random.NextDouble(), 2) * Agencies)];
            var mail = $"p{p}@kommune.no";
            db.People.Add(new Person { UserPrincipalName = mail, NormalizedUserPrincipalName = mail, DisplayName = $"Person {p}", Mail = mail, AgencyId = agency.Id, IsActive = true, AccountEnabled = true, FirstSeenAt = at });
        }
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var clock = TimeProvider.System;
        var survey = await new SurveyDesigner(db, clock).CreateAsync("Digital puls", null, SurveyLibrary.PulseKeys, 3, "bench", default);
        var questions = survey.Value!.Questions.OrderBy(q => q.SortOrder).ToList();

        // The export: every response names its agency, and answers every question.
        var people = await db.People.AsNoTracking().Select(p => p.AgencyId!.Value).ToListAsync();
        var names = agencies.ToDictionary(a => a.Id, a => a.Name);
        var rows = new List<IReadOnlyList<object?>> { new List<object?>([.. Oppdrift.Surveys.FormsExportReader.FixedColumns, "Virksomhet", .. questions.Select(q => q.TextNb)]) };
        for (var r = 0; r < responses; r++)
        {
            var row = new List<object?> { r + 1, "3/2/2026 9:00:00", "3/2/2026 9:05:00", "anonymous", null, names[people[random.Next(people.Count)]] };
            row.AddRange(questions.Select(q => q.Kind switch
            {
                QuestionKind.Likert => (object?)SurveyLibrary.LikertLabelsNb[random.Next(5)],
                QuestionKind.Rating => random.Next(1, 6),
                QuestionKind.Enps => random.Next(0, 11),
                _ => random.Next(8) == 0 ? $"Kommentar {random.Next(500)}" : null,
            }));
            rows.Add(row);
        }
        var file = new MemoryStream();
        using (var writer = new Oppdrift.Shared.Exports.XlsxWriter(file))
        {
            writer.AddSheet("Sheet1", rows);
        }
        var watch = Stopwatch.StartNew();
        var result = await new FormsImporter(db, new OrganisationDirectory(db), new SurveysOptions(), clock).ImportAsync(file.ToArray(), "puls.xlsx",
            new FormsImportRequest { SurveyName = "Digital puls", Actor = "bench", AgencyColumn = "Virksomhet" }, default);
        watch.Stop();
        return result.Status == FormsImportStatus.Imported ? (result.SurveyId, watch.Elapsed.TotalSeconds) : throw new InvalidOperationException(string.Join('\n', result.Errors.Take(5)));
    }
}
