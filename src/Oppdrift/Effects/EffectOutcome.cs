// What an intervention can be judged on: a usage metric (a weekly agency panel from the daily figures) or a survey measure
// (one figure per agency and round, with the results page's suppression). Usage metrics are fixed; survey measures
// follow the surveys there are, so they are named from the Surveys module when they are shown.
using Oppdrift.Processes;
using Oppdrift.Surveys;
using Oppdrift.Usage;

namespace Oppdrift.Effects;

/// <summary>The unit an outcome is measured and shown in.</summary>
public enum EffectUnit
{
    /// <summary>A share of the agency's people, kept as a fraction; shown in per cent, effects in percentage points.</summary>
    Share,

    /// <summary>A usage sum per person per day.</summary>
    PerPersonDay,

    /// <summary>A survey's share favourable, kept in per cent (0–100); effects in percentage points.</summary>
    Percent,

    /// <summary>A survey question's mean on its scale (1–5 or 0–10).</summary>
    ScaleMean,

    /// <summary>An employee Net Promoter Score (−100 to 100).</summary>
    Score,

    /// <summary>A process measure in its own unit (minutes, prints… per case); effects as a percent change, kept as a fraction.</summary>
    PercentChange,
}

/// <summary>One outcome as pages and the API name it: its code, its name and its unit.</summary>
public sealed record EffectOutcome(string Code, string Name, EffectUnit Unit)
{
    /// <summary>Survey measures are compared round by round, not week by week.</summary>
    public bool ByRound => EffectOutcomes.IsSurvey(Code);

    /// <summary>Process measures are compared process by process, before the move and after it.</summary>
    public bool ByProcess => EffectOutcomes.IsProcess(Code);

    public static EffectOutcome Of(UsageMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return new(metric.Code, metric.Name, metric.Kind == UsageMetricKind.People ? EffectUnit.Share : EffectUnit.PerPersonDay);
    }

    /// <summary>A process measure as an outcome, named in the reader's language.</summary>
    public static EffectOutcome Of(ProcessMeasureKind kind) =>
        new(EffectOutcomes.Process(kind), EffectsText.Get("ProcessOutcomeName", ProcessesText.Measure(kind)), EffectUnit.PercentChange);
}

/// <summary>
/// The outcomes there are: every usage metric with a daily figure per agency, the five process measures
/// (<c>process:KIND</c>), and every measure of every survey
/// (<c>survey:ID:theme:KEY</c>, <c>survey:ID:favourable:Q</c>, <c>survey:ID:mean:Q</c>, <c>survey:ID:enps:Q</c>, as the
/// Surveys module names its measures). Names follow the reader's language.
/// </summary>
public sealed class EffectOutcomeCatalogue(SurveyQueries surveys)
{
    /// <summary>Every outcome an intervention can be judged on: the usage metrics first, then each survey's measures.</summary>
    public async Task<IReadOnlyList<EffectOutcome>> AllAsync(CancellationToken cancellationToken)
    {
        var english = SurveysModule.English;
        var outcomes = EffectOutcomes.Choices.Select(EffectOutcome.Of).Concat(EffectOutcomes.ProcessKinds.Select(EffectOutcome.Of)).ToList();
        foreach (var measure in await surveys.MeasuresAsync(english, cancellationToken))
        {
            outcomes.Add(new(EffectOutcomes.Survey(measure.SurveyId, measure.Measure), $"{measure.Survey}: {measure.Name}", EffectOutcomes.UnitOf(measure.Measure)));
        }
        return outcomes;
    }

    /// <summary>The outcomes by code, for naming kept estimates; survey measures are read only when one is asked for.</summary>
    public async Task<IReadOnlyDictionary<string, EffectOutcome>> ByCodeAsync(IEnumerable<string> codes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var wanted = codes.ToHashSet(StringComparer.Ordinal);
        IEnumerable<EffectOutcome> outcomes = wanted.Any(EffectOutcomes.IsSurvey)
            ? await AllAsync(cancellationToken)
            : EffectOutcomes.Choices.Select(EffectOutcome.Of).Concat(EffectOutcomes.ProcessKinds.Select(EffectOutcome.Of));
        return outcomes.Where(o => wanted.Contains(o.Code)).ToDictionary(o => o.Code, StringComparer.Ordinal);
    }
}
