// Writes an import's figures and per-person rows with plain ADO.NET inside the caller's transaction: a day of the
// reach report is a quarter of a million rows, which EF's change tracker would spend seconds and hundreds of
// megabytes on. PostgreSQL gets binary COPY; SQLite a prepared statement reused inside one transaction.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Oppdrift.Data;

namespace Oppdrift.Usage;

/// <summary>A figure on its way to the database (a struct, so a year of them is one array, not a million objects).</summary>
public readonly record struct UsageFigureRow(DateOnly Date, int Period, string Metric, int AgencyId, long Value, int People);

/// <summary>A per-person row on its way to the database.</summary>
public readonly record struct UsageActivityRow(DateOnly Date, UsageWorkload Workload, UInt128 Pseudonym, int AgencyId, int LastDay);

internal static class UsageStore
{
    public static async Task DeleteAsync(OppdriftDb db, DateOnly date, int period, IReadOnlyList<string> metrics, IReadOnlyList<UsageWorkload> workloads, CancellationToken cancellationToken)
    {
        if (metrics.Count > 0)
        {
            await db.UsageFigures.Where(f => f.Date == date && f.Period == period && metrics.Contains(f.Metric)).ExecuteDeleteAsync(cancellationToken);
        }
        if (workloads.Count > 0 && period == 1)
        {
            await db.UsageActivity.Where(a => a.Date == date && workloads.Contains(a.Workload)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public static async Task InsertFiguresAsync(OppdriftDb db, IReadOnlyList<UsageFigureRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql)
        {
            await using var writer = await npgsql.BeginBinaryImportAsync(
                "COPY \"UsageFigures\" (\"Date\", \"Period\", \"Metric\", \"AgencyId\", \"Value\", \"People\") FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(row.Date, NpgsqlDbType.Date, cancellationToken);
                await writer.WriteAsync(row.Period, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(row.Metric, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(row.AgencyId, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(row.Value, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(row.People, NpgsqlDbType.Integer, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
            return;
        }
        await using var command = Prepare(db, "INSERT INTO \"UsageFigures\" (\"Date\", \"Period\", \"Metric\", \"AgencyId\", \"Value\", \"People\") VALUES ($d, $p, $m, $a, $v, $n)",
            "$d", "$p", "$m", "$a", "$v", "$n");
        var parameters = command.Parameters;
        foreach (var row in rows)
        {
            parameters[0].Value = row.Date;
            parameters[1].Value = row.Period;
            parameters[2].Value = row.Metric;
            parameters[3].Value = row.AgencyId;
            parameters[4].Value = row.Value;
            parameters[5].Value = row.People;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task InsertActivityAsync(OppdriftDb db, IReadOnlyList<UsageActivityRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var connection = db.Database.GetDbConnection();
        var pseudonym = new byte[16];
        if (connection is NpgsqlConnection npgsql)
        {
            await using var writer = await npgsql.BeginBinaryImportAsync(
                "COPY \"UsageActivity\" (\"Date\", \"Workload\", \"Pseudonym\", \"AgencyId\", \"LastActivity\") FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(row.Date, NpgsqlDbType.Date, cancellationToken);
                await writer.WriteAsync((int)row.Workload, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(UsagePeople.ToBytes(row.Pseudonym), NpgsqlDbType.Bytea, cancellationToken);
                await writer.WriteAsync(row.AgencyId, NpgsqlDbType.Integer, cancellationToken);
                if (row.LastDay > 0)
                {
                    await writer.WriteAsync(DateOnly.FromDayNumber(row.LastDay), NpgsqlDbType.Date, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
            }
            await writer.CompleteAsync(cancellationToken);
            return;
        }
        // SQLite: one prepared statement of many rows, so the per-statement cost is paid a hundred times less often.
        const int perStatement = 100;
        await using var batch = PrepareRows(db, perStatement);
        await using var single = PrepareRows(db, 1);
        var full = rows.Count / perStatement * perStatement;
        for (var start = 0; start < rows.Count;)
        {
            var command = start < full ? batch : single;
            var count = start < full ? perStatement : 1;
            var parameters = command.Parameters;
            for (var i = 0; i < count; i++)
            {
                var row = rows[start + i];
                parameters[i * 5].Value = row.Date;
                parameters[i * 5 + 1].Value = (int)row.Workload;
                parameters[i * 5 + 2].Value = UsagePeople.ToBytes(row.Pseudonym);
                parameters[i * 5 + 3].Value = row.AgencyId;
                parameters[i * 5 + 4].Value = row.LastDay > 0 ? DateOnly.FromDayNumber(row.LastDay) : DBNull.Value;
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
            start += count;
        }
    }

    private static DbCommand PrepareRows(OppdriftDb db, int rows)
    {
        var names = new List<string>(rows * 5);
        var values = new List<string>(rows);
        for (var i = 0; i < rows; i++)
        {
            string[] row = [$"$d{i}", $"$w{i}", $"$p{i}", $"$a{i}", $"$l{i}"];
            names.AddRange(row);
            values.Add("(" + string.Join(", ", row) + ")");
        }
        return Prepare(db, "INSERT INTO \"UsageActivity\" (\"Date\", \"Workload\", \"Pseudonym\", \"AgencyId\", \"LastActivity\") VALUES "
            + string.Join(", ", values), [.. names]);
    }

    private static DbCommand Prepare(OppdriftDb db, string sql, params string[] names)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        command.Prepare();
        return command;
    }

    /// <summary>The last-activity snapshot of one workload on one day, as day numbers by import slot; null when no rows are kept for it.</summary>
    public static async Task<int[]?> SnapshotAsync(OppdriftDb db, UsagePeople people, UsageWorkload workload, DateOnly date, CancellationToken cancellationToken)
    {
        var rows = await db.UsageActivity.AsNoTracking()
            .Where(a => a.Date == date && a.Workload == workload)
            .Select(a => new { a.Pseudonym, a.LastActivity })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }
        var slots = new (int Slot, int Day)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            slots[i] = (people.SlotOf(UsagePeople.ToKey(rows[i].Pseudonym)), rows[i].LastActivity?.DayNumber ?? 0);
        }
        var snapshot = new int[people.Slots];
        foreach (var (slot, day) in slots)
        {
            snapshot[slot] = day;
        }
        return snapshot;
    }
}
