// Fifteen processes of the demo municipality in the process register, in every state from identified to measured:
// inter-agency case handling by e-mail, board papers printed for meetings, a shared mailbox for building applications,
// timesheets on paper and more. Registered, moved and measured through the module's own editor, as a change team would,
// each measure dated: the measures before on the day the process was registered, those after two months after the move
// (or today, for a recent move). Seven processes not moved are measured a second time a few weeks ago, still the old
// way, so the moved ones have processes to be compared with (Effects' process measures). Once the starter template has
// loaded, the moved ones are linked to its benefit for less time on e-mail and coordination.
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Processes;

namespace Oppdrift.Demo;

public sealed class DemoProcesses(OppdriftDb db, ProcessEditor editor, TimeProvider clock)
{
    /// <summary>The template benefit the demo links its processes to.</summary>
    public const string EfficiencyBenefit = "Mindre tid på e-post og samordning i arbeidsprosesser";

    private sealed record M(double? Minutes, int? Sample = null, double? Prints = null, double? Emails = null, double? Errors = null, double? Lead = null)
    {
        public Dictionary<ProcessMeasureKind, MeasureInput> Input() => new()
        {
            [ProcessMeasureKind.MinutesPerCase] = new(Minutes, Minutes is null ? null : Sample),
            [ProcessMeasureKind.PrintsPerCase] = new(Prints, null),
            [ProcessMeasureKind.EmailsPerCase] = new(Emails, null),
            [ProcessMeasureKind.ErrorsPer100Cases] = new(Errors, null),
            [ProcessMeasureKind.LeadTimeDays] = new(Lead, null),
        };
    }

    /// <summary>A process as the demo registers it; <see cref="Again"/> is a second measure before, <see cref="AgainDaysAgo"/> days ago, of a process not moved.</summary>
    private sealed record Spec(string Name, string Description, string Owner, string[] Involved, string Contact, WorkingWay Way, ProcessTarget Target,
        int Volume, VolumeUnit Unit, int RegisteredDaysAgo, ProcessState State, int? MovedDaysAgo, M Before, M? After, bool Linked, M? Again = null,
        int AgainDaysAgo = 20);

