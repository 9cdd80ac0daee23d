using System.Globalization;
using System.Text;

namespace Oppdrift.ShareMigration;

/// <summary>The scanner's files for people: the findings as CSV and the rename plan.</summary>
public static class ScanExports
{
    public static string FindingsCsv(ScanReport report, int staleYears)
    {
        var text = new StringBuilder();
        text.Append("type,path,rule,severity,description,detail,proposal,bytes\r\n");
        foreach (var finding in report.Findings)
        {
            Row(text, "finding", finding.Path, finding.Kind.ToString(), finding.Severity.ToString(), MigrationText.Get("Finding." + finding.Kind),
                finding.Detail.ToString(CultureInfo.InvariantCulture), finding.Proposal ?? "", "");
        }
        foreach (var item in report.Cleanup)
        {
            Row(text, "cleanup", item.Path, item.Kind.ToString(), "", MigrationText.Get("Cleanup." + item.Kind, staleYears), "", "",
                item.Bytes.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, params string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            var field = fields[i];
            // A leading = + - @ would make a spreadsheet evaluate a file name as a formula.
            if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@')
            {
                field = "'" + field;
            }
            text.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        text.Append("\r\n");
    }

    /// <summary>
    /// A rename plan: one line per rename, "old path TAB new path" relative to the scanned root, deepest first so each
    /// line's old path is still valid when it is reached; read bottom-up with the columns swapped it undoes itself.
    /// Names that would collide in one folder get " (2)", " (3)" … before the extension.
    /// </summary>
    public static string RenamePlan(ScanReport report, Microsoft.Data.Sqlite.SqliteConnection inventory)
    {
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var finding in report.Findings)
        {
            if (finding.Proposal is null || finding.Path.Length == 0 || renames.ContainsKey(finding.Path))
            {
                continue;
            }
            var slash = finding.Path.LastIndexOf('/');
            var name = finding.Path[(slash + 1)..];
            var proposed = NameFixes.SafeName(name.Replace('\uFFFD', '_'), finding.IsFolder, slash < 0);
            if (finding.Kind == FindingKind.NotUtf8Name)
            {
                proposed = NameFixes.SafeName(EscapedBytesToUnderscore(name), finding.IsFolder, slash < 0);
            }
            if (proposed != name)
            {
                renames[finding.Path] = proposed;
            }
        }
        var taken = ExistingNames(inventory, renames.Keys.Select(p => p.LastIndexOf('/') is var slash && slash < 0 ? "" : p[..slash]).ToHashSet(StringComparer.Ordinal));
        var text = new StringBuilder();
        text.Append("# Oppdrift rename plan for ").Append(report.Root).Append('\n');
        text.Append("# Nothing has been renamed. Each line: old path<TAB>new path, relative to the folder above, deepest first.\n");
        text.Append("# To undo after applying, apply the lines bottom-up with the two columns swapped.\n");
        foreach (var (path, newName) in renames.OrderByDescending(r => r.Key.Count(c => c == '/')).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            var slash = path.LastIndexOf('/');
            var folder = slash < 0 ? "" : path[..(slash + 1)];
            var candidate = newName;
            for (var n = 2; taken.Contains(folder + candidate) && !string.Equals(folder + candidate, path, StringComparison.Ordinal); n++)
            {
                var extension = Path.GetExtension(newName);
                candidate = string.Create(CultureInfo.InvariantCulture, $"{newName[..^extension.Length]} ({n}){extension}");
            }
            taken.Add(folder + candidate);
            text.Append(path).Append('\t').Append(folder).Append(candidate).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Every path in the folders that get renames, so a new name never takes one already there (SharePoint ignores case).</summary>
    private static HashSet<string> ExistingNames(Microsoft.Data.Sqlite.SqliteConnection inventory, HashSet<string> folders)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tree = new InventoryTree(inventory);
        var ids = new List<int>();
        for (var id = 1; id <= tree.FolderCount; id++)
        {
            if (tree.Name(id).Length > 0 && folders.Contains(InventoryTree.Display(tree.RelativePath(id))))
            {
                ids.Add(id);
            }
        }
        using var command = inventory.CreateCommand();
        command.CommandText = "SELECT parent, name FROM dirs WHERE parent = $d";
        var parameter = command.Parameters.Add("$d", Microsoft.Data.Sqlite.SqliteType.Integer);
        foreach (var id in ids)
        {
            var pack = EntryPack.Read(ScanInventory.Pack(inventory, id));
            while (pack.MoveNext())
            {
                taken.Add(InventoryTree.Display(tree.RelativePath(id, pack.Name)));
            }
            parameter.Value = id;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                taken.Add(InventoryTree.Display(tree.RelativePath(reader.GetInt32(0), (byte[])reader[1])));
            }
        }
        return taken;
    }

    private static string EscapedBytesToUnderscore(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name, @"(\\x[0-9A-F]{2})+", "_");
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
        var text = new StringBuilder();
        foreach (var target in targets)
        {
            text.Append(Field(target.SourcePath)).Append(",,,").Append(Field(target.TargetSiteUrl)).Append(',')
                .Append(Field(target.TargetLibrary)).Append(',').Append(Field(target.TargetSubFolder)).Append("\r\n");
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

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
