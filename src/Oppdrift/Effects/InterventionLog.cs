// Records what the change team did: interventions and the change-team log (workshops, help given, agreements). Each
// change is checked whole first (name, day, kind, agencies, metrics, a programme that exists) and then written with its
// audit entry in one save; a refusal names the field and saves nothing.
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared;
using Oppdrift.Surveys;
using Oppdrift.Usage;

namespace Oppdrift.Effects;

public sealed record InterventionInput
{
    public string? Name { get; init; }
    public InterventionKind Kind { get; init; }
    public DateOnly? StartsOn { get; init; }
    public string? Note { get; init; }

    /// <summary>The agencies it was done to; ignored (and may be empty) when <see cref="ProgrammeId"/> is set.</summary>
    public IReadOnlyList<int> AgencyIds { get; init; } = [];

    public int? ProgrammeId { get; init; }

    /// <summary>
    /// Units it was done to instead of whole agencies; each unit's agency is added to <see cref="AgencyIds"/>. Not with a
    /// programme, whose attendance says whom it reached.
    /// </summary>
    public IReadOnlyList<int> UnitIds { get; init; } = [];

    /// <summary>Outcome codes (usage metrics, survey measures: <see cref="EffectOutcomeCatalogue"/>); empty for the kind's defaults.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];
}

public sealed class InterventionLog(OppdriftDb db, LearningQueries learning, EffectOutcomeCatalogue outcomes, TimeProvider clock)
{
    /// <summary>How far back an intervention may be dated: the usage figures reach no further than this in practice.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static Result<Intervention> Fail(string field, string key, params object?[] args) => Result<Intervention>.Fail(field, EffectsText.Get(key, args));

    /// <summary>Who may record and change interventions: the central team.</summary>
    public static bool CanEdit(ClaimsPrincipal user) => (user.GetRoles() & (Roles.Administrator | Roles.ChangeLeader)) != 0;

