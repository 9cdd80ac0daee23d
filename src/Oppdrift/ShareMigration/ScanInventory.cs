using System.Globalization;
using Microsoft.Data.Sqlite;
using Oppdrift.Data;

namespace Oppdrift.ShareMigration;

/// <summary>Called for each entry of an inventory; <paramref name="name"/> is valid only during the call.</summary>
public delegate void EntryVisitor(int dir, ReadOnlySpan<byte> name, EntryKind kind, long size, long mtimeNs);

internal delegate void PackVisitor(int dir, ReadOnlySpan<byte> pack);

/// <summary>
/// The scan inventory: one SQLite file per scanned tree holding its folders (names as bytes, parent by id), each
/// folder's entries packed in one row (<see cref="EntryPack"/>; read them with <see cref="ForEachEntry"/>), file hashes
/// keyed by identity, size and modification time (<see cref="HashLog"/>), the findings, and the scan's state, so an interrupted scan resumes
/// and a later one is incremental. The same file is what is uploaded to the server.
/// </summary>
public sealed class ScanInventory : IDisposable
{
    public const string Format = "oppdrift-scan";
    // 2: entries packed per folder (entry_packs) and hashes packed in a log (hash_log), instead of a row each.
    public const int Version = 2;

    public const int StatePending = 0;
    public const int StateDone = 1;
    public const int StateFailed = 2;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS dirs(id INTEGER PRIMARY KEY, parent INTEGER, name BLOB NOT NULL, dev INTEGER NOT NULL, ino INTEGER NOT NULL,
            mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, owner INTEGER NOT NULL, state INTEGER NOT NULL, prev INTEGER, items INTEGER, error INTEGER);
        CREATE TABLE IF NOT EXISTS entry_packs(dir INTEGER PRIMARY KEY, items INTEGER NOT NULL, files INTEGER NOT NULL, bytes INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS findings(dir INTEGER NOT NULL, name BLOB, kind INTEGER NOT NULL, detail INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS hash_log(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
        """;

    public SqliteConnection Connection { get; }

    public string Path { get; }

    private ScanInventory(SqliteConnection connection, string path)
    {
        Connection = connection;
        Path = path;
    }

    /// <summary>Opens (or creates) an inventory to scan into.</summary>
    public static ScanInventory OpenForWriting(string path)
    {
        var connection = Connect(path, SqliteOpenMode.ReadWriteCreate);
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=16384; PRAGMA temp_store=MEMORY;");
        Execute(connection, Schema);
        var inventory = new ScanInventory(connection, path);
        if (inventory.Meta("format") is null)
        {
            inventory.SetMeta("format", Format);
            inventory.SetMeta("version", Version.ToString(CultureInfo.InvariantCulture));
        }
        return inventory;
    }

    /// <summary>
    /// Opens an inventory to read, checking that it is one and of a version this build reads.
    /// The message names the file and says what is wrong.
    /// </summary>
    public static ScanInventory OpenForReading(string path, string displayName, out string? error)
    {
        error = null;
        SqliteConnection? connection = null;
        try
        {
            connection = Connect(path, SqliteOpenMode.ReadOnly);
            using (var check = connection.CreateCommand())
            {
                // An uploaded inventory is untrusted: no function or view in its schema may run with the app's rights,
                // a cell claiming more than its page holds is refused, and the file's structure is checked before use.
                check.CommandText = "PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON; PRAGMA query_only=ON;";
                check.ExecuteNonQuery();
                check.CommandText = "PRAGMA quick_check(1)";
                if (check.ExecuteScalar() as string is { } verdict && verdict != "ok")
                {
                    error = MigrationText.Get("InventoryCorrupt", displayName, verdict);
                    connection.Dispose();
                    return null!;
                }
                check.CommandText = "SELECT value FROM meta WHERE key='format'";
                var format = check.ExecuteScalar() as string;
                if (format != Format)
                {
                    error = MigrationText.Get("InventoryNotAScan", displayName);
                    connection.Dispose();
                    return null!;
                }
                check.CommandText = "SELECT value FROM meta WHERE key='version'";
                var version = check.ExecuteScalar() as string;
                if (version != Version.ToString(CultureInfo.InvariantCulture))
                {
                    error = MigrationText.Get("InventoryWrongVersion", displayName, version ?? "?", Version);
                    connection.Dispose();
                    return null!;
                }
                check.CommandText = "SELECT value FROM meta WHERE key='state'";
                if (check.ExecuteScalar() as string != "complete")
                {
                    error = MigrationText.Get("InventoryIncomplete", displayName);
                    connection.Dispose();
                    return null!;
                }
            }
            return new ScanInventory(connection, path);
        }
        catch (SqliteException exception)
        {
            connection?.Dispose();
            error = MigrationText.Get("InventoryCorrupt", displayName, exception.Message);
            return null!;
        }
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public string? Meta(string key)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key=$k";
        command.Parameters.AddWithValue("$k", key);
        return command.ExecuteScalar() as string;
    }

    public void SetMeta(string key, string value, SqliteTransaction? transaction = null)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
        command.Parameters.AddWithValue("$k", key);
        command.Parameters.AddWithValue("$v", value);
        command.ExecuteNonQuery();
    }

    public long Scalar(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    public void Execute(string sql) => Execute(Connection, sql);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Every entry that is not a folder (files, links, special files), folder by folder in id order, each in the order its
    /// folder was read. Folders themselves are in the dirs table. The name is valid only during the call.
    /// </summary>
    public void ForEachEntry(EntryVisitor visit) => ForEachEntry(Connection, visit);

    public static void ForEachEntry(SqliteConnection connection, EntryVisitor visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ForEachPack(connection, (int dir, ReadOnlySpan<byte> pack) =>
        {
            var reader = EntryPack.Read(pack);
            while (reader.MoveNext())
            {
                var metadata = reader.Metadata;
                visit(dir, reader.Name, metadata.Kind, metadata.Size, metadata.ModifiedNs);
            }
        });
    }

    /// <summary>Every folder's pack of entries, in folder id order (highest first when asked).</summary>
    internal static void ForEachPack(SqliteConnection connection, PackVisitor visit, bool descending = false)
    {
        using var statement = new RawStatement(connection, descending
            ? "SELECT dir, data FROM entry_packs ORDER BY dir DESC"
            : "SELECT dir, data FROM entry_packs ORDER BY dir");
        while (statement.Read())
        {
            visit((int)statement.Int64(0), statement.Blob(1));
        }
    }

    /// <summary>One folder's pack (empty when it has none).</summary>
    internal static byte[] Pack(SqliteConnection connection, long dir, string schema = "main")
    {
        using var statement = new RawStatement(connection, $"SELECT data FROM {schema}.entry_packs WHERE dir = ?1");
        statement.Bind(1, dir);
        if (!statement.Read())
        {
            return [];
        }
        var data = statement.Blob(0).ToArray();
        statement.Reset();
        return data;
    }

    public void Dispose()
    {
        Connection.Dispose();
    }
}
