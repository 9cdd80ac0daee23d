// The demo central team's change log: the Teams training weeks that the demo's usage answers with a jump in adoption
// (DemoUsage.TrainingJumps), and workshops, agreements, help and a campaign that the usage does not answer, so the
// effects page shows both what worked and what the figures cannot tell from chance. Recorded through the module's own
// log, as a change team would. The Teams weeks are not learning programmes, so they are recorded here; the demo's
// programmes, moved processes and migrated shares become interventions of their own (Effects.InterventionSources), and
// none of them is one of these, so no training shows twice. The workshop, the agreement and the campaign are also judged
// on the pulse survey's theme they set out to change (meetings, sharing), round by round.
using System.Security.Claims;
using Oppdrift.Benefits;
using Oppdrift.Effects;
using Oppdrift.Organisation;
using Oppdrift.Surveys;

namespace Oppdrift.Demo;

public sealed class DemoEffects(InterventionLog log, OrganisationDirectory directory, EffectQueries queries, SurveyQueries surveys)
{
    /// <summary>
    /// One intervention of the log. With <paramref name="Units"/> or <paramref name="LargestUnits"/> it was done to units of
    /// its agencies (those named, or each agency's largest by head count), not to the agencies whole.
    /// </summary>
    private sealed record Spec(string Name, InterventionKind Kind, DateOnly StartsOn, string[] Agencies, string Note, string? Theme = null,
        string[]? Units = null, int LargestUnits = 0);

    private static readonly Dictionary<string, string> TrainingNames = new()
    {
        ["BOS"] = "Teams-uke i Bydel Øst",
        ["SYE"] = "Teams-opplæring på sykehjemmene",
        ["KUL"] = "Digital arbeidshverdag i Kulturetaten",
        ["UDE"] = "Skolestart med Teams i Utdanningsetaten",
    };

    private static readonly Spec[] Others =
    [
        new("Verksted med ledergruppene: møteregler i Teams", InterventionKind.Workshop, new DateOnly(2026, 5, 4), ["BNO", "BVE"],
            "Halvdagsverksted med ledergruppene. De ble enige om møteregler, agenda i kanalen og referat i møtenotatene.", "meetings"),
        new("Avtale om dokumentdeling i Plan- og bygningsetaten", InterventionKind.Agreement, new DateOnly(2026, 6, 1), ["PBE"],
            "Ledergruppen vedtok at saksdokumenter deles som lenker fra Teams, ikke som vedlegg.", "sharing"),
        new("Drop-in og hjelp til Byantikvaren", InterventionKind.Help, new DateOnly(2026, 8, 17), ["BYA"],
            "To dager med superbruker på stedet for å flytte arbeidet inn i Teams."),
        new("Kampanje: Del lenker, ikke vedlegg", InterventionKind.Campaign, new DateOnly(2026, 10, 5), ["BSE", "BFJ", "BSK", "BEL"],
            "Intranettsaker, plakater og tips i Viva Engage i fire uker.", "sharing"),
        new("Oppstartsmøte med Eldreombudet", InterventionKind.Help, new DateOnly(2026, 6, 15), ["ELO"],
            "Gjennomgang av hvor dokumentene skal ligge."),
        new("Turnus og vaktbytte i Teams for hjemmetjenesten", InterventionKind.Agreement, new DateOnly(2026, 9, 14), ["BNO", "BOS"],
            "Hjemmetjenesten i to bydeler ble enige om å bytte vakter og dele turnusen i Teams i stedet for på oppslagstavla.",
            Units: ["Hjemmetjenesten"]),
        new("Superbrukere på to sykehjem", InterventionKind.Help, new DateOnly(2026, 10, 19), ["SYE"],
            "To superbrukere fikk opplæring og hjelper kollegene på sine sykehjem med Teams på nettbrettene.", LargestUnits: 2),
    ];

    /// <summary>Records the demo's interventions once; returns how many were recorded.</summary>
    public async Task<int> LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        // Those derived from other modules may already be there (the effects job may have run): only the log counts.
        if ((await queries.ListAsync(null, null, cancellationToken)).Any(r => r.Intervention.SourceKind is null))
        {
            return 0;
        }
        var agencies = (await directory.AgenciesAsync(null, cancellationToken)).ToDictionary(a => a.Code, a => a.Id);
        var pulse = await surveys.FindAsync(SurveyMeasures.StarterSurvey, cancellationToken);
        var specs = DemoUsage.TrainingJumps
            .Select(t => new Spec(TrainingNames.GetValueOrDefault(t.AgencyCode, "Teams-opplæring"), InterventionKind.Training, t.Date, [t.AgencyCode],
                "Opplæring i Teams for alle ansatte, med superbrukere i hver avdeling."))
            .Concat(Others);
        var recorded = 0;
        foreach (var spec in specs)
        {
            var ids = spec.Agencies.Where(agencies.ContainsKey).Select(c => agencies[c]).ToList();
            var unitIds = await UnitsAsync(spec, ids, cancellationToken);
            if (ids.Count == 0 || (unitIds.Count == 0 && (spec.Units is not null || spec.LargestUnits > 0)))
            {
                continue;
            }
            // The kind's usage metrics, and the pulse's theme where the demo has the survey.
            IReadOnlyList<string> metrics = spec.Theme is { } theme && pulse is { } survey
                ? [.. EffectOutcomes.Defaults(spec.Kind), EffectOutcomes.Survey(survey, "theme:" + theme)]
                : [];
            var saved = await log.SaveAsync(null, new InterventionInput
            {
                Name = spec.Name,
                Kind = spec.Kind,
                StartsOn = spec.StartsOn,
                Note = spec.Note,
                AgencyIds = unitIds.Count > 0 ? [] : ids,
                UnitIds = unitIds,
                Metrics = metrics,
            }, user, cancellationToken);
            if (saved.Succeeded)
            {
                recorded++;
            }
        }
        return recorded;
    }

    /// <summary>The units a spec names in its agencies, or each agency's largest; none for a spec done to whole agencies.</summary>
    private async Task<List<int>> UnitsAsync(Spec spec, List<int> agencies, CancellationToken cancellationToken)
    {
        if (spec.Units is null && spec.LargestUnits == 0)
        {
            return [];
        }
        var units = await directory.UnitsAsync(agencies, cancellationToken);
        if (spec.Units is { } names)
        {
            return [.. units.Where(u => names.Contains(u.Name, StringComparer.OrdinalIgnoreCase)).Select(u => u.Id)];
        }
        var people = await directory.UnitHeadCountsAsync([.. units.Select(u => u.Id)], cancellationToken);
        return [.. units.GroupBy(u => u.AgencyId)
            .SelectMany(g => g.OrderByDescending(u => people.GetValueOrDefault(u.Id)).ThenBy(u => u.Id).Take(spec.LargestUnits))
            .Select(u => u.Id)];
    }
}
