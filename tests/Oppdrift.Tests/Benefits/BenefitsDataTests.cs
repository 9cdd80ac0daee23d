using System.Globalization;
using System.Security.Claims;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;
using Oppdrift.Usage;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Oppdrift.Tests.Benefits;

public sealed class BenefitsDataTests
{
    private static readonly DateOnly Last = UsageSeed.LastDay;

    /// <summary>The baseline five weeks before the last day of the seeded 60 days, so its 28-day window is full.</summary>
    private static readonly DateOnly BaselineDate = Last.AddDays(-35);

    private static readonly ClaimsPrincipal Central = BenefitsUsers.Central;

    private static ClaimsPrincipal Leader(int agencyId) => BenefitsUsers.Leader(agencyId);

    /// <summary>The share of Teams-active people among the licensed on a date, as the seed writes it, for the given groups' head counts.</summary>
    private static double TeamsActiveShare(DateOnly date, params int[] people) =>
        100.0 * people.Sum(p => UsageSeed.Value("teams.active28", p, date)) / people.Sum(p => UsageSeed.Value("teams.licensed", p, date));

    private static int[] AllPeople => [.. UsageSeed.Agencies.Select(a => a.People), UsageSeed.UnplacedPeople];

    private static async Task<(int Goal, int Benefit)> GoalAndBenefitAsync(BenefitsServices s, IReadOnlyList<int>? agencies = null)
    {
        var goal = await s.Editor.SaveGoalAsync(null, new GoalInput("Arbeide mer effektivt", null), Central, default);
        var benefit = await s.Editor.SaveBenefitAsync(null, new BenefitInput(goal.Value!.Id, "Alle bruker Teams", null, "Systemeier", BaselineDate,
            BaselineDate.AddYears(2), false, true, "Opplæring", null, agencies ?? []), Central, default);
        Assert.True(benefit.Succeeded, benefit.Error);
        return (goal.Value.Id, benefit.Value!.Id);
    }

    private static IndicatorInput TeamsIndicator(int benefitId, DateOnly baselineDate, params TargetInput[] targets) =>
        new(benefitId, "Andel aktive i Teams", null, null, true, IndicatorSource.Usage, "teamsActive", baselineDate, null, MeasurementSchedule.Weekly,
            null, null, null, targets.Length == 0 ? [new TargetInput(Last.AddDays(300), 90)] : targets);

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_usage_indicator_takes_its_baseline_from_history_and_is_measured_per_agency_without_the_small_ones(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await GoalAndBenefitAsync(s);

        var saved = await s.Editor.SaveIndicatorAsync(null, TeamsIndicator(benefitId, BaselineDate), Central, default);

        Assert.True(saved.Succeeded, saved.Error);
        Assert.Equal(Math.Round(TeamsActiveShare(BaselineDate, AllPeople), 2), saved.Value!.BaselineValue);
        Assert.Equal((0.0, 100.0), (saved.Value.MinValue, saved.Value.MaxValue));
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "benefits.indicator.create");
        Assert.Contains("Andel aktive i Teams", audit.After, StringComparison.Ordinal);

        var written = await s.Measurer.MeasureAllAsync(default);
        var again = await s.Measurer.MeasureAllAsync(default);

        // Weekly from the baseline: the baseline and five weeks; the municipality and the four agencies of ten or more.
        var measurements = await db.Measurements.AsNoTracking().ToListAsync();
        Assert.Equal(6 * 5, written);
        Assert.Equal(0, again);
        Assert.DoesNotContain(measurements, m => m.AgencyId == ids["MOB"] || m.AgencyId == ids["ELO"]);
        var sye = measurements.Where(m => m.AgencyId == ids["SYE"]).OrderBy(m => m.Date).ToList();
        Assert.Equal([BaselineDate, .. Enumerable.Range(1, 5).Select(w => BaselineDate.AddDays(7 * w))], sye.Select(m => m.Date));
        Assert.Equal(Math.Round(TeamsActiveShare(Last, 600), 4), sye[^1].Value, 6);

