// Three quarterly rounds of the digital-working-life pulse, collected in Microsoft Forms and loaded through the real
// Forms importer: each round went to a sample of every agency, answers improve most where people took part in the
// learning programmes, and the smallest agencies give too few answers to be shown.
using System.Globalization;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared.Exports;
using Oppdrift.Surveys;

namespace Oppdrift.Demo;

public sealed record DemoSurveysResult(int Rounds, int Responses);

public sealed class DemoSurveys(OppdriftDb db, TimeProvider clock, SurveysOptions options, LearningQueries learning)
{
    public const string Actor = "demo";
    public const string AgencyQuestion = "Hvilken virksomhet jobber du i?";
    public const string LikertQuestion = "Hvor enig er du i disse utsagnene?";

    /// <summary>The share of each agency asked every quarter (at least <see cref="SmallestSample"/>, or everyone in a small agency).</summary>
    public const double SampleShare = 0.08;

    public const int SmallestSample = 15;

    private static readonly string[] Comments =
    [
        "Flere korte kurs i Teams, gjerne i lunsjen.",
        "Vanskelig å vite om jeg skal lagre i Teams eller OneDrive.",
        "Møtene er blitt kortere og bedre etter at vi fikk faste agendaer.",
        "Mobilen fungerer dårlig på sykehjemmet, for dårlig dekning.",
        "Vi trenger felles regler for hva som skal i chat og hva som skal på e-post.",
        "Lederen min viser vei, det hjelper.",
        "For mange kanaler å følge med i.",
        "Det er enklere å samarbeide om dokumenter nå.",
        "Savner hjelp når jeg står fast utenom kontortid.",
        "Søket i SharePoint finner ikke det jeg leter etter.",
        "Digital lederskole var nyttig for hele ledergruppen.",
        "Hybridmøtene fungerer bedre med nytt utstyr i møterommet.",
    ];

