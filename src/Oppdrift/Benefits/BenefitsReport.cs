// The benefit realisation plan (gevinstrealiseringsplan) and status report (gevinstrealiseringsrapport) as a Word
// document and an Excel workbook. Both are in Norwegian, as the system owner receives them, whatever the UI language.
using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Oppdrift.Shared.Exports;

namespace Oppdrift.Benefits;

public enum BenefitsReportKind
{
    Plan,
    Status,
}

public static class BenefitsReport
{
    private static readonly CultureInfo Norwegian = CultureInfo.GetCultureInfo("nb-NO");

    public static string Title(BenefitsReportKind kind) => kind == BenefitsReportKind.Plan ? "Gevinstrealiseringsplan" : "Gevinstrealiseringsrapport";

    public static string FileName(BenefitsReportKind kind, BenefitsPicture picture, string? agencyCode, string extension) =>
        $"{(kind == BenefitsReportKind.Plan ? "gevinstrealiseringsplan" : "gevinstrealiseringsrapport")}-{agencyCode?.ToLowerInvariant() ?? "kommunen"}-"
        + $"{picture.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.{extension}";

    public static string Status(BenefitStatus status) => status switch
    {
        BenefitStatus.OnTrack => "I rute",
        BenefitStatus.AtRisk => "Risiko for avvik",
        BenefitStatus.OffTrack => "Ikke i rute",
        _ => "Ikke målt",
    };

