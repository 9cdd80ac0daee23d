using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;
using Oppdrift.Tests.Benefits;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

/// <summary>A survey question as a benefit indicator's source, measured at each round with the results page's suppression.</summary>
public sealed class SurveyMeasuresTests
{
    private const string Overall = "Hvor fornøyd er du alt i alt med de digitale verktøyene på jobb?";
    private const string Find = "Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.";

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_survey_indicator_is_measured_at_each_closed_round_per_agency_and_hidden_where_the_page_hides(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var s = new BenefitsServices(db);
        var created = await new SurveyDesigner(db, s.Clock).CreateAsync(SurveyMeasures.StarterSurvey, null, ["info-find", "rating-overall"], 3, "test", default);
        Assert.True(created.Succeeded, created.Error);
        var importer = new FormsImporter(db, new OrganisationDirectory(db), new SurveysOptions(), s.Clock);
        // March: Sykehjemsetaten 10 × 3, Bydel Nord 10 × 4, Kulturetaten 3 × 5 (too few); June: Sykehjemsetaten 10 × 4, Bydel Nord 10 × 5, Kulturetaten 6 × 4.
        foreach (var (round, month, answers) in new[]
        {
            ("2026 K1", 3, new[] { ("SYE", 10, "3"), ("BNO", 10, "4"), ("KUL", 3, "5") }),
            ("2026 K2", 6, new[] { ("SYE", 10, "4"), ("BNO", 10, "5"), ("KUL", 6, "4") }),
        })
        {
            var rows = answers.SelectMany(a => Enumerable.Range(0, a.Item2).Select(i => new FormsWorkbook.Response("anonymous", new DateTime(2026, month, 10, 9, i, 0), [a.Item1, "Enig", a.Item3]))).ToList();
            var result = await importer.ImportAsync(FormsWorkbook.Write(["Virksomhet", Find, Overall], rows), $"{round}.xlsx",
                new FormsImportRequest { SurveyName = SurveyMeasures.StarterSurvey, Actor = "test", RoundName = round, AgencyColumn = "Virksomhet" }, default);
            Assert.True(result.Status == FormsImportStatus.Imported, string.Join("\n", result.Errors));
        }
        var (_, benefit) = await s.BenefitAsync("Bedre digital arbeidsglede", new DateOnly(2026, 1, 1));
        var key = SurveyMeasures.Key(SurveyMeasures.StarterSurvey, "mean:rating-overall");
        var saved = await s.Editor.SaveIndicatorAsync(null, new IndicatorInput(benefit, "Tilfredshet med digitale verktøy (1–5)", null, null, true, IndicatorSource.Survey, key,
            new DateOnly(2026, 1, 1), 3.4, MeasurementSchedule.Quarterly, null, null, null, [new TargetInput(new DateOnly(2027, 1, 1), 4.0)]), BenefitsUsers.Central, default);
        Assert.True(saved.Succeeded, saved.Error);
        Assert.Equal(("poeng", 1.0, 10.0), (saved.Value!.Unit, saved.Value.MinValue!.Value, saved.Value.MaxValue!.Value));

        var written = await s.Measurer.MeasureAllAsync(default, saved.Value.Id);

        var measured = await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == saved.Value.Id).ToListAsync();
        var march = new DateOnly(2026, 3, 10);
        var june = new DateOnly(2026, 6, 10);
        var values = measured.ToDictionary(m => (m.Date, m.AgencyId ?? 0), m => m.Value);
        Assert.Equal(3.7, values[(march, 0)]); // 85 / 23
        Assert.Equal(4.0, values[(march, ids["BNO"])]);
        // Kulturetaten's three are hidden in March, and with them Sykehjemsetaten (the first of the smallest siblings), as on the page.
        Assert.False(values.ContainsKey((march, ids["KUL"])));
        Assert.False(values.ContainsKey((march, ids["SYE"])));
        Assert.Equal(4.38, values[(june, 0)]); // 114 / 26
        Assert.Equal((4.0, 5.0, 4.0), (values[(june, ids["SYE"])], values[(june, ids["BNO"])], values[(june, ids["KUL"])]));
        Assert.Equal(written, measured.Count);
        Assert.All(measured, m => Assert.True(m.Automatic));
        var view = await s.Queries.PictureAsync(null, june, default);
        Assert.Equal("Undersøkelse: Digital arbeidshverdag – mean:rating-overall", view.Benefits.Single().Indicators.Single().SourceName);
        Assert.Contains(await new SurveyQueries(db, new OrganisationDirectory(db), new SurveysOptions()).MeasuresAsync(false, default),
            m => m.Measure == "theme:information" && m.Survey == SurveyMeasures.StarterSurvey);
    }
}
