using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using Oppdrift.Benefits;
using W = DocumentFormat.OpenXml.Wordprocessing;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Tests.Benefits;

/// <summary>The plan and the status report opened as Word and Excel open them: what they say, not how the file is written.</summary>
public sealed class BenefitsReportTests
{
    private static readonly DateOnly Baseline = new(2026, 6, 1);
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly DateOnly September = new(2026, 9, 1);
    private static readonly DateOnly October = new(2026, 10, 1);

    /// <summary>
    /// One priced benefit with a survey indicator (3.4 to 4.0 in a year, two hours a year per point, 1,000 employees)
    /// measured twice, and a goal with no benefits yet.
    /// </summary>
    private static BenefitsPicture Picture()
    {
        var goal = new BenefitGoal { Id = 1, Name = "Økt medarbeidertilfredshet", Description = "Ansatte opplever at verktøyene hjelper.", SortOrder = 1 };
        var empty = new BenefitGoal { Id = 2, Name = "Redusert klimaavtrykk", SortOrder = 2 };
        var benefit = new Benefit
        {
            Id = 10,
            GoalId = 1,
            Name = "Bedre digital arbeidsglede",
            Owner = "HR-direktør",
            Start = Baseline,
            End = Baseline.AddYears(2),
            Priced = true,
            DependsOn = "Digital arbeidsglede-kampanjen\nLederprogram i Teams",
            Risks = "Tilfredshet påvirkes av mer enn verktøyene.",
        };
        var indicator = new Indicator
        {
            Id = 100,
            BenefitId = 10,
            Name = "Tilfredshet med digitale verktøy",
            Unit = "poeng",
            Source = IndicatorSource.Manual,
            BaselineValue = 3.4,
            BaselineDate = Baseline,
            Schedule = MeasurementSchedule.Quarterly,
            MinValue = 1,
            MaxValue = 5,
            HoursPerUnit = 2,
        };
        var plan = new IndicatorPlan(3.4, Baseline, true, [(Baseline.AddYears(1), 4.0)]);
        var at = new DateTime(2026, 10, 2, 9, 0, 0, DateTimeKind.Utc);
        MeasurementView[] measurements =
        [
            new(1, September, 3.8, false, "Pulsundersøkelsen i september", "kari@nordvik.kommune.no", at, plan.Status(September, 3.8)),
            new(2, October, 3.2, false, "Pulsundersøkelsen i oktober", "ola@nordvik.kommune.no", at, plan.Status(October, 3.2)),
        ];
        var view = new BenefitView(benefit, goal.Name, [], [new IndicatorView(indicator, plan, measurements)], 1000);
        return new BenefitsPicture(Today, null, "Hele kommunen", [new GoalView(goal, [view]), new GoalView(empty, [])], 550);
    }

    private static ClimateFootprint Footprint() =>
        ClimateFootprint.Compute(Today.AddDays(-364), Today, 1_000_000, 200_000, 5_000, 100_000, 10_000,
            ClimateFactors.Defaults.ToDictionary(d => d.Key, d => new ClimateRange(d.Low, d.Central, d.High)), hidden: true);

