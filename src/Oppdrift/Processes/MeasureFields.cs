namespace Oppdrift.Processes;

/// <summary>The five measures of one phase as a form holds them: a value and the number of cases in its sample each.</summary>
public sealed class MeasureFields
{
    public double? MinutesPerCase { get; set; }
    public int? MinutesPerCaseSample { get; set; }
    public double? PrintsPerCase { get; set; }
    public int? PrintsPerCaseSample { get; set; }
    public double? EmailsPerCase { get; set; }
    public int? EmailsPerCaseSample { get; set; }
    public double? ErrorsPer100Cases { get; set; }
    public int? ErrorsPer100CasesSample { get; set; }
    public double? LeadTimeDays { get; set; }
    public int? LeadTimeDaysSample { get; set; }

    public Dictionary<ProcessMeasureKind, MeasureInput> ToInput() => new()
    {
        [ProcessMeasureKind.MinutesPerCase] = new(MinutesPerCase, MinutesPerCaseSample),
        [ProcessMeasureKind.PrintsPerCase] = new(PrintsPerCase, PrintsPerCaseSample),
        [ProcessMeasureKind.EmailsPerCase] = new(EmailsPerCase, EmailsPerCaseSample),
        [ProcessMeasureKind.ErrorsPer100Cases] = new(ErrorsPer100Cases, ErrorsPer100CasesSample),
        [ProcessMeasureKind.LeadTimeDays] = new(LeadTimeDays, LeadTimeDaysSample),
    };

    public static MeasureFields From(MeasureSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new()
        {
            MinutesPerCase = set.MinutesPerCase?.Value,
            MinutesPerCaseSample = set.MinutesPerCase?.SampleCases,
            PrintsPerCase = set.PrintsPerCase?.Value,
            PrintsPerCaseSample = set.PrintsPerCase?.SampleCases,
            EmailsPerCase = set.EmailsPerCase?.Value,
            EmailsPerCaseSample = set.EmailsPerCase?.SampleCases,
            ErrorsPer100Cases = set.ErrorsPer100Cases?.Value,
            ErrorsPer100CasesSample = set.ErrorsPer100Cases?.SampleCases,
            LeadTimeDays = set.LeadTimeDays?.Value,
            LeadTimeDaysSample = set.LeadTimeDays?.SampleCases,
        };
    }
}
