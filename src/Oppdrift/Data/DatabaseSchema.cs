using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Oppdrift.Data;

/// <summary>
/// Brings a database's schema up to date, but never touches one that a newer version of Oppdrift has migrated: its
/// migrations unknown to this build would be left half understood, and EF Core cannot go back. Downgrades are refused.
/// </summary>
public static class DatabaseSchema
{
    /// <summary>Migrations applied to the database that this build does not have (a newer version applied them).</summary>
    public static async Task<IReadOnlyList<string>> UnknownMigrationsAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var applied = await db.Database.GetAppliedMigrationsAsync(cancellationToken);
        return [.. applied.Where(m => !known.Contains(m)).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Applies the pending migrations and returns their names, or throws <see cref="DatabaseTooNewException"/> without
    /// changing anything when the database holds migrations this build does not know. <paramref name="thenUnderLock"/>
    /// runs after migrating, still under the migration lock on PostgreSQL, for what only one starting node may do (such
    /// as creating the first administrator).
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(OppdriftDb db, string description, CancellationToken cancellationToken,
        Func<Task>? thenUnderLock = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var postgres = db.Database.IsNpgsql();
        if (postgres)
        {
            // Several web nodes (or `oppdrift db migrate` beside a starting node) may migrate one database at once. EF Core's
            // own lock on PostgreSQL is taken per migration, after each migrator has listed what it will apply, so the second
            // would apply the first's migrations again and fail. One session-level advisory lock around the whole of it makes
            // the second wait, then find nothing pending.
            await CreatePostgresDatabaseAsync(db, cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        }
        try
        {
            var unknown = await UnknownMigrationsAsync(db, cancellationToken);
            if (unknown.Count > 0)
            {
                throw new DatabaseTooNewException(description, unknown);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0 && !await CreateFromScriptAsync(db, pending, cancellationToken))
            {
                // Only when there is something to apply: the migrator generates each migration's SQL against that
                // migration's own model, which costs seconds. (Its comparison of the model with the last snapshot is
                // turned off in DataServices; MigrationTests makes it once.)
                await db.Database.MigrateAsync(cancellationToken);
            }
            if (thenUnderLock is not null)
            {
                await thenUnderLock();
            }
            return pending;
        }
        finally
        {
            if (postgres)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>The script of every migration in order, embedded in each migrations assembly (docs/operations.md).</summary>
    public const string NewDatabaseScript = "NewDatabase.sql";

    /// <summary>
    /// Creates a new database's schema with <see cref="NewDatabaseScript"/>, the SQL of all the migrations that
    /// <c>dotnet ef migrations script --no-transactions</c> wrote, in one transaction. EF Core's migrator would generate the
    /// same SQL again, migration by migration against each one's own model: about two and a half seconds of CPU on every
    /// new database, against a few tens of milliseconds to run the script. Returns false, having changed nothing, when the
    /// database is not new (another process migrated it meanwhile) or the script does not end with this build's last
    /// migration; the migrator then does the work. <c>MigrationTests</c> checks that the script is the one EF Core writes
    /// now and that it leaves the same schema as the migrator.
    /// </summary>
    internal static async Task<bool> CreateFromScriptAsync(OppdriftDb db, IReadOnlyList<string> pending, CancellationToken cancellationToken)
    {
        var all = db.Database.GetMigrations().ToList();
        if (!pending.SequenceEqual(all, StringComparer.Ordinal))
        {
            return false;
        }
        var script = await ReadScriptAsync(db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>().Assembly, cancellationToken);
        if (script is null || !script.Contains($"'{all[^1]}'", StringComparison.Ordinal))
        {
            return false;
        }
        var opened = db.Database.GetDbConnection().State != System.Data.ConnectionState.Open;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // On SQLite the transaction begins IMMEDIATE: it holds the write lock from the first statement, so a second
            // process starting on the same new file waits here and then finds the history written.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await HasHistoryAsync(db, cancellationToken))
            {
                return false;
            }
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = script;
            command.CommandTimeout = 300;
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static async Task<string?> ReadScriptAsync(System.Reflection.Assembly assembly, CancellationToken cancellationToken)
    {
        await using var stream = assembly.GetManifestResourceStream(NewDatabaseScript);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>
    /// Whether any migration is recorded in the database, read inside the script's transaction. (EF Core's history
    /// repository asks PostgreSQL by querying the table and catching the error, which would abort the transaction.)
    /// </summary>
    private static async Task<bool> HasHistoryAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        var table = await ScalarAsync(db, db.Database.IsNpgsql()
            ? "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = '__EFMigrationsHistory'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'", cancellationToken);
        return table > 0 && await ScalarAsync(db, """SELECT COUNT(*) FROM "__EFMigrationsHistory" """, cancellationToken) > 0;
    }

    private static async Task<long> ScalarAsync(OppdriftDb db, string sql, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Creates the database the connection string names when it does not exist yet, as migrating would: connected to the
    /// server's <c>postgres</c> database, as EF Core's creator does. Not through that creator, which builds the model from
    /// the mapping first to look for database options (three seconds of CPU; Oppdrift sets none).
    /// </summary>
    private static async Task CreatePostgresDatabaseAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }
        var target = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var name = target.Database ?? throw new InvalidOperationException("The PostgreSQL connection string names no database.");
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
        {
            // Another node created it a moment ago.
        }
    }

    /// <summary>The PostgreSQL advisory lock held while migrating: "OPPDRIFT" in ASCII.</summary>
    public const long MigrationLockKey = 0x4F50504452494654;
}

/// <summary>The database was migrated by a newer version of Oppdrift; this one refuses to use it.</summary>
public sealed class DatabaseTooNewException(string database, IReadOnlyList<string> unknownMigrations)
    : InvalidOperationException(Shared.SharedText.Get("DatabaseTooNew", database, string.Join(", ", unknownMigrations)))
{
    public IReadOnlyList<string> UnknownMigrations { get; } = unknownMigrations;
}
