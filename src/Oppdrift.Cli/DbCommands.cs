using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Oppdrift.Access.KeyRing;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Cli;

/// <summary>`oppdrift db`: the database itself: its schema, backups and restores.</summary>
internal static class DbCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate",
            "Creates the database or brings its schema up to date by applying the pending migrations. "
            + "Safe to run again; the other commands do it themselves before they write. A database a newer version "
            + "of Oppdrift has migrated is refused (exit 2): downgrades are not possible.");
        migrate.SetCliAction(MigrateAsync);

        var backupFile = new Argument<string>("FILE") { Description = "The new backup file (never overwritten)" };
        var keys = new Option<string>("--keys")
        {
            Description = "Also copy the keys that are not in the database (the pseudonymisation key and the key-ring key files) "
                + "into this separate file, readable by you only. Keep it apart from the database backups",
            HelpName = "KEYFILE",
        };
        var backup = new Command("backup",
            "Copies the embedded SQLite database to FILE, consistently, while the app runs (SQLite's online backup). "
            + "For PostgreSQL it says how to use pg_dump. The keys are not in the copy; see --keys.")
        {
            backupFile,
            keys,
        };
        backup.SetCliAction((parseResult, cli, cancellationToken) =>
            BackupAsync(cli, parseResult.GetRequiredValue(backupFile), parseResult.GetValue(keys)));

        var restoreFile = new Argument<string>("FILE") { Description = "A backup made by oppdrift db backup" };
        var restore = new Command("restore",
            "Puts a backup of the embedded SQLite database back, after checking it is an Oppdrift database this version "
            + "can use. Refused while the app runs on the data folder. The replaced database is kept beside it. "
            + "For PostgreSQL it says how to use pg_restore.")
        {
            restoreFile,
        };
        restore.SetCliAction((parseResult, cli, cancellationToken) => RestoreAsync(cli, parseResult.GetRequiredValue(restoreFile)));

        return new Command("db", "The database: create it, update its schema, back it up and restore it") { migrate, backup, restore };
    }

    private static async Task<int> MigrateAsync(ParseResult parseResult, CliContext cli, CancellationToken cancellationToken)
    {
        cli.Out.WriteLine($"Database: {cli.Database.Describe()}");
        await using var db = cli.CreateDb();
        var pending = await DatabaseSchema.MigrateAsync(db, cli.Database.Describe(), cancellationToken);
        if (pending.Count == 0)
        {
            cli.Out.WriteLine("Already up to date.");
        }
        else
        {
            cli.Out.WriteLine($"Applied {pending.Count} migration(s):");
            foreach (var name in pending)
            {
                cli.Out.WriteLine($"  {name}");
            }
        }
        return ExitCodes.Success;
    }

    private static async Task<int> BackupAsync(CliContext cli, string file, string? keysFile)
    {
        if (cli.Database.Kind == DatabaseKind.Postgres)
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbBackupPostgres", PostgresArguments(cli.Database)));
            return ExitCodes.BadInput;
        }
        var source = SqliteBackup.PathOf(cli.Database);
        var destination = Path.GetFullPath(file);
        if (!File.Exists(source))
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbNoDatabase", source));
            return ExitCodes.BadInput;
        }
        foreach (var path in keysFile is null ? [destination] : new[] { destination, Path.GetFullPath(keysFile) })
        {
            if (File.Exists(path) || Directory.Exists(path))
            {
                await cli.Error.WriteLineAsync(SharedText.Get("DbFileExists", path));
                return ExitCodes.BadInput;
            }
        }
        await cli.Error.WriteLineAsync($"Database: {cli.Database.Describe()}");
        SqliteBackup.Copy(source, destination);
        var copy = SqliteBackup.Inspect(destination);
        await cli.Out.WriteLineAsync(SharedText.Get("DbBackupWritten", destination, new FileInfo(destination).Length, copy.Migrations.Count));

        var found = Keys(cli);
        if (keysFile is null)
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbKeysNotIncluded", string.Join("; ", found.Select(k => k.Description))));
            return ExitCodes.Success;
        }
        var written = WriteKeys(Path.GetFullPath(keysFile), found);
        await cli.Out.WriteLineAsync(SharedText.Get("DbKeysWritten", Path.GetFullPath(keysFile), string.Join(", ", written)));
        foreach (var key in found.Where(k => k.File is null))
        {
            await cli.Error.WriteLineAsync(key.Description);
        }
        return ExitCodes.Success;
    }

    private static async Task<int> RestoreAsync(CliContext cli, string file)
    {
        if (cli.Database.Kind == DatabaseKind.Postgres)
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbRestorePostgres", PostgresArguments(cli.Database)));
            return ExitCodes.BadInput;
        }
        var backup = Path.GetFullPath(file);
        var target = SqliteBackup.PathOf(cli.Database);
        if (!File.Exists(backup))
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbRestoreNoFile", backup));
            return ExitCodes.BadInput;
        }
        if (string.Equals(backup, target, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbRestoreSameFile", backup));
            return ExitCodes.BadInput;
        }
        var inspection = SqliteBackup.Inspect(backup);
        var refusal = inspection.State switch
        {
            BackupState.NotADatabase => SharedText.Get("DbRestoreNotADatabase", backup),
            BackupState.NotOppdrift => SharedText.Get("DbRestoreNotOppdrift", backup),
            BackupState.Damaged => SharedText.Get("DbRestoreDamaged", backup),
            BackupState.TooNew => SharedText.Get("DbRestoreTooNew", backup, string.Join(", ", inspection.UnknownMigrations)),
            _ => null,
        };
        if (refusal is not null)
        {
            await cli.Error.WriteLineAsync(refusal);
            return ExitCodes.BadInput;
        }

        var dataDirectory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(dataDirectory);
        // The app's data folder holds the lock; a database configured outside it is still guarded by that folder's lock.
        using var exclusive = DataDirectoryLock.TryHoldExclusive(cli.DataDirectory);
        if (exclusive is null)
        {
            await cli.Error.WriteLineAsync(SharedText.Get("DbRestoreInUse", cli.DataDirectory, DataDirectoryLock.FileName));
            return ExitCodes.BadInput;
        }
        await cli.Error.WriteLineAsync($"Database: {cli.Database.Describe()}");
        if (File.Exists(target))
        {
            var kept = $"{target}.replaced-{TimeProvider.System.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
            SqliteBackup.Copy(target, kept);
            await cli.Error.WriteLineAsync(SharedText.Get("DbReplacedKept", kept));
        }
        SqliteBackup.Overwrite(backup, target);
        await cli.Out.WriteLineAsync(SharedText.Get("DbRestored", backup, target, inspection.Migrations.Count));
        await using (var db = cli.CreateDb())
        {
            if ((await db.Database.GetPendingMigrationsAsync()).Any())
            {
                await cli.Error.WriteLineAsync(SharedText.Get("DbRestoreMigrate"));
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>pg_dump's and pg_restore's connection options for the configured database, without its password.</summary>
    private static string PostgresArguments(DatabaseProvider database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var arguments = new StringBuilder();
        arguments.Append(CultureInfo.InvariantCulture, $"--host={builder.Host} --port={builder.Port}");
        if (!string.IsNullOrEmpty(builder.Username))
        {
            arguments.Append(CultureInfo.InvariantCulture, $" --username={builder.Username}");
        }
        arguments.Append(CultureInfo.InvariantCulture, $" --dbname={builder.Database}");
        return arguments.ToString();
    }

    private sealed record KeySource(string Name, string? File, string Description);

    /// <summary>The keys outside the database: where each one is, as the web app would find it with this configuration.</summary>
    private static List<KeySource> Keys(CliContext cli)
    {
        var configuration = cli.Configuration;
        var result = new List<KeySource>();
        var privacy = PrivacyServices.PseudonymiserOptionsFrom(configuration);
        result.Add(Key(PrivacyServices.KeyFileName, string.IsNullOrEmpty(privacy.Key) ? privacy.KeyFile : null, "Privacy:PseudonymKey"));
        var protection = configuration.GetSection("DataProtection");
        var configured = protection["CertificatePath"] is { Length: > 0 } ? "DataProtection:CertificatePath"
            : protection["Key"] is { Length: > 0 } ? "DataProtection:Key" : null;
        result.Add(configured is null
            ? Key(KeyRingServices.KeyFileName, protection["KeyFile"] ?? Path.Combine(cli.DataDirectory, KeyRingServices.KeyFileName), "DataProtection:Key")
            : Key(KeyRingServices.KeyFileName, null, configured));
        return result;

        static KeySource Key(string name, string? file, string setting) =>
            file is null ? new KeySource(name, null, SharedText.Get("DbKeyInConfiguration", setting))
            : File.Exists(file) ? new KeySource(name, Path.GetFullPath(file), SharedText.Get("DbKeyFile", name, Path.GetFullPath(file)))
            : new KeySource(name, null, SharedText.Get("DbKeyMissing", name, Path.GetFullPath(file)));
    }

    /// <summary>A zip file readable by its owner only, with each key file and a note of where it came from.</summary>
    private static List<string> WriteKeys(string path, List<KeySource> keys)
    {
        var written = new List<string>();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        var note = new StringBuilder("Oppdrift keys, copied by oppdrift db backup. Put each file back where it was, readable by the service's user only:\n");
        foreach (var key in keys)
        {
            if (key.File is { } file)
            {
                zip.CreateEntryFromFile(file, key.Name);
                written.Add(key.Name);
            }
            note.Append(CultureInfo.InvariantCulture, $"{key.Name}: {key.Description}\n");
        }
        using (var writer = new StreamWriter(zip.CreateEntry("README.txt").Open(), Encoding.UTF8))
        {
            writer.Write(note.ToString());
        }
        return written;
    }
}
