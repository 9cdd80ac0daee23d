using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Oppdrift.Data;

namespace Oppdrift.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated database for one test, on SQLite (a temporary file) or PostgreSQL (a new database on the
/// cluster scripts/test.sh starts), each copied from a template made once per test run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "OPPDRIFT_TEST_POSTGRES";

    private readonly string? _postgresName;

    private TestDatabase(DatabaseProvider provider, string folder, string? postgresName)
    {
        Provider = provider;
        Folder = folder;
        _postgresName = postgresName;
    }

    public DatabaseProvider Provider { get; }

    public DatabaseKind Kind => Provider.Kind;

    /// <summary>A temporary folder for files the test writes; the SQLite database lives here too.</summary>
    public string Folder { get; }

    public OppdriftDb CreateContext() => new(DataServices.Options(Provider));

    /// <summary>A fresh migrated database: a copy of one migrated once per test run.</summary>
    public static Task<TestDatabase> CreateAsync(DatabaseKind kind) => CreateAsync(kind, Migrated, fill: null);

    /// <summary>
    /// A fresh database, and its folder's files, copied from a template made once per test run and kind: a migrated
    /// database that <paramref name="fill"/> was given (a demo municipality, say) under the name <paramref name="template"/>.
    /// Copying a database file, or creating a PostgreSQL database from a template, costs a fraction of migrating and
    /// filling one for every test.
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind, string template, Func<TestDatabase, Task>? fill)
    {
        var source = await Templates.GetOrAdd((kind, template), key => new(() => BuildTemplateAsync(key.Kind, key.Name, fill))).Value;
        var folder = Directory.CreateTempSubdirectory("oppdrift-test-").FullName;
        CopyFolder(source.Folder, folder);
        if (kind == DatabaseKind.Sqlite)
        {
            return new TestDatabase(SqliteIn(folder), folder, null);
        }
        var server = PostgresServer();
        var name = $"oppdrift_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\" TEMPLATE \"{source._postgresName}\"");
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(new DatabaseProvider(DatabaseKind.Postgres, builder.ConnectionString), folder, name);
    }

    private const string Migrated = "migrated";

    /// <summary>A new database with nothing in it: a folder with no SQLite file yet, or an empty PostgreSQL database.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync(DatabaseKind kind, string prefix = "oppdrift_empty")
    {
        var folder = Directory.CreateTempSubdirectory("oppdrift-test-").FullName;
        if (kind == DatabaseKind.Sqlite)
        {
            return new TestDatabase(SqliteIn(folder), folder, null);
        }
        var server = PostgresServer();
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        return new TestDatabase(new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString),
            folder, name);
    }

    private static readonly ConcurrentDictionary<(DatabaseKind Kind, string Name), Lazy<Task<TestDatabase>>> Templates = new();

    /// <summary>
    /// The migrated template is migrated from nothing; any other is a copy of it that <paramref name="fill"/> is given.
    /// Templates stay for the whole run (the folders are removed at exit; scripts/test.sh drops the PostgreSQL cluster).
    /// </summary>
    private static async Task<TestDatabase> BuildTemplateAsync(DatabaseKind kind, string name, Func<TestDatabase, Task>? fill)
    {
        TestDatabase template;
        if (name == Migrated)
        {
            // Migrated as a new database is: DatabaseSchema runs the migrations' script (MigrationTests compares its
            // schema with the one EF Core's migrator leaves).
            template = await CreateEmptyAsync(kind, "oppdrift_template");
            await using var db = template.CreateContext();
            await DatabaseSchema.MigrateAsync(db, template.Provider.Describe(), default);
        }
        else
        {
            template = await CreateAsync(kind);
            await (fill ?? throw new ArgumentNullException(nameof(fill)))(template);
        }
        await CloseAsync(template);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(template.Folder);
        return template;
    }

    private static DatabaseProvider SqliteIn(string folder) =>
        new(DatabaseKind.Sqlite, $"Data Source={Path.Combine(folder, "oppdrift.db")}");

    /// <summary>
    /// Leaves the template whole on disk and unused: a SQLite file with its write-ahead log written back into it, and no
    /// open connection to a PostgreSQL template (which CREATE DATABASE … TEMPLATE refuses).
    /// </summary>
    private static async Task CloseAsync(TestDatabase template)
    {
        if (template.Kind == DatabaseKind.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var unpooled = new SqliteConnectionStringBuilder(template.Provider.ConnectionString) { Pooling = false };
            await using var connection = new SqliteConnection(unpooled.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith("-wal", StringComparison.Ordinal) || file.EndsWith("-shm", StringComparison.Ordinal))
            {
                continue;
            }
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the operating system's temporary-file cleaning.
        }
    }

    /// <summary>The PostgreSQL server's connection string; tests on PostgreSQL fail (never skip) without it.</summary>
    public static string PostgresServer() =>
        Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new InvalidOperationException(
            $"{PostgresVariable} is not set. Run the tests with scripts/test.sh, which starts PostgreSQL on loopback, " +
            $"or set {PostgresVariable} to a PostgreSQL connection string (Host=…;Username=…) of a server where the user may create databases.");

    private static async Task ExecuteAsync(string server, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(server) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on another thread; the temp folder is cleaned by the OS.
        }
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(PostgresServer(), $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)");
        }
    }
}

/// <summary>The databases every data test runs against.</summary>
public static class Databases
{
    public static TheoryData<DatabaseKind> Both => [DatabaseKind.Sqlite, DatabaseKind.Postgres];
}
