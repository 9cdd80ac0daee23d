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
            if (pending.Count > 0)
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

    /// <summary>Creates the database the connection string names when it does not exist yet, as migrating would.</summary>
    private static async Task CreatePostgresDatabaseAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }
        try
        {
            await creator.CreateAsync(cancellationToken);
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
