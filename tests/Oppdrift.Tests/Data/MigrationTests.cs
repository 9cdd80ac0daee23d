using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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
    /// A new database is made by running <see cref="DatabaseSchema.NewDatabaseScript"/>, embedded in the migrations
    /// assembly, instead of having the migrator generate every migration's SQL again: the script must be the one the
    /// migrations give now.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public void The_new_database_script_is_the_one_the_migrations_give_now(DatabaseKind kind)
    {
        var connection = kind == DatabaseKind.Postgres ? "Host=localhost;Database=unused" : "Data Source=:memory:";
        using var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(kind, connection)));
        var assembly = db.GetService<IMigrationsAssembly>().Assembly;
        var name = assembly.GetName().Name;
        var stale = $"src/{name}/{DatabaseSchema.NewDatabaseScript} is out of date: run `dotnet tool restore` and `dotnet ef migrations script "
            + $"--no-transactions --project src/{name} --startup-project src/{name} -o src/{name}/{DatabaseSchema.NewDatabaseScript}` "
            + "(docs/operations.md, Adding a migration)";

        var expected = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.NoTransactions);
        using var stream = assembly.GetManifestResourceStream(DatabaseSchema.NewDatabaseScript);
        Assert.True(stream is not null, stale);
        using var reader = new StreamReader(stream);
        var embedded = reader.ReadToEnd();

        Assert.True(Normalised(embedded) == Normalised(expected), stale);
        Assert.Contains($"'{db.Database.GetMigrations().Last()}'", embedded, StringComparison.Ordinal);
    }

    /// <summary>
    /// The script, run in one transaction, leaves the schema and the migration history that EF Core's migrator leaves
    /// migration by migration; once it has run, the database is no longer new and the script is not run again.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_database_made_by_the_script_has_the_schema_and_history_the_migrator_gives(DatabaseKind kind)
    {
        await using var byMigrator = await TestDatabase.CreateEmptyAsync(kind);
        await using var byScript = await TestDatabase.CreateEmptyAsync(kind);
        await using (var db = byMigrator.CreateContext())
        {
            await db.Database.MigrateAsync();
        }
        await using (var db = byScript.CreateContext())
        {
            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            Assert.Equal(db.Database.GetMigrations(), pending);

            Assert.True(await DatabaseSchema.CreateFromScriptAsync(db, pending, default));
            Assert.False(await DatabaseSchema.CreateFromScriptAsync(db, pending, default));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        var expected = await SchemaAsync(byMigrator);
        Assert.Equal(expected, await SchemaAsync(byScript));
        Assert.Contains(expected, line => line.StartsWith("history ", StringComparison.Ordinal));
        Assert.True(expected.Count(line => line.StartsWith("index ", StringComparison.Ordinal)) > 50);
    }

    /// <summary>The database's tables, columns, indexes, constraints and migration history, one line each, in order.</summary>
    private static async Task<List<string>> SchemaAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = database.Kind == DatabaseKind.Postgres
            ? """
              SELECT 'column ' || table_name || '.' || column_name || ' ' || ordinal_position || ' ' || data_type || ' '
                     || coalesce(character_maximum_length::text, '') || ' ' || is_nullable || ' ' || coalesce(column_default, '')
                     || ' ' || is_identity || ' ' || coalesce(identity_generation, '')
                FROM information_schema.columns WHERE table_schema = 'public'
              UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
              UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace
              UNION ALL SELECT 'relation ' || relname || ' ' || relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace
              UNION ALL SELECT 'history ' || "MigrationId" || ' ' || "ProductVersion" FROM "__EFMigrationsHistory"
              ORDER BY 1
              """
            : """
              SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master
                WHERE tbl_name <> '__EFMigrationsLock'
              UNION ALL SELECT 'sequence ' || name || ' ' || seq FROM sqlite_sequence
              UNION ALL SELECT 'history ' || "MigrationId" || ' ' || "ProductVersion" FROM "__EFMigrationsHistory"
              ORDER BY 1
              """;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return lines;
    }

    private static string Normalised(string script) => script.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF').Trim();

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
