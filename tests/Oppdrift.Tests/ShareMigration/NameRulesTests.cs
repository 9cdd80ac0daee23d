using Oppdrift.ShareMigration;

namespace Oppdrift.Tests.ShareMigration;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("report.docx", false, false, "")]
    [InlineData("a\"b.txt", false, false, "InvalidCharacter")]
    [InlineData("a*b.txt", false, false, "InvalidCharacter")]
    [InlineData("a:b.txt", false, false, "InvalidCharacter")]
    [InlineData("a<b.txt", false, false, "InvalidCharacter")]
    [InlineData("a>b.txt", false, false, "InvalidCharacter")]
    [InlineData("a?b.txt", false, false, "InvalidCharacter")]
    [InlineData("a/b.txt", false, false, "InvalidCharacter")]
    [InlineData("a\\b.txt", false, false, "InvalidCharacter")]
    [InlineData("a|b.txt", false, false, "InvalidCharacter")]
    [InlineData("a#b%c&d{e}~.txt", false, false, "")]
    [InlineData(" a.txt", false, false, "LeadingSpace")]
    [InlineData("a.txt ", false, false, "TrailingSpace")]
    [InlineData(" a ", true, false, "LeadingSpace,TrailingSpace")]
    [InlineData("a.", false, false, "TrailingPeriod")]
    [InlineData("a. ", false, false, "TrailingSpace")]
    [InlineData("...", true, false, "TrailingPeriod")]
    [InlineData(".hidden", false, false, "")]
    [InlineData(".lock", false, false, "ReservedName")]
    [InlineData(".LOCK", true, false, "ReservedName")]
    [InlineData("x.lock", false, false, "")]
    [InlineData("CON", false, false, "ReservedName")]
    [InlineData("con", true, false, "ReservedName")]
    [InlineData("CON.txt", false, false, "ReservedName")]
    [InlineData("CONTRACT.txt", false, false, "")]
    [InlineData("PRN", false, false, "ReservedName")]
    [InlineData("AUX.tar.gz", false, false, "ReservedName")]
    [InlineData("NUL", false, false, "ReservedName")]
    [InlineData("COM0", false, false, "ReservedName")]
    [InlineData("COM5.log", false, false, "ReservedName")]
    [InlineData("com9", false, false, "ReservedName")]
    [InlineData("COM10", false, false, "")]
    [InlineData("LPT0", false, false, "ReservedName")]
    [InlineData("lpt9.doc", false, false, "ReservedName")]
    [InlineData("LPT", false, false, "")]
    [InlineData("desktop.ini", false, false, "ReservedName")]
    [InlineData("Desktop.INI", false, false, "ReservedName")]
    [InlineData("my desktop.ini", false, false, "")]
    [InlineData("~$report.docx", false, false, "OfficeOwnerFile")]
    [InlineData("~report.docx", false, false, "")]
    [InlineData("_vti_cnf", true, false, "VtiInName")]
    [InlineData("my_VTI_file.txt", false, false, "VtiInName")]
    [InlineData("vti.txt", false, false, "")]
    [InlineData("forms", true, true, "FormsAtLibraryRoot")]
    [InlineData("Forms", true, true, "FormsAtLibraryRoot")]
    [InlineData("forms", true, false, "")]
    [InlineData("forms", false, true, "")]
    [InlineData("forms_", true, true, "")]
    [InlineData("forms 1", true, true, "")]
    [InlineData("page_files", true, false, "ConnectedFilesFolder")]
    [InlineData("page_Files", true, false, "ConnectedFilesFolder")]
    [InlineData("page_file", true, false, "ConnectedFilesFolder")]
    [InlineData("side-filer", true, false, "ConnectedFilesFolder")]
    [InlineData("Seite-Dateien", true, false, "ConnectedFilesFolder")]
    [InlineData("page_fichiers", true, false, "ConnectedFilesFolder")]
    [InlineData("page_files", false, false, "")]
    [InlineData("page_files-1", true, false, "")]
    [InlineData("_files", true, false, "")]
    [InlineData("link.lnk", false, false, "Shortcut")]
    [InlineData("site.URL", false, false, "Shortcut")]
    [InlineData("folder.lnk", true, false, "")]
    [InlineData("blåbær æøå ÆØÅ.txt", false, false, "")]
    [InlineData("🙂 smil.txt", false, false, "")]
    [InlineData("CON .txt", false, false, "")]
    [InlineData("a:b .", false, false, "InvalidCharacter,TrailingPeriod")]
    [InlineData("linje\nskift.txt", false, false, "ControlCharacter")]
    [InlineData("tab\there", true, false, "ControlCharacter")]
    [InlineData("retur\r.txt", false, false, "ControlCharacter")]
    [InlineData("bjelle\u0007.txt", false, false, "ControlCharacter")]
    [InlineData("escape\u001B.txt", false, false, "ControlCharacter")]
    [InlineData("slett\u007F.txt", false, false, "ControlCharacter")]
    [InlineData("ikke\u0080kontroll.txt", false, false, "")]
    [InlineData("\ttab først.txt", false, false, "ControlCharacter")]
    [InlineData("a:b\n", false, false, "InvalidCharacter,ControlCharacter")]
    public void Each_name_rule_is_found(string name, bool isFolder, bool atLibraryRoot, string expected)
    {
        var found = NameRules.CheckName(name, isFolder, atLibraryRoot);
        Assert.Equal(expected, string.Join(',', found.Kinds()));
    }

    [Theory]
    [InlineData(255, "")]
    [InlineData(256, "SegmentTooLong")]
    public void Names_over_255_utf16_units_are_too_long(int length, string expected) =>
        Assert.Equal(expected, string.Join(',', NameRules.CheckName(new string('n', length), false, false).Kinds()));

    [Fact]
    public void Emoji_count_as_two_utf16_units_towards_255() =>
        Assert.True(NameRules.CheckName(string.Concat(Enumerable.Repeat("🙂", 128)), false, false).Contains(FindingKind.SegmentTooLong));

    [Theory]
    [InlineData("/sites/hr/Shared Documents", 0, 26)]
    [InlineData("/sites/hr/Shared Documents", 10, 37)]
    [InlineData("/sites/hr/Shared Documents/", 10, 37)]
    [InlineData("sites/hr/Dokumenter", 5, 26)]
    [InlineData("https://nordvik.sharepoint.com/sites/hr/Shared%20Documents", 10, 37)]
    [InlineData("https://nordvik-my.sharepoint.com/personal/kari_nordvik_no/Documents", 1, 37)]
    public void The_target_path_length_counts_the_decoded_server_relative_path(string target, int relative, int expected) =>
        Assert.Equal(expected, NameRules.TargetPathLength(target, relative));

    [Theory]
    [InlineData("report.docx", false, false, "report.docx")]
    [InlineData("a:b?.txt", false, false, "a_b_.txt")]
    [InlineData(" notes.txt ", false, false, "notes.txt")]
    [InlineData("draft.", false, false, "draft")]
    [InlineData("CON", false, false, "CON_")]
    [InlineData("con.txt", false, false, "con_.txt")]
    [InlineData("desktop.ini", false, false, "desktop_.ini")]
    [InlineData(".lock", false, false, "_.lock")]
    [InlineData("~$report.docx", false, false, "~_report.docx")]
    [InlineData("old_vti_data", true, false, "old_vti-data")]
    [InlineData("forms", true, true, "forms (1)")]
    [InlineData("page_files", true, false, "page_files-1")]
    [InlineData("link.lnk", false, false, "link.lnk")]
    [InlineData("æøå?.txt", false, false, "æøå_.txt")]
    [InlineData("linje\nskift.txt", false, false, "linje skift.txt")]
    [InlineData("tab\there", true, false, "tab here")]
    [InlineData("retur\r\n.txt", false, false, "retur  .txt")]
    [InlineData("\tinnrykk.txt", false, false, "innrykk.txt")]
    [InlineData("slutt.\n", false, false, "slutt")]
    [InlineData("bjelle\u0007.txt", false, false, "bjelle_.txt")]
    [InlineData("slett\u007F.txt", false, false, "slett_.txt")]
    [InlineData("\n", true, false, "_")]
    [InlineData("CON\t", false, false, "CON_")]
    public void Safe_names_pass_every_rule(string name, bool isFolder, bool atRoot, string expected)
    {
        var safe = NameFixes.SafeName(name, isFolder, atRoot);
        Assert.Equal(expected, safe);
        var remaining = NameRules.CheckName(safe, isFolder, atRoot);
        Assert.True(remaining.IsEmpty || remaining.Kinds().SequenceEqual([FindingKind.Shortcut]), string.Join(',', remaining.Kinds()));
    }

    [Theory]
    [InlineData(new byte[] { 0x62, 0x61, 0x64, 0xFF, 0xFE, 0x2E, 0x74, 0x78, 0x74 }, "bad_.txt")]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62, 0xC3, 0x0A, 0x63 }, "a_b_ c")]
    [InlineData(new byte[] { 0x62, 0x6C, 0xC3, 0xA5, 0x0A, 0x62, 0xC3, 0xA6, 0x72 }, "blå bær")]
    public void A_proposed_name_replaces_bytes_that_are_not_utf8_and_control_characters(byte[] name, string expected) =>
        Assert.Equal(expected, NameFixes.ProposedName(name, isFolder: false, atLibraryRoot: false));

    [Fact]
    public void A_safe_name_for_a_long_name_keeps_its_extension()
    {
        var safe = NameFixes.SafeName(new string('x', 300) + ".docx", false, false);
        Assert.Equal(255, safe.Length);
        Assert.EndsWith(".docx", safe, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_rule_has_a_source_and_the_date_checked()
    {
        Assert.Equal(Enum.GetValues<FindingKind>().Length, SharePointRules.All.Count);
        for (var i = 0; i < SharePointRules.All.Count; i++)
        {
            var rule = SharePointRules.All[i];
            Assert.Equal((FindingKind)i, rule.Kind);
            Assert.False(string.IsNullOrWhiteSpace(rule.Source));
            Assert.Equal(new DateOnly(2026, 11, 26), rule.Checked);
        }
    }

    [Fact]
    public void The_module_readme_mirrors_the_rules_table()
    {
        var readme = File.ReadAllText(Path.Combine(Infrastructure.TestFiles.RepositoryRoot(), "src", "Oppdrift", "ShareMigration", "README.md"));
        foreach (var rule in SharePointRules.All)
        {
            Assert.Contains($"| `{rule.Kind}` |", readme, StringComparison.Ordinal);
            Assert.Contains(rule.Source, readme, StringComparison.Ordinal);
        }
    }
}

public sealed class MigrationCsvTests
{
    [Fact]
    public void The_bulk_csv_has_the_six_documented_columns_and_no_header()
    {
        var rows = MigrationCsv.PerTopFolder(["Økonomi", "forms", "Lønn, 2024"], @"\\filserver\hr\", "https://nordvik.sharepoint.com/sites/hr", "Documents");
        var csv = MigrationCsv.Write(rows);
        Assert.Equal(
            "\"\\\\filserver\\hr\\Lønn, 2024\",,,https://nordvik.sharepoint.com/sites/hr,Documents,\"Lønn, 2024\"\r\n"
            + "\\\\filserver\\hr\\forms,,,https://nordvik.sharepoint.com/sites/hr,Documents,forms (1)\r\n"
            + "\\\\filserver\\hr\\Økonomi,,,https://nordvik.sharepoint.com/sites/hr,Documents,Økonomi\r\n",
            csv);
        foreach (var line in csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = Shared.CsvSplit(line);
            Assert.Equal(6, fields.Count);
            Assert.StartsWith(@"\\filserver\hr\", fields[0], StringComparison.Ordinal);
            Assert.Equal("", fields[1]);
            Assert.Equal("", fields[2]);
            Assert.StartsWith("https://", fields[3], StringComparison.Ordinal);
            Assert.Equal("Documents", fields[4]);
            Assert.True(NameRules.CheckName(fields[5], true, true).IsEmpty);
        }
    }

    private static class Shared
    {
        /// <summary>RFC 4180 fields of one line.</summary>
        public static List<string> CsvSplit(string line)
        {
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }
            fields.Add(field.ToString());
            return fields;
        }
    }
}
