using Microsoft.EntityFrameworkCore;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Usage;

namespace Oppdrift.Tests.Benefits;

/// <summary>What the editor refuses (each refusal names the field and saves nothing), and removing a manual measurement.</summary>
public sealed class BenefitsEditorTests
{
    private static readonly DateOnly Baseline = new(2026, 6, 1);

    /// <summary>Rows, targets and audit entries of the module, to show a refusal left nothing behind.</summary>
    private static async Task<(int, int, int, int, int, int)> CountAsync(OppdriftDb db) =>
        (await db.BenefitGoals.CountAsync(), await db.Benefits.CountAsync(), await db.Indicators.CountAsync(), await db.IndicatorTargets.CountAsync(),
            await db.Measurements.CountAsync(), await db.AuditEntries.CountAsync());

    private static void Refused<T>(Result<T> result, string field, string why)
    {
        Assert.False(result.Succeeded, why);
        Assert.True(field == result.Field, $"{why}: the refusal names '{result.Field}', not '{field}'");
        Assert.False(string.IsNullOrWhiteSpace(result.Error), why);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_refused_goal_or_benefit_names_its_field_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (goalId, benefitId) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var before = await CountAsync(db);
        var central = BenefitsUsers.Central;
        var editor = s.Editor;
        BenefitInput Benefit(params int[] agencies) =>
            new(goalId, "Færre utskrifter", "Dokumenter leses digitalt.", "Miljøkoordinator", Baseline, Baseline.AddYears(1), false, true, null, null, agencies);

        Refused(await editor.SaveGoalAsync(null, new GoalInput("  ", null), central, default), "Name", "a goal without a name");
        Refused(await editor.SaveGoalAsync(null, new GoalInput(new string('m', 201), null), central, default), "Name", "a goal name too long to store");
        Refused(await editor.SaveGoalAsync(null, new GoalInput("Mål", new string('d', 4001)), central, default), "Description", "a goal description too long to store");
        Refused(await editor.SaveGoalAsync(null, new GoalInput("Eget mål", null), BenefitsUsers.Leader(ids["SYE"]), default), "", "a goal by an agency leader");
        Refused(await editor.SaveGoalAsync(null, new GoalInput("Eget mål", null), BenefitsUsers.SystemOwner, default), "", "a goal by the system owner");
        Refused(await editor.SaveGoalAsync(goalId + 100, new GoalInput("Finnes ikke", null), central, default), "", "a goal that does not exist");

        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Name = " " }, central, default), "Name", "a benefit without a name");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Owner = null }, central, default), "Owner", "a benefit without an owner");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Start = null }, central, default), "Start", "a benefit without a start");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { End = Baseline.AddDays(-1) }, central, default), "End", "a benefit ending before it starts");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { GoalId = goalId + 100 }, central, default), "GoalId", "a benefit for a goal that does not exist");
        Refused(await editor.SaveBenefitAsync(null, Benefit(ids["SYE"], ids["SYE"] + 1000), central, default), "AgencyIds", "a benefit for an agency that does not exist");
        Refused(await editor.SaveBenefitAsync(null, Benefit(ids["BNO"]), BenefitsUsers.Leader(ids["SYE"]), default), "AgencyIds", "a leader's benefit for another agency");
        Refused(await editor.SaveBenefitAsync(null, Benefit(), BenefitsUsers.Leader(ids["SYE"]), default), "AgencyIds", "a leader's benefit for the whole municipality");
        Refused(await editor.SaveBenefitAsync(null, Benefit(ids["SYE"]), BenefitsUsers.SystemOwner, default), "AgencyIds", "a benefit by the system owner");
        Refused(await editor.SaveBenefitAsync(benefitId, Benefit(ids["SYE"]), BenefitsUsers.Leader(ids["SYE"]), default), "", "a leader changing the municipality's benefit");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Name = new string('n', 301) }, central, default), "Name", "a benefit name too long to store");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Owner = new string('o', 201) }, central, default), "Owner", "an owner too long to store");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Description = new string('d', 4001) }, central, default), "Description", "a description too long to store");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { DependsOn = new string('d', 4001) }, central, default), "DependsOn", "dependencies too long to store");
        Refused(await editor.SaveBenefitAsync(null, Benefit() with { Risks = new string('r', 4001) }, central, default), "Risks", "risks too long to store");

        await using var check = database.CreateContext();
        Assert.Equal(before, await CountAsync(check));
        Assert.Equal("Bedre digital arbeidsglede", (await check.Benefits.SingleAsync()).Name);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_refused_indicator_names_its_field_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var before = await CountAsync(db);
        var central = BenefitsUsers.Central;
        var editor = s.Editor;
        var survey = BenefitsServices.Survey(benefitId, Baseline);
        var target = new TargetInput(Baseline.AddYears(1), 4);

        var refusals = new (IndicatorInput Input, string Field, string Why)[]
        {
            (survey with { BenefitId = benefitId + 100 }, "BenefitId", "an indicator for a benefit that does not exist"),
            (survey with { Name = "" }, "Name", "an indicator without a name"),
            (survey with { Name = new string('n', 301) }, "Name", "a name too long to store"),
            (survey with { Definition = new string('d', 4001) }, "Definition", "a definition too long to store"),
            (survey with { BaselineDate = null }, "BaselineDate", "no baseline date"),
            (survey with { BaselineValue = null }, "BaselineValue", "a manual indicator without a baseline value"),
            (survey with { BaselineValue = double.NaN }, "BaselineValue", "a baseline that is not a number"),
            (survey with { BaselineValue = 7 }, "BaselineValue", "a baseline outside the possible range"),
            (survey with { Unit = " " }, "Unit", "a manual indicator without a unit"),
            (survey with { Unit = new string('u', 41) }, "Unit", "a unit too long to store"),
            (survey with { MinValue = 5, MaxValue = 1, BaselineValue = 3 }, "MaxValue", "the lowest possible value above the highest"),
            (survey with { MinValue = double.NegativeInfinity }, "MinValue", "a lowest value that is not a number"),
            (survey with { MaxValue = double.NaN }, "MaxValue", "a highest value that is not a number"),
            (survey with { Targets = [] }, "Targets", "no targets"),
            (survey with { Targets = [new TargetInput(Baseline, 4)] }, "Targets", "a target on the baseline date"),
            (survey with { Targets = [new TargetInput(Baseline.AddYears(1), 6)] }, "Targets", "a target outside the possible range"),
            (survey with { Targets = [target, target with { Value = 4.5 }] }, "Targets", "two targets on one date"),
            (survey with { Targets = [target with { Value = double.NaN }] }, "Targets", "a target that is not a number"),
            (survey with { HoursPerUnit = -0.5 }, "HoursPerUnit", "negative hours saved"),
            (survey with { HoursPerUnit = double.PositiveInfinity }, "HoursPerUnit", "hours saved that are not a number"),
            (survey with { Source = IndicatorSource.Usage, UsageMeasure = "metric:nope" }, "UsageMeasure", "an unknown usage measure"),
            (survey with { Source = IndicatorSource.Usage, UsageMeasure = "teamsActive", BaselineValue = null }, "UsageMeasure", "a usage measure before any usage is imported"),
            (survey with { Source = IndicatorSource.Migration, UsageMeasure = "teamsActive" }, "UsageMeasure", "a migration indicator with a usage measure"),
            (survey with { Source = IndicatorSource.Migration, UsageMeasure = MigrationMeasures.BytesMoved, BaselineDate = s.Today.AddDays(1), Targets = [new TargetInput(s.Today.AddYears(1), 50)] },
                "BaselineDate", "a migration baseline in the future"),
        };
        foreach (var (input, field, why) in refusals)
        {
            Refused(await editor.SaveIndicatorAsync(null, input, central, default), field, why);
        }
        Refused(await editor.SaveIndicatorAsync(null, survey, BenefitsUsers.Leader(ids["SYE"]), default), "", "a leader's indicator on the municipality's benefit");
        Refused(await editor.SaveIndicatorAsync(null, survey, BenefitsUsers.SystemOwner, default), "", "an indicator by the system owner");

        await using var check = database.CreateContext();
        Assert.Equal(before, await CountAsync(check));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_refused_measurement_names_its_field_and_saves_nothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var indicator = await s.SurveyAsync(benefitId, Baseline);
        var before = await CountAsync(db);
        var day = Baseline.AddMonths(3);
        var entry = new MeasurementInput(indicator, ids["SYE"], day, 3.8, "Pulsundersøkelsen i september");

        var refusals = new (MeasurementInput Input, string Field, string Why)[]
        {
            (entry with { IndicatorId = indicator + 100 }, "IndicatorId", "an indicator that does not exist"),
            (entry with { AgencyId = ids["SYE"] + 1000 }, "AgencyId", "an agency that does not exist"),
            (entry with { Date = null }, "Date", "no date"),
            (entry with { Date = Baseline.AddDays(-1) }, "Date", "a date before the baseline"),
            (entry with { Date = s.Today.AddDays(1) }, "Date", "a date in the future"),
            (entry with { Value = null }, "Value", "no value"),
            (entry with { Value = double.NaN }, "Value", "a value that is not a number"),
            (entry with { Value = double.PositiveInfinity }, "Value", "an infinite value"),
            (entry with { Value = 0.9 }, "Value", "a value below the possible range"),
            (entry with { Value = 5.1 }, "Value", "a value above the possible range"),
            (entry with { Comment = "  " }, "Comment", "no comment saying where the figure comes from"),
            (entry with { Comment = new string('c', 2001) }, "Comment", "a comment too long to store"),
        };
        foreach (var (input, field, why) in refusals)
        {
            Refused(await s.Editor.AddMeasurementAsync(input, BenefitsUsers.Central, default), field, why);
        }
        Refused(await s.Editor.AddMeasurementAsync(entry with { AgencyId = ids["BNO"] }, BenefitsUsers.Leader(ids["SYE"]), default), "AgencyId", "a leader measuring another agency");
        Refused(await s.Editor.AddMeasurementAsync(entry with { AgencyId = null }, BenefitsUsers.Leader(ids["SYE"]), default), "AgencyId", "a leader measuring the municipality");
        Refused(await s.Editor.AddMeasurementAsync(entry, BenefitsUsers.SystemOwner, default), "AgencyId", "the system owner measuring");
        Refused(await s.Editor.AddMeasurementAsync(entry, BenefitsUsers.Employee, default), "AgencyId", "an employee measuring");

        await using (var check = database.CreateContext())
        {
            Assert.Equal(before, await CountAsync(check));
        }
        // The bounds themselves are possible values, and who entered it is recorded.
        var lowest = await s.Editor.AddMeasurementAsync(entry with { Value = 1 }, BenefitsUsers.Leader(ids["SYE"]), default);
        Assert.True(lowest.Succeeded, lowest.Error);
        Assert.Equal(("leder", s.Clock.GetUtcNow().UtcDateTime), (lowest.Value!.EnteredBy, lowest.Value.EnteredAt));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_goal_change_is_audited_with_before_and_after(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var s = new BenefitsServices(db);
        var created = await s.Editor.SaveGoalAsync(null, new GoalInput("  Arbeide mer effektivt ", "Mindre tid\r\npå e-post"), BenefitsUsers.Central, default);
        var second = await s.Editor.SaveGoalAsync(null, new GoalInput("Bedre sikkerhet", null), BenefitsUsers.Central, default);
        var renamed = await s.Editor.SaveGoalAsync(created.Value!.Id, new GoalInput("Jobbe smartere", ""), BenefitsUsers.Central, default);

        Assert.True(renamed.Succeeded, renamed.Error);
        Assert.Equal((1, 2), (created.Value.SortOrder, second.Value!.SortOrder));
        await using var check = database.CreateContext();
        var goal = await check.BenefitGoals.SingleAsync(g => g.Id == created.Value.Id);
        Assert.Equal(("Jobbe smartere", null), (goal.Name, goal.Description));
        var update = await check.AuditEntries.SingleAsync(a => a.Action == "benefits.goal.update");
        Assert.Equal(("endringsleder", $"goal:{goal.Id}"), (update.Actor, update.Target));
        Assert.Equal("{\"Name\":\"Arbeide mer effektivt\",\"Description\":\"Mindre tid\\npå e-post\"}", update.Before);
        Assert.Equal("{\"Name\":\"Jobbe smartere\",\"Description\":null}", update.After);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_manual_measurement_is_deleted_only_by_the_central_team_or_a_leader_of_its_agency_and_the_audit_keeps_what_it_was(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await s.BenefitAsync("Bedre digital arbeidsglede", Baseline);
        var indicator = await s.SurveyAsync(benefitId, Baseline);
        var leader = BenefitsUsers.Leader(ids["SYE"]);
        var day = Baseline.AddMonths(3);
        var own = await s.MeasureAsync(indicator, ids["SYE"], day, 3.9, leader);
        var other = await s.MeasureAsync(indicator, ids["BNO"], day, 3.6);
        var municipality = await s.MeasureAsync(indicator, null, day, 3.7);
        db.ChangeTracker.Clear();

        Refused(await s.Editor.DeleteMeasurementAsync(other, leader, default), "AgencyId", "a leader deleting another agency's measurement");
        Refused(await s.Editor.DeleteMeasurementAsync(municipality, leader, default), "AgencyId", "a leader deleting the municipality's measurement");
        Refused(await s.Editor.DeleteMeasurementAsync(own, BenefitsUsers.SystemOwner, default), "AgencyId", "the system owner deleting");
        Refused(await s.Editor.DeleteMeasurementAsync(own, BenefitsUsers.Employee, default), "AgencyId", "an employee deleting");
        Assert.Equal(3, await db.Measurements.CountAsync());
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "benefits.measurement.delete"));

        var byLeader = await s.Editor.DeleteMeasurementAsync(own, leader, default);
        var byCentral = await s.Editor.DeleteMeasurementAsync(municipality, BenefitsUsers.Central, default);
        var again = await s.Editor.DeleteMeasurementAsync(own, leader, default);

        Assert.True(byLeader.Succeeded, byLeader.Error);
        Assert.True(byCentral.Succeeded, byCentral.Error);
        Refused(again, "", "a measurement already deleted");
        await using var check = database.CreateContext();
        Assert.Equal([other], await check.Measurements.Select(m => m.Id).ToListAsync());
        var entries = await check.AuditEntries.Where(a => a.Action == "benefits.measurement.delete").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["leder", "endringsleder"], entries.Select(e => e.Actor));
        Assert.All(entries, e => Assert.Equal("Tilfredshet med digitale verktøy", e.Target));
        Assert.All(entries, e => Assert.Null(e.After));
        Assert.Contains($"\"AgencyId\":{ids["SYE"]},\"Date\":\"{day:yyyy-MM-dd}\",\"Value\":3.9,\"Comment\":\"Pulsundersøkelsen\",\"EnteredBy\":\"leder\"",
            entries[0].Before, StringComparison.Ordinal);
        Assert.Contains("\"AgencyId\":null", entries[1].Before, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_automatic_measurement_cannot_be_deleted_by_anyone(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await UsageSeed.AgenciesAsync(db);
        var s = new BenefitsServices(db);
        var (_, benefitId) = await s.BenefitAsync("Alle bruker Teams", Baseline);
        var indicator = await s.SurveyAsync(benefitId, Baseline);
        var automatic = new Measurement
        {
            IndicatorId = indicator,
            AgencyId = ids["SYE"],
            Date = Baseline.AddMonths(1),
            Value = 3.5,
            Automatic = true,
            EnteredBy = BenefitsMeasurer.Actor,
            EnteredAt = s.Clock.GetUtcNow().UtcDateTime,
        };
        db.Measurements.Add(automatic);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        Refused(await s.Editor.DeleteMeasurementAsync(automatic.Id, BenefitsUsers.Central, default), "", "the central team deleting an automatic measurement");
        Refused(await s.Editor.DeleteMeasurementAsync(automatic.Id, BenefitsUsers.Leader(ids["SYE"]), default), "", "a leader deleting an automatic measurement");

        await using var check = database.CreateContext();
        Assert.Equal(1, await check.Measurements.CountAsync());
        Assert.False(await check.AuditEntries.AnyAsync(a => a.Action == "benefits.measurement.delete"));
    }
}
