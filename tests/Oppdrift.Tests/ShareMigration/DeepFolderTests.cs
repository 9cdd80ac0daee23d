using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.ShareMigration;

namespace Oppdrift.Tests.ShareMigration;

/// <summary>Folders past PATH_MAX: found, read and hashed, at a cost that grows with the number of folders, not its square.</summary>
public sealed class DeepFolderTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    // 600 levels of 20-character names (12,600 bytes, three times PATH_MAX). At level 300 a side folder with 300
    // subfolders of one file each, more than DeepFolders holds open at once, so an ancestor let go is opened again.
    private const int Depth = 600;
    private const int Wide = 300;
    private static readonly string Level = new('n', 20);

    private static string Chain(ShareFixture share) => ShareFixture.Shell(
        $"cd {ShareFixture.Quote(share.Root)} && for i in $(seq {Depth}); do mkdir {Level} && cd {Level}; "
        + $"if [ $i -eq 300 ]; then mkdir side && for j in $(seq {Wide}); do mkdir side/$j && printf \"side $j\" > side/$j/fil.txt; done; fi; done; "
        + "printf 'samme innhold' > bunn-a.txt && printf 'samme innhold' > bunn-b.txt && echo ok");

    [Fact]
    public async Task A_chain_three_times_PATH_MAX_deep_with_a_wide_branch_is_read_whole_and_its_bottom_files_hashed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        Assert.Equal("ok", Chain(share).Trim());

        var outcome = await new TreeScanner(new ScanOptions { Root = share.Root, InventoryPath = share.Inventory, Clock = Clock })
            .RunAsync(null, TestContext.Current.CancellationToken);
        DuplicateFinder.Run(share.Inventory, 2, null, TestContext.Current.CancellationToken);

        // The root, the chain, the side folder and its subfolders; a file in each subfolder and two at the bottom.
        Assert.Equal(1 + Depth + 1 + Wide, outcome.Folders);
        Assert.Equal(Wide + 2, outcome.Files);
        using var read = ScanInventory.OpenForReading(share.Inventory, share.Inventory, out var error);
        Assert.Null(error);
        var report = ScanReport.Read(read.Connection, new ReportOptions { Clock = Clock });
        Assert.DoesNotContain(report.Findings, f => f.Severity == FindingSeverity.ScanProblem);
        var bottom = string.Join('/', Enumerable.Repeat(Level, Depth));
        var pair = Assert.Single(report.Duplicates);
        Assert.Equal([bottom + "/bunn-a.txt", bottom + "/bunn-b.txt"], pair.Paths);
    }

    [Fact]
    public async Task Opening_every_folder_of_the_chain_in_turn_costs_at_most_two_opens_a_folder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        Assert.Equal("ok", Chain(share).Trim());
        await new TreeScanner(new ScanOptions { Root = share.Root, InventoryPath = share.Inventory, Clock = Clock })
            .RunAsync(null, TestContext.Current.CancellationToken);
        using var connection = new SqliteConnection($"Data Source={share.Inventory};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var tree = new InventoryTree(connection);

        // The chain's folders, from the top down, as the scanner reaches them.
        var chain = new List<int>();
        for (var id = 2; id <= tree.FolderCount; id++)
        {
            if (tree.Name(id).AsSpan().SequenceEqual(System.Text.Encoding.UTF8.GetBytes(Level)))
            {
                chain.Add(id);
            }
        }
        Assert.Equal(Depth, chain.Count);
        using var deep = new DeepFolders(tree.Root, tree.Parent, tree.Name);
        foreach (var id in chain)
        {
            var fd = deep.Open(id, out _);
            Assert.True(fd >= 0, $"folder {id}: errno {LinuxFiles.LastError}");
            LinuxFiles.Close(fd);
        }
        // From the root every time, as before, it would be Depth · (Depth + 1) / 2 = 180,300.
        Assert.InRange(deep.Opens, Depth, (2 * Depth) + 1);
    }

    [Fact]
    public async Task Findings_come_in_the_ordinal_order_of_their_paths_with_subfolders_between_their_siblings()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture();
        // ':' is not allowed in SharePoint, so each of these is a finding. Ordinally "k:" < "k: x" < "k:-y" < "k:/…" < "k:0".
        ShareFixture.Shell($"cd {ShareFixture.Quote(share.Root)} && mkdir -p 'sort/k:/inner:' && printf 1 > 'sort/k: x' && printf 2 > 'sort/k:-y' "
            + "&& printf 3 > 'sort/k:/inner:/f:.txt' && printf 4 > 'sort/k:0' && printf 5 > 'sort/k:/a:'");

        await new TreeScanner(new ScanOptions { Root = share.Root, InventoryPath = share.Inventory, Clock = Clock })
            .RunAsync(null, TestContext.Current.CancellationToken);
        using var read = ScanInventory.OpenForReading(share.Inventory, share.Inventory, out var error);
        Assert.Null(error);
        var report = ScanReport.Read(read.Connection, new ReportOptions { Clock = Clock });

        var listed = report.Findings.Select(f => (f.Path, f.Kind)).ToList();
        var sorted = listed.Order(Comparer<(string Path, FindingKind Kind)>.Create((a, b) =>
            string.CompareOrdinal(a.Path, b.Path) is var c && c != 0 ? c : a.Kind.CompareTo(b.Kind))).ToList();
        Assert.Equal(sorted, listed);
        Assert.Equal(["sort/k:", "sort/k: x", "sort/k:-y", "sort/k:/a:", "sort/k:/inner:", "sort/k:/inner:/f:.txt", "sort/k:0"],
            listed.Select(f => f.Path).Where(p => p.StartsWith("sort/", StringComparison.Ordinal)).Distinct());
    }
}
