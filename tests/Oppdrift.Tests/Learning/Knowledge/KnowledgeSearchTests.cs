using Oppdrift.Data;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning.Knowledge;

public sealed class KnowledgeSearchTests
{
    private static readonly KnowledgeEntry[] Bank =
    [
        new()
        {
            SourceKey = "programme:5", Kind = KnowledgeKind.Programme, Title = "Hybrid ledelse med digitale verktøy", Url = "/learning/programmes/5",
            ProgrammeId = 5, ProgrammeName = "Hybrid ledelse", Topics = ["Ledelse"], Tools = ["Teams", "OneNote"],
            Passages = [new("Et kompetanseprogram for ledergruppene i 50 virksomheter. Opplæringen går over fire samlinger.", null)],
        },
        new()
        {
            SourceKey = "session:42", Kind = KnowledgeKind.Session, Title = "Samling 2: Møtekultur", Url = "/learning/sessions/42",
            ProgrammeId = 5, ProgrammeName = "Hybrid ledelse", Date = new DateOnly(2026, 2, 12), Topics = ["Møtekultur"], Tools = ["Teams"],
            Passages = [new("Gode hybride møter: agenda, roller og <Teams>-rom & oppfølging.", null)],
        },
        new()
        {
            SourceKey = "recording:3", Kind = KnowledgeKind.Recording, Title = "Frokostwebinar: OneNote for ledere", Url = "/learning/recordings/3",
            ProgrammeId = 9, ProgrammeName = "Frokostwebinar", Date = new DateOnly(2026, 3, 5), Topics = ["Notater"], Tools = ["OneNote"],
            Passages =
            [
                new("Kari Nordmann: God morgen, og velkommen.", "t3"),
                new("Ola Hansen: Opplæringene i OneNote har gitt oss en felles notatblokk for ledergruppen.", "t754"),
                new("Kari Nordmann: Takk for i dag.", "t1800"),
            ],
        },
        new()
        {
            SourceKey = "document:7", Kind = KnowledgeKind.Document, Title = "Veileder for deling i SharePoint", Url = "/learning/documents/7",
            ProgrammeId = 9, ProgrammeName = "Frokostwebinar", Date = new DateOnly(2026, 4, 20), Topics = ["Deling"], Tools = ["SharePoint"],
            Passages = [new("Dokumentbiblioteker, tilgang og deling på tvers av virksomheter.", null)],
        },
    ];