    private static readonly Spec[] Specs =
    [
        new("Saksbehandling mellom etater på e-post", "Saker om tjenester til samme bruker sendes som vedlegg mellom Velferdsetaten, Barne- og familieetaten og Helseetaten, og lagres i hver sin innboks.",
            "VEL", ["BFE", "HEL"], "Seksjonsleder saksbehandling, Velferdsetaten", WorkingWay.EmailAttachments, ProcessTarget.SharePointLibrary,
            1800, VolumeUnit.Cases, 330, ProcessState.Measured, 150, new(50, 24, 2, 9, 14, 16), new(34, 30, 0.5, 2, 5, 9), true),
        new("Styrepapirer skrives ut til møter", "Sakspapirer til byrådsmøtene skrives ut og deles ut; endringer sendes på e-post til alle.",
            "BLK", ["BFI", "BOK", "BHE"], "Byrådssekretær", WorkingWay.Paper, ProcessTarget.TeamsChannel,
            48, VolumeUnit.Meetings, 300, ProcessState.Measured, 120, new(240, 12, 180, 25, null, 7), new(150, 12, 10, 5, null, 5), true),
        new("Byggesøknader i felles postkasse", "Søknader og tilleggsdokumentasjon kommer til en felles postkasse og fordeles for hånd til saksbehandlerne.",
            "PBE", [], "Fagleder byggesak", WorkingWay.SharedMailbox, ProcessTarget.CaseSystem,
            5200, VolumeUnit.Cases, 280, ProcessState.Measured, 100, new(35, 40, null, 6, 9, 21), new(26, 45, null, 2, 4, 14), true),
        new("Timelister på papir", "Timelister for ekstravakter fylles ut på papir, attesteres og skannes inn til lønn.",
            "SYE", ["PLS"], "Lønnsansvarlig, Sykehjemsetaten", WorkingWay.Paper, ProcessTarget.PowerAutomate,
            14000, VolumeUnit.Documents, 260, ProcessState.Moved, 45, new(6, 50, 1, null, 8, 10), new(2, 35, 0, null, 3, 3), true),
        new("Tilskuddssøknader til kulturformål", "Søknader kommer som e-postvedlegg og føres inn i et regneark på filområdet.",
            "KUL", [], "Rådgiver tilskudd", WorkingWay.EmailAttachments, ProcessTarget.SharePointList,
            900, VolumeUnit.Cases, 240, ProcessState.Measured, 90, new(70, 15, 1, 7, null, 30), new(55, 8, 0, 3, null, 24), true),
        new("Opplæringspåmelding", "Påmelding til kurs skjer på e-post; koordinator fører lister for hånd.",
            "UKE", [], "Kurskoordinator", WorkingWay.EmailAttachments, ProcessTarget.SharePointList,
            4000, VolumeUnit.Cases, 200, ProcessState.Moved, 30, new(8, 30, null, 3, null, 2), new(3, 30, null, 1, null, 1), true),
        new("Avviksmeldinger for HMS", "Avvik meldes på papirskjema som samles inn og føres i et regneark.",
            "BRE", [], "HMS-rådgiver", WorkingWay.Paper, ProcessTarget.PowerAutomate,
            1200, VolumeUnit.Cases, 180, ProcessState.Planned, null, new(25, null, 1, null, 20, 12), null, false, new(24, 12, 1.1, null, 19, 13)),
        new("Innkjøpsbehov fra virksomhetene", "Behov for felles innkjøp meldes på e-post og samles i et regneark av Innkjøpsetaten.",
            "INK", ["UKE", "BYM"], "Innkjøpsrådgiver", WorkingWay.EmailAttachments, ProcessTarget.Planner,
            2400, VolumeUnit.Cases, 150, ProcessState.Analysed, null, new(30, 20, null, 10, null, 14), null, false, new(31, 20, null, 9.5, null, 15)),
        new("Høringsinnspill fra bydelene", "Innspill til høringer sendes som Word-vedlegg og flettes sammen for hånd.",
            "BLK", ["BSE", "BNO", "BSO"], "Byrådssekretær", WorkingWay.EmailAttachments, ProcessTarget.TeamsChannel,
            60, VolumeUnit.Cases, 120, ProcessState.Planned, null, new(180, 10, 4, 40, null, 21), null, false, new(170, 8, 3.8, 38, null, 20)),
        new("Arkivering av politiske saker", "Saksdokumenter skrives ut, signeres og arkiveres på papir før de skannes.",
            "BYK", [], "Arkivleder", WorkingWay.Paper, ProcessTarget.CaseSystem,
            3000, VolumeUnit.Documents, 100, ProcessState.Analysed, null, new(15, 30, 8, null, 5, 10), null, false, new(15.5, 30, 7.6, null, 5.2, 11)),
        new("Ferieplanlegging i bydelen", "Ferieønsker samles i et regneark på filområdet som mange redigerer etter tur.",
            "BNO", [], "Personalrådgiver, Bydel Nord", WorkingWay.FileShare, ProcessTarget.SharePointList,
            2600, VolumeUnit.Documents, 60, ProcessState.Identified, null, new(10), null, false),
        new("Vikarbestilling i sykehjemmene", "Vikarer bestilles på telefon og e-post; vaktlistene oppdateres for hånd.",
            "SYE", [], "Avdelingsleder bemanning", WorkingWay.Meetings, ProcessTarget.PowerAutomate,
            9000, VolumeUnit.Cases, 40, ProcessState.Identified, null, new(12), null, false),
        new("Permisjonssøknader på e-post", "Søknader om permisjon sendes på e-post til leder og føres inn i lønnssystemet for hånd.",
            "VEL", [], "Personalkonsulent, Velferdsetaten", WorkingWay.EmailAttachments, ProcessTarget.SharePointList,
            700, VolumeUnit.Cases, 340, ProcessState.Analysed, null, new(20, 15, null, 4, null, 5), null, false, new(19.5, 15, null, 4.2, null, 5.5)),
        new("Fakturagodkjenning på papir", "Fakturaer skrives ut, attesteres med signatur og sendes i internposten til regnskap.",
            "BYM", [], "Controller, Bymiljøetaten", WorkingWay.Paper, ProcessTarget.PowerAutomate,
            6000, VolumeUnit.Documents, 330, ProcessState.Identified, null, new(12, 25, 3, null, 6, 9), null, false, new(12.5, 25, 2.9, null, 5.7, 9.5)),
        new("Møterom i regneark", "Møterom bookes i et delt regneark på filområdet, og dobbeltbookinger ordnes på e-post.",
            "HEL", [], "Kontorleder, Helseetaten", WorkingWay.FileShare, ProcessTarget.SharePointList,
            3500, VolumeUnit.Meetings, 320, ProcessState.Identified, null, new(6, 20, null, 2, null, 1), null, false, new(5.6, 20, null, 1.9, null, 1.1)),
    ];

