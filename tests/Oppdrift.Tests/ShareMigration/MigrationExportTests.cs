using System.Globalization;
using System.Text;
using Oppdrift.Shared;
using Oppdrift.ShareMigration;
using Oppdrift.Tests.Shared.Exports;

namespace Oppdrift.Tests.ShareMigration;

/// <summary>The migration module's files with hostile values in them: names a spreadsheet would run, and control characters.</summary>
public sealed class MigrationExportTests
{
    private const string Hostile = "=HYPERLINK(\"http://x\")";

    private static ScanReport Report() => new("/srv/share", 3, 3, 300,
        [
            new FindingRow("=cmd|' /C calc'!A0", false, FindingKind.InvalidCharacter, 0, "=cmd_' _C calc'!A0"),
            new FindingRow("+47 mappe\\x09med tab", true, FindingKind.ControlCharacter, 0, "+47 mappe med tab"),
        ],
        [], [],
        [new CleanupRow(CleanupKind.Stale, "-gammel.docx", 100)]);

    private static SharePicture Share() => new(
        new SourceShare { Name = "@fellesområde", SourcePath = @"\\fil01\felles", CreatedBy = "test" },
        "EVIL",
        Hostile,
        null,
        [new MappingPicture(new ShareMapping
        {
            SourceFolder = "-arkiv",
            SiteUrl = "https://kommune.sharepoint.com/sites/felles",
            Library = "@Dokumenter",
            TargetFolder = "-arkiv",
            StateChangedBy = "test",
        }, null, null)]);

    [Fact]
    public void The_findings_workbook_marks_hostile_text_as_text_and_keeps_numbers_numbers()
    {
        using var output = new MemoryStream();
        MigrationExports.Workbook(output, Share(), [], Report(), 5);
        var sheets = WorkbookCells.Read(output.ToArray());

        foreach (var text in new[] { "=cmd|' /C calc'!A0", "=cmd_' _C calc'!A0", "+47 mappe\\x09med tab", "-gammel.docx", "@Dokumenter" })
        {
            Assert.True(WorkbookCells.MarkedEverywhere(sheets, text), text);
        }
        var cleanup = sheets[MigrationText.Get("XlsxCleanupSheet")];
        Assert.Equal(new WorkbookCell("100", true, false), cleanup[1][2]);
    }

    [Fact]
    public void The_scanners_findings_csv_neutralises_names_a_spreadsheet_would_run()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        ScanExports.WriteFindingsCsv(text, Report(), 5);
        var rows = ReadCsv(text.ToString());
        Assert.Equal(["type", "path", "rule", "severity", "description", "detail", "proposal", "bytes"], rows[0]);
        Assert.Equal(["finding", "'=cmd|' /C calc'!A0", "InvalidCharacter", "Blocker"], rows[1][..4]);
        Assert.Equal("'=cmd_' _C calc'!A0", rows[1][6]);
        Assert.Equal("'+47 mappe\\x09med tab", rows[2][1]);
        Assert.Equal(["cleanup", "'-gammel.docx", "Stale", "", MigrationText.Get("Cleanup.Stale", 5), "", "", "100"], rows[3]);
        Assert.Equal(4, rows.Count);
    }

    /// <summary>
    /// The SPMT CSV is the one export read by a program rather than a spreadsheet: a folder named "-arkiv" must reach
    /// SharePoint as "-arkiv", so its values are written exactly, and only quoted as RFC 4180 requires.
    /// </summary>
    [Fact]
    public void The_spmt_csv_keeps_values_exactly_as_the_migration_tool_needs_them()
    {
        var rows = MigrationExports.SpmtRows([Share()]);
        var csv = MigrationCsv.Write(rows.Value!);
        Assert.Equal("\\\\fil01\\felles\\-arkiv,,,https://kommune.sharepoint.com/sites/felles,@Dokumenter,-arkiv\r\n", csv);
        var tabbed = MigrationCsv.Write([new MigrationTarget(@"\\fil01\felles\a" + "\t" + "b", "https://x/sites/y", "Documents", "linje\nskift, og \"sitat\"")]);
        Assert.Equal([@"\\fil01\felles\a" + "\t" + "b", "", "", "https://x/sites/y", "Documents", "linje\nskift, og \"sitat\""], ReadCsv(tabbed).Single());
    }

    private static List<string[]> ReadCsv(string csv)
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "export.csv", ',');
        var rows = new List<string[]>();
        while (reader.Read() is { } record)
        {
            rows.Add(record.Fields);
        }
        return rows;
    }
}
