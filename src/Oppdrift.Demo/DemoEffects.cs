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
    private sealed record Spec(string Name, InterventionKind Kind, DateOnly StartsOn, string[] Agencies, string Note, string? Theme = null);

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
            if (ids.Count == 0)
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
                AgencyIds = ids,
                Metrics = metrics,
            }, user, cancellationToken);
            if (saved.Succeeded)
            {
                recorded++;
            }
        }
        return recorded;
    }
}
