using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.ShareMigration;

public sealed class ScannerTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static ScanOptions Options(ShareFixture share, string? inventory = null) => new()
    {
        Root = share.Root,
        InventoryPath = inventory ?? share.Inventory,
        Clock = Clock,
    };

    private static async Task<ScanReport> ScanAsync(ShareFixture share, string? inventory = null)
    {
        await new TreeScanner(Options(share, inventory)).RunAsync(null, TestContext.Current.CancellationToken);
        DuplicateFinder.Run(inventory ?? share.Inventory, 2, null, TestContext.Current.CancellationToken);
        return Report(inventory ?? share.Inventory);
    }

    private static ScanReport Report(string inventory)
    {
        using var read = ScanInventory.OpenForReading(inventory, inventory, out var error);
        Assert.Null(error);
        return ScanReport.Read(read.Connection, new ReportOptions { Clock = Clock });
    }

    [Fact]
    public async Task The_report_on_a_share_with_every_problem_is_exactly_right()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture();
        var report = await ScanAsync(share);

        var expected = share.Expected.Select(e => $"{e.Path} {e.Kind}").Order(StringComparer.Ordinal).ToList();
        var actual = report.Findings.Select(f => $"{f.Path} {f.Kind}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);

        Assert.Equal(
        [
            "18192: arkiv/rapport (1).docx | dup/kopi av rapport.docx | dup/rapport.docx",
            "16: prosjekt-2023 kopi/plan.txt | prosjekt-2023/plan.txt",
            "15: arkiv/liten kopi.txt | dup/liten.txt",
            "14: prosjekt-2023 kopi/vedlegg/budsjett.xlsx | prosjekt-2023/vedlegg/budsjett.xlsx",
        ], report.Duplicates.Select(d => $"{d.Size}: {string.Join(" | ", d.Paths)}"));
        Assert.Equal(["prosjekt-2023 | prosjekt-2023 kopi"], report.DuplicateFolders.Select(g => string.Join(" | ", g)));

        Assert.Equal(
        [
            "DuplicateFile dup/kopi av rapport.docx",
            "DuplicateFile dup/liten.txt",
            "DuplicateFile dup/rapport.docx",
            "DuplicateFile prosjekt-2023/plan.txt",
            "DuplicateFile prosjekt-2023/vedlegg/budsjett.xlsx",
            "DuplicateFolder prosjekt-2023 kopi",
            "Stale gammelt/referat-2015.docx",
            "EmptyFile names/tom.txt",
            "EmptyFolder tom mappe",
            "EmptyFolder tom nøstet",
            "Temporary names/~$budsjett.docx",
            "Temporary tmp/Thumbs.db",
            "Temporary tmp/~lagring.tmp",
            "LargeMedia film.mp4",
        ], report.Cleanup.Select(c => $"{c.Kind} {c.Path}"));
    }

    [Fact]
    public async Task Findings_in_a_few_places_of_a_wide_tree_come_in_the_order_of_their_paths()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // Most folders hold no finding (the report does not walk them); the ones that do sit between, below and beside
        // them, as folders, files and subfolders whose own names are findings, with names that sort around '/'.
        using var share = new ShareFixture(everything: false);
        for (var i = 0; i < 30; i++)
        {
            share.File($"a{i:D2}/b/c/ren.txt");
        }
        share.File("a07/b/c/d:1.txt");
        share.File("a07/b/c:/x.txt");
        share.File("a07/b/c-/y?.txt");
        share.File("a07/b/c0/z|.txt");
        share.File("a07/b/c/e/f/g*.txt");
        share.File("a12 /ren.txt");
        share.File("a12/b:/ren.txt");
        share.File("a12/b/c/ren<.txt");
        share.File("a29/b/c/tom.txt", "");
        share.File("z\"/ren.txt");
        await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        var paths = Report(share.Inventory).Findings.Select(f => f.Path).ToList();
        Assert.Equal(
            ["a07/b/c-/y?.txt", "a07/b/c/d:1.txt", "a07/b/c/e/f/g*.txt", "a07/b/c0/z|.txt", "a07/b/c:", "a12 ", "a12/b/c/ren<.txt", "a12/b:",
                "a29/b/c/tom.txt", "z\""],
            paths.Distinct());
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public async Task Names_in_nfc_and_nfd_and_emoji_survive_byte_for_byte()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture();
        await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        using var connection = new SqliteConnection($"Data Source={share.Inventory};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var tree = new InventoryTree(connection);
        var paths = new List<byte[]>();
        ScanInventory.ForEachEntry(connection, (dir, name, _, _, _) => paths.Add(tree.RelativePath(dir, name)));
        var utf8 = System.Text.Encoding.UTF8;
        Assert.Contains(paths, p => p.AsSpan().SequenceEqual(utf8.GetBytes("unicode/" + "blåbær.txt".Normalize(System.Text.NormalizationForm.FormC))));
        Assert.Contains(paths, p => p.AsSpan().SequenceEqual(utf8.GetBytes("unicode/" + "blåbær-nfd.txt".Normalize(System.Text.NormalizationForm.FormD))));
        Assert.Contains(paths, p => p.AsSpan().SequenceEqual(utf8.GetBytes("unicode/🙂 smil.txt")));
        Assert.Contains(paths, p => p.AsSpan().SequenceEqual(BadName()));
    }

    private static byte[] BadName() => [.. "unicode/bad"u8, 0xFF, 0xFE, .. "name.txt"u8];

    [Fact]
    public async Task A_scan_never_modifies_the_tree_nor_its_access_times()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture();
        const string Listing = "%P|%y|%s|%T@|%n|%m|%i\\n";
        var before = ShareFixture.Shell($"find {ShareFixture.Quote(share.Root)} -printf '{Listing}' | sort");
        // Old access times, so that under relatime any read that does not avoid them would move them to now.
        ShareFixture.Shell($"find {ShareFixture.Quote(share.Root)} -depth -execdir touch -h -a -d @1577836800 {{}} +");
        await Task.Delay(20, TestContext.Current.CancellationToken);
        var scanStarted = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

        await ScanAsync(share);

        // find prints a folder's times before it reads the folder, so its own reading does not show here.
        var after = ShareFixture.Shell($"find {ShareFixture.Quote(share.Root)} -printf '{Listing[..^2]}|%A@|%C@\\n' | sort");
        var afterLines = after.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(before.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            afterLines.Select(l => string.Join('|', l.Split('|')[..^2])).ToArray());
        foreach (var line in afterLines)
        {
            var parts = line.Split('|');
            Assert.True(double.Parse(parts[^2], CultureInfo.InvariantCulture) == 1577836800, $"access time changed: {line}");
            Assert.True(double.Parse(parts[^1], CultureInfo.InvariantCulture) < scanStarted, $"changed during the scan: {line}");
        }
    }

    [Fact]
    public async Task A_cancelled_scan_resumes_where_it_stopped_and_ends_with_the_same_inventory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        for (var i = 0; i < 300; i++)
        {
            share.File($"mappe{i % 30:D2}/under{i:D3}/fil{i}.txt", "innhold " + i);
        }
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(900));
            var slow = Options(share) with { MaxFoldersPerSecond = 150 };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new TreeScanner(slow).RunAsync(null, cancel.Token));
        }
        using (var partial = new SqliteConnection($"Data Source={share.Inventory};Pooling=false"))
        {
            partial.Open();
            using var count = partial.CreateCommand();
            count.CommandText = "SELECT count(*) FROM dirs WHERE state = 1";
            var done = (long)count.ExecuteScalar()!;
            Assert.InRange(done, 1, 330);
        }
        var outcome = await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        Assert.True(outcome.Resumed);

        var fresh = Path.Combine(share.Work, "fresh.scan.sqlite");
        await new TreeScanner(Options(share, fresh)).RunAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(Listing(fresh), Listing(share.Inventory));
        Assert.Equal(331, Listing(share.Inventory).Count(l => l.EndsWith('/')));
    }

    [Fact]
    public async Task A_killed_scanner_resumes_where_it_stopped()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        for (var i = 0; i < 200; i++)
        {
            share.File($"m{i % 20:D2}/u{i:D3}/f{i}.txt", "data " + i);
        }
        var inventories = Path.Combine(share.Work, "scans");
        using (var process = Process.Start(Cli(["scan", share.Root, "--inventory-dir", inventories, "--max-folders-per-second", "60", "--no-duplicates"]))!)
        {
            var inventory = Path.Combine(inventories, "tmp_" + Path.GetFileName(share.Work) + "_share.scan.sqlite");
            var waited = Stopwatch.StartNew();
            while (DoneFolders(inventory) < 5 && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.InRange(DoneFolders(inventory), 5, 220);
        }
        using (var again = Process.Start(Cli(["scan", share.Root, "--inventory-dir", inventories, "--no-duplicates"]))!)
        {
            var error = await again.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await again.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, again.ExitCode);
            Assert.Contains("(resumed)", error, StringComparison.Ordinal);
        }
        var fresh = Path.Combine(share.Work, "fresh.scan.sqlite");
        await new TreeScanner(Options(share, fresh)).RunAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(Listing(fresh), Listing(Directory.GetFiles(inventories, "*.scan.sqlite").Single()));
    }

    [Fact]
    public async Task A_rescan_reuses_unchanged_folders_and_sees_what_changed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        for (var i = 0; i < 40; i++)
        {
            share.File($"a{i % 4}/b{i}/f.txt", "same bytes");
        }
        var first = await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        DuplicateFinder.Run(share.Inventory, 2, null, TestContext.Current.CancellationToken);
        Assert.False(first.Incremental);

        share.File("a1/b1/new CON.txt", "new");
        share.File("a2/nytt?.txt", "new too");
        Directory.Delete(Path.Combine(share.Root, "a3", "b3"), recursive: true);
        var second = await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        var hashing = DuplicateFinder.Run(share.Inventory, 2, null, TestContext.Current.CancellationToken);

        Assert.True(second.Incremental);
        // Root, a0…a3 and the untouched b folders are reused; a1/b1, a2 and a3 were changed and read again.
        Assert.Equal(45 - 1 - 3, second.ReusedFolders);
        Assert.False(File.Exists(TreeScanner.PreviousPath(share.Inventory)));
        var fresh = Path.Combine(share.Work, "fresh.scan.sqlite");
        await new TreeScanner(Options(share, fresh)).RunAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(Listing(fresh), Listing(share.Inventory));
        // Known hashes are reused: nothing is read again.
        Assert.Equal(0, hashing.BytesRead);
        var report = Report(share.Inventory);
        Assert.Equal(["a2/nytt?.txt InvalidCharacter"], report.Findings.Select(f => $"{f.Path} {f.Kind}"));
        Assert.Equal(39, report.Duplicates.Single().Paths.Count);
    }

    [Fact]
    public async Task A_folder_with_more_than_5000_items_is_reported_with_a_proposal()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        var folder = share.Folder("stor");
        for (var i = 0; i <= 5000; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, $"f{i}.txt"), i.ToString(CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);
        }
        await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        var finding = Assert.Single(Report(share.Inventory).Findings);
        Assert.Equal(("stor", FindingKind.FolderViewThreshold, 5001L), (finding.Path, finding.Kind, finding.Detail));
        Assert.NotNull(finding.Proposal);
    }

    [Fact]
    public async Task A_folder_whose_listing_takes_several_reads_is_read_whole()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // 700 names of 200 bytes (and 20 folders) fill the 32 KiB listing buffer several times over.
        using var share = new ShareFixture(everything: false);
        var folder = share.Folder("lang");
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 700; i++)
        {
            var name = $"{i:D4}-" + new string('n', 195);
            expected.Add(name);
            await File.WriteAllTextAsync(Path.Combine(folder, name), "x", TestContext.Current.CancellationToken);
        }
        for (var i = 0; i < 20; i++)
        {
            Directory.CreateDirectory(Path.Combine(folder, $"sub{i:D2}"));
            await File.WriteAllTextAsync(Path.Combine(folder, $"sub{i:D2}", "inne.txt"), "y", TestContext.Current.CancellationToken);
        }
        var outcome = await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal((22L, 720L), (outcome.Folders, outcome.Files));
        var listed = new SortedSet<string>(StringComparer.Ordinal);
        using var read = ScanInventory.OpenForReading(share.Inventory, share.Inventory, out var error);
        Assert.Null(error);
        read.ForEachEntry((dir, name, kind, size, mtime) =>
        {
            if (dir == 2)
            {
                listed.Add(System.Text.Encoding.UTF8.GetString(name));
            }
        });
        Assert.Equal(expected, listed);
        Assert.Equal(20L, read.Scalar("SELECT count(*) FROM dirs WHERE parent = 2"));
    }

    [Fact]
    public async Task Permission_denied_is_reported_and_the_rest_of_the_tree_is_scanned()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        share.File("open/a.txt", "a");
        share.File("locked/secret.txt", "s");
        share.File("locked/inner/deeper.txt", "d");
        share.File("z/last.txt", "z");
        File.SetUnixFileMode(Path.Combine(share.Root, "locked"), UnixFileMode.None);
        // Root reads any folder whatever its mode, so as root the scanner runs as the unprivileged user nobody
        // (setpriv), which meets the permission bits as any service account would.
        var inventories = Path.Combine(share.Work, "scans");
        Directory.CreateDirectory(inventories);
        File.SetUnixFileMode(share.Work, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(inventories, (UnixFileMode)0b111_111_111);
        var start = Cli(["scan", share.Root, "--inventory-dir", inventories, "--report", Path.Combine(inventories, "report.csv")]);
        if (Environment.UserName == "root" || geteuid() == 0)
        {
            RunAsNobody(start, inventories);
        }
        start.WorkingDirectory = inventories;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, output + error);
        var csv = await File.ReadAllTextAsync(Path.Combine(inventories, "report.csv"), TestContext.Current.CancellationToken);
        Assert.Contains("\"finding\",\"locked\",\"PermissionDenied\",\"ScanProblem\"", csv, StringComparison.Ordinal);
        var report = Report(Directory.GetFiles(inventories, "*.scan.sqlite").Single());
        Assert.Equal(["locked PermissionDenied"], report.Findings.Select(f => $"{f.Path} {f.Kind}"));
        Assert.Equal(2, report.Files);
    }

    [System.Runtime.InteropServices.DllImport("libc")]
