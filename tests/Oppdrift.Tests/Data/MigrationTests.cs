using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Data;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrations_are_up_to_date_with_the_model(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changes with no {kind} migration: run dotnet ef migrations add for both providers (docs/operations.md).");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrating_an_up_to_date_database_again_changes_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var before = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        await db.Database.MigrateAsync();

        Assert.Equal(before, await db.Database.GetAppliedMigrationsAsync());
        Assert.NotEmpty(before);
    }

    /// <summary>
    /// The moment between one node creating the SQLite file and switching it to write-ahead logging: the other node asks
    /// whether the database exists through a read-only connection, which must not try to switch it (SQLite error 8).
    /// </summary>
    [Fact]
    public async Task A_new_SQLite_file_not_yet_in_write_ahead_mode_can_be_probed_and_then_migrated()
    {
        var folder = Directory.CreateTempSubdirectory("oppdrift-probe-").FullName;
        var file = Path.Combine(folder, "oppdrift.db");
        try
        {
            await using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
            {
                await raw.OpenAsync();
                await using var command = raw.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=DELETE; CREATE TABLE probe (id INTEGER);";
                await command.ExecuteNonQueryAsync();
            }
            var provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={file}");
            await using var db = new OppdriftDb(DataServices.Options(provider));
            var creator = Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<
                Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>(db);

            Assert.True(await creator.ExistsAsync());
            Assert.True(creator.Exists());

            await DatabaseSchema.MigrateAsync(db, provider.Describe(), default);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            await using var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var mode = connection.CreateCommand();
            mode.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Two nodes starting at once on a new database both migrate it: EF Core takes a database lock around the migrations
    /// (a lock table on SQLite, LOCK TABLE on the history table on PostgreSQL), so one waits for the other and finds
    /// nothing left to do, and neither fails; the first administrator, made under the same lock, is made once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Two_nodes_migrating_one_new_database_at_once_both_succeed_and_leave_the_schema_complete(DatabaseKind kind)
    {
        for (var round = 0; round < 2; round++)
        {
            var folder = Directory.CreateTempSubdirectory("oppdrift-migrate-").FullName;
            var postgresName = $"oppdrift_migrate_{Guid.NewGuid():N}";
            DatabaseProvider provider;
            if (kind == DatabaseKind.Sqlite)
            {
                provider = new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(folder, "oppdrift.db")}");
            }
            else
            {
                await PostgresAsync($"CREATE DATABASE \"{postgresName}\"");
                provider = new DatabaseProvider(DatabaseKind.Postgres,
                    new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer()) { Database = postgresName, Pooling = false }.ConnectionString);
            }
            try
            {
                using var start = new ManualResetEventSlim();
                var nodes = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
                {
                    await using var db = new OppdriftDb(DataServices.Options(provider));
                    start.Wait();
                    Oppdrift.Access.NewAccount? admin = null;
                    // Embedded SQLite is one process by design: only PostgreSQL's nodes make the administrator under the lock.
                    await DatabaseSchema.MigrateAsync(db, provider.Describe(), default, kind == DatabaseKind.Sqlite ? null
                        : async () => admin = await new Oppdrift.Access.AccountService(db, TimeProvider.System).EnsureAdministratorAsync(default));
                    return admin;
                })).ToArray();
                start.Set();
                var admins = await Task.WhenAll(nodes);

                await using var check = new OppdriftDb(DataServices.Options(provider));
                Assert.Empty(await check.Database.GetPendingMigrationsAsync());
                Assert.Equal(check.Database.GetMigrations(), await check.Database.GetAppliedMigrationsAsync());
                Assert.Equal(0, await check.JobLeases.CountAsync());
                // The first administrator is made by one node only: one one-time password, one account.
                Assert.Equal(kind == DatabaseKind.Sqlite ? 0 : 1, admins.OfType<Oppdrift.Access.NewAccount>().Count());
                Assert.Equal(kind == DatabaseKind.Sqlite ? 0 : 1, await check.Accounts.CountAsync());
                Assert.Equal(0, await check.OutgoingMail.CountAsync(m => m.ClaimedUntil != null));
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
                if (kind == DatabaseKind.Postgres)
                {
                    await PostgresAsync($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)");
                }
            }
        }
    }

    private static async Task PostgresAsync(string sql)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer()) { Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Sqlite_runs_in_write_ahead_mode_with_foreign_keys_on()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal("1", await ScalarAsync(connection, "PRAGMA foreign_keys"));
    }

    private static async Task<string?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [Theory]
    [InlineData("Host=db;Username=oppdrift;Password=secret;Database=oppdrift", DatabaseKind.Postgres)]
    [InlineData("postgres://oppdrift:secret@db:5433/oppdrift", DatabaseKind.Postgres)]
    [InlineData("Data Source=/var/lib/oppdrift/oppdrift.db", DatabaseKind.Sqlite)]
    [InlineData("/var/lib/oppdrift/oppdrift.db", DatabaseKind.Sqlite)]
    public void A_configured_connection_string_chooses_the_provider(string value, DatabaseKind kind)
    {
        var provider = DatabaseProvider.Parse(value);

        Assert.Equal(kind, provider.Kind);
        Assert.DoesNotContain("secret", provider.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_url_becomes_a_keyword_connection_string()
    {
        var provider = DatabaseProvider.Parse("postgres://oppdrift:s%40cret@db:5433/oppdrift");

        Assert.Equal("Host=db;Port=5433;Database=oppdrift;Username=oppdrift;Password=s@cret", provider.ConnectionString);
    }
}
