using System.Data.Common;
using System.Numerics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Oppdrift.Data;

namespace Oppdrift.Learning.Knowledge;

/// <summary>
/// Keeps the knowledge bank's inverted index: an entry is replaced whole (its passages, topics, tools and
/// postings) or removed. Writes go through the context's connection in plain SQL that both databases
/// understand, inside the caller's transaction when one is open and in one of its own otherwise, so an
/// entry is never half indexed and nothing the caller tracks is saved behind its back.
/// </summary>
public sealed class KnowledgeIndex(OppdriftDb db)
{
    /// <summary>How many times a title word counts: a hit in the title says more than one in a transcript.</summary>
    public const int TitleWeight = 3;

    // Rows per INSERT statement: well under both databases' parameter limits, few round trips.
    private const int RowsPerStatement = 200;

    public async Task UpsertAsync(KnowledgeEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Validate(entry);
        var document = Analyse(entry);
        var itemId = 0;
        await InTransactionAsync(async (connection, transaction) =>
        {
            await DeleteAsync(connection, transaction, entry.SourceKey, ct);
            itemId = await InsertItemAsync(connection, transaction, entry, document.Length, ct);
            var passageIds = await InsertPassagesAsync(connection, transaction, itemId, document.Passages, ct);
            await InsertRowsAsync(connection, transaction, "\"KnowledgeItemTags\" (\"ItemId\", \"Kind\", \"Key\", \"Value\")",
                document.Tags, t => [itemId, t.Kind.ToString(), t.Key, t.Value], ct);
            await InsertRowsAsync(connection, transaction, "\"KnowledgePostings\" (\"Term\", \"ItemId\", \"Frequency\", \"Length\")",
                document.Terms, t => [t.Key, itemId, t.Value, document.Length], ct);
            await InsertRowsAsync(connection, transaction, "\"KnowledgePassagePostings\" (\"ItemId\", \"Term\", \"PassageId\", \"Frequency\")",
                document.PassageTerms, t => [itemId, t.Term, passageIds[t.Passage], t.Frequency], ct);
        }, ct);
        // Each entry written gets the next id, so an id that is a power of two marks a bank that has had as many entries
        // written again since the last such mark: its statistics are refreshed as it grows, a few times in its life.
        if (itemId >= AnalyzeFrom && BitOperations.IsPow2(itemId))
        {
            await RefreshStatisticsAsync(vacuum: false, ct);
        }
    }

    /// <summary>The first entry id at which the statistics are refreshed; a smaller bank is read whole whatever the plan.</summary>
    private const int AnalyzeFrom = 64;

    public async Task RemoveAsync(string sourceKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        await InTransactionAsync((connection, transaction) => DeleteAsync(connection, transaction, sourceKey, ct), ct);
    }

    /// <summary>The bank's tables, in the order they are filled.</summary>
    private static readonly string[] Tables =
        ["KnowledgeItems", "KnowledgeItemPassages", "KnowledgeItemTags", "KnowledgePostings", "KnowledgePassagePostings"];

    /// <summary>
    /// Refreshes the database's statistics on the bank's tables, so that its planner knows how many postings a common word
    /// has and how large the bank is. Call it after indexing many entries at once (a bulk load, an import of a catalogue):
    /// until then a bank filled since the last analysis is planned as the small one it was, and the first searches are the
    /// slowest. SQLite reads a sample of each index (<c>analysis_limit</c>), so this stays quick on a large bank.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL, outside a transaction, the tables are vacuumed as well: rows just written are not yet marked visible
    /// to every transaction, so a search reading postings from the index alone visits the table for each of them until the
    /// database's background vacuum comes by. On a bank of 20,000 entries just filled, searches took 70 ms at the 95th
    /// percentile before the vacuum was added here and 37 ms after (docs/performance.md, "Knowledge bank search").
    /// </remarks>
    public Task AnalyzeAsync(CancellationToken ct) => RefreshStatisticsAsync(vacuum: true, ct);

