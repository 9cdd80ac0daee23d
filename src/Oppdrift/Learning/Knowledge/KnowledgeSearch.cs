using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Oppdrift.Data;

namespace Oppdrift.Learning.Knowledge;

/// <summary>A search of the knowledge bank: words (any form) and filters; a search without words lists by date.</summary>
public sealed record KnowledgeQuery
{
    public string? Text { get; init; }
    public int? ProgrammeId { get; init; }
    public string? Topic { get; init; }
    public string? Tool { get; init; }
    public KnowledgeKind? Kind { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = KnowledgeSearch.DefaultPageSize;

    /// <summary>Programmes whose materials the searcher may not read (<see cref="LearningAccess"/>): their documents and recordings are left out.</summary>
    public IReadOnlyCollection<int> HiddenDocumentsOf { get; init; } = [];

    public bool HasFilter => ProgrammeId is not null || !string.IsNullOrWhiteSpace(Topic) || !string.IsNullOrWhiteSpace(Tool) || Kind is not null || From is not null || To is not null;
}

/// <summary>A highlighted piece of an entry's text: HTML-encoded, the matching words in &lt;mark&gt;; Url jumps to it.</summary>
public sealed record KnowledgeSnippet(string Html, string Url, string? Anchor);

public sealed record KnowledgeHit
{
    public required string SourceKey { get; init; }
    public required KnowledgeKind Kind { get; init; }
    public required string Title { get; init; }

    /// <summary>The title HTML-encoded with matching words in &lt;mark&gt;.</summary>
    public required string TitleHtml { get; init; }

    /// <summary>Where the hit opens: the entry's page, at the best matching passage's anchor when it has one.</summary>
    public required string Url { get; init; }

    public int? ProgrammeId { get; init; }
    public string? ProgrammeName { get; init; }
    public DateOnly? Date { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Tools { get; init; } = [];
    public required double Score { get; init; }
    public required IReadOnlyList<KnowledgeSnippet> Snippets { get; init; }
}

public sealed record KnowledgeResults
{
    public required KnowledgeQuery Query { get; init; }

    /// <summary>The terms searched for after stemming and leaving out function words.</summary>
    public required IReadOnlyList<string> Terms { get; init; }

    /// <summary>False when nothing was asked: no searchable word and no filter.</summary>
    public required bool Searched { get; init; }

    public required int Total { get; init; }
    public required IReadOnlyList<KnowledgeHit> Hits { get; init; }

    public int Pages => Math.Max(1, (Total + Query.PageSize - 1) / Query.PageSize);
}

public sealed record KnowledgeOption(string Key, string Name);

/// <summary>What the filters offer: the programmes, topics and tools that entries have.</summary>
public sealed record KnowledgeFacets(IReadOnlyList<KnowledgeOption> Programmes, IReadOnlyList<KnowledgeOption> Topics, IReadOnlyList<KnowledgeOption> Tools);

/// <summary>
/// Searches the inverted <see cref="KnowledgeIndex"/>: every word of the search must occur (in any inflected
/// form) in an entry, entries are ranked by BM25 computed here from integer counts the database returns, and
/// the best passages of each hit on the page are cut into highlighted snippets. The database only counts and
/// filters, so SQLite and PostgreSQL give the same hits in the same order.
/// </summary>
public sealed class KnowledgeSearch(OppdriftDb db)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int SnippetsPerHit = 3;
    public const int SnippetLength = 220;

    // Encodes what HTML needs (<, >, &, quotes) and leaves letters such as æ, ø and å as they are.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    // BM25's usual constants: term frequency saturation and length normalisation.
    private const double K1 = 1.2;
    private const double B = 0.75;

