using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;
using Oppdrift.Tests.Processes;
using Oppdrift.Tests.ShareMigration;
using Oppdrift.Tests.Surveys;

namespace Oppdrift.Tests.Web;

/// <summary>
/// Real objects of one agency in every module, made through the modules' own services, and the address of each route
/// with ids filled with them. A route that changes or removes its object gets a fresh one on every request, so the rows
/// after it still find theirs.
/// </summary>
internal sealed partial class MatrixSamples
{
    private readonly RunningApp _app;
    private readonly string _inventory;
    private readonly int _agencyId;
    private readonly string _actor;

    private MatrixSamples(RunningApp app, string inventory, int agencyId, string actor)
    {
        _app = app;
        _inventory = inventory;
        _agencyId = agencyId;
        _actor = actor;
    }

    public int AgencyId => _agencyId;
    public int Goal { get; private set; }
    public int Benefit { get; private set; }
    public int Indicator { get; private set; }
    public long Measurement { get; private set; }
    public int Programme { get; private set; }
    public int Session { get; private set; }
    public int Document { get; private set; }
    public int Recording { get; private set; }
    public int Cohort { get; private set; }
    public int Participant { get; private set; }
    public int Note { get; private set; }
    public string ProgrammeFeed { get; private set; } = "";
    public int Process { get; private set; }
    public int Intervention { get; private set; }
    public int Survey { get; private set; }
    public int Round { get; private set; }
    public string AnswerToken { get; private set; } = "";
    public int Share { get; private set; }
    public int Scan { get; private set; }
    public int Mapping { get; private set; }

    /// <summary>
    /// A word only this agency's own data holds (a benefit and its measurement, a process, a share, a programme document), to
    /// look for in what another agency's leader is shown. What is municipality-wide (goals, surveys, programmes and their
    /// sessions) is named by the agency's code instead.
    /// </summary>
    public string Secret { get; private init; } = "";

    /// <summary>
    /// Seeds one agency's objects: a benefit with an indicator and a measurement, a learning programme run by
    /// <paramref name="programmeOwner"/> for that agency alone with a session, a document, a recording and a cohort, a
    /// process, a pulse survey with a round sent to the agency and answers imported from Forms, and a scanned share with a
    /// mapping.
    /// </summary>
    public static async Task<MatrixSamples> SeedAsync(RunningApp app, string code, string programmeOwner, string inventory, string secret)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<OppdriftDb>();
        var agency = await db.Agencies.SingleAsync(a => a.Code == code);
        var samples = new MatrixSamples(app, inventory, agency.Id, "matrix") { Secret = secret };
        var central = BenefitsTemplate.System("endringsleder");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;

        var editor = services.GetRequiredService<BenefitsEditor>();
        var goal = (await editor.SaveGoalAsync(null, new GoalInput($"Mål {code}", null), central, default)).Value!.Id;
        samples.Goal = goal;
        samples.Benefit = Ok(await editor.SaveBenefitAsync(null, new BenefitInput(goal, $"Gevinst {secret}", null, "Direktør", today.AddDays(-30), today.AddYears(1),
            false, true, null, null, [agency.Id]), central, default)).Id;
        samples.Indicator = Ok(await editor.SaveIndicatorAsync(null, Oppdrift.Tests.Benefits.BenefitsServices.Survey(samples.Benefit, today.AddDays(-30)), central, default)).Id;
        samples.Measurement = await samples.MeasurementAsync();

        var programmes = services.GetRequiredService<Programmes>();
        var programme = Ok(await programmes.CreateAsync(new ProgrammeInput($"Lederskole {code}", $"Program for {code}", "HR", programmeOwner, agency.Id,
            ProgrammeAudience.Everyone, [agency.Id], "ledelse", "Teams", ["Modul 1"]), samples._actor, default));
        samples.Programme = programme.Id;
        samples.ProgrammeFeed = programme.FeedToken;
        samples.Session = await samples.SessionAsync();
        samples.Document = await samples.DocumentAsync();
        samples.Recording = await samples.RecordingAsync();
        db.Cohorts.Add(new Cohort { ProgrammeId = programme.Id, Name = $"Kull {code}", StartsOn = today });
        await db.SaveChangesAsync();
        samples.Cohort = await db.Cohorts.Where(c => c.ProgrammeId == programme.Id).Select(c => c.Id).SingleAsync();
        samples.Participant = await samples.ParticipantAsync();
        samples.Note = await samples.NoteAsync();

