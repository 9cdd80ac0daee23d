// The register as CSV and Excel, and one process's one-page summary for the agency leader as Word. The files go
// through the shared writers (Shared/Exports), so a process or agency name cannot become a formula. The CSV is UTF-8
// with a byte order mark, semicolons and the UI language's decimal separator, as the usage export writes it.
using System.Globalization;
using System.Text;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Processes;

public static class ProcessExport
{
    public const char Separator = ';';

    private static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static double? Round(double? value, int decimals) => value is { } v ? Math.Round(v, decimals) : null;

    /// <summary>The register's columns, in the UI language.</summary>
    public static IReadOnlyList<string> Headers() =>
    [
        ProcessesText.Get("Id"), ProcessesText.Get("Name"), ProcessesText.Get("OwnerAgencyCode"), ProcessesText.Get("OwnerAgency"),
        ProcessesText.Get("InvolvedAgencies"), ProcessesText.Get("ContactPerson"), ProcessesText.Get("CurrentWay"), ProcessesText.Get("Target"),
        ProcessesText.Get("State"), ProcessesText.Get("RegisteredOn"), ProcessesText.Get("MovedOn"), ProcessesText.Get("VolumePerYear"), ProcessesText.Get("VolumeUnit"),
        .. Enum.GetValues<ProcessMeasureKind>().SelectMany(k => new[]
        {
            ProcessesText.Get("MeasureIn", ProcessesText.Measure(k), ProcessesText.Get("Phase_Before")),
            ProcessesText.Get("MeasureIn", ProcessesText.Measure(k), ProcessesText.Get("Phase_After")),
        }),
        ProcessesText.Get("SampleBefore"), ProcessesText.Get("SampleAfter"),
        ProcessesText.Get("HoursSavedPerYear"), ProcessesText.Get("ValueNokPerYear"), ProcessesText.Get("PrintsAvoidedPerYear"),
        ProcessesText.Get("EmailsAvoidedPerYear"), ProcessesText.Get("Co2eKgPerYear"), ProcessesText.Get("LeadTimeChangeDays"), ProcessesText.Get("Confidence"),
    ];

