// Writes responses, answers and their counts inside the caller's transaction, and reads the counts back for the
// results. An import is twenty thousand responses and a couple of hundred thousand answers, which EF's change tracker
// spends many seconds on: as the usage import does, they go through Data/BulkInsert (binary COPY on PostgreSQL, slices
// of rows as JSON on SQLite).
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using Oppdrift.Data;

namespace Oppdrift.Surveys;

internal static class SurveyStore
{
    /// <summary>The counts a set of responses adds: per group, question and value, and per group and question the respondents (no value).</summary>
    public static Dictionary<(int? AgencyId, int QuestionId, int? Value), int> Count(IEnumerable<(int? AgencyId, IEnumerable<SurveyAnswer> Answers)> responses)
    {
        var counts = new Dictionary<(int?, int, int?), int>();
        var questions = new HashSet<int>();
        foreach (var (agency, answers) in responses)
        {
            questions.Clear();
            foreach (var answer in answers)
            {
                if (questions.Add(answer.QuestionId))
                {
                    Add(counts, (agency, answer.QuestionId, null));
                }
                if (answer.Value is { } value)
                {
                    Add(counts, (agency, answer.QuestionId, value));
                }
            }
        }
        return counts;

        static void Add(Dictionary<(int?, int, int?), int> counts, (int?, int, int?) key) => counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    /// <summary>
    /// Adds one response's counts to a round: the rows are raised in the database (so two answers at once both count).
    /// The first response of a group makes every row the group can have, at zero, before raising its own: rows made one
    /// by one as values first appear would, by their ids, tell which values the first respondent gave.
    /// </summary>
    public static async Task AddResponseCountsAsync(OppdriftDb db, int roundId, int? agencyId, IReadOnlyList<SurveyQuestion> questions, IReadOnlyList<SurveyAnswer> answers,
        CancellationToken cancellationToken)
    {
        var counts = Count([(agencyId, answers)]);
        if (counts.Count == 0)
        {
            return;
        }
        var questionIds = questions.Select(q => q.Id).ToList();
        var rows = await RowsAsync(db, roundId, agencyId, questionIds, cancellationToken);
        if (counts.Keys.Any(k => !rows.ContainsKey((k.QuestionId, k.Value))))
        {
            foreach (var question in questions)
            {
                IEnumerable<int?> values = question.Kind == QuestionKind.FreeText ? [null] : [null, .. Enumerable.Range(question.Min, question.Max - question.Min + 1).Select(v => (int?)v)];
                foreach (var value in values.Where(v => !rows.ContainsKey((question.Id, v))))
                {
                    db.SurveyAnswerCounts.Add(new SurveyAnswerCount { RoundId = roundId, AgencyId = agencyId, QuestionId = question.Id, Value = value });
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            rows = await RowsAsync(db, roundId, agencyId, questionIds, cancellationToken);
        }
        // One response adds one to each of its keys (a multiple choice's choices are distinct).
        var raise = counts.Keys.Select(k => rows[(k.QuestionId, k.Value)]).ToList();
        await db.SurveyAnswerCounts.Where(c => raise.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Count, c => c.Count + 1), cancellationToken);
    }

    /// <summary>A group's count rows by question and value (the first, when two were made at once).</summary>
    private static async Task<Dictionary<(int QuestionId, int? Value), long>> RowsAsync(OppdriftDb db, int roundId, int? agencyId, List<int> questionIds, CancellationToken cancellationToken)
    {
        var rows = await db.SurveyAnswerCounts.AsNoTracking()
            .Where(c => c.RoundId == roundId && c.AgencyId == agencyId && questionIds.Contains(c.QuestionId))
            .Select(c => new { c.Id, c.QuestionId, c.Value })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(c => (c.QuestionId, c.Value)).ToDictionary(g => g.Key, g => g.Min(c => c.Id));
    }

    /// <summary>
    /// The answer counts of some rounds, summed per round, group, question and value (two rows made at once for one key
    /// are added together). On SQLite the rows are read by position and summed here: grouping them in SQLite sorted the
    /// few thousand rows of a survey and reading them through EF Core cost more than the rest of a results page.
    /// </summary>
    public static async Task<Dictionary<(int RoundId, int? AgencyId, int QuestionId, int? Value), int>> CountsAsync(OppdriftDb db, List<int> roundIds,
        CancellationToken cancellationToken)
    {
        if (BulkInsert.Postgres(db) is not null)
        {
            return await db.SurveyAnswerCounts.AsNoTracking().Where(c => roundIds.Contains(c.RoundId))
                .GroupBy(c => new { c.RoundId, c.AgencyId, c.QuestionId, c.Value })
                .Select(g => new { g.Key.RoundId, g.Key.AgencyId, g.Key.QuestionId, g.Key.Value, Count = g.Sum(c => c.Count) })
                .ToDictionaryAsync(c => (c.RoundId, c.AgencyId, c.QuestionId, c.Value), c => c.Count, cancellationToken);
        }
        var counts = new Dictionary<(int, int?, int, int?), int>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            using var select = new RawStatement((SqliteConnection)db.Database.GetDbConnection(), """
                SELECT "RoundId", "AgencyId", "QuestionId", "Value", "Count" FROM "SurveyAnswerCounts" WHERE "RoundId" IN (SELECT value FROM json_each(?1))
                """);
            select.Bind(1, JsonSerializer.Serialize(roundIds));
            while (select.Read())
            {
                var key = ((int)select.Int64(0), select.IsNull(1) ? null : (int?)select.Int64(1), (int)select.Int64(2), select.IsNull(3) ? null : (int?)select.Int64(3));
                counts[key] = counts.GetValueOrDefault(key) + (int)select.Int64(4);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return counts;
    }

    /// <summary>Adds count rows (saved with the caller's next SaveChanges).</summary>
    public static void AddCounts(OppdriftDb db, int roundId, Dictionary<(int? AgencyId, int QuestionId, int? Value), int> counts)
    {
        foreach (var ((agency, question, value), count) in counts)
        {
            db.SurveyAnswerCounts.Add(new SurveyAnswerCount { RoundId = roundId, AgencyId = agency, QuestionId = question, Value = value, Count = count });
        }
    }

    public static async Task InsertResponsesAsync(OppdriftDb db, IReadOnlyList<SurveyResponse> responses, CancellationToken cancellationToken)
    {
        if (responses.Count == 0)
        {
            return;
        }
        if (BulkInsert.Postgres(db) is { } npgsql)
        {
            await BulkInsert.CopyAsync(npgsql, "COPY \"SurveyResponses\" (\"Id\", \"RoundId\", \"AgencyId\", \"ImportId\") FROM STDIN (FORMAT BINARY)", responses,
                static async (writer, row, cancellationToken) =>
                {
                    await writer.WriteAsync(row.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(row.RoundId, NpgsqlDbType.Integer, cancellationToken);
                    await BulkInsert.WriteAsync(writer, row.AgencyId, cancellationToken);
                    await BulkInsert.WriteAsync(writer, row.ImportId, cancellationToken);
                }, cancellationToken);
            return;
        }
        await BulkInsert.JsonSlicesAsync(db, """
            INSERT INTO "SurveyResponses" ("Id", "RoundId", "AgencyId", "ImportId")
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each($rows)
            """, responses, 64, static (json, row) => json.Append("[\"").Append(GuidText(row.Id))
                .Append(CultureInfo.InvariantCulture, $"\",{row.RoundId},{BulkInsert.Number(row.AgencyId)},{BulkInsert.Number(row.ImportId)}]"), cancellationToken);
    }

    public static async Task InsertAnswersAsync(OppdriftDb db, IReadOnlyList<SurveyAnswer> answers, CancellationToken cancellationToken)
    {
        if (answers.Count == 0)
        {
            return;
        }
        if (BulkInsert.Postgres(db) is { } npgsql)
        {
            await BulkInsert.CopyAsync(npgsql, "COPY \"SurveyAnswers\" (\"ResponseId\", \"QuestionId\", \"Choice\", \"Value\", \"Text\") FROM STDIN (FORMAT BINARY)", answers,
                static async (writer, row, cancellationToken) =>
                {
                    await writer.WriteAsync(row.ResponseId, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(row.QuestionId, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(row.Choice, NpgsqlDbType.Integer, cancellationToken);
                    await BulkInsert.WriteAsync(writer, row.Value, cancellationToken);
                    if (row.Text is null)
                    {
                        await writer.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await writer.WriteAsync(row.Text, NpgsqlDbType.Varchar, cancellationToken);
                    }
                }, cancellationToken);
            return;
        }
        await BulkInsert.JsonSlicesAsync(db, """
            INSERT INTO "SurveyAnswers" ("ResponseId", "QuestionId", "Choice", "Value", "Text")
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each($rows)
            """, answers, 64, static (json, row) =>
        {
            json.Append("[\"").Append(GuidText(row.ResponseId)).Append(CultureInfo.InvariantCulture, $"\",{row.QuestionId},{row.Choice},{BulkInsert.Number(row.Value)},");
            if (row.Text is null)
            {
                json.Append("null]");
            }
            else
            {
                json.Append('"').Append(JsonEncodedText.Encode(row.Text).Value).Append("\"]");
            }
        }, cancellationToken);
    }

    // As EF Core stores a Guid in SQLite (upper-case text), so the rows written here join and read back like any other.
    private static string GuidText(Guid id) => id.ToString("D").ToUpperInvariant();
}
