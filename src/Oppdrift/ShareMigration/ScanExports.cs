using System.Globalization;
using System.Text;
using Oppdrift.Shared.Exports;

namespace Oppdrift.ShareMigration;

/// <summary>The scanner's files for people: the findings as CSV and the rename plan.</summary>
public static class ScanExports
{
    /// <summary>
    /// Every finding and clean-up candidate, one per line, every field quoted; paths as <see cref="InventoryTree.Display"/>
    /// shows them (control characters and bytes that are not UTF-8 as \xNN), text that would start a formula neutralised.
    /// </summary>
    public static void WriteFindingsCsv(TextWriter output, ScanReport report, int staleYears)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new CsvWriter(output, new CsvOptions { QuoteAll = true });
        csv.WriteHeader("type", "path", "rule", "severity", "description", "detail", "proposal", "bytes");
        foreach (var finding in report.Findings)
        {
            csv.WriteRow("finding", finding.Path, finding.Kind.ToString(), finding.Severity.ToString(), MigrationText.Get("Finding." + finding.Kind),
                finding.Detail, finding.Proposal ?? "", "");
        }
        foreach (var item in report.Cleanup)
        {
            csv.WriteRow("cleanup", item.Path, item.Kind.ToString(), "", MigrationText.Get("Cleanup." + item.Kind, staleYears), "", "", item.Bytes);
        }
    }

    /// <summary>
    /// A rename plan: one line per rename, "old path TAB new path" relative to the scanned root, deepest first so each
    /// line's old path is still valid when it is reached; read bottom-up with the columns swapped it undoes itself.
    /// Names that would collide in one folder get " (2)", " (3)" … before the extension. Paths are escaped (see
    /// <see cref="PlanPath"/>), so every line is one rename with two columns, whatever the names hold.
    /// </summary>
    public static string RenamePlan(ScanReport report, Microsoft.Data.Sqlite.SqliteConnection inventory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(inventory);
        using var tree = new InventoryTree(inventory);
        // From the inventory's bytes rather than the report's paths, which show some bytes as \xNN and cannot be undone.
        var renames = new Dictionary<string, (byte[] Path, int Dir, string NewName)>(StringComparer.Ordinal);
        using (var command = inventory.CreateCommand())
        {
            command.CommandText = $"""
                SELECT f.dir, f.name, max(d.id IS NOT NULL OR f.kind = {(int)FindingKind.FolderLoop})
                FROM findings f LEFT JOIN dirs d ON d.parent = f.dir AND d.name = f.name
                WHERE f.name IS NOT NULL GROUP BY f.dir, f.name
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var dir = reader.GetInt32(0);
                var name = (byte[])reader[1];
                var proposed = NameFixes.ProposedName(name, reader.GetBoolean(2), dir == 1);
                if (System.Text.Unicode.Utf8.IsValid(name) && proposed == Encoding.UTF8.GetString(name))
                {
                    continue;
                }
                var path = tree.RelativePath(dir, name);
                renames[PlanPath(path)] = (path, dir, proposed);
            }
        }
        var taken = ExistingNames(inventory, tree, [.. renames.Values.Select(r => r.Dir).Distinct()]);
        var text = new StringBuilder();
        text.Append("# Oppdrift rename plan for ").Append(PlanPath(Encoding.UTF8.GetBytes(Root(inventory) ?? report.Root))).Append('\n');
        text.Append("# Nothing has been renamed. Each line: old path<TAB>new path, relative to the folder above, deepest first.\n");
        text.Append("# To undo after applying, apply the lines bottom-up with the two columns swapped.\n");
        text.Append("# Escaped in paths: \\\\ backslash, \\t tab, \\n line feed, \\r carriage return, \\xNN any other control character, ")
            .Append("a byte that is not UTF-8, or a # that starts a line (bash: printf '%b').\n");
        foreach (var (key, rename) in renames.OrderByDescending(r => r.Value.Path.AsSpan().Count((byte)'/')).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            var folder = rename.Dir == 1 ? "" : PlanPath(tree.RelativePath(rename.Dir)) + "/";
            var newName = PlanPath(Encoding.UTF8.GetBytes(rename.NewName));
            var candidate = newName;
            for (var n = 2; taken.Contains(folder + candidate) && !string.Equals(folder + candidate, key, StringComparison.Ordinal); n++)
            {
                var extension = Path.GetExtension(newName);
                candidate = string.Create(CultureInfo.InvariantCulture, $"{newName[..^extension.Length]} ({n}){extension}");
            }
            taken.Add(folder + candidate);
            text.Append(key.StartsWith('#') ? "\\x23" + key[1..] : key).Append('\t').Append(folder).Append(candidate).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// A path as the rename plan writes it: UTF-8, with \\ for a backslash, \t, \n and \r, and \xNN for any other control
    /// character and each byte that is not UTF-8 — the escapes bash's printf '%b' reads back to the exact bytes.
    /// </summary>
    public static string PlanPath(ReadOnlySpan<byte> path)
    {
        var text = new StringBuilder(path.Length + 8);
        while (!path.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(path, out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                for (var i = 0; i < consumed; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\x{path[i]:X2}");
                }
            }
            else
            {
                switch (rune.Value)
                {
                    case '\\':
                        text.Append(@"\\");
                        break;
                    case '\t':
                        text.Append(@"\t");
                        break;
                    case '\n':
                        text.Append(@"\n");
                        break;
                    case '\r':
                        text.Append(@"\r");
                        break;
                    case var c when c < 0x80 && SharePointRules.IsControlCharacter((char)c):
                        text.Append(CultureInfo.InvariantCulture, $"\\x{c:X2}");
                        break;
                    default:
                        text.Append(rune.ToString());
                        break;
                }
            }
            path = path[consumed..];
        }
        return text.ToString();
    }

    private static string? Root(Microsoft.Data.Sqlite.SqliteConnection inventory)
    {
        using var command = inventory.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key='root'";
        return command.ExecuteScalar() as string;
    }

    /// <summary>Every path (as the plan writes it) in the folders that get renames, so a new name never takes one already there (SharePoint ignores case).</summary>
    private static HashSet<string> ExistingNames(Microsoft.Data.Sqlite.SqliteConnection inventory, InventoryTree tree, List<int> folders)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var command = inventory.CreateCommand();
        command.CommandText = "SELECT parent, name FROM dirs WHERE parent = $d";
        var parameter = command.Parameters.Add("$d", Microsoft.Data.Sqlite.SqliteType.Integer);
        foreach (var id in folders)
        {
            var pack = EntryPack.Read(ScanInventory.Pack(inventory, id));
            while (pack.MoveNext())
            {
                taken.Add(PlanPath(tree.RelativePath(id, pack.Name)));
            }
            parameter.Value = id;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                taken.Add(PlanPath(tree.RelativePath(reader.GetInt32(0), (byte[])reader[1])));
            }
        }
        return taken;
    }
}

/// <summary>One file share folder and where it goes: a SharePoint site and library (or a OneDrive), optionally a folder in it.</summary>
public sealed record MigrationTarget(string SourcePath, string TargetSiteUrl, string TargetLibrary, string TargetSubFolder);

/// <summary>
/// The bulk CSV that the SharePoint Migration Tool and Migration Manager accept for file share tasks
/// (https://learn.microsoft.com/en-us/sharepointmigration/how-to-format-your-csv-file-for-data-content-migration, checked
/// 2026-11-26): no header row, six columns per row — source path, two columns left empty for file shares (they are for
/// SharePoint Server sources), target site URL, target document library, target subfolder (may be empty).
/// </summary>
public static class MigrationCsv
{
    public static string Write(IEnumerable<MigrationTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        // Read by the migration tool, not by a spreadsheet: an apostrophe before a value that starts with - or @ would
        // become part of the target folder's name, so values are written exactly as the mappings hold them.
        var csv = new CsvWriter(text, new CsvOptions { NeutraliseFormulas = false });
        foreach (var target in targets)
        {
            csv.WriteRow(target.SourcePath, "", "", target.TargetSiteUrl, target.TargetLibrary, target.TargetSubFolder);
        }
        return text.ToString();
    }

    /// <summary>One row per top folder of a scanned share: \\server\share\folder → the library, into a folder of the same (safe) name.</summary>
    public static IReadOnlyList<MigrationTarget> PerTopFolder(IEnumerable<string> topFolders, string sourceUnc, string siteUrl, string library) =>
        [.. topFolders.Order(StringComparer.Ordinal).Select(folder => new MigrationTarget(
            sourceUnc.TrimEnd('\\') + "\\" + folder, siteUrl, library, NameFixes.SafeName(folder, isFolder: true, atLibraryRoot: true)))];

    public static IReadOnlyList<string> TopFolders(Microsoft.Data.Sqlite.SqliteConnection inventory)
    {
        using var command = inventory.CreateCommand();
        command.CommandText = "SELECT name FROM dirs WHERE parent = 1";
        var folders = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            folders.Add(InventoryTree.Display((byte[])reader[0]));
        }
        return folders;
    }
}