    private static async Task<(TestDatabase Database, OppdriftDb Db)> BankAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var db = database.CreateContext();
        var index = new KnowledgeIndex(db);
        foreach (var entry in Bank)
        {
            await index.UpsertAsync(entry, default);
        }
        return (database, db);
    }

    private static Task<KnowledgeResults> SearchAsync(OppdriftDb db, KnowledgeQuery query) => new KnowledgeSearch(db).SearchAsync(query, default);

    private static async Task<string[]> KeysAsync(OppdriftDb db, KnowledgeQuery query) => [.. (await SearchAsync(db, query)).Hits.Select(h => h.SourceKey)];

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_word_finds_every_inflected_form_of_it_in_any_case(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;

        Assert.Equal(["programme:5", "recording:3"], (await KeysAsync(db, new() { Text = "opplæring" })).Order());
        Assert.Equal(["programme:5", "recording:3"], (await KeysAsync(db, new() { Text = "OPPLÆRINGENE" })).Order());
        Assert.Equal(["session:42"], await KeysAsync(db, new() { Text = "møte" }));
        Assert.Empty(await KeysAsync(db, new() { Text = "mote" }));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_word_must_match_and_a_title_hit_ranks_first(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;

        Assert.Equal(["recording:3"], await KeysAsync(db, new() { Text = "opplæring notatblokk" }));
        Assert.Equal(["session:42", "programme:5"], await KeysAsync(db, new() { Text = "samlinger" }));
        var results = await SearchAsync(db, new() { Text = "ledergruppene og ukjentord" });
        Assert.True(results.Searched);
        Assert.Equal(0, results.Total);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_transcript_hit_is_highlighted_and_jumps_to_its_cue(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;

        var hit = Assert.Single((await SearchAsync(db, new() { Text = "notatblokk" })).Hits);

        Assert.Equal("/learning/recordings/3#t754", hit.Url);
        var snippet = hit.Snippets[0];
        Assert.Equal("t754", snippet.Anchor);
        Assert.Equal("/learning/recordings/3#t754", snippet.Url);
        Assert.Equal("Ola Hansen: Opplæringene i OneNote har gitt oss en felles <mark>notatblokk</mark> for ledergruppen.", snippet.Html);
        Assert.Single(hit.Snippets);
        Assert.Equal("Frokostwebinar: OneNote for ledere", hit.TitleHtml);
        Assert.Equal(["OneNote"], hit.Tools);
        Assert.Equal(["Notater"], hit.Topics);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Snippets_are_HTML_encoded_around_the_marks(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;

        var hit = Assert.Single((await SearchAsync(db, new() { Text = "oppfølging" })).Hits);

        Assert.Equal("Gode hybride møter: agenda, roller og &lt;Teams&gt;-rom &amp; <mark>oppfølging</mark>.", hit.Snippets[0].Html);
        Assert.Equal("/learning/sessions/42", hit.Url);
        Assert.Equal("Samling 2: <mark>Møtekultur</mark>", (await SearchAsync(db, new() { Text = "møtekultur" })).Hits[0].TitleHtml);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Filters_narrow_by_programme_topic_tool_kind_and_date(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;
        var programme = (await new KnowledgeSearch(db).FacetsAsync(default)).Programmes.Single(p => p.Name == "Hybrid ledelse");

        Assert.Equal(["programme:5", "session:42"], (await KeysAsync(db, new() { Tool = "teams" })).Order());
        Assert.Equal(["programme:5", "recording:3"], (await KeysAsync(db, new() { Tool = "OneNote" })).Order());
        Assert.Equal(["programme:5"], await KeysAsync(db, new() { Text = "opplæring", ProgrammeId = int.Parse(programme.Key, System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Equal(["recording:3"], await KeysAsync(db, new() { Text = "opplæring", Topic = "Notater" }));
        Assert.Equal(["recording:3"], await KeysAsync(db, new() { Text = "opplæring", Kind = KnowledgeKind.Recording }));
        // A list without words is newest first; undated entries last.
        Assert.Equal(["document:7", "recording:3"], await KeysAsync(db, new() { From = new DateOnly(2026, 3, 1) }));
        Assert.Equal(["session:42"], await KeysAsync(db, new() { From = new DateOnly(2026, 2, 12), To = new DateOnly(2026, 2, 12) }));
        Assert.Equal(["recording:3", "session:42"], await KeysAsync(db, new() { To = new DateOnly(2026, 3, 5) }));
        Assert.Empty(await KeysAsync(db, new() { Tool = "Planner" }));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_filters_offer_what_the_bank_holds(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;

        var facets = await new KnowledgeSearch(db).FacetsAsync(default);

        Assert.Equal(["Frokostwebinar", "Hybrid ledelse"], facets.Programmes.Select(p => p.Name));
        Assert.Equal(["OneNote", "SharePoint", "Teams"], facets.Tools.Select(t => t.Name));
        Assert.Equal(["onenote", "sharepoint", "teams"], facets.Tools.Select(t => t.Key));
        Assert.Equal(["Deling", "Ledelse", "Møtekultur", "Notater"], facets.Topics.Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Results_come_in_pages_with_the_total(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var index = new KnowledgeIndex(db);
        for (var i = 1; i <= 25; i++)
        {
            await index.UpsertAsync(KnowledgeIndexTests.Recording(i, $"Opptak {i}", string.Join(' ', Enumerable.Repeat("kanaler", i))), default);
        }

        var first = await SearchAsync(db, new() { Text = "kanal", PageSize = 10 });
        var third = await SearchAsync(db, new() { Text = "kanal", PageSize = 10, Page = 3 });

        Assert.Equal((25, 3, 10, 5), (first.Total, first.Pages, first.Hits.Count, third.Hits.Count));
        // More occurrences in an entry of the same kind rank it higher.
        Assert.Equal("recording:25", first.Hits[0].SourceKey);
        Assert.Equal("recording:1", third.Hits[^1].SourceKey);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Nothing_is_searched_without_words_or_filters(DatabaseKind kind)
    {
        var (database, db) = await BankAsync(kind);
        await using var _ = database;
        await using var __ = db;

        var results = await SearchAsync(db, new() { Text = " og i " });

        Assert.False(results.Searched);
        Assert.Empty(results.Hits);
    }

    [Fact]
    public void A_long_passage_is_cut_at_words_around_the_first_match()
    {
        var text = string.Join(' ', Enumerable.Repeat("innledning", 40)) + " her kommer opplæringen " + string.Join(' ', Enumerable.Repeat("avslutning", 40));

        var snippet = KnowledgeSearch.Snippet(text, new HashSet<string> { "opplæring" }, 120);

        Assert.StartsWith("…innledning", snippet, StringComparison.Ordinal);
        Assert.EndsWith("avslutning…", snippet, StringComparison.Ordinal);
        Assert.Contains("her kommer <mark>opplæringen</mark> avslutning", snippet, StringComparison.Ordinal);
        Assert.InRange(snippet.Length, 100, 160);
    }
}
