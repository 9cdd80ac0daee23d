using Oppdrift.Benefits;
using Oppdrift.Tests.Shared.Exports;

namespace Oppdrift.Tests.Benefits;

public sealed class BenefitsReportExportTests
{
    private const string Hostile = "=HYPERLINK(\"http://x\")";

    private static BenefitsPicture Picture()
    {
        var date = new DateOnly(2026, 11, 30);
        var benefit = new Benefit
        {
            Name = "@færre utskrifter",
            Owner = "+47 22 00 00 00",
            Start = new DateOnly(2026, 1, 1),
            End = new DateOnly(2027, 12, 31),
        };
        var indicator = new Indicator { Name = "Endring i utskrifter", Unit = "\tsider", HigherIsBetter = false, BaselineValue = 0, BaselineDate = new DateOnly(2026, 1, 1) };
        var plan = new IndicatorPlan(0, new DateOnly(2026, 1, 1), false, [(new DateOnly(2027, 12, 31), -10.0)]);
        var measurement = new MeasurementView(1, new DateOnly(2026, 11, 1), -3.5, false, "-3,5 % siden i fjor", "-leder", new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            BenefitStatus.OnTrack);
        var view = new BenefitView(benefit, "Redusert klimaavtrykk", [(1, "EVIL", Hostile)], [new IndicatorView(indicator, plan, [measurement])], 100);
        return new BenefitsPicture(date, null, "Kommunen", [new GoalView(new BenefitGoal { Name = "Redusert klimaavtrykk" }, [view])], 550);
    }

    [Fact]
    public void A_hostile_agency_and_other_text_in_the_excel_report_are_marked_as_text_and_figures_stay_numbers()
    {
        var sheets = WorkbookCells.Read(BenefitsReport.Xlsx(BenefitsReportKind.Status, Picture(), null));

        foreach (var text in new[] { Hostile, "@færre utskrifter", "+47 22 00 00 00", "\tsider", "-3,5 % siden i fjor", "-leder" })
        {
            Assert.True(WorkbookCells.MarkedEverywhere(sheets, text), text);
        }
        var indicator = sheets["Indikatorer"].Single(r => r.Count > 5 && r[5].Text == "Endring i utskrifter");
        Assert.Equal(new WorkbookCell("-10", true, false), indicator[11]);
        Assert.Equal(new WorkbookCell("-3.5", true, false), indicator[13]);
        var measured = sheets["Målinger"].Single(r => r.Count > 3 && r[1].Text == "Endring i utskrifter");
        Assert.Equal(new WorkbookCell("-3.5", true, false), measured[3]);
    }
}
