// What the timing commands share: the machine's load beside each figure, percentiles of sorted timings, and a statement
// run on the PostgreSQL server itself (to create and drop a bench's own database).
using Npgsql;

namespace Oppdrift.Benchmarks;

internal static class TimingTools
{
    /// <summary>The 1, 5 and 15 minute load averages, or "?" where /proc/loadavg does not exist.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>The value at fraction <paramref name="p"/> of <paramref name="sorted"/> (nearest rank).</summary>
    /// <summary>The checkout the benchmark was built in (the folder holding Oppdrift.slnx), or the working directory.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Oppdrift.slnx")))
            {
                return directory.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }

    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>Runs one statement on <paramref name="server"/> outside any pool, so a dropped database has no connection left.</summary>
    public static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