    public async Task<Result<Intervention>> SaveAsync(int? id, InterventionInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        if (!CanEdit(user))
        {
            return Fail("", "ErrorNotAllowed");
        }
        Intervention? intervention = null;
        if (id is { } existing)
        {
            intervention = await db.Interventions.Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery()
                .SingleOrDefaultAsync(i => i.Id == existing, cancellationToken);
            if (intervention is null)
            {
                return Fail("", "ErrorNotFound");
            }
            if (intervention.SourceKind is not null)
            {
                return Fail("", "ErrorDerived");
            }
        }
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return Fail("name", "ErrorRequired", EffectsText.Get("Name"));
        }
        if (name.Length > InterventionLengths.Name)
        {
            return Fail("name", "ErrorTooLong", EffectsText.Get("Name"), InterventionLengths.Name);
        }
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note?.Length > InterventionLengths.Note)
        {
            return Fail("note", "ErrorTooLong", EffectsText.Get("Note"), InterventionLengths.Note);
        }
        if (!Enum.IsDefined(input.Kind))
        {
            return Fail("kind", "ErrorRequired", EffectsText.Get("Kind"));
        }
        if (input.StartsOn is not { } startsOn)
        {
            return Fail("date", "ErrorRequired", EffectsText.Get("StartsOn"));
        }
        if (startsOn < Earliest || startsOn > Today.AddYears(1))
        {
            return Fail("date", "ErrorDate", Earliest, Today.AddYears(1));
        }
        var metrics = input.Metrics.Select(m => m.Trim()).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (metrics.Any(EffectOutcomes.IsSurvey))
        {
            var surveyOutcomes = await outcomes.ByCodeAsync(metrics, cancellationToken);
            if (metrics.FirstOrDefault(m => !EffectOutcomes.IsOutcome(m) && !surveyOutcomes.ContainsKey(m)) is { } unknownSurvey)
            {
                return Fail("metrics", "ErrorUnknownMetric", unknownSurvey);
            }
        }
        if (metrics.FirstOrDefault(m => !EffectOutcomes.IsOutcome(m) && !EffectOutcomes.IsSurvey(m) && EffectOutcomes.ParseProcess(m) is null) is { } unknown)
        {
            return Fail("metrics", "ErrorUnknownMetric", unknown);
        }
        List<int> agencies = [];
        List<int> units = [.. input.UnitIds.Distinct()];
        if (input.ProgrammeId is { } programmeId)
        {
            if (await learning.ProgrammeNameAsync(programmeId, cancellationToken) is null)
            {
                return Fail("programme", "ErrorUnknownProgramme");
            }
            if (input.Kind != InterventionKind.Training)
            {
                return Fail("programme", "ErrorProgrammeKind");
            }
            if (units.Count > 0)
            {
                return Fail("units", "ErrorUnitsWithProgramme");
            }
        }
        else
        {
            var directory = new OrganisationDirectory(db);
            var found = await directory.UnitsByIdAsync(units, cancellationToken);
            if (units.Where(u => !found.ContainsKey(u)).Select(u => (int?)u).FirstOrDefault() is { } missing)
            {
                return Fail("units", "ErrorUnknownUnit", missing);
            }
            // A unit is done to within its agency: naming the unit names its agency.
            agencies = [.. input.AgencyIds.Concat(units.Select(u => found[u].AgencyId)).Distinct()];
            if (agencies.Count == 0)
            {
                return Fail("agencies", "ErrorNoAgencies");
            }
            if ((await directory.AgenciesAsync(agencies, cancellationToken)).Count != agencies.Count)
            {
                return Fail("agencies", "ErrorUnknownAgency");
            }
        }

        var before = intervention is null ? null : Snapshot(intervention);
        var now = clock.GetUtcNow().UtcDateTime;
        if (intervention is null)
        {
            intervention = new Intervention { Name = name, CreatedBy = user.ActorName(), CreatedAt = now };
            db.Interventions.Add(intervention);
        }
        else
        {
            intervention.UpdatedBy = user.ActorName();
            intervention.UpdatedAt = now;
        }
        intervention.Name = name;
        intervention.Kind = input.Kind;
        intervention.StartsOn = startsOn;
        intervention.Note = note;
        intervention.ProgrammeId = input.ProgrammeId;
        intervention.Metrics = metrics;
        // A programme's agencies come from its attendance when the estimates are computed; until then, those it had.
        if (input.ProgrammeId is null || before?.ProgrammeId != input.ProgrammeId)
        {
            intervention.Agencies.RemoveAll(a => !agencies.Contains(a.AgencyId));
            foreach (var agency in agencies.Where(a => intervention.Agencies.All(x => x.AgencyId != a)))
            {
                intervention.Agencies.Add(new InterventionAgency { AgencyId = agency });
            }
        }
        intervention.Units.RemoveAll(u => !units.Contains(u.UnitId));
        foreach (var unit in units.Where(u => intervention.Units.All(x => x.UnitId != u)))
        {
            intervention.Units.Add(new InterventionUnit { UnitId = unit });
        }
        AuditLog.Record(db, clock, user.ActorName(), id is null ? "effects.intervention.create" : "effects.intervention.update", name, before, Snapshot(intervention));
        await db.SaveChangesAsync(cancellationToken);
        return Result<Intervention>.Ok(intervention);
    }

    /// <summary>The intervention of this name (as stored, trimmed) starting on this day, if one was recorded.</summary>
    public async Task<Intervention?> FindAsync(string name, DateOnly startsOn, CancellationToken cancellationToken) =>
        await db.Interventions.AsNoTracking().FirstOrDefaultAsync(i => i.Name == name && i.StartsOn == startsOn, cancellationToken);

    public async Task<Result<Intervention>> DeleteAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!CanEdit(user))
        {
            return Fail("", "ErrorNotAllowed");
        }
        var intervention = await db.Interventions.Include(i => i.Agencies).Include(i => i.Units).AsSplitQuery()
            .SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (intervention is null)
        {
            return Fail("", "ErrorNotFound");
        }
        if (intervention.SourceKind is not null)
        {
            return Fail("", "ErrorDerived");
        }
        db.Interventions.Remove(intervention);
        AuditLog.Record(db, clock, user.ActorName(), "effects.intervention.delete", intervention.Name, Snapshot(intervention));
        await db.SaveChangesAsync(cancellationToken);
        return Result<Intervention>.Ok(intervention);
    }

    private static InterventionSnapshot Snapshot(Intervention i) =>
        new(i.Name, i.Kind.ToString(), i.StartsOn, i.Note, i.ProgrammeId, [.. i.Agencies.Select(a => a.AgencyId).Order()],
            [.. i.Units.Select(u => u.UnitId).Order()], [.. i.Metrics]);

    private sealed record InterventionSnapshot(string Name, string Kind, DateOnly StartsOn, string? Note, int? ProgrammeId, IReadOnlyList<int> Agencies,
        IReadOnlyList<int> Units, IReadOnlyList<string> Metrics);
}

