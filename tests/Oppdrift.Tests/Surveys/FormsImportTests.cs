using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

public sealed class FormsImportTests
{
    private const string Survey = "Digital hverdag 2026";
    private const string AgencyQuestion = "Hvilken virksomhet jobber du i?";
    private static readonly DateTime March = new(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Questions =
    [
        AgencyQuestion,
        "Hvor enig er du?.Jeg finner raskt informasjonen jeg trenger.",
        "Hvor enig er du?.Møtene mine i Teams er effektive.",
        "Hvor fornøyd er du alt i alt?",
        "Hvor sannsynlig er det at du vil anbefale kommunen?",
        "Hvilke verktøy bruker du hver uke?",
        "Hva ville gjort hverdagen bedre?",
    ];

    private static readonly string[] Likert = ["Helt uenig", "Uenig", "Verken enig eller uenig", "Enig", "Helt enig"];

    /// <summary>40 responses: 20 from Sykehjemsetaten, 12 from Bydel Nord, 8 from Kulturetaten; answers follow the row number.</summary>
    private static List<FormsWorkbook.Response> Responses(int count = 40, Func<int, string?>? likert = null) =>
        [.. Enumerable.Range(0, count).Select(i => new FormsWorkbook.Response("anonymous", March.AddMinutes(i), [
            i < 20 ? "Sykehjemsetaten" : i < 32 ? "Bydel Nord" : "KUL",
            likert?.Invoke(i) ?? Likert[i % 5],
            Likert[(i + 2) % 5],
            ((i % 5) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            (i % 11).ToString(System.Globalization.CultureInfo.InvariantCulture),
            i % 2 == 0 ? "Teams;Outlook;" : "OneDrive;",
            i % 3 == 0 ? $"Mer opplæring {i}" : null,
        ]))];

    private static FormsImporter Importer(OppdriftDb db) =>
        new(db, new OrganisationDirectory(db), new SurveysOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero)));

