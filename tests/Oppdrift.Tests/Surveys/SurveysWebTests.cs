using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

/// <summary>The survey pages, the answer page behind a personal link, the upload with its mapping step and the export, through the running app.</summary>
public sealed partial class SurveysWebTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_link_opens_the_answer_page_without_signing_in_and_the_answers_reach_the_results(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300, "--Surveys:AnswerPostsPerMinute=5");
        var (surveyId, links) = await SendPulseAsync(app);
        using var anonymous = app.Anonymous();

        var page = await anonymous.GetAsync(AnswerPath(links[0]));
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("lagres for seg selv: uten navn, e-postadresse, lenke eller tidspunkt", html, StringComparison.Ordinal);
        Assert.Contains("<legend class=\"ds-label\">Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.", html, StringComparison.Ordinal);
        Assert.Contains("for=\"q", html, StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl?.NoStore, page.Headers.CacheControl?.ToString());
        var fields = FieldPattern().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(fields.Count >= 8, html);

        // Without answers: the page names the first unanswered question and stores nothing.
        var empty = await anonymous.PostAsync(AnswerPath(links[0]), Form(html, []));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Svar på dette spørsmålet.", WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var sent = await anonymous.PostAsync(AnswerPath(links[0]), Form(html, [.. fields.Select(f => new KeyValuePair<string, string>(f, "4"))]));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Takk for svaret", WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var spent = WebUtility.HtmlDecode(await anonymous.GetStringAsync(AnswerPath(links[0])));
        Assert.Contains("Du har allerede svart med denne lenken", spent, StringComparison.Ordinal);
        Assert.Contains("Lenken finnes ikke", WebUtility.HtmlDecode(await anonymous.GetStringAsync(AnswerPath("ukjent-lenke"))), StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal(1, await db.SurveyResponses.CountAsync());
        }

        // Five requests a minute from one address: the sixth is refused.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync(AnswerPath(links[1]))).StatusCode);

        using var central = await app.SignInAsync(Roles.ChangeLeader);
        var results = WebUtility.HtmlDecode(await central.GetStringAsync($"/surveys/{surveyId}"));
        Assert.Contains("Digital puls", results, StringComparison.Ordinal);
        Assert.Contains("Svarprosent", results, StringComparison.Ordinal);
        var csv = await central.GetAsync($"/surveys/{surveyId}/results.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Contains("For få svar", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "export.surveys.results"));
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "surveys.send"));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_Forms_export_is_uploaded_mapped_and_imported_and_an_agency_leader_reads_only_their_agency(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        var token = RunningApp.AntiforgeryToken(await central.GetStringAsync("/surveys/import"));
        var file = FormsWorkbook.Write(["Hvilken virksomhet jobber du i?", "Hvor enig er du?.Møtene mine i Teams er effektive."],
            [.. Enumerable.Range(0, 12).Select(i => new FormsWorkbook.Response("anonymous", new DateTime(2026, 2, 1, 10, i, 0), [i < 6 ? "SYE" : "BNO", i % 2 == 0 ? "Enig" : "Helt enig"]))]);
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("Forms-puls"), "survey" },
            { new ByteArrayContent(file), "file", "puls.xlsx" },
        };

        var uploaded = await central.PostAsync("/surveys/import/upload", upload);

        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var mappingPath = uploaded.Headers.Location!.OriginalString;
        Assert.StartsWith("/surveys/import/", mappingPath, StringComparison.Ordinal);
        var mapping = WebUtility.HtmlDecode(await central.GetStringAsync(mappingPath));
        Assert.Contains("Møtene mine i Teams er effektive", mapping, StringComparison.Ordinal);
        var imported = await central.PostAsync(mappingPath, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", RunningApp.AntiforgeryToken(mapping)),
            new("_handler", "mapping"),
            new("Input.Headers", "Hvilken virksomhet jobber du i?"),
            new("Input.Targets", "agency"),
            new("Input.Headers", "Hvor enig er du?.Møtene mine i Teams er effektive."),
            new("Input.Targets", ""),
            new("Input.Round", "Februar"),
        ]));
        Assert.True(imported.StatusCode == HttpStatusCode.Redirect, await imported.Content.ReadAsStringAsync());
        var surveyPath = imported.Headers.Location!.OriginalString;

        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        var page = WebUtility.HtmlDecode(await leader.GetStringAsync(surveyPath));
        Assert.Contains("Sykehjemsetaten", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Bydel Nord", page, StringComparison.Ordinal);
        Assert.True(Refused(await leader.GetAsync("/surveys/import")));
        using var employee = await app.SignInAsync(Roles.Employee);
        Assert.True(Refused(await employee.GetAsync(surveyPath)));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_import_api_takes_a_Forms_export_with_the_antiforgery_header_and_refuses_it_without(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        var file = FormsWorkbook.Write(["Hvilken virksomhet jobber du i?", "Hvor enig er du?.Møtene mine i Teams er effektive."],
            [.. Enumerable.Range(0, 12).Select(i => new FormsWorkbook.Response("anonymous", new DateTime(2026, 2, 1, 10, i, 0), [i < 6 ? "SYE" : "BNO", "Enig"]))]);
        MultipartFormDataContent Upload() => new()
        {
            { new StringContent("API-puls"), "survey" },
            { new StringContent("Hvilken virksomhet jobber du i?"), "agencyColumn" },
            { new ByteArrayContent(file), "file", "puls.xlsx" },
        };

        using (var refused = await central.PostAsync("/api/surveys/import", Upload()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        await using (var db = app.Database.CreateContext())
        {
            Assert.False(await db.Surveys.AnyAsync());
        }
        await RunningApp.WithApiTokenAsync(central);
        using var imported = await central.PostAsync("/api/surveys/import", Upload());
        var body = await imported.Content.ReadAsStringAsync();
        Assert.True(imported.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("\"responses\":12", body, StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal(12, await db.SurveyResponses.CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_survey_of_many_agencies_shows_its_questions_for_the_municipality_one_agency_beside_it_or_all(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        using var central = await RunningApp.WithApiTokenAsync(await app.SignInAsync(Roles.ChangeLeader));
        List<(string Code, string Name)> agencies;
        await using (var db = app.Database.CreateContext())
        {
            agencies = [.. (await db.Agencies.OrderBy(a => a.Code).Select(a => new { a.Code, a.Name }).ToListAsync()).Take(13).Select(a => (a.Code, a.Name))];
        }
        // Six answers from each of thirteen agencies: every agency is a group of its own.
        var file = FormsWorkbook.Write(["Hvilken virksomhet jobber du i?", "Hvor enig er du?.Møtene mine i Teams er effektive."],
            [.. Enumerable.Range(0, 13 * 6).Select(i => new FormsWorkbook.Response("anonymous", new DateTime(2026, 2, 1, 10, i % 60, 0), [agencies[i / 6].Code, "Enig"]))]);
        using var imported = await central.PostAsync("/api/surveys/import", new MultipartFormDataContent
        {
            { new StringContent("Mange-puls"), "survey" },
            { new StringContent("Hvilken virksomhet jobber du i?"), "agencyColumn" },
            { new ByteArrayContent(file), "file", "puls.xlsx" },
        });
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        int survey;
        await using (var db = app.Database.CreateContext())
        {
            survey = await db.Surveys.Where(s => s.Name == "Mange-puls").Select(s => s.Id).SingleAsync();
        }
        async Task<string> QuestionsAsync(string query)
        {
            var page = WebUtility.HtmlDecode(await central.GetStringAsync($"/surveys/{survey}{query}"));
            return page[page.IndexOf("id=\"questions\"", StringComparison.Ordinal)..];
        }
        int Rows(string html) => html.Split("<th scope=\"row\">").Length - 1;

        var municipality = await QuestionsAsync("");
        var one = await QuestionsAsync($"?group={agencies[4].Code}");
        var all = await QuestionsAsync("?group=all");

        Assert.Equal(1, Rows(municipality));
        Assert.Contains("<option value=\"all\"", municipality, StringComparison.Ordinal);
        Assert.Equal(2, Rows(one));
        Assert.Contains($"<th scope=\"row\">{agencies[4].Name}</th>", one, StringComparison.Ordinal);
        Assert.True(Rows(all) >= 14, $"{Rows(all)} rows"); // every group of the survey, those without answers too
    }

    /// <summary>Pages answer a signed-in user without the policy with the access-denied page.</summary>
    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Found && response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true);

    private static string AnswerPath(string token) => SurveyPulse.AnswerPath + token;

    private static FormUrlEncodedContent Form(string html, IEnumerable<KeyValuePair<string, string>> fields) =>
        new([new("__RequestVerificationToken", RunningApp.AntiforgeryToken(html)), new("_handler", "answer"), .. fields]);

    private static async Task<(int Survey, List<string> Links)> SendPulseAsync(RunningApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var designer = services.GetRequiredService<SurveyDesigner>();
        var survey = await designer.CreateAsync("Digital puls", null, SurveyLibrary.PulseKeys, 3, "test", default);
        var sye = await services.GetRequiredService<OppdriftDb>().Agencies.Where(a => a.Code == "SYE").Select(a => a.Id).SingleAsync();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var round = await designer.AddRoundAsync(survey.Value!.Id, "2026 K1", RoundKind.Pulse, now.AddHours(-1), now.AddDays(14), "test", default, RoundPopulation.Agency, sye);
        await services.GetRequiredService<OppdriftDb>().SaveChangesAsync();
        var sent = await services.GetRequiredService<SurveyPulse>().SendAsync(round.Id, "test", default);
        // The round is open, so the app's survey job may have sent it first; either way it went out once.
        Assert.True(sent.Succeeded || sent.Field == "round", sent.Error);
        var bodies = await services.GetRequiredService<OppdriftDb>().OutgoingMail.Select(m => m.Body).ToListAsync();
        return (survey.Value.Id, [.. bodies.Select(b => LinkPattern().Match(b).Groups[1].Value).Where(t => t.Length > 0)]);
    }

    [GeneratedRegex(@"/survey/answer/([A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"name=""(q\d+)"" value=""\d+""")]
    private static partial Regex FieldPattern();
}