    /// <summary>The document's text, and each table as rows of cell texts.</summary>
    private static (string Text, List<List<List<string>>> Tables) ReadWord(byte[] docx)
    {
        using var word = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var body = word.MainDocumentPart!.Document.Body!;
        return (body.InnerText, [.. body.Elements<W.Table>().Select(t => t.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList()).ToList())]);
    }

    /// <summary>Each sheet's rows as text by sheet name, cells placed by their reference (shared, inline or plain values alike).</summary>
    private static Dictionary<string, List<List<string>>> ReadSheets(byte[] xlsx)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<X.SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var result = new Dictionary<string, List<List<string>>>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<X.Sheet>())
        {
            var rows = new List<List<string>>();
            foreach (var row in ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.Descendants<X.Row>())
            {
                var index = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 1)) - 1;
                while (rows.Count <= index)
                {
                    rows.Add([]);
                }
                foreach (var cell in row.Elements<X.Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? Column(reference) : rows[index].Count;
                    while (rows[index].Count <= column)
                    {
                        rows[index].Add("");
                    }
                    rows[index][column] = cell.DataType?.Value == X.CellValues.SharedString ? shared[int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)]
                        : cell.DataType?.Value == X.CellValues.InlineString ? cell.InlineString!.InnerText
                        : cell.CellValue?.Text ?? "";
                }
            }
            // Cells the writer left out at a row's end are empty, as a reader sees them.
            var width = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
            result[sheet.Name!] = [.. rows.Select(r => r.Concat(Enumerable.Repeat("", width - r.Count)).ToList())];
        }
        return result;
    }

    private static int Column(string reference)
    {
        var column = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter))
        {
            column = (column * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return column - 1;
    }

    private static double Number(string cell) => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Fact]
    public void The_plan_in_Word_holds_each_goal_and_benefit_with_how_it_is_measured()
    {
        var (text, tables) = ReadWord(BenefitsReport.Docx(BenefitsReportKind.Plan, Picture(), null));

        Assert.StartsWith("Gevinstrealiseringsplan" + "Hele kommunen – per 25.11.2026", text, StringComparison.Ordinal);
        Assert.Contains("Økt medarbeidertilfredshet", text, StringComparison.Ordinal);
        Assert.Contains("Ansatte opplever at verktøyene hjelper.", text, StringComparison.Ordinal);
        Assert.Contains("Redusert klimaavtrykkIngen gevinster er registrert for dette målet.", text, StringComparison.Ordinal);
        // A plan says nothing of status: no summary, no rule, no measurements.
        Assert.DoesNotContain("Sammendrag", text, StringComparison.Ordinal);
        Assert.DoesNotContain(BenefitsReport.StatusRule, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bedre digital arbeidsglede –", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Klimaavtrykk", text, StringComparison.Ordinal);

        var facts = tables.Single(t => t.Any(r => r[0] == "Gevinsteier"));
        Assert.Equal(new[]
        {
            new[] { "Mål", "Økt medarbeidertilfredshet" }, ["Gevinsteier", "HR-direktør"], ["Gjelder", "Hele kommunen"], ["Periode", "01.06.2026–01.06.2028"],
            ["Type", "Prissatt, kvantitativ"], ["Avhenger av", "Digital arbeidsglede-kampanjen; Lederprogram i Teams"],
            ["Risiko", "Tilfredshet påvirkes av mer enn verktøyene."],
        }, facts.Select(r => r.ToArray()));
        var indicators = tables.Single(t => t[0][0] == "Indikator");
        Assert.Equal(["Indikator", "Enhet", "Retning", "Kilde", "Nullpunkt", "Mål", "Måles"], indicators[0]);
        Assert.Equal(["Tilfredshet med digitale verktøy", "poeng", "Høyere er bedre", "Manuell registrering", "3,40 (01.06.2026)", "01.06.2027: 4,00", "Kvartalsvis"],
            indicators[1]);
    }

    [Fact]
    public void The_status_report_in_Word_counts_benefits_by_status_and_shows_the_latest_measurement_priced_values_and_climate()
    {
        var picture = Picture();
        var (text, tables) = ReadWord(BenefitsReport.Docx(BenefitsReportKind.Status, picture, Footprint()));

        Assert.StartsWith("Gevinstrealiseringsrapport", text, StringComparison.Ordinal);
        Assert.Contains(BenefitsReport.StatusRule, text, StringComparison.Ordinal);
        Assert.Contains("Bedre digital arbeidsglede – Ikke i rute", text, StringComparison.Ordinal);
        Assert.Contains("Noen bruksdata er skjult", text, StringComparison.Ordinal);
        var summary = tables.Single(t => t[0][0] == "Mål" && t[0].Count == 6);
        Assert.Equal(new[]
        {
            new[] { "Mål", "Gevinster", "I rute", "Risiko for avvik", "Ikke i rute", "Ikke målt" },
            ["Økt medarbeidertilfredshet", "1", "0", "0", "1", "0"],
            ["Redusert klimaavtrykk", "0", "0", "0", "0", "0"],
        }, summary.Select(r => r.ToArray()));
        // On 1 Oct the path expects 3.4 + 0.6 × 122/365; the latest measurement, 3.2, is short by far more than 25 % of 0.6.
        var status = tables.Single(t => t[0][0] == "Indikator");
        Assert.Equal(["Tilfredshet med digitale verktøy (poeng)", "3,40 (01.06.2026)", "3,20 (01.10.2026)", BenefitsReport.Number(3.4 + (0.6 * 122 / 365)),
            "4,00 (01.06.2027)", "Ikke i rute"], status[1]);
        // Priced: 2026 ends on the report's date, with 3.2 measured: 0.2 points lost × 2 hours × 1,000 employees = −400 hours, −220,000 kr.
        var priced = tables.Single(t => t[0][0] == "År");
        Assert.Equal(["2026", "2027", "2028"], priced.Skip(1).Select(r => r[0]));
        Assert.Equal(BenefitsReport.Kroner(-220_000), priced[1][3]);
        Assert.Equal(BenefitsReport.Number(-400, 0), priced[1][5]);
        // Planned: the improvement the path expects on that day (0.6 × 177/365 points) at the same rate.
        Assert.Equal(BenefitsReport.Kroner(0.6 * 177 / 365 * 2 * 1000 * 550), priced[1][2]);
        var climate = tables.Single(t => t[0][0] == "Kilde");
        // E-mail: a million at 0.3, 4 and 10 g.
        Assert.Equal(["E-post sendt", BenefitsReport.Number(300, 0), BenefitsReport.Number(4000, 0), BenefitsReport.Number(10000, 0)], climate[1]);
        Assert.Equal(8, climate.Count);
    }

    [Fact]
    public void The_plan_in_Excel_has_a_row_per_indicator_and_the_priced_values_but_no_sheet_of_measurements()
    {
        var sheets = ReadSheets(BenefitsReport.Xlsx(BenefitsReportKind.Plan, Picture(), null));

        Assert.Equal(["Indikatorer", "Prissatte"], sheets.Keys);
        var rows = sheets["Indikatorer"];
        Assert.Equal("Gevinstrealiseringsplan – Hele kommunen – per 25.11.2026", rows[0][0]);
        Assert.Equal(["Mål", "Gevinst", "Gevinsteier", "Gjelder", "Prissatt", "Indikator", "Enhet", "Retning", "Kilde", "Nullpunkt", "Nullpunktsdato",
            "Sluttmål", "Måldato", "Siste måling", "Målt dato", "Forventet på banen", "Status"], rows[1]);
        var row = rows[2];
        Assert.Equal(["Økt medarbeidertilfredshet", "Bedre digital arbeidsglede", "HR-direktør", "Hele kommunen", "Ja", "Tilfredshet med digitale verktøy",
            "poeng", "Høyere er bedre", "Manuell registrering"], row[..9]);
        Assert.Equal(3.4, Number(row[9]), 9);
        Assert.Equal("01.06.2026", row[10]);
        Assert.Equal(4.0, Number(row[11]), 9);
        Assert.Equal("01.06.2027", row[12]);
        Assert.Equal(3.2, Number(row[13]), 9);
        Assert.Equal("01.10.2026", row[14]);
        Assert.Equal(3.4 + (0.6 * 122 / 365), Number(row[15]), 4);
        Assert.Equal("Ikke i rute", row[16]);
        Assert.Contains(rows, r => r[0] == BenefitsReport.StatusRule);
        var priced = sheets["Prissatte"];
        Assert.Equal(["År", "Mål", "Planlagt (kr)", "Realisert (kr)", "Planlagte timer", "Realiserte timer"], priced[1]);
        Assert.Equal(["2026", "Økt medarbeidertilfredshet"], priced[2][..2]);
        Assert.Equal(-220_000, Number(priced[2][3]));
        Assert.Equal(-400, Number(priced[2][5]));
        Assert.Equal(3, priced.Count(r => r[1] == "Økt medarbeidertilfredshet"));
    }

    [Fact]
    public void The_status_report_in_Excel_adds_every_measurement_and_the_climate_range()
    {
        var sheets = ReadSheets(BenefitsReport.Xlsx(BenefitsReportKind.Status, Picture(), Footprint()));

        Assert.Equal(["Indikatorer", "Prissatte", "Målinger", "Klima"], sheets.Keys);
        Assert.StartsWith("Gevinstrealiseringsrapport – ", sheets["Indikatorer"][0][0], StringComparison.Ordinal);
        var measurements = sheets["Målinger"];
        Assert.Equal(["Gevinst", "Indikator", "Dato", "Verdi", "Status", "Automatisk", "Kommentar", "Registrert av"], measurements[0]);
        Assert.Equal(3, measurements.Count);
        Assert.Equal(["Bedre digital arbeidsglede", "Tilfredshet med digitale verktøy", "01.09.2026"], measurements[1][..3]);
        Assert.Equal(3.8, Number(measurements[1][3]), 9);
        Assert.Equal(["I rute", "Nei", "Pulsundersøkelsen i september", "kari@nordvik.kommune.no"], measurements[1][4..]);
        Assert.Equal(["Ikke i rute", "Nei", "Pulsundersøkelsen i oktober", "ola@nordvik.kommune.no"], measurements[2][4..]);
        var climate = sheets["Klima"];
        Assert.Equal(["Kilde", "Lavt", "Sentralt", "Høyt"], climate[1]);
        Assert.Equal("E-post sendt", climate[2][0]);
        Assert.Equal([300, 4000, 10000], climate[2][1..].Select(Number));
        Assert.Equal("Sum unngått", climate[^1][0]);
    }

    [Fact]
    public void A_municipality_without_goals_still_gets_a_report_that_opens()
    {
        var picture = new BenefitsPicture(Today, null, "Hele kommunen", [], 550);

        var (text, _) = ReadWord(BenefitsReport.Docx(BenefitsReportKind.Status, picture, null));
        var sheets = ReadSheets(BenefitsReport.Xlsx(BenefitsReportKind.Status, picture, null));

        Assert.Contains("Ingen prissatte gevinster er registrert.", text, StringComparison.Ordinal);
        Assert.Equal(["Indikatorer", "Prissatte", "Målinger"], sheets.Keys);
        Assert.Single(sheets["Målinger"]);
    }

    [Theory]
    [InlineData(BenefitsReportKind.Plan, null, "docx", "gevinstrealiseringsplan-kommunen-2026-11-25.docx")]
    [InlineData(BenefitsReportKind.Status, "SYE", "xlsx", "gevinstrealiseringsrapport-sye-2026-11-25.xlsx")]
    public void A_reports_file_name_says_what_it_is_for_whom_and_on_which_date(BenefitsReportKind kind, string? agency, string extension, string expected)
    {
        Assert.Equal(expected, BenefitsReport.FileName(kind, Picture(), agency, extension));
    }
}