    public async Task<DemoSurveysResult> LoadAsync(int seed, string folder, CancellationToken cancellationToken)
    {
        var directory = new OrganisationDirectory(db);
        if ((await new SurveyQueries(db, directory, options).ListAsync(cancellationToken)).Count > 0)
        {
            return new DemoSurveysResult(0, 0);
        }
        var agencies = await directory.AgenciesAsync(null, cancellationToken);
        var heads = await directory.HeadCountsAsync(null, cancellationToken);
        if (heads.Count == 0)
        {
            return new DemoSurveysResult(0, 0);
        }
        var designer = new SurveyDesigner(db, clock);
        var survey = await designer.CreateAsync(SurveyMeasures.StarterSurvey,
            "Kvartalsvis puls på hvordan ansatte opplever den digitale arbeidshverdagen. Samlet inn i Microsoft Forms til et utvalg i hver virksomhet.",
            SurveyLibrary.PulseKeys, null, Actor, cancellationToken);
        var questions = survey.Value?.Questions.OrderBy(q => q.SortOrder).ToList() ?? throw new InvalidOperationException(survey.Error);
        var dose = await DoseAsync(agencies, heads, cancellationToken);

        var random = new Random(seed);
        var level = agencies.ToDictionary(a => a.Id, _ => 3.0 + (random.NextDouble() * 0.5));
        var now = clock.GetUtcNow().UtcDateTime;
        var quarter = new DateTime(now.Year, ((now.Month - 1) / 3 * 3) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var importer = new FormsImporter(db, directory, options, clock);
        Directory.CreateDirectory(Path.Combine(folder, "forms"));
        var responses = 0;
        for (var round = 0; round < 3; round++)
        {
            // The last month of each of the three quarters before this one; open for two weeks.
            var opens = quarter.AddMonths(-9 + (round * 3) + 2).AddDays(2);
            var name = SurveyPulse.RoundName(opens);
            var rows = new List<IReadOnlyList<object?>>();
            var invited = new Dictionary<int, int>();
            foreach (var agency in agencies)
            {
                var people = heads.GetValueOrDefault(agency.Id);
                if (people == 0)
                {
                    continue;
                }
                var asked = people < SmallestSample ? people : Math.Min(people, Math.Max(SmallestSample, (int)Math.Round(people * SampleShare)));
                invited[agency.Id] = asked;
                var rate = Math.Clamp(0.38 + (0.06 * round) + ((random.NextDouble() - 0.5) * 0.2), 0.15, 0.9);
                var answering = (int)Math.Round(asked * rate);
                // Agencies whose people went through the programmes improve; the others barely move.
                var mean = level[agency.Id] + (round * (0.05 + Math.Min(0.35, dose[agency.Id] * 1.2)));
                for (var p = 0; p < answering; p++)
                {
                    rows.Add(Row(rows.Count + 1, opens.AddHours(random.Next(0, 14 * 24)).AddMinutes(random.Next(60)), agency.Name, questions, mean, random));
                }
            }
            var file = Path.Combine(folder, "forms", $"digital-arbeidshverdag-{name.Replace(' ', '-')}.xlsx");
            await using (var output = File.Create(file))
            {
                using var writer = new XlsxWriter(output);
                writer.AddSheet("Sheet1", [Header(questions), .. rows]);
            }
            var result = await importer.ImportAsync(await File.ReadAllBytesAsync(file, cancellationToken), Path.GetFileName(file), new FormsImportRequest
            {
                SurveyName = SurveyMeasures.StarterSurvey,
                RoundName = name,
                AgencyColumn = AgencyQuestion,
                Invited = invited,
                Actor = Actor,
            }, cancellationToken);
            if (result.Status != FormsImportStatus.Imported)
            {
                throw new InvalidOperationException(string.Join('\n', result.Errors));
            }
            responses += result.Responses;
            db.ChangeTracker.Clear();
        }
        return new DemoSurveysResult(3, responses);
    }

    /// <summary>How much of each agency took part in the learning programmes: people who attended a session, over the head count.</summary>
    private async Task<Dictionary<int, double>> DoseAsync(IReadOnlyList<AgencyRow> agencies, IReadOnlyDictionary<int, int> heads, CancellationToken cancellationToken)
    {
        var attended = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var programme in await learning.ProgrammesAsync(clock.GetUtcNow().UtcDateTime, cancellationToken))
        {
            foreach (var agency in (await learning.AttendanceAsync(programme.Programme.Id, cancellationToken)).Agencies)
            {
                attended[agency.Agency] = attended.GetValueOrDefault(agency.Agency) + (agency.People ?? 0);
            }
        }
        return agencies.ToDictionary(a => a.Id, a => heads.GetValueOrDefault(a.Id) is > 0 and var h ? (double)attended.GetValueOrDefault(a.Name) / h : 0);
    }

    private static IReadOnlyList<object?> Header(List<SurveyQuestion> questions) =>
    [
        .. FormsExportReader.FixedColumns,
        AgencyQuestion,
        .. questions.Select(q => q.Kind == QuestionKind.Likert ? LikertQuestion + "." + q.TextNb : q.TextNb),
    ];

    private static List<object?> Row(int id, DateTime completed, string agency, List<SurveyQuestion> questions, double mean, Random random)
    {
        var row = new List<object?>
        {
            id,
            completed.AddMinutes(-3).ToString("M/d/yyyy H:mm:ss", CultureInfo.InvariantCulture),
            completed.ToString("M/d/yyyy H:mm:ss", CultureInfo.InvariantCulture),
            FormsExportReader.Anonymous,
            null,
            agency,
        };
        foreach (var question in questions)
        {
            var noise = (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 1.6;
            row.Add(question.Kind switch
            {
                QuestionKind.Likert => SurveyLibrary.LikertLabelsNb[Math.Clamp((int)Math.Round(mean + noise), 1, 5) - 1],
                QuestionKind.Rating => Math.Clamp((int)Math.Round(mean + noise), 1, question.ScaleMax),
                QuestionKind.Enps => Math.Clamp((int)Math.Round(((mean - 1) * 2.4) + (noise * 1.5)), 0, 10),
                QuestionKind.FreeText => random.NextDouble() < 0.12 ? Comments[random.Next(Comments.Length)] : null,
                _ => null,
            });
        }
        return row;
    }
}
