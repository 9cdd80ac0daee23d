using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Data;

/// <summary>
/// Backs up and restores the embedded SQLite database with SQLite's online backup API: a copy is one consistent snapshot
/// even while the app writes (in write-ahead mode the writers go on), and a restore writes through SQLite's own locks.
/// </summary>
public static class SqliteBackup
{
    private const string BusyTimeout = "PRAGMA busy_timeout=10000";

    /// <summary>The database file a SQLite provider points at, as a full path.</summary>
    public static string PathOf(DatabaseProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return Path.GetFullPath(new SqliteConnectionStringBuilder(provider.ConnectionString).DataSource);
    }

    /// <summary>
    /// Copies the database at <paramref name="source"/> to the new file <paramref name="destination"/> (through a
    /// temporary file beside it, so a failed copy leaves no half file), as one file without a write-ahead log.
    /// </summary>
    public static void Copy(string source, string destination)
    {
        var partial = destination + ".partial";
        File.Delete(partial);
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadWrite))
            using (var to = Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
                Execute(from, BusyTimeout);
                from.BackupDatabase(to);
                Execute(to, "PRAGMA journal_mode=DELETE");
            }
            File.Move(partial, destination);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Writes the database at <paramref name="source"/> over the (existing or new) database at <paramref name="target"/>.</summary>
    public static void Overwrite(string source, string target)
    {
        using var from = Open(source, SqliteOpenMode.ReadOnly);
        using var to = Open(target, SqliteOpenMode.ReadWriteCreate);
        Execute(to, BusyTimeout);
        from.BackupDatabase(to);
    }

    /// <summary>
    /// What a file offered for restore is, read without changing it: not an SQLite database, not Oppdrift's, damaged, or
    /// Oppdrift's with these migrations (and those this build does not know).
    /// </summary>
    public static BackupInspection Inspect(string path)
    {
        var known = KnownMigrations();
        try
        {
            using var connection = Open(path, SqliteOpenMode.ReadOnly);
            if (Scalar(connection, "PRAGMA quick_check") is not "ok")
            {
                return new BackupInspection(BackupState.Damaged, [], []);
            }
            if (Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'") is not 1L)
            {
                return new BackupInspection(BackupState.NotOppdrift, [], []);
            }
            var applied = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    applied.Add(reader.GetString(0));
                }
            }
            if (known.Count > 0 && !applied.Contains(known[0]))
            {
                return new BackupInspection(BackupState.NotOppdrift, applied, []);
            }
            var unknown = applied.Where(m => !known.Contains(m)).ToList();
            return new BackupInspection(unknown.Count > 0 ? BackupState.TooNew : BackupState.Usable, applied, unknown);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */)
        {
            return new BackupInspection(BackupState.NotADatabase, [], []);
        }
    }

    private static List<string> KnownMigrations()
    {
        using var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, "Data Source=:memory:")));
        return [.. db.Database.GetMigrations()];
    }

    /// <summary>Pooling off, so the file is closed when the connection is, and can be moved or replaced at once.</summary>
    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

public enum BackupState
{
    Usable,
    NotADatabase,
    NotOppdrift,
    Damaged,
    TooNew,
}

public sealed record BackupInspection(BackupState State, IReadOnlyList<string> Migrations, IReadOnlyList<string> UnknownMigrations);
