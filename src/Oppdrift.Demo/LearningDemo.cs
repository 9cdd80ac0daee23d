// The demo municipality's learning: the weekly breakfast webinar for a year (attendance files written in
// Teams' format and imported through the real importer), a leader school for the largest agency with new leaders proposed
// for its next cohort, and "Hybrid ledelse med digitale verktøy" across agencies with a small agency's leader group, with
// transcripts and documents in Norwegian.
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Organisation;

namespace Oppdrift.Demo;

public sealed record LearningDemoResult(int Programmes, int Sessions, int AttendanceFiles, int Recordings, int Documents);

public sealed class LearningDemo(OppdriftDb db, TimeProvider clock, IOptions<LearningOptions> options, LearningStorage storage)
{
    public const string Actor = "demo";

    private sealed record Topic(string Title, string Tools, string Topics, string[] Lines);

    private static readonly Topic[] Topics =
    [
        new("Bedre møter i Teams", "Teams", "møter", [
            "God morgen, og velkommen til frokostwebinaret. I dag skal vi snakke om bedre møter i Teams.",
            "Et godt møte begynner med en tydelig agenda som sendes ut sammen med invitasjonen.",
            "Bruk møtenotatene i Teams, så ligger referatet samme sted som chatten og opptaket etterpå.",
            "Når noen deltar fra møterommet og andre hjemmefra, må alle få ordet like lett. Bruk rekk opp hånden.",
            "Opptak av møter skal bare brukes når deltakerne vet om det, og opptaket slettes når det ikke lenger trengs.",
            "Avslutt møtet fem minutter før tiden, så rekker folk neste møte uten å løpe.",
        ]),
        new("Dokumenthåndtering i SharePoint", "SharePoint, Teams", "dokumenthåndtering", [
            "Velkommen! Temaet i dag er dokumenthåndtering, og hvordan SharePoint gjør det lettere å finne riktig versjon.",
            "Slutt å sende vedlegg på e-post. Del en lenke i stedet, så jobber alle i det samme dokumentet.",
            "Versjonshistorikken i SharePoint viser hvem som endret hva, og du kan gjenopprette en eldre versjon.",
            "Lagre arbeidsdokumenter i teamets filområde, ikke på OneDrive, når flere skal jobbe med dem.",
            "Metadata og gode mappenavn gjør at søket finner dokumentene, også om fem år.",
            "Husk at dokumenter med personopplysninger skal ligge i et område med riktig tilgangsstyring.",
        ]),
        new("Notater og kunnskapsdeling med OneNote", "OneNote, Teams", "læring og deling", [
            "I dag viser vi hvordan OneNote kan være teamets felles notatbok.",
            "Legg notatblokken som en fane i Teams-kanalen, så finner alle den.",
            "Bruk sider for hvert møte og seksjoner for hvert prosjekt.",
            "Du kan merke gjøremål i OneNote og se dem igjen i Outlook.",
            "Mange team bruker OneNote til opplæringene sine, med oppskrifter og skjermbilder.",
        ]),
        new("Planlegging med Planner og To Do", "Planner, Teams", "oppgaver", [
            "Velkommen til frokostwebinaret om oppgavestyring med Planner.",
            "En plan i Planner gir teamet oversikt over hvem som gjør hva, og når det skal være ferdig.",
            "Oppgaver du får tildelt i Planner dukker opp i To Do, sammen med dine egne.",
            "Bruk etiketter og bøtter for å sortere oppgavene etter fase eller tema.",
        ]),
        new("Sikkerhet og personvern i Microsoft 365", "Teams, SharePoint, OneDrive", "sikkerhet og personvern", [
            "Temaet i dag er sikkerhet og personvern, et av de fire målene med innføringen.",
            "Del aldri lenker som gir tilgang til alle med lenken når innholdet er internt.",
            "Totrinnsbekreftelse beskytter kontoen din selv om noen får tak i passordet.",
            "Sensitivitetsetiketter forteller hvordan et dokument skal behandles.",
            "Gjester i Teams ser bare det de er invitert til; sjekk hvem som er medlem av teamet.",
        ]),
        new("Hybrid samhandling i aktivitetsbaserte arbeidsplasser", "Teams, Outlook", "hybrid arbeid", [
            "Mange virksomheter har gått fra cellekontor til aktivitetsbasert arbeidsplass.",
            "Da er det nyttig å reflektere over hvordan vi best jobber sammen, på kontoret og hjemmefra.",
            "Avtal i teamet hvilke kanaler som brukes til hva: chat for det raske, kanaler for det felles.",
            "Statusen i Teams forteller kollegene om du kan forstyrres.",
        ]),
        new("Opplæring av nye medarbeidere i Teams", "Teams, SharePoint", "opplæring", [
            "Velkommen til et webinar om opplæringene for nye medarbeidere.",
            "Når programmene for nye ledere flyttes til Teams, får deltakerne et rom som lever mellom de fysiske samlingene.",
            "Samle opptak, presentasjoner og oppgaver i ett team, så er alt på ett sted.",
            "Opplæringene blir bedre når deltakerne kan stille spørsmål i kanalen mellom samlingene.",
        ]),
        new("Klimaavtrykket av digitale vaner", "Outlook, OneDrive, Teams", "klima", [
            "Redusert klimaavtrykk er et av målene for Microsoft 365 i kommunen.",
            "Digitale møter erstatter reiser, og det er den største gevinsten.",
            "Rydd i gamle filer og store e-postvedlegg; lagring bruker også strøm.",
            "Skriv ut mindre: del dokumentet på skjermen i stedet.",
        ]),
    ];

