// The starter template: the four goals the municipality bought Microsoft 365 for, with benefits and indicators wired
// to the usage figures, the migration plan and the process register where they measure the benefit, and manual indicators (survey results,
// printing) where no source exists yet. Loaded through the same editor a user would use.
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Shared;
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

public sealed class BenefitsTemplate(OppdriftDb db, BenefitsEditor editor, UsageIndicatorQuery usage)
{
    private sealed record IndicatorSpec(string Name, string Unit, bool HigherIsBetter, string? Measure, double ManualBaseline, double[] Change,
        double? Min = null, double? Max = null, double? HoursPerUnit = null, string? Definition = null, bool Relative = false);

    private sealed record BenefitSpec(string Name, string Description, string Owner, bool Priced, bool Quantitative, string DependsOn, string Risks,
        IndicatorSpec[] Indicators);

    private sealed record GoalSpec(string Name, string Description, BenefitSpec[] Benefits);

    private static readonly GoalSpec[] Goals =
    [
        new("Arbeide mer effektivt", "Mindre tid på å lete, sende og samordne; mer tid til oppgavene.",
        [
            new("Mindre tid brukt på e-post", "Samtaler og avklaringer flyttes fra e-post til chat og kanaler i Teams.", "Endringsleder, UKE", true, true,
                "Opplæring i chat og kanaler i Teams\nHybrid ledelse med digitale verktøy\nTeams-team for hver virksomhet og seksjon",
                "Vanene endres sakte uten at lederne går foran.",
                [new("Andel meldinger i Teams (av Teams-meldinger og e-post)", "%", true, "emailToTeams", 0, [10, 20], HoursPerUnit: 0.5)]),
            new("Filer deles med lenke i stedet for vedlegg", "Én fil som alle jobber i, ikke mange kopier i innboksene.", "Endringsleder, UKE", true, true,
                "Flytting fra filservere til SharePoint og OneDrive\nOpplæring i deling og samskriving",
                "Eksterne mottakere uten tilgang får fortsatt vedlegg.",
                [new("Andel deling med lenke (av lenkedeling og e-post)", "%", true, "linksShared", 0, [5, 10], HoursPerUnit: 0.3)]),
            new("Mindre tid på e-post og samordning i arbeidsprosesser", "Saksbehandling, møtepapirer og skjema flyttes fra e-post, papir og felles postkasser til Teams, SharePoint og Power Automate.",
                "Endringsleder, UKE", false, true,
                "Prosessregisteret: prosesser som kartlegges, flyttes og måles før og etter\nOpplæring i SharePoint-lister og Power Automate",
                "Gevinsten avhenger av at virksomhetene måler minutter per sak både før og etter flyttingen.",
                [new("Timer spart per år i flyttede prosesser", "timer", true, ProcessMeasures.HoursSaved, 0, [1500, 4000], 0,
                    Definition: "Summen av timer spart per år i prosessene i prosessregisteret som er knyttet til gevinsten og er flyttet.")]),
            new("Alle ansatte bruker Teams", "Teams er samhandlingsflaten for hele kommunen.", "Systemeier M365", false, true,
                "Utrulling av Teams til alle virksomheter\nSuperbrukernettverk",
                "Ansatte uten egen PC når ikke Teams.",
                [new("Andel lisensierte aktive i Teams siste 28 dager", "%", true, "teamsActive", 0, [10, 20])]),
        ]),
        new("Bedre sikkerhet og personvern", "Informasjon lagres og deles der tilgangen styres.",
        [
            new("Kontrollert deling utenfor kommunen", "Deling med eksterne skjer bevisst og i små mengder.", "Informasjonssikkerhetsleder", false, true,
                "Retningslinjer for ekstern deling\nFølsomhetsetiketter",
                "Strengere regler kan føre til deling utenom kommunens verktøy.",
                [new("Andel av delte filer som deles eksternt", "%", false, "externalShare", 0, [-2, -4])]),
            new("Virksomhetene er ute av filserverne", "Filserverne fases ut; innholdet ligger i SharePoint og OneDrive.", "Systemeier M365", false, true,
                "Migrering fra filservere\nRydding av gammelt innhold",
                "Fagsystemer som krever filområder forsinker utfasingen.",
                [new("Andel virksomheter flyttet fra filserver", "%", true, MigrationMeasures.AgenciesMoved, 0, [50, 100], 0, 100),
                    new("Andel av filservervolumet flyttet", "%", true, MigrationMeasures.BytesMoved, 0, [50, 100], 0, 100)]),
        ]),
        new("Økt medarbeidertilfredshet", "Ansatte opplever at de digitale verktøyene hjelper dem i jobben.",
        [
            new("Bedre digital arbeidsglede", "Ansatte er tilfredse med de digitale verktøyene og får hjelp til å bruke dem.", "HR-direktør", false, true,
                "Digital arbeidsglede-kampanjen\nLederprogram i Teams",
                "Opplevd tilfredshet påvirkes av mye mer enn verktøyene.",
                [new("Tilfredshet med digitale verktøy (1–5)", "poeng", true, SurveyMeasures.Key(SurveyMeasures.StarterSurvey, "mean:rating-overall"), 3.4, [0.3, 0.6], 1, 5,
                    Definition: "Gjennomsnittlig svar på «Hvor fornøyd er du alt i alt med de digitale verktøyene på jobb?» (1–5) i pulsundersøkelsen "
                        + "«" + SurveyMeasures.StarterSurvey + "», målt ved hver runde. Grunnlinjen er satt for hånd til første runde er stengt.")]),
        ]),
        new("Redusert klimaavtrykk", "Mindre papir, færre reiser og et mindre digitalt fotavtrykk.",
        [
            new("Færre utskrifter", "Dokumenter leses og signeres digitalt.", "Miljøkoordinator", false, true,
                "Samskriving i Word og PowerPoint\nFærre skrivere",
                "Tjenester med papirskjema overfor innbyggere.",
                [new("Utskrevne sider per ansatt per måned", "sider", false, null, 40, [-10, -20], 0, 1000,
                    Definition: "Fra skrivertjenestens månedsrapport delt på antall ansatte. Registreres for hånd.")]),
            new("Færre e-poster per person", "Mindre e-post gir mindre lagring og færre kopier av filer.", "Miljøkoordinator", false, true,
                "Opplæring i chat og kanaler i Teams",
                "E-post er fortsatt kanalen for innbyggere og eksterne.",
                [new("E-poster sendt per lisensiert person siste 28 dager", "e-post", false, "emailsPerPerson", 0, [-0.1, -0.2], Relative: true)]),
        ]),
    ];