    private static FormsImportRequest Request(string? round = null) => new() { SurveyName = Survey, Actor = "test", RoundName = round };

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_export_creates_the_survey_with_its_kinds_and_themes_and_lands_without_anyone_in_it(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var file = FormsWorkbook.Write(Questions, Responses(), lastModified: true);

        var result = await Importer(db).ImportAsync(file, "puls-mars.xlsx", Request(), default);

        Assert.True(result.Status == FormsImportStatus.Imported, string.Join("\n", result.Errors));
        Assert.True(result.SurveyCreated);
        Assert.Equal(40, result.Responses);
        var questions = await db.SurveyQuestions.AsNoTracking().Include(q => q.Theme).Where(q => q.SurveyId == result.SurveyId).OrderBy(q => q.SortOrder).ToListAsync();
        Assert.Equal([QuestionKind.Likert, QuestionKind.Likert, QuestionKind.Rating, QuestionKind.Enps, QuestionKind.MultipleChoice, QuestionKind.FreeText], questions.Select(q => q.Kind));
        Assert.Equal("Jeg finner raskt informasjonen jeg trenger.", questions[0].TextNb);
        Assert.Equal("Hvor enig er du?", questions[0].Theme!.NameNb);
        Assert.Equal(questions[0].ThemeId, questions[1].ThemeId);
        Assert.Equal(["OneDrive", "Outlook", "Teams"], questions[4].Options(false));

        // Kulturetaten (12 people) is a group of its own; the answers keep only the agency, never an e-mail, ID or time.
        var groups = await db.SurveyResponses.AsNoTracking().GroupBy(r => r.AgencyId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key ?? 0, g => g.Count);
        Assert.Equal(new Dictionary<int, int> { [ids["SYE"]] = 20, [ids["BNO"]] = 12, [ids["KUL"]] = 8 }, groups);
        var round = await db.SurveyRounds.AsNoTracking().SingleAsync();
        Assert.Equal(("Import 2026-03", RoundKind.Imported, March), (round.Name, round.Kind, round.ClosesAt.AddMinutes(-39)));
        var invited = await db.SurveyRoundGroups.AsNoTracking().ToDictionaryAsync(g => g.AgencyId ?? 0, g => g.Invited);
        Assert.Equal(new Dictionary<int, int> { [ids["SYE"]] = 30, [ids["BNO"]] = 20, [ids["KUL"]] = 12, [0] = 4 }, invited);

        var view = (await new SurveyQueries(db, new OrganisationDirectory(db), new SurveysOptions()).ResultsAsync(result.SurveyId, null, false, default))!;
        var first = view.Questions[0].Groups.Single(g => g.Group == "municipality").Rounds[0];
        Assert.Equal((40, 3.0, 40.0), (first.Respondents!.Value, first.Mean!.Value, first.Favourable!.Value));
        Assert.Equal([8, 8, 8, 8, 8], first.Distribution!);
        var sye = view.Groups.Single(g => g.Key == "SYE").Rounds[0];
        Assert.Equal((30, 20, 66.7), (sye.Invited!.Value, sye.Responded, sye.Rate!.Value));
        var multiple = view.Questions[4].Groups.Single(g => g.Group == "municipality").Rounds[0];
        Assert.Equal(40, multiple.Respondents);
        Assert.Equal([20, 20, 20], multiple.Distribution!);
        // 14 comments in all: shown for the municipality, hidden for every agency (none has ten).
        var comments = view.Questions[5].Comments.ToDictionary(c => c.Group, c => c.Rounds[0]);
        Assert.Equal(14, comments["municipality"].Texts!.Count);
        Assert.Null(comments["SYE"].Texts);
        await SurveySeed.AssertCountsMatchAnswersAsync(db, result.SurveyId);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_same_file_twice_changes_nothing_and_a_late_answer_is_refused_with_its_row(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);
        var file = FormsWorkbook.Write(Questions, Responses());
        Assert.Equal(FormsImportStatus.Imported, (await Importer(db).ImportAsync(file, "puls.xlsx", Request("Mars"), default)).Status);

        var again = await Importer(db).ImportAsync(file, "puls-kopi.xlsx", Request("April"), default);

        Assert.Equal(FormsImportStatus.Rejected, again.Status);
        Assert.StartsWith("puls-kopi.xlsx: ", again.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Contains("puls.xlsx", again.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Equal(40, await db.SurveyResponses.CountAsync());
        Assert.Equal(1, await db.SurveyRounds.CountAsync());

        // More answers for the round "Mars", one completed after it closed (the last of the first import, 09:39).
        var late = Responses(3).Select((r, i) => r with { Completed = March.AddMinutes(i == 2 ? 60 : 1) }).ToList();
        var refused = await Importer(db).ImportAsync(FormsWorkbook.Write(Questions, late), "sen.xlsx", Request("Mars"), default);

        var error = Assert.Single(refused.Errors);
        Assert.Equal(("sen.xlsx", 4, 3, "Completion time"), (error.File, error.Line, error.Column, error.ColumnName));
        Assert.Equal(40, await db.SurveyResponses.CountAsync());
        Assert.Equal(0, await db.SurveyAnswerCounts.CountAsync(c => c.RoundId != db.SurveyRounds.Single().Id));

        // Answers in time go into the same round, and its counts grow by exactly theirs.
        var more = await Importer(db).ImportAsync(FormsWorkbook.Write(Questions, Responses(3).Select(r => r with { Completed = March.AddMinutes(1) })), "mer.xlsx", Request("Mars"), default);
        Assert.True(more.Status == FormsImportStatus.Imported, string.Join("\n", more.Errors));
        Assert.Equal(43, await db.SurveyResponses.CountAsync());
        await SurveySeed.AssertCountsMatchAnswersAsync(db, more.SurveyId);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bad_files_are_refused_naming_file_row_and_column_and_nothing_is_written(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await SurveySeed.DirectoryAsync(db);

        var outside = await Importer(db).ImportAsync(FormsWorkbook.Write(Questions, Responses(likert: i => i == 7 ? "Veldig enig" : "Enig")), "skala.xlsx", Request(), default);
        var empty = await Importer(db).ImportAsync(FormsWorkbook.Write([], [], header: []), "tom.xlsx", Request(), default);
        var renamed = await Importer(db).ImportAsync(FormsWorkbook.Write(Questions, Responses(), header: ["ID", "Starttid", "Completion time", "Email", "Name", .. Questions]), "omdøpt.xlsx", Request(), default);
        var notExcel = await Importer(db).ImportAsync("ID,Start time\n1,2"u8.ToArray(), "svar.csv", Request(), default);
        var unknownAgency = await Importer(db).ImportAsync(FormsWorkbook.Write(Questions, Responses().Select((r, i) => i == 5 ? r with { Answers = ["Månebasen", .. r.Answers.Skip(1)] } : r)), "etat.xlsx", Request(), default);

        var scale = Assert.Single(outside.Errors);
        Assert.Equal(("skala.xlsx", 9, 7, Questions[1]), (scale.File, scale.Line, scale.Column, scale.ColumnName));
        Assert.Contains("Veldig enig", scale.Message, StringComparison.Ordinal);
        Assert.Equal(("tom.xlsx", 0), (empty.Errors.Single().File, empty.Errors.Single().Line));
        var column = Assert.Single(renamed.Errors);
        Assert.Equal(("omdøpt.xlsx", 1, 2, "Start time"), (column.File, column.Line, column.Column, column.ColumnName));
        Assert.Contains("Starttid", column.Message, StringComparison.Ordinal);
        Assert.StartsWith("svar.csv", notExcel.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal((7, 6, AgencyQuestion), (unknownAgency.Errors.Single().Line, unknownAgency.Errors.Single().Column!.Value, unknownAgency.Errors.Single().ColumnName));
        Assert.Equal(0, await db.Surveys.CountAsync());
        Assert.Equal(0, await db.SurveyResponses.CountAsync());
        Assert.Equal(0, await db.SurveyAnswerCounts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Into_an_existing_survey_columns_match_its_questions_emails_find_the_agency_and_a_renamed_question_is_named(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var ids = await SurveySeed.DirectoryAsync(db);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero));
        var created = await new SurveyDesigner(db, clock).CreateAsync(Survey, null, ["info-find", "enps"], null, "test", default);
        Assert.True(created.Succeeded, created.Error);
        string[] columns = ["Hvor enig er du?.Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.", "How likely is it that you would recommend the municipality as a digital workplace to a friend?"];
        // Named people: 6 in Sykehjemsetaten, 3 in Mobbeombudet (too small a group to be stored as one), 1 nobody knows.
        var rows = Enumerable.Range(1, 6).Select(n => SurveySeed.Mail("SYE", n)).Concat(Enumerable.Range(1, 3).Select(n => SurveySeed.Mail("MOB", n))).Append("ukjent@example.com")
            .Select((mail, i) => new FormsWorkbook.Response(mail, March.AddMinutes(i), [Likert[3], "9"])).ToList();

        var result = await Importer(db).ImportAsync(FormsWorkbook.Write(columns, rows), "navngitt.xlsx", Request(), default);

        Assert.True(result.Status == FormsImportStatus.Imported, string.Join("\n", result.Errors));
        Assert.False(result.SurveyCreated);
        var groups = await db.SurveyResponses.AsNoTracking().GroupBy(r => r.AgencyId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key ?? 0, g => g.Count);
        Assert.Equal(new Dictionary<int, int> { [ids["SYE"]] = 6, [0] = 4 }, groups);

        var renamed = await Importer(db).ImportAsync(FormsWorkbook.Write(["Hvor enig er du?.Jeg finner informasjon.", columns[1]], rows), "ny.xlsx", Request(), default);

        Assert.Equal(2, renamed.Errors.Count);
        Assert.Equal((1, 6), (renamed.Errors[0].Line, renamed.Errors[0].Column!.Value));
        Assert.Contains("Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.", renamed.Errors[1].Message, StringComparison.Ordinal);

        // The mapping step names the question for the renamed column.
        var questionId = await db.SurveyQuestions.Where(q => q.LibraryKey == "info-find").Select(q => q.Id).SingleAsync();
        var mapped = await Importer(db).ImportAsync(FormsWorkbook.Write(["Hvor enig er du?.Jeg finner informasjon.", columns[1]], rows), "ny.xlsx",
            Request("April") with { Mapping = new Dictionary<string, int> { ["Hvor enig er du?.Jeg finner informasjon."] = questionId } }, default);
        Assert.True(mapped.Status == FormsImportStatus.Imported, string.Join("\n", mapped.Errors));
        Assert.Equal(20, await db.SurveyResponses.CountAsync());
        await SurveySeed.AssertCountsMatchAnswersAsync(db, mapped.SurveyId);
    }
}
