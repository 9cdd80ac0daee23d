using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Oppdrift.Data;

namespace Oppdrift.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated database for one test, on SQLite (a temporary file) or PostgreSQL (a new
/// database cloned from a migrated template on the cluster scripts/test.sh starts).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "OPPDRIFT_TEST_POSTGRES";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _template;

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

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("oppdrift-test-").FullName;
            var provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(folder, "oppdrift.db")}");
            var database = new TestDatabase(provider, folder, null);
            await using var db = database.CreateContext();
            await db.Database.MigrateAsync();
            return database;
        }

        var server = PostgresServer();
        var template = await TemplateAsync(server);
        var name = $"oppdrift_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(new DatabaseProvider(DatabaseKind.Postgres, builder.ConnectionString),
            Directory.CreateTempSubdirectory("oppdrift-test-").FullName, name);
    }

    /// <summary>The PostgreSQL server's connection string; tests on PostgreSQL fail (never skip) without it.</summary>
    public static string PostgresServer() =>
        Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new InvalidOperationException(
            $"{PostgresVariable} is not set. Run the tests with scripts/test.sh, which starts PostgreSQL on loopback, " +
            $"or set {PostgresVariable} to a PostgreSQL connection string (Host=…;Username=…) of a server where the user may create databases.");

    private static async Task<string> TemplateAsync(string server)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }
            var name = $"oppdrift_template_{Environment.ProcessId}_{Guid.NewGuid():N}"[..48];
            await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
            var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false };
            await using (var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Postgres, builder.ConnectionString))))
            {
                await db.Database.MigrateAsync();
            }
            NpgsqlConnection.ClearAllPools();
            _template = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

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
