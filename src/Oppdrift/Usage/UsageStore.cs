// Writes an import's figures and per-person rows with plain ADO.NET inside the caller's transaction: a day of the
// reach report is a quarter of a million rows, which EF's change tracker would spend seconds and hundreds of
// megabytes on. PostgreSQL gets binary COPY, SQLite slices of rows as JSON (Data/BulkInsert).
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
        if (BulkInsert.Postgres(db) is { } npgsql)
        {
            await BulkInsert.CopyAsync(npgsql, "COPY \"UsageFigures\" (\"Date\", \"Period\", \"Metric\", \"AgencyId\", \"Value\", \"People\") FROM STDIN (FORMAT BINARY)", rows,
                static async (writer, row, cancellationToken) =>
                {
                    await writer.WriteAsync(row.Date, NpgsqlDbType.Date, cancellationToken);
                    await writer.WriteAsync(row.Period, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(row.Metric, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(row.AgencyId, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(row.Value, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(row.People, NpgsqlDbType.Integer, cancellationToken);
                }, cancellationToken);
            return;
        }
        // SQLite: as the per-person rows, a slice of figures as one JSON text (see InsertActivityAsync).
        var dates = new Dictionary<int, string>();
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        await BulkInsert.JsonSlicesAsync(db, """
            INSERT INTO "UsageFigures" ("Date", "Period", "Metric", "AgencyId", "Value", "People")
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each($rows)
            """, rows, 60, (json, row) =>
        {
            if (!metrics.TryGetValue(row.Metric, out var metric))
            {
                metric = JsonEncodedText.Encode(row.Metric).ToString();
                metrics[row.Metric] = metric;
            }
            json.Append(CultureInfo.InvariantCulture, $"[\"{DateText(dates, row.Date.DayNumber)}\",{row.Period},\"{metric}\",{row.AgencyId},{row.Value},{row.People}]");
        }, cancellationToken);
    }

    public static async Task InsertActivityAsync(OppdriftDb db, IReadOnlyList<UsageActivityRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (BulkInsert.Postgres(db) is { } npgsql)
        {
            var pseudonym = new byte[16];
            await BulkInsert.CopyAsync(npgsql, "COPY \"UsageActivity\" (\"Date\", \"Workload\", \"Pseudonym\", \"AgencyId\", \"LastActivity\") FROM STDIN (FORMAT BINARY)", rows,
                async (writer, row, cancellationToken) =>
                {
                    await writer.WriteAsync(row.Date, NpgsqlDbType.Date, cancellationToken);
                    await writer.WriteAsync((int)row.Workload, NpgsqlDbType.Integer, cancellationToken);
                    // The writer copies the bytes before it returns, so one buffer serves every row.
                    UsagePeople.WriteBytes(row.Pseudonym, pseudonym);
                    await writer.WriteAsync(pseudonym, NpgsqlDbType.Bytea, cancellationToken);
                    await writer.WriteAsync(row.AgencyId, NpgsqlDbType.Integer, cancellationToken);
                    if (row.LastDay > 0)
                    {
                        await writer.WriteAsync(DateOnly.FromDayNumber(row.LastDay), NpgsqlDbType.Date, cancellationToken);
                    }
                    else
                    {
                        await writer.WriteNullAsync(cancellationToken);
                    }
                }, cancellationToken);
            return;
        }
        // SQLite: binding five parameters a row costs more than the insert itself, so a slice of rows goes in as one
        // JSON text that SQLite unpacks with json_each (numbers written invariantly: Norwegian writes a minus as
        // U+2212). Rows go in key order, so the primary key's index is appended to instead of split at random places.
        var sorted = rows.ToArray();
        Array.Sort(sorted, static (a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date)
            : a.Workload != b.Workload ? a.Workload.CompareTo(b.Workload) : BlobOrder(a.Pseudonym).CompareTo(BlobOrder(b.Pseudonym)));
        var dates = new Dictionary<int, string>();
        await BulkInsert.JsonSlicesAsync(db, """
            INSERT INTO "UsageActivity" ("Date", "Workload", "Pseudonym", "AgencyId", "LastActivity")
            SELECT value ->> 0, value ->> 1, unhex(value ->> 2), value ->> 3, value ->> 4 FROM json_each($rows)
            """, sorted, 80, (json, row) =>
        {
            json.Append(CultureInfo.InvariantCulture, $"[\"{DateText(dates, row.Date.DayNumber)}\",{(int)row.Workload},\"");
            AppendHex(json, row.Pseudonym);
            json.Append(CultureInfo.InvariantCulture, $"\",{row.AgencyId},");
            json.Append(row.LastDay > 0 ? $"\"{DateText(dates, row.LastDay)}\"]" : "null]");
        }, cancellationToken);
    }

    // The order SQLite compares the stored bytes in (memcmp of UsagePeople.ToBytes), as one number.
    private static UInt128 BlobOrder(UInt128 key) =>
        new(BinaryPrimitives.ReverseEndianness((ulong)(key >> 64)), BinaryPrimitives.ReverseEndianness((ulong)key));

    // As Microsoft.Data.Sqlite stores a DateOnly, so rows written here read back through EF like any other.
    private static string DateText(Dictionary<int, string> dates, int dayNumber)
    {
        if (!dates.TryGetValue(dayNumber, out var text))
        {
            text = DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            dates[dayNumber] = text;
        }
        return text;
    }

    private static void AppendHex(StringBuilder json, UInt128 key)
    {
        Span<byte> bytes = stackalloc byte[16];
        UsagePeople.WriteBytes(key, bytes);
        Span<char> hex = stackalloc char[32];
        Convert.TryToHexString(bytes, hex, out _);
        json.Append(hex);
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
