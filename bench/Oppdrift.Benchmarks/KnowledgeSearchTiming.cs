// Times knowledge bank searches over a generated bank of 20,000 entries, search by search (a new scope, so a new
// DbContext, each time, as a request would), on SQLite and on PostgreSQL, and in the same run the peers: PostgreSQL's
// own full-text search (to_tsvector('norwegian', …) with a GIN index, ts_rank and ts_headline) and SQLite FTS5
// (bm25 and snippet) over the same texts. Prints p50/p95 per database and the ratios.
//
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- knowledge-search [items] [runs]
//
// PostgreSQL comes from OPPDRIFT_TEST_POSTGRES (source /tmp/pg.sh or start one); the bench creates its own
// database there, and a SQLite file in the temp folder, and reuses both when they already hold the same bank.
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;

namespace Oppdrift.Benchmarks;

public static class KnowledgeSearchTiming
{
    private sealed record Search(string Name, KnowledgeQuery Query);

    private static List<Search> Searches()
    {
        string[] words =
        [
            "opplæring", "møtene", "kanal", "notatblokker", "tilgangen", "hjemmekontor", "personvernet", "lagring", "versjonene",
            "kompetanse", "arbeidsflyt", "digitale møter", "opplæring teams", "deling sharepoint", "nye ledere", "leder samling",
            "fane kanal", "påmelding kalender", "spørsmål opptak", "gevinst endring", "Teams", "hybride møter med OneNote",
        ];
        var searches = words.Select(w => new Search(w, new KnowledgeQuery { Text = w })).ToList();
        searches.Add(new("møte, tool Teams", new KnowledgeQuery { Text = "møte", Tool = "Teams" }));
        searches.Add(new("opplæring, programme 17", new KnowledgeQuery { Text = "opplæring", ProgrammeId = 17 }));
        searches.Add(new("kanal, spring 2025", new KnowledgeQuery { Text = "kanal", From = new DateOnly(2025, 3, 1), To = new DateOnly(2025, 6, 30) }));
        searches.Add(new("deling, topic Møtekultur", new KnowledgeQuery { Text = "deling", Topic = "Møtekultur" }));
        searches.Add(new("spørsmål, recordings", new KnowledgeQuery { Text = "spørsmål", Kind = KnowledgeKind.Recording }));
        return searches;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        var postgresServer = Environment.GetEnvironmentVariable("OPPDRIFT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set OPPDRIFT_TEST_POSTGRES to a PostgreSQL server (source /tmp/pg.sh).");
        var postgresName = $"oppdrift_bench_knowledge_{items}";
        await EnsurePostgresDatabaseAsync(postgresServer, postgresName);
        var postgres = new NpgsqlConnectionStringBuilder(postgresServer) { Database = postgresName }.ConnectionString;
        var sqlite = "Data Source=" + Path.Combine(Path.GetTempPath(), $"oppdrift-knowledge-{items}.db");

        Console.WriteLine($"Knowledge bank search over {items:N0} generated entries, {runs} searches per database, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| database | what | p50 ms | p95 ms | hits (first query) |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        var rows = new List<(string Database, string What, double P50, double P95)>();
        foreach (var (name, connection) in new[] { ("SQLite", sqlite), ("PostgreSQL", postgres) })
        {
            var services = Services(connection);
            await FillAsync(services, items, name);
            var ours = await TimeAsync(runs, async search =>
            {
                await using var scope = services.CreateAsyncScope();
                var results = await scope.ServiceProvider.GetRequiredService<KnowledgeSearch>().SearchAsync(search.Query, default);
                return results.Total;
            });
            rows.Add((name, "Oppdrift index", ours.P50, ours.P95));
            Console.WriteLine($"| {name} | Oppdrift index (BM25, stemmed, 20 hits with snippets) | {ours.P50:F1} | {ours.P95:F1} | {ours.FirstHits} |");

            var peer = name == "SQLite" ? await SqlitePeerAsync(connection, services, items, runs) : await PostgresPeerAsync(connection, services, items, runs);
            if (peer is { } p)
            {
                rows.Add((name, p.Name, p.P50, p.P95));
                Console.WriteLine($"| {name} | {p.Name} | {p.P50:F1} | {p.P95:F1} | {p.FirstHits} |");
            }
            await services.DisposeAsync();
        }
        Console.WriteLine();
        foreach (var database in rows.GroupBy(r => r.Database))
        {
            var ours = database.First();
            foreach (var peer in database.Skip(1))
            {
                Console.WriteLine($"{database.Key}: our p95 / {peer.What} p95 = {ours.P95 / peer.P95:F2}; p50 ratio {ours.P50 / peer.P50:F2}");
            }
        }
        return 0;
    }

    private static ServiceProvider Services(string connection)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OPPDRIFT_DATABASE"] = connection,
            ["Oppdrift:DataDirectory"] = Path.GetTempPath(),
        }).Build();
        return new ServiceCollection().AddSingleton(TimeProvider.System).AddOppdriftDb(configuration).AddKnowledge().BuildServiceProvider();
    }

    private static async Task FillAsync(ServiceProvider services, int items, string name)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OppdriftDb>();
        await db.Database.MigrateAsync();
        if (await db.KnowledgeItems.CountAsync() == items)
        {
            return;
        }
        await db.KnowledgeItems.ExecuteDeleteAsync();
        var index = scope.ServiceProvider.GetRequiredService<KnowledgeIndex>();
        var watch = Stopwatch.StartNew();
        var passages = 0;
        // A few hundred entries per transaction, as a bulk reindex would do: the index joins the caller's transaction.
        foreach (var batch in KnowledgeCorpus.Generate(items).Chunk(500))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var entry in batch)
            {
                await index.UpsertAsync(entry, default);
                passages += entry.Passages.Count;
            }
            await transaction.CommitAsync();
        }
        Console.Error.WriteLine($"{name}: indexed {items:N0} entries ({passages:N0} passages) in {watch.Elapsed.TotalSeconds:F0} s, {items / watch.Elapsed.TotalSeconds:F0} entries/s");
        // As a bulk load in the product does (the demo's learning programmes): the statistics, refreshed once the bank is full.
        watch.Restart();
        await index.AnalyzeAsync(default);
        Console.Error.WriteLine($"{name}: statistics refreshed in {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    private sealed record Timing(double P50, double P95, int FirstHits);

    private static async Task<Timing> TimeAsync(int runs, Func<Search, Task<int>> run)
    {
        var searches = Searches();
        var firstHits = 0;
        // Warm-up: every search once (connection pools, JIT, the database's caches).
        foreach (var search in searches)
        {
            var hits = await run(search);
            firstHits = firstHits == 0 ? hits : firstHits;
        }
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await run(searches[i % searches.Count]);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        return new Timing(TimingTools.Percentile(times, 0.50), TimingTools.Percentile(times, 0.95), firstHits);
    }

    private sealed record PeerTiming(string Name, double P50, double P95, int FirstHits);

    /// <summary>The same texts in a table with a stored Norwegian tsvector (title weighted A) and a GIN index.</summary>
    private static async Task<PeerTiming?> PostgresPeerAsync(string connection, ServiceProvider services, int items, int runs)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using (var setup = await dataSource.OpenConnectionAsync())
        {
            if (await ScalarAsync(setup, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'bench_fts'") == 0
                || await ScalarAsync(setup, "SELECT COUNT(*) FROM bench_fts") != items)
            {
                await ExecuteAsync(setup, "DROP TABLE IF EXISTS bench_fts; CREATE TABLE bench_fts (id int PRIMARY KEY, kind text, title text, body text, " +
                    "programme int, date date, tools text[], topics text[], " +
                    "tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('norwegian', title), 'A') || to_tsvector('norwegian', body)) STORED)");
                var id = 0;
                await using (var writer = await setup.BeginBinaryImportAsync("COPY bench_fts (id, kind, title, body, programme, date, tools, topics) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var entry in KnowledgeCorpus.Generate(items))
                    {
                        await writer.StartRowAsync();
                        await writer.WriteAsync(++id);
                        await writer.WriteAsync(entry.Kind.ToString());
                        await writer.WriteAsync(entry.Title);
                        await writer.WriteAsync(string.Join('\n', entry.Passages.Select(p => p.Text)));
                        await writer.WriteAsync(entry.ProgrammeId!.Value);
                        if (entry.Date is { } date)
                        {
                            await writer.WriteAsync(date, NpgsqlTypes.NpgsqlDbType.Date);
                        }
                        else
                        {
                            await writer.WriteNullAsync();
                        }
                        await writer.WriteAsync(entry.Tools.Select(t => t.ToLowerInvariant()).ToArray());
                        await writer.WriteAsync(entry.Topics.Select(t => t.ToLowerInvariant()).ToArray());
                    }
                    await writer.CompleteAsync();
                }
                await ExecuteAsync(setup, "CREATE INDEX bench_fts_tsv ON bench_fts USING GIN (tsv)");
                // As the index's own bulk refresh does (KnowledgeIndex.AnalyzeAsync); VACUUM runs as a command of its own.
                await ExecuteAsync(setup, "VACUUM (ANALYZE) bench_fts");
            }
        }
        var timing = await TimeAsync(runs, async search =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            var conditions = new List<string>();
            await using var command = connection.CreateCommand();
            command.Parameters.AddWithValue("q", search.Query.Text ?? "");
            Filters(search.Query, conditions, command, "date", "programme", "kind", "tools", "topics", postgres: true);
            var where = string.Concat(conditions.Select(c => " AND " + c));
            command.CommandText =
                "WITH q AS (SELECT plainto_tsquery('norwegian', @q) AS q), " +
                $"hits AS (SELECT id, title, body, ts_rank(tsv, q.q) AS rank FROM bench_fts, q WHERE tsv @@ q.q{where}) " +
                "SELECT id, ts_headline('norwegian', title, (SELECT q FROM q), 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true'), " +
                "ts_headline('norwegian', body, (SELECT q FROM q), 'StartSel=<mark>, StopSel=</mark>, MaxFragments=3'), (SELECT COUNT(*) FROM hits) " +
                "FROM (SELECT * FROM hits ORDER BY rank DESC, id LIMIT 20) top ORDER BY rank DESC, id";
            return await CountAsync(command);
        });
        return new PeerTiming("PostgreSQL full-text search (norwegian, GIN, ts_rank, ts_headline)", timing.P50, timing.P95, timing.FirstHits);
    }

    /// <summary>FTS5 when the bundled SQLite has it: unicode61 words (no Norwegian stemmer, so a prefix query stands in), bm25 and snippet.</summary>
    private static async Task<PeerTiming?> SqlitePeerAsync(string connectionString, ServiceProvider services, int items, int runs)
    {
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            if (await ScalarAsync(setup, "SELECT COUNT(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5'") == 0)
            {
                Console.WriteLine("| SQLite | FTS5 | not in the bundled SQLite | | |");
                return null;
            }
            if (await ScalarAsync(setup, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'bench_fts'") == 0
                || await ScalarAsync(setup, "SELECT COUNT(*) FROM bench_meta") != items)
            {
                await ExecuteAsync(setup, "DROP TABLE IF EXISTS bench_fts; DROP TABLE IF EXISTS bench_meta; " +
                    "CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0'); " +
                    "CREATE TABLE bench_meta (id INTEGER PRIMARY KEY, kind TEXT, programme INTEGER, date TEXT, tools TEXT, topics TEXT); " +
                    "CREATE INDEX bench_meta_date ON bench_meta (date); CREATE INDEX bench_meta_programme ON bench_meta (programme)");
                await using var transaction = setup.BeginTransaction();
                var id = 0;
                foreach (var entry in KnowledgeCorpus.Generate(items))
                {
                    id++;
                    await using var command = setup.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = "INSERT INTO bench_fts (rowid, title, body) VALUES (@id, @title, @body); " +
                        "INSERT INTO bench_meta VALUES (@id, @kind, @programme, @date, @tools, @topics)";
                    command.Parameters.AddWithValue("@id", id);
                    command.Parameters.AddWithValue("@title", entry.Title);
                    command.Parameters.AddWithValue("@body", string.Join('\n', entry.Passages.Select(p => p.Text)));
                    command.Parameters.AddWithValue("@kind", entry.Kind.ToString());
                    command.Parameters.AddWithValue("@programme", entry.ProgrammeId!.Value);
                    command.Parameters.AddWithValue("@date", (object?)entry.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? DBNull.Value);
                    command.Parameters.AddWithValue("@tools", "|" + string.Join('|', entry.Tools.Select(t => t.ToLowerInvariant())) + "|");
                    command.Parameters.AddWithValue("@topics", "|" + string.Join('|', entry.Topics.Select(t => t.ToLowerInvariant())) + "|");
                    await command.ExecuteNonQueryAsync();
                }
                await transaction.CommitAsync();
            }
        }
        var timing = await TimeAsync(runs, async search =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // Each word as a quoted prefix: FTS5 has no Norwegian stemmer, and a prefix is the usual stand-in.
            var match = string.Join(' ', (search.Query.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => "\"" + w.ToLowerInvariant().Replace("\"", "", StringComparison.Ordinal) + "\"*"));
            command.Parameters.AddWithValue("@q", match);
            var conditions = new List<string>();
            Filters(search.Query, conditions, command, "m.date", "m.programme", "m.kind", "m.tools", "m.topics", postgres: false);
            var where = string.Concat(conditions.Select(c => " AND " + c));
            command.CommandText =
                "SELECT f.rowid, highlight(bench_fts, 0, '<mark>', '</mark>'), snippet(bench_fts, 1, '<mark>', '</mark>', '…', 24), " +
                $"(SELECT COUNT(*) FROM bench_fts f2 JOIN bench_meta m ON m.id = f2.rowid WHERE bench_fts MATCH @q{where}) " +
                $"FROM bench_fts f JOIN bench_meta m ON m.id = f.rowid WHERE bench_fts MATCH @q{where} ORDER BY bm25(bench_fts, 3.0, 1.0), f.rowid LIMIT 20";
            return await CountAsync(command);
        });
        return new PeerTiming("SQLite FTS5 (unicode61, prefix words, bm25, snippet)", timing.P50, timing.P95, timing.FirstHits);
    }

    private static void Filters(KnowledgeQuery query, List<string> conditions, DbCommand command, string date, string programme, string kind,
        string tools, string topics, bool postgres)
    {
        void Add(string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        if (query.ProgrammeId is { } p)
        {
            conditions.Add($"{programme} = @programme");
            Add("programme", p);
        }
        if (query.Kind is { } k)
        {
            conditions.Add($"{kind} = @kind");
            Add("kind", k.ToString());
        }
        if (query.From is { } from)
        {
            conditions.Add($"{date} >= @from");
            Add("from", postgres ? from : from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (query.To is { } to)
        {
            conditions.Add($"{date} <= @to");
            Add("to", postgres ? to : to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        foreach (var (column, value) in new[] { (tools, query.Tool), (topics, query.Topic) })
        {
            if (value is null)
            {
                continue;
            }
            var name = column.EndsWith("tools", StringComparison.Ordinal) ? "tool" : "topic";
            conditions.Add(postgres ? $"@{name} = ANY({column})" : $"instr({column}, @{name}) > 0");
            Add(name, postgres ? value.ToLowerInvariant() : "|" + value.ToLowerInvariant() + "|");
        }
    }

    private static async Task<int> CountAsync(DbCommand command)
    {
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            total = Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture);
        }
        return total;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task EnsurePostgresDatabaseAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        if (await ScalarAsync(connection, $"SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'") == 0)
        {
            await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"");
        }
    }
}
