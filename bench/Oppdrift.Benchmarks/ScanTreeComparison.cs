// The file share scanner against its peers on one tree, one tool after the other in the same run, page cache warm:
// the metadata walk (oppdrift scan --no-duplicates) against `find TREE -printf '%s %T@\n'`, and the whole scan with
// duplicates and report against `jdupes -r -q` and `rmlint -T df`. Prints each run, the medians, the ratios and the
// peak resident memory (from /usr/bin/time), and the load average before and after.
//
//   dotnet build -c Release src/Oppdrift.Cli
//   dotnet run -c Release --project bench/Oppdrift.Benchmarks -- scan-tree TREE [--runs 3] [--rmlint-runs 1] [--cli PATH]
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Oppdrift.Benchmarks;

public static partial class ScanTreeComparison
{
    private sealed record Timing(double Seconds, long PeakKb, double? PhaseSeconds);

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("scan-tree TREE [--runs N] [--rmlint-runs N] [--cli PATH]");
            return 2;
        }
        var tree = Path.GetFullPath(args[0]);
        var runs = Option(args, "--runs", 3);
        var rmlintRuns = Option(args, "--rmlint-runs", 1);
        var cli = OptionText(args, "--cli") ?? Path.Combine(TimingTools.RepositoryRoot(), "src", "Oppdrift.Cli", "bin", "Release", "net10.0", "oppdrift");
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"The CLI is not built: {cli} (dotnet build -c Release src/Oppdrift.Cli)");
            return 2;
        }
        var work = Path.Combine(Path.GetTempPath(), $"oppdrift-scan-tree-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            Console.WriteLine($"Tree {tree}, {runs} rounds ({rmlintRuns} for rmlint), {Environment.ProcessorCount} cores, load average {TimingTools.LoadAverage()}");
            Time(work, "find", ["find", tree, "-printf", "%s %T@\\n"], null);
            var results = new Dictionary<string, List<Timing>>();
            void Add(string name, Timing run)
            {
                (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-28} {run.Seconds,7:F2} s{(run.PhaseSeconds is { } phase ? $" (phase {phase:F2} s)" : ""),-20} peak {run.PeakKb / 1024.0,6:F0} MB"));
            }
            for (var round = 1; round <= runs; round++)
            {
                Console.WriteLine($"Round {round}, load average {TimingTools.LoadAverage()}");
                Add("find -printf", Time(work, "find", ["find", tree, "-printf", "%s %T@\\n"], null));
                Add("oppdrift walk", Time(work, "walk", [cli, "scan", tree, "--inventory-dir", Inventories(work), "--no-duplicates", "--data", Path.Combine(work, "data")], WalkedPattern()));
                Add("jdupes -r -q", Time(work, "jdupes", ["jdupes", "-r", "-q", tree], null));
                Add("oppdrift scan (duplicates)", Time(work, "scan", [cli, "scan", tree, "--inventory-dir", Inventories(work), "--data", Path.Combine(work, "data")], ComparedPattern()));
                if (round <= rmlintRuns)
                {
                    Add("rmlint -T df", Time(work, "rmlint", ["rmlint", "-T", "df", "-o", "fdupes:" + Path.Combine(work, "rmlint.txt"), tree], null));
                }
            }
            Console.WriteLine($"Load average after: {TimingTools.LoadAverage()}");
            Console.WriteLine();
            Console.WriteLine("| tool | median s | runs (s) | peak MB |");
            Console.WriteLine("|---|---:|---|---:|");
            foreach (var (name, list) in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Median(list, r => r.Seconds):F2} | {string.Join(", ", list.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))} | {list.Max(r => r.PeakKb) / 1024.0:F0} |"));
            }
            Console.WriteLine();
            var find = Median(results["find -printf"], r => r.Seconds);
            var walk = results["oppdrift walk"];
            var scan = Median(results["oppdrift scan (duplicates)"], r => r.Seconds);
            var jdupes = Median(results["jdupes -r -q"], r => r.Seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"walk / find: {Median(walk, r => r.Seconds) / find:F2} whole command, {Median(walk, r => r.PhaseSeconds ?? double.NaN) / find:F2} walk phase (target <= 1.25)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan with duplicates / jdupes: {scan / jdupes:F2} (target < 1)"));
            if (results.TryGetValue("rmlint -T df", out var rmlint))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan with duplicates / rmlint: {scan / Median(rmlint, r => r.Seconds):F2} (target < 1)"));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [GeneratedRegex(@"^Walked .* in ([0-9.]+) s", RegexOptions.Multiline)]
    private static partial Regex WalkedPattern();

    [GeneratedRegex(@"^Walked .* in ([0-9.]+) s(?:.|\n)*^Compared .* in ([0-9.]+) s", RegexOptions.Multiline)]
    private static partial Regex ComparedPattern();

    private static string Inventories(string work)
    {
        var path = Path.Combine(work, "inventories");
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        return path;
    }

    /// <summary>Runs one command under /usr/bin/time, output discarded; the phase is the sum of the pattern's groups in its error output.</summary>
    private static Timing Time(string work, string name, string[] command, Regex? phase)
    {
        var timing = Path.Combine(work, name + ".time");
        var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-o", timing, "-f", "%e %M" }.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        output.GetAwaiter().GetResult();
        var errors = error.GetAwaiter().GetResult();
        var line = File.ReadAllLines(timing).Last(l => l.Length > 0).Split(' ');
        double? phaseSeconds = null;
        if (phase?.Match(errors) is { Success: true } match)
        {
            phaseSeconds = match.Groups.Values.Skip(1).Sum(g => double.Parse(g.Value, CultureInfo.InvariantCulture));
        }
        return new Timing(double.Parse(line[0], CultureInfo.InvariantCulture), long.Parse(line[1], CultureInfo.InvariantCulture), phaseSeconds);
    }

    private static double Median(List<Timing> runs, Func<Timing, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