    public async Task<KnowledgeResults> SearchAsync(KnowledgeQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        query = query with
        {
            Page = Math.Max(1, query.Page),
            PageSize = Math.Clamp(query.PageSize, 1, MaxPageSize),
            Topic = string.IsNullOrWhiteSpace(query.Topic) ? null : KnowledgeTerms.TagKey(query.Topic),
            Tool = string.IsNullOrWhiteSpace(query.Tool) ? null : KnowledgeTerms.TagKey(query.Tool),
        };
        var terms = KnowledgeTerms.QueryTerms(query.Text);
        if (terms.Count == 0 && !query.HasFilter)
        {
            return new KnowledgeResults { Query = query, Terms = terms, Searched = false, Total = 0, Hits = [] };
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var ranked = terms.Count == 0
                ? await ListAsync(connection, transaction, query, ct)
                : await RankAsync(connection, transaction, query, terms, ct);
            var page = ranked.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
            var hits = await HitsAsync(connection, transaction, page, terms, ct);
            return new KnowledgeResults { Query = query, Terms = terms, Searched = true, Total = ranked.Count, Hits = hits };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<KnowledgeFacets> FacetsAsync(CancellationToken ct)
    {
        var programmes = await db.Set<KnowledgeItem>().AsNoTracking()
            .Where(i => i.ProgrammeId != null && i.ProgrammeName != null)
            .GroupBy(i => i.ProgrammeId)
            .Select(g => new { Id = g.Key!.Value, Name = g.Max(i => i.ProgrammeName)! })
            .ToListAsync(ct);
        var tags = await db.Set<KnowledgeItemTag>().AsNoTracking()
            .GroupBy(t => new { t.Kind, t.Key })
            .Select(g => new { g.Key.Kind, g.Key.Key, Value = g.Max(t => t.Value)! })
            .ToListAsync(ct);
        var culture = StringComparer.Create(CultureInfo.GetCultureInfo("nb-NO"), ignoreCase: true);
        return new KnowledgeFacets(
            [.. programmes.OrderBy(p => p.Name, culture).Select(p => new KnowledgeOption(p.Id.ToString(CultureInfo.InvariantCulture), p.Name))],
            [.. tags.Where(t => t.Kind == KnowledgeTagKind.Topic).OrderBy(t => t.Value, culture).Select(t => new KnowledgeOption(t.Key, t.Value))],
            [.. tags.Where(t => t.Kind == KnowledgeTagKind.Tool).OrderBy(t => t.Value, culture).Select(t => new KnowledgeOption(t.Key, t.Value))]);
    }

    private readonly record struct Ranked(int ItemId, double Score, DateOnly? Date);

    /// <summary>The entries that hold every term and pass the filters, best first.</summary>
    private static async Task<List<Ranked>> RankAsync(DbConnection connection, DbTransaction? transaction, KnowledgeQuery query,
        IReadOnlyList<string> terms, CancellationToken ct)
    {
        // One indexed range per term (the covering index answers it alone), without the term text on every row.
        var values = new List<object?> { null };
        var filter = Filter(query, values, "p.\"ItemId\"");
        var sql = "SELECT p.\"ItemId\", p.\"Frequency\", p.\"Length\" FROM \"KnowledgePostings\" p" +
            (filter.Length > 0 ? " JOIN \"KnowledgeItems\" i ON i.\"Id\" = p.\"ItemId\"" : "") + " WHERE p.\"Term\" = @p0" + filter;

        var frequencies = new Dictionary<int, (int[] Frequencies, int Length)>();
        var documentFrequency = new int[terms.Count];
        for (var t = 0; t < terms.Count; t++)
        {
            values[0] = terms[t];
            await using var command = KnowledgeIndex.Command(connection, transaction, sql, [.. values]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var itemId = reader.GetInt32(0);
                documentFrequency[t]++;
                if (!frequencies.TryGetValue(itemId, out var row))
                {
                    if (t > 0)
                    {
                        // Every term must occur: an entry the earlier terms missed can never qualify.
                        continue;
                    }
                    row = (new int[terms.Count], reader.GetInt32(2));
                    frequencies[itemId] = row;
                }
                row.Frequencies[t] = reader.GetInt32(1);
            }
        }

        // Term rarity is judged over the whole bank, not the filtered part, so a filter never reorders what it keeps.
        var (count, totalLength) = await TotalsAsync(connection, transaction, ct);
        if (filter.Length > 0)
        {
            documentFrequency = await DocumentFrequenciesAsync(connection, transaction, terms, ct);
        }
        var averageLength = count == 0 ? 1.0 : Math.Max(1.0, (double)totalLength / count);
        var idf = documentFrequency.Select(n => Math.Log(1 + ((count - n + 0.5) / (n + 0.5)))).ToArray();

        var ranked = new List<Ranked>();
        foreach (var (itemId, row) in frequencies)
        {
            if (Array.IndexOf(row.Frequencies, 0) >= 0)
            {
                continue;
            }
            var score = 0.0;
            var norm = K1 * (1 - B + (B * row.Length / averageLength));
            for (var t = 0; t < terms.Count; t++)
            {
                var f = row.Frequencies[t];
                score += idf[t] * (f * (K1 + 1) / (f + norm));
            }
            ranked.Add(new Ranked(itemId, score, null));
        }
        ranked.Sort(Compare);
        return ranked;
    }

    private static int Compare(Ranked a, Ranked b)
    {
        var c = b.Score.CompareTo(a.Score);
        if (c != 0)
        {
            return c;
        }
        c = Nullable.Compare(b.Date, a.Date);
        return c != 0 ? c : a.ItemId.CompareTo(b.ItemId);
    }

    /// <summary>The entries that pass the filters, newest first (a search with filters but no words).</summary>
    private static async Task<List<Ranked>> ListAsync(DbConnection connection, DbTransaction? transaction, KnowledgeQuery query, CancellationToken ct)
    {
        var values = new List<object?>();
        var sql = "SELECT i.\"Id\", i.\"Date\" FROM \"KnowledgeItems\" i WHERE 1 = 1" + Filter(query, values, "i.\"Id\"");
        var ranked = new List<Ranked>();
        await using var command = KnowledgeIndex.Command(connection, transaction, sql, [.. values]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ranked.Add(new Ranked(reader.GetInt32(0), 0, reader.IsDBNull(1) ? null : ReadDate(reader, 1)));
        }
        ranked.Sort(Compare);
        return ranked;
    }

    /// <summary>The filter's SQL conditions (on an alias i of KnowledgeItems), adding their values to <paramref name="values"/>.</summary>
    private static string Filter(KnowledgeQuery query, List<object?> values, string itemId)
    {
        var sql = new StringBuilder();
        string Next(object? value)
        {
            values.Add(value);
            return "@p" + (values.Count - 1).ToString(CultureInfo.InvariantCulture);
        }
        if (query.ProgrammeId is { } programme)
        {
            sql.Append(" AND i.\"ProgrammeId\" = ").Append(Next(programme));
        }
        if (query.Kind is { } kind)
        {
            sql.Append(" AND i.\"Kind\" = ").Append(Next(kind.ToString()));
        }
        if (query.HiddenDocumentsOf.Count > 0)
        {
            sql.Append(" AND NOT (i.\"Kind\" IN (").Append(Next(nameof(KnowledgeKind.Document))).Append(", ").Append(Next(nameof(KnowledgeKind.Recording)))
                .Append(") AND i.\"ProgrammeId\" IN (")
                .AppendJoin(", ", query.HiddenDocumentsOf.Select(id => Next(id))).Append("))");
        }
        if (query.From is { } from)
        {
            sql.Append(" AND i.\"Date\" >= ").Append(Next(from));
        }
        if (query.To is { } to)
        {
            sql.Append(" AND i.\"Date\" <= ").Append(Next(to));
        }
        foreach (var (tagKind, key) in new[] { (KnowledgeTagKind.Topic, query.Topic), (KnowledgeTagKind.Tool, query.Tool) })
        {
            if (key is not null)
            {
                sql.Append(" AND EXISTS (SELECT 1 FROM \"KnowledgeItemTags\" g WHERE g.\"ItemId\" = ").Append(itemId)
                    .Append(" AND g.\"Kind\" = ").Append(Next(tagKind.ToString())).Append(" AND g.\"Key\" = ").Append(Next(key)).Append(')');
            }
        }
        return sql.ToString();
    }

    private static async Task<(long Count, long Length)> TotalsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = KnowledgeIndex.Command(connection, transaction, "SELECT COUNT(*), COALESCE(SUM(\"Length\"), 0) FROM \"KnowledgeItems\"");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static async Task<int[]> DocumentFrequenciesAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<string> terms, CancellationToken ct)
    {
        var sql = "SELECT \"Term\", COUNT(*) FROM \"KnowledgePostings\" WHERE \"Term\" IN (" +
            string.Join(", ", terms.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))) + ") GROUP BY \"Term\"";
        var counts = new int[terms.Count];
        await using var command = KnowledgeIndex.Command(connection, transaction, sql, [.. terms]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var term = reader.GetString(0);
            for (var i = 0; i < terms.Count; i++)
            {
                if (terms[i] == term)
                {
                    counts[i] = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
                }
            }
        }
        return counts;
    }