    private static readonly string[] Speakers = ["Marianne Røsby", "Geir Faremo", "Ingrid Solberg", "Jonas Lie"];

    public async Task<LearningDemoResult> LoadAsync(int seed, CancellationToken cancellationToken)
    {
        if (await db.Programmes.AnyAsync(cancellationToken))
        {
            return new LearningDemoResult(0, 0, 0, 0, 0);
        }
        var random = new Random(seed);
        var now = clock.GetUtcNow().UtcDateTime;
        var programmes = new Programmes(db, clock, options, storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
        var importer = new AttendanceImporter(db, clock);
        var directory = new OrganisationDirectory(db);
        var people = await directory.PersonRows.Where(p => p.IsActive && p.AgencyId != null)
            .Select(p => new Learner(p.Id, p.DisplayName, p.UserPrincipalName, p.Mail, p.AgencyId!.Value, p.IsLeader)).ToListAsync(cancellationToken);
        var agencies = await directory.AgencyRows.ToListAsync(cancellationToken);
        if (people.Count == 0 || agencies.Count == 0)
        {
            return new LearningDemoResult(0, 0, 0, 0, 0);
        }
        int sessions = 0, files = 0, recordings = 0, documents = 0;

        // 1. The breakfast webinar: every Tuesday 08:30–09:15 for the past year and the coming month.
        var breakfast = (await programmes.CreateAsync(new ProgrammeInput(
            "Frokostwebinar: Microsoft 365 på 45 minutter",
            "Hver tirsdag morgen et kort webinar for alle ansatte om ett tema i Microsoft 365: møter, dokumenter, deling, sikkerhet og klima. Opptakene blir en felles kunnskapsbank.",
            "Sentralt M365-team", Actor, null, ProgrammeAudience.Everyone, [], "møter, dokumenthåndtering, samhandling, læring og deling, sikkerhet og personvern, klima",
            "Teams, SharePoint, OneNote, Planner, OneDrive, Outlook", []), Actor, cancellationToken)).Value!;
        var firstTuesday = NextWeekday(now.AddDays(-7 * 48), DayOfWeek.Tuesday);
        for (var week = 0; week < 52; week++)
        {
            var topic = Topics[week % Topics.Length];
            var day = DateOnly.FromDateTime(firstTuesday.AddDays(7 * week));
            var start = Utc(day, 8, 30);
            var created = (await programmes.AddSessionsAsync(breakfast.Id, new SessionInput(
                $"Frokostwebinar: {topic.Title}", $"Tema: {topic.Topics}. Verktøy: {topic.Tools}. Spørsmål kan stilles i chatten.",
                start, TimeSpan.FromMinutes(45), SessionMode.Online, null, $"https://teams.microsoft.com/l/meetup-join/19%3ameeting_frokost{week:00}%40thread.v2/0",
                200), Actor, cancellationToken)).Value![0];
            sessions++;
            if (created.EndsAt < now)
            {
                var attendees = people.OrderBy(_ => random.Next()).Take(40 + random.Next(150)).ToList();
                var locale = week % 3 == 0 ? "en-US" : week % 3 == 1 ? "nb-NO" : "en-GB";
                var report = Report(created, topic.Title, attendees, random, locale, guests: week % 4 == 0 ? 2 : 0);
                var file = $"frokost-{day:yyyy-MM-dd}.csv";
                var result = await importer.ImportAsync(created.Id, new MemoryStream(report), file, Actor, cancellationToken);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("\n", result.Errors));
                }
                files++;
                await AddRecordingAsync(programmes, breakfast.Id, created, topic, random, attendees.Count, cancellationToken);
                recordings++;
                await FeedbackAsync(created, attendees, random, cancellationToken);
            }
            // What is written need not stay tracked; a growing context makes every save slower.
            db.ChangeTracker.Clear();
        }