    /// <summary>One register row as typed cells: text, whole numbers and numbers (rounded as the pages show them), empty when unknown.</summary>
    public static IReadOnlyList<object?> Cells(ProcessRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            r.Id, r.Name, r.Owner.Code, r.Owner.Name, string.Join(", ", r.Involved.Select(a => a.Name)), r.ContactPerson,
            ProcessesText.Way(r.CurrentWay), ProcessesText.Target(r.Target), ProcessesText.State(r.State), Date(r.RegisteredOn), Date(r.MovedOn),
            r.VolumePerYear, ProcessesText.Unit(r.VolumeUnit),
            .. Enum.GetValues<ProcessMeasureKind>().SelectMany(k => new object?[] { r.Before[k]?.Value, r.After[k]?.Value }),
            r.Before.MinutesPerCase?.SampleCases, r.After.MinutesPerCase?.SampleCases,
            Round(r.Gain.HoursSavedPerYear, 1), Round(r.Gain.ValueNokPerYear, 0), Round(r.Gain.PrintsAvoidedPerYear, 0), Round(r.Gain.EmailsAvoidedPerYear, 0),
            Round(r.Gain.Co2eKgPerYear?.Central, 1), Round(r.Gain.LeadTimeChangeDays, 1), ProcessesText.Confidence(r.Gain.Confidence),
        ];
    }

    public static byte[] Csv(IReadOnlyList<ProcessRow> rows, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(culture);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var csv = new CsvWriter(text, new CsvOptions { Separator = Separator, Numbers = culture.NumberFormat });
        csv.WriteHeader([.. Headers()]);
        foreach (var row in rows)
        {
            csv.WriteRow([.. Cells(row)]);
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static byte[] Xlsx(IReadOnlyList<ProcessRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var stream = new MemoryStream();
        using (var workbook = new XlsxWriter(stream))
        {
            var headers = Headers();
            workbook.AddSheet(ProcessesText.Get("RegisterTitle"), [headers.Cast<object?>().ToList(), .. rows.Select(Cells)],
                columnWidths: [.. headers.Select((h, i) => i == 1 ? 40.0 : Math.Clamp(h.Length + 2, 10, 30))]);
        }
        return stream.ToArray();
    }

    public static string FileName(string extension, DateOnly date) => $"prosessregister-{Date(date)}.{extension}";

    public static string SummaryFileName(ProcessRow row, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"prosess-{row.Id.ToString(CultureInfo.InvariantCulture)}-{row.Owner.Code.ToLowerInvariant()}-{Date(date)}.docx";
    }

    private static readonly CultureInfo Norwegian = CultureInfo.GetCultureInfo("nb-NO");

    private static string Number(double? value, int decimals) => value is { } v ? v.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Norwegian) : "–";

    /// <summary>
    /// The one-page summary for the agency leader, in Norwegian as the leader receives it whatever the UI language: what
    /// the process is, where it stands, the measures before and after with their samples, the gain and how it is reckoned.
    /// </summary>
    public static byte[] SummaryDocx(ProcessDetail detail, double hourlyCost, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var nb = CultureInfo.GetCultureInfo("nb-NO");
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = nb;
        try
        {
            var r = detail.Process;
            var g = r.Gain;
            return WordWriter.Write(body =>
            {
                body.Append(WordWriter.Paragraph(r.Name, "Title"));
                body.Append(WordWriter.Paragraph(ProcessesText.Get("SummarySubtitle", r.Owner.Name, date.ToString("dd.MM.yyyy", nb)), "Subtitle"));
                if (r.Description is { } description)
                {
                    body.Append(WordWriter.Paragraph(description));
                }
                body.Append(WordWriter.Table(["", ""],
                [
                    [ProcessesText.Get("OwnerAgency"), r.Owner.Name],
                    [ProcessesText.Get("InvolvedAgencies"), r.Involved.Count == 0 ? "–" : string.Join(", ", r.Involved.Select(a => a.Name))],
                    [ProcessesText.Get("ContactPerson"), r.ContactPerson],
                    [ProcessesText.Get("FromTo"), ProcessesText.Way(r.CurrentWay) + " → " + ProcessesText.Target(r.Target)],
                    [ProcessesText.Get("VolumePerYear"), Number(r.VolumePerYear, 0) + " " + ProcessesText.Unit(r.VolumeUnit).ToLower(nb)],
                    [ProcessesText.Get("State"), ProcessesText.State(r.State)],
                    [ProcessesText.Get("RegisteredOn"), r.RegisteredOn.ToString("dd.MM.yyyy", nb)],
                    [ProcessesText.Get("MovedOn"), r.MovedOn?.ToString("dd.MM.yyyy", nb) ?? "–"],
                ], header: false));
                body.Append(WordWriter.Paragraph(ProcessesText.Get("MeasuresTitle"), "Heading1"));
                body.Append(WordWriter.Table([ProcessesText.Get("Measure"), ProcessesText.Get("Phase_Before"), ProcessesText.Get("Phase_After")],
                    [.. Enum.GetValues<ProcessMeasureKind>().Select(k => new[] { ProcessesText.Measure(k), Shown(r.Before[k]), Shown(r.After[k]) })]));
                body.Append(WordWriter.Paragraph(ProcessesText.Get("GainTitle"), "Heading1"));
                body.Append(WordWriter.Table(["", ""],
                [
                    [ProcessesText.Get("HoursSavedPerYear"), Number(g.HoursSavedPerYear, 0)],
                    [ProcessesText.Get("ValueNokPerYear"), g.ValueNokPerYear is { } nok ? Number(nok, 0) + " kr" : "–"],
                    [ProcessesText.Get("PrintsAvoidedPerYear"), Number(g.PrintsAvoidedPerYear, 0)],
                    [ProcessesText.Get("EmailsAvoidedPerYear"), Number(g.EmailsAvoidedPerYear, 0)],
                    [ProcessesText.Get("Co2eKgPerYear"), g.Co2eKgPerYear is { } c ? $"{Number(c.Central, 0)} ({Number(c.Low, 0)}–{Number(c.High, 0)})" : "–"],
                    [ProcessesText.Get("LeadTimeChangeDays"), Number(g.LeadTimeChangeDays, 1)],
                    [ProcessesText.Get("Confidence"), ProcessesText.Confidence(g.Confidence)],
                ], header: false));
                body.Append(WordWriter.Paragraph(ProcessesText.Get("GainRule", Number(hourlyCost, 0))));
                body.Append(WordWriter.Paragraph(ProcessesText.Get("ConfidenceRule", ProcessGain.MediumSample, ProcessGain.HighSample)));
            });
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static string Shown(MeasureValue? value) => value is not { } v ? "–"
        : v.SampleCases is { } n ? ProcessesText.Get("ValueWithSample", Number(v.Value, 1), n) : ProcessesText.Get("ValueEstimate", Number(v.Value, 1));
}