/// <summary>The outcomes an intervention can be judged on: usage metrics of the daily agency figures.</summary>
public static class EffectOutcomes
{
    /// <summary>The metrics a kind is judged on when none are chosen: what the team set out to change.</summary>
    public static IReadOnlyList<string> Defaults(InterventionKind kind) => kind switch
    {
        InterventionKind.ShareMigration => ["sharepoint.fileUsers", "sharepoint.sharedInternally"],
        InterventionKind.ProcessMove => ["sharepoint.fileUsers", "exchange.sent"],
        _ => ["teams.active7", "teams.chatMessages"],
    };

    /// <summary>The metrics of <paramref name="intervention"/>: those chosen, or its kind's defaults.</summary>
    public static IReadOnlyList<string> Of(Intervention intervention) =>
        intervention.Metrics.Count > 0 ? intervention.Metrics : Defaults(intervention.Kind);

    /// <summary>Metrics with a figure per agency and day (people and sums; not the storage snapshots, not licences).</summary>
    public static IReadOnlyList<UsageMetric> Choices { get; } =
        [.. UsageMetrics.All.Where(m => m.Kind is UsageMetricKind.People or UsageMetricKind.Sum && !m.Code.EndsWith(".licensed", StringComparison.Ordinal))];

    public static bool IsOutcome(string code) => Choices.Any(m => m.Code == code);

    public const string ProcessPrefix = "process:";

    /// <summary>The process measures an intervention can be judged on, each as <c>process:KIND</c>.</summary>
    public static IReadOnlyList<ProcessMeasureKind> ProcessKinds { get; } = Enum.GetValues<ProcessMeasureKind>();

    /// <summary>Whether a code names a process measure (<c>process:KIND</c>, e.g. <c>process:MinutesPerCase</c>).</summary>
    public static bool IsProcess(string code) => code.StartsWith(ProcessPrefix, StringComparison.Ordinal);

    public static string Process(ProcessMeasureKind kind) => ProcessPrefix + kind;

    /// <summary>The measure of a process code; null for any other code or an unknown kind.</summary>
    public static ProcessMeasureKind? ParseProcess(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return IsProcess(code) && Enum.TryParse<ProcessMeasureKind>(code[ProcessPrefix.Length..], ignoreCase: false, out var kind) && Enum.IsDefined(kind)
            && !code[ProcessPrefix.Length..].Any(char.IsDigit)
            ? kind
            : null;
    }

    public const string SurveyPrefix = "survey:";

    /// <summary>The longest outcome code kept (<see cref="EffectResult.Metric"/>).</summary>
    public const int MaxCodeLength = 64;

    /// <summary>Whether a code names a survey measure (<c>survey:ID:MEASURE</c>).</summary>
    public static bool IsSurvey(string code) => code.StartsWith(SurveyPrefix, StringComparison.Ordinal);

    /// <summary>The code of a survey's measure, as <see cref="SurveyQueries.MeasuresAsync"/> names it ("theme:KEY", "mean:Q"…).</summary>
    public static string Survey(int surveyId, string measure) => SurveyPrefix + surveyId.ToString(CultureInfo.InvariantCulture) + ":" + measure;

    /// <summary>The survey and measure of a survey code; null for any other code.</summary>
    public static (int SurveyId, string Measure)? ParseSurvey(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!IsSurvey(code))
        {
            return null;
        }
        var rest = code[SurveyPrefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && int.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && colon < rest.Length - 1
            ? (id, rest[(colon + 1)..])
            : null;
    }

    /// <summary>A survey measure's unit: themes and shares favourable are in per cent, means on the scale, eNPS a score.</summary>
    public static EffectUnit UnitOf(string measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        return measure.StartsWith("mean:", StringComparison.Ordinal) ? EffectUnit.ScaleMean
            : measure.StartsWith("enps:", StringComparison.Ordinal) ? EffectUnit.Score
            : EffectUnit.Percent;
    }
}
