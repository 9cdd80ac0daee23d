// Creates and changes goals, benefits, indicators and manual measurements: checks the input and the user's right to
// the agencies involved, writes the change and its audit entry (before and after) in one save, or nothing at all.
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

public sealed record GoalInput(string? Name, string? Description);

public sealed record BenefitInput(int GoalId, string? Name, string? Description, string? Owner, DateOnly? Start, DateOnly? End,
    bool Priced, bool Quantitative, string? DependsOn, string? Risks, IReadOnlyList<int> AgencyIds);

public sealed record TargetInput(DateOnly Date, double Value);

public sealed record IndicatorInput(int BenefitId, string? Name, string? Definition, string? Unit, bool HigherIsBetter, IndicatorSource Source,
    string? UsageMeasure, DateOnly? BaselineDate, double? BaselineValue, MeasurementSchedule Schedule, double? MinValue, double? MaxValue,
    double? HoursPerUnit, IReadOnlyList<TargetInput> Targets);

public sealed record MeasurementInput(int IndicatorId, int? AgencyId, DateOnly? Date, double? Value, string? Comment);

/// <summary>Who may change what: the central team everything; agency leaders only their own agencies' benefits and measurements.</summary>
public static class BenefitsAccess
{
    public static bool IsCentral(ClaimsPrincipal user) => (user.GetRoles() & (Roles.Administrator | Roles.ChangeLeader)) != 0;

    public static bool CanEditGoals(ClaimsPrincipal user) => IsCentral(user);

    /// <summary>A benefit for the whole municipality (no agencies) is the central team's; one for agencies, also theirs leaders'.</summary>
    public static bool CanEditBenefit(ClaimsPrincipal user, IReadOnlyCollection<int> agencyIds) =>
        IsCentral(user) || (user.GetRoles().HasFlag(Roles.AgencyLeader) && agencyIds.Count > 0 && agencyIds.All(user.ScopedAgencies().Contains));

    /// <summary>
    /// Whether the user may see a benefit at all: one for the whole municipality (no agencies), or one naming an agency in
    /// their scope (<see cref="OppdriftClaims.AgencyScope"/>). Another agency's benefit is answered as not found.
    /// </summary>
    public static bool CanSee(ClaimsPrincipal user, IReadOnlyCollection<int> agencyIds) =>
        user.AgencyScope() is not { } scope || agencyIds.Count == 0 || agencyIds.Any(scope.Contains);

    public static bool CanMeasure(ClaimsPrincipal user, int? agencyId) =>
        IsCentral(user) || (agencyId is { } id && user.GetRoles().HasFlag(Roles.AgencyLeader) && user.ScopedAgencies().Contains(id));
}