        // The agency is judged against its own baseline, with the municipality's planned improvement.
        var picture = await s.Queries.PictureAsync(ids["SYE"], Last, default);
        var view = picture.Benefits.Single().Indicators.Single();
        var ownBaseline = Math.Round(TeamsActiveShare(BaselineDate, 600), 4);
        Assert.Equal(ownBaseline, view.Plan.BaselineValue, 6);
        Assert.Equal(90 - saved.Value.BaselineValue + ownBaseline, view.Plan.FinalTarget!.Value.Value, 6);
        Assert.Equal(5, view.Measurements.Count);
        Assert.Equal(view.Plan.Status(Last, sye[^1].Value), view.Status);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bad_indicators_and_measurements_get_a_clear_message_and_nothing_is_saved(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await GoalAndBenefitAsync(s);

        var targetBefore = await s.Editor.SaveIndicatorAsync(null, TeamsIndicator(benefitId, BaselineDate, new TargetInput(BaselineDate.AddDays(-1), 80)), Central, default);
        var noData = await s.Editor.SaveIndicatorAsync(null, TeamsIndicator(benefitId, Last.AddDays(40)), Central, default);
        var unknownSource = await s.Editor.SaveIndicatorAsync(null, TeamsIndicator(benefitId, BaselineDate) with { UsageMeasure = "metric:nope" }, Central, default);

        Assert.False(targetBefore.Succeeded);
        Assert.Equal("Targets", targetBefore.Field);
        Assert.Contains("nullpunktsdatoen", targetBefore.Error, StringComparison.Ordinal);
        Assert.False(noData.Succeeded);
        Assert.Equal("BaselineDate", noData.Field);
        Assert.Contains(Last.ToString("d", CultureInfo.CurrentCulture), noData.Error, StringComparison.Ordinal);
        Assert.Equal("UsageMeasure", unknownSource.Field);
        Assert.Equal(0, await db.Indicators.CountAsync());

        var survey = await s.Editor.SaveIndicatorAsync(null, new IndicatorInput(benefitId, "Tilfredshet", null, "poeng", true, IndicatorSource.Manual, null,
            BaselineDate, 3.4, MeasurementSchedule.Quarterly, 1, 5, null, [new TargetInput(BaselineDate.AddYears(1), 4)]), Central, default);
        Assert.True(survey.Succeeded, survey.Error);
        var implausible = await s.Editor.AddMeasurementAsync(new MeasurementInput(survey.Value!.Id, null, Last, 7, "Undersøkelsen"), Central, default);
        var future = await s.Editor.AddMeasurementAsync(new MeasurementInput(survey.Value.Id, null, Last.AddDays(30), 4, "Undersøkelsen"), Central, default);
        var noComment = await s.Editor.AddMeasurementAsync(new MeasurementInput(survey.Value.Id, null, Last, 4, " "), Central, default);
        var otherAgency = await s.Editor.AddMeasurementAsync(new MeasurementInput(survey.Value.Id, ids["BNO"], Last, 4, "Puls"), Leader(ids["SYE"]), default);
        var municipality = await s.Editor.AddMeasurementAsync(new MeasurementInput(survey.Value.Id, null, Last, 4, "Puls"), Leader(ids["SYE"]), default);

        Assert.Equal(("Value", false), (implausible.Field, implausible.Succeeded));
        Assert.Contains("1 – 5", implausible.Error, StringComparison.Ordinal);
        Assert.Equal("Date", future.Field);
        Assert.Equal("Comment", noComment.Field);
        Assert.Equal("AgencyId", otherAgency.Field);
        Assert.Equal("AgencyId", municipality.Field);
        Assert.Equal(0, await db.Measurements.CountAsync());

        var own = await s.Editor.AddMeasurementAsync(new MeasurementInput(survey.Value.Id, ids["SYE"], Last, 3.9, "Puls i Sykehjemsetaten"), Leader(ids["SYE"]), default);
        Assert.True(own.Succeeded, own.Error);
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "benefits.measurement.create");
        Assert.Equal("leder", entry.Actor);
        Assert.Contains("3.9", entry.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agency_leaders_change_only_their_own_agencies_benefits_and_every_change_keeps_before_and_after(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        var s = new BenefitsServices(db);
        var (goalId, municipalityBenefit) = await GoalAndBenefitAsync(s);
        var leader = Leader(ids["SYE"]);
        BenefitInput Input(params int[] agencies) => new(goalId, "Færre utskrifter", null, "Leder", BaselineDate, BaselineDate.AddYears(1), false, true, null, null, agencies);

        var forOther = await s.Editor.SaveBenefitAsync(null, Input(ids["BNO"]), leader, default);
        var forAll = await s.Editor.SaveBenefitAsync(null, Input(), leader, default);
        var editMunicipality = await s.Editor.SaveBenefitAsync(municipalityBenefit, Input(ids["SYE"]), leader, default);
        var goal = await s.Editor.SaveGoalAsync(null, new GoalInput("Eget mål", null), leader, default);
        var own = await s.Editor.SaveBenefitAsync(null, Input(ids["SYE"]), leader, default);
        var renamed = await s.Editor.SaveBenefitAsync(own.Value!.Id, Input(ids["SYE"]) with { Name = "Færre sider skrevet ut" }, leader, default);

        Assert.False(forOther.Succeeded);
        Assert.False(forAll.Succeeded);
        Assert.False(editMunicipality.Succeeded);
        Assert.False(goal.Succeeded);
        Assert.True(renamed.Succeeded, renamed.Error);
        Assert.Equal(2, await db.Benefits.CountAsync());
        var update = await db.AuditEntries.SingleAsync(a => a.Action == "benefits.benefit.update");
        Assert.Contains("\"Færre utskrifter\"", update.Before, StringComparison.Ordinal);
        Assert.Contains("\"Færre sider skrevet ut\"", update.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_status_report_for_an_agency_holds_its_goals_measurements_priced_values_and_climate_range(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.SeedAsync(db);
        for (var n = 0; n < 100; n++)
        {
            db.People.Add(new Person
            {
                UserPrincipalName = $"p{n}@k.no",
                NormalizedUserPrincipalName = $"P{n}@K.NO",
                DisplayName = $"P {n}",
                IsActive = true,
                AgencyId = ids["SYE"],
            });
        }
        await db.SaveChangesAsync();
        var s = new BenefitsServices(db);

        var loaded = await s.Template.LoadAsync(Central, BaselineDate, default);
        Assert.True(loaded.Succeeded, loaded.Error);
        Assert.Equal(10, loaded.Value);
        await s.Measurer.MeasureAllAsync(default);
        var picture = await s.Queries.PictureAsync(ids["SYE"], Last, default);
        var footprint = await s.Climate.FootprintAsync(ids["SYE"], Last, default);

        var docx = BenefitsReport.Docx(BenefitsReportKind.Status, picture, footprint);
        var xlsx = BenefitsReport.Xlsx(BenefitsReportKind.Status, picture, footprint);

        string text;
        using (var word = WordprocessingDocument.Open(new MemoryStream(docx), false))
        {
            text = word.MainDocumentPart!.Document.Body!.InnerText;
        }
        Assert.Contains("Gevinstrealiseringsrapport", text, StringComparison.Ordinal);
        Assert.Contains("Sykehjemsetaten", text, StringComparison.Ordinal);
        foreach (var goal in new[] { "Arbeide mer effektivt", "Bedre sikkerhet og personvern", "Økt medarbeidertilfredshet", "Redusert klimaavtrykk" })
        {
            Assert.Contains(goal, text, StringComparison.Ordinal);
        }
        var teams = picture.Benefits.SelectMany(b => b.Indicators).Single(i => i.Indicator.UsageMeasure == "teamsActive");
        // Monthly from the baseline: the latest measurement is a month after it.
        Assert.Equal(BaselineDate.AddMonths(1), teams.Latest!.Date);
        Assert.Equal(Math.Round(TeamsActiveShare(BaselineDate.AddMonths(1), 600), 4), teams.Latest.Value, 6);
        Assert.Contains(BenefitsReport.Number(teams.Latest.Value), text, StringComparison.Ordinal);
        Assert.Contains(BenefitsReport.StatusRule, text, StringComparison.Ordinal);
        Assert.Contains("Klimaavtrykk", text, StringComparison.Ordinal);

        var sheets = ReadSheets(xlsx);
        var indicators = sheets["Indikatorer"];
        var row = indicators.Single(r => r.Count > 5 && r[5] == teams.Indicator.Name);
        Assert.Equal(teams.Plan.BaselineValue, double.Parse(row[9], CultureInfo.InvariantCulture), 4);
        Assert.Equal(teams.Latest.Value, double.Parse(row[13], CultureInfo.InvariantCulture), 4);
        Assert.Equal(BenefitsReport.Status(teams.Status), row[16]);

        // Priced: e-mail to Teams (0.5 h) and links (0.3 h) per employee and percentage point, 100 employees, 550 kr an hour.
        var priced = sheets["Prissatte"];
        var year = priced.Single(r => r.Count > 1 && r[0] == Last.Year.ToString(CultureInfo.InvariantCulture) && r[1] == "Arbeide mer effektivt");
        var expected = 0.0;
        foreach (var (measure, hours) in new[] { ("emailToTeams", 0.5), ("linksShared", 0.3) })
        {
            var view = picture.Benefits.SelectMany(b => b.Indicators).Single(i => i.Indicator.UsageMeasure == measure);
            expected += (view.Latest!.Value - view.Plan.BaselineValue) * hours * 100 * 550;
        }
        Assert.Equal(Math.Round(expected), double.Parse(year[3], CultureInfo.InvariantCulture), 0);
        Assert.Contains(sheets["Målinger"], r => r.Count > 1 && r[1] == teams.Indicator.Name);
        Assert.Equal(["Kilde", "Lavt", "Sentralt", "Høyt"], sheets["Klima"][1]);
    }

    /// <summary>Each sheet's rows as text (numbers in invariant form), by sheet name.</summary>
    internal static Dictionary<string, List<List<string>>> ReadSheets(byte[] xlsx)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var result = new Dictionary<string, List<List<string>>>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<X.Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            result[sheet.Name!] = [.. part.Worksheet.Descendants<X.Row>().Select(r => r.Elements<X.Cell>()
                .Select(c => c.DataType?.Value == X.CellValues.InlineString ? c.InlineString!.InnerText : c.CellValue?.Text ?? "").ToList())];
        }
        return result;
    }

    /// <summary>A fake clock that says each time a wait is armed, so a test knows the job has finished a check.</summary>
    /// <summary>A fake clock that tells when the job waits for its next check (not when the lease's renewal waits).</summary>
    private sealed class SteppedClock(DateTimeOffset start, TimeSpan every) : FakeTimeProvider(start), IDisposable
    {
        private readonly SemaphoreSlim _armed = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == every)
            {
                _armed.Release();
            }
            return timer;
        }