        // 2. The leader school of the largest agency: a weekly broadcast leaders follow live or watch later. Set up five
        // months ago to take new leaders, so the leaders the latest directory import brought (see DemoLoader.Earlier) are
        // proposed for its next cohort rather than enrolled with the rest.
        var largest = people.GroupBy(p => p.AgencyId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First();
        var agency = agencies.Single(a => a.Id == largest.Key);
        var schoolStarted = now.AddDays(-160);
        var arrived = (await directory.LeaderArrivalsAsync(schoolStarted, cancellationToken)).Select(a => a.PersonId).ToHashSet();
        var leaders = largest.Where(p => p.IsLeader && !arrived.Contains(p.Id)).ToList();
        var schoolProgrammes = new Programmes(db, new HistoryClock(schoolStarted), options, storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
        var school = (await schoolProgrammes.CreateAsync(new ProgrammeInput(
            $"Lederskolen i {agency.Name}", "Den digitale lederskolen: ukentlige sendinger for alle ledere, som kan følges direkte eller ses i opptak. Opptak og dokumenter er samlet her.",
            $"HR, {agency.Name}", Actor, agency.Id, ProgrammeAudience.Leaders, [agency.Id], "ledelse, hybrid arbeid, opplæring", "Teams, SharePoint",
            ["Å lede i en digital hverdag", "Medarbeidersamtaler og oppfølging", "Arbeidsmiljø og hybrid arbeid"], CompletionSessions: 4, ProposeNewLeaders: true),
            Actor, cancellationToken)).Value!;
        db.Cohorts.AddRange(new Cohort { ProgrammeId = school.Id, Name = "Kull vår", StartsOn = DateOnly.FromDateTime(now.AddDays(-150)) },
            new Cohort { ProgrammeId = school.Id, Name = "Kull høst", StartsOn = DateOnly.FromDateTime(now.AddDays(-40)) });
        await db.SaveChangesAsync(cancellationToken);
        var cohorts = await db.Cohorts.Where(c => c.ProgrammeId == school.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        for (var i = 0; i < leaders.Count; i++)
        {
            db.Participants.Add(new Participant { ProgrammeId = school.Id, PersonId = leaders[i].Id, CohortId = cohorts[i % 2].Id, JoinedAt = now.AddDays(-150) });
        }
        await db.SaveChangesAsync(cancellationToken);
        // The next cohort, starting in six weeks: its page lists the new leaders proposed for it.
        var next = await new Cohorts(db, clock).CreateAsync(school.Id, new CohortInput("Neste kull", DateOnly.FromDateTime(now.AddDays(45))), Actor, cancellationToken);
        if (!next.Succeeded)
        {
            throw new InvalidOperationException(next.Error);
        }
        var firstThursday = NextWeekday(now.AddDays(-7 * 16), DayOfWeek.Thursday);
        for (var week = 0; week < 20; week++)
        {
            var topic = Topics[(week + 3) % Topics.Length];
            var day = DateOnly.FromDateTime(firstThursday.AddDays(7 * week));
            var created = (await programmes.AddSessionsAsync(school.Id, new SessionInput(
                $"Lederskolen uke {ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue))}: {topic.Title}", "Sending for ledere. Se opptaket i etterkant hvis du ikke kan følge direkte.",
                Utc(day, 14, 0), TimeSpan.FromMinutes(60), SessionMode.Online, null, $"https://teams.microsoft.com/l/meetup-join/19%3ameeting_lederskole{week:00}%40thread.v2/0",
                null), Actor, cancellationToken)).Value![0];
            sessions++;
            if (created.EndsAt < now && leaders.Count > 0)
            {
                var attendees = leaders.OrderBy(_ => random.Next()).Take(Math.Max(1, leaders.Count * (50 + random.Next(40)) / 100)).ToList();
                var report = Report(created, created.Title, attendees, random, "nb-NO", guests: 0, bigEndian: week % 2 == 1);
                var result = await importer.ImportAsync(created.Id, new MemoryStream(report), $"lederskole-{day:yyyy-MM-dd}.csv", Actor, cancellationToken);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("\n", result.Errors));
                }
                files++;
                await AddRecordingAsync(programmes, school.Id, created, topic, random, leaders.Count - attendees.Count, cancellationToken);
                recordings++;
            }
            db.ChangeTracker.Clear();
        }
        documents += await DocumentAsync(programmes, school.Id, "Lederskolen – plan for året.md",
            "# Lederskolen\n\nUkentlige sendinger for ledere. Følg direkte i Teams eller se opptaket senere.\n\n## Temaer\n\n- Å lede i en digital hverdag\n- Medarbeidersamtaler og oppfølging i Teams\n- Arbeidsmiljø og hybrid arbeid\n\nDokumenter og opptak ligger på programsiden.", cancellationToken);

        // 3. Hybrid ledelse med digitale verktøy: run for leader groups across the agencies, one cohort per term.
        var hybrid = (await programmes.CreateAsync(new ProgrammeInput(
            "Hybrid ledelse med digitale verktøy",
            "Kompetanseprogram for ledergrupper, bygget på forskning om hybrid ledelse: hvordan ledere kan legge til rette for at ansatte jobber mer effektivt gjennom bedre møter, dokumenthåndtering, samhandling, læring og deling.",
            "Sentralt M365-team", Actor, null, ProgrammeAudience.Leaders, [], "hybrid ledelse, møter, dokumenthåndtering, samhandling, læring og deling",
            "Teams, SharePoint, OneNote, Planner",
            ["Bedre møter", "Dokumenthåndtering", "Samhandling", "Læring og deling"]), Actor, cancellationToken)).Value!;
        var modules = await db.ProgrammeModules.Where(m => m.ProgrammeId == hybrid.Id).OrderBy(m => m.Position).ToListAsync(cancellationToken);
        var hybridCohort = new Cohort { ProgrammeId = hybrid.Id, Name = "Ledergrupper høst", StartsOn = DateOnly.FromDateTime(now.AddDays(-60)) };
        db.Cohorts.Add(hybridCohort);
        await db.SaveChangesAsync(cancellationToken);
        var allLeaders = people.Where(p => p.IsLeader).OrderBy(_ => random.Next()).Take(120).ToList();
        foreach (var leader in allLeaders)
        {
            db.Participants.Add(new Participant { ProgrammeId = hybrid.Id, PersonId = leader.Id, CohortId = hybridCohort.Id, JoinedAt = now.AddDays(-60) });
        }
        await db.SaveChangesAsync(cancellationToken);
        for (var m = 0; m < modules.Count; m++)
        {
            var day = DateOnly.FromDateTime(NextWeekday(now.AddDays(-56 + (m * 21)), DayOfWeek.Wednesday));
            var created = (await programmes.AddSessionsAsync(hybrid.Id, new SessionInput(
                $"Hybrid ledelse, modul {m + 1}: {modules[m].Title}", "Samling for ledergrupper, i rådhuset og i Teams.", Utc(day, 12, 0), TimeSpan.FromHours(3),
                SessionMode.Hybrid, "Rådhuset, møterom Fjorden", "https://teams.microsoft.com/l/meetup-join/19%3ameeting_hybrid" + m + "%40thread.v2/0", 40, ModuleId: modules[m].Id),
                Actor, cancellationToken)).Value![0];
            sessions++;
            if (created.EndsAt < now)
            {
                var attendees = allLeaders.Take(25 + random.Next(15)).ToList();
                var report = Report(created, created.Title, attendees, random, "nb-NO", guests: 1);
                var result = await importer.ImportAsync(created.Id, new MemoryStream(report), $"hybrid-modul-{m + 1}.csv", Actor, cancellationToken);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("\n", result.Errors));
                }
                files++;
                await FeedbackAsync(created, attendees, random, cancellationToken);
            }
            else
            {
                var registrations = new Registrations(db, clock, options);
                foreach (var leader in allLeaders.Take(30))
                {
                    await registrations.RegisterAsync(created.Id, leader.Id, Actor, cancellationToken);
                }
            }
        }
        documents += await DocumentAsync(programmes, hybrid.Id, "Møteplakat – gode hybride møter.md",
            "# Gode hybride møter\n\n1. Send agenda sammen med invitasjonen i Outlook.\n2. Start Teams-møtet fra møterommet, så alle ser og hører hverandre.\n3. Bruk møtenotater i Teams og del referatet i kanalen.\n4. Gi ordet til dem som deltar digitalt først.\n5. Avslutt fem minutter før tiden.\n\nDokumenthåndtering: del lenker til dokumenter i SharePoint, ikke vedlegg på e-post.", cancellationToken);
        documents += await DocumentAsync(programmes, hybrid.Id, "Refleksjonsoppgaver for ledergruppen.txt",
            "Refleksjonsoppgaver for ledergruppen\n\n1. Hvordan bruker dere Teams-kanalene i dag, og hva bør gå i chat?\n2. Hvor ligger dokumentene deres, og finner nye medarbeidere dem?\n3. Hvordan deler dere kunnskap mellom kontordagene og hjemmekontordagene?\n4. Hva er én vane ledergruppen vil endre etter programmet?\n\nSkriv svarene i ledergruppens OneNote-notatblokk.", cancellationToken);

        // A leader group that went through the programme last year and goes on as a network: the leaders of a small
        // agency (those already in this term's cohort stay there), and two agreements written down after modules. A leader
        // group is one agency's leaders around a table: the agency with the fewest leaders to enrol but at least
        // MinLeaderGroup, by code on a tie (the one with most, should none have that many).
        var inTerm = allLeaders.Select(l => l.Id).ToHashSet();
        var groupAgency = LeaderGroupAgency(agencies, people.Where(p => p.IsLeader && !inTerm.Contains(p.Id)).GroupBy(p => p.AgencyId).ToDictionary(g => g.Key, g => g.Count()));
        var groups = new Cohorts(db, clock);
        var network = (await groups.CreateAsync(hybrid.Id, new CohortInput($"Ledergruppen i {groupAgency.Name}", DateOnly.FromDateTime(now.AddDays(-330)),
            DateOnly.FromDateTime(now.AddDays(-150)), groupAgency.Id), Actor, cancellationToken)).Value!;
        await groups.EnrolLeaderGroupAsync(network.Id, Actor, cancellationToken);
        var agreements = new CohortNotes(db, clock);
        foreach (var (days, topic, text, module) in new[]
        {
            (-300, CohortNoteTopic.MeetingRules, "Alle ledermøter har agenda i invitasjonen og starter i Teams fra møterommet, så de som er hjemme, får ordet først. Vi avslutter fem minutter før tiden.", modules[0]),
            (-270, CohortNoteTopic.DocumentLocation, "Ledergruppens dokumenter ligger i kanalen «Ledergruppen» i Teams, ikke på e-post eller på OneDrive. Referatene skrives i møtenotatene.", modules[1]),
        })
        {
            await agreements.AddAsync(network.Id, new CohortNoteInput(DateOnly.FromDateTime(now.AddDays(days)), topic, text, module.Id), Actor, cancellationToken);
        }

        // Employees already registered for the next breakfast webinars.
        var upcoming = await db.LearningSessions.Where(s => s.ProgrammeId == breakfast.Id && s.StartsAt > now).OrderBy(s => s.StartsAt).Take(2).ToListAsync(cancellationToken);
        var reg = new Registrations(db, clock, options);
        foreach (var session in upcoming)
        {
            foreach (var person in people.OrderBy(_ => random.Next()).Take(60))
            {
                await reg.RegisterAsync(session.Id, person.Id, Actor, cancellationToken);
            }
        }
        // Demo registrations send no mail: the demo has no mail server and no real inboxes.
        await db.OutgoingMail.Where(m => m.SentAt == null).ExecuteDeleteAsync(cancellationToken);
        // The knowledge bank was filled in one go: its statistics are refreshed before the first search.
        await new KnowledgeIndex(db).AnalyzeAsync(cancellationToken);
        return new LearningDemoResult(3, sessions, files, recordings, documents);
    }

    /// <summary>The fewest members a demo leader group has, when an agency has that many leaders.</summary>
    public const int MinLeaderGroup = 8;

    /// <summary>
    /// The agency whose leaders make the demo's leader group: the fewest leaders (of <paramref name="leaders"/>, counted by
    /// agency id) but at least <see cref="MinLeaderGroup"/>, the lower code on a tie; the agency with most leaders when none
    /// has that many (a small demo).
    /// </summary>
    public static AgencyRow LeaderGroupAgency(IReadOnlyList<AgencyRow> agencies, IReadOnlyDictionary<int, int> leaders)
    {
        ArgumentNullException.ThrowIfNull(agencies);
        ArgumentNullException.ThrowIfNull(leaders);
        int Count(AgencyRow a) => leaders.GetValueOrDefault(a.Id);
        return agencies.Where(a => Count(a) >= MinLeaderGroup).OrderBy(Count).ThenBy(a => a.Code, StringComparer.Ordinal).FirstOrDefault()
            ?? agencies.OrderByDescending(Count).ThenBy(a => a.Code, StringComparer.Ordinal).First();
    }

    private sealed record Learner(int Id, string Name, string Upn, string? Mail, int AgencyId, bool IsLeader);

    private static byte[] Report(LearningSession session, string title, IReadOnlyList<Learner> attendees, Random random, string locale, int guests, bool bigEndian = false)
    {
        DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, LearningMail.Oslo);
        var rows = new List<AttendanceReportWriter.Row>();
        var first = true;
        foreach (var person in attendees)
        {
            var join = session.StartsAt.AddSeconds(random.Next(-120, 600));
            var leave = session.EndsAt.AddSeconds(-random.Next(0, 900));
            // Teams writes names as the directory has them, "Etternavn, Fornavn" in many tenants; unquoted.
            var name = random.Next(3) == 0 && person.Name.Contains(' ', StringComparison.Ordinal)
                ? $"{person.Name[(person.Name.LastIndexOf(' ') + 1)..]}, {person.Name[..person.Name.LastIndexOf(' ')]}"
                : person.Name;
            rows.Add(new AttendanceReportWriter.Row(name, Local(join), Local(leave), person.Mail ?? person.Upn, person.Upn, first ? "Organizer" : "Attendee"));
            first = false;
        }
        for (var g = 0; g < guests; g++)
        {
            rows.Add(new AttendanceReportWriter.Row($"Gjest {g + 1} (Ekstern)", Local(session.StartsAt.AddMinutes(2)), Local(session.EndsAt.AddMinutes(-5)), $"gjest{g + 1}@leverandor.no", null, "Attendee"));
        }
        return AttendanceReportWriter.Write(title, Local(session.StartsAt), Local(session.EndsAt), rows, locale, bigEndian);
    }

    private static async Task AddRecordingAsync(Programmes programmes, int programmeId, LearningSession session, Topic topic, Random random, int views, CancellationToken cancellationToken)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        var at = TimeSpan.FromSeconds(5);
        var cue = 1;
        foreach (var line in topic.Lines.Concat(Topics[random.Next(Topics.Length)].Lines.Skip(1).Take(2))
            .Append("Takk for at dere var med. Opptaket og presentasjonen ligger på programsiden."))
        {
            var length = TimeSpan.FromSeconds(8 + (line.Length / 12));
            vtt.Append(cue++.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Stamp(at)).Append(" --> ").Append(Stamp(at + length)).Append('\n')
                .Append("<v ").Append(Speakers[random.Next(Speakers.Length)]).Append('>').Append(line).Append("</v>\n\n");
            at += length + TimeSpan.FromSeconds(random.Next(20, 200));
        }
        var result = await programmes.AddRecordingAsync(programmeId,
            new RecordingInput($"Opptak: {session.Title}", $"https://nordvik.sharepoint.com/sites/m365/Delte%20dokumenter/Opptak/{session.CalendarUid[..12]}.mp4",
                session.EndsAt - session.StartsAt - TimeSpan.FromMinutes(3), session.Id, views + random.Next(10, 120)),
            new MemoryStream(Encoding.UTF8.GetBytes(vtt.ToString())), $"{session.StartsAt:yyyy-MM-dd}.vtt", Actor, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error);
        }
    }

    private async Task FeedbackAsync(LearningSession session, IReadOnlyList<Learner> attendees, Random random, CancellationToken cancellationToken)
    {
        string[] comments = ["Nyttig og konkret, takk!", "Litt for raskt tempo, men gode eksempler.", "Fint å få se det i praksis.", "Vil gjerne ha mer om deling i SharePoint.", "Opptaket var nyttig for oss som ikke kunne delta direkte."];
        foreach (var person in attendees.Take(8 + random.Next(10)))
        {
            db.Feedback.Add(new Feedback
            {
                SessionId = session.Id,
                Rating = 3 + random.Next(3),
                Comment = random.Next(3) == 0 ? comments[random.Next(comments.Length)] : null,
                GivenAt = session.EndsAt.Date,
            });
            db.FeedbackGiven.Add(new FeedbackGiven { SessionId = session.Id, PersonId = person.Id });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<int> DocumentAsync(Programmes programmes, int programmeId, string fileName, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = await programmes.AddDocumentAsync(programmeId, null, Path.GetFileNameWithoutExtension(fileName), new MemoryStream(bytes), fileName, bytes.Length, null, Actor, cancellationToken);
        return result.Succeeded ? 1 : throw new InvalidOperationException(result.Error);
    }

    private static string Stamp(TimeSpan t) => t.ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    private static DateTime NextWeekday(DateTime from, DayOfWeek day)
    {
        var date = from.Date;
        while (date.DayOfWeek != day)
        {
            date = date.AddDays(1);
        }
        return date;
    }

    private static DateTime Utc(DateOnly day, int hour, int minute) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, minute), DateTimeKind.Unspecified), LearningMail.Oslo);
}