#pragma warning disable SYSLIB1054 // A single plain call in a test; no marshalling to generate.
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054

    [Fact]
    public async Task The_rename_plan_proposes_and_renames_nothing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        share.File("Kontrakter?/avtale:2024.docx", "a");
        share.File("Kontrakter?/CON.txt", "b");
        share.File("Kontrakter?/CON_.txt", "c");
        var before = ShareFixture.Shell($"find {ShareFixture.Quote(share.Root)} -printf '%P %s %T@\\n' | sort");
        var report = await ScanAsync(share);
        using var read = ScanInventory.OpenForReading(share.Inventory, share.Inventory, out _);
        var plan = ScanExports.RenamePlan(report, read.Connection).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(
        [
            "Kontrakter?/CON.txt\tKontrakter?/CON_ (2).txt",
            "Kontrakter?/avtale:2024.docx\tKontrakter?/avtale_2024.docx",
            "Kontrakter?\tKontrakter_",
        ], plan);
        Assert.Equal(before, ShareFixture.Shell($"find {ShareFixture.Quote(share.Root)} -printf '%P %s %T@\\n' | sort"));
    }

    [Fact]
    public async Task Names_with_line_breaks_and_tabs_are_blockers_shown_escaped_and_the_rename_plan_parses_back_to_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        // Linux allows every byte in a name but '/' and NUL.
        share.File("linje\nskift.txt", "1");
        share.File("tab\there.txt", "2");
        share.File("tab here.txt", "3");
        share.File("mappe\tmed tab/inni\rogså.txt", "4");
        share.File("slett\u007Fmeg.txt", "5");
        share.File("#notat\t.txt", "6");
        share.File("bak\\strek\n.txt", "7");
        var inventories = Path.Combine(share.Work, "scans");
        var plan = Path.Combine(share.Work, "plan.tsv");
        var csv = Path.Combine(share.Work, "report.csv");
        using (var process = Process.Start(Cli(["scan", share.Root, "--inventory-dir", inventories, "--no-hash", "--rename-plan", plan, "--report", csv]))!)
        {
            var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, output + error);
        }

        var report = Report(Directory.GetFiles(inventories, "*.scan.sqlite").Single());
        Assert.Equal(
        [
            "#notat\\x09.txt ControlCharacter",
            "bak\\strek\\x0A.txt InvalidCharacter",
            "bak\\strek\\x0A.txt ControlCharacter",
            "linje\\x0Askift.txt ControlCharacter",
            "mappe\\x09med tab ControlCharacter",
            "mappe\\x09med tab/inni\\x0Dogså.txt ControlCharacter",
            "slett\\x7Fmeg.txt ControlCharacter",
            "tab\\x09here.txt ControlCharacter",
        ], report.Findings.Select(f => $"{f.Path} {f.Kind}"));
        Assert.All(report.Findings, f => Assert.Equal(FindingSeverity.Blocker, f.Severity));
        Assert.Equal("linje skift.txt", report.Findings.Single(f => f.Path.StartsWith("linje", StringComparison.Ordinal)).Proposal);

        // The CSV: one line per finding, eight columns each; no name splits a line.
        var text = await File.ReadAllTextAsync(csv, TestContext.Current.CancellationToken);
        var lines = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + report.Findings.Count + report.Cleanup.Count, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains('\n', StringComparison.Ordinal) || l.Contains('\r', StringComparison.Ordinal));
        Assert.Contains("\"finding\",\"linje\\x0Askift.txt\",\"ControlCharacter\",\"Blocker\"", text, StringComparison.Ordinal);

        // The plan: one rename a line, two columns each, deepest first; numbered where a name is taken.
        var renames = (await File.ReadAllLinesAsync(plan, TestContext.Current.CancellationToken)).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(
        [
            "mappe\\tmed tab/inni\\rogså.txt\tmappe\\tmed tab/inni også.txt",
            "\\x23notat\\t.txt\t#notat .txt",
            "bak\\\\strek\\n.txt\tbak_strek .txt",
            "linje\\nskift.txt\tlinje skift.txt",
            "mappe\\tmed tab\tmappe med tab",
            "slett\\x7Fmeg.txt\tslett_meg.txt",
            "tab\\there.txt\ttab here (2).txt",
        ], renames);
        // bash reads the escapes back to the exact name.
        Assert.Equal("linje\nskift.txt", ShareFixture.Shell("printf '%b' " + ShareFixture.Quote("linje\\nskift.txt")));

        // Applied in order, the plan leaves every file where it said, under a name that breaks no rule.
        foreach (var line in renames)
        {
            var columns = line.Split('\t');
            Assert.Equal(2, columns.Length);
            var from = Path.Combine(share.Root, Unescape(columns[0]));
            var to = Path.Combine(share.Root, Unescape(columns[1]));
            if (Directory.Exists(from))
            {
                Directory.Move(from, to);
            }
            else
            {
                File.Move(from, to);
            }
        }
        var after = await ScanAsync(share, Path.Combine(share.Work, "after.scan.sqlite"));
        Assert.Empty(after.Findings);
        Assert.Equal(7, after.Files);
        Assert.Equal("4", await File.ReadAllTextAsync(Path.Combine(share.Root, "mappe med tab", "inni også.txt"), TestContext.Current.CancellationToken));
        Assert.Equal("2", await File.ReadAllTextAsync(Path.Combine(share.Root, "tab here (2).txt"), TestContext.Current.CancellationToken));
    }

    /// <summary>A path from the rename plan back to its text: \\ \t \n \r and \xNN (here always a whole UTF-8 character).</summary>
    private static string Unescape(string escaped)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(escaped[i].ToString()));
                continue;
            }
            var next = escaped[++i];
            switch (next)
            {
                case 'x':
                    bytes.Add(byte.Parse(escaped.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    bytes.Add(next switch { 't' => (byte)'\t', 'n' => (byte)'\n', 'r' => (byte)'\r', '\\' => (byte)'\\', _ => throw new FormatException(escaped) });
                    break;
            }
        }
        return System.Text.Encoding.UTF8.GetString([.. bytes]);
    }

    [Fact]
    public async Task The_duplicate_search_tells_before_it_opens_a_file_how_many_belong_to_users_whose_access_times_it_cannot_keep()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        TwinsAndAStranger(share);
        await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);
        var owner = FileOwner(Path.Combine(share.Root, "a", "kopi.bin"));

        // As root the kernel keeps every access time, so the plan for another user's rights is asked for directly;
        // the kernel's own refusal is tested below by running the scanner as that user.
        var plans = new List<DuplicateFinder.HashingPlan>();
        var outcome = DuplicateFinder.Run(share.Inventory, 1, null, TestContext.Current.CancellationToken, plans.Add, new AccessTimeRights(owner + 1, AnyFile: false));
        Assert.Equal([new DuplicateFinder.HashingPlan(3, 3, owner + 1)], plans);
        Assert.Equal(3, outcome.Candidates);

        plans.Clear();
        var again = Path.Combine(share.Work, "again.scan.sqlite");
        await new TreeScanner(Options(share, again)).RunAsync(null, TestContext.Current.CancellationToken);
        DuplicateFinder.Run(again, 1, null, TestContext.Current.CancellationToken, plans.Add, new AccessTimeRights(owner, AnyFile: false));
        Assert.Equal([new DuplicateFinder.HashingPlan(3, 0, owner)], plans);
    }

    [Fact]
    public async Task Scanning_another_users_files_warns_before_hashing_and_the_access_times_it_names_are_the_ones_that_change()
    {
        if (!OperatingSystem.IsLinux() || geteuid() != 0)
        {
            // Only root can make files another user scans; as that user every file would be its own.
            return;
        }
        using var share = new ShareFixture(everything: false);
        TwinsAndAStranger(share);
        var (inventories, start) = AsNobody(share, ["scan", share.Root, "--language", "en"]);
        var (output, error) = await RunAsync(start);

        Assert.Contains("Duplicate search: 3 of the 3 files it may read belong to users other than uid 65534.", error, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error, "Duplicate search:"));
        var report = Report(Directory.GetFiles(inventories, "*.scan.sqlite").Single());
        Assert.True(report.DuplicatesSearched);
        Assert.Equal(["a/kopi.bin", "b/kopi.bin"], report.Duplicates.Single().Paths);
        Assert.Equal(3, report.AccessTimesChanged);
        Assert.All(TwinFiles(share), f => Assert.NotEqual(OldAccessTime, AccessTime(f)));
        Assert.Contains("Access times", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scan_with_no_hash_leaves_every_files_access_time_alone_and_says_duplicates_were_not_looked_for()
    {
        if (!OperatingSystem.IsLinux() || geteuid() != 0)
        {
            // As its own files' owner the scanner keeps their access times anyway; the point is another user's files.
            return;
        }
        using var share = new ShareFixture(everything: false);
        TwinsAndAStranger(share);
        var (inventories, start) = AsNobody(share, ["scan", share.Root, "--no-hash", "--language", "en"]);
        var (output, error) = await RunAsync(start);

        Assert.All(TwinFiles(share), f => Assert.Equal(OldAccessTime, AccessTime(f)));
        Assert.DoesNotContain("Duplicate search:", error, StringComparison.Ordinal);
        // Folders must be listed to be scanned at all: the scan says their access times changed.
        Assert.Contains("folders belong to other users", error, StringComparison.Ordinal);
        Assert.Contains("Not looked for (--no-hash)", output, StringComparison.Ordinal);
        var report = Report(Directory.GetFiles(inventories, "*.scan.sqlite").Single());
        Assert.False(report.DuplicatesSearched);
        Assert.Empty(report.Duplicates);
        Assert.DoesNotContain(report.Cleanup, c => c.Kind == CleanupKind.DuplicateFile);
    }

    private const double OldAccessTime = 1577836800;

    /// <summary>Two equal files and one of the same size that differs, with access times in 2020 (older than their modification, so relatime would move them).</summary>
    private static void TwinsAndAStranger(ShareFixture share)
    {
        var twin = new string('t', 10_000);
        share.File("a/kopi.bin", twin);
        share.File("b/kopi.bin", twin);
        share.File("c/fremmed.bin", new string('f', 10_000));
        foreach (var file in TwinFiles(share))
        {
            ShareFixture.Shell($"touch -a -d @{OldAccessTime} {ShareFixture.Quote(file)}");
        }
    }

    private static string[] TwinFiles(ShareFixture share) =>
        [Path.Combine(share.Root, "a", "kopi.bin"), Path.Combine(share.Root, "b", "kopi.bin"), Path.Combine(share.Root, "c", "fremmed.bin")];

    private static double AccessTime(string file) => double.Parse(ShareFixture.Shell($"stat -c %X {ShareFixture.Quote(file)}"), CultureInfo.InvariantCulture);

    private static uint FileOwner(string file) => uint.Parse(ShareFixture.Shell($"stat -c %u {ShareFixture.Quote(file)}"), CultureInfo.InvariantCulture);

    /// <summary>The CLI as the unprivileged user nobody (setpriv), with an inventory folder it may write to.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static (string Inventories, ProcessStartInfo Start) AsNobody(ShareFixture share, string[] arguments)
    {
        var inventories = Path.Combine(share.Work, "scans");
        Directory.CreateDirectory(inventories);
        File.SetUnixFileMode(share.Work, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(inventories, (UnixFileMode)0b111_111_111);
        var start = Cli([.. arguments, "--inventory-dir", inventories]);
        RunAsNobody(start, inventories);
        start.WorkingDirectory = inventories;
        return (inventories, start);
    }

    /// <summary>Turns a CLI start into one as the unprivileged user nobody (setpriv), with its home in <paramref name="home"/>.</summary>
    private static void RunAsNobody(ProcessStartInfo start, string home)
    {
        start.ArgumentList[0] = NobodyCliAssembly.Value;
        start.ArgumentList.Insert(0, start.FileName);
        start.ArgumentList.Insert(0, "--");
        start.ArgumentList.Insert(0, "--clear-groups");
        start.ArgumentList.Insert(0, "--regid=65534");
        start.ArgumentList.Insert(0, "--reuid=65534");
        start.FileName = "setpriv";
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_HOME"] = home;
    }

    private static async Task<(string Output, string Error)> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await output + error);
        return (await output, error);
    }

    [Theory]
    [InlineData("not sqlite at all", "InventoryCorrupt")]
    [InlineData("", "InventoryNotAScan")]
    public void A_corrupt_or_foreign_inventory_is_refused_with_its_name(string content, string expectedKey)
    {
        var path = Path.Combine(Path.GetTempPath(), $"oppdrift-bad-{Guid.NewGuid():N}.sqlite");
        try
        {
            if (content.Length > 0)
            {
                File.WriteAllText(path, content + new string('x', 200));
            }
            else
            {
                using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES('format', 'something-else')";
                command.ExecuteNonQuery();
            }
            var inventory = ScanInventory.OpenForReading(path, "fil.sqlite", out var error);
            Assert.Null(inventory);
            Assert.NotNull(error);
            Assert.StartsWith("fil.sqlite: ", error, StringComparison.Ordinal);
            Assert.Contains(MigrationText.Get(expectedKey, "fil.sqlite", "", "")[..12], error, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void An_inventory_with_damaged_pages_is_refused_by_its_structure_check()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oppdrift-damaged-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var write = ScanInventory.OpenForWriting(path))
            {
                write.SetMeta("state", "complete");
                write.Execute("CREATE TABLE filler(n INTEGER PRIMARY KEY, text TEXT); "
                    + "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000) INSERT INTO filler SELECT n, printf('%0200d', n) FROM c;");
                write.Execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
            }
            SqliteConnection.ClearAllPools();
            using (var intact = ScanInventory.OpenForReading(path, "skadet.sqlite", out var before))
            {
                Assert.NotNull(intact);
                Assert.Null(before);
            }
            SqliteConnection.ClearAllPools();
            // Garbage over a page near the end, which holds the filler rows rather than the meta table the reader asks first.
            using (var file = File.OpenWrite(path))
            {
                var pageSize = 4096;
                file.Seek(file.Length - (3 * pageSize), SeekOrigin.Begin);
                var garbage = new byte[pageSize];
                new Random(7).NextBytes(garbage);
                file.Write(garbage);
            }

            var inventory = ScanInventory.OpenForReading(path, "skadet.sqlite", out var error);

            Assert.Null(inventory);
            Assert.NotNull(error);
            Assert.StartsWith("skadet.sqlite: ", error, StringComparison.Ordinal);
            Assert.Contains(MigrationText.Get("InventoryCorrupt", "skadet.sqlite", "", "")[..30], error, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void An_inventory_of_another_version_is_refused_with_both_versions()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oppdrift-v-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var write = ScanInventory.OpenForWriting(path))
            {
                write.SetMeta("version", "99");
                write.SetMeta("state", "complete");
            }
            Assert.Null(ScanInventory.OpenForReading(path, "gammel.sqlite", out var error));
            Assert.Equal(MigrationText.Get("InventoryWrongVersion", "gammel.sqlite", "99", ScanInventory.Version), error);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void A_folder_pack_gives_back_every_entry_byte_for_byte()
    {
        byte[][] names = [[.. "rapport.docx"u8], [.. "bad"u8, 0xFF, 0xFE], [.. Enumerable.Repeat((byte)'a', 255)], [.. "blåbær 🙂"u8]];
        var buffer = new byte[8];
        var length = 0;
        for (var i = 0; i < names.Length; i++)
        {
            length = EntryPack.Append(ref buffer, length, names[i], Metadata(i));
        }
        var reader = EntryPack.Read(buffer.AsSpan(0, length));
        var read = 0;
        while (reader.MoveNext())
        {
            Assert.Equal(read, reader.Index);
            Assert.Equal(names[read], reader.Name.ToArray());
            Assert.Equal(Metadata(read), reader.Metadata);
            read++;
        }
        Assert.Equal(names.Length, read);
        Assert.Throws<InvalidDataException>(() =>
        {
            var cut = EntryPack.Read(buffer.AsSpan(0, length - 1));
            while (cut.MoveNext())
            {
            }
        });

        static EntryMetadata Metadata(int i) => new()
        {
            Kind = (EntryKind)(i % 4),
            Size = long.MaxValue - i,
            ModifiedNs = -1_000_000_000L * i,
            ChangedNs = 1_700_000_000_000_000_000L + i,
            Device = ulong.MaxValue - (ulong)i,
            Inode = (ulong)i << 40,
            Links = uint.MaxValue - (uint)i,
            Owner = (uint)i,
        };
    }

    [Fact]
    public async Task An_inventory_of_the_earlier_format_is_set_aside_and_the_tree_scanned_afresh()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var share = new ShareFixture(everything: false);
        share.File("a/b.txt", "b");
        using (var old = ScanInventory.OpenForWriting(share.Inventory))
        {
            old.SetMeta("version", "1");
            old.SetMeta("root", share.Root);
            old.SetMeta("state", "complete");
        }
        SqliteConnection.ClearAllPools();

        var outcome = await new TreeScanner(Options(share)).RunAsync(null, TestContext.Current.CancellationToken);

        Assert.False(outcome.Resumed);
        Assert.False(outcome.Incremental);
        Assert.True(File.Exists(share.Inventory + ".old-version"));
        Assert.Equal(1, Report(share.Inventory).Files);
    }

    /// <summary>Every folder and entry of an inventory as "path size mtime" lines, folders ending in '/'.</summary>
    private static List<string> Listing(string inventory)
    {
        using var connection = new SqliteConnection($"Data Source={inventory};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var tree = new InventoryTree(connection);
        var lines = new List<string>();
        ScanInventory.ForEachEntry(connection, (dir, name, kind, size, mtime) =>
            lines.Add($"{InventoryTree.Display(tree.RelativePath(dir, name))} {(int)kind} {size} {mtime}"));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, state FROM dirs";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                lines.Add($"{InventoryTree.Display(tree.RelativePath(reader.GetInt32(0)))} state {reader.GetInt32(1)}/");
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static long DoneFolders(string inventory)
    {
        if (!File.Exists(inventory))
        {
            return 0;
        }
        try
        {
            using var connection = new SqliteConnection($"Data Source={inventory};Mode=ReadOnly;Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM dirs WHERE state = 1";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static ProcessStartInfo Cli(string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliAssembly.Value);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private static readonly Lazy<string> CliAssembly = new(() =>
    {
        var configuration = typeof(ScannerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(TestFiles.RepositoryRoot(), "src", "Oppdrift.Cli", "bin", configuration, "net10.0", "Oppdrift.Cli.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The CLI is not built: {path}");
    });

    /// <summary>
    /// The checkout may lie in a folder only its owner can enter (mktemp -d makes such folders), where nobody could not
    /// start the CLI; nobody runs a copy of its build output from a folder anyone may read, removed when the tests end.
    /// </summary>
    private static readonly Lazy<string> NobodyCliAssembly = new(() =>
    {
        var source = Path.GetDirectoryName(CliAssembly.Value)!;
        var target = Path.Combine(Path.GetTempPath(), $"oppdrift-cli-{Guid.NewGuid():N}");
        ShareFixture.Shell($"cp -r {ShareFixture.Quote(source)} {ShareFixture.Quote(target)} && chmod -R a+rX {ShareFixture.Quote(target)}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(target, recursive: true);
        return Path.Combine(target, "Oppdrift.Cli.dll");
    });
}
