using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Oppdrift.Data;

/// <summary>
/// One prepared statement on an open connection, bound by position straight to SQLite. The scanner's writers and the
/// directory import's new people run hundreds of thousands of these; binding through SqliteCommand's named parameters
/// (looked up by name again at every execution) cost several microseconds each. It joins whatever transaction the
/// connection has open.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private byte[] _text = new byte[256];

    public RawStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
    }

    public RawStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public RawStatement Bind(int index, long? value) => value is { } number ? Bind(index, number) : BindNull(index);

    public RawStatement Bind(int index, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_blob(_statement, index, value));
        return this;
    }

    /// <summary>Binds a text as UTF-8 (SQLite copies it), or null.</summary>
    public RawStatement Bind(int index, string? value)
    {
        if (value is null)
        {
            return BindNull(index);
        }
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (most > _text.Length)
        {
            _text = new byte[Math.Max(most, _text.Length * 2)];
        }
        var length = Encoding.UTF8.GetBytes(value, _text);
        Check(raw.sqlite3_bind_text(_statement, index, _text.AsSpan(0, length)));
        return this;
    }

    public RawStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    /// <summary>Runs a statement that returns no rows, and readies it for the next use.</summary>
    public void Execute()
    {
        var result = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE && result != raw.SQLITE_ROW)
        {
            Check(result);
        }
    }

    /// <summary>Steps to the next row; false (and reset) at the end.</summary>
    public bool Read()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
        return false;
    }

    public void Reset() => raw.sqlite3_reset(_statement);

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>The column's text, or null.</summary>
    public string? Text(int column) => IsNull(column) ? null : Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column));

    /// <summary>The column's bytes, valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), result);
        }
    }

    public void Dispose() => _statement.Dispose();
}
