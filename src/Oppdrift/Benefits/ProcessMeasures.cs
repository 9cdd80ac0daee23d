// The process measures an indicator can be wired to: the yearly gain of the processes linked to the benefit (in the
// process register) that had moved by each measured date, read only through ProcessQueries.
using Oppdrift.Processes;

namespace Oppdrift.Benefits;

/// <summary>One process measure: its key ("process:…"), unit, and how its value is summed from the linked processes.</summary>
public sealed record ProcessIndicatorMeasure(string Key, string Unit, Func<IReadOnlyList<LinkedProcess>, double> Sum)
{
    public const string Prefix = "process:";

    public string Name => BenefitsText.Get("Measure_" + Key[Prefix.Length..]);

    public string HowComputed => BenefitsText.Get("MeasureHow_" + Key[Prefix.Length..]);
}

public static class ProcessMeasures
{
    public const string HoursSaved = ProcessIndicatorMeasure.Prefix + "hoursSaved";
    public const string PrintsAvoided = ProcessIndicatorMeasure.Prefix + "printsAvoided";
    public const string Co2eAvoided = ProcessIndicatorMeasure.Prefix + "co2eKg";
    public const string ProcessesMoved = ProcessIndicatorMeasure.Prefix + "processesMoved";

    public static IReadOnlyList<ProcessIndicatorMeasure> All { get; } =
    [
        new(HoursSaved, "timer", p => p.Sum(x => x.Gain.HoursSavedPerYear ?? 0)),
        new(PrintsAvoided, "utskrifter", p => p.Sum(x => x.Gain.PrintsAvoidedPerYear ?? 0)),
        new(Co2eAvoided, "kg CO2e", p => p.Sum(x => x.Gain.Co2eKgPerYear?.Central ?? 0)),
        new(ProcessesMoved, "prosesser", p => p.Count),
    ];

    public static ProcessIndicatorMeasure? Find(string? key) => All.FirstOrDefault(m => m.Key == key);

    public static bool IsProcess(string? key) => key?.StartsWith(ProcessIndicatorMeasure.Prefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The linked processes that count on <paramref name="date"/>: moved (or measured) with a move date on or before it;
    /// with <paramref name="agencyId"/>, only those that agency owns. Their gain is the one their measures give now.
    /// </summary>
    public static IReadOnlyList<LinkedProcess> MovedBy(IEnumerable<LinkedProcess> linked, DateOnly date, int? agencyId = null) =>
        [.. linked.Where(p => p.State >= ProcessState.Moved && p.MovedOn is { } moved && moved <= date && (agencyId is null || p.OwnerAgencyId == agencyId))];
}
