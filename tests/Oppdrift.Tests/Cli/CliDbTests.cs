using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;

namespace Oppdrift.Tests.Cli;

/// <summary>`oppdrift db`: migrating, refusing a newer database, backing up and restoring.</summary>
public sealed class CliDbTests : CliTests
{
    [Fact]
    public async Task Db_migrate_on_a_fresh_data_directory_creates_the_database()
    {
        var first = await RunAsync("db", "migrate", "--data", Data);
        var second = await RunAsync("db", "migrate", "--data", Data);

        Assert.Equal(0, first.ExitCode);
        Assert.True(File.Exists(Path.Combine(Data, "oppdrift.db")), first.ToString());
        Assert.Contains($"SQLite ({Path.Combine(Data, "oppdrift.db")})", first.Output, StringComparison.Ordinal);
        Assert.Contains("Applied", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Already up to date.", second.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Db_migrate_refuses_a_database_a_newer_version_migrated_and_names_the_migration(DatabaseKind kind)
    {
        var arguments = DatabaseArguments(kind);
        Assert.Equal(0, (await RunAsync(["db", "migrate", .. arguments])).ExitCode);
        await using (var db = CreateDb(kind))
        {
            await Oppdrift.Tests.Data.UpgradeTests.AddFutureMigrationAsync(db);
        }

        var migrate = await RunAsync(["db", "migrate", "--language", "en", .. arguments]);
        var reset = await RunAsync(["account", "reset-password", "admin", "--language", "en", .. arguments]);

        Assert.Equal(2, migrate.ExitCode);
        Assert.Contains(Oppdrift.Tests.Data.UpgradeTests.FutureMigration, migrate.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be downgraded", migrate.Error, StringComparison.Ordinal);
        Assert.Equal(2, reset.ExitCode);
        Assert.Contains(Oppdrift.Tests.Data.UpgradeTests.FutureMigration, reset.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_backup_while_a_writer_is_active_restores_the_same_data()
    {
        Assert.Equal(0, (await RunAsync("org", "import", TestFile("entra-users.csv"), "--data", Data)).ExitCode);
        List<string> people;
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            people = await db.People.OrderBy(p => p.Id).Select(p => p.UserPrincipalName).ToListAsync(TestContext.Current.CancellationToken);
        }
        var backup = Path.Combine(Folder, "backup.db");
        using var stop = new CancellationTokenSource();
        var written = 0;
        var started = new TaskCompletionSource();
        // Each transaction writes a pair of audit entries: a consistent copy holds whole pairs only.
        var writer = Task.Run(async () =>
        {
            await using var db = CreateDb(DatabaseKind.Sqlite);
            while (!stop.IsCancellationRequested)
            {
                var pair = written + 1;
                AuditLog.Record(db, TimeProvider.System, "writer", "test.write", $"{pair}:a");
                AuditLog.Record(db, TimeProvider.System, "writer", "test.write", $"{pair}:b");
                await db.SaveChangesAsync(CancellationToken.None);
                written = pair;
                if (pair == 20)
                {
                    started.SetResult();
                }
            }
        }, TestContext.Current.CancellationToken);
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        var run = await RunAsync("db", "backup", backup, "--data", Data, "--language", "en");
        var writtenDuringBackup = written;
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await writer;

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Backup written", run.Output, StringComparison.Ordinal);
        Assert.Contains("The keys are not in the backup", run.Error, StringComparison.Ordinal);
        Assert.True(written > writtenDuringBackup, "The writer went on after the backup.");

        var restore = await RunAsync("db", "restore", backup, "--data", Data, "--language", "en");

        Assert.Equal(0, restore.ExitCode);
        Assert.Contains("Restored", restore.Output, StringComparison.Ordinal);
        await using (var db = CreateDb(DatabaseKind.Sqlite))
        {
            Assert.Equal(people, await db.People.OrderBy(p => p.Id).Select(p => p.UserPrincipalName).ToListAsync(TestContext.Current.CancellationToken));
            var targets = await db.AuditEntries.Where(a => a.Action == "test.write").Select(a => a.Target!).ToListAsync(TestContext.Current.CancellationToken);
            var pairs = targets.GroupBy(t => t.Split(':')[0]).ToList();
            Assert.True(pairs.Count >= 20, $"{pairs.Count} pairs");
            Assert.True(pairs.Count < written, $"{pairs.Count} of {written} pairs: the copy is the database at one moment");
            Assert.All(pairs, p => Assert.Equal(2, p.Count()));
        }
        // The replaced database is kept beside it, with everything the writer wrote.
        var kept = Assert.Single(Directory.GetFiles(Data, "oppdrift.db.replaced-*"));
        Assert.Contains(kept, restore.Error, StringComparison.Ordinal);
        await using (var db = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={kept};Pooling=false"))))
        {
            Assert.Equal(written * 2, await db.AuditEntries.CountAsync(a => a.Action == "test.write", TestContext.Current.CancellationToken));
        }
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("text")]
    [InlineData("other-sqlite")]
    [InlineData("newer")]
    [InlineData("in-use")]
    public async Task Db_restore_of_bad_input_says_why_and_changes_nothing(string what)
    {
        Assert.Equal(0, (await RunAsync("org", "import", TestFile("entra-users.csv"), "--data", Data)).ExitCode);
        var file = Path.Combine(Folder, "offered.db");
        DataDirectoryLock? app = null;
        switch (what)
        {
            case "text":
                await File.WriteAllTextAsync(file, "Not a database, just words in a file that is long enough to have a header.\n", TestContext.Current.CancellationToken);
                break;
            case "other-sqlite":
                await using (var other = new SqliteConnection($"Data Source={file};Pooling=false"))
                {
                    await other.OpenAsync(TestContext.Current.CancellationToken);
                    await using var command = other.CreateCommand();
                    command.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)";
                    await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
                }
                break;
            case "newer":
            case "in-use":
                Assert.Equal(0, (await RunAsync("db", "backup", file, "--data", Data)).ExitCode);
                if (what == "newer")
                {
                    await using var newer = new OppdriftDb(DataServices.Options(new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={file};Pooling=false")));
                    await Oppdrift.Tests.Data.UpgradeTests.AddFutureMigrationAsync(newer);
                }
                else
                {
                    app = DataDirectoryLock.HoldShared(Data);
                }
                break;
        }
        SqliteConnection.ClearAllPools();
        var database = Path.Combine(Data, "oppdrift.db");
        var before = await File.ReadAllBytesAsync(database, TestContext.Current.CancellationToken);

        var run = await RunAsync("db", "restore", file, "--data", Data, "--language", "en");
        app?.Dispose();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(what switch
        {
            "missing" => "no such file",
            "text" => "is not an SQLite database",
            "other-sqlite" => "not an Oppdrift database",
            "newer" => Oppdrift.Tests.Data.UpgradeTests.FutureMigration,
            _ => "Oppdrift is running on the data folder",
        }, run.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(database, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFiles(Data, "oppdrift.db.replaced-*"));
    }

    [Fact]
    public async Task Db_backup_copies_the_keys_to_a_separate_file_only_when_asked()
    {
        Assert.Equal(0, (await RunAsync("db", "migrate", "--data", Data)).ExitCode);
        var pseudonymKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(Path.Combine(Data, "pseudonym.key"), pseudonymKey, TestContext.Current.CancellationToken);
        var keys = Path.Combine(Folder, "keys.zip");

        var run = await RunAsync("db", "backup", Path.Combine(Folder, "backup.db"), "--keys", keys, "--data", Data, "--language", "en");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("pseudonym.key", run.Output, StringComparison.Ordinal);
        using var zip = System.IO.Compression.ZipFile.OpenRead(keys);
        await using var entry = zip.GetEntry("pseudonym.key")!.Open();
        using var read = new MemoryStream();
        await entry.CopyToAsync(read, TestContext.Current.CancellationToken);
        Assert.Equal(pseudonymKey, read.ToArray());
        Assert.Null(zip.GetEntry("keyring.key"));
        Assert.Contains("keyring.key does not exist", run.Error, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        }
        // The database backup itself holds no key.
        var backupBytes = await File.ReadAllBytesAsync(Path.Combine(Folder, "backup.db"), TestContext.Current.CancellationToken);
        Assert.Equal(-1, backupBytes.AsSpan().IndexOf(pseudonymKey));
    }

    [Theory]
    [InlineData("backup", "pg_dump --format=custom")]
    [InlineData("restore", "pg_restore --clean")]
    public async Task Db_backup_and_restore_on_postgres_point_to_pg_dump(string verb, string expected)
    {
        var arguments = DatabaseArguments(DatabaseKind.Postgres);
        var file = Path.Combine(Folder, "x.dump");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

        var run = await RunAsync(["db", verb, file, "--language", "en", .. arguments]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", run.Error, StringComparison.OrdinalIgnoreCase);
    }
}