    private static DateOnly ReadDate(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DateOnly date => date,
        DateTime dateTime => DateOnly.FromDateTime(dateTime),
        string text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"Unexpected date value {other}."),
    };

    private sealed record PassageRow(int Id, int ItemId, int Ordinal, string Text, string? Anchor);

    /// <summary>The page's hits with their fields, topics, tools and best passages.</summary>
    private static async Task<IReadOnlyList<KnowledgeHit>> HitsAsync(DbConnection connection, DbTransaction? transaction, List<Ranked> page,
        IReadOnlyList<string> terms, CancellationToken ct)
    {
        if (page.Count == 0)
        {
            return [];
        }
        var ids = page.Select(r => (object?)r.ItemId).ToList();
        var idList = string.Join(", ", ids.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)));

        var items = new Dictionary<int, KnowledgeItem>();
        await using (var command = KnowledgeIndex.Command(connection, transaction,
            $"SELECT \"Id\", \"SourceKey\", \"Kind\", \"Title\", \"Url\", \"ProgrammeId\", \"ProgrammeName\", \"Date\" FROM \"KnowledgeItems\" WHERE \"Id\" IN ({idList})", [.. ids]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items[reader.GetInt32(0)] = new KnowledgeItem
                {
                    Id = reader.GetInt32(0),
                    SourceKey = reader.GetString(1),
                    Kind = Enum.Parse<KnowledgeKind>(reader.GetString(2)),
                    Title = reader.GetString(3),
                    Url = reader.GetString(4),
                    ProgrammeId = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    ProgrammeName = reader.IsDBNull(6) ? null : reader.GetString(6),
                    Date = reader.IsDBNull(7) ? null : ReadDate(reader, 7),
                };
            }
        }

        var tags = new List<(int ItemId, KnowledgeTagKind Kind, string Value)>();
        await using (var command = KnowledgeIndex.Command(connection, transaction,
            $"SELECT \"ItemId\", \"Kind\", \"Value\" FROM \"KnowledgeItemTags\" WHERE \"ItemId\" IN ({idList})", [.. ids]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tags.Add((reader.GetInt32(0), Enum.Parse<KnowledgeTagKind>(reader.GetString(1)), reader.GetString(2)));
            }
        }

        var best = await BestPassagesAsync(connection, transaction, ids, terms, ct);
        var passages = await PassagesAsync(connection, transaction, ids, best, ct);

        var termSet = terms.ToHashSet(StringComparer.Ordinal);
        var hits = new List<KnowledgeHit>(page.Count);
        foreach (var ranked in page)
        {
            if (!items.TryGetValue(ranked.ItemId, out var item))
            {
                continue;
            }
            var snippets = passages.Where(p => p.ItemId == item.Id)
                .OrderBy(p => best.TryGetValue(item.Id, out var order) ? order.IndexOf(p.Id) : p.Ordinal)
                .Select(p => new KnowledgeSnippet(Snippet(p.Text, termSet, SnippetLength), Link(item.Url, p.Anchor), p.Anchor))
                .ToList();
            var itemTags = tags.Where(t => t.ItemId == item.Id).ToList();
            var culture = StringComparer.Create(CultureInfo.GetCultureInfo("nb-NO"), ignoreCase: true);
            hits.Add(new KnowledgeHit
            {
                SourceKey = item.SourceKey,
                Kind = item.Kind,
                Title = item.Title,
                TitleHtml = Highlight(item.Title, termSet),
                Url = best.ContainsKey(item.Id) && snippets.Count > 0 ? snippets[0].Url : item.Url,
                ProgrammeId = item.ProgrammeId,
                ProgrammeName = item.ProgrammeName,
                Date = item.Date,
                Topics = [.. itemTags.Where(t => t.Kind == KnowledgeTagKind.Topic).Select(t => t.Value).Order(culture)],
                Tools = [.. itemTags.Where(t => t.Kind == KnowledgeTagKind.Tool).Select(t => t.Value).Order(culture)],
                Score = ranked.Score,
                Snippets = snippets,
            });
        }
        return hits;
    }

    /// <summary>Per entry, its passages that hold the most of the terms (then the most often, then the earliest), best first.</summary>
    private static async Task<Dictionary<int, List<int>>> BestPassagesAsync(DbConnection connection, DbTransaction? transaction,
        List<object?> ids, IReadOnlyList<string> terms, CancellationToken ct)
    {
        var best = new Dictionary<int, List<int>>();
        if (terms.Count == 0)
        {
            return best;
        }
        var values = new List<object?>(ids);
        values.AddRange(terms);
        var sql = "SELECT \"ItemId\", \"PassageId\", COUNT(*), SUM(\"Frequency\") FROM \"KnowledgePassagePostings\" WHERE \"ItemId\" IN (" +
            string.Join(", ", ids.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))) + ") AND \"Term\" IN (" +
            string.Join(", ", terms.Select((_, i) => "@p" + (ids.Count + i).ToString(CultureInfo.InvariantCulture))) + ") GROUP BY \"ItemId\", \"PassageId\"";
        var rows = new List<(int ItemId, int PassageId, long Terms, long Frequency)>();
        await using var command = KnowledgeIndex.Command(connection, transaction, sql, [.. values]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture)));
        }
        foreach (var group in rows.GroupBy(r => r.ItemId))
        {
            best[group.Key] = [.. group.OrderByDescending(r => r.Terms).ThenByDescending(r => r.Frequency).ThenBy(r => r.PassageId)
                .Take(SnippetsPerHit).Select(r => r.PassageId)];
        }
        return best;
    }

    /// <summary>The best passages, and the first passage of entries that matched on their title alone or were listed without words.</summary>
    private static async Task<List<PassageRow>> PassagesAsync(DbConnection connection, DbTransaction? transaction, List<object?> ids,
        Dictionary<int, List<int>> best, CancellationToken ct)
    {
        var passageIds = best.Values.SelectMany(v => v).Select(v => (object?)v).ToList();
        var firstOf = ids.Where(id => !best.ContainsKey((int)id!)).ToList();
        var values = new List<object?>(passageIds);
        values.AddRange(firstOf);
        var conditions = new List<string>();
        if (passageIds.Count > 0)
        {
            conditions.Add("\"Id\" IN (" + string.Join(", ", passageIds.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))) + ")");
        }
        if (firstOf.Count > 0)
        {
            conditions.Add("(\"Ordinal\" = 0 AND \"ItemId\" IN (" +
                string.Join(", ", firstOf.Select((_, i) => "@p" + (passageIds.Count + i).ToString(CultureInfo.InvariantCulture))) + "))");
        }
        var rows = new List<PassageRow>();
        await using var command = KnowledgeIndex.Command(connection, transaction,
            "SELECT \"Id\", \"ItemId\", \"Ordinal\", \"Text\", \"Anchor\" FROM \"KnowledgeItemPassages\" WHERE " + string.Join(" OR ", conditions), [.. values]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new PassageRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }

    /// <summary>The entry's page, at the passage's anchor when it has one.</summary>
    public static string Link(string url, string? anchor) => anchor is null ? url : url + "#" + Uri.EscapeDataString(anchor);

    /// <summary>The whole text HTML-encoded, with the words whose term is searched for in &lt;mark&gt;.</summary>
    public static string Highlight(string text, IReadOnlySet<string> terms) => Snippet(text, terms, int.MaxValue);

    /// <summary>
    /// At most about <paramref name="length"/> characters of <paramref name="text"/> around its first match, cut at
    /// word boundaries with an ellipsis where cut, HTML-encoded, the matching words in &lt;mark&gt;.
    /// </summary>
    public static string Snippet(string text, IReadOnlySet<string> terms, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(terms);
        var tokens = KnowledgeTerms.Tokens(text);
        var matches = tokens.Where(t => terms.Contains(t.Term)).ToList();
        int start = 0, end = text.Length;
        if (text.Length > length)
        {
            var first = matches.Count > 0 ? matches[0].Start : 0;
            start = Math.Max(0, first - (length / 4));
            end = Math.Min(text.Length, start + length);
            start = Math.Max(0, Math.Min(start, end - length));
            // Cut at word boundaries: back to the start of a word, forward to the end of one.
            if (start > 0)
            {
                var space = text.LastIndexOf(' ', start);
                start = space < 0 ? 0 : space + 1;
            }
            if (end < text.Length)
            {
                var space = text.IndexOf(' ', end);
                end = space < 0 ? text.Length : space;
            }
        }
        var html = new StringBuilder(end - start + 32);
        if (start > 0)
        {
            html.Append('…');
        }
        var at = start;
        foreach (var match in matches)
        {
            if (match.Start < start || match.Start + match.Length > end)
            {
                continue;
            }
            html.Append(Html.Encode(text[at..match.Start]))
                .Append("<mark>").Append(Html.Encode(text.Substring(match.Start, match.Length))).Append("</mark>");
            at = match.Start + match.Length;
        }
        html.Append(Html.Encode(text[at..end]));
        if (end < text.Length)
        {
            html.Append('…');
        }
        return html.ToString();
    }
}
