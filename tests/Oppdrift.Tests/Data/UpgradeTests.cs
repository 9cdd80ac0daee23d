using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Web;

namespace Oppdrift.Tests.Data;

/// <summary>An older version meets a database a newer one migrated: it refuses, names what it does not know, and changes nothing.</summary>
public sealed class UpgradeTests
{
    public const string FutureMigration = "29991231235959_FromANewerVersion";

    /// <summary>Marks the database as migrated by a newer version, as its history table would show it.</summary>
    internal static async Task AddFutureMigrationAsync(OppdriftDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1})", FutureMigration, "99.0.0");
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_web_app_refuses_a_database_a_newer_version_migrated(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var db = database.CreateContext())
        {
            await AddFutureMigrationAsync(db);
        }
        List<string> before;
        await using (var db = database.CreateContext())
        {
            before = [.. await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken)];
        }

        var refusal = await Assert.ThrowsAsync<DatabaseTooNewException>(() => OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={database.Provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={database.Folder}",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
        ]));

        Assert.Equal([FutureMigration], refusal.UnknownMigrations);
        Assert.Contains(FutureMigration, refusal.Message, StringComparison.Ordinal);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(before, await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
            // No account was created on it either: the app stopped before its first-start work.
            Assert.False(await db.Accounts.AnyAsync(TestContext.Current.CancellationToken));
        }
        // It let go of the data folder: a restore could run now.
        using var exclusive = DataDirectoryLock.TryHoldExclusive(database.Folder);
        Assert.NotNull(exclusive);
    }

    [Fact]
    public async Task A_running_app_holds_the_data_folder_so_a_restore_is_refused()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, demoPeople: 100);

        Assert.Null(DataDirectoryLock.TryHoldExclusive(app.Database.Folder));
        // A second node on the same folder starts beside it.
        var (second, _) = await app.StartSecondNodeAsync();
        await second.StopAsync(TestContext.Current.CancellationToken);
        await second.DisposeAsync();
        Assert.Null(DataDirectoryLock.TryHoldExclusive(app.Database.Folder));
    }

    [Fact]
    public async Task The_web_app_does_not_start_while_a_restore_holds_the_data_folder()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var restore = DataDirectoryLock.TryHoldExclusive(database.Folder);
        Assert.NotNull(restore);

        await Assert.ThrowsAsync<DataDirectoryBusyException>(() => OppdriftWebApp.BuildAsync(
        [
            $"--OPPDRIFT_DATABASE={database.Provider.ConnectionString}",
            $"--Oppdrift:DataDirectory={database.Folder}",
            "--environment=Production",
            "--Logging:LogLevel:Default=Warning",
        ]));
    }
}