    /// <summary>
    /// Loads the template when there are no goals yet. Usage indicators take their baseline from the usage history on
    /// <paramref name="baselineDate"/> (default: four weeks after the first day with figures, so the window is full).
    /// Everything lands, or, on the first error, nothing.
    /// </summary>
    public async Task<Result<int>> LoadAsync(ClaimsPrincipal user, DateOnly? baselineDate, CancellationToken cancellationToken)
    {
        if (!BenefitsAccess.CanEditGoals(user))
        {
            return Result<int>.Fail("", BenefitsText.Get("ErrorNotAllowed"));
        }
        if (await db.BenefitGoals.AnyAsync(cancellationToken))
        {
            return Result<int>.Fail("", BenefitsText.Get("ErrorTemplateGoalsExist"));
        }
        if (await usage.SpanAsync(cancellationToken) is not { } span)
        {
            return Result<int>.Fail("", BenefitsText.Get("ErrorTemplateNoUsage"));
        }
        var baseline = baselineDate ?? (span.First.AddDays(UsageIndicatorQuery.Window - 1) is var full && full <= span.Last ? full : span.Last);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var indicators = 0;
        foreach (var goalSpec in Goals)
        {
            var goal = await editor.SaveGoalAsync(null, new GoalInput(goalSpec.Name, goalSpec.Description), user, cancellationToken);
            if (!goal.Succeeded)
            {
                return Result<int>.Fail(goal.Field ?? "", goal.Error!);
            }
            foreach (var spec in goalSpec.Benefits)
            {
                var benefit = await editor.SaveBenefitAsync(null, new BenefitInput(goal.Value!.Id, spec.Name, spec.Description, spec.Owner, baseline,
                    baseline.AddYears(2), spec.Priced, spec.Quantitative, spec.DependsOn, spec.Risks, []), user, cancellationToken);
                if (!benefit.Succeeded)
                {
                    return Result<int>.Fail(benefit.Field ?? "", benefit.Error!);
                }
                foreach (var i in spec.Indicators)
                {
                    var start = i.ManualBaseline;
                    if (MigrationMeasures.Find(i.Measure) is { } migration)
                    {
                        start = Math.Round(migration.Municipality(await new Oppdrift.ShareMigration.MigrationQueries(db).ProgressAsync(baseline, cancellationToken)) ?? 0, 2);
                    }
                    else if (i.Measure is not null && !SurveyMeasures.IsSurvey(i.Measure) && UsageMeasures.Find(i.Measure) is { } measure)
                    {
                        var figures = await usage.AtAsync(measure.Column, baseline, cancellationToken);
                        if (figures.Municipality.Value is not { } value)
                        {
                            return Result<int>.Fail("", BenefitsText.Get("ErrorNoUsageOnDate", measure.Name, BenefitsEditor.Format(baseline),
                                BenefitsEditor.Format(span.First), BenefitsEditor.Format(span.Last)));
                        }
                        start = Math.Round(value, 2);
                    }
                    var targets = i.Change.Select((change, n) => new TargetInput(baseline.AddYears(n + 1), Math.Round(Clamp(i.Relative ? start * (1 + change) : start + change, i.Min ?? 0, i.Max ?? (i.Unit == "%" ? 100 : null)), 2))).ToList();
                    var saved = await editor.SaveIndicatorAsync(null, new IndicatorInput(benefit.Value!.Id, i.Name, i.Definition, i.Unit, i.HigherIsBetter,
                        i.Measure is null ? IndicatorSource.Manual : MigrationMeasures.IsMigration(i.Measure) ? IndicatorSource.Migration
                            : ProcessMeasures.IsProcess(i.Measure) ? IndicatorSource.Process
                            : SurveyMeasures.IsSurvey(i.Measure) ? IndicatorSource.Survey : IndicatorSource.Usage, i.Measure, baseline, i.ManualBaseline, MeasurementSchedule.Monthly,
                        i.Min, i.Max, i.HoursPerUnit, targets), user, cancellationToken);
                    if (!saved.Succeeded)
                    {
                        return Result<int>.Fail(saved.Field ?? "", saved.Error!);
                    }
                    indicators++;
                }
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(indicators);
    }

    private static double Clamp(double value, double min, double? max) => Math.Max(min, max is { } m ? Math.Min(m, value) : value);

    /// <summary>The principal the demo and the command line load the template as: the central team, by name.</summary>
    public static ClaimsPrincipal System(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, nameof(Roles.ChangeLeader))], "Oppdrift", ClaimTypes.Name, ClaimTypes.Role));
}