    public static string Number(double value, int decimals = 2) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Norwegian);

    public static string Kroner(double value) => value.ToString("N0", Norwegian) + " kr";

    private static string Date(DateOnly date) => date.ToString("dd.MM.yyyy", Norwegian);

    public const string StatusRule =
        "Status sammenlignes med en rett linje fra nullpunktet til hvert mål: i rute når siste måling er på eller bedre enn linjen, eller dårligere med "
        + "høyst 10 % av den planlagte endringen; risiko for avvik når den er dårligere med høyst 25 %; ellers ikke i rute.";

    private static IEnumerable<(string Label, string Value)> BenefitFacts(BenefitView b) =>
    [
        ("Mål", b.GoalName),
        ("Gevinsteier", b.Benefit.Owner),
        ("Gjelder", b.AgencyNames),
        ("Periode", $"{Date(b.Benefit.Start)}–{Date(b.Benefit.End)}"),
        ("Type", (b.Benefit.Priced ? "Prissatt" : "Ikke prissatt") + ", " + (b.Benefit.Quantitative ? "kvantitativ" : "kvalitativ")),
        ("Avhenger av", b.Benefit.DependsOnLines.Any() ? string.Join("; ", b.Benefit.DependsOnLines) : "–"),
        ("Risiko", b.Benefit.Risks ?? "–"),
    ];

    private static string Source(IndicatorView i) => i.Indicator.Source switch
    {
        IndicatorSource.Usage when UsageMeasures.Find(i.Indicator.UsageMeasure) is { } m => "Bruksdata: " + m.Key,
        IndicatorSource.Migration when MigrationMeasures.Find(i.Indicator.UsageMeasure) is { } m => "Migreringsplanen: " + m.Key,
        IndicatorSource.Process when ProcessMeasures.Find(i.Indicator.UsageMeasure) is { } m => "Prosessregisteret: " + m.Key,
        IndicatorSource.Survey when SurveyMeasures.Parse(i.Indicator.UsageMeasure) is { } m => "Undersøkelse: " + m.Name,
        _ => "Manuell registrering",
    };

    private static string Targets(IndicatorView i) => string.Join("; ", i.Plan.Targets.Select(t => $"{Date(t.Date)}: {Number(t.Value)}"));

    private static string Schedule(MeasurementSchedule schedule) => schedule switch
    {
        MeasurementSchedule.Weekly => "Ukentlig",
        MeasurementSchedule.Quarterly => "Kvartalsvis",
        _ => "Månedlig",
    };

    /// <summary>Priced values per year and goal: (year, goal, planned kr, realised kr, planned hours, realised hours).</summary>
    public static IReadOnlyList<(int Year, string Goal, PricedValue Value)> PricedRows(BenefitsPicture picture)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var rows = new List<(int, string, PricedValue)>();
        foreach (var year in picture.Years)
        {
            foreach (var goal in picture.Goals)
            {
                var priced = goal.Benefits.Where(b => b.Benefit.Priced).ToList();
                if (priced.Count == 0)
                {
                    continue;
                }
                var total = new PricedValue(0, 0, picture.HourlyCost);
                foreach (var benefit in priced)
                {
                    total += benefit.Priced(picture.YearEnd(year), picture.HourlyCost);
                }
                rows.Add((year, goal.Goal.Name, total));
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- Word

    public static byte[] Docx(BenefitsReportKind kind, BenefitsPicture picture, ClimateFootprint? climate)
    {
        ArgumentNullException.ThrowIfNull(picture);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            AddStyles(main);
            var body = new Body();
            main.Document = new Document(body);
            body.Append(Para(Title(kind), "Title"));
            body.Append(Para($"{picture.ScopeName} – per {Date(picture.Date)}", "Subtitle"));
            body.Append(Para(kind == BenefitsReportKind.Plan
                ? "Planen viser målene, gevinstene som skal realiseres, hvem som eier dem, hva de avhenger av og hvordan de måles: nullpunkt, mål og målefrekvens."
                : "Rapporten viser status for hver gevinst: siste måling mot den planlagte banen fra nullpunkt til mål, og prissatte gevinster realisert mot plan."));

            if (kind == BenefitsReportKind.Status)
            {
                body.Append(Para("Sammendrag", "Heading1"));
                body.Append(Table(["Mål", "Gevinster", "I rute", "Risiko for avvik", "Ikke i rute", "Ikke målt"],
                    [.. picture.Goals.Select(g => new[]
                    {
                        g.Goal.Name, g.Benefits.Count.ToString(Norwegian),
                        Count(g, BenefitStatus.OnTrack), Count(g, BenefitStatus.AtRisk), Count(g, BenefitStatus.OffTrack), Count(g, BenefitStatus.Unknown),
                    })]));
                body.Append(Para(StatusRule));
            }

            foreach (var goal in picture.Goals)
            {
                body.Append(Para(goal.Goal.Name, "Heading1"));
                if (goal.Goal.Description is { } description)
                {
                    body.Append(Para(description));
                }
                if (goal.Benefits.Count == 0)
                {
                    body.Append(Para("Ingen gevinster er registrert for dette målet."));
                }
                foreach (var benefit in goal.Benefits)
                {
                    body.Append(Para(benefit.Benefit.Name + (kind == BenefitsReportKind.Status ? $" – {Status(benefit.Status)}" : ""), "Heading2"));
                    if (benefit.Benefit.Description is { } text)
                    {
                        body.Append(Para(text));
                    }
                    body.Append(Table(["", ""], [.. BenefitFacts(benefit).Select(f => new[] { f.Label, f.Value })], header: false));
                    if (benefit.Indicators.Count == 0)
                    {
                        body.Append(Para("Ingen indikatorer er registrert."));
                        continue;
                    }
                    body.Append(kind == BenefitsReportKind.Plan
                        ? Table(["Indikator", "Enhet", "Retning", "Kilde", "Nullpunkt", "Mål", "Måles"],
                            [.. benefit.Indicators.Select(i => new[]
                            {
                                i.Indicator.Name, i.Indicator.Unit, i.Indicator.HigherIsBetter ? "Høyere er bedre" : "Lavere er bedre", Source(i),
                                $"{Number(i.Plan.BaselineValue)} ({Date(i.Indicator.BaselineDate)})", Targets(i), Schedule(i.Indicator.Schedule),
                            })])
                        : Table(["Indikator", "Nullpunkt", "Siste måling", "Forventet på banen", "Sluttmål", "Status"],
                            [.. benefit.Indicators.Select(i => new[]
                            {
                                $"{i.Indicator.Name} ({i.Indicator.Unit})",
                                $"{Number(i.Plan.BaselineValue)} ({Date(i.Indicator.BaselineDate)})",
                                i.Latest is { } m ? $"{Number(m.Value)} ({Date(m.Date)})" : "Ingen måling",
                                i.Latest is { } l && i.Plan.Expected(l.Date) is { } e ? Number(e) : "–",
                                i.Plan.FinalTarget is { } t ? $"{Number(t.Value)} ({Date(t.Date)})" : "–",
                                Status(i.Status),
                            })]));
                    if (benefit.Indicators.Any(i => i.Indicator.Source == IndicatorSource.Process))
                    {
                        body.Append(ProcessesBehindTable(benefit, picture));
                    }
                }
            }

            var priced = PricedRows(picture);
            body.Append(Para("Prissatte gevinster", "Heading1"));
            body.Append(Para($"Timer spart omregnet med en timekostnad på {Kroner(picture.HourlyCost)}. Planlagt er forbedringen banen forventer ved årets slutt; "
                + "realisert er forbedringen ved siste måling i året."));
            if (priced.Count == 0)
            {
                body.Append(Para("Ingen prissatte gevinster er registrert."));
            }
            else
            {
                body.Append(Table(["År", "Mål", "Planlagt (kr)", "Realisert (kr)", "Planlagte timer", "Realiserte timer"],
                    [.. priced.Select(r => new[]
                    {
                        r.Year.ToString(CultureInfo.InvariantCulture), r.Goal, Kroner(r.Value.Planned), Kroner(r.Value.Realised),
                        Number(r.Value.PlannedHours, 0), Number(r.Value.RealisedHours, 0),
                    })]));
            }

            if (climate is not null)
            {
                body.Append(Para("Klimaavtrykk", "Heading1"));
                body.Append(Para($"Anslag for {Date(climate.From)}–{Date(climate.To)} i kg CO2e, som lavt – sentralt – høyt anslag. Tallene er spenn, ikke presise mål."
                    + (climate.Hidden ? " Noen bruksdata er skjult fordi gruppene er for små; de er ikke regnet med." : "")));
                body.Append(Table(["Kilde", "Lavt", "Sentralt", "Høyt"],
                [
                    Row("E-post sendt", climate.Emails), Row("Lagring", climate.Storage), Row("Utskrifter", climate.Printing),
                    Row("Sum avtrykk", climate.Footprint), Row("Unngått: lenker i stedet for vedlegg", climate.LinksAvoided),
                    Row("Unngått: reiser erstattet av nettmøter", climate.TravelAvoided), Row("Sum unngått", climate.Avoided),
                ]));
            }
            main.Document.Save();
        }
        return stream.ToArray();
    }

    /// <summary>
    /// The processes behind a benefit's process indicators, as far as the report's scope goes: all of them for the
    /// municipality, those an agency owns or takes part in for the agency's report. Counted: moved by the report's date
    /// (and, in an agency's report, owned by the agency), as the indicator's figure counts them.
    /// </summary>
    public static IReadOnlyList<(Processes.LinkedProcess Process, bool Counted)> ProcessesBehind(BenefitView benefit, BenefitsPicture picture)
    {
        ArgumentNullException.ThrowIfNull(benefit);
        ArgumentNullException.ThrowIfNull(picture);
        var counted = ProcessMeasures.MovedBy(benefit.Processes, picture.Date, picture.AgencyId).Select(p => p.ProcessId).ToHashSet();
        return [.. benefit.Processes
            .Where(p => picture.AgencyId is not { } agency || p.OwnerAgencyId == agency || p.InvolvedAgencyIds.Contains(agency))
            .Select(p => (p, counted.Contains(p.ProcessId)))];
    }

    private static string ProcessState(Processes.LinkedProcess p) =>
        Oppdrift.Processes.ProcessesText.Resources.GetString("State_" + p.State, Norwegian) ?? p.State.ToString();

    /// <summary>The processes behind a benefit's process indicators as a table of the Word report.</summary>
    private static OpenXmlElement ProcessesBehindTable(BenefitView benefit, BenefitsPicture picture)
    {
        var rows = ProcessesBehind(benefit, picture);
        if (rows.Count == 0)
        {
            return Para("Ingen prosesser i prosessregisteret er knyttet til gevinsten.");
        }
        return Table(["Prosess bak tallene", "Eier", "Status", "Flyttet", "Timer spart per år", "Verdi per år", "Utskrifter unngått per år", "Telles"],
            [.. rows.Select(r => new[]
            {
                r.Process.Name, r.Process.OwnerAgencyName, ProcessState(r.Process),
                r.Process.MovedOn is { } moved ? Date(moved) : "–", r.Process.Gain.HoursSavedPerYear is { } h ? Number(h, 0) : "–",
                r.Process.Gain.ValueNokPerYear is { } v ? Kroner(v) : "–",
                r.Process.Gain.PrintsAvoidedPerYear is { } prints ? Number(prints, 0) : "–", r.Counted ? "Ja" : "Nei",
            })]);
    }

    private static string[] Row(string label, ClimateRange range) => [label, Number(range.Low, 0), Number(range.Central, 0), Number(range.High, 0)];

    private static string Count(GoalView goal, BenefitStatus status) => goal.Benefits.Count(b => b.Status == status).ToString(Norwegian);

    private static Paragraph Para(string text, string? style = null) => WordWriter.Paragraph(text, style);

    private static Table Table(string[] headers, IReadOnlyList<string[]> rows, bool header = true) => WordWriter.Table(headers, rows, header);

    private static void AddStyles(MainDocumentPart main) => WordWriter.AddStyles(main);

    // ---------------------------------------------------------------- Excel

    public static byte[] Xlsx(BenefitsReportKind kind, BenefitsPicture picture, ClimateFootprint? climate)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var sheets = new List<(string Name, List<object?[]> Rows)>();
        var indicators = new List<object?[]>
        {
            new object?[] { $"{Title(kind)} – {picture.ScopeName} – per {Date(picture.Date)}" },
            new object?[] { "Mål", "Gevinst", "Gevinsteier", "Gjelder", "Prissatt", "Indikator", "Enhet", "Retning", "Kilde", "Nullpunkt", "Nullpunktsdato",
                "Sluttmål", "Måldato", "Siste måling", "Målt dato", "Forventet på banen", "Status" },
        };
        foreach (var benefit in picture.Benefits)
        {
            foreach (var i in benefit.Indicators)
            {
                var final = i.Plan.FinalTarget;
                indicators.Add([benefit.GoalName, benefit.Benefit.Name, benefit.Benefit.Owner, benefit.AgencyNames, benefit.Benefit.Priced ? "Ja" : "Nei",
                    i.Indicator.Name, i.Indicator.Unit, i.Indicator.HigherIsBetter ? "Høyere er bedre" : "Lavere er bedre", Source(i),
                    i.Plan.BaselineValue, Date(i.Indicator.BaselineDate), final?.Value, final is { } f ? Date(f.Date) : null,
                    i.Latest?.Value, i.Latest is { } l ? Date(l.Date) : null, i.Latest is { } l2 ? i.Plan.Expected(l2.Date) : null, Status(i.Status)]);
            }
        }
        indicators.Add([]);
        indicators.Add([StatusRule]);
        sheets.Add(("Indikatorer", indicators));

        var priced = new List<object?[]> { new object?[] { $"Prissatte gevinster, timekostnad {Kroner(picture.HourlyCost)}" },
            new object?[] { "År", "Mål", "Planlagt (kr)", "Realisert (kr)", "Planlagte timer", "Realiserte timer" } };
        foreach (var r in PricedRows(picture))
        {
            priced.Add([r.Year, r.Goal, Math.Round(r.Value.Planned), Math.Round(r.Value.Realised), Math.Round(r.Value.PlannedHours), Math.Round(r.Value.RealisedHours)]);
        }
        sheets.Add(("Prissatte", priced));

        var processBenefits = picture.Benefits.Where(b => b.Indicators.Any(i => i.Indicator.Source == IndicatorSource.Process)).ToList();
        if (processBenefits.Count > 0)
        {
            var processes = new List<object?[]>
            {
                new object?[] { $"Prosessene bak tallene – {picture.ScopeName} – per {Date(picture.Date)}, timekostnad {Kroner(picture.HourlyCost)}" },
                new object?[] { "Gevinst", "Prosess", "Eier", "Status", "Flyttet", "Timer spart per år", "Verdi per år (kr)", "Utskrifter unngått per år",
                    "kg CO2e unngått per år", "Sikkerhet", "Telles" },
            };
            foreach (var benefit in processBenefits)
            {
                foreach (var (p, counted) in ProcessesBehind(benefit, picture))
                {
                    processes.Add([benefit.Benefit.Name, p.Name, p.OwnerAgencyName, ProcessState(p), p.MovedOn is { } moved ? Date(moved) : null,
                        p.Gain.HoursSavedPerYear is { } h ? Math.Round(h, 1) : null, p.Gain.ValueNokPerYear is { } v ? Math.Round(v) : null,
                        p.Gain.PrintsAvoidedPerYear is { } prints ? Math.Round(prints) : null, p.Gain.Co2eKgPerYear is { } co2 ? Math.Round(co2.Central, 1) : null,
                        Oppdrift.Processes.ProcessesText.Resources.GetString("Confidence_" + p.Gain.Confidence, Norwegian) ?? p.Gain.Confidence.ToString(),
                        counted ? "Ja" : "Nei"]);
                }
            }
            processes.Add([]);
            processes.Add(["Telles: flyttet innen rapportens dato" + (picture.AgencyId is null ? "" : " og eid av virksomheten") + ", slik indikatorens tall regner dem. "
                + "Gevinsten er den prosessens målinger gir nå."]);
            sheets.Add(("Prosesser", processes));
        }

        if (kind == BenefitsReportKind.Status)
        {
            var measurements = new List<object?[]> { new object?[] { "Gevinst", "Indikator", "Dato", "Verdi", "Status", "Automatisk", "Kommentar", "Registrert av" } };
            foreach (var benefit in picture.Benefits)
            {
                foreach (var i in benefit.Indicators)
                {
                    foreach (var m in i.Measurements)
                    {
                        measurements.Add([benefit.Benefit.Name, i.Indicator.Name, Date(m.Date), m.Value, Status(m.Status), m.Automatic ? "Ja" : "Nei", m.Comment, m.EnteredBy]);
                    }
                }
            }
            sheets.Add(("Målinger", measurements));
        }
        if (climate is not null)
        {
            sheets.Add(("Klima", [
                new object?[] { $"Klimaavtrykk {Date(climate.From)}–{Date(climate.To)}, kg CO2e" },
                new object?[] { "Kilde", "Lavt", "Sentralt", "Høyt" },
                XRow("E-post sendt", climate.Emails), XRow("Lagring", climate.Storage), XRow("Utskrifter", climate.Printing), XRow("Sum avtrykk", climate.Footprint),
                XRow("Unngått: lenker i stedet for vedlegg", climate.LinksAvoided), XRow("Unngått: reiser erstattet av nettmøter", climate.TravelAvoided),
                XRow("Sum unngått", climate.Avoided),
            ]));
        }
        return Workbook(sheets);
    }

    private static object?[] XRow(string label, ClimateRange range) => [label, Math.Round(range.Low, 1), Math.Round(range.Central, 1), Math.Round(range.High, 1)];

    private static byte[] Workbook(List<(string Name, List<object?[]> Rows)> sheets)
    {
        using var stream = new MemoryStream();
        using (var workbook = new XlsxWriter(stream))
        {
            foreach (var (name, rows) in sheets)
            {
                // Figures to four decimals; columns as wide as their longest value (the title row aside), so the sheet
                // reads without resizing.
                var rounded = rows.Select(r => r.Select(v => v is double d ? Math.Round(d, 4) : v).ToArray()).ToList();
                var columns = rounded.Skip(1).Select(r => r.Length).DefaultIfEmpty(0).Max();
                var widths = new double[columns];
                for (var c = 0; c < columns; c++)
                {
                    var longest = rounded.Skip(1).Where(r => r.Length > 1 && c < r.Length).Select(r => Convert.ToString(r[c], Norwegian)?.Length ?? 0).DefaultIfEmpty(8).Max();
                    widths[c] = Math.Clamp(longest + 2, 8, 60);
                }
                workbook.AddSheet(name, rounded, columnWidths: widths);
            }
        }
        return stream.ToArray();
    }
}
