// Writes many rows at once inside the caller's transaction, past EF's change tracker: PostgreSQL gets binary COPY,
// SQLite a slice of rows as one JSON text its INSERT unpacks with json_each, since binding parameters row by row costs
// more than the insert itself. The usage import and the survey import write through it.
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Oppdrift.Data;

internal static class BulkInsert
{
    /// <summary>Rows per JSON text on SQLite.</summary>
    public const int JsonSlice = 10_000;

    /// <summary>The PostgreSQL connection when the context runs on PostgreSQL, else null (SQLite).</summary>
    public static NpgsqlConnection? Postgres(OppdriftDb db) => db.Database.GetDbConnection() as NpgsqlConnection;

    /// <summary>
    /// PostgreSQL: the rows through one binary COPY (<paramref name="copy"/> is its command), each written by
    /// <paramref name="write"/> after the row is started.
    /// </summary>
    public static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows, Func<NpgsqlBinaryImporter, T, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            await write(writer, row, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// SQLite: the rows a slice at a time, each slice one JSON array (rows written by <paramref name="append"/>, commas
    /// and brackets added here) bound to <c>$rows</c> of <paramref name="sql"/>, a prepared INSERT … SELECT … FROM json_each($rows).
    /// </summary>
    public static async Task JsonSlicesAsync<T>(OppdriftDb db, string sql, IReadOnlyList<T> rows, int charsPerRow, Action<StringBuilder, T> append,
        CancellationToken cancellationToken)
    {
        await using var command = Prepare(db, sql, "$rows");
        var json = new StringBuilder(JsonSlice * charsPerRow);
        for (var start = 0; start < rows.Count; start += JsonSlice)
        {
            json.Clear().Append('[');
            var end = Math.Min(rows.Count, start + JsonSlice);
            for (var i = start; i < end; i++)
            {
                if (i > start)
                {
                    json.Append(',');
                }
                append(json, rows[i]);
            }
            json.Append(']');
            command.Parameters[0].Value = json.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A command prepared on the context's connection and transaction, with one parameter per name.</summary>
    public static DbCommand Prepare(OppdriftDb db, string sql, params string[] names)
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

    /// <summary>
    /// SQLite: a page cache of <paramref name="kibibytes"/> on this connection until disposed, then its size before. A
    /// bulk insert into a table with several indexes otherwise spills the default 2 MB cache to the log on every few
    /// rows: 54,000 new people went in 0.40 s with 64 MB against 0.75 s with the default.
    /// </summary>
    public static IDisposable SqliteCache(SqliteConnection connection, int kibibytes)
    {
        var before = Pragma(connection, "PRAGMA cache_size");
        Pragma(connection, $"PRAGMA cache_size = -{kibibytes.ToString(CultureInfo.InvariantCulture)}");
        return new Restore(() => Pragma(connection, $"PRAGMA cache_size = {before}"));

        static string Pragma(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>A number as JSON (invariant: Norwegian writes a minus as U+2212), or null.</summary>
    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "null";

    /// <summary>Microsoft.Data.Sqlite's text form of a <see cref="DateTime"/>.</summary>
    public const string SqliteDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static async Task WriteAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }

    public static async Task WriteAsync(NpgsqlBinaryImporter writer, int? value, CancellationToken cancellationToken)
    {
        if (value is { } number)
        {
            await writer.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken);
        }
        else
        {
            await writer.WriteNullAsync(cancellationToken);
        }
    }
}
