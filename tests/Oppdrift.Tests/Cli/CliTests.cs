using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Cli;

/// <summary>
/// Runs the built `oppdrift` tool as a process, as an operator or a scheduled job would, each test in
/// its own temporary data directory, and checks exit codes, output and what lands in the database. One class per group of
/// verbs, so that the groups run beside each other rather than one after the other.
/// </summary>
public abstract class CliTests : IAsyncDisposable
{
    private readonly List<string> _postgresDatabases = [];

    protected CliTests() => Directory.CreateDirectory(Folder);

    /// <summary>The test's own temporary folder; its data directory is <see cref="Data"/>.</summary>
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), $"oppdrift-cli-{Guid.NewGuid():N}");

    protected string Data => Path.Combine(Folder, "data");

    /// <summary>Whether SIGINT (signal 2) is in this process's ignored set, which children inherit.</summary>
    protected static bool IgnoresSigint()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) != 0;
    }

    protected static string TestFile(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "organisation", name);

    protected static string ErrorLine(string error) =>
        error.Split('\n').Single(line => line.Contains("bad-duplicate-upn.csv:4", StringComparison.Ordinal));

    /// <summary>A row of the counts table: the label, then the number in the next cell.</summary>
    protected static Regex CountRow(string label, string number) => new($@"{label}\s*│\s*{number}\s*│");

    protected static int Count(string label, string output) =>
        int.Parse(CountRow(label, "([0-9]+)").Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    protected string[] DatabaseArguments(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            return ["--data", Data];
        }
        var name = $"oppdrift_cli_{Guid.NewGuid():N}";
        _postgresDatabases.Add(name);
        return ["--data", Data, "--database", new NpgsqlConnectionStringBuilder(PostgresServer()) { Database = name }.ConnectionString];
    }

    protected OppdriftDb CreateDb(DatabaseKind kind)
    {
        var provider = kind == DatabaseKind.Sqlite
            ? new DatabaseProvider(DatabaseKind.Sqlite, $"Data Source={Path.Combine(Data, "oppdrift.db")}")
            : new DatabaseProvider(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(PostgresServer()) { Database = _postgresDatabases.Single() }.ConnectionString);
        return new OppdriftDb(DataServices.Options(provider));
    }

    /// <summary>Tests on PostgreSQL fail, never skip, when there is no server (scripts/test.sh starts one).</summary>
    protected static string PostgresServer() => TestDatabase.PostgresServer();

    protected ProcessStartInfo StartInfo(string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        start.ArgumentList.Add(CliAssembly.Value);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Only the arguments choose the database, whatever the machine running the tests has set.
        start.Environment.Remove("OPPDRIFT_DATABASE");
        start.Environment.Remove("ConnectionStrings__Oppdrift");
        start.Environment.Remove("Oppdrift__DataDirectory");
        return start;
    }

    protected async Task<CliRun> RunAsync(params string[] arguments)
    {
        var start = StartInfo(arguments);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the CLI.");
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliRun(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The CLI built beside this test assembly's configuration (the test project references it without
    /// using its types, so building the tests builds it).
    /// </summary>
    private static readonly Lazy<string> CliAssembly = new(() =>
    {
        var configuration = typeof(CliTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(TestFiles.RepositoryRoot(), "src", "Oppdrift.Cli", "bin", configuration, "net10.0", "Oppdrift.Cli.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The CLI is not built: {path}");
    });

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is the operating system's to clean.
        }
        if (_postgresDatabases.Count > 0)
        {
            NpgsqlConnection.ClearAllPools();
            var server = new NpgsqlConnectionStringBuilder(PostgresServer()) { Pooling = false };
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            foreach (var name in _postgresDatabases)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                await command.ExecuteNonQueryAsync();
            }
        }
        GC.SuppressFinalize(this);
    }

    protected sealed record CliRun(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }
}