public sealed class BenefitsEditor(OppdriftDb db, TimeProvider clock, UsageIndicatorQuery usage)
{
    private OrganisationDirectory Organisation => new(db);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<Result<BenefitGoal>> SaveGoalAsync(int? id, GoalInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!BenefitsAccess.CanEditGoals(user))
        {
            return Result<BenefitGoal>.Fail("", BenefitsText.Get("ErrorNotAllowed"));
        }
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return Result<BenefitGoal>.Fail(nameof(input.Name), BenefitsText.Get("ErrorRequired", BenefitsText.Get("GoalName")));
        }
        if (TooLong((nameof(input.Name), "GoalName", input.Name, BenefitsLengths.GoalName), (nameof(input.Description), "Description", input.Description, BenefitsLengths.Text))
            is { } tooLong)
        {
            return Result<BenefitGoal>.Fail(tooLong.Field, tooLong.Error);
        }
        var name = input.Name.Trim();
        var description = Clean(input.Description);
        if (id is { } existing)
        {
            var goal = await db.BenefitGoals.SingleOrDefaultAsync(g => g.Id == existing, cancellationToken);
            if (goal is null)
            {
                return Result<BenefitGoal>.Fail("", BenefitsText.Get("ErrorNotFound"));
            }
            // Only what changed is recorded; a save that changes nothing writes nothing.
            var changes = new AuditChanges();
            changes.Set(nameof(GoalInput.Name), goal.Name, name, v => goal.Name = v);
            changes.Set(nameof(GoalInput.Description), goal.Description, description, v => goal.Description = v);
            if (changes.Any)
            {
                AuditLog.Record(db, clock, user.ActorName(), "benefits.goal.update", GoalTarget(goal.Id), changes.Before, changes.After);
                await db.SaveChangesAsync(cancellationToken);
            }
            return Result<BenefitGoal>.Ok(goal);
        }
        var created = new BenefitGoal
        {
            Name = name,
            Description = description,
            SortOrder = (await db.BenefitGoals.MaxAsync(g => (int?)g.SortOrder, cancellationToken) ?? 0) + 1,
        };
        db.BenefitGoals.Add(created);
        var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await using (transaction)
        {
            await db.SaveChangesAsync(cancellationToken);
            // Recorded once the goal has its id, so the goal's history finds its creation.
            AuditLog.Record(db, clock, user.ActorName(), "benefits.goal.create", GoalTarget(created.Id), null, new GoalInput(created.Name, created.Description));
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        return Result<BenefitGoal>.Ok(created);
    }

    /// <summary>
    /// Deletes a goal that no benefit serves; one with benefits is refused (move or delete them first), as their
    /// indicators and measurements would go with it.
    /// </summary>
    public async Task<Result<string>> DeleteGoalAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!BenefitsAccess.CanEditGoals(user))
        {
            return Result<string>.Fail("", BenefitsText.Get("ErrorNotAllowed"));
        }
        var goal = await db.BenefitGoals.SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (goal is null)
        {
            return Result<string>.Fail("", BenefitsText.Get("ErrorNotFound"));
        }
        var benefits = await db.Benefits.CountAsync(b => b.GoalId == id, cancellationToken);
        if (benefits > 0)
        {
            return Result<string>.Fail("delete", BenefitsText.Get("ErrorGoalHasBenefits", goal.Name, benefits));
        }
        db.BenefitGoals.Remove(goal);
        AuditLog.Record(db, clock, user.ActorName(), "benefits.goal.delete", GoalTarget(id), new GoalInput(goal.Name, goal.Description));
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(goal.Name);
    }

    public static string GoalTarget(int id) => "goal:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The goal's change history for its page, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> GoalHistoryAsync(int id, CancellationToken cancellationToken) =>
        await AuditLog.HistoryAsync(db, [GoalTarget(id)], ["benefits.goal.create", "benefits.goal.update"], cancellationToken);

    public async Task<Result<Benefit>> SaveBenefitAsync(int? id, BenefitInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        Result<Benefit> Fail(string field, string key, params object?[] args) => Result<Benefit>.Fail(field, BenefitsText.Get(key, args));
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return Fail(nameof(input.Name), "ErrorRequired", BenefitsText.Get("BenefitName"));
        }
        if (string.IsNullOrWhiteSpace(input.Owner))
        {
            return Fail(nameof(input.Owner), "ErrorRequired", BenefitsText.Get("Owner"));
        }
        if (input.Start is not { } start || input.End is not { } end)
        {
            return Fail(nameof(input.Start), "ErrorRequired", BenefitsText.Get("Period"));
        }
        if (end < start)
        {
            return Fail(nameof(input.End), "ErrorEndBeforeStart");
        }
        if (TooLong((nameof(input.Name), "BenefitName", input.Name, BenefitsLengths.Name), (nameof(input.Owner), "Owner", input.Owner, BenefitsLengths.Owner),
            (nameof(input.Description), "Description", input.Description, BenefitsLengths.Text), (nameof(input.DependsOn), "DependsOn", input.DependsOn, BenefitsLengths.Text),
            (nameof(input.Risks), "Risks", input.Risks, BenefitsLengths.Text)) is { } tooLong)
        {
            return Result<Benefit>.Fail(tooLong.Field, tooLong.Error);
        }
        if (!await db.BenefitGoals.AnyAsync(g => g.Id == input.GoalId, cancellationToken))
        {
            return Fail(nameof(input.GoalId), "ErrorRequired", BenefitsText.Get("Goal"));
        }
        var agencyIds = input.AgencyIds.Distinct().ToList();
        if (agencyIds.Count > 0 && (await Organisation.AgenciesAsync(agencyIds, cancellationToken)).Count != agencyIds.Count)
        {
            return Fail(nameof(input.AgencyIds), "ErrorNotFound");
        }
        if (!BenefitsAccess.CanEditBenefit(user, agencyIds))
        {
            return Fail(nameof(input.AgencyIds), "ErrorBenefitAgencies");
        }

        Benefit? benefit;
        object? before = null;
        if (id is { } existing)
        {
            benefit = await db.Benefits.Include(b => b.Agencies).SingleOrDefaultAsync(b => b.Id == existing, cancellationToken);
            if (benefit is null)
            {
                return Fail("", "ErrorNotFound");
            }
            var current = benefit.Agencies.Select(a => a.AgencyId).ToList();
            if (!BenefitsAccess.CanEditBenefit(user, current))
            {
                return Fail("", "ErrorNotAllowed");
            }
            before = Snapshot(benefit, current);
        }
        else
        {
            benefit = new Benefit { Name = "", Owner = "" };
            db.Benefits.Add(benefit);
        }
        benefit.GoalId = input.GoalId;
        benefit.Name = input.Name.Trim();
        benefit.Description = Clean(input.Description);
        benefit.Owner = input.Owner.Trim();
        benefit.Start = start;
        benefit.End = end;
        benefit.Priced = input.Priced;
        benefit.Quantitative = input.Quantitative;
        benefit.DependsOn = Clean(input.DependsOn);
        benefit.Risks = Clean(input.Risks);
        benefit.Agencies.RemoveAll(a => !agencyIds.Contains(a.AgencyId));
        foreach (var agencyId in agencyIds.Where(a => benefit.Agencies.All(x => x.AgencyId != a)))
        {
            benefit.Agencies.Add(new BenefitAgency { AgencyId = agencyId });
        }
        AuditLog.Record(db, clock, user.ActorName(), id is null ? "benefits.benefit.create" : "benefits.benefit.update", benefit.Name, before,
            Snapshot(benefit, agencyIds));
        await db.SaveChangesAsync(cancellationToken);
        return Result<Benefit>.Ok(benefit);
    }

    private static BenefitInput Snapshot(Benefit b, IReadOnlyList<int> agencies) =>
        new(b.GoalId, b.Name, b.Description, b.Owner, b.Start, b.End, b.Priced, b.Quantitative, b.DependsOn, b.Risks, agencies);

    public async Task<Result<Indicator>> SaveIndicatorAsync(int? id, IndicatorInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        Result<Indicator> Fail(string field, string key, params object?[] args) => Result<Indicator>.Fail(field, BenefitsText.Get(key, args));
        var benefit = await db.Benefits.Include(b => b.Agencies).SingleOrDefaultAsync(b => b.Id == input.BenefitId, cancellationToken);
        if (benefit is null)
        {
            return Fail(nameof(input.BenefitId), "ErrorNotFound");
        }
        if (!BenefitsAccess.CanEditBenefit(user, [.. benefit.Agencies.Select(a => a.AgencyId)]))
        {
            return Fail("", "ErrorNotAllowed");
        }
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return Fail(nameof(input.Name), "ErrorRequired", BenefitsText.Get("IndicatorName"));
        }
        if (TooLong((nameof(input.Name), "IndicatorName", input.Name, BenefitsLengths.Name), (nameof(input.Definition), "Definition", input.Definition, BenefitsLengths.Text),
            (nameof(input.Unit), "Unit", input.Unit, BenefitsLengths.Unit)) is { } tooLong)
        {
            return Result<Indicator>.Fail(tooLong.Field, tooLong.Error);
        }
        if (NotANumber((nameof(input.MinValue), "MinValue", input.MinValue), (nameof(input.MaxValue), "MaxValue", input.MaxValue),
            (nameof(input.HoursPerUnit), "HoursPerUnit", input.HoursPerUnit), ("Targets", "Targets", input.Targets.Select(t => (double?)t.Value).FirstOrDefault(v => !double.IsFinite(v!.Value))))
            is { } notANumber)
        {
            return Result<Indicator>.Fail(notANumber.Field, notANumber.Error);
        }
        if (input.BaselineDate is not { } baselineDate)
        {
            return Fail(nameof(input.BaselineDate), "ErrorRequired", BenefitsText.Get("BaselineDate"));
        }
        var unit = input.Unit?.Trim();
        double? min = input.MinValue, max = input.MaxValue;
        double baseline;
        UsageMeasure? measure = null;
        string? migrationKey = null;
        string? processKey = null;
        string? surveyKey = null;
        if (input.Source == IndicatorSource.Usage)
        {
            measure = UsageMeasures.Find(input.UsageMeasure);
            if (measure is null)
            {
                return Fail(nameof(input.UsageMeasure), "ErrorRequired", BenefitsText.Get("UsageMeasure"));
            }
            unit = string.IsNullOrEmpty(unit) ? measure.Unit : unit;
            min ??= measure.Min;
            max ??= measure.Max;
            // The baseline is taken from history: the measure for the whole municipality on the baseline date.
            var figures = await usage.AtAsync(measure.Column, baselineDate, cancellationToken);
            if (!figures.HasData || figures.Municipality.Value is not { } value)
            {
                var span = await usage.SpanAsync(cancellationToken);
                return span is { } s
                    ? Fail(nameof(input.BaselineDate), "ErrorNoUsageOnDate", measure.Name, Format(baselineDate), Format(s.First), Format(s.Last))
                    : Fail(nameof(input.UsageMeasure), "ErrorNoUsageData", measure.Name);
            }
            baseline = Math.Round(value, 2);
        }
        else if (input.Source == IndicatorSource.Migration)
        {
            if (MigrationMeasures.Find(input.UsageMeasure) is not { } migrationMeasure)
            {
                return Fail(nameof(input.UsageMeasure), "ErrorRequired", BenefitsText.Get("UsageMeasure"));
            }
            if (baselineDate > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            {
                return Fail(nameof(input.BaselineDate), "ErrorBaselineInFuture");
            }
            unit = string.IsNullOrEmpty(unit) ? MigrationMeasure.Unit : unit;
            min ??= 0;
            max ??= 100;
            // Before anything is scanned nothing has moved: the baseline is then 0.
            var progress = await new Oppdrift.ShareMigration.MigrationQueries(db).ProgressAsync(baselineDate, cancellationToken);
            baseline = Math.Round(migrationMeasure.Municipality(progress) ?? 0, 2);
            migrationKey = migrationMeasure.Key;
        }
        else if (input.Source == IndicatorSource.Process)
        {
            if (ProcessMeasures.Find(input.UsageMeasure) is not { } processMeasure)
            {
                return Fail(nameof(input.UsageMeasure), "ErrorRequired", BenefitsText.Get("UsageMeasure"));
            }
            if (baselineDate > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            {
                return Fail(nameof(input.BaselineDate), "ErrorBaselineInFuture");
            }
            unit = string.IsNullOrEmpty(unit) ? processMeasure.Unit : unit;
            min ??= 0;
            // The baseline is what the processes linked to the benefit had gained by the baseline date (0 before any moved).
            var linked = await new Oppdrift.Processes.ProcessQueries(db, new BenefitsOptions()).LinkedAsync([input.BenefitId], cancellationToken);
            baseline = Math.Round(processMeasure.Sum(ProcessMeasures.MovedBy(linked, baselineDate)), 2);
            processKey = processMeasure.Key;
        }
        else
        {
            if (input.Source == IndicatorSource.Survey)
            {
                if (SurveyMeasures.Parse(input.UsageMeasure) is not { } survey)
                {
                    return Fail(nameof(input.UsageMeasure), "ErrorRequired", BenefitsText.Get("UsageMeasure"));
                }
                surveyKey = input.UsageMeasure;
                unit = string.IsNullOrEmpty(unit) ? survey.Unit : unit;
                min ??= survey.Min;
                max ??= survey.Max;
            }
            if (input.BaselineValue is not { } manual)
            {
                return Fail(nameof(input.BaselineValue), "ErrorRequired", BenefitsText.Get("BaselineValue"));
            }
            if (NotANumber((nameof(input.BaselineValue), "BaselineValue", manual)) is { } baselineNotANumber)
            {
                return Result<Indicator>.Fail(baselineNotANumber.Field, baselineNotANumber.Error);
            }
            baseline = manual;
        }
        if (string.IsNullOrEmpty(unit))
        {
            return Fail(nameof(input.Unit), "ErrorRequired", BenefitsText.Get("Unit"));
        }
        if (min is { } lo && max is { } hi && lo > hi)
        {
            return Fail(nameof(input.MaxValue), "ErrorMinAboveMax");
        }
        if (input.Source == IndicatorSource.Manual && ((min is { } blo && baseline < blo) || (max is { } bhi && baseline > bhi)))
        {
            return Fail(nameof(input.BaselineValue), "ErrorImplausible", Value(baseline), unit, Bounds(min, max));
        }
        if (input.Targets.Count == 0)
        {
            return Fail("Targets", "ErrorNoTargets");
        }
        foreach (var target in input.Targets)
        {
            if (target.Date <= baselineDate)
            {
                return Fail("Targets", "ErrorTargetBeforeBaseline", Format(target.Date), Format(baselineDate));
            }
            if ((min is { } tlo && target.Value < tlo) || (max is { } thi && target.Value > thi))
            {
                return Fail("Targets", "ErrorTargetImplausible", Value(target.Value), Bounds(min, max));
            }
        }
        if (input.Targets.Select(t => t.Date).Distinct().Count() != input.Targets.Count)
        {
            return Fail("Targets", "ErrorTargetDuplicate");
        }
        if (input.HoursPerUnit is < 0)
        {
            return Fail(nameof(input.HoursPerUnit), "ErrorNegativeHours");
        }

        Indicator? indicator;
        object? before = null;
        if (id is { } existing)
        {
            indicator = await db.Indicators.Include(i => i.Targets).SingleOrDefaultAsync(i => i.Id == existing && i.BenefitId == benefit.Id, cancellationToken);
            if (indicator is null)
            {
                return Fail("", "ErrorNotFound");
            }
            before = Snapshot(indicator);
            if (indicator.Source != input.Source || indicator.UsageMeasure != (measure?.Key ?? migrationKey ?? processKey ?? surveyKey))
            {
                // Automatic measurements of another source would be mixed with the new one's: start them afresh.
                await db.Measurements.Where(m => m.IndicatorId == indicator.Id && m.Automatic).ExecuteDeleteAsync(cancellationToken);
            }
        }
        else
        {
            indicator = new Indicator { Name = "", Unit = "" };
            benefit.Indicators.Add(indicator);
        }
        indicator.Name = input.Name.Trim();
        indicator.Definition = Clean(input.Definition) ?? measure?.HowComputed ?? MigrationMeasures.Find(migrationKey)?.HowComputed
            ?? ProcessMeasures.Find(processKey)?.HowComputed;
        indicator.Unit = unit;
        indicator.HigherIsBetter = input.HigherIsBetter;
        indicator.Source = input.Source;
        indicator.UsageMeasure = measure?.Key ?? migrationKey ?? processKey ?? surveyKey;
        indicator.BaselineDate = baselineDate;
        indicator.BaselineValue = baseline;
        indicator.Schedule = input.Schedule;
        indicator.MinValue = min;
        indicator.MaxValue = max;
        indicator.HoursPerUnit = input.HoursPerUnit;
        indicator.Targets.Clear();
        indicator.Targets.AddRange(input.Targets.OrderBy(t => t.Date).Select(t => new IndicatorTarget { Date = t.Date, Value = t.Value }));
        AuditLog.Record(db, clock, user.ActorName(), id is null ? "benefits.indicator.create" : "benefits.indicator.update", indicator.Name, before, Snapshot(indicator));
        await db.SaveChangesAsync(cancellationToken);
        return Result<Indicator>.Ok(indicator);
    }

    private static IndicatorInput Snapshot(Indicator i) =>
        new(i.BenefitId, i.Name, i.Definition, i.Unit, i.HigherIsBetter, i.Source, i.UsageMeasure, i.BaselineDate, i.BaselineValue, i.Schedule,
            i.MinValue, i.MaxValue, i.HoursPerUnit, [.. i.Targets.Select(t => new TargetInput(t.Date, t.Value))]);

    public async Task<Result<Measurement>> AddMeasurementAsync(MeasurementInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        Result<Measurement> Fail(string field, string key, params object?[] args) => Result<Measurement>.Fail(field, BenefitsText.Get(key, args));
        var indicator = await db.Indicators.AsNoTracking().SingleOrDefaultAsync(i => i.Id == input.IndicatorId, cancellationToken);
        if (indicator is null)
        {
            return Fail(nameof(input.IndicatorId), "ErrorNotFound");
        }
        if (!BenefitsAccess.CanMeasure(user, input.AgencyId))
        {
            return Fail(nameof(input.AgencyId), "ErrorMeasureAgency");
        }
        if (input.AgencyId is { } agencyId && await Organisation.AgencyAsync(agencyId, cancellationToken) is null)
        {
            return Fail(nameof(input.AgencyId), "ErrorNotFound");
        }
        if (input.Date is not { } date)
        {
            return Fail(nameof(input.Date), "ErrorRequired", BenefitsText.Get("Date"));
        }
        if (input.Value is not { } value || !double.IsFinite(value))
        {
            return Fail(nameof(input.Value), "ErrorRequired", BenefitsText.Get("Value"));
        }
        if (date < indicator.BaselineDate)
        {
            return Fail(nameof(input.Date), "ErrorMeasurementBeforeBaseline", Format(indicator.BaselineDate));
        }
        if (date > Today)
        {
            return Fail(nameof(input.Date), "ErrorMeasurementInFuture");
        }
        if ((indicator.MinValue is { } lo && value < lo) || (indicator.MaxValue is { } hi && value > hi))
        {
            return Fail(nameof(input.Value), "ErrorImplausible", Value(value), indicator.Unit, Bounds(indicator.MinValue, indicator.MaxValue));
        }
        if (string.IsNullOrWhiteSpace(input.Comment))
        {
            return Fail(nameof(input.Comment), "ErrorRequired", BenefitsText.Get("Comment"));
        }
        if (TooLong((nameof(input.Comment), "Comment", input.Comment, BenefitsLengths.Comment)) is { } tooLong)
        {
            return Result<Measurement>.Fail(tooLong.Field, tooLong.Error);
        }
        var measurement = new Measurement
        {
            IndicatorId = indicator.Id,
            AgencyId = input.AgencyId,
            Date = date,
            Value = value,
            Comment = input.Comment.Trim(),
            EnteredBy = user.ActorName(),
            EnteredAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Measurements.Add(measurement);
        AuditLog.Record(db, clock, user.ActorName(), "benefits.measurement.create", indicator.Name, null,
            new { measurement.IndicatorId, measurement.AgencyId, measurement.Date, measurement.Value, measurement.Comment });
        await db.SaveChangesAsync(cancellationToken);
        return Result<Measurement>.Ok(measurement);
    }

    /// <summary>
    /// Removes a manual measurement entered by mistake, by the central team or a leader of the measurement's agency, and
    /// records what was removed. Automatic measurements are not removed this way: the measurer would take them again.
    /// </summary>
    public async Task<Result<Measurement>> DeleteMeasurementAsync(long id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        Result<Measurement> Fail(string field, string key) => Result<Measurement>.Fail(field, BenefitsText.Get(key));
        var measurement = await db.Measurements.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (measurement is null)
        {
            return Fail("", "ErrorNotFound");
        }
        if (measurement.Automatic)
        {
            return Fail("", "ErrorDeleteAutomatic");
        }
        if (!BenefitsAccess.CanMeasure(user, measurement.AgencyId))
        {
            return Fail(nameof(measurement.AgencyId), "ErrorMeasureAgency");
        }
        var indicator = await db.Indicators.AsNoTracking().Where(i => i.Id == measurement.IndicatorId).Select(i => i.Name).SingleAsync(cancellationToken);
        db.Measurements.Remove(measurement);
        AuditLog.Record(db, clock, user.ActorName(), "benefits.measurement.delete", indicator,
            new { measurement.IndicatorId, measurement.AgencyId, measurement.Date, measurement.Value, measurement.Comment, measurement.EnteredBy, measurement.EnteredAt });
        await db.SaveChangesAsync(cancellationToken);
        return Result<Measurement>.Ok(measurement);
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().ReplaceLineEndings("\n");

    /// <summary>
    /// The first text longer than its column holds, as the field and a message naming its label; PostgreSQL would refuse
    /// it with an error page and SQLite would keep it whole, so it is refused here on both.
    /// </summary>
    private static (string Field, string Error)? TooLong(params (string Field, string Label, string? Text, int Max)[] texts) =>
        texts.Where(t => Clean(t.Text)?.Length > t.Max)
            .Select(t => ((string, string)?)(t.Field, BenefitsText.Get("ErrorTooLong", BenefitsText.Get(t.Label), t.Max))).FirstOrDefault();

    /// <summary>The first number that is not finite ("NaN" and "∞" parse as numbers), which no path or status can be drawn from.</summary>
    private static (string Field, string Error)? NotANumber(params (string Field, string Label, double? Value)[] numbers) =>
        numbers.Where(n => n.Value is { } v && !double.IsFinite(v))
            .Select(n => ((string, string)?)(n.Field, BenefitsText.Get("ErrorNotANumber", BenefitsText.Get(n.Label)))).FirstOrDefault();

    internal static string Format(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    private static string Value(double value) => value.ToString("0.##", CultureInfo.CurrentCulture);

    private static string Bounds(double? min, double? max) =>
        $"{(min is { } lo ? Value(lo) : "–∞")} – {(max is { } hi ? Value(hi) : "∞")}";
}
