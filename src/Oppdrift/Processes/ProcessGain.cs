// What a moved process gains in a year, from its volume and its measures before and after the move: hours and kroner,
// prints, e-mails and errors avoided, the kilograms of CO2e those prints and e-mails stand for (through the Benefits
// module's climate factors), the change in lead time, and how far the figures can be trusted. Pure functions only, so
// every rule is tested by worked examples; the queries feed them and the pages, exports, API and Benefits show them.
using Oppdrift.Benefits;

namespace Oppdrift.Processes;

/// <summary>How far a process's hours saved can be trusted, from the number of timed cases behind them.</summary>
public enum GainConfidence
{
    /// <summary>No gain yet: minutes per case are missing before or after the move.</summary>
    None,

    /// <summary>An estimate, or fewer than <see cref="ProcessGain.MediumSample"/> timed cases on one side.</summary>
    Low,

    /// <summary>At least <see cref="ProcessGain.MediumSample"/> timed cases on both sides.</summary>
    Medium,

    /// <summary>At least <see cref="ProcessGain.HighSample"/> timed cases on both sides.</summary>
    High,
}

/// <summary>One measure's value and the number of cases its sample holds (null: an estimate).</summary>
public readonly record struct MeasureValue(double Value, int? SampleCases);

/// <summary>A process's measures at one phase (before or after the move); a missing measure is null, never zero.</summary>
public sealed record MeasureSet(MeasureValue? MinutesPerCase, MeasureValue? PrintsPerCase, MeasureValue? EmailsPerCase,
    MeasureValue? ErrorsPer100Cases, MeasureValue? LeadTimeDays)
{
    public static MeasureSet Empty { get; } = new(null, null, null, null, null);

    public bool IsEmpty => this == Empty;

    public MeasureValue? this[ProcessMeasureKind kind] => kind switch
    {
        ProcessMeasureKind.MinutesPerCase => MinutesPerCase,
        ProcessMeasureKind.PrintsPerCase => PrintsPerCase,
        ProcessMeasureKind.EmailsPerCase => EmailsPerCase,
        ProcessMeasureKind.ErrorsPer100Cases => ErrorsPer100Cases,
        _ => LeadTimeDays,
    };

    public static MeasureSet From(IEnumerable<ProcessMeasure> measures, MeasurePhase phase)
    {
        // A phase measured on several days counts with its latest measure of each kind: the work as it last was.
        var byKind = measures.Where(m => m.Phase == phase).GroupBy(m => m.Kind)
            .Select(g => g.MaxBy(m => m.MeasuredOn)!)
            .ToDictionary(m => m.Kind, m => new MeasureValue(m.Value, m.SampleCases));
        MeasureValue? Of(ProcessMeasureKind kind) => byKind.TryGetValue(kind, out var v) ? v : null;
        return new MeasureSet(Of(ProcessMeasureKind.MinutesPerCase), Of(ProcessMeasureKind.PrintsPerCase), Of(ProcessMeasureKind.EmailsPerCase),
            Of(ProcessMeasureKind.ErrorsPer100Cases), Of(ProcessMeasureKind.LeadTimeDays));
    }
}

/// <summary>The climate factors a process gain needs, as the municipality has set them (kg CO2e per page and per e-mail).</summary>
public readonly record struct GainFactors(double HourlyCost, ClimateRange PrintedPage, ClimateRange EmailSent);

/// <summary>A process's yearly gain; each figure null when a measure it needs is missing before or after.</summary>
public sealed record ProcessGainFigures(
    double? HoursSavedPerYear,
    double? ValueNokPerYear,
    double? PrintsAvoidedPerYear,
    double? EmailsAvoidedPerYear,
    double? ErrorsAvoidedPerYear,
    double? LeadTimeChangeDays,
    ClimateRange? Co2eKgPerYear,
    GainConfidence Confidence)
{
    public static ProcessGainFigures None { get; } = new(null, null, null, null, null, null, null, GainConfidence.None);
}

/// <summary>Sums of gains over several processes (the municipality, or one agency's).</summary>
public sealed record GainTotals(int Processes, int WithGain, double HoursSavedPerYear, double ValueNokPerYear, double PrintsAvoidedPerYear,
    double EmailsAvoidedPerYear, ClimateRange Co2eKgPerYear);

