// The survey measures an indicator can be wired to: a figure of a survey's results ("theme:…", "favourable:…",
// "mean:…", "enps:…") at each of its rounds, read only through the Surveys module's SurveyQueries; the indicators
// follow a survey to its new name when the survey editor renames it.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Surveys;

namespace Oppdrift.Benefits;

/// <summary>A survey measure as an indicator stores it: "survey:MEASURE@SURVEY NAME".</summary>
public sealed record SurveyMeasure(string Key, string Survey, string Measure)
{
    public string Name => $"{Survey} – {Measure}";

    public string Unit => Measure.StartsWith("mean:", StringComparison.Ordinal) ? "poeng" : Measure.StartsWith("enps:", StringComparison.Ordinal) ? "eNPS" : "%";

    public double? Min => Measure.StartsWith("enps:", StringComparison.Ordinal) ? -100 : Measure.StartsWith("mean:", StringComparison.Ordinal) ? 1 : 0;

    public double? Max => Measure.StartsWith("enps:", StringComparison.Ordinal) ? 100 : Measure.StartsWith("mean:", StringComparison.Ordinal) ? 10 : 100;
}

public static class SurveyMeasures
{
    public const string Prefix = "survey:";

    /// <summary>The name of the starter pulse; the starter template's satisfaction indicator follows its overall rating.</summary>
    public const string StarterSurvey = "Digital arbeidshverdag";

    public static bool IsSurvey(string? key) => key?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public static string Key(string survey, string measure) => Prefix + measure + "@" + survey;

    public static SurveyMeasure? Parse(string? key)
    {
        if (!IsSurvey(key))
        {
            return null;
        }
        var at = key!.IndexOf('@', StringComparison.Ordinal);
        if (at <= Prefix.Length || at == key.Length - 1 || !key[Prefix.Length..at].Contains(':', StringComparison.Ordinal))
        {
            return null;
        }
        return new SurveyMeasure(key, key[(at + 1)..], key[Prefix.Length..at]);
    }

    /// <summary>
    /// Moves the indicators that follow a survey to its new name, in the caller's unit of work, so a renamed survey is
    /// saved with its indicators or not at all. The names of the indicators moved; null, with nothing changed, when a key
    /// with the new name would not fit the column.
    /// </summary>
    public static async Task<IReadOnlyList<string>?> FollowRenameAsync(OppdriftDb db, string from, string to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var following = (await db.Indicators.Where(i => i.Source == IndicatorSource.Survey).ToListAsync(cancellationToken))
            .Select(i => (Indicator: i, Measure: Parse(i.UsageMeasure)))
            .Where(i => i.Measure?.Survey == from)
            .Select(i => (i.Indicator, Key: Key(to, i.Measure!.Measure)))
            .ToList();
        if (following.Any(f => f.Key.Length > BenefitsLengths.Measure))
        {
            return null;
        }
        foreach (var (indicator, key) in following)
        {
            indicator.UsageMeasure = key;
        }
        return [.. following.Select(f => f.Indicator.Name)];
    }

    /// <summary>Every survey measure there is now, keyed as indicators store them, with its name.</summary>
    public static async Task<IReadOnlyList<(string Key, string Name)>> AllAsync(SurveyQueries surveys, bool english, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(surveys);
        return [.. (await surveys.MeasuresAsync(english, cancellationToken)).Select(m => (Key(m.Survey, m.Measure), $"{m.Survey}: {m.Name}"))];
    }

    /// <summary>The values to store for an indicator: one per round closed by <paramref name="until"/>, for the municipality and each agency in scope.</summary>
    public static async Task<List<(DateOnly Date, int? AgencyId, double? Value)>> ValuesAsync(SurveyQueries surveys, SurveyMeasure measure, DateOnly from, DateOnly until,
        IReadOnlySet<int> scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(surveys);
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(scope);
        var values = new List<(DateOnly, int?, double?)>();
        foreach (var point in await surveys.MeasureAsync(measure.Survey, measure.Measure, until, cancellationToken))
        {
            if (point.Date < from)
            {
                continue;
            }
            values.Add((point.Date, null, point.Municipality));
            values.AddRange(point.Agencies.Where(a => scope.Count == 0 || scope.Contains(a.Key)).Select(a => (point.Date, (int?)a.Key, a.Value)));
        }
        return values;
    }
}
