using System.Globalization;
using System.Text;
using Oppdrift.Shared;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Shared.Exports;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Usage;

public sealed class UsageExportTests
{
    private const string Hostile = "=HYPERLINK(\"http://x\")";

    private static UsageSheet Sheet() => new("Oversikt", ["Kode", "Virksomhet"], ["Aktive", "Andel", "Endring"], [0, 1, 2],
        [
            new UsageSheetRow(["EVIL", Hostile], [new UsageCell(120, SuppressionReason.None), new UsageCell(45.67, SuppressionReason.None), new UsageCell(-3.456, SuppressionReason.None)]),
            new UsageSheetRow(["TAB", "\tEnhet med tab"], [new UsageCell(null, SuppressionReason.SmallGroup), UsageCell.NoData, new UsageCell(1, SuppressionReason.None)]),
        ],
        ["-merknad som ser ut som en formel"]);

    [Fact]
    public void A_hostile_agency_name_in_the_csv_is_neutralised_and_figures_stay_numbers()
    {
        var bytes = UsageExport.Csv(Sheet(), CultureInfo.GetCultureInfo("en-GB"));
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        using var reader = new CsvReader(new MemoryStream(bytes), "export.csv", ';');
        var rows = new List<string[]>();
        while (reader.Read() is { } record)
        {
            rows.Add(record.Fields);
        }
        Assert.Equal(["EVIL", "'" + Hostile, "120", "45.7", "-3.46"], rows[2]);
        Assert.Equal(["TAB", "'\tEnhet med tab", UsageExport.SuppressedMarker, "", "1.00"], rows[3]);
        Assert.Equal(["'-merknad som ser ut som en formel"], rows[4]);
    }

    [Fact]
    public void The_csv_keeps_the_norwegian_decimal_comma_for_figures()
    {
        var text = Encoding.UTF8.GetString(UsageExport.Csv(Sheet(), CultureInfo.GetCultureInfo("nb-NO")));
        Assert.Contains("EVIL;\"'=HYPERLINK(\"\"http://x\"\")\";120;45,7;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_agency_name_in_the_workbook_is_marked_as_text_and_figures_are_numbers()
    {
        var sheets = WorkbookCells.Read(UsageExport.Xlsx(Sheet()));
        var rows = sheets["Oversikt"];
        Assert.Equal(new WorkbookCell(Hostile, false, true), rows[2][1]);
        Assert.Equal(new WorkbookCell("-3.46", true, false), rows[2][4]);
        Assert.Equal(new WorkbookCell("\tEnhet med tab", false, true), rows[3][1]);
        Assert.Equal(new WorkbookCell(UsageExport.SuppressedMarker, false, false), rows[3][2]);
    }
}
