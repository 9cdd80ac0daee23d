// A CPU quota for one process, from a Linux control group of its own: a web node given half a core stands for a node on
// a machine of half a core, so that one 2-core machine can show what adding nodes on their own machines adds. Works with
// cgroup v2 (cpu.max) and v1 (cpu.cfs_quota_us), as root or wherever the hierarchy is writable.
using System.Globalization;

namespace Oppdrift.Benchmarks;

internal sealed class CpuQuota : IDisposable
{
    // A short period: a node that spends its share early in a period waits at most the rest of it, not 100 ms.
    private const int PeriodMicroseconds = 20_000;
    private const string Root = "/sys/fs/cgroup";

    private CpuQuota(string folder) => Folder = folder;

    /// <summary>The group's folder: a process joins it by writing its id to <c>cgroup.procs</c> there.</summary>
    public string Folder { get; }

    /// <summary>Where a process writes its id to join the group.</summary>
    public string Procs => Path.Combine(Folder, "cgroup.procs");

    /// <summary>Makes a group named <paramref name="name"/> whose processes together get at most <paramref name="cpus"/> cores.</summary>
    public static CpuQuota Create(string name, double cpus)
    {
        if (cpus is <= 0 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(cpus), cpus, "a quota between 0 and 64 cores");
        }
        var quota = ((long)Math.Round(cpus * PeriodMicroseconds)).ToString(CultureInfo.InvariantCulture);
        var period = PeriodMicroseconds.ToString(CultureInfo.InvariantCulture);
        try
        {
            var controllers = Path.Combine(Root, "cgroup.controllers");
            if (File.Exists(controllers))
            {
                if (!File.ReadAllText(controllers).Split(' ', '\n').Contains("cpu"))
                {
                    throw new InvalidOperationException($"{controllers} has no cpu controller");
                }
                var subtree = Path.Combine(Root, "cgroup.subtree_control");
                if (!File.ReadAllText(subtree).Split(' ', '\n').Contains("cpu"))
                {
                    File.WriteAllText(subtree, "+cpu");
                }
                var folder = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
                File.WriteAllText(Path.Combine(folder, "cpu.max"), $"{quota} {period}");
                return new CpuQuota(folder);
            }
            var v1 = Path.Combine(Root, "cpu");
            if (!Directory.Exists(v1))
            {
                throw new InvalidOperationException($"neither {controllers} (cgroup v2) nor {v1} (cgroup v1) exists");
            }
            var group = Directory.CreateDirectory(Path.Combine(v1, name)).FullName;
            File.WriteAllText(Path.Combine(group, "cpu.cfs_period_us"), period);
            File.WriteAllText(Path.Combine(group, "cpu.cfs_quota_us"), quota);
            return new CpuQuota(group);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"A CPU quota needs a writable cgroup hierarchy under {Root} (run as root): {e.Message}", e);
        }
    }

    /// <summary>Removes the group; its processes must have exited.</summary>
    public void Dispose()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                Directory.Delete(Folder);
                return;
            }
            catch (IOException)
            {
                // A process that just exited may still be listed for a moment.
                Thread.Sleep(50);
            }
        }
    }
}