    private async Task RefreshStatisticsAsync(bool vacuum, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var tables = string.Join(", ", Tables.Select(t => $"\"{t}\""));
        var sql = db.Database.IsSqlite()
            ? "PRAGMA analysis_limit = 1000; " + string.Concat(Tables.Select(t => $"ANALYZE \"{t}\"; "))
            // VACUUM may not run inside a transaction block.
            : vacuum && transaction is null ? "VACUUM (ANALYZE) " + tables : "ANALYZE " + tables;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = Command(connection, transaction, sql);
            await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Validate(KnowledgeEntry entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.SourceKey, nameof(entry.SourceKey));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Title, nameof(entry.Title));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Url, nameof(entry.Url));
        ArgumentNullException.ThrowIfNull(entry.Passages, nameof(entry.Passages));
        if (entry.SourceKey.Length > 100)
        {
            throw new ArgumentException($"SourceKey '{entry.SourceKey[..20]}…' is longer than 100 characters.", nameof(entry));
        }
    }

    private sealed record AnalysedDocument(
        int Length,
        IReadOnlyList<KnowledgePassage> Passages,
        IReadOnlyList<KnowledgeItemTag> Tags,
        IReadOnlyDictionary<string, int> Terms,
        IReadOnlyList<(int Passage, string Term, int Frequency)> PassageTerms);

    /// <summary>Everything the index stores about an entry, worked out before the transaction opens.</summary>
    private static AnalysedDocument Analyse(KnowledgeEntry entry)
    {
        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var token in KnowledgeTerms.Tokens(KnowledgeTerms.Normalize(entry.Title)))
        {
            terms[token.Term] = terms.GetValueOrDefault(token.Term) + TitleWeight;
            length += TitleWeight;
        }
        var passages = entry.Passages
            .Select(p => new KnowledgePassage(KnowledgeTerms.Normalize(p.Text ?? ""), string.IsNullOrWhiteSpace(p.Anchor) ? null : p.Anchor.Trim()))
            .Where(p => p.Text.Length > 0)
            .ToList();
        var passageTerms = new List<(int, string, int)>();
        for (var i = 0; i < passages.Count; i++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var token in KnowledgeTerms.Tokens(passages[i].Text))
            {
                counts[token.Term] = counts.GetValueOrDefault(token.Term) + 1;
                terms[token.Term] = terms.GetValueOrDefault(token.Term) + 1;
                length++;
            }
            passageTerms.AddRange(counts.Select(c => (i, c.Key, c.Value)));
        }
        var tags = entry.Topics.Select(t => (Kind: KnowledgeTagKind.Topic, Value: t))
            .Concat(entry.Tools.Select(t => (Kind: KnowledgeTagKind.Tool, Value: t)))
            .Where(t => !string.IsNullOrWhiteSpace(t.Value))
            .Select(t => new KnowledgeItemTag { Kind = t.Kind, Key = KnowledgeTerms.TagKey(t.Value), Value = KnowledgeTerms.Normalize(t.Value).Trim() })
            .DistinctBy(t => (t.Kind, t.Key))
            .ToList();
        return new AnalysedDocument(length, passages, tags, terms, passageTerms);
    }

    private async Task InTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is { } current)
        {
            await work(db.Database.GetDbConnection(), current.GetDbTransaction());
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await work(db.Database.GetDbConnection(), transaction.GetDbTransaction());
        await transaction.CommitAsync(ct);
    }

    private static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, string sourceKey, CancellationToken ct)
    {
        // The foreign keys cascade to passages, tags and postings on both databases.
        await using var command = Command(connection, transaction, "DELETE FROM \"KnowledgeItems\" WHERE \"SourceKey\" = @p0", sourceKey);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<int> InsertItemAsync(DbConnection connection, DbTransaction transaction, KnowledgeEntry entry, int length, CancellationToken ct)
    {
        await using var command = Command(connection, transaction,
            "INSERT INTO \"KnowledgeItems\" (\"SourceKey\", \"Kind\", \"Title\", \"Url\", \"ProgrammeId\", \"ProgrammeName\", \"Date\", \"Length\") " +
            "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) RETURNING \"Id\"",
            entry.SourceKey, entry.Kind.ToString(), Cut(KnowledgeTerms.Normalize(entry.Title).Trim(), 400), entry.Url.Trim(), entry.ProgrammeId,
            entry.ProgrammeName is null ? null : Cut(KnowledgeTerms.Normalize(entry.ProgrammeName).Trim(), 400), entry.Date, length);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<int[]> InsertPassagesAsync(DbConnection connection, DbTransaction transaction, int itemId,
        IReadOnlyList<KnowledgePassage> passages, CancellationToken ct)
    {
        var ids = new int[passages.Count];
        for (var start = 0; start < passages.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, passages.Count - start);
            var values = new List<object?>(count * 4);
            for (var i = start; i < start + count; i++)
            {
                values.AddRange([itemId, i, passages[i].Text, passages[i].Anchor is { } anchor ? Cut(anchor, 100) : null]);
            }
            await using var command = Command(connection, transaction,
                "INSERT INTO \"KnowledgeItemPassages\" (\"ItemId\", \"Ordinal\", \"Text\", \"Anchor\") VALUES " + Placeholders(count, 4) +
                " RETURNING \"Id\", \"Ordinal\"", [.. values]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids[reader.GetInt32(1)] = reader.GetInt32(0);
            }
        }
        return ids;
    }

    private static async Task InsertRowsAsync<T>(DbConnection connection, DbTransaction transaction, string table, IEnumerable<T> rows,
        Func<T, object?[]> values, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var parameters = chunk.SelectMany(values).ToArray();
            await using var command = Command(connection, transaction,
                $"INSERT INTO {table} VALUES {Placeholders(chunk.Length, parameters.Length / chunk.Length)}", parameters);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static string Placeholders(int rows, int columns)
    {
        var text = new System.Text.StringBuilder(rows * columns * 6);
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns; c++)
            {
                text.Append(c == 0 ? "@p" : ", @p").Append((r * columns) + c);
            }
            text.Append(')');
        }
        return text.ToString();
    }

    private static string Cut(string value, int length) => value.Length <= length ? value : value[..length];

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params object?[] values)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
