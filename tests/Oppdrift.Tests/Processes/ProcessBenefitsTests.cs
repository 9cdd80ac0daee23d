using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Processes;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Shared.Exports;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Processes;

/// <summary>Processes as an indicator source: the benefit sums the hours of the processes linked to it, by their move dates.</summary>
public sealed class ProcessBenefitsTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_process_indicator_sums_the_linked_processes_that_had_moved_on_each_date_and_the_report_lists_them(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new ProcessServices(db);
        var central = ProcessUsers.Central;
        var goal = (await s.BenefitsEditor.SaveGoalAsync(null, new GoalInput("Arbeide mer effektivt", null), central, default)).Value!.Id;
        var benefit = (await s.BenefitsEditor.SaveBenefitAsync(null, new BenefitInput(goal, "Mindre tid på e-post og samordning", null, "Endringsleder",
            new DateOnly(2026, 6, 1), new DateOnly(2028, 6, 1), false, true, null, null, []), central, default)).Value!.Id;
        var baseline = new DateOnly(2026, 6, 1);
        var indicator = await s.BenefitsEditor.SaveIndicatorAsync(null, new IndicatorInput(benefit, "Timer spart per år i flyttede prosesser", null, null, true,
            IndicatorSource.Process, ProcessMeasures.HoursSaved, baseline, null, MeasurementSchedule.Monthly, null, null, null,
            [new TargetInput(baseline.AddYears(1), 1500)]), central, default);
        Assert.True(indicator.Succeeded, indicator.Error);
        Assert.Equal(("timer", 0.0), (indicator.Value!.Unit, indicator.Value.BaselineValue));
        Assert.False((await s.BenefitsEditor.SaveIndicatorAsync(null, new IndicatorInput(benefit, "Feil", null, null, true, IndicatorSource.Process, "process:nothing",
            baseline, null, MeasurementSchedule.Monthly, null, null, null, []), central, default)).Succeeded);

        // Sykehjemsetaten's process moves 1 September (300 hours), Bydel Nord's 15 July (150 hours); Kulturetaten's never moves.
        var sye = await s.CreateAsync(ProcessServices.Input(ids["SYE"]) with { BenefitIds = [benefit] });
        var bno = await s.CreateAsync(ProcessServices.Input(ids["BNO"]) with { Name = "Byggesøknader", VolumePerYear = 600, BenefitIds = [benefit] });
        await s.CreateAsync(ProcessServices.Input(ids["KUL"]) with { Name = "Timelister", BenefitIds = [benefit] });
        await s.CreateAsync(ProcessServices.Input(ids["KUL"]) with { Name = "Ikke knyttet" });
        await s.MoveAndMeasureAsync(sye, new DateOnly(2026, 9, 1));
        await s.MoveAndMeasureAsync(bno, new DateOnly(2026, 7, 15));

        var written = await s.BenefitsMeasurer().MeasureAllAsync(default);
        var measured = await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == indicator.Value.Id && m.Automatic).ToListAsync();
        double? At(DateOnly date, int? agency = null) => measured.SingleOrDefault(m => m.Date == date && m.AgencyId == agency)?.Value;

        Assert.True(written > 0);
        Assert.Equal(0, At(new DateOnly(2026, 7, 1)));
        Assert.Equal(150, At(new DateOnly(2026, 8, 1)));
        Assert.Equal(450, At(new DateOnly(2026, 9, 1)));
        Assert.Equal(450, At(new DateOnly(2026, 11, 1)));
        Assert.Equal(0, At(new DateOnly(2026, 8, 1), ids["SYE"]));
        Assert.Equal(300, At(new DateOnly(2026, 9, 1), ids["SYE"]));
        Assert.Equal(150, At(new DateOnly(2026, 11, 1), ids["BNO"]));
        Assert.Equal(0, At(new DateOnly(2026, 11, 1), ids["KUL"])); // owns a linked process that has not moved: nothing saved yet
        Assert.Null(At(new DateOnly(2026, 11, 1), ids["BYA"])); // owns no linked process: not measured

        // A state change is a new version of the register: measured again, the earlier move shows.
        var version = await ProcessQueries.VersionAsync(db, default);
        Assert.True((await s.Editor.SetStateAsync(sye, ProcessState.Measured, new DateOnly(2026, 7, 20), central, default)).Succeeded);
        Assert.True(await ProcessQueries.VersionAsync(db, default) > version);
        await s.BenefitsMeasurer().MeasureAllAsync(default);
        Assert.Equal(450, (await db.Measurements.AsNoTracking().SingleAsync(m => m.IndicatorId == indicator.Value.Id && m.Automatic && m.AgencyId == null
            && m.Date == new DateOnly(2026, 8, 1))).Value);

        var picture = await s.Benefits.PictureAsync(null, s.Today, default);
        var view = Assert.Single(picture.Benefits);
        Assert.Equal(3, view.Processes.Count);
        string text;
        using (var word = WordprocessingDocument.Open(new MemoryStream(BenefitsReport.Docx(BenefitsReportKind.Status, picture, null)), false))
        {
            text = word.MainDocumentPart!.Document.Body!.InnerText;
        }
        Assert.Contains("Prosess bak tallene", text, StringComparison.Ordinal);
        Assert.Contains("Byggesøknader", text, StringComparison.Ordinal);
        Assert.Contains("Timelister", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ikke knyttet", text, StringComparison.Ordinal);
        Assert.Contains("Verdi per år", text, StringComparison.Ordinal);
        Assert.Contains(BenefitsReport.Kroner(82_500), text, StringComparison.Ordinal);

        // The workbook lists them on a sheet of their own, figures as numbers.
        var sheets = WorkbookCells.Read(BenefitsReport.Xlsx(BenefitsReportKind.Status, picture, null));
        Assert.Equal(["Indikatorer", "Prissatte", "Prosesser", "Målinger"], sheets.Keys);
        var rows = sheets["Prosesser"];
        Assert.Equal(["Gevinst", "Prosess", "Eier", "Status", "Flyttet", "Timer spart per år", "Verdi per år (kr)", "Utskrifter unngått per år",
            "kg CO2e unngått per år", "Sikkerhet", "Telles"], rows[1].Select(c => c.Text));
        var listed = rows.Skip(2).Where(r => r.Count > 2).ToList();
        Assert.Equal(["Byggesøknader", "Saksbehandling mellom etater på e-post", "Timelister"], listed.Select(r => r[1].Text));
        var bygg = listed[0];
        Assert.Equal(["Mindre tid på e-post og samordning", "Byggesøknader", "Bydel Nord", "Målt", "15.07.2026"], bygg[..5].Select(c => c.Text));
        Assert.True(bygg[5].IsNumber && bygg[6].IsNumber);
        Assert.Equal(150, double.Parse(bygg[5].Text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(82_500, double.Parse(bygg[6].Text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3000, double.Parse(bygg[7].Text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["Middels", "Ja"], bygg[9..].Select(c => c.Text));
        Assert.Equal(165_000, double.Parse(listed[1][6].Text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("", "Nei"), (listed[2][6].Text, listed[2][^1].Text)); // not moved: no gain, not counted

        // An agency's report lists only the processes the agency owns or takes part in.
        var bnoReport = WorkbookCells.Read(BenefitsReport.Xlsx(BenefitsReportKind.Status, await s.Benefits.PictureAsync(ids["BNO"], s.Today, default), null));
        Assert.Equal(["Byggesøknader"], bnoReport["Prosesser"].Skip(2).Where(r => r.Count > 2).Select(r => r[1].Text));
    }
}