public static class ProcessGain
{
    /// <summary>Timed cases on each side for a medium confidence.</summary>
    public const int MediumSample = 10;

    /// <summary>
    /// Timed cases on each side for a high confidence: from about 30 cases a sample's mean is a fair estimate of the
    /// process's (the usual rule of thumb for the central limit theorem), so the hours saved rest on more than a few cases.
    /// </summary>
    public const int HighSample = 30;

    /// <summary>A full-time working year in the municipal sector: 37.5 hours a week, less holidays and public holidays.</summary>
    public const double WorkingYearHours = 1695;

    /// <summary>
    /// The gain in a year. Hours saved = volume × (minutes per case before − after) / 60; value = hours × the hourly cost;
    /// prints and e-mails avoided = volume × (per case before − after); errors avoided = volume × (per 100 before − after) / 100;
    /// CO2e = prints avoided × the printed-page factor + e-mails avoided × the e-mail factor, as a range; lead-time
    /// change = after − before (negative is faster). A figure whose measure is missing on either side is null, and a
    /// worse measure after the move gives a negative gain: the register shows what happened, not what was hoped.
    /// </summary>
    public static ProcessGainFigures Compute(int volumePerYear, MeasureSet before, MeasureSet after, GainFactors factors)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        double? Saved(ProcessMeasureKind kind, double per) =>
            before[kind] is { } b && after[kind] is { } a ? volumePerYear * (b.Value - a.Value) / per : null;
        var hours = Saved(ProcessMeasureKind.MinutesPerCase, 60);
        var prints = Saved(ProcessMeasureKind.PrintsPerCase, 1);
        var emails = Saved(ProcessMeasureKind.EmailsPerCase, 1);
        var errors = Saved(ProcessMeasureKind.ErrorsPer100Cases, 100);
        var leadTime = before.LeadTimeDays is { } lb && after.LeadTimeDays is { } la ? la.Value - lb.Value : (double?)null;
        ClimateRange? co2e = prints is null && emails is null ? null : (factors.PrintedPage * (prints ?? 0)) + (factors.EmailSent * (emails ?? 0));
        return new ProcessGainFigures(hours, hours * factors.HourlyCost, prints, emails, errors, leadTime, co2e,
            Confidence(before.MinutesPerCase, after.MinutesPerCase));
    }

    /// <summary>
    /// The confidence of the hours saved, from the timed cases behind minutes per case: none without both measures; low
    /// when either is an estimate (no sample) or rests on fewer than <see cref="MediumSample"/> cases; medium from
    /// <see cref="MediumSample"/> on both sides; high from <see cref="HighSample"/> on both sides. The smaller side decides.
    /// </summary>
    public static GainConfidence Confidence(MeasureValue? before, MeasureValue? after)
    {
        if (before is not { } b || after is not { } a)
        {
            return GainConfidence.None;
        }
        if (b.SampleCases is not { } sb || a.SampleCases is not { } sa)
        {
            return GainConfidence.Low;
        }
        var smaller = Math.Min(sb, sa);
        return smaller >= HighSample ? GainConfidence.High : smaller >= MediumSample ? GainConfidence.Medium : GainConfidence.Low;
    }

    /// <summary>Sums the gains; a missing figure counts as nothing, and "with gain" counts the processes whose hours are known.</summary>
    public static GainTotals Sum(IEnumerable<ProcessGainFigures> gains)
    {
        ArgumentNullException.ThrowIfNull(gains);
        var totals = new GainTotals(0, 0, 0, 0, 0, 0, ClimateRange.Zero);
        foreach (var g in gains)
        {
            totals = new GainTotals(totals.Processes + 1, totals.WithGain + (g.HoursSavedPerYear is null ? 0 : 1),
                totals.HoursSavedPerYear + (g.HoursSavedPerYear ?? 0), totals.ValueNokPerYear + (g.ValueNokPerYear ?? 0),
                totals.PrintsAvoidedPerYear + (g.PrintsAvoidedPerYear ?? 0), totals.EmailsAvoidedPerYear + (g.EmailsAvoidedPerYear ?? 0),
                totals.Co2eKgPerYear + (g.Co2eKgPerYear ?? ClimateRange.Zero));
        }
        return totals;
    }
}
