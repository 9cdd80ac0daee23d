using System.Diagnostics;
using System.Text;
using Oppdrift.ShareMigration;

namespace Oppdrift.Tests.ShareMigration;

/// <summary>
/// Builds a file share under /tmp that breaks every SharePoint rule a Linux file system can hold, with Unicode names
/// (NFC and NFD, emoji, æøå), deep paths (past PATH_MAX too), hard links, symbolic-link loops, duplicates and clean-up
/// candidates, and records what a correct report says about it.
/// </summary>
public sealed class ShareFixture : IDisposable
{
    public const string BadUtf8Display = "bad\\xFF\\xFEname.txt";

    private readonly List<(string Path, FindingKind Kind)> _expected = [];

    public string Root { get; }

    public string Work { get; }

    public ShareFixture(bool everything = true)
    {
        Work = Path.Combine(Path.GetTempPath(), $"oppdrift-share-{Guid.NewGuid():N}");
        Root = Path.Combine(Work, "share");
        Directory.CreateDirectory(Root);
        if (everything)
        {
            BuildEverything();
        }
    }

    public IReadOnlyList<(string Path, FindingKind Kind)> Expected => _expected;

    public string Inventory => Path.Combine(Work, "share.scan.sqlite");

    public void Expect(string path, FindingKind kind) => _expected.Add((path, kind));

