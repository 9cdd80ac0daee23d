// Times a burst of 200 employees registering for one session at the same moment (each on its own context
// and connection, as 200 requests would), on SQLite and PostgreSQL, and in the same run the peer: the
// same 200 registrations written as plain inserts with no capacity check and no lock, the floor of what
// the database allows. Prints wall-clock times per burst and the ratio.
//
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- registration-burst [people] [rounds]
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;

namespace Oppdrift.Benchmarks;

public static class RegistrationBurst
{
    public static async Task<int> RunAsync(string[] args)
    {
        var people = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        var postgresServer = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set OPPDRIFT_TEST_POSTGRES to a PostgreSQL server (source /tmp/pg.sh).");
        var postgresName = "oppdrift_bench_registration";
        await ExecuteAsync(postgresServer, $"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)");
        await ExecuteAsync(postgresServer, $"CREATE DATABASE \"{postgresName}\"");
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"oppdrift-registration-{Environment.ProcessId}.db");
        var databases = new[]
        {
            ("SQLite", new DatabaseProvider(DatabaseKind.Sqlite, "Data Source=" + sqliteFile)),
            ("PostgreSQL", new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(postgresServer) { Database = postgresName }.ConnectionString)),
        };
        Console.WriteLine($"A burst of {people} registrations for one session of 120 seats, {rounds} rounds per database, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| database | what | median ms | worst ms | seated / waiting |");
        Console.WriteLine("|---|---|---:|---:|---|");
        foreach (var (name, provider) in databases)
        {
            var options = DataServices.Options(provider);
            int sessionId;
            List<int> ids;
            await using (var db = new OppdriftDb(options))
            {
                await db.Database.MigrateAsync();
                var agency = new Agency { Code = "BEN", Name = "Benk", CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime };
                db.Agencies.Add(agency);
                await db.SaveChangesAsync();
                var list = Enumerable.Range(1, people).Select(i => new Person
                {
                    UserPrincipalName = $"p{i}@bench.no",
                    NormalizedUserPrincipalName = $"p{i}@bench.no",
                    DisplayName = $"P {i}",
                    Mail = $"p{i}@bench.no",
                    AgencyId = agency.Id,
                    IsActive = true,
                    AccountEnabled = true,
                    FirstSeenAt = TimeProvider.System.GetUtcNow().UtcDateTime,
                }).ToList();
                db.People.AddRange(list);
                await db.SaveChangesAsync();
                ids = [.. list.Select(p => p.Id)];
                var storage = new LearningStorage(Path.Combine(Path.GetTempPath(), "oppdrift-bench-docs"));
                var programmes = new Programmes(db, TimeProvider.System, Options.Create(new LearningOptions()), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
                var programme = (await programmes.CreateAsync(new ProgrammeInput("Benk", "", "Benk", "bench", null, ProgrammeAudience.Everyone, [], "", "", []), "bench", default)).Value!;
                sessionId = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Frokost", "", TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(3), TimeSpan.FromMinutes(45),
                    SessionMode.Online, null, null, 120), "bench", default)).Value![0].Id;
            }

            var real = new List<double>();
            var floor = new List<double>();
            var outcome = "";
            for (var round = 0; round < rounds + 1; round++)
            {
                await ResetAsync(options);
                var watch = Stopwatch.StartNew();
                var answers = await BurstAsync(ids, async personId =>
                {
                    await using var db = new OppdriftDb(options);
                    var registrations = new Registrations(db, TimeProvider.System, Options.Create(new LearningOptions()));
                    var answer = await registrations.RegisterAsync(sessionId, personId, "bench", default);
                    return answer.Value!.Status;
                });
                watch.Stop();
                outcome = $"{answers.Count(a => a == RegistrationStatus.Registered)} / {answers.Count(a => a == RegistrationStatus.Waiting)}";
                if (round > 0)
                {
                    real.Add(watch.Elapsed.TotalMilliseconds);
                }

                await ResetAsync(options);
                watch.Restart();
                await BurstAsync(ids, async personId =>
                {
                    await using var db = new OppdriftDb(options);
                    db.Registrations.Add(new Registration { SessionId = sessionId, PersonId = personId, RegisteredBy = "bench", RegisteredAt = TimeProvider.System.GetUtcNow().UtcDateTime });
                    await db.SaveChangesAsync();
                    return RegistrationStatus.Registered;
                });
                watch.Stop();
                if (round > 0)
                {
                    floor.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            Console.WriteLine(Row(name, "registration with capacity and waiting list", real, outcome));
            Console.WriteLine(Row(name, "peer: plain inserts, no check, no lock", floor, "–"));
            Console.WriteLine($"| {name} | ratio (median) | {Median(real) / Median(floor):F2}× | | |");
        }
        File.Delete(sqliteFile);
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(postgresServer, $"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)");
        return 0;
    }

    private static async Task<RegistrationStatus[]> BurstAsync(List<int> ids, Func<int, Task<RegistrationStatus>> register)
    {
        using var start = new ManualResetEventSlim(false);
        var tasks = ids.Select(id => Task.Run(async () =>
        {
            start.Wait();
            return await register(id);
        })).ToList();
        start.Set();
        return await Task.WhenAll(tasks);
    }

    private static async Task ResetAsync(DbContextOptions<OppdriftDb> options)
    {
        await using var db = new OppdriftDb(options);
        await db.Registrations.ExecuteDeleteAsync();
        await db.LearningSessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.SeatsTaken, 0));
        await db.OutgoingMail.ExecuteDeleteAsync();
        await db.AuditEntries.ExecuteDeleteAsync();
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Row(string database, string what, List<double> values, string outcome) =>
        string.Create(CultureInfo.InvariantCulture, $"| {database} | {what} | {Median(values):F0} | {values.Max():F0} | {outcome} |");

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