        public Task<bool> ArmedAsync() => _armed.WaitAsync(TimeSpan.FromSeconds(60));

        public void Dispose() => _armed.Dispose();
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_measurement_job_waits_for_a_background_batch_of_usage_to_end_before_measuring(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var db = database.CreateContext())
        {
            await UsageSeed.SeedAsync(db);
            var s = new BenefitsServices(db);
            var (_, benefitId) = await GoalAndBenefitAsync(s);
            Assert.True((await s.Editor.SaveIndicatorAsync(null, TeamsIndicator(benefitId, BaselineDate), Central, default)).Succeeded);
        }
        var options = new BenefitsOptions { CheckEvery = TimeSpan.FromMinutes(1) };
        using var clock = new SteppedClock(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), options.CheckEvery);
        await using var services = new ServiceCollection()
            .AddScoped(_ => database.CreateContext())
            .AddScoped(p =>
            {
                var db = p.GetRequiredService<OppdriftDb>();
                return new BenefitsMeasurer(db, new UsageIndicatorQuery(db, new UsageQueries(db, new SuppressionOptions(), clock, new UsageFigureCache())), clock);
            })
            .BuildServiceProvider();
        var status = new UsageLoadStatus();
        using var job = new BenefitsMeasurementJob(services, options, status, new Oppdrift.Shared.BackgroundLoadStatus(), new Oppdrift.Shared.JobLeases(database.Provider, clock, NullLogger<Oppdrift.Shared.JobLeases>.Instance),
            NullLogger<BenefitsMeasurementJob>.Instance, clock);
        async Task<int> MeasurementsAsync()
        {
            await using var db = database.CreateContext();
            return await db.Measurements.CountAsync();
        }

        var batch = status.Begin(9);
        await job.StartAsync(default);
        Assert.True(await clock.ArmedAsync());
        clock.Advance(options.CheckEvery);
        Assert.True(await clock.ArmedAsync(), "the check while the batch runs did not finish");
        var whileLoading = await MeasurementsAsync();

        batch.Dispose();
        clock.Advance(options.CheckEvery);
        Assert.True(await clock.ArmedAsync(), "the check after the batch did not finish");
        var afterwards = await MeasurementsAsync();
        await job.StopAsync(default);

        Assert.Equal(0, whileLoading);
        // Weekly from the baseline: the baseline and five weeks; the municipality and the four agencies of ten or more.
        Assert.Equal(6 * 5, afterwards);
    }
}