    public string File(string relative, string content = "x", DateTime? modified = null)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        if (modified is { } time)
        {
            System.IO.File.SetLastWriteTimeUtc(path, time);
        }
        return path;
    }

    public string Folder(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;

    private void BuildEverything()
    {
        var fresh = new DateTime(2026, 10, 1, 12, 0, 0, DateTimeKind.Utc);
        // Every rule on names.
        foreach (var (name, kind) in new[]
        {
            ("quote\".txt", FindingKind.InvalidCharacter), ("star*.txt", FindingKind.InvalidCharacter), ("colon:.txt", FindingKind.InvalidCharacter),
            ("less<.txt", FindingKind.InvalidCharacter), ("greater>.txt", FindingKind.InvalidCharacter), ("what?.txt", FindingKind.InvalidCharacter),
            ("back\\slash.txt", FindingKind.InvalidCharacter), ("pipe|.txt", FindingKind.InvalidCharacter),
            (" leading.txt", FindingKind.LeadingSpace), ("trailing.txt ", FindingKind.TrailingSpace), ("period.", FindingKind.TrailingPeriod),
            (".lock", FindingKind.ReservedName), ("CON", FindingKind.ReservedName), ("prn.txt", FindingKind.ReservedName), ("aux", FindingKind.ReservedName),
            ("NUL.docx", FindingKind.ReservedName), ("COM0", FindingKind.ReservedName), ("com9.log", FindingKind.ReservedName),
            ("LPT0.txt", FindingKind.ReservedName), ("lpt9", FindingKind.ReservedName), ("desktop.ini", FindingKind.ReservedName),
            ("has_vti_inside.txt", FindingKind.VtiInName),
        })
        {
            File("names/" + name, "content of " + name, fresh);
            Expect("names/" + name, kind);
        }
        File("names/~$budsjett.docx", "owner", fresh);
        Expect("names/~$budsjett.docx", FindingKind.OfficeOwnerFile);
        File("names/snarvei.lnk", "L", fresh);
        Expect("names/snarvei.lnk", FindingKind.Shortcut);
        File("names/nettside.url", "[InternetShortcut]", fresh);
        Expect("names/nettside.url", FindingKind.Shortcut);
        File("names/tom.txt", "", fresh);
        Expect("names/tom.txt", FindingKind.ZeroByteFile);

        // forms only at the library root; _files folders anywhere (and the Norwegian form).
        File("forms/skjema.docx", "skjema", fresh);
        Expect("forms", FindingKind.FormsAtLibraryRoot);
        File("names/forms/ok.docx", "ok", fresh);
        File("names/rapport_files/bilde.png", "png1", fresh);
        Expect("names/rapport_files", FindingKind.ConnectedFilesFolder);
        File("names/side-filer/bilde.png", "png22", fresh);
        Expect("names/side-filer", FindingKind.ConnectedFilesFolder);
        File("names/vedlegg_file/a.txt", "a-vedlegg", fresh);
        Expect("names/vedlegg_file", FindingKind.ConnectedFilesFolder);

        // Unicode: NFC and NFD forms of one name are two different names on Linux, and neither breaks a rule.
        File("unicode/blåbær.txt".Normalize(NormalizationForm.FormC), "nfc", fresh);
        File("unicode/" + "blåbær-nfd.txt".Normalize(NormalizationForm.FormD), "nfd text", fresh);
        File("unicode/🙂 smil.txt", "emoji", fresh);
        File("unicode/æøå ÆØÅ/fil.txt", "norsk", fresh);

        // Names that are not UTF-8 (Latin-1 bytes from an old Samba share).
        Shell($"printf 'latin1' > {Quote(Root)}/unicode/$'bad\\xff\\xfename.txt'");
        Expect("unicode/" + BadUtf8Display, FindingKind.NotUtf8Name);

        // A path over 400 characters with the default target (/sites/share/Shared Documents, 29 characters): 370 below the root.
        var a = new string('a', 100);
        var b = new string('b', 100);
        var c = new string('c', 100);
        var longName = new string('f', 66) + ".txt";
        File($"deep/{a}/{b}/{c}/{longName}", "deep", fresh);
        Expect($"deep/{a}/{b}/{c}/{longName}", FindingKind.PathTooLong);

        // Deeper than PATH_MAX (4096 bytes): 20 folders of 250 characters, made one level at a time.
        var level = new string('p', 250);
        Shell($"cd {Quote(Root)} && mkdir verydeep && cd verydeep && for i in $(seq 20); do mkdir {level} && cd {level}; done && printf 'bottom' > bunn.txt && touch -d 2026-10-01T12:00:00Z bunn.txt");
        var relative = "verydeep";
        for (var i = 0; i < 20; i++)
        {
            relative += "/" + level;
            if (relative.Length > 370)
            {
                Expect(relative, FindingKind.PathTooLong);
            }
        }
        Expect(relative + "/bunn.txt", FindingKind.PathTooLong);

        // Hard links are one file, not duplicates; symbolic links are not followed, loops included.
        File("links/original.bin", new string('h', 5000), fresh);
        Shell($"ln {Quote(Root)}/links/original.bin {Quote(Root)}/links/hardlink.bin");
        Directory.CreateSymbolicLink(Path.Combine(Root, "links", "loop"), ".");
        Directory.CreateSymbolicLink(Path.Combine(Root, "links", "up"), "..");
        System.IO.File.CreateSymbolicLink(Path.Combine(Root, "links", "dangling"), "nowhere");
        Expect("links/loop", FindingKind.SymbolicLink);
        Expect("links/up", FindingKind.SymbolicLink);
        Expect("links/dangling", FindingKind.SymbolicLink);

        // Duplicates: equal beyond the first and last 4 KiB, small ones, and a near twin that only the full hash tells apart.
        var big = new string('d', 4096) + new string('m', 10_000) + new string('e', 4096);
        var nearTwin = new string('d', 4096) + new string('m', 4_999) + "X" + new string('m', 5_000) + new string('e', 4096);
        File("dup/rapport.docx", big, fresh);
        File("dup/kopi av rapport.docx", big, fresh);
        File("arkiv/rapport (1).docx", big, fresh);
        File("arkiv/nesten lik.docx", nearTwin, fresh);
        File("dup/liten.txt", "small duplicate", fresh);
        File("arkiv/liten kopi.txt", "small duplicate", fresh);

        // Duplicate folders: the same names and bytes all the way down.
        foreach (var project in new[] { "prosjekt-2023", "prosjekt-2023 kopi" })
        {
            File($"{project}/plan.txt", "the project plan", fresh);
            File($"{project}/vedlegg/budsjett.xlsx", "the budget, v2", fresh);
        }

        // Clean-up: stale, temporary, empty, large media (sparse, so it takes no disk).
        File("gammelt/referat-2015.docx", "old minutes", new DateTime(2015, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        File("tmp/~lagring.tmp", "temporary", fresh);
        File("tmp/Thumbs.db", "thumbs", fresh);
        Folder("tom mappe");
        Folder("tom nøstet/indre");
        Shell($"truncate -s 2G {Quote(Root)}/film.mp4 && touch -d 2026-10-01T12:00:00Z {Quote(Root)}/film.mp4");
        // Over 250 GB, sparse.
        Shell($"truncate -s 251G {Quote(Root)}/enorm.vhdx && touch -d 2026-10-01T12:00:00Z {Quote(Root)}/enorm.vhdx");
        Expect("enorm.vhdx", FindingKind.FileTooLarge);
    }

    public static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Shell(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("set -e; " + script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bash failed ({process.ExitCode}): {error}");
        }
        return output;
    }

    public void Dispose()
    {
        // rm copes with paths past PATH_MAX; chmod first so a locked folder goes too.
        Shell($"chmod -R u+rwx {Quote(Work)} 2>/dev/null || true; rm -rf {Quote(Work)}");
    }
}