        var process = ProcessServices.Input(agency.Id, agency.Id) with { Name = $"Prosess {secret}" };
        samples.Process = Ok(await services.GetRequiredService<ProcessEditor>().SaveAsync(null, process, central, default)).Id;
        samples.Intervention = Ok(await services.GetRequiredService<InterventionLog>().SaveAsync(null, new InterventionInput
        {
            Name = $"Tiltak {secret}",
            Kind = InterventionKind.Workshop,
            StartsOn = today.AddDays(-30),
            AgencyIds = [agency.Id],
        }, central, default)).Id;

        var designer = services.GetRequiredService<SurveyDesigner>();
        samples.Survey = Ok(await designer.CreateAsync($"Puls {code}", null, SurveyLibrary.PulseKeys, 3, samples._actor, default)).Id;
        var round = await designer.AddRoundAsync(samples.Survey, "Runde 1", RoundKind.Pulse, now.AddHours(-1), now.AddDays(14), samples._actor, default,
            RoundPopulation.Agency, agency.Id);
        await db.SaveChangesAsync();
        samples.Round = round.Id;
        var mailsBefore = await db.OutgoingMail.Select(m => m.Id).ToListAsync();
        var sent = await services.GetRequiredService<SurveyPulse>().SendAsync(round.Id, samples._actor, default);
        Assert.True(sent.Succeeded, sent.Error);
        var bodies = await db.OutgoingMail.Where(m => !mailsBefore.Contains(m.Id)).Select(m => m.Body).ToListAsync();
        samples.AnswerToken = bodies.Select(b => AnswerLink().Match(b).Groups[1].Value).First(t => t.Length > 0);
        // Twelve answers from the agency, enough to pass the minimum group size: shown to whoever may see the agency.
        var workbook = FormsWorkbook.Write(["Hvilken virksomhet jobber du i?", "Hvor enig er du?.Møtene mine i Teams er effektive."],
            [.. Enumerable.Range(0, 12).Select(i => new FormsWorkbook.Response("anonymous", new DateTime(2026, 2, 1, 10, i, 0), [code, "Enig"]))]);
        var imported = await services.GetRequiredService<FormsImporter>().ImportAsync(workbook, "puls.xlsx", new FormsImportRequest
        {
            SurveyName = $"Forms {code}",
            Actor = samples._actor,
            AgencyColumn = "Hvilken virksomhet jobber du i?",
        }, default);
        Assert.True(imported.Status == FormsImportStatus.Imported, string.Join("; ", imported.Errors));

