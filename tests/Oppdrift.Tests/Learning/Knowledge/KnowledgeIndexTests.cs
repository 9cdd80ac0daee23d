using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning.Knowledge;

public sealed class KnowledgeIndexTests
{
    internal static KnowledgeEntry Recording(int id, string title, params string[] cues) => new()
    {
        SourceKey = $"recording:{id}",
        Kind = KnowledgeKind.Recording,
        Title = title,
        Url = $"/learning/recordings/{id}",
        ProgrammeId = 1,
        ProgrammeName = "Frokostwebinar",
        Date = new DateOnly(2026, 3, 5),
        Topics = ["Samarbeid"],
        Tools = ["Teams"],
        Passages = [.. cues.Select((c, i) => new KnowledgePassage(c, $"t{i * 30}"))],
    };

    private static async Task<KnowledgeResults> SearchAsync(OppdriftDb db, string text) =>
        await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = text }, default);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reindexing_an_entry_replaces_it_without_duplicates(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var index = new KnowledgeIndex(db);

        await index.UpsertAsync(Recording(3, "Møtekultur i Teams", "Vi snakker om opplæringene i Teams.", "Kanaler og faner."), default);
        await index.UpsertAsync(Recording(3, "Deling i SharePoint", "Dokumentbiblioteker og tilgang."), default);

        Assert.Equal(1, await db.KnowledgeItems.CountAsync());
        Assert.Equal("Deling i SharePoint", (await db.KnowledgeItems.SingleAsync()).Title);
        Assert.Equal(1, await db.KnowledgeItemPassages.CountAsync());
        Assert.Equal(0, (await SearchAsync(db, "opplæring")).Total);
        var hit = Assert.Single((await SearchAsync(db, "dokumentbibliotek")).Hits);
        Assert.Equal("recording:3", hit.SourceKey);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Removing_an_entry_takes_it_and_its_postings_out_of_the_bank(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var index = new KnowledgeIndex(db);
        await index.UpsertAsync(Recording(1, "Møtekultur", "Opplæringen i Teams."), default);
        await index.UpsertAsync(Recording(2, "OneNote i møter", "Notater fra opplæringene."), default);

        await index.RemoveAsync("recording:1", default);
        await index.RemoveAsync("recording:99", default);

        Assert.Equal(["recording:2"], (await SearchAsync(db, "opplæring")).Hits.Select(h => h.SourceKey));
        Assert.Equal(0, await db.Set<KnowledgePosting>().CountAsync(p => p.ItemId != db.KnowledgeItems.Single().Id));
        Assert.Equal(0, await db.Set<KnowledgePassagePosting>().CountAsync(p => p.ItemId != db.KnowledgeItems.Single().Id));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_upsert_takes_part_in_the_callers_transaction_and_rolls_back_with_it(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var index = new KnowledgeIndex(db);
        await index.UpsertAsync(Recording(1, "Før", "Opprinnelig tekst."), default);

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await index.UpsertAsync(Recording(1, "Etter", "Ny tekst."), default);
            await index.UpsertAsync(Recording(2, "Annen", "Mer tekst."), default);
            Assert.Equal(2, (await SearchAsync(db, "tekst")).Total);
            await transaction.RollbackAsync();
        }

        await using var fresh = database.CreateContext();
        var hit = Assert.Single((await SearchAsync(fresh, "tekst")).Hits);
        Assert.Equal("Før", hit.Title);
    }
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_banks_statistics_are_refreshed_as_it_grows_so_a_filled_bank_is_not_planned_as_an_empty_one(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var index = new KnowledgeIndex(db);

        for (var id = 1; id < 64; id++)
        {
            await index.UpsertAsync(Recording(id, $"Opptak {id}", "Vi snakker om opplæringene i Teams."), default);
        }
        Assert.False(await AnalysedAsync(db));

        // The 64th entry written is the first mark at which the statistics are refreshed.
        await index.UpsertAsync(Recording(64, "Opptak 64", "Kanaler og faner."), default);

        Assert.True(await AnalysedAsync(db));
        Assert.Equal(64, await db.KnowledgeItems.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_bulk_refresh_analyses_the_bank_and_on_postgresql_marks_its_new_rows_visible_so_postings_are_read_from_the_index_alone(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var index = new KnowledgeIndex(db);
        if (kind == DatabaseKind.Postgres)
        {
            // The test server commits without waiting for its log (synchronous_commit = off), and a vacuum cannot mark a row
            // visible to all while a commit near the row's own (the vacuum's own analyses among them) has not reached the
            // log. This connection, kept open, commits as a server does by default.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("SET synchronous_commit = on");
            // The database's background vacuum is kept away from the bank: it would mark the rows itself.
            string[] tables = ["KnowledgeItems", "KnowledgeItemPassages", "KnowledgeItemTags", "KnowledgePostings", "KnowledgePassagePostings"];
            var sql = string.Concat(tables.Select(t => "ALTER TABLE \"" + t + "\" SET (autovacuum_enabled = false); "));
            await db.Database.ExecuteSqlRawAsync(sql);
        }
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            for (var id = 1; id <= 40; id++)
            {
                await index.UpsertAsync(Recording(id, $"Opptak {id}", $"Vi snakker om opplæring nummer {id} i Teams.", "Kanaler og faner."), default);
            }
            // Inside a transaction the refresh analyses only (a vacuum may not run there); the statistics are there all the same.
            await index.AnalyzeAsync(default);
            Assert.True(await AnalysedAsync(db));
            await transaction.CommitAsync();
        }
        if (kind == DatabaseKind.Postgres)
        {
            Assert.False(await VacuumedAsync(db));
            Assert.Equal(0, await VisiblePagesAsync(db));
        }

        await index.AnalyzeAsync(default);

        Assert.True(await AnalysedAsync(db));
        if (kind == DatabaseKind.Postgres)
        {
            Assert.True(await VacuumedAsync(db));
            // Pages marked visible to every transaction: a search reads their postings from the index alone.
            Assert.True(await VisiblePagesAsync(db) > 0);
        }
        // The bank reads as before: every entry found, none twice.
        var results = await SearchAsync(db, "kanaler");
        Assert.Equal(40, results.Total);
        Assert.Equal(results.Hits.Count, results.Hits.Select(h => h.Title).Distinct().Count());
    }

    /// <summary>How many of the postings' pages are marked visible to every transaction (by a vacuum).</summary>
    private static async Task<int> VisiblePagesAsync(OppdriftDb db) =>
        await db.Database.SqlQueryRaw<int>("SELECT relallvisible AS \"Value\" FROM pg_class WHERE relname = 'KnowledgePostings'").SingleAsync();

    /// <summary>Whether the postings have been vacuumed by a command (not by the database's background work).</summary>
    private static async Task<bool> VacuumedAsync(OppdriftDb db) =>
        await db.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*)::int AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'KnowledgePostings' AND last_vacuum IS NOT NULL").SingleAsync() > 0;

    /// <summary>Whether the database has statistics on the postings from an analysis (not from its own background work).</summary>
    private static async Task<bool> AnalysedAsync(OppdriftDb db)
    {
        if (db.Database.IsSqlite()
            && await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE name = 'sqlite_stat1'").SingleAsync() == 0)
        {
            return false;
        }
        var sql = db.Database.IsSqlite()
            ? "SELECT COUNT(*) AS \"Value\" FROM sqlite_stat1 WHERE tbl = 'KnowledgePostings'"
            : "SELECT COUNT(*)::int AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'KnowledgePostings' AND last_analyze IS NOT NULL";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync() > 0;
    }
}