    /// <summary>
    /// Registers the fifteen processes (those whose owner is not in the directory are left out), moves them to their
    /// states and measures the unmoved ones again; returns how many were registered. Does nothing when the register
    /// already holds processes.
    /// </summary>
    public async Task<int> LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if ((await new ProcessQueries(db, new BenefitsOptions()).ListAsync(new ProcessFilter(), null, cancellationToken)).Count > 0)
        {
            return 0;
        }
        var agencies = (await new OrganisationDirectory(db).AgenciesAsync(null, cancellationToken)).ToDictionary(a => a.Code, a => a.Id);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var loaded = 0;
        foreach (var spec in Specs)
        {
            if (!agencies.TryGetValue(spec.Owner, out var owner))
            {
                continue;
            }
            var saved = await editor.SaveAsync(null, new ProcessInput
            {
                Name = spec.Name,
                Description = spec.Description,
                OwnerAgencyId = owner,
                AgencyIds = [.. spec.Involved.Where(agencies.ContainsKey).Select(c => agencies[c])],
                ContactPerson = spec.Contact,
                CurrentWay = spec.Way,
                Target = spec.Target,
                VolumePerYear = spec.Volume,
                VolumeUnit = spec.Unit,
                RegisteredOn = today.AddDays(-spec.RegisteredDaysAgo),
                Before = spec.Before.Input(),
                BeforeMeasuredOn = today.AddDays(-spec.RegisteredDaysAgo),
            }, user, cancellationToken);
            if (!saved.Succeeded)
            {
                continue;
            }
            var id = saved.Value!.Id;
            // Step by step, as the team would: the measures after are entered once the process has moved, before it is measured.
            DateOnly? moved = spec.MovedDaysAgo is { } days ? today.AddDays(-days) : null;
            foreach (var state in Enum.GetValues<ProcessState>().Where(s => s > ProcessState.Identified && s <= spec.State))
            {
                await editor.SetStateAsync(id, state, state >= ProcessState.Moved ? moved : null, user, cancellationToken);
                if (state == ProcessState.Moved && spec.After is { } after)
                {
                    // Measured two months after the move, or today for a move more recent than that.
                    var measuredOn = moved!.Value.AddDays(60) is var later && later < today ? later : today;
                    await editor.SaveAfterAsync(id, after.Input(), user, cancellationToken, measuredOn);
                }
            }
            if (spec.Again is { } again)
            {
                // Still worked the old way, measured once more: a comparison for the processes that moved meanwhile.
                await editor.RecordAsync(id, MeasurePhase.Before, today.AddDays(-spec.AgainDaysAgo), again.Input(), user, cancellationToken);
            }
            loaded++;
        }
        return loaded;
    }

    /// <summary>Links the moved and measured demo processes to the starter template's benefit for less time on e-mail and coordination.</summary>
    public static async Task<int> LinkToBenefitsAsync(IServiceProvider provider, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var benefits = await provider.GetRequiredService<BenefitsQueries>().BenefitNamesAsync(cancellationToken);
        if (benefits.Where(b => b.Name == EfficiencyBenefit).Select(b => (int?)b.Id).FirstOrDefault() is not { } benefitId)
        {
            return 0;
        }
        var queries = provider.GetRequiredService<ProcessQueries>();
        var editor = provider.GetRequiredService<ProcessEditor>();
        var linked = 0;
        foreach (var row in await queries.ListAsync(new ProcessFilter(), null, cancellationToken))
        {
            if (!Specs.Any(s => s.Name == row.Name && s.Linked) || row.BenefitIds.Contains(benefitId))
            {
                continue;
            }
            var saved = await editor.SaveAsync(row.Id, new ProcessInput
            {
                Name = row.Name,
                Description = row.Description,
                OwnerAgencyId = row.Owner.Id,
                AgencyIds = [.. row.Involved.Select(a => a.Id)],
                ContactPerson = row.ContactPerson,
                CurrentWay = row.CurrentWay,
                Target = row.Target,
                VolumePerYear = row.VolumePerYear,
                VolumeUnit = row.VolumeUnit,
                RegisteredOn = row.RegisteredOn,
                Before = MeasureFields.From(row.Before).ToInput(),
                BenefitIds = [.. row.BenefitIds, benefitId],
            }, user, cancellationToken);
            linked += saved.Succeeded ? 1 : 0;
        }
        return linked;
    }
}