        (samples.Share, samples.Scan) = await samples.AttachAsync();
        samples.Mapping = await samples.MappingAsync("Økonomi");
        return samples;
    }

    private static T Ok<T>(Oppdrift.Shared.Result<T> result)
    {
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<long> MeasurementAsync() => WithAsync(async s => Ok(await s.GetRequiredService<BenefitsEditor>().AddMeasurementAsync(new MeasurementInput(Indicator,
        _agencyId, DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-10), 4.2, Secret), BenefitsTemplate.System("endringsleder"), default)).Id);

    public Task<int> SessionAsync() => WithAsync(async s => Ok(await s.GetRequiredService<Programmes>().AddSessionsAsync(Programme, new SessionInput("Økt", "",
        TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(7), TimeSpan.FromMinutes(45), SessionMode.Online, null, "https://teams.microsoft.com/l/meetup-join/abc", null),
        _actor, default))[0].Id);

    public Task<int> DocumentAsync() => WithAsync(async s =>
    {
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"Notater {Secret}"));
        return Ok(await s.GetRequiredService<Programmes>().AddDocumentAsync(Programme, Session, $"Notat {Secret}", content, "notat.txt", content.Length, "text/plain",
            _actor, default)).Id;
    });

    public Task<int> RecordingAsync() => WithAsync(async s => Ok(await s.GetRequiredService<Programmes>().AddRecordingAsync(Programme,
        new RecordingInput("Opptak", "https://nordvik.sharepoint.com/opptak.mp4", TimeSpan.FromMinutes(30), Session, null), null, null, _actor, default)).Id);

    /// <summary>Enrols a person of the agency not yet in the programme in its cohort, and returns their participant id.</summary>
    public Task<int> ParticipantAsync() => WithAsync(async s =>
    {
        var db = s.GetRequiredService<OppdriftDb>();
        var enrolled = db.Participants.Where(p => p.ProgrammeId == Programme).Select(p => p.PersonId);
        var person = await db.People.Where(p => p.AgencyId == _agencyId && p.IsActive && !enrolled.Contains(p.Id)).OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync();
        Ok(await s.GetRequiredService<Cohorts>().EnrolAsync(Cohort, new EnrolmentRequest([person]), _actor, default));
        return await db.Participants.Where(p => p.ProgrammeId == Programme && p.PersonId == person).Select(p => p.Id).SingleAsync();
    });

    /// <summary>The sample participant, put back in the sample cohort should a request (the move form) have taken them out of it.</summary>
    public Task<int> ParticipantInCohortAsync() => WithAsync(async s =>
    {
        Ok(await s.GetRequiredService<Cohorts>().MoveAsync(Participant, Cohort, _actor, default));
        return Participant;
    });

    /// <summary>A new cohort of the programme, for a request that may change or delete it.</summary>
    public Task<int> CohortAsync() => WithAsync(async s =>
        Ok(await s.GetRequiredService<Cohorts>().CreateAsync(Programme, new CohortInput($"Kull {Secret}", null), _actor, default)).Id);

    /// <summary>An agreement written down for the sample cohort.</summary>
    public Task<int> NoteAsync() => WithAsync(async s => Ok(await s.GetRequiredService<CohortNotes>().AddAsync(Cohort,
        new CohortNoteInput(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime), CohortNoteTopic.MeetingRules, $"Avtale {Secret}", null), _actor, default)).Id);

    /// <summary>Attaches the scanned share to the agency (again, after its scan was deleted) and returns the share and the scan.</summary>
    public Task<(int Share, int Scan)> AttachAsync() => WithAsync(async s =>
    {
        await using var content = File.OpenRead(_inventory);
        var outcome = Ok(await s.GetRequiredService<MigrationPlans>().AttachAsync(new AttachRequest
        {
            AgencyId = _agencyId,
            ShareName = $"Felles {Secret}",
            SourcePath = @"\\filserver\felles",
            FileName = "share.scan.sqlite",
            Actor = _actor,
        }, content, default));
        return (outcome.ShareId, outcome.ScanId);
    });

    /// <summary>A mapping of <paramref name="folder"/> (mappings may not overlap, so a fresh one takes a folder of its own).</summary>
    /// <remarks>One a request was refused to delete is still there, and is the one to use.</remarks>
    public Task<int> MappingAsync(string folder) => WithAsync(async s =>
    {
        var source = MigrationPlans.NormaliseFolder(folder);
        if (await s.GetRequiredService<OppdriftDb>().ShareMappings.Where(m => m.ShareId == Share && m.SourceFolder == source).Select(m => (int?)m.Id).SingleOrDefaultAsync()
            is { } standing)
        {
            return standing;
        }
        return Ok(await s.GetRequiredService<MigrationPlans>().SaveMappingAsync(Share, null, new MappingInput
        {
            SourceFolder = folder,
            TargetKind = TargetKind.SharePoint,
            SiteUrl = "https://nordvik.sharepoint.com/sites/felles",
            TargetFolder = folder,
        }, _actor, default)).Id;
    });

    /// <summary>Routes whose request removes or ends its object: each request a role is admitted to make gets its own.</summary>
    public static readonly IReadOnlySet<string> Destructive = new HashSet<string>(StringComparer.Ordinal)
    {
        "/benefits/measurements/{id:long}/delete",
        "/learning/sessions/{id:int}/cancel-session",
        "/learning/documents/{id:int}/delete",
        "/learning/recordings/{id:int}/delete",
        "/learning/participants/{id:int}/remove",
        "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants/{participantId:int}",
        "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes/{noteId:int}",
        "/migration/mappings/{id:int}/delete",
        "/migration/scans/{id:int}/delete",
        "/account/logout",
    };

    /// <summary>
    /// The address to request for a route, with its ids filled with this agency's objects; null when the route has
    /// parameters this table does not know (a new route must add its sample here).
    /// </summary>
    public async Task<string?> UrlAsync(string route, bool fresh, string code, int accountId, string surveyUpload)
    {
        static string S(long value) => value.ToString(CultureInfo.InvariantCulture);
        string? url = route switch
        {
            "/admin/accounts/{Id:int}" => $"/admin/accounts/{S(accountId)}",
            "/agencies/{Code}" or "/usage/agencies/{Code}" => route.Replace("{Code}", code, StringComparison.Ordinal),
            "/api/agencies/{code}" or "/api/usage/agencies/{code}" or "/migration/agencies/{code}/spmt.csv" => route.Replace("{code}", code, StringComparison.Ordinal),
            "/usage/workloads/{Workload}" => "/usage/workloads/teams",
            "/openapi/{documentName}.json" => "/openapi/v1.json",
            "/api/usage/workloads/{workload}" => "/api/usage/workloads/teams",
            "/organisation/imports/{Id:int}" => $"/organisation/imports/{S(await WithAsync(s => s.GetRequiredService<OppdriftDb>().DirectoryImports.OrderBy(i => i.Id).Select(i => i.Id).FirstAsync()))}",
            "/benefits/{BenefitId:int}" => $"/benefits/{S(Benefit)}",
            "/benefits/{BenefitId:int}/edit" => $"/benefits/{S(Benefit)}/edit",
            "/benefits/{BenefitId:int}/indicators/new" => $"/benefits/{S(Benefit)}/indicators/new",
            "/benefits/{BenefitId:int}/indicators/{IndicatorId:int}" => $"/benefits/{S(Benefit)}/indicators/{S(Indicator)}",
            "/benefits/measurements/{id:long}/delete" => $"/benefits/measurements/{S(fresh ? await MeasurementAsync() : Measurement)}/delete",
            "/learning/programmes/{Id:int}" => $"/learning/programmes/{S(Programme)}",
            "/learning/programmes/{Id:int}/results" => $"/learning/programmes/{S(Programme)}/results",
            "/learning/programmes/{Id:int}/edit" => $"/learning/programmes/{S(Programme)}/edit",
            "/learning/sessions/{Id:int}/edit" => $"/learning/sessions/{S(Session)}/edit",
            "/benefits/goals/{GoalId:int}/edit" => $"/benefits/goals/{S(Goal)}/edit",
            "/learning/programmes/{id:int}/documents" => $"/learning/programmes/{S(Programme)}/documents",
            "/learning/programmes/{id:int}/recordings" => $"/learning/programmes/{S(Programme)}/recordings",
            "/learning/sessions/{Id:int}" => $"/learning/sessions/{S(Session)}",
            "/learning/sessions/{id:int}/register" or "/learning/sessions/{id:int}/cancel" or "/learning/sessions/{id:int}/feedback"
                or "/learning/sessions/{id:int}/invitation.ics" or "/learning/sessions/{id:int}/attendance"
                or "/learning/sessions/{id:int}/attendance/teams" or "/api/learning/sessions/{id:int}/registration"
                => route.Replace("{id:int}", S(Session), StringComparison.Ordinal),
            "/learning/sessions/{id:int}/cancel-session" => $"/learning/sessions/{S(fresh ? await SessionAsync() : Session)}/cancel-session",
            "/learning/documents/{id:int}" => $"/learning/documents/{S(Document)}",
            "/learning/programmes/{Id:int}/cohorts" => $"/learning/programmes/{S(Programme)}/cohorts",
            "/learning/programmes/{Id:int}/cohorts/{CohortId:int}" => $"/learning/programmes/{S(Programme)}/cohorts/{S(Cohort)}",
            "/learning/participants/{id:int}/move" => $"/learning/participants/{S(Participant)}/move",
            "/learning/participants/{id:int}/remove" => $"/learning/participants/{S(fresh ? await ParticipantAsync() : Participant)}/remove",
            "/api/learning/programmes/{id:int}/cohorts/" => $"/api/learning/programmes/{S(Programme)}/cohorts/",
            // Read, changed and deleted: a fresh cohort for each request that is let through, so the sample cohort stays.
            "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}" => $"/api/learning/programmes/{S(Programme)}/cohorts/{S(fresh ? await CohortAsync() : Cohort)}",
            "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants" => $"/api/learning/programmes/{S(Programme)}/cohorts/{S(Cohort)}/participants",
            "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants/{participantId:int}/move"
                => $"/api/learning/programmes/{S(Programme)}/cohorts/{S(Cohort)}/participants/{S(await ParticipantInCohortAsync())}/move",
            "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/participants/{participantId:int}"
                => $"/api/learning/programmes/{S(Programme)}/cohorts/{S(Cohort)}/participants/{S(fresh ? await ParticipantAsync() : await ParticipantInCohortAsync())}",
            "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes" => $"/api/learning/programmes/{S(Programme)}/cohorts/{S(Cohort)}/notes",
            "/api/learning/programmes/{id:int}/cohorts/{cohortId:int}/notes/{noteId:int}"
                => $"/api/learning/programmes/{S(Programme)}/cohorts/{S(Cohort)}/notes/{S(fresh ? await NoteAsync() : Note)}",
            "/api/learning/programmes/{id:int}/proposals" => $"/api/learning/programmes/{S(Programme)}/proposals",
            // The sample programme takes no new leaders: an admitted answer is the refusal by field (400), past the policy.
            "/api/learning/programmes/{id:int}/proposals/{personId:int}/accept" or "/api/learning/programmes/{id:int}/proposals/{personId:int}/dismiss"
                => route.Replace("{id:int}", S(Programme), StringComparison.Ordinal).Replace("{personId:int}", S(await PersonAsync()), StringComparison.Ordinal),
            "/learning/documents/{id:int}/delete" => $"/learning/documents/{S(fresh ? await DocumentAsync() : Document)}/delete",
            "/learning/recordings/{Id:int}" => $"/learning/recordings/{S(Recording)}",
            "/learning/recordings/{id:int}/delete" => $"/learning/recordings/{S(fresh ? await RecordingAsync() : Recording)}/delete",
            "/api/learning/programmes/{id:int}/completion" => $"/api/learning/programmes/{S(Programme)}/completion",
            "/learning/recordings/{id:int}/watch" => $"/learning/recordings/{S(Recording)}/watch",
            "/learning/recordings/{id:int}/expiry" => $"/learning/recordings/{S(Recording)}/expiry",
            "/learning/recordings/{id:int}/transcript/teams" => $"/learning/recordings/{S(Recording)}/transcript/teams",
            "/learning/recordings/{id:int}/views/stream" => $"/learning/recordings/{S(Recording)}/views/stream",
            "/learning/calendar/programmes/{token}.ics" => $"/learning/calendar/programmes/{ProgrammeFeed}.ics",
            "/learning/calendar/people/{token}.ics" => $"/learning/calendar/people/{await PersonFeedAsync()}.ics",
            "/processes/{ProcessId:int}" => $"/processes/{S(Process)}",
            "/processes/{ProcessId:int}/edit" => $"/processes/{S(Process)}/edit",
            "/processes/{id:int}/summary.docx" => $"/processes/{S(Process)}/summary.docx",
            "/effects/{InterventionId:int}" => $"/effects/{S(Intervention)}",
            "/effects/{InterventionId:int}/edit" => $"/effects/{S(Intervention)}/edit",
            "/surveys/{Id:int}" => $"/surveys/{S(Survey)}",
            "/surveys/{Id:int}/edit" => $"/surveys/{S(Survey)}/edit",
            "/surveys/{id:int}/results.csv" => $"/surveys/{S(Survey)}/results.csv",
            "/api/surveys/{id:int}/results" => $"/api/surveys/{S(Survey)}/results",
            "/survey/answer/{Token}" => $"/survey/answer/{AnswerToken}",
            "/surveys/import/{Upload}" => $"/surveys/import/{surveyUpload}?survey=Forms-puls",
            "/migration/shares/{ShareId:int}" => $"/migration/shares/{S(Share)}",
            "/migration/shares/{id:int}/spmt.csv" => $"/migration/shares/{S(Share)}/spmt.csv",
            "/migration/shares/{id:int}/findings.xlsx" => $"/migration/shares/{S(Share)}/findings.xlsx",
            "/migration/mappings/{id:int}/state" => $"/migration/mappings/{S(Mapping)}/state",
            "/migration/mappings/{id:int}/delete" => $"/migration/mappings/{S(fresh ? await MappingAsync("Skjema") : Mapping)}/delete",
            // Attaching is idempotent: the standing scan, or a new one once a request has deleted it.
            "/migration/scans/{id:int}/delete" => $"/migration/scans/{S(Scan = (await AttachAsync()).Scan)}/delete",
            _ => route.Contains('{', StringComparison.Ordinal) ? null : route,
        };
        return url;
    }

    /// <summary>An active person of the agency.</summary>
    private Task<int> PersonAsync() => WithAsync(s =>
        s.GetRequiredService<OppdriftDb>().People.Where(p => p.AgencyId == _agencyId && p.IsActive).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync());

    private string? _personFeed;

    /// <summary>The calendar feed token of a directory person of the agency no signed-in client is (so renewing theirs leaves it).</summary>
    private async Task<string> PersonFeedAsync() => _personFeed ??= await WithAsync(async s =>
    {
        var person = await s.GetRequiredService<OppdriftDb>().People.Where(p => p.AgencyId == _agencyId && p.IsActive).OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync();
        return await s.GetRequiredService<Programmes>().FeedTokenAsync(person, default);
    });

    [GeneratedRegex(@"/survey/answer/([A-Za-z0-9_-]+)")]
    private static partial Regex AnswerLink();
}
